"""Point every Colab badge, Setup cell and the package metadata at one repository and git ref.

    make colab-links REPO=owner/name REF=tag        # or: python tools/colab_links.py owner/name tag

gan_course/config.py holds the two values (REPOSITORY, REF). A lesson's Setup cell cannot import the
package before installing it, so the cells hold copies; this tool writes the values to every place:

- gan_course/config.py: REPOSITORY and REF;
- pyproject.toml: [project.urls] Repository;
- README.md: the lesson table's Colab badges;
- notebooks/NN_*.ipynb: the Colab and GitHub badges of the first cell, and the Setup cell's line
  ``repository, ref = "...", "..."``.

book/conf.py and tools/build_book.py read REPOSITORY from config.py and need no edit. The badges open the
lessons as they are at REF and the Setup cells install the package at REF, so that a lesson opened from a
badge always runs with the package it was executed with (a lesson on main may need code newer than the last
tag). Notebooks are edited as text, string by
string: outputs, metadata and layout stay byte for byte as they were, and the tool checks that only
those two cells changed. REPO and REF are checked before any file is written; running the tool twice
with the same values changes nothing the second time. tests/test_colab_links.py checks that every
place agrees with config.py.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GITHUB = "https://github.com/"
COLAB = "https://colab.research.google.com/github/"
# The ref part of a badge address as it may stand in a file now (any ref, "/" included), up to /notebooks/.
ANY_REF = r"[A-Za-z0-9._/-]+?"

# GitHub: an owner is 1-39 letters, digits or single inner hyphens; a repository name is letters, digits, . _ -
OWNER = r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}"
NAME = r"[A-Za-z0-9._-]{1,100}"
# What may stand in a repository's place in a file: anything up to a quote, slash, bracket or space.
ANY_SLUG = r"[^/\s\"'()\\<>]+/[^/\s\"'()\\<>]+"
# A git ref that is also safe inside a URL, a Python string and a JSON string.
REF_CHARS = r"[A-Za-z0-9._/-]{1,100}"


class Refused(ValueError):
    """A value or file that the tool will not write; the message says why and what to do."""


def check_repo(repo: str) -> str:
    """``owner/name`` as GitHub spells it; raises Refused otherwise."""
    if repo.startswith(("https://", "http://", "github.com/", "git@")):
        raise Refused(f"REPO={repo!r}: give owner/name only, without the address, e.g. REPO=owner/name")
    if not re.fullmatch(f"{OWNER}/{NAME}", repo) or repo.split("/")[1] in (".", ".."):
        raise Refused(
            f"REPO={repo!r} is not a GitHub repository name: use owner/name, where owner has letters, digits "
            "and single hyphens (at most 39) and name has letters, digits, '.', '_' and '-'"
        )
    if repo.endswith(".git"):
        raise Refused(f"REPO={repo!r}: leave out the '.git' at the end")
    return repo


def check_ref(ref: str) -> str:
    """A tag or branch name that git accepts and that needs no quoting; raises Refused otherwise."""
    bad = (
        not re.fullmatch(REF_CHARS, ref)
        or ref.startswith(("-", "/", "."))
        or ref.endswith(("/", ".", ".lock"))
        or ".." in ref
        or "//" in ref
        or "/." in ref
        or ref == "HEAD"
    )
    if bad:
        raise Refused(
            f"REF={ref!r} is not a usable git tag or branch: use letters, digits, '.', '_', '-' and '/' "
            "(not at the start or end, no '..'), e.g. REF=v0.1.0"
        )
    return ref


def read_config(root: Path) -> tuple[str, str]:
    """REPOSITORY and REF from root/gan_course/config.py, read without importing the package."""
    values = {}
    for node in ast.parse((root / "gan_course" / "config.py").read_text()).body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if getattr(target, "id", None) in ("REPOSITORY", "REF"):
                    values[target.id] = ast.literal_eval(node.value)
    return values.get("REPOSITORY", ""), values.get("REF", "")


def package_version(root: Path) -> str:
    """[project] version from root/pyproject.toml."""
    match = re.search(r'(?m)^version\s*=\s*"([^"]+)"', (root / "pyproject.toml").read_text())
    return match.group(1) if match else ""


def _sub(pattern: str, replacement: str, text: str, where: str, count: int | None = 1) -> str:
    """re.subn that refuses when the pattern is found a different number of times than expected."""
    new, found = re.subn(pattern, replacement, text)
    if (count is None and found == 0) or (count is not None and found != count):
        expected = "at least once" if count is None else f"{count} time(s)"
        raise Refused(
            f"{where}: expected the pattern {pattern!r} {expected}, found it {found} time(s); "
            "fix the file by hand to the layout the tool expects (see tools/colab_links.py)"
        )
    return new


def _config(text: str, repository: str, ref: str, where: str) -> str:
    text = _sub(r'(?m)^(REPOSITORY = ")[^"\n]*(")', rf"\g<1>{repository}\g<2>", text, where)
    return _sub(r'(?m)^(REF = ")[^"\n]*(")', rf"\g<1>{ref}\g<2>", text, where)


def _badges(text: str, slug: str, ref: str, where: str, count: int | None) -> str:
    colab = rf"{re.escape(COLAB)}{ANY_SLUG}/blob/{ANY_REF}/notebooks/"
    return _sub(colab, rf"{COLAB}{slug}/blob/{ref}/notebooks/", text, where, count)


def _setup_cell(nb: dict, where: str) -> int:
    """Index of the Setup cell: the code cell that installs the package on Colab."""
    found = [
        i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code" and "google.colab" in "".join(c["source"])
    ]
    if len(found) != 1:
        raise Refused(f"{where}: expected one Setup cell that installs on Colab, found {len(found)}")
    return found[0]


def _notebook(text: str, slug: str, ref: str, where: str) -> str:
    new = _badges(text, slug, ref, where, 1)
    github = rf"{re.escape(GITHUB)}{ANY_SLUG}/blob/{ANY_REF}/notebooks/"
    new = _sub(github, rf"{GITHUB}{slug}/blob/{ref}/notebooks/", new, where)
    # the Setup line, as JSON text: "    repository, ref = \"<REPOSITORY>\", \"<REF>\"  # set by ..."
    setup = r'(repository, ref = \\")' + re.escape(GITHUB) + ANY_SLUG + r'(\\", \\")' + r'[^"\\]*(\\")'
    new = _sub(setup, rf"\g<1>{GITHUB}{slug}\g<2>{ref}\g<3>", new, where)
    if new != text:  # only the first cell and the Setup cell's source may differ
        before, after = json.loads(text), json.loads(new)
        allowed = {0, _setup_cell(before, where)}
        for nb in (before, after):
            for i in allowed:
                nb["cells"][i]["source"] = None
        if before != after:
            raise Refused(f"{where}: the rewrite would change more than the badges and the Setup line; nothing written")
    return new


def _read(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as f:  # as it is, line endings included
        return f.read()


def rewrite(root: Path, repo: str, ref: str) -> list[Path]:
    """Write ``repo`` (owner/name) and ``ref`` to every place under ``root``; return the files that changed.

    Every value and file is checked before the first file is written.
    """
    slug, ref = check_repo(repo), check_ref(ref)
    repository = GITHUB + slug
    root = Path(root)
    new_texts: dict[Path, str] = {}

    def plan(path: Path, change) -> None:
        new_texts[path] = change(_read(path), str(path.relative_to(root)))

    plan(root / "gan_course" / "config.py", lambda t, w: _config(t, repository, ref, w))
    plan(
        root / "pyproject.toml",
        lambda t, w: _sub(r'(?m)^(Repository = ")[^"\n]*(")', rf"\g<1>{repository}\g<2>", t, w),
    )
    plan(root / "README.md", lambda t, w: _badges(t, slug, ref, w, None))
    notebooks = sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        raise Refused(f"no lessons found in {root / 'notebooks'}")
    for path in notebooks:
        plan(path, lambda t, w: _notebook(t, slug, ref, w))
    changed = [path for path, text in new_texts.items() if text != _read(path)]
    for path in changed:
        with open(path, "w", encoding="utf-8", newline="") as f:  # keep the files' line endings
            f.write(new_texts[path])
    return changed


TEXT_FILES = {".py", ".md", ".toml", ".ipynb", ".cfg", ".yml", ".yaml", ".txt", ".rst", ".html", ".css", ".json"}
SKIP_DIRS = {"_build", "build", "dist", "node_modules", "outputs", "checkpoints", "logs", "__pycache__"}


def naming(root: Path, slug: str) -> list[Path]:
    """Text files under ``root`` (not .git, .venv or build outputs) that name github.com/``slug``."""
    pattern = re.compile(rf"(?:github\.com/|/github/){re.escape(slug)}(?![A-Za-z0-9._-])")
    return [path for path in text_files(root) if pattern.search(path.read_text(encoding="utf-8", errors="replace"))]


def text_files(root: Path) -> list[Path]:
    """The text files under ``root``, not looking into hidden folders (.git, .venv) or build outputs."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS)
        found += [Path(folder, f) for f in sorted(files) if Path(f).suffix in TEXT_FILES or f == "Makefile"]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", help="owner/name of the GitHub repository, e.g. owner/name")
    parser.add_argument("ref", help="the git tag (or branch) the Setup cells install, e.g. v0.1.0")
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository's folder (default: this one)")
    args = parser.parse_args(argv)
    if not args.repo or not args.ref:
        raise SystemExit("usage: make colab-links REPO=owner/name REF=tag (both are needed)")
    old_slug = read_config(args.root)[0].removeprefix(GITHUB)
    try:
        changed = rewrite(args.root, args.repo, args.ref)
    except Refused as err:
        raise SystemExit(f"colab-links: {err}; no file was changed") from None
    for path in changed:
        print(f"rewrote {path.relative_to(args.root)}")
    repository, ref = read_config(args.root)
    print(f"{len(changed)} file(s) changed; Colab installs gan-course {ref} from {repository}")
    if old_slug != args.repo:
        for path in naming(args.root, old_slug):
            print(f"note: {path.relative_to(args.root)} still names {old_slug}: edit it by hand", file=sys.stderr)
    version = package_version(args.root)
    if re.match(r"v\d", ref) and ref != f"v{version}":
        print(
            f"note: REF {ref} is not v + the package version {version} (pyproject.toml); "
            "tests/test_colab_links.py fails until they agree: set the version, or choose a branch as REF",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
