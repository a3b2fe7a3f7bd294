"""Shared pytest set-up: TensorFlow stays quiet and on the CPU in every test."""

from rnnbook.utils import silence_tensorflow

silence_tensorflow()
