"""rnnbook: the code behind *Recurrent Neural Networks: From First Principles to Applications*.

Subpackages and modules
-----------------------
- :mod:`rnnbook.data`: verified loaders for the datasets bundled in the repository's ``data/`` folder
  and seeded generators for synthetic tasks.
- :mod:`rnnbook.utils`: seeding and environment helpers (``seed_everything``, ``silence_tensorflow``).
- :mod:`rnnbook.plot`: the book's figure style and drawing helpers.
- :mod:`rnnbook.sampling`: temperature and top-k sampling from a language model's logits.
- :mod:`rnnbook.scratch`: from-scratch NumPy layers with forward and backward passes.
"""

__version__ = "0.1.0"
