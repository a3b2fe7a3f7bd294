"""Shared pytest set-up: TensorFlow stays quiet and on the CPU; property tests have no deadline."""

from hypothesis import settings

from rnnbook.utils import silence_tensorflow

silence_tensorflow()

# Property tests draw fresh random examples on every run: the gradient checks' relative error has a
# scale-aware floor (rnnbook.scratch.gradcheck.relative_error), so round-off on entries near zero no
# longer fails them and no fixed examples are needed. A failure prints the example that reproduces it.
settings.register_profile("book", deadline=None)
settings.load_profile("book")
