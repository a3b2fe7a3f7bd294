"""Small Sphinx extension for the book's site (loaded from ``_config.yml``).

1. Numbers figures, tables, code blocks and equations per chapter: chapter ``NN_slug`` gets
   ``NN.1, NN.2, ...`` (Sphinx numbers them across the whole book when the table of contents is not
   section-numbered, and ours is not: chapter numbers follow the book's plan, with gaps).
2. Author–year labels in the bibliography ("Hochreiter and Schmidhuber, 1997"), matching the
   in-text ``author_year`` citations of sphinxcontrib-bibtex: a pybtex label style and a formatting
   style, registered as plugins under the name ``authoryear``.
3. Removes duplicate inline scripts from each page: sphinx-thebe and sphinx-togglebutton register
   their configuration snippet twice under Jupyter Book 1.0.4 (a JavaScript ``SyntaxError``,
   ``Identifier 'THEBE_JS_URL' has already been declared``, on every page).
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from pybtex.plugin import register_plugin
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle
from sphinx.application import Sphinx

_CHAPTER = re.compile(r"(?:^|/)(\d\d)_[^/]*$")


# --- 1. per-chapter numbering -------------------------------------------------------------


def _chapter_number(docname: str) -> int | None:
    match = _CHAPTER.search(docname)
    return int(match.group(1)) if match else None


def _renumber_per_chapter(app: Sphinx, env: Any) -> list[str]:
    """Replace Sphinx's book-wide figure/table/equation counters by per-chapter ones."""
    changed = []
    for docname, by_type in env.toc_fignumbers.items():
        chapter = _chapter_number(docname)
        new = {}
        for figtype, numbers in by_type.items():
            counter: dict[tuple, int] = defaultdict(int)
            ordered = sorted(numbers.items(), key=lambda item: item[1])  # document order
            renumbered = {}
            for node_id, old in ordered:
                counter[figtype] += 1
                k = counter[figtype]
                renumbered[node_id] = (chapter, k) if chapter is not None else (k,)
            new[figtype] = renumbered
        if new != by_type:
            env.toc_fignumbers[docname] = new
            changed.append(docname)
    return changed


# --- 2. author-year bibliography labels --------------------------------------------------


def _last_names(person: Any) -> str:
    return " ".join(str(part) for part in person.rich_last_names).replace("{", "").replace("}", "")


class AuthorYearLabelStyle(BaseLabelStyle):
    """Labels like "Cho et al., 2014", "Hochreiter and Schmidhuber, 1997", "Karpathy, 2015"."""

    def format_labels(self, sorted_entries):  # type: ignore[override]
        entries = list(sorted_entries)
        labels = [self._label(entry) for entry in entries]
        counts: dict[str, int] = defaultdict(int)
        for label in labels:
            counts[label] += 1
        seen: dict[str, int] = defaultdict(int)
        for label in labels:  # same authors and year: 2015a, 2015b, in bibliography order
            if counts[label] > 1:
                seen[label] += 1
                label = f"{label}{chr(ord('a') + seen[label] - 1)}"
            yield label

    @staticmethod
    def _label(entry: Any) -> str:
        persons = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [_last_names(p) for p in persons]
        if not names:
            who = entry.fields.get("organization") or entry.fields.get("title", entry.key)
            who = str(who).replace("{", "").replace("}", "")
        elif len(names) == 1:
            who = names[0]
        elif len(names) == 2:
            who = f"{names[0]} and {names[1]}"
        else:
            who = f"{names[0]} et al."
        return f"{who}, {entry.fields.get('year', 'n.d.')}"


class AuthorYearStyle(UnsrtStyle):
    """The ``unsrt`` entry formatting, sorted by author and year, with author–year labels."""

    default_label_style = "authoryear"
    default_sorting_style = "author_year_title"


register_plugin("pybtex.style.labels", "authoryear", AuthorYearLabelStyle)
register_plugin("pybtex.style.formatting", "authoryear", AuthorYearStyle)


def _use_label_year_in_citations() -> None:
    """In-text author-year citations take the year from the bibliography label ("2015a").

    sphinxcontrib-bibtex's ``year`` template node reads the raw ``year`` field, so two works by the
    same authors in the same year would be cited identically while the bibliography tells them
    apart; this node reads the disambiguated year from the formatted entry's label instead.
    """
    from pybtex.richtext import Text
    from sphinxcontrib.bibtex.style import template
    from sphinxcontrib.bibtex.style.referencing import basic_author_year, extra_year

    plain_year = template.year

    @template.node
    def label_year(children: list, data: dict) -> Any:
        assert not children
        entry = data.get("formatted_entry")
        label = getattr(entry, "label", "") or ""
        suffix = label.rsplit(", ", 1)[-1] if ", " in label else ""
        if suffix[:4].isdigit():
            return Text(suffix)
        return plain_year.format_data(data)

    basic_author_year.year = label_year
    extra_year.year = label_year


_use_label_year_in_citations()


# --- 3. duplicate inline scripts ---------------------------------------------------------


def _dedupe_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for js in scripts:
        # The same snippet arrives once with filename None and once with "" (registry vs builder).
        key = (getattr(js, "filename", str(js)) or "", str(getattr(js, "attributes", {}).get("body", "")))
        if key in seen:
            continue
        seen.add(key)
        unique.append(js)
    scripts[:] = unique  # in place: later handlers (MathJax) append to the same list


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("env-get-updated", _renumber_per_chapter, priority=900)
    # Early: html-page-context stops at the first handler that returns a template name.
    app.connect("html-page-context", _dedupe_scripts, priority=100)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
