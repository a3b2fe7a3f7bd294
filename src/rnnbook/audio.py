"""Speech features in TensorFlow (``tf.signal``): STFT magnitude, log-mel spectrogram, MFCC.

The pipeline, for a waveform sampled at ``sample_rate`` Hz:

1. **Frames.** Windows of ``frame_length`` samples every ``frame_step`` samples (Hann window), so a
   waveform of :math:`N \\ge` ``frame_length`` samples gives
   :math:`F = 1 + \\lfloor (N - \\text{frame\\_length}) / \\text{frame\\_step} \\rfloor` frames
   (:func:`num_frames`; no padding at the end, so no frame sees samples that do not exist).
2. **STFT.** A real FFT of ``fft_length`` points per frame (the frame is zero-padded to it):
   ``fft_length // 2 + 1`` bins spaced ``sample_rate / fft_length`` Hz apart, from 0 Hz to Nyquist.
3. **Mel filterbank.** ``num_mel_bins`` triangular filters equally spaced on the mel scale
   :math:`m = 1127 \\ln(1 + f / 700)` between ``fmin`` and ``fmax``; then :math:`\\log(\\cdot + 10^{-6})`.
4. **MFCC.** A DCT-II of each log-mel frame, keeping the first ``num_mfcc`` coefficients
   (``tf.signal.mfccs_from_log_mel_spectrograms``).

All functions take batch-first float waveforms ``(B, N)`` in ``[-1, 1]`` (:func:`to_float` converts
``int16``); :func:`compute_features` handles a list of waveforms of different lengths.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .checks import as_float_array, check_finite, check_int, check_real

__all__ = [
    "FeatureConfig",
    "compute_features",
    "log_mel_spectrogram",
    "mel_band_centres",
    "mel_filterbank",
    "mfcc",
    "num_frames",
    "pad_features",
    "stack_frames",
    "stft_magnitude",
    "to_float",
]


@dataclass(frozen=True)
class FeatureConfig:
    """Feature parameters; the defaults suit 8 kHz speech (the Free Spoken Digit Dataset).

    25 ms frames (200 samples at 8 kHz: a few pitch periods, short enough for the spectrum to be
    roughly stationary) every 10 ms (80 samples, 100 frames per second); a 256-point FFT (the next
    power of two above 200: 129 bins, 31.25 Hz apart); 40 mel bands from 20 Hz to the 4 kHz Nyquist
    frequency; 13 MFCCs.
    """

    sample_rate: int = 8000
    frame_length_ms: float = 25.0
    frame_step_ms: float = 10.0
    fft_length: int = 256
    num_mel_bins: int = 40
    fmin: float = 20.0
    fmax: float = 4000.0
    num_mfcc: int = 13

    def __post_init__(self) -> None:
        check_int("sample_rate", self.sample_rate, 1)
        check_int("fft_length", self.fft_length, 1)
        check_int("num_mel_bins", self.num_mel_bins, 1)
        check_int("num_mfcc", self.num_mfcc, 1)
        for name in ("frame_length_ms", "frame_step_ms"):
            check_real(name, getattr(self, name), minimum=0.0, strict=True)
        if self.frame_length < 1 or self.frame_step < 1:
            raise ValueError(
                f"frame_length_ms and frame_step_ms must give at least one sample at {self.sample_rate} Hz, "
                f"got {self.frame_length} and {self.frame_step} samples."
            )
        if self.frame_length > self.fft_length:
            raise ValueError(f"frame_length ({self.frame_length} samples) must not exceed fft_length ({self.fft_length}).")
        if not 0 <= self.fmin < self.fmax <= self.sample_rate / 2:
            raise ValueError(f"need 0 <= fmin < fmax <= sample_rate/2 = {self.sample_rate / 2}, got {self.fmin}, {self.fmax}.")
        if not 1 <= self.num_mfcc <= self.num_mel_bins:
            raise ValueError(f"num_mfcc must lie in [1, num_mel_bins = {self.num_mel_bins}], got {self.num_mfcc}.")

    @property
    def frame_length(self) -> int:
        """Frame length in samples."""
        return round(self.sample_rate * self.frame_length_ms / 1000)

    @property
    def frame_step(self) -> int:
        """Frame step (hop) in samples."""
        return round(self.sample_rate * self.frame_step_ms / 1000)

    @property
    def num_fft_bins(self) -> int:
        """``fft_length // 2 + 1`` frequency bins, ``sample_rate / fft_length`` Hz apart."""
        return self.fft_length // 2 + 1


