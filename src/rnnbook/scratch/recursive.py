"""A recursive (tree-structured) network, to contrast with the recurrent one."""

from __future__ import annotations

import numpy as np

from ..checks import as_float_array, check_rank, check_shape

__all__ = ["Tree", "recursive_forward"]

#: A binary tree: a leaf is an integer index into ``leaves``; an internal node is a pair of subtrees.
Tree = int | tuple["Tree", "Tree"]


def recursive_forward(tree: Tree, leaves: np.ndarray, W_left: np.ndarray, W_right: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Compose a binary tree bottom-up with one shared cell: :math:`p = \\tanh(W_l c_l + W_r c_r + b)`.

    Parameters
    ----------
    tree:
        Nested pairs of leaf indices, e.g. ``((0, 1), (2, 3))``.
    leaves:
        Leaf vectors, shape ``(N, H)``.
    W_left, W_right:
        Shape ``(H, H)`` each (row-vector layout: ``c_l @ W_left``).
    b:
        Shape ``(H,)``.

    Returns
    -------
    numpy.ndarray
        The root's vector, shape ``(H,)``.
    """
    leaves = as_float_array("leaves", leaves)
    check_rank("leaves", leaves, 2, "(N, H)")
    H = leaves.shape[1]
    check_shape("W_left", np.asarray(W_left), (H, H), "(H, H)")
    check_shape("W_right", np.asarray(W_right), (H, H), "(H, H)")
    check_shape("b", np.asarray(b), (H,), "(H,)")

    def node(t: Tree) -> np.ndarray:
        if isinstance(t, (int, np.integer)):
            if not 0 <= t < len(leaves):
                raise ValueError(f"Leaf index {t} is outside [0, {len(leaves)}).")
            return leaves[t]
        if not (isinstance(t, tuple) and len(t) == 2):
            raise ValueError(f"A tree node must be a leaf index or a pair of subtrees, got {t!r}.")
        return np.tanh(node(t[0]) @ W_left + node(t[1]) @ W_right + b)

    return node(tree)
