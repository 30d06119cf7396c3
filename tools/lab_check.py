"""Click the lessons' widget panels in a real browser: `make lab-check`.

    python tools/lab_check.py [--lessons 03 04 07] [--screenshots _build/lab-check] [--timeout 900]

Copies the lessons with a widget panel (latent explorer in 03, ring lab in 04, class panel in 07),
outputs stripped, into a scratch folder (JupyterLab autosaves: the committed notebooks are never
opened) and starts JupyterLab there on 127.0.0.1 with a random token and GAN_COURSE_SMOKE=1. In
headless Chromium (Debian's `chromium`, driven by Playwright's Python package through
`executable_path`, as tools/book_check.py; CHROMIUM=/path/to/chrome for another binary) it opens each
lesson, runs every cell down to the panel's, then moves a slider (ArrowRight on its handle) or clicks
"Train", and fails, naming the lesson and the problem, when

* no figure appears in the panel, or the figure does not change after the interaction;
* a cell's output or the panel's output holds an error (a traceback, "...Error", "Error displaying widget");
* the kernel dies or restarts, or the server's log (where a widget callback's exception goes) holds a traceback;
* the page logs a console error or an uncaught JavaScript error.

Screenshots of each panel before and after the interaction are saved under the screenshots folder.
Exit status 0 when every panel passes, 1 otherwise, 2 when Chromium or Playwright is missing.
"""

import argparse
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from book_check import find_chromium, free_port  # noqa: E402


@dataclass(frozen=True)
class Panel:
    lesson: str  # notebook file name
    call: str  # the widget call that marks the panel's cell
    action: str  # "slider:<description>" or "button:<text>"
    name: str


PANELS = [
    Panel("03_dcgan.ipynb", "widgets.latent_explorer(", "slider:sample B", "latent explorer"),
    Panel("04_mode_collapse.ipynb", "widgets.ring_lab(", "button:Train", "ring lab"),
    Panel("07_conditional_gan.ipynb", "widgets.latent_explorer(", "slider:class", "class panel"),
]

# A traceback, an exception's name, ipywidgets' own failure message or the server restarting a dead
# kernel; warnings do not match.
ERROR_TEXT = re.compile(
    r"Traceback \(most recent call last\)|\b[A-Z]\w*(Error|Exception)\b|Error displaying widget"
    r"|KernelRestarter: restarting kernel"
)

# JupyterLab settings for the scratch user: no windowing (every cell stays in the DOM, so outputs can
# be read), no news or update checks (they would go to the internet).
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
}
SERVER_CONFIG = {
    "LabApp": {
        "expose_app_in_browser": True,  # window.jupyterapp: run cells through JupyterLab's own commands
        "news_url": None,
        "check_for_updates_class": "jupyterlab.NeverCheckForUpdate",
    },
}

# Run the cells above the panel's and the panel's own, through JupyterLab's commands; returns at once
# (progress in window.__labcheck), so the Python side keeps the deadline.
# The lesson's notebook panel once its cells are there, kept as window.__labcheckPanel (by path, not
# "the current widget": JupyterLab may restore other tabs).
FIND_JS = """([path, index]) => {
  const app = window.jupyterapp;
  if (!app) return false;
  for (const w of app.shell.widgets('main')) {
    if (w.context && w.context.path === path && w.content.widgets && w.content.widgets.length > index) {
      window.__labcheckPanel = w;
      return true;
    }
  }
  return false;
}"""

RUN_JS = """async (index) => {
  const app = window.jupyterapp;
  const panel = window.__labcheckPanel;
  app.shell.activateById(panel.id);
  await panel.context.ready;
  await panel.sessionContext.ready;
  const nb = panel.content;
  nb.widgets[index].node.id = 'labcheck-panel';
  window.__labcheck = {done: false, error: null};
  nb.activeCellIndex = index;
  app.commands.execute('notebook:run-all-above')
    .then(() => { nb.activeCellIndex = index; return app.commands.execute('notebook:run-cell'); })
    .then(() => { window.__labcheck.done = true; },
          (e) => { window.__labcheck.done = true; window.__labcheck.error = String(e); });
  return true;
}"""

STATE_JS = """() => {
  const panel = window.__labcheckPanel;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  return {done: window.__labcheck.done, error: window.__labcheck.error,
          kernel: kernel ? kernel.status : 'none'};
}"""

