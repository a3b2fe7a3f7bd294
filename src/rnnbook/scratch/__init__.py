"""From-scratch NumPy implementations of recurrent networks.

Arrays are batch-first: inputs ``(B, T, D)``, hidden states ``(B, T, H)``. Weight matrices use the
Keras layout (``kernel`` of shape ``(D, H)``), so ``x_t @ W_xh`` in code is :math:`W_{xh} x_t` in the
text and weights can be copied into ``keras.layers`` one-to-one.
"""

from .checks import as_float_array, check_finite, check_rank
from .gru import GRU
from .lstm import LSTM
from .recursive import recursive_forward
from .rnn import simple_rnn_forward

__all__ = ["GRU", "LSTM", "as_float_array", "check_finite", "check_rank", "recursive_forward", "simple_rnn_forward"]
