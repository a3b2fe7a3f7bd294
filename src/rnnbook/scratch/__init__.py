"""From-scratch NumPy implementations of recurrent networks.

Arrays are batch-first: inputs ``(B, T, D)``, hidden states ``(B, T, H)``. Weight matrices use the
Keras layout (``kernel`` of shape ``(D, H)``), so ``x_t @ W_xh`` in code is :math:`W_{xh} x_t` in the
text and weights can be copied into ``keras.layers`` one-to-one.
"""

from .checks import as_float_array, check_finite, check_rank
from .recursive import recursive_forward
from .rnn import simple_rnn_forward

__all__ = ["as_float_array", "check_finite", "check_rank", "recursive_forward", "simple_rnn_forward"]

from .ctc import ctc_greedy_decode, ctc_loss, ctc_loss_and_grad, ctc_prefix_beam_search  # noqa: E402

__all__ += ["ctc_greedy_decode", "ctc_loss", "ctc_loss_and_grad", "ctc_prefix_beam_search"]