# Every code cell's outputs as the notebook model holds them (errors, stderr), up to the panel's cell.
OUTPUTS_JS = """(index) => {
  const cells = window.__labcheckPanel.content.model.cells;
  const found = [];
  for (let i = 0; i <= index && i < cells.length; i++) {
    const cell = cells.get(i).toJSON();
    if (cell.cell_type !== 'code') continue;
    found.push({cell: i, executed: cell.execution_count !== null, outputs: cell.outputs});
  }
  return found;
}"""

# What the panel shows: its figure's src and any stderr or error text in it (ipywidgets' Output).
PANEL_JS = """() => {
  const cell = document.getElementById('labcheck-panel');
  if (!cell) return {img: null, errors: []};
  const img = cell.querySelector('.jp-OutputArea-output img');
  const errors = Array.from(cell.querySelectorAll(
      '[data-mime-type="application/vnd.jupyter.stderr"], .jp-OutputArea-output'))
    .map(e => e.innerText).filter(t => t.includes('Error') || t.includes('Traceback'));
  return {img: img ? img.src : null, errors: errors};
}"""


def widget_cell(notebook: dict, call: str) -> int:
    """Index of the first code cell whose source holds ``call``; ValueError when none does."""
    for i, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] == "code" and call in "".join(cell["source"]):
            return i
    raise ValueError(f"no code cell calls {call!r}")


def stripped(notebook: dict) -> dict:
    """A copy of the notebook without outputs and execution counts: what the check sees comes from this run."""
    copy = json.loads(json.dumps(notebook))
    for cell in copy["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    copy.get("metadata", {}).pop("widgets", None)  # saved widget state would show stale panels
    return copy


def scratch_copy(notebooks: Path, names: list[str], scratch: Path) -> list[Path]:
    """Write stripped copies of the named lessons into ``scratch``; the originals are only read."""
    scratch.mkdir(parents=True, exist_ok=True)
    copies = []
    for name in names:
        notebook = json.loads((notebooks / name).read_text(encoding="utf-8"))
        copy = scratch / name
        copy.write_text(json.dumps(stripped(notebook), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        copies.append(copy)
    return copies


def output_problems(cells: list[dict]) -> list[str]:
    """Problems in cell outputs (as nbformat JSON): error outputs, and stderr that holds a traceback or an error."""
    problems = []
    for entry in cells:
        for out in entry["outputs"]:
            if out.get("output_type") == "error":
                problems.append(f"cell {entry['cell']}: {out.get('ename')}: {out.get('evalue')}")
            elif out.get("output_type") == "stream" and out.get("name") == "stderr":
                text = "".join(out.get("text", ""))
                if m := ERROR_TEXT.search(text):
                    problems.append(f"cell {entry['cell']}: stderr: {_line_at(text, m.start())}")
    return problems


def text_problems(texts: list[str], where: str) -> list[str]:
    """Problems in texts read from the page or a log (one per text): a traceback, an exception, a widget that failed."""
    problems = []
    for text in texts:
        # the last match: a traceback's final line names the exception and its message
        if found := list(ERROR_TEXT.finditer(text)):
            problems.append(f"{where}: {_line_at(text, found[-1].start())}")
    return list(dict.fromkeys(problems))  # one error is read from nested output elements


def _line_at(text: str, pos: int) -> str:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return text[start : end if end >= 0 else len(text)].strip()[:200]


def start_lab(scratch: Path, log) -> tuple[subprocess.Popen, str, str]:
    """JupyterLab on 127.0.0.1 in ``scratch``, with its own config, settings and workspaces there."""
    home = scratch / ".lab"
    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "jupyter_server_config.json").write_text(json.dumps(SERVER_CONFIG))
    for rel, value in LAB_SETTINGS.items():
        path = home / "settings" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
    port, token = free_port(), secrets.token_hex(16)
    env = dict(
        os.environ,
        GAN_COURSE_SMOKE="1",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
    )
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}"]
    cmd += [f"--ServerApp.token={token}", f"--ServerApp.root_dir={scratch}"]
    if hasattr(os, "getuid") and os.getuid() == 0:
        cmd.append("--allow-root")
    server = subprocess.Popen(cmd, cwd=scratch, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=1).close()
            return server, base, token
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.1)
    stop_lab(server, base, token)
    raise RuntimeError("JupyterLab did not start (see its log in the screenshots folder)")


