"""Build the course book, a static site of the executed lessons, without running them.

    python tools/build_book.py [--out _build/book]

Assembles a Sphinx source folder in _build/book-src/ laid out like the repository, so that the
relative links between lessons and docs work in both: book/conf.py and book/_static/, the committed
notebooks/NN_*.ipynb as they are, docs/*.md (the glossary and the instructor's guide; a link to a
repository file that is not a page, such as ../README.md, points at the repository instead), and an
index.md made from README.md's "## Lessons" section (its table, with the lesson links pointing at
the lesson pages, and toctrees giving the previous / next navigation). Then it runs sphinx-build
into _build/book/. Files are copied only when they changed, so
that a second build is incremental. The notebooks are rendered from their committed outputs
(nb_execution_mode = "off"); nothing is fetched from the internet at build or view time. TensorFlow's
C++ log lines (e.g. "E0000 ... meta_optimizer.cc:967] remapper failed"), which TF_CPP_MIN_LOG_LEVEL no
longer silences since TensorFlow moved to absl logging (tensorflow/tensorflow#100442), are left out of
the pages; every other stderr line stays.
"""

import argparse
import filecmp
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "book"))
from conf import REPOSITORY  # noqa: E402 - the repository's address, kept in one place

LESSON_GLOB = "[0-9][0-9]_*.ipynb"
DOCS = ("teaching.md", "glossary.md")  # docs/ pages of the book, in this order
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"


def _copy_if_changed(src: Path, dst: Path) -> None:
    if dst.exists() and filecmp.cmp(src, dst, shallow=False):
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst)


#: A line TensorFlow's C++ runtime writes to stderr: absl's "E0000 00:00:1796038670.109966   12020 file.cc:967] ..."
#: and the older "2026-01-01 12:00:00.000000: W tensorflow/...cc:12] ...", plus absl's note about InitializeLog.
TF_LOG_LINE = re.compile(
    r"^(?:[IWEF]\d{4} \d\d:\d\d:\d+\.\d+ +\d+ \S+:\d+\] .*"
    r"|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWEF] \S+:\d+\] .*"
    r"|WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR)\n?$"
)


#: What continues a log line on the next lines: an indented line (a node's name under an op's error), or the
#: second line of TensorFlow's cpu_feature_guard message.
TF_LOG_CONTINUATION = re.compile(r"^(?:[ \t]+\S.*|To enable the following instructions: .*)\n?$")


def _without_log_lines(text: str) -> list[str]:
    """The lines of a stderr text minus TensorFlow's C++ log lines and the lines that continue them."""
    kept, in_log = [], False
    for line in text.splitlines(keepends=True):
        if TF_LOG_LINE.match(line) or (in_log and TF_LOG_CONTINUATION.match(line)):
            in_log = True
        else:
            in_log = False
            kept.append(line)
    return kept


def book_notebook(text: str) -> str:
    """A lesson's JSON for the book: stderr outputs without TensorFlow's C++ log lines (empty ones dropped)."""
    nb = json.loads(text)
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                lines = _without_log_lines("".join(out["text"]) if isinstance(out["text"], list) else out["text"])
                if not lines:
                    continue
                out = {**out, "text": lines}
            kept.append(out)
        cell["outputs"] = kept
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def lessons_section(readme: str) -> str:
    """README.md's "## Lessons" section, without its heading, up to the next "## " heading."""
    match = re.search(r"^## Lessons\n(.*?)(?=^## )", readme, flags=re.S | re.M)
    if not match:
        sys.exit("README.md has no '## Lessons' section: the book's landing page is made from it")
    return match.group(1).strip()


def index_markdown(readme: str, lessons: list[str]) -> str:
    """The landing page: the README's title paragraph, its lesson table and a toctree of the lessons."""
    intro = readme.split("\n## ", 1)[0]
    intro = re.sub(r"^# .*\n", "", intro).strip()
    section = lessons_section(readme)
    section = section.replace(f"]({COLAB_BADGE})", "](_static/colab-badge.svg)")
    missing = [name for name in lessons if f"](notebooks/{name})" not in section]
    if missing:
        sys.exit(f"README.md's lesson table does not link {', '.join(missing)}")
    toctree = "\n".join(f"notebooks/{Path(name).stem}" for name in lessons)
    docs = "\n".join(f"docs/{Path(name).stem}" for name in DOCS)
    return (
        f"# gan-course\n\n{intro}\n\n## Lessons\n\n{section}\n\n"
        "Each lesson page shows the notebook as committed, with the outputs of a full-settings run. "
        "For teachers: the [instructor's guide](docs/teaching.md); for readers of the Chinese tutorials "
        "the course grew from: the English–Chinese [glossary](docs/glossary.md).\n\n"
        f"```{{toctree}}\n:hidden:\n:caption: Lessons\n\n{toctree}\n```\n\n"
        f"```{{toctree}}\n:hidden:\n:caption: For teachers and readers\n\n{docs}\n```\n"
    )


def doc_markdown(text: str) -> str:
    """A docs/ page for the book: links to repository files that are not pages go to the repository."""

    def repoint(match):
        target = match.group(2)
        if target.startswith("../notebooks/") or not target.startswith("../"):
            return match.group(0)
        return f"{match.group(1)}{REPOSITORY}/blob/main/{target[3:]}"

    text = re.sub(r"(\]\()([^)\s]+)", repoint, text)
    return re.sub(r"^(\[[^\]]+\]: )(\S+)", repoint, text, flags=re.M)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(ROOT / "_build" / "book"), help="output folder (HTML)")
    parser.add_argument("--src", default=str(ROOT / "_build" / "book-src"), help="assembled Sphinx sources")
    args = parser.parse_args(argv)
    src, out = Path(args.src), Path(args.out)
    src.mkdir(parents=True, exist_ok=True)

    lessons = sorted(p.name for p in (ROOT / "notebooks").glob(LESSON_GLOB))
    if not lessons:
        sys.exit("no notebooks/NN_*.ipynb found")
    wanted = {"conf.py", "index.md", "_static", *(f"notebooks/{n}" for n in lessons), *(f"docs/{n}" for n in DOCS)}
    for stale in sorted(src.rglob("*"), reverse=True):  # a lesson renamed or removed must not linger
        rel = stale.relative_to(src).as_posix()
        if stale.is_file() and rel not in wanted and not rel.startswith("_static/"):
            stale.unlink()
    _copy_if_changed(ROOT / "book" / "conf.py", src / "conf.py")
    for f in (ROOT / "book" / "_static").iterdir():
        _copy_if_changed(f, src / "_static" / f.name)
    (src / "notebooks").mkdir(exist_ok=True)
    for name in lessons:
        _write_if_changed(src / "notebooks" / name, book_notebook((ROOT / "notebooks" / name).read_text()))
    (src / "docs").mkdir(exist_ok=True)
    for name in DOCS:
        _write_if_changed(src / "docs" / name, doc_markdown((ROOT / "docs" / name).read_text()))
    _write_if_changed(src / "index.md", index_markdown((ROOT / "README.md").read_text(), lessons))

    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", "--keep-going", str(src), str(out)]
    print(" ".join(cmd), flush=True)
    rc = subprocess.call(cmd, cwd=ROOT)
    if rc == 0:
        print(f"book: {out / 'index.html'}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
