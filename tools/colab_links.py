"""Point every Colab badge, Setup cell and the package metadata at one repository and git ref.

    make colab-links REPO=owner/name REF=tag        # or: python tools/colab_links.py owner/name tag

gan_course/config.py holds the two values (REPOSITORY, _REF). A lesson's Setup cell cannot import the
package before installing it, so the cells hold copies; this tool writes the values to every place:

- gan_course/config.py: REPOSITORY and _REF;
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
with the same values changes nothing the second time.

All or nothing: every new text is computed first and every file that changes is checked to be writable
(and its folder, for the temporary file); then each is written to a temporary file beside it and moved
over it with os.replace (mode kept), gan_course/config.py last. If a write fails, the files already
replaced get their original bytes back, so that a failed run changes nothing; the message names the
file and the fix, without a traceback. tests/test_colab_links.py checks that every
place agrees with config.py.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import stat
import sys
import tempfile
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
    """A value or file that the tool will not write; the message says why and what to do. No file changed."""


class PartlyWritten(RuntimeError):
    """A write failed and a file already replaced could not be put back; the message names every such file."""


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
    """REPOSITORY and _REF from root/gan_course/config.py, read without importing the package."""
    values = {}
    for node in ast.parse((root / "gan_course" / "config.py").read_text()).body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if getattr(target, "id", None) in ("REPOSITORY", "_REF"):
                    values[target.id] = ast.literal_eval(node.value)
    return values.get("REPOSITORY", ""), values.get("_REF", "")


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
    return _sub(r'(?m)^(_REF = ")[^"\n]*(")', rf"\g<1>{ref}\g<2>", text, where)


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


def _name(path: Path, root: Path) -> str:
    """``path`` as the messages give it: relative to ``root`` where it is under it."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _read_bytes(path: Path, where: str) -> bytes:
    """The file's bytes; Refused (naming the file and the fix) if it is missing or cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise Refused(f"{where} is missing: run the tool in the repository's folder (or give --root)") from None
    except IsADirectoryError:
        raise Refused(f"{where} is a folder, not a file: put the file back (git checkout -- {where})") from None
    except PermissionError:
        raise Refused(f"{where} is not readable: chmod u+r it, or run as its owner") from None
    except OSError as err:
        raise Refused(f"{where} cannot be read ({err.strerror or err})") from None


def _decode(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")  # as it is, line endings included
    except UnicodeDecodeError as err:
        raise Refused(f"{where} is not UTF-8 text ({err.reason} at byte {err.start}): restore it from git") from None


def _target(path: Path) -> Path:
    """The file that a write to ``path`` replaces: a symbolic link's target, so that the link stays a link."""
    return path.resolve() if path.is_symlink() else path


def _not_writable(path: Path, where: str) -> str | None:
    """Why ``path`` cannot be replaced through a temporary file beside it, with the fix; None if it can."""
    target = _target(path)
    if not target.is_file():
        return f"{where} is missing or not a file: restore it (git checkout -- {where})"
    if not os.access(target, os.W_OK):
        return f"{where} is not writable: chmod u+w it, or run as its owner"
    folder = target.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        return (
            f"the folder of {where} ({folder}) is not writable, and the tool writes a temporary file there: "
            "chmod u+w it, or run as its owner"
        )
    return None


