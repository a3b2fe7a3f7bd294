"""A seeded visual-question-answering generator: coloured shapes on a small canvas (in the spirit
of CLEVR, Johnson et al., 2017, at toy scale).

A scene is a ``grid x grid`` board of ``cell``-pixel cells (4 x 4 cells of 8 pixels: a 32 x 32
RGB image by default) holding 2 to 5 objects, at most one per cell. An object has one of four
colours and one of three shapes, drawn 6 pixels wide at a random offset inside its cell on a
black background. Each scene comes with one templated question of one of five types:

===========  ===============================================  =====================
type         template                                         answers
===========  ===============================================  =====================
colour       what colour is the <shape> ?                     red, green, blue, yellow
shape        what shape is the <colour> object ?              circle, square, triangle
count        how many <colour> objects / <shape>s are there ?  0, 1, 2, 3
exist        is there a <colour> <shape> ?                    yes, no
position     where is the <colour> <shape> ?                  top left, top right,
                                                              bottom left, bottom right
===========  ===============================================  =====================

Questions are generated answer first: the answers of each type are dealt out in equal numbers
(to within one) and shuffled, then a scene is built that makes the answer true, with the question's
words drawn independently of the answer. So the answer is uniform given the question text, and a
model that does not look at the image cannot beat chance within a type. Every question has exactly
one correct answer: the object a colour, shape or position question refers to is unique in its
scene. The quadrants of a position answer split the board into halves of ``grid // 2`` rows and
columns; ``grid`` must be even. ``exist`` scenes often hold near misses (an object of the asked colour and another
shape, or of the asked shape and another colour), so one attribute alone does not answer them.

:func:`make_shapes_vqa_splits` draws train, validation and test sets from one seeded stream and
never uses a scene twice, so no (scene, question) pair, and not even a scene, is shared by two
splits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..checks import check_int

__all__ = [
    "ANSWERS",
    "COLOURS",
    "QUESTION_TYPES",
    "QUESTION_VOCAB",
    "SHAPES",
    "ShapesVQA",
    "encode_questions",
    "make_shapes_vqa",
    "make_shapes_vqa_splits",
    "render_scene",
]

COLOURS = ("red", "green", "blue", "yellow")
SHAPES = ("circle", "square", "triangle")
RGB = np.array([[230, 60, 50], [60, 190, 70], [60, 110, 250], [240, 210, 40]], np.uint8)
QUESTION_TYPES = ("colour", "shape", "count", "exist", "position")
COUNTS = ("0", "1", "2", "3")
QUADRANTS = ("top left", "top right", "bottom left", "bottom right")
ANSWERS = (*COLOURS, *SHAPES, *COUNTS, "yes", "no", *QUADRANTS)
TYPE_ANSWERS = {
    "colour": COLOURS,
    "shape": SHAPES,
    "count": COUNTS,
    "exist": ("yes", "no"),
    "position": QUADRANTS,
}
_WORDS = ["what", "colour", "shape", "is", "the", "object", "how", "many", "objects", "are", "there", "a", "where", "?"]
QUESTION_VOCAB = ("<pad>", *_WORDS, *COLOURS, *SHAPES, *(s + "s" for s in SHAPES))
MAX_QUESTION_LEN = 10
SIZE = 6  # pixels per shape


def _shape_masks() -> np.ndarray:
    """``(3, 6, 6)`` boolean masks: circle, square, triangle (apex up)."""
    y, x = np.mgrid[0:SIZE, 0:SIZE] + 0.5
    c = SIZE / 2
    circle = (y - c) ** 2 + (x - c) ** 2 <= c**2
    square = np.ones((SIZE, SIZE), bool)
    triangle = np.abs(x - c) <= y / 2
    return np.stack([circle, square, triangle])


MASKS = _shape_masks()


@dataclass(frozen=True)
class ShapesVQA:
    """A set of (image, question, answer) triples, one question per scene.

    Attributes
    ----------
    images:
        ``(N, H, W, 3)`` uint8 RGB, ``H = W = grid * cell``.
    scenes:
        ``(N, grid * grid)`` int64, per cell ``colour * 3 + shape`` or ``-1`` when empty (row-major).
    questions:
        ``N`` question strings, tokens separated by single spaces.
    answers:
        ``(N,)`` int64 indices into :data:`ANSWERS`.
    types:
        ``(N,)`` int64 indices into :data:`QUESTION_TYPES`.
    """

    images: np.ndarray
    scenes: np.ndarray
    questions: tuple[str, ...]
    answers: np.ndarray
    types: np.ndarray

    def __len__(self) -> int:
        return len(self.answers)


def render_scene(scene: np.ndarray, offsets: np.ndarray, *, cell: int = 8) -> np.ndarray:
    """Draw one scene: ``scene`` ``(G*G,)`` codes, ``offsets`` ``(G*G, 2)`` -> ``(G*cell, G*cell, 3)``
    uint8."""
    scene, offsets = np.asarray(scene), np.asarray(offsets)
    cell = check_int("cell", cell, minimum=SIZE)
    g = round(np.sqrt(scene.size))
    if scene.ndim != 1 or g * g != scene.size:
        raise ValueError(f"scene must be a flat array of grid * grid codes, got shape {scene.shape}.")
    if offsets.shape != (scene.size, 2) or offsets.min() < 0 or offsets.max() > cell - SIZE:
        raise ValueError(f"offsets must be ({scene.size}, 2) in [0, {cell - SIZE}], got shape {offsets.shape}.")
    if scene.min() < -1 or scene.max() >= len(COLOURS) * len(SHAPES):
        raise ValueError(f"scene codes must lie in [-1, {len(COLOURS) * len(SHAPES) - 1}].")
    image = np.zeros((g * cell, g * cell, 3), np.uint8)
    for k in np.flatnonzero(scene >= 0):
        colour, shape = divmod(int(scene[k]), len(SHAPES))
        r = (k // g) * cell + offsets[k, 0]
        c = (k % g) * cell + offsets[k, 1]
        patch = image[r : r + SIZE, c : c + SIZE]
        patch[MASKS[shape]] = RGB[colour]
    return image


def _place(rng: np.random.Generator, g: int, n_objects: int, required: list, ok) -> np.ndarray | None:
    """A scene with the ``required`` objects ``[(code, cell or None)]`` and distractors drawn
    uniformly among the codes for which ``ok(code)`` is true, up to ``n_objects``."""
    scene = np.full(g * g, -1, np.int64)
    free = list(rng.permutation(g * g))
    for code, where in required:
        if where is None:
            where = free[0]
        free.remove(where)
        scene[where] = code
    allowed = [k for k in range(len(COLOURS) * len(SHAPES)) if ok(k)]
    for where in free[: max(0, n_objects - len(required))]:
        scene[where] = allowed[rng.integers(len(allowed))]
    return scene


def _code(colour: int, shape: int) -> int:
    return colour * len(SHAPES) + shape


def _one(rng: np.random.Generator, qtype: str, answer: str, g: int) -> tuple[np.ndarray, str]:
    """One scene and question of type ``qtype`` whose answer is ``answer``."""
    nc, ns = len(COLOURS), len(SHAPES)
    k = int(rng.integers(2, 6))  # objects in the scene
    if qtype == "colour":
        s, c = int(rng.integers(ns)), COLOURS.index(answer)
        scene = _place(rng, g, k, [(_code(c, s), None)], lambda q: q % ns != s)
        return scene, f"what colour is the {SHAPES[s]} ?"
    if qtype == "shape":
        c, s = int(rng.integers(nc)), SHAPES.index(answer)
        scene = _place(rng, g, k, [(_code(c, s), None)], lambda q: q // ns != c)
        return scene, f"what shape is the {COLOURS[c]} object ?"
    if qtype == "count":
        n = int(answer)
        k = max(k, n, 1)
        if rng.random() < 0.5:  # count by colour
            c = int(rng.integers(nc))
            req = [(_code(c, int(rng.integers(ns))), None) for _ in range(n)]
            return _place(rng, g, k, req, lambda q: q // ns != c), f"how many {COLOURS[c]} objects are there ?"
        s = int(rng.integers(ns))
        req = [(_code(int(rng.integers(nc)), s), None) for _ in range(n)]
        return _place(rng, g, k, req, lambda q: q % ns != s), f"how many {SHAPES[s]}s are there ?"
    if qtype == "exist":
        c, s = int(rng.integers(nc)), int(rng.integers(ns))
        target = _code(c, s)
        req = [(target, None)] if answer == "yes" else []
        if rng.random() < 0.5:  # near miss: the colour with another shape
            req.append((_code(c, (s + int(rng.integers(1, ns))) % ns), None))
        if rng.random() < 0.5:  # near miss: the shape with another colour
            req.append((_code((c + int(rng.integers(1, nc))) % nc, s), None))
        scene = _place(rng, g, max(k, len(req), 1), req, lambda q: q != target)
        return scene, f"is there a {COLOURS[c]} {SHAPES[s]} ?"
    # position: a unique object in the quadrant given by the answer
    target = int(rng.integers(nc * ns))
    bottom, right = divmod(QUADRANTS.index(answer), 2)
    row, col = divmod(np.arange(g * g), g)
    cells = np.flatnonzero(((row >= g // 2) == bottom) & ((col >= g // 2) == right))
    where = int(cells[rng.integers(len(cells))])
    scene = _place(rng, g, k, [(target, where)], lambda q: q != target)
    c, s = divmod(target, ns)
    return scene, f"where is the {COLOURS[c]} {SHAPES[s]} ?"


def _generate(rng: np.random.Generator, sizes: list[int], grid: int, cell: int) -> list[ShapesVQA]:
    seen: set[bytes] = set()
    out = []
    for n in sizes:
        per_type = np.full(len(QUESTION_TYPES), n // len(QUESTION_TYPES))
        per_type[: n % len(QUESTION_TYPES)] += 1
        jobs = []
        for t, qtype in enumerate(QUESTION_TYPES):
            options = TYPE_ANSWERS[qtype]
            dealt = np.resize(rng.permutation(len(options)), per_type[t])
            jobs += [(t, options[i]) for i in dealt]
        jobs = [jobs[i] for i in rng.permutation(len(jobs))]
        images = np.empty((n, grid * cell, grid * cell, 3), np.uint8)
        scenes = np.empty((n, grid * grid), np.int64)
        questions, answers, types = [], [], []
        for i, (t, answer) in enumerate(jobs):
            while True:  # redraw the rare scene that was already used
                scene, question = _one(rng, QUESTION_TYPES[t], answer, grid)
                if scene.tobytes() not in seen:
                    break
            seen.add(scene.tobytes())
            offsets = rng.integers(0, cell - SIZE + 1, size=(grid * grid, 2))
            images[i] = render_scene(scene, offsets, cell=cell)
            scenes[i] = scene
            questions.append(question)
            answers.append(ANSWERS.index(answer))
            types.append(t)
        out.append(ShapesVQA(images, scenes, tuple(questions), np.array(answers, np.int64), np.array(types, np.int64)))
    return out


def _check_grid(grid: object, cell: object) -> tuple[int, int]:
    grid = check_int("grid", grid, minimum=4)
    if grid % 2:
        raise ValueError(f"grid must be even (the board has halves), got {grid}.")
    cell = check_int("cell", cell, minimum=SIZE)
    return grid, cell


def make_shapes_vqa(n: int, *, seed: int, grid: int = 4, cell: int = 8) -> ShapesVQA:
    """``n`` (image, question, answer) triples, question types in equal numbers (to within one) and
    answers balanced within each type. The same ``seed`` gives the same data."""
    n = check_int("n", n, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    grid, cell = _check_grid(grid, cell)
    return _generate(np.random.default_rng(seed), [n], grid, cell)[0]


def make_shapes_vqa_splits(
    n_train: int, n_val: int, n_test: int, *, seed: int, grid: int = 4, cell: int = 8
) -> tuple[ShapesVQA, ShapesVQA, ShapesVQA]:
    """Train, validation and test sets drawn in that order from one stream seeded by ``seed``; no
    scene occurs twice in the whole stream, so the splits share no scene and no (scene, question)
    pair."""
    sizes = [check_int(name, v, minimum=1) for name, v in (("n_train", n_train), ("n_val", n_val), ("n_test", n_test))]
    seed = check_int("seed", seed, minimum=0)
    grid, cell = _check_grid(grid, cell)
    train, val, test = _generate(np.random.default_rng(seed), sizes, grid, cell)
    return train, val, test


def encode_questions(questions: object, max_len: int = MAX_QUESTION_LEN) -> np.ndarray:
    """Questions (strings of :data:`QUESTION_VOCAB` tokens) -> ``(N, max_len)`` int32 token ids,
    padded with 0 at the front (so that a recurrent encoder reads the words last)."""
    if isinstance(questions, str) or not all(isinstance(q, str) for q in questions):
        raise TypeError("questions must be a sequence of strings, e.g. ('is there a red circle ?',).")
    max_len = check_int("max_len", max_len, minimum=1)
    index = {w: i for i, w in enumerate(QUESTION_VOCAB)}
    out = np.zeros((len(questions), max_len), np.int32)
    for i, q in enumerate(questions):
        words = q.split()
        unknown = [w for w in words if w not in index]
        if unknown:
            raise ValueError(f"questions[{i}] has words outside QUESTION_VOCAB: {unknown}.")
        if len(words) > max_len:
            raise ValueError(f"questions[{i}] has {len(words)} tokens, more than max_len={max_len}.")
        out[i, max_len - len(words) :] = [index[w] for w in words]
    return out