def num_frames(n_samples: int, frame_length: int, frame_step: int) -> int:
    """Frames of a waveform of ``n_samples``: ``1 + (n_samples - frame_length) // frame_step``.

    Raises ``ValueError`` when the waveform is shorter than one frame or a size is not positive.
    """
    n_samples = check_int("n_samples", n_samples, 0)
    frame_length = check_int("frame_length", frame_length, 1)
    frame_step = check_int("frame_step", frame_step, 1)
    if n_samples < frame_length:
        raise ValueError(f"a waveform of {n_samples} samples is shorter than one frame ({frame_length} samples).")
    return 1 + (n_samples - frame_length) // frame_step


def to_float(audio: np.ndarray) -> np.ndarray:
    """``int16`` PCM to ``float32`` in ``[-1, 1)`` (divide by 32768); float input is returned as float32.

    Other integer types raise ``TypeError`` (their full scale is ambiguous: convert them yourself);
    so do complex, string and ragged input. Non-finite samples raise ``ValueError``.
    """
    if isinstance(audio, np.ndarray) and audio.dtype == np.int16:
        return audio.astype(np.float32) / 32768.0
    a = np.asarray(audio) if isinstance(audio, np.ndarray) else None
    if a is not None and np.issubdtype(a.dtype, np.integer):
        raise TypeError(f"audio must be int16 PCM or float in [-1, 1), got {a.dtype}: scale it to float first.")
    a = as_float_array("audio", audio)
    # Python ints/lists: no dtype says they are PCM, so they must already be floats in [-1, 1].
    from_python = a.dtype == np.float64 and not (isinstance(audio, np.ndarray) and audio.dtype == np.float64)
    if from_python and np.any(np.abs(a) > 1.0):
        raise ValueError("audio given as a list or integers must hold floats in [-1, 1]; pass int16 PCM as np.int16.")
    check_finite("audio", a)
    return a.astype(np.float32)


def _as_batch(waveforms: object):
    import tensorflow as tf

    if tf.is_tensor(waveforms):
        if not waveforms.dtype.is_floating:
            raise TypeError(f"waveforms must be float in [-1, 1), got a {waveforms.dtype.name} tensor; use to_float.")
        w = tf.cast(waveforms, tf.float32)
    else:
        w = tf.convert_to_tensor(to_float(waveforms))  # int16 PCM is scaled, other integers rejected
    if w.shape.rank != 2:
        raise ValueError(f"waveforms must have shape (B, N) = (batch, samples), got {tuple(w.shape)}.")
    return w


def stft_magnitude(waveforms: object, config: FeatureConfig = FeatureConfig()):
    """:math:`|\\mathrm{STFT}|`, shape ``(B, F, fft_length // 2 + 1)``, from waveforms ``(B, N)``."""
    import tensorflow as tf

    w = _as_batch(waveforms)
    num_frames(int(w.shape[1]), config.frame_length, config.frame_step)  # validates the length
    stft = tf.signal.stft(
        w,
        frame_length=config.frame_length,
        frame_step=config.frame_step,
        fft_length=config.fft_length,
        window_fn=tf.signal.hann_window,
        pad_end=False,
    )
    return tf.abs(stft)


def mel_filterbank(config: FeatureConfig = FeatureConfig()):
    """The ``(fft_length // 2 + 1, num_mel_bins)`` matrix of triangular mel filters (TensorFlow's)."""
    import tensorflow as tf

    return tf.signal.linear_to_mel_weight_matrix(
        num_mel_bins=config.num_mel_bins,
        num_spectrogram_bins=config.num_fft_bins,
        sample_rate=config.sample_rate,
        lower_edge_hertz=config.fmin,
        upper_edge_hertz=config.fmax,
    )


def mel_band_centres(config: FeatureConfig = FeatureConfig()) -> np.ndarray:
    """Centre frequency in Hz of each mel band, shape ``(num_mel_bins,)``: equal steps in
    :math:`m = 1127 \\ln(1 + f/700)` between ``fmin`` and ``fmax``, end points excluded."""
    lo, hi = (1127.0 * np.log1p(f / 700.0) for f in (config.fmin, config.fmax))
    mels = np.linspace(lo, hi, config.num_mel_bins + 2)[1:-1]
    return 700.0 * np.expm1(mels / 1127.0)


