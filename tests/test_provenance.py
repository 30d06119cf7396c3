"""Every public name says which lesson introduces it, and every module lists the lessons that use it."""

import importlib
import inspect
import json
import pkgutil
import re
from pathlib import Path

import pytest

import gan_course

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = {int(p.name[:2]): p for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))}
PLANNED = range(1, 11)  # the curriculum's ten lessons (shared/COURSE.md); later ones may be introduced early
INTRODUCED = re.compile(r"Introduced in (?:lesson (\d\d)|the README)")
MODULES = [m.name for m in pkgutil.iter_modules(gan_course.__path__) if not m.name.startswith("_")]


def _code(path):
    cells = json.loads(path.read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def _public(module):
    for name, obj in vars(module).items():
        if not name.startswith("_") and (inspect.isfunction(obj) or inspect.isclass(obj)):
            if obj.__module__ == module.__name__:
                yield name, obj


@pytest.mark.parametrize("module_name", MODULES)
def test_every_public_name_says_which_lesson_introduces_it(module_name):
    module = importlib.import_module(f"gan_course.{module_name}")
    module_lessons = {int(n) for n in re.findall(r"\b(0[1-9]|10)\b", module.__doc__ or "")}
    missing, wrong = [], []
    for name, obj in _public(module):
        match = INTRODUCED.search(inspect.getdoc(obj) or "")
        if match is None:
            missing.append(name)
        elif match.group(1):
            lesson = int(match.group(1))
            if lesson not in PLANNED:
                wrong.append(f"{name}: lesson {lesson} is not in the curriculum")
            elif lesson not in module_lessons:
                wrong.append(f"{name}: introduced in lesson {lesson}, which the module's docstring does not name")
    assert not missing, f"add 'Introduced in lesson NN.' to the docstrings of {missing}"
    assert not wrong, wrong


def _lessons_using(module_name):
    used = set()
    for number, path in NOTEBOOKS.items():
        code = _code(path)
        direct = re.search(rf"from gan_course\.{module_name} import|import gan_course\.{module_name}\b", code)
        imported = any(
            module_name in [n.strip() for n in names.split(",")]
            for names in re.findall(r"from gan_course import ([\w, ]+)", code)
        )
        if direct or (imported and re.search(rf"\b{module_name}\.\w", code)):
            used.add(number)
    return used


@pytest.mark.parametrize("module_name", MODULES)
def test_module_docstrings_list_the_lessons_that_use_them(module_name):
    module = importlib.import_module(f"gan_course.{module_name}")
    named = {int(n) for n in re.findall(r"\b(0[1-9]|10)\b", module.__doc__ or "")}
    missing = sorted(_lessons_using(module_name) - named)
    assert not missing, f"gan_course.{module_name} is used in lessons {missing}: name them in its docstring"
