"""Check the built course book in a real browser: `make book-check`.

    python tools/book_check.py [--site _build/book] [--screenshots _build/book-check]

Serves the site with `python -m http.server` on 127.0.0.1, opens every HTML page in headless
Chromium (Debian's `chromium`, driven by Playwright's Python package through `executable_path`;
set CHROMIUM=/path/to/chrome for another binary) and fails, naming the page and the problem, on

* a console error or an uncaught JavaScript error;
* a request to any host other than the local server (the book must display offline);
* an <img> that did not load (naturalWidth == 0);
* maths left unrendered: `$$`, `\\(`, `\\[` or `$...$` in the page's visible text outside code
  blocks and outside MathJax's output (run after MathJax has finished typesetting);
* a broken internal link: an href to a page or file of the site that is not there, or to an
  anchor (#id) that the target page does not have.

A screenshot of each page (full page) is saved under the screenshots folder. Exit status 0 when
every page passes, 1 otherwise, 2 when the site or the browser is missing.
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

ROOT = Path(__file__).resolve().parent.parent

# Visible text outside code, scripts and MathJax's own output, read after typesetting.
VISIBLE_TEXT_JS = """() => {
  const skip = 'PRE, CODE, SCRIPT, STYLE, TEXTAREA, NOSCRIPT, MJX-CONTAINER, .highlight, .output';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest(skip)) continue;
    if (!el.offsetParent && getComputedStyle(el).position !== 'fixed') continue;  // hidden
    parts.push(n.textContent);
  }
  return parts.join(' ');
}"""

# Outputs of cells are code-like (text/plain, stderr); text/markdown outputs are rendered maths too.
MATH_LEFT = [
    (re.compile(r"\$\$"), "'$$'"),
    (re.compile(r"\\\(|\\\)"), "'\\(' or '\\)'"),
    (re.compile(r"\\\[|\\\]"), "'\\[' or '\\]'"),
    (re.compile(r"(?<![\w$])\$[^\s$][^$\n]{0,200}?(?<=[^\s$])\$(?![\w$])"), "'$...$'"),
]

WAIT_JS = """async () => {
  for (const img of document.images) img.loading = 'eager';
  await Promise.all(Array.from(document.images).map(img => img.complete ? null :
      new Promise(done => { img.addEventListener('load', done); img.addEventListener('error', done); })));
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  return true;
}"""

BROKEN_IMAGES_JS = """() => Array.from(document.images)
  .filter(img => !img.complete || img.naturalWidth === 0)
  .map(img => img.getAttribute('src') || '(no src)')"""

LINKS_JS = """() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)"""
IDS_JS = """() => Array.from(document.querySelectorAll('[id], a[name]')).map(e => e.id || e.name)"""


def find_chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and (path := shutil.which(candidate)):
            return path
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(site: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(site)]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    for _ in range(100):
        try:
            urllib.request.urlopen(base, timeout=1).close()
            return server, base
        except OSError:
            time.sleep(0.1)
    server.terminate()
    sys.exit("book-check: the local http.server did not start")


def _listen(page, base: str, errors: list[str]) -> None:
    """Record the page's console errors, uncaught exceptions and failed requests to the local server."""

    def on_console(message):
        if message.type == "error":
            errors.append(f"console error: {message.text}")

    def on_request_failed(request):
        if request.url.startswith(base):  # other hosts are reported by _refuse_offsite
            errors.append(f"request failed: {request.url} ({request.failure})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"JavaScript error: {exc}"))
    page.on("requestfailed", on_request_failed)


def _refuse_offsite(errors: list[str]):
    """A route handler that records and aborts a request leaving the local server."""

    def handler(route):
        errors.append(f"request to another host (the book must work offline): {route.request.url}")
        route.abort()

    return handler


def check(site: Path, shots: Path, full_page: bool) -> list[str]:
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    if chromium is None:
        print("book-check: no Chromium found; install Debian's: apt-get install -y chromium", file=sys.stderr)
        sys.exit(2)
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if "_static" not in p.parts)
    shots.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    links: dict[str, set[str]] = {}  # target URL (no fragment) -> fragments asked for
    link_sources: dict[tuple[str, str], str] = {}
    ids: dict[str, set[str]] = {}
    server, base = serve(site)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            for name in pages:
                page = context.new_page()
                errors: list[str] = []
                _listen(page, base, errors)
                page.route(re.compile(r"^(?!" + re.escape(base) + ").*"), _refuse_offsite(errors))
                url = base + name
                try:
                    page.goto(url, wait_until="load", timeout=60_000)
                    page.evaluate(WAIT_JS)
                    page.wait_for_timeout(200)  # late console errors
                except Exception as exc:  # noqa: BLE001 - reported as a problem of this page
                    problems.append(f"{name}: could not load: {str(exc).splitlines()[0]}")
                    problems += [f"{name}: {e}" for e in errors]
                    page.close()
                    continue
                problems += [f"{name}: {e}" for e in errors]
                for src in page.evaluate(BROKEN_IMAGES_JS):
                    problems.append(f"{name}: image did not load: {src}")
                text = page.evaluate(VISIBLE_TEXT_JS)
                for pattern, what in MATH_LEFT:
                    if m := pattern.search(text):
                        around = text[max(0, m.start() - 40) : m.end() + 40].replace("\n", " ")
                        problems.append(f"{name}: unrendered maths {what} in visible text: ...{around}...")
                for href in page.evaluate(LINKS_JS):
                    if not href.startswith(base):
                        continue
                    target, fragment = urldefrag(href)
                    links.setdefault(target, set())
                    if fragment:
                        links[target].add(unquote(fragment))
                        link_sources.setdefault((target, unquote(fragment)), name)
                    link_sources.setdefault((target, ""), name)
                ids[url] = set(page.evaluate(IDS_JS))
                shot = shots / (name.replace("/", "__").removesuffix(".html") + ".png")
                page.screenshot(path=str(shot), full_page=full_page)
                page.close()
            browser.close()
        for target, fragments in sorted(links.items()):
            path = unquote(urlsplit(target).path)
            file = site / path.lstrip("/")
            if path.endswith("/"):
                file = file / "index.html"
            if not file.is_file():
                problems.append(f"{link_sources[(target, '')]}: broken link to {path} (no such file in the site)")
                continue
            page_ids = ids.get(target) or ids.get(target.removesuffix("index.html"))
            if page_ids is None and file.suffix == ".html":
                page_ids = set(re.findall(r'\bid="([^"]+)"', file.read_text(errors="replace")))
            for fragment in sorted(fragments):
                if page_ids is not None and fragment not in page_ids:
                    problems.append(
                        f"{link_sources[(target, fragment)]}: broken link to {path}#{fragment} (no such anchor)"
                    )
    finally:
        server.terminate()
        server.wait()
    print(f"book-check: {len(pages)} pages checked, screenshots in {shots}")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", default=str(ROOT / "_build" / "book"))
    parser.add_argument("--screenshots", default=str(ROOT / "_build" / "book-check"))
    parser.add_argument("--viewport-only", action="store_true", help="screenshot the first screen only")
    args = parser.parse_args(argv)
    site = Path(args.site)
    if not (site / "index.html").is_file():
        print(f"book-check: {site / 'index.html'} not found; run `make book` first", file=sys.stderr)
        return 2
    problems = check(site, Path(args.screenshots), full_page=not args.viewport_only)
    for p in problems:
        print(f"FAIL {p}", file=sys.stderr)
    print(f"book-check: {'FAILED, ' + str(len(problems)) + ' problem(s)' if problems else 'all pages pass'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
