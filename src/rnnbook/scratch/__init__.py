"""From-scratch NumPy implementations of recurrent networks.

Arrays are batch-first: inputs ``(B, T, D)``, hidden states ``(B, T, H)``. Weight matrices use the
Keras layout (``kernel`` of shape ``(D, H)``), so ``x_t @ W_xh`` in code is :math:`W_{xh} x_t` in the
text and weights can be copied into ``keras.layers`` one-to-one.
"""

from .checks import as_float_array, check_finite, check_rank
from .recursive import recursive_forward
from .rnn import simple_rnn_forward
from .rnn import SimpleRNN  # noqa: E402  (part A of issue 3: RNN, layers, optimisers, char LM)
from .layers import Dense, Embedding, softmax_cross_entropy
from .optim import SGD, Adagrad, Adam, clip_grad_norm, global_norm
from .charlm import CharLM, evaluate_charlm, make_streams, train_charlm

__all__ = ["as_float_array", "check_finite", "check_rank", "recursive_forward", "simple_rnn_forward"]
__all__ += ["SimpleRNN", "Dense", "Embedding", "softmax_cross_entropy", "SGD", "Adagrad", "Adam"]
__all__ += ["clip_grad_norm", "global_norm", "CharLM", "evaluate_charlm", "make_streams", "train_charlm"]