def stop_lab(server: subprocess.Popen, base: str, token: str) -> None:
    """Shut JupyterLab down with its kernels; then make sure its process group is gone."""
    try:
        req = urllib.request.Request(f"{base}/api/shutdown?token={token}", method="POST")
        urllib.request.urlopen(req, timeout=10).close()
        server.wait(timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        pass
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def is_offsite(url: str, base: str) -> bool:
    """True for a URL of another host than the local JupyterLab; the check never uses the network."""
    return url.startswith(("http:", "https:", "ws:", "wss:")) and urlsplit(url).netloc != urlsplit(base).netloc


def check_panel(
    context, base: str, token: str, panel: Panel, index: int, shots: Path, timeout: float, offsite: set[str]
) -> list[str]:
    """Run one lesson down to its panel, interact, and return the problems found."""
    page = context.new_page()
    errors: list[str] = []

    def on_console(message):
        # a request to another host (a lesson's Colab badge) is refused below, not the panel's fault
        if message.type == "error" and not is_offsite(message.location.get("url", ""), base):
            errors.append(f"console error: {message.text}")

    page.on("console", on_console)

    def refuse(route):
        offsite.add(route.request.url)
        route.abort()

    page.route(lambda url: is_offsite(url, base), refuse)
    page.on("pageerror", lambda exc: errors.append(f"JavaScript error: {exc}"))
    problems: list[str] = []
    stem = panel.lesson.removesuffix(".ipynb")
    try:
        # ?reset: a fresh workspace, without the tabs of the lesson checked before
        page.goto(f"{base}/lab/tree/{panel.lesson}?reset&token={token}", wait_until="load", timeout=120_000)
        page.wait_for_function(FIND_JS, arg=[panel.lesson, index], timeout=120_000)
        started = time.monotonic()
        page.evaluate(RUN_JS, index)
        restarts = 0
        while True:
            state = page.evaluate(STATE_JS)
            if state["done"]:
                break
            if state["kernel"] in ("dead", "restarting", "autorestarting"):
                restarts += 1
                if restarts > 3:
                    problems.append(f"the kernel is {state['kernel']}")
                    break
            if time.monotonic() - started > timeout:
                problems.append(f"the cells did not finish in {timeout:.0f} s")
                break
            time.sleep(1)
        print(f"lab-check: {stem}: ran cells 0-{index} in {time.monotonic() - started:.0f} s", flush=True)
        if state.get("error"):
            problems.append(f"running the cells failed: {state['error']}")
        cells = page.evaluate(OUTPUTS_JS, index)
        problems += output_problems(cells)
        if not all(c["executed"] for c in cells):
            missing = [c["cell"] for c in cells if not c["executed"]]
            problems.append(f"cells not executed: {missing}")
        if problems:
            page.screenshot(path=str(shots / f"{stem}-failed.png"))
            return problems
        cell = page.locator("#labcheck-panel")
        cell.scroll_into_view_if_needed()
        kind, _, what = panel.action.partition(":")
        if kind == "slider":
            before = _wait_for_img(page, None, 120)
            if before is None:
                problems.append("the panel shows no figure after running its cell")
        else:
            before = page.evaluate(PANEL_JS)["img"]
        page.wait_for_timeout(500)  # let the slider and figure settle before the screenshot
        cell.screenshot(path=str(shots / f"{stem}-before.png"))
        if kind == "slider":
            slider = cell.locator(".widget-slider", has=page.locator(f"label:text-is('{what}')")).first
            value = slider.locator(".widget-readout").inner_text()
            slider.locator(".noUi-handle").first.focus()
            slider.locator(".noUi-handle").first.press("ArrowRight")
        else:
            cell.locator("button", has_text=what).first.click()
        after = _wait_for_img(page, before, 300)
        if after is None or after == before:
            problems.append(f"no new figure after {'moving' if kind == 'slider' else 'clicking'} {what!r}")
        if kind == "slider" and slider.locator(".widget-readout").inner_text() == value:
            problems.append(f"the slider {what!r} did not move from {value}")
        page.wait_for_timeout(500)
        cell.screenshot(path=str(shots / f"{stem}-after.png"))
        problems += text_problems(page.evaluate(PANEL_JS)["errors"], "panel output")
        dialogs = page.locator(".jp-Dialog").all_inner_texts()
        problems += [f"dialog: {d.strip()[:200]}" for d in dialogs if d.strip()]
    except Exception as exc:  # noqa: BLE001 - reported as a problem of this lesson
        problems.append(f"browser: {str(exc).splitlines()[0]}")
        try:
            page.screenshot(path=str(shots / f"{stem}-failed.png"))
        except Exception:  # noqa: BLE001, S110 - the page may be gone
            pass
    finally:
        problems += errors
        # close the notebook's kernel so the next lesson runs alone on the CPUs
        try:
            page.evaluate("() => window.__labcheckPanel.sessionContext.shutdown()")
        except Exception:  # noqa: BLE001, S110 - the page may be gone
            pass
        page.close()
    return problems


def _wait_for_img(page, old: str | None, seconds: float) -> str | None:
    """The panel's figure src once it is there and differs from ``old``; None after ``seconds`` or
    as soon as the panel shows an error (reported by the caller)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        shown = page.evaluate(PANEL_JS)
        if shown["img"] and shown["img"] != old:
            return shown["img"]
        if shown["errors"]:
            return None
        page.wait_for_timeout(250)
    return None


def check(panels: list[Panel], shots: Path, timeout: float) -> dict[str, list[str]]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("lab-check: Playwright is missing; install it: .venv/bin/pip install playwright==1.65.2", file=sys.stderr)
        sys.exit(2)
    chromium = find_chromium()
    if chromium is None:
        print("lab-check: no Chromium found; install Debian's: apt-get install -y chromium", file=sys.stderr)
        sys.exit(2)
    shots.mkdir(parents=True, exist_ok=True)
    for stale in shots.glob("[0-9][0-9]_*.png"):  # a failed run's screenshots would mislead
        stale.unlink()
    results: dict[str, list[str]] = {}
    offsite: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="lab-check-") as tmp:
        scratch = Path(tmp)
        scratch_copy(ROOT / "notebooks", sorted({p.lesson for p in panels}), scratch)
        log_path = shots / "jupyterlab.log"
        with open(log_path, "w") as log:
            try:
                server, base, token = start_lab(scratch, log)
            except RuntimeError as exc:
                return {"JupyterLab": [str(exc)]}
            try:
                with sync_playwright() as pw:
                    browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
                    context = browser.new_context(viewport={"width": 1400, "height": 1000})
                    for panel in panels:
                        notebook = json.loads((scratch / panel.lesson).read_text(encoding="utf-8"))
                        index = widget_cell(notebook, panel.call)
                        results[panel.name] = check_panel(context, base, token, panel, index, shots, timeout, offsite)
                    browser.close()
            finally:
                stop_lab(server, base, token)
        # a widget callback's exception is logged by the kernel, whose stderr is the server's log
        log_text = log_path.read_text(errors="replace")
        results["kernel log"] = text_problems([log_text], f"kernel or server log ({log_path})")
    for url in sorted(offsite):
        print(f"lab-check: note: refused a request to another host: {url}")
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lessons", nargs="*", help="lesson numbers to check (default: all with a panel)")
    parser.add_argument("--screenshots", default=str(ROOT / "_build" / "lab-check"))
    parser.add_argument("--timeout", type=float, default=900, help="seconds to run one lesson's cells")
    args = parser.parse_args(argv)
    panels = [p for p in PANELS if not args.lessons or p.lesson[:2] in args.lessons]
    if not panels:
        parser.error(f"no lesson with a panel among {args.lessons}; choose from {[p.lesson[:2] for p in PANELS]}")
    started = time.monotonic()
    results = check(panels, Path(args.screenshots), args.timeout)
    failed = 0
    for name, problems in results.items():
        for p in problems:
            print(f"FAIL {name}: {p}", file=sys.stderr)
        failed += bool(problems)
    elapsed = time.monotonic() - started
    verdict = f"FAILED, {failed} of {len(results)}" if failed else "every panel passes"
    print(f"lab-check: {verdict} ({elapsed:.0f} s); screenshots in {args.screenshots}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
