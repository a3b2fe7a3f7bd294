"""The chapter-1 forward pass: agreement with keras.layers.SimpleRNN, errors, and the recursive contrast."""

from __future__ import annotations

import numpy as np
import pytest

from rnnbook.scratch import recursive_forward, simple_rnn_forward


def _weights(rng: np.random.Generator, D: int, H: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return rng.normal(0, 0.5, (D, H)), rng.normal(0, 0.4, (H, H)), rng.normal(0, 0.1, H)


@pytest.mark.parametrize(("B", "T", "D", "H"), [(1, 1, 1, 1), (3, 7, 5, 4), (2, 30, 65, 16)])
def test_matches_keras_simple_rnn(B: int, T: int, D: int, H: int) -> None:
    import keras

    rng = np.random.default_rng(B * 100 + T)
    x = rng.normal(size=(B, T, D)).astype(np.float32)
    h0 = rng.normal(size=(B, H)).astype(np.float32)
    W_xh, W_hh, b = (w.astype(np.float32) for w in _weights(rng, D, H))
    layer = keras.layers.SimpleRNN(H, return_sequences=True, return_state=True)
    layer.build((None, T, D))
    layer.set_weights([W_xh, W_hh, b])
    seq, final = (a.numpy() for a in layer(x, initial_state=h0))
    ours = simple_rnn_forward(x, W_xh, W_hh, b, h0=h0)
    assert ours.shape == (B, T, H)
    np.testing.assert_allclose(ours, seq, atol=1e-5, rtol=0)
    np.testing.assert_allclose(ours[:, -1], final, atol=1e-5, rtol=0)


def test_matches_the_equation_step_by_step() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 4, 3))
    W_xh, W_hh, b = _weights(rng, 3, 5)
    h = np.zeros((2, 5))
    expected = []
    for t in range(4):
        h = np.tanh(x[:, t] @ W_xh + h @ W_hh + b)
        expected.append(h)
    np.testing.assert_allclose(simple_rnn_forward(x, W_xh, W_hh, b), np.stack(expected, axis=1), rtol=1e-12)


def test_zero_recurrent_weights_make_steps_independent() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 6, 3))
    W_xh, _, b = _weights(rng, 3, 4)
    hs = simple_rnn_forward(x, W_xh, np.zeros((4, 4)), b)
    np.testing.assert_allclose(hs, np.tanh(x @ W_xh + b), rtol=1e-12)


@pytest.mark.parametrize(
    ("x_shape", "W_xh_shape", "W_hh_shape", "b_shape", "h0_shape", "message"),
    [
        ((4, 3), (3, 5), (5, 5), (5,), None, r"x must have rank 3 with layout \(B, T, D\), got shape \(4, 3\)"),
        ((2, 4, 3), (4, 5), (5, 5), (5,), None, r"W_xh must have shape \(3, 5\) = \(D, H\), got \(4, 5\)"),
        ((2, 4, 3), (3, 5), (5, 4), (5,), None, r"W_hh must have shape \(5, 5\) = \(H, H\), got \(5, 4\)"),
        ((2, 4, 3), (3, 5), (5, 5), (1, 5), None, r"b must have shape \(5\) = \(H,\), got \(1, 5\)"),
        ((2, 4, 3), (3, 5), (5, 5), (5,), (3, 5), r"h0 must have shape \(2, 5\) = \(B, H\), got \(3, 5\)"),
    ],
)
def test_bad_shapes_name_the_expected_layout(x_shape, W_xh_shape, W_hh_shape, b_shape, h0_shape, message) -> None:
    args = [np.zeros(s) for s in (x_shape, W_xh_shape, W_hh_shape, b_shape)]
    with pytest.raises(ValueError, match=message):
        simple_rnn_forward(*args, h0=None if h0_shape is None else np.zeros(h0_shape))


def test_non_finite_input_is_rejected() -> None:
    x = np.zeros((1, 3, 2))
    x[0, 1, 0] = np.nan
    with pytest.raises(ValueError, match="x contains 1 non-finite value"):
        simple_rnn_forward(x, np.zeros((2, 3)), np.zeros((3, 3)), np.zeros(3))


def test_recurrent_net_is_recursive_net_on_a_left_branching_tree() -> None:
    rng = np.random.default_rng(2)
    T, D, H = 9, 4, 6
    x = rng.normal(size=(1, T, D))
    W_xh, W_hh, b = _weights(rng, D, H)
    leaves = np.vstack([np.zeros(H), x[0] @ W_xh])
    tree = 0
    for t in range(1, T + 1):
        tree = (tree, t)
    root = recursive_forward(tree, leaves, W_hh, np.eye(H), b)
    np.testing.assert_allclose(root, simple_rnn_forward(x, W_xh, W_hh, b)[0, -1], rtol=1e-12)


def test_recursive_forward_rejects_bad_trees() -> None:
    leaves, W, b = np.zeros((3, 2)), np.eye(2), np.zeros(2)
    with pytest.raises(ValueError, match=r"Leaf index 3 is outside \[0, 3\)"):
        recursive_forward((0, 3), leaves, W, W, b)
    with pytest.raises(ValueError, match="pair of subtrees"):
        recursive_forward((0, 1, 2), leaves, W, W, b)  # type: ignore[arg-type]
