"""What the lessons use of ``gan_course``, read from their code cells with ``ast`` (every import form).

``from gan_course import (a, b)``, ``from gan_course.x import y as z``, ``import gan_course.x as y``,
``import gan_course`` and attribute use (``training.gan_step``, ``gan_course.setup``) all count.
Shell and magic lines (``!pip``, ``%matplotlib``) are dropped before parsing.
"""

from __future__ import annotations

import ast
import importlib
import json
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = {int(p.name[:2]): p for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))}


def code_of(path: Path) -> str:
    """A notebook's code cells as one Python source, magics and shell lines removed."""
    cells = json.loads(path.read_text())["cells"]
    lines = []
    for cell in cells:
        if cell["cell_type"] == "code":
            source = "".join(cell["source"])
            lines += [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    return "\n".join(lines)


def _is_module(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


def used_names(source: str) -> set[tuple[str, str | None]]:
    """(module, name) pairs that ``source`` uses; (module, None) for a module used as a whole.

    A name re-exported by a package (``from gan_course import SMOKE``) is credited to the module that
    defines it.
    """
    tree = ast.parse(source)
    aliases: dict[str, str] = {}  # a local name bound to a gan_course module
    used: set[tuple[str, str | None]] = set()

    def credit(module: str, name: str) -> None:
        obj = getattr(importlib.import_module(module), name, None)
        home = getattr(obj, "__module__", None) if callable(obj) else None
        if home and home.startswith("gan_course") and home != module and hasattr(importlib.import_module(home), name):
            module = home
        elif not callable(obj) and module == "gan_course":  # constants re-exported by the package root
            for candidate in ("gan_course.config",):
                if hasattr(importlib.import_module(candidate), name):
                    module = candidate
        used.add((module, name))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "gan_course":
                    used.add((alias.name, None))
                    if alias.asname:
                        aliases[alias.asname] = alias.name
                    else:
                        aliases["gan_course"] = "gan_course"
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "gan_course":
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if _is_module(full):
                    used.add((full, None))
                    aliases[alias.asname or alias.name] = full
                else:
                    credit(node.module, alias.name)

    def resolve(node):
        if isinstance(node, ast.Name):
            return aliases.get(node.id)
        if isinstance(node, ast.Attribute):
            base = resolve(node.value)
            if base is not None:
                full = f"{base}.{node.attr}"
                if _is_module(full):
                    used.add((full, None))
                    return full
                credit(base, node.attr)
        return None

    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            resolve(node)
    return used


def named_in_text(path: Path) -> set[tuple[str, str]]:
    """(module, name) for every ``module.name`` of the package that a lesson's markdown tells the learner to use."""
    cells = json.loads(path.read_text())["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    found = set()
    for module, name in re.findall(r"`(?:gan_course\.)?([a-z_]+)\.(\w+)", text):
        full = f"gan_course.{module}"
        if _is_module(full) and hasattr(importlib.import_module(full), name):
            found.add((full, name))
    return found


def usage() -> dict[tuple[str, str | None], set[int]]:
    """{(module, name): lessons using it} over every lesson: its code, and the names its text tells you to call."""
    table: dict[tuple[str, str | None], set[int]] = defaultdict(set)
    for number, path in NOTEBOOKS.items():
        for key in used_names(code_of(path)) | named_in_text(path):
            table[key].add(number)
    return table


def lessons_using_module(module: str, table=None) -> set[int]:
    """The lessons that import ``module`` or use any of its names."""
    table = usage() if table is None else table
    return {n for (mod, _), lessons in table.items() if mod == module for n in lessons}
