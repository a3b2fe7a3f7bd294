"""Property test over the public API: any input gives either a valid, finite result or a clear
``ValueError``/``TypeError`` that names an argument, never NaN, a crash deep inside NumPy or a
silent truncation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from rnnbook import metrics, sampling, timeseries
from rnnbook.scratch import GRU, LSTM, Dense, SimpleRNN
from rnnbook.scratch.ctc import ctc_collapse, ctc_greedy_decode, ctc_prefix_beam_search

# Values: ordinary, huge, tiny, and the non-finite ones every function must reject.
FLOATS = st.one_of(
    st.floats(-1e150, 1e150, allow_nan=False),
    st.sampled_from([0.0, 1e-300, -1e300, 1e300, np.nan, np.inf, -np.inf]),
)
SHAPES = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4)
ARRAYS = st.one_of(
    hnp.arrays(np.float64, SHAPES, elements=FLOATS),
    hnp.arrays(st.sampled_from([np.int16, np.int64, np.float32, np.bool_]), SHAPES),
    hnp.arrays(np.complex128, SHAPES, elements=st.complex_numbers(max_magnitude=10)),
)
# Everything else a caller might pass by mistake.
JUNK = st.one_of(
    st.none(),
    st.text(max_size=3),
    st.integers(-3, 3),
    st.floats(allow_nan=True),
    st.just([[1.0, 2.0], [3.0]]),  # ragged
    st.just(np.random.default_rng(0)),
)
ANY = st.one_of(ARRAYS, JUNK)
ERRORS = (ValueError, TypeError)


def finite(value: object) -> bool:
    """True when every number inside ``value`` (arrays, tuples, lists, dicts) is finite."""
    if isinstance(value, dict):
        return all(finite(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(finite(v) for v in value)
    if isinstance(value, (np.ndarray, float, int, np.number)):
        arr = np.asarray(value)
        return not np.issubdtype(arr.dtype, np.inexact) or bool(np.all(np.isfinite(arr)))
    return True


def check(fn, *args, **kwargs) -> None:
    try:
        out = fn(*args, **kwargs)
    except ERRORS as err:
        assert str(err), f"{fn.__name__} raised an empty {type(err).__name__}"
        return
    assert finite(out), f"{fn.__name__} returned a non-finite result for {args!r}, {kwargs!r}"


LAYERS = {
    "SimpleRNN": lambda: SimpleRNN(2, 3, rng=np.random.default_rng(0)),
    "LSTM": lambda: LSTM(2, 3, rng=np.random.default_rng(0)),
    "GRU": lambda: GRU(2, 3, rng=np.random.default_rng(0)),
    "Dense": lambda: Dense(2, 3, rng=np.random.default_rng(0)),
}

common = settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)


@pytest.mark.parametrize("name", sorted(LAYERS))
@common
@given(x=ANY)
def test_layers_forward(name: str, x: object) -> None:
    check(lambda x: LAYERS[name]().forward(x)[0], x)


@pytest.mark.parametrize("name", ["SimpleRNN", "LSTM", "GRU"])
@common
@given(d=ANY)
def test_layers_backward(name: str, d: object) -> None:
    layer = LAYERS[name]()
    _, _, cache = layer.forward(np.ones((2, 3, 2)))
    check(lambda d: layer.backward(d, cache).params, d)


@pytest.mark.parametrize("units", [2.5, 0, -1, "3", None, True, np.float64(3.0)])
def test_layer_sizes_are_never_truncated(units: object) -> None:
    for make in (SimpleRNN, LSTM, GRU, Dense):
        with pytest.raises(ERRORS, match="units"):
            make(2, units, rng=np.random.default_rng(0))


@common
@given(logits=ANY, temperature=st.one_of(FLOATS, JUNK), top_k=st.one_of(st.none(), st.integers(-1, 6), JUNK))
def test_sampling(logits: object, temperature: object, top_k: object) -> None:
    check(sampling.sampling_distribution, logits, temperature=temperature, top_k=top_k)
    check(sampling.sample, logits, np.random.default_rng(0), temperature=temperature, top_k=top_k)


@common
@given(logits=ANY, width=st.one_of(st.integers(-1, 3), JUNK))
def test_ctc_decoders(logits: object, width: object) -> None:
    check(ctc_greedy_decode, logits)
    check(ctc_prefix_beam_search, logits, beam_width=width)
    check(ctc_collapse, logits)


@common
@given(a=ANY, b=ANY)
def test_metrics_and_forecast_errors(a: object, b: object) -> None:
    check(metrics.edit_distance, a, b)
    check(timeseries.forecast_errors, a, b)
    check(timeseries.repeat_last, a, 2)
