"""rnnbook.audio: shapes, the frame-count formula, and pure tones landing in the right STFT bin and mel band."""

from __future__ import annotations

import numpy as np
import pytest

from rnnbook.utils import silence_tensorflow

silence_tensorflow()
from rnnbook import audio

CFG = audio.FeatureConfig()


def _tone(freq: float, seconds: float = 0.5, sr: int = 8000) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def test_config_in_samples() -> None:
    assert (CFG.frame_length, CFG.frame_step, CFG.num_fft_bins) == (200, 80, 129)
    with pytest.raises(ValueError, match="fft_length"):
        audio.FeatureConfig(fft_length=128)
    with pytest.raises(ValueError, match="fmax"):
        audio.FeatureConfig(fmax=5000.0)


@pytest.mark.parametrize("n", [200, 201, 279, 280, 281, 4000, 3517])
def test_frame_count_formula_matches_tf(n: int) -> None:
    expected = 1 + (n - 200) // 80
    assert audio.num_frames(n, 200, 80) == expected
    x = np.zeros((2, n), np.float32)
    assert tuple(audio.stft_magnitude(x).shape) == (2, expected, 129)
    assert tuple(audio.log_mel_spectrogram(x).shape) == (2, expected, 40)
    assert tuple(audio.mfcc(x).shape) == (2, expected, 13)


def test_too_short_or_bad_rank_raises() -> None:
    with pytest.raises(ValueError, match="shorter than one frame"):
        audio.num_frames(199, 200, 80)
    with pytest.raises(ValueError, match=r"\(B, N\)"):
        audio.mfcc(np.zeros(4000, np.float32))


@pytest.mark.parametrize("freq", [250.0, 1000.0, 2500.0])
def test_pure_tone_peaks_in_its_stft_bin(freq: float) -> None:
    mag = np.asarray(audio.stft_magnitude(_tone(freq)[None]))[0]  # (F, 129)
    bin_hz = CFG.sample_rate / CFG.fft_length  # 31.25 Hz
    assert np.all(np.argmax(mag, axis=1) == round(freq / bin_hz))


@pytest.mark.parametrize("band", [5, 20, 33])
def test_pure_tone_peaks_in_its_mel_band(band: int) -> None:
    centres = audio.mel_band_centres(CFG)
    assert centres.shape == (40,) and np.all(np.diff(centres) > 0)
    assert CFG.fmin < centres[0] and centres[-1] < CFG.fmax
    logmel = np.asarray(audio.log_mel_spectrogram(_tone(centres[band])[None]))[0]
    assert np.all(np.argmax(logmel, axis=1) == band)


def test_compute_features_cuts_padding_and_matches_single_calls() -> None:
    rng = np.random.default_rng(0)
    waves = [rng.integers(-3000, 3000, size=n).astype(np.int16) for n in (1200, 3000, 2001, 800)]
    feats = audio.compute_features(waves, "mfcc", batch_size=3)
    for w, f in zip(waves, feats):
        single = np.asarray(audio.mfcc(audio.to_float(w)[None]))[0]
        assert f.shape == (audio.num_frames(w.size, 200, 80), 13)
        np.testing.assert_allclose(f, single, rtol=1e-4, atol=1e-4)


def test_pad_and_stack_frames() -> None:
    feats = [np.ones((3, 2)), 2 * np.ones((5, 2))]
    x, lengths = audio.pad_features(feats)
    assert x.shape == (2, 5, 2) and lengths.tolist() == [3, 5]
    assert np.all(x[0, 3:] == 0) and np.all(x[1] == 2)
    with pytest.raises(ValueError, match="max_len"):
        audio.pad_features(feats, max_len=4)
    f = np.arange(10.0).reshape(5, 2)
    s = audio.stack_frames(f, 2)
    assert s.shape == (3, 4)
    np.testing.assert_array_equal(s[0], [0, 1, 2, 3])
    np.testing.assert_array_equal(s[2], [8, 9, 8, 9])  # last frame repeated, nothing dropped


def test_to_float_scales_int16() -> None:
    np.testing.assert_allclose(audio.to_float(np.array([-32768, 0, 16384], np.int16)), [-1.0, 0.0, 0.5])


def test_integer_audio_and_bad_frames_raise() -> None:
    """Integer audio is scaled (int16) or rejected, never fed unscaled; sizes must be positive ints."""
    tone = (np.sin(np.arange(800) / 5) * 10000).astype(np.int16)
    np.testing.assert_allclose(np.asarray(audio.stft_magnitude(tone[None])), np.asarray(audio.stft_magnitude(audio.to_float(tone)[None])))
    with pytest.raises(TypeError, match="int16 PCM or float"):
        audio.stft_magnitude(tone[None].astype(np.int32))
    with pytest.raises(TypeError, match="real"):
        audio.to_float(np.ones(4, dtype=complex))
    with pytest.raises(ValueError, match="non-finite"):
        audio.to_float(np.array([0.0, np.nan]))
    with pytest.raises(ValueError, match="frame_step must be an integer >= 1"):
        audio.num_frames(100, 10, 0)
    with pytest.raises(ValueError, match="frame_length must be an integer >= 1"):
        audio.num_frames(100, -5, 1)
    with pytest.raises(TypeError, match="n_samples must be an integer"):
        audio.num_frames(100.5, 10, 1)
    with pytest.raises(ValueError, match="frame_step_ms must be > 0"):
        audio.FeatureConfig(frame_step_ms=0.0)
    with pytest.raises(ValueError, match="at least one sample"):
        audio.FeatureConfig(frame_step_ms=0.01)
    with pytest.raises(TypeError, match="factor must be an integer"):
        audio.stack_frames(np.zeros((4, 2)), 1.5)