def _replace(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and os.replace, keeping the mode."""
    target = _target(path)
    mode = stat.S_IMODE(os.stat(target).st_mode)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".colab-links.tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _put_back(path: Path, data: bytes) -> None:
    """Restore ``path`` to ``data``: through a temporary file, or else in place."""
    try:
        _replace(path, data)
    except OSError:
        with open(_target(path), "wb") as f:
            f.write(data)


def _write_all(root: Path, new: dict[Path, bytes], old: dict[Path, bytes]) -> None:
    """Replace every file in ``new``, in order; if one fails, put back those already replaced and raise."""
    problems = [why for path in new if (why := _not_writable(path, _name(path, root)))]
    if problems:
        raise Refused("; ".join(problems))
    done: list[Path] = []
    for path, data in new.items():
        try:
            _replace(path, data)
        except BaseException as err:
            where = _name(path, root)
            why = f"{err.strerror or err}" if isinstance(err, OSError) else f"{type(err).__name__}: {err}"
            not_restored = []
            for replaced in reversed(done):
                try:
                    _put_back(replaced, old[replaced])
                except OSError as restore_err:
                    not_restored.append(f"{_name(replaced, root)} ({restore_err.strerror or restore_err})")
            if not isinstance(err, Exception):  # KeyboardInterrupt, SystemExit: files restored, then let it go on
                raise
            if isinstance(err, PermissionError):
                problem = f"{where} is not writable ({why}): chmod u+w it and its folder, or run as its owner"
            else:
                problem = f"could not write {where} ({why}): free space or fix the folder, then run it again"
            if not_restored:
                raise PartlyWritten(
                    f"{problem}; the files already rewritten could not all be put back, and these now hold the "
                    f"new repository and ref: {', '.join(not_restored)}; restore them with git checkout -- <file>, "
                    "or run the tool again once it can write"
                ) from None
            raise Refused(problem) from None
        done.append(path)


def rewrite(root: Path, repo: str, ref: str) -> list[Path]:
    """Write ``repo`` (owner/name) and ``ref`` to every place under ``root``; return the files that changed.

    All or nothing: every value is checked and every new text computed before the first file is written,
    every file that changes is checked to be writable, and if a write fails anyway the files already
    replaced get their original bytes back (Refused, or PartlyWritten when that fails too).
    """
    slug, ref = check_repo(repo), check_ref(ref)
    repository = GITHUB + slug
    root = Path(root)
    old_bytes: dict[Path, bytes] = {}
    new_texts: dict[Path, str] = {}

    def plan(path: Path, change) -> None:
        where = _name(path, root)
        old_bytes[path] = _read_bytes(path, where)
        new_texts[path] = change(_decode(old_bytes[path], where), where)

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
    new_bytes = {path: text.encode("utf-8") for path, text in new_texts.items()}
    changed = [path for path in new_texts if new_bytes[path] != old_bytes[path]]
    # config.py last: should the process be killed half-way, config.py still holds the old values
    config = root / "gan_course" / "config.py"
    order = [path for path in changed if path != config] + [path for path in changed if path == config]
    _write_all(root, {path: new_bytes[path] for path in order}, old_bytes)
    return changed


TEXT_FILES = {".py", ".md", ".toml", ".ipynb", ".cfg", ".yml", ".yaml", ".txt", ".rst", ".html", ".css", ".json"}
SKIP_DIRS = {"_build", "build", "dist", "node_modules", "outputs", "checkpoints", "logs", "__pycache__"}


def naming(root: Path, slug: str) -> list[Path]:
    """Text files under ``root`` (not .git, .venv or build outputs) that name github.com/``slug``."""
    pattern = re.compile(rf"(?:github\.com/|/github/){re.escape(slug)}(?![A-Za-z0-9._-])")
    found = []
    for path in text_files(root):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:  # a file the tool cannot read names nothing it could rewrite
            continue
        if pattern.search(text):
            found.append(path)
    return found


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
    try:
        old_slug = read_config(args.root)[0].removeprefix(GITHUB)
        changed = rewrite(args.root, args.repo, args.ref)
    except Refused as err:
        raise SystemExit(f"colab-links: {err}; no file was changed") from None
    except PartlyWritten as err:
        raise SystemExit(f"colab-links: {err}") from None
    except (OSError, SyntaxError, ValueError) as err:  # config.py unreadable or not Python: read before writing
        raise SystemExit(f"colab-links: cannot read gan_course/config.py ({err}); no file was changed") from None
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