def log_mel_spectrogram(waveforms: object, config: FeatureConfig = FeatureConfig()):
    """:math:`\\log(|\\mathrm{STFT}|^2 M + 10^{-6})`, shape ``(B, F, num_mel_bins)`` (power spectrum)."""
    import tensorflow as tf

    power = tf.square(stft_magnitude(waveforms, config))
    return tf.math.log(tf.tensordot(power, mel_filterbank(config), axes=1) + 1e-6)


def mfcc(waveforms: object, config: FeatureConfig = FeatureConfig()):
    """The first ``num_mfcc`` MFCCs of every frame, shape ``(B, F, num_mfcc)``."""
    import tensorflow as tf

    return tf.signal.mfccs_from_log_mel_spectrograms(log_mel_spectrogram(waveforms, config))[..., : config.num_mfcc]


def compute_features(
    audios: Sequence[np.ndarray], kind: str = "mfcc", config: FeatureConfig = FeatureConfig(), batch_size: int = 256
) -> list[np.ndarray]:
    """Features of waveforms of different lengths, one ``(F_i, D)`` float32 array each.

    Waveforms (``int16`` or float, 1-D) are zero-padded to the longest in each batch of
    ``batch_size`` and computed together; each result is then cut to its own
    :func:`num_frames`, so no returned frame contains padding. ``kind`` is ``"mfcc"``
    (``D = num_mfcc``), ``"log_mel"`` (``D = num_mel_bins``) or ``"stft"`` (``D = fft_length//2+1``).
    """
    fns = {"mfcc": mfcc, "log_mel": log_mel_spectrogram, "stft": stft_magnitude}
    batch_size = check_int("batch_size", batch_size, 1)
    if kind not in fns:
        raise ValueError(f"kind must be one of {sorted(fns)}, got {kind!r}.")
    waves = [to_float(a) for a in audios]
    for i, w in enumerate(waves):
        if w.ndim != 1:
            raise ValueError(f"audio {i} must be 1-D (samples,), got shape {w.shape}.")
    counts = [num_frames(w.size, config.frame_length, config.frame_step) for w in waves]
    order = np.argsort([w.size for w in waves], kind="stable")  # similar lengths together: less padding
    out: list[np.ndarray | None] = [None] * len(waves)
    for start in range(0, len(waves), batch_size):
        idx = order[start : start + batch_size]
        n = max(waves[i].size for i in idx)
        batch = np.zeros((len(idx), n), dtype=np.float32)
        for row, i in enumerate(idx):
            batch[row, : waves[i].size] = waves[i]
        feats = np.asarray(fns[kind](batch, config))
        for row, i in enumerate(idx):
            out[i] = feats[row, : counts[i]].copy()
    return out  # type: ignore[return-value]


def pad_features(features: Sequence[np.ndarray], max_len: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Right-pad ``(F_i, D)`` arrays with zeros into ``(B, T, D)`` and return it with lengths ``(B,)``.

    ``max_len`` defaults to the longest; a sequence longer than ``max_len`` raises ``ValueError``
    (nothing is truncated).
    """
    if not features:
        raise ValueError("need at least one feature array.")
    dims = {f.shape[1] if f.ndim == 2 else None for f in features}
    if len(dims) != 1 or None in dims:
        raise ValueError(f"every feature array must have shape (F_i, D) with the same D, got dims {dims}.")
    lengths = np.array([f.shape[0] for f in features], dtype=np.int32)
    T = int(lengths.max()) if max_len is None else check_int("max_len", max_len, 1)
    if lengths.max() > T:
        raise ValueError(f"a sequence has {lengths.max()} frames, more than max_len = {T}.")
    out = np.zeros((len(features), T, dims.pop()), dtype=np.float32)
    for i, f in enumerate(features):
        out[i, : f.shape[0]] = f
    return out, lengths


def stack_frames(features: np.ndarray, factor: int) -> np.ndarray:
    """Concatenate each run of ``factor`` consecutive frames: ``(F, D) -> (ceil(F/factor), factor*D)``.

    A "low frame rate" input: ``factor`` times fewer, wider time steps for the recurrent layers. The
    last group is completed with copies of the final frame (no frame is dropped).
    """
    factor = check_int("factor", factor, 1)
    f = as_float_array("features", features)
    if f.ndim != 2 or factor < 1:
        raise ValueError(f"features must have shape (F, D) and factor >= 1, got {f.shape} and {factor}.")
    F, D = f.shape
    groups = -(-F // factor)
    pad = groups * factor - F
    if pad:
        f = np.concatenate([f, np.repeat(f[-1:], pad, axis=0)], axis=0)
    return f.reshape(groups, factor * D)
