"""rnnbook: the code behind *Recurrent Neural Networks: From First Principles to Applications*.

Modules, in layers that import only downwards (checked by ``tests/test_imports.py``):

0. :mod:`rnnbook.checks` (input validation with errors that name the argument) and
   :mod:`rnnbook.numerics` (stable ``sigmoid``, ``logsumexp``, ``log_softmax``, ``softmax``).
1. :mod:`rnnbook.sampling` (temperature and top-k sampling from logits), :mod:`rnnbook.decoding`
   (greedy and beam search over any step function), :mod:`rnnbook.metrics` (edit distance,
   error rate, sequence accuracy), :mod:`rnnbook.scan` (linear recurrences: the sequential loop
   and the parallel scan).
2. :mod:`rnnbook.scratch`: from-scratch NumPy layers with forward and backward passes (SimpleRNN,
   LSTM, GRU, Dense, Embedding; the contract in :mod:`rnnbook.scratch.base`), initialisers,
   optimisers, gradient checking, CTC loss and decoders (:mod:`rnnbook.scratch.ctc`), the char LM,
   variational dropout, the LayerNorm-LSTM, the bidirectional wrapper, additive and
   multiplicative attention, the linear-chain CRF, minGRU/minLSTM and a recursive (tree) network.
3. :mod:`rnnbook.audio` (speech features), :mod:`rnnbook.timeseries` and
   :mod:`rnnbook.forecasting` (windows, baselines, SegRNN), :mod:`rnnbook.ssm` (diagonal and
   selective state-space models), :mod:`rnnbook.data` (verified loaders and seeded generators),
   :mod:`rnnbook.seq2seq` (Keras encoder-decoders with and without attention),
   :mod:`rnnbook.crf_keras` (the CRF loss and Viterbi in TensorFlow ops), :mod:`rnnbook.convert`
   (Keras <-> PyTorch LSTM/GRU weights), :mod:`rnnbook.testing` (gradient-check and
   Keras-agreement harnesses for layers), :mod:`rnnbook.utils` (``seed_everything``,
   ``silence_tensorflow``), :mod:`rnnbook.plot` (the book's figure style and drawing helpers).
"""

__version__ = "0.1.0"
