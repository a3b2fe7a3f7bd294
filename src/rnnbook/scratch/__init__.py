"""From-scratch NumPy implementations of recurrent networks.

Arrays are batch-first: inputs ``(B, T, D)``, hidden states ``(B, T, H)``. Weight matrices use the
Keras layout (``kernel`` of shape ``(D, H)``), so ``x_t @ W_xh`` in code is :math:`W_{xh} x_t` in the
text and weights can be copied into ``keras.layers`` one-to-one.
"""

from ..checks import as_float_array, check_finite, check_rank
from .charlm import CharLM, evaluate_charlm, make_streams, train_charlm
from .ctc import ctc_greedy_decode, ctc_loss, ctc_loss_and_grad, ctc_prefix_beam_search
from .gru import GRU
from .layers import Dense, Embedding, softmax_cross_entropy
from .lstm import LSTM
from .optim import SGD, Adagrad, Adam, clip_grad_norm, global_norm
from .recursive import recursive_forward
from .rnn import SimpleRNN, simple_rnn_forward

__all__ = [
    "GRU",
    "LSTM",
    "SGD",
    "Adagrad",
    "Adam",
    "CharLM",
    "Dense",
    "Embedding",
    "SimpleRNN",
    "as_float_array",
    "check_finite",
    "check_rank",
    "clip_grad_norm",
    "ctc_greedy_decode",
    "ctc_loss",
    "ctc_loss_and_grad",
    "ctc_prefix_beam_search",
    "evaluate_charlm",
    "global_norm",
    "make_streams",
    "recursive_forward",
    "simple_rnn_forward",
    "softmax_cross_entropy",
    "train_charlm",
]
