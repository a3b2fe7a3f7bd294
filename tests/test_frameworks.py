"""The chapter 18 pieces: launch helpers (rnnbook.distributed) and the char LM in Keras and PyTorch."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

from rnnbook.distributed import free_ports, load_job, run_workers, save_job, shard_rows, tf_config
from rnnbook.utils import silence_tensorflow

silence_tensorflow()
keras = pytest.importorskip("keras")
torch = pytest.importorskip("torch")

from rnnbook.keras_charlm import build_keras_charlm, train_keras_sgd
from rnnbook.torch_charlm import TorchCharLM, train_torch_sgd

V, E, H = 11, 4, 6


def _job(tmp_path, cell="lstm", steps=3, batch=4, T=5):
    keras.utils.set_random_seed(0)
    model = build_keras_charlm(V, E, H, cell)
    rng = np.random.default_rng(1)
    x = rng.integers(0, V, (steps, batch, T))
    y = rng.integers(0, V, (steps, batch, T))
    return load_job(save_job(tmp_path / "job.npz", x, y, model.get_weights(), lr=0.5)), model


def test_free_ports_are_distinct_and_valid():
    ports = free_ports(3)
    assert len(set(ports)) == 3 and all(0 < p < 65536 for p in ports)
    for bad in (0, -1, 2.0, True):
        with pytest.raises(ValueError, match="n must"):
            free_ports(bad)


def test_tf_config_names_cluster_and_task():
    cfg = json.loads(tf_config([1234, 1235], 1))
    assert cfg == {"cluster": {"worker": ["localhost:1234", "localhost:1235"]}, "task": {"type": "worker", "index": 1}}
    with pytest.raises(ValueError, match="index"):
        tf_config([1234], 1)
    with pytest.raises(ValueError, match="ports"):
        tf_config([], 0)


def test_shard_rows_partition_the_batch():
    rows = [np.arange(12)[shard_rows(12, r, 3)] for r in range(3)]
    np.testing.assert_array_equal(np.concatenate(rows), np.arange(12))
    with pytest.raises(ValueError, match="multiple"):
        shard_rows(10, 0, 3)
    with pytest.raises(ValueError, match="rank"):
        shard_rows(12, 3, 3)
    with pytest.raises(TypeError, match="batch"):
        shard_rows(12.0, 0, 3)


def test_job_round_trip_and_bad_input(tmp_path):
    x = np.arange(24).reshape(2, 3, 4)
    w = [np.ones((2, 2), np.float32), np.zeros(3, np.float32)]
    job = load_job(save_job(tmp_path / "j.npz", x, x + 1, w, lr=0.1))
    np.testing.assert_array_equal(job["x"], x)
    np.testing.assert_array_equal(job["y"], x + 1)
    assert job["lr"] == 0.1 and all(np.array_equal(a, b) for a, b in zip(job["weights"], w))
    with pytest.raises(ValueError, match="same shape"):
        save_job(tmp_path / "j.npz", x, x[:1], w, lr=0.1)
    with pytest.raises(TypeError, match="integer token ids"):
        save_job(tmp_path / "j.npz", x * 1.0, x * 1.0, w, lr=0.1)
    with pytest.raises(ValueError, match="lr"):
        save_job(tmp_path / "j.npz", x, x, w, lr=0.0)
    with pytest.raises(ValueError, match="finite"):
        save_job(tmp_path / "j.npz", x, x, [np.array([np.nan])], lr=0.1)


def test_run_workers_returns_output_and_reports_failure_and_timeout():
    py = sys.executable
    outs = run_workers([[py, "-c", "import os; print(os.environ['X'])"]] * 2, [{"X": "a"}, {"X": "b"}], timeout=60)
    assert [o.strip() for o in outs] == ["a", "b"]
    with pytest.raises(RuntimeError, match="exited with 3"):
        run_workers([[py, "-c", "import sys; sys.exit(3)"]], [{}], timeout=60)
    with pytest.raises(RuntimeError, match="did not finish"):
        run_workers([[py, "-c", "import time; time.sleep(60)"]], [{}], timeout=1)
    with pytest.raises(ValueError, match="same length"):
        run_workers([[py]], [], timeout=1)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_torch_model_holds_the_keras_model(cell):
    keras.utils.set_random_seed(2)
    model = build_keras_charlm(V, E, H, cell)
    rng = np.random.default_rng(3)  # move every weight off its initialisation (nonzero biases)
    model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    x = rng.integers(0, V, (3, 7))
    module = TorchCharLM.from_keras_weights(model.get_weights())
    with torch.no_grad():
        out = module(torch.from_numpy(x).long()).numpy()
    np.testing.assert_allclose(out, np.asarray(model(x)), atol=2e-5)
    for a, b in zip(model.get_weights(), module.keras_weights()):
        np.testing.assert_array_equal(a, b)


def test_sgd_agrees_only_with_a_single_trainable_bias(tmp_path):
    job, _ = _job(tmp_path)
    w_keras, l_keras = train_keras_sgd(job)
    w_one, l_one = train_torch_sgd(job, single_bias=True)
    w_two, _ = train_torch_sgd(job)
    np.testing.assert_allclose(l_one, l_keras, atol=1e-5)
    for a, b in zip(w_one, w_keras):
        np.testing.assert_allclose(a, b, atol=1e-5)
    assert not np.allclose(w_two[3], w_keras[3], atol=1e-4)


def test_one_sgd_step_moves_the_torch_bias_sum_twice_as_far(tmp_path):
    job, _ = _job(tmp_path, steps=1)
    b0 = job["weights"][3]
    w_keras, _ = train_keras_sgd(job)
    w_two, _ = train_torch_sgd(job)
    assert np.abs(w_keras[3] - b0).max() > 1e-4
    np.testing.assert_allclose(w_two[3] - b0, 2 * (w_keras[3] - b0), atol=1e-6)


def test_bad_sizes_are_named():
    with pytest.raises(ValueError, match="units"):
        build_keras_charlm(V, E, 0)
    with pytest.raises(ValueError, match="cell"):
        build_keras_charlm(V, E, H, "rnn")
    with pytest.raises(ValueError, match="vocab"):
        TorchCharLM(-1, E, H)
    with pytest.raises(ValueError, match="cell"):
        TorchCharLM(V, E, H, "rnn")
    with pytest.raises(ValueError, match="6 arrays"):
        TorchCharLM.from_keras_weights([np.zeros(3)])
