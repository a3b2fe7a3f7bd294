"""Connectionist temporal classification (CTC) in NumPy: the loss and its gradient
(:mod:`.loss`) and two decoders (:mod:`.decode`). ``edit_distance`` is re-exported from
:mod:`rnnbook.metrics`."""

from ...metrics import edit_distance
from .decode import ctc_greedy_decode, ctc_prefix_beam_search
from .loss import (
    ctc_brute_force_loss,
    ctc_collapse,
    ctc_labelling_log_probs,
    ctc_loss,
    ctc_loss_and_grad,
    ctc_min_input_length,
)

__all__ = [
    "ctc_brute_force_loss",
    "ctc_collapse",
    "ctc_greedy_decode",
    "ctc_labelling_log_probs",
    "ctc_loss",
    "ctc_loss_and_grad",
    "ctc_min_input_length",
    "ctc_prefix_beam_search",
    "edit_distance",
]
