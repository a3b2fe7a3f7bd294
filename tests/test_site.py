"""The built site in a real browser: every page of ``_build/html`` loaded in headless Chromium, offline.

Run after ``make book`` (``make test`` does both, in that order). Playwright drives Debian's
``chromium`` (``apt-get install chromium``; Playwright's own browser download needs the internet);
without a Chromium, or without a built site, the test is skipped with the reason.

Asserted on every page: no console error and no uncaught exception, no request leaves 127.0.0.1 and
none fails, every equation is typeset by the vendored MathJax (no raw TeX left in the visible text,
no MathJax error), every image loads, every internal link and anchor resolves. The search page must
find "LSTM". Screenshots of a few pages go to ``_build/screenshots/``.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT_PAGES = {
    "intro": "book/intro.html",
    "chapter01": "chapters/01_sequences.html",
    "chapter04": "chapters/04_lstm.html",
    "glossary": "book/glossary.html",
    "bibliography": "book/bibliography.html",
}


def _chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _pages() -> list[str]:
    """Every HTML page except index.html, which only redirects to the introduction."""
    skip = ("_static/", "_sources/", "_images/", "_sphinx_design_static/")
    pages = (str(p.relative_to(HTML)) for p in HTML.rglob("*.html"))
    return sorted(p for p in pages if not p.startswith(skip) and p != "index.html")


def test_index_redirects_to_an_existing_page() -> None:
    if not (HTML / "index.html").exists():
        pytest.skip("no built site in _build/html: run `make book` first")
    import re

    target = re.search(r'url=([^"]+)"', (HTML / "index.html").read_text(encoding="utf-8"))
    assert target and (HTML / target.group(1)).exists()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep pytest's output readable
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    if not (HTML / "index.html").exists():
        pytest.skip("no built site in _build/html: run `make book` first")
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser_context(server: str):
    executable = _chromium()
    if executable is None:
        pytest.skip("no Chromium found (apt-get install chromium, or set CHROMIUM=/path/to/chrome)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with tempfile.TemporaryDirectory(prefix="rnnbook-chromium-") as profile, sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile,
            executable_path=executable,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        yield context
        context.close()


# Runs in the page after load: waits for MathJax, then reports what the assertions need.
_INSPECT = """
async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  await document.fonts.ready;  // MathJax's web fonts load after typesetting
  const clone = document.body.cloneNode(true);
  clone.querySelectorAll("pre, code, script, style, mjx-container, .highlight, textarea")
       .forEach(e => e.remove());
  const text = clone.textContent;
  const math = [...document.querySelectorAll("span.math, div.math")];
  const codeOverflow = [...document.querySelectorAll("div.cell_input pre")]
      .filter(e => e.scrollWidth > e.clientWidth + 1).length;
  return {
    rawTex: ["\\\\(", "\\\\[", "\\\\begin{", "$$"].filter(s => text.includes(s)),
    mathTotal: math.length,
    mathUnrendered: math.filter(e => !e.querySelector("mjx-container")).length,
    mathErrors: document.querySelectorAll("mjx-merror").length,
    brokenImages: [...document.images].filter(i => !(i.complete && i.naturalWidth > 0))
                   .map(i => i.getAttribute("src")),
    ids: [...document.querySelectorAll("[id]")].map(e => e.id)
         .concat([...document.querySelectorAll("a[name]")].map(e => e.getAttribute("name"))),
    links: [...document.querySelectorAll("a[href]")].map(a => a.href),
    codeOverflow: codeOverflow,
  };
}
"""


#: Generous: on a loaded 2-core CI machine one page (MathJax typesetting, figures) can take 30 s.
PAGE_TIMEOUT_MS = 180_000


def test_every_page_renders_cleanly_offline(server: str, browser_context) -> None:
    page = browser_context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    problems: list[str] = []
    current = {"page": "", "leaving": False}
    page.on("console", lambda m: m.type == "error" and problems.append(f"{current['page']}: console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"{current['page']}: uncaught: {e}"))

    def failed(request) -> None:
        # Leaving a page cancels what it still loads (net::ERR_ABORTED); only real failures count.
        if not (current["leaving"] and "ERR_ABORTED" in (request.failure or "")):
            problems.append(f"{current['page']}: failed request {request.url} ({request.failure})")

    page.on("requestfailed", failed)
    page.on(
        "response", lambda r: r.status >= 400 and problems.append(f"{current['page']}: HTTP {r.status} {r.url}")
    )

    def only_local(route) -> None:
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            problems.append(f"{current['page']}: request outside 127.0.0.1: {route.request.url}")
            route.abort()

    page.route("**/*", only_local)
    SHOTS.mkdir(parents=True, exist_ok=True)
    ids: dict[str, set[str]] = {}
    links: dict[str, list[str]] = {}
    pages = _pages()
    assert "chapters/01_sequences.html" in pages
    for rel in pages:
        current["leaving"] = True  # until the new page has loaded
        page.goto(urljoin(server, rel), wait_until="load")
        current["page"], current["leaving"] = rel, False
        info = page.evaluate(_INSPECT)
        if info["rawTex"]:
            problems.append(f"{rel}: raw TeX left in the text: {info['rawTex']}")
        if info["mathUnrendered"] or info["mathErrors"]:
            problems.append(
                f"{rel}: {info['mathUnrendered']} of {info['mathTotal']} equations not typeset, "
                f"{info['mathErrors']} MathJax errors"
            )
        if info["brokenImages"]:
            problems.append(f"{rel}: images that did not load: {info['brokenImages']}")
        if rel == "chapters/01_sequences.html":
            assert info["mathTotal"] > 10, "chapter 1 should have equations"
            # 80-character code lines must fit the content column at the default width.
            if info["codeOverflow"]:
                problems.append(f"{rel}: {info['codeOverflow']} code cells wider than the content column")
        ids[rel] = set(info["ids"])
        links[rel] = info["links"]
        for name, target in SCREENSHOT_PAGES.items():
            if target == rel:
                page.screenshot(path=str(SHOTS / f"{name}.png"))
        if rel == "chapters/01_sequences.html":  # a figure and the code cell that made it
            page.locator("#fig-01-hidden-states").scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / "chapter01-figure.png"))

    for rel, hrefs in links.items():
        for href in hrefs:
            url, fragment = urldefrag(href)
            parsed = urlparse(url)
            if parsed.scheme not in ("http", "https") or parsed.hostname != "127.0.0.1":
                continue  # external links are allowed in the text; they are not requested
            target = unquote(parsed.path.removeprefix("/")) or "index.html"
            if target.endswith("/"):
                target += "index.html"
            if not (HTML / target).exists():
                problems.append(f"{rel}: link to missing {target}")
            elif fragment and target in ids and fragment not in ids[target]:
                problems.append(f"{rel}: link to missing anchor {target}#{fragment}")
    page.close()
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:60])


def test_search_finds_lstm(server: str, browser_context) -> None:
    page = browser_context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(urljoin(server, "search.html?q=LSTM"), wait_until="load")
    page.wait_for_selector("ul.search li")
    hits = page.locator("ul.search li").count()
    page.screenshot(path=str(SHOTS / "search.png"))
    page.close()
    assert hits > 0, "searching for LSTM found nothing"
