"""The files that ship inside the package (``weights/``, ``results/``) and their SHA-256 manifests.

Internal (no lesson imports it). Each shipped folder holds ``SHA256SUMS`` in ``sha256sum``'s text format
(``cd gan_course/weights && sha256sum -c SHA256SUMS`` checks it by hand). ``verify`` checks a file against the
manifest beside it before a loader reads it; ``record`` updates the manifest after a command rewrites a
shipped file, so that regenerating one never leaves a mismatch. A file in a folder without a manifest (a
learner's own CSV or checkpoint) is not checked.
"""

from __future__ import annotations

import os
from pathlib import Path

MANIFEST = "SHA256SUMS"
_PACKAGE = Path(__file__).resolve().parent
#: The benchmarks' results the lessons read; each module names its file as a private constant built from it.
RESULTS = _PACKAGE / "results"
#: The folders whose every file ships with the package and is listed in the folder's manifest.
FOLDERS = (_PACKAGE / "weights", RESULTS)


def _shown(path: Path) -> str:
    """``path`` as a clone names it (``gan_course/weights/...``) when it is the package's, else as given."""
    try:
        return path.resolve().relative_to(_PACKAGE.parent).as_posix()
    except ValueError:
        return os.fspath(path)


def reinstall(path: Path) -> str:
    """The fix for a damaged or missing shipped file."""
    return (
        "reinstall the package: pip install --force-reinstall gan-course, "
        f"or in a clone: git checkout -- {_shown(path)}"
    )


def read_manifest(folder: Path) -> dict[str, str]:
    """{file name: SHA-256} of ``folder``'s manifest; {} when the folder has none."""
    from gan_course.data import CorruptDataError

    manifest = Path(folder) / MANIFEST
    if not manifest.is_file():
        return {}
    sums = {}
    for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), 1):
        digest, _, name = line.partition("  ")
        if len(digest) != 64 or not name or name.startswith("*"):
            shown = _shown(manifest)
            raise CorruptDataError(f"{shown} line {number} is not '<sha256>  <file name>': {reinstall(manifest)}")
        sums[name] = digest
    return sums


def _sha256(path: Path) -> str:
    from gan_course.data import sha256_file  # data imports this module's callers: import when used

    return sha256_file(path)


def _is_shipped_folder(folder: Path) -> bool:
    return folder.resolve() in FOLDERS


def verify(path) -> None:
    """Check ``path`` against the manifest beside it; a file no manifest lists is not checked.

    In the package's own folders every file must be listed. A missing file raises ``FileNotFoundError``,
    a different SHA-256 ``data.CorruptDataError``; both name the file and the fix.
    """
    from gan_course.data import CorruptDataError

    path = Path(path)
    sums = read_manifest(path.parent)
    shipped = _is_shipped_folder(path.parent)
    if path.name not in sums:
        if shipped and path.is_file():
            raise CorruptDataError(
                f"{_shown(path)} is not in {MANIFEST} beside it, so it is not a file the course ships: "
                f"{reinstall(path)} (a command that rewrites a shipped file updates the manifest itself)"
            )
        return
    if not path.is_file():
        raise FileNotFoundError(f"the shipped file {_shown(path)} is missing: {reinstall(path)}")
    try:
        actual = _sha256(path)
    except (OSError, CorruptDataError) as err:  # sha256_file names the file; the fix for a shipped one is reinstalling
        raise CorruptDataError(f"the shipped file {_shown(path)} could not be read ({err}): {reinstall(path)}") from err
    if actual != sums[path.name]:
        raise CorruptDataError(
            f"the shipped file {_shown(path)} is damaged (SHA-256 {actual[:12]}…, its {MANIFEST} says "
            f"{sums[path.name][:12]}…): {reinstall(path)}"
        )


def record(path) -> None:
    """After ``path`` was (re)written: put its SHA-256 into the manifest beside it, if that folder has one
    (or is one of the package's shipped folders). Other folders are left alone."""
    path = Path(path)
    folder = path.parent
    if not ((folder / MANIFEST).is_file() or _is_shipped_folder(folder)):
        return
    sums = read_manifest(folder)
    sums[path.name] = _sha256(path)
    text = "".join(f"{sums[name]}  {name}\n" for name in sorted(sums))
    tmp = folder / (MANIFEST + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, folder / MANIFEST)  # never half a manifest


def load_weights(model, path, fix: str | None = None) -> None:
    """``model.load_weights(path)``, with an error naming the file and ``fix`` (default: reinstall) if it fails."""
    from gan_course.data import CorruptDataError

    try:
        model.load_weights(path)
    except Exception as err:  # noqa: BLE001 - h5py and Keras raise many kinds for a bad file
        first = (str(err).splitlines() or [""])[0][:200]
        raise CorruptDataError(
            f"{_shown(Path(path))} could not be loaded into {model.name} ({type(err).__name__}: {first}): "
            f"{fix or reinstall(Path(path))}"
        ) from err


def load_json(path, fix: str | None = None) -> dict:
    """The JSON object in ``path``, with an error naming the file and ``fix`` (default: reinstall) if it is not one."""
    import json

    from gan_course.data import CorruptDataError

    path = Path(path)
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise CorruptDataError(f"{_shown(path)} is not readable JSON ({err}): {fix or reinstall(path)}") from err
    if not isinstance(value, dict):
        kind = type(value).__name__
        raise CorruptDataError(f"{_shown(path)} holds a {kind}, not a JSON object: {fix or reinstall(path)}")
    return value


if __name__ == "__main__":  # python -m gan_course._shipped: rewrite both manifests from the files present
    for shipped_folder in FOLDERS:
        (shipped_folder / MANIFEST).unlink(missing_ok=True)
        for file in sorted(shipped_folder.iterdir()):
            if file.is_file() and file.name != MANIFEST and not file.name.startswith("."):
                record(file)
        print(f"wrote {_shown(shipped_folder / MANIFEST)}")
