"""The public API is what the lessons use.

Every public name says which lesson introduces it; every module names exactly the lessons that use it;
every public name is used by a lesson, a command (``python -m gan_course``, benchmarks/, tools/) or the
README's "Use it in your own project" list, or is the type a used function returns, or is imported by
another package module (no private name crosses modules). Lesson code is read with ``ast``
(tests/lesson_usage.py), so every import form counts: ``from gan_course import (a, b)``,
``import gan_course.x as y``, attribute use.
"""

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from lesson_usage import NOTEBOOKS, ROOT, lessons_using_module, usage, used_names

import gan_course

PLANNED = range(1, 15)  # the curriculum's lessons (shared/COURSE.md); later ones may be introduced early
INTRODUCED = re.compile(r"Introduced in (?:lesson (\d\d)|the README)")
USED_LINE = re.compile(r"^(Used in lessons? [^\n]*(?:\n(?!\n)[^\n]*)*|No lesson imports it\b.*)", re.M)
MODULES = [
    m.name
    for m in pkgutil.walk_packages(gan_course.__path__, "gan_course.")
    if not any(part.startswith("_") for part in m.name.split(".")[1:])
]

#: Public names no lesson, command or README list uses yet: each is to become private or go (issue 25).
#: The list may only shrink: a name used again, or gone, must leave it. Empty since every one went private.
NOT_YET_USED: frozenset[str] = frozenset()


@pytest.fixture(scope="module")
def table():
    return usage()


def _defined(module_name: str) -> dict[str, object]:
    """The public names a module's own source defines at top level (functions, classes, constants)."""
    module = importlib.import_module(module_name)
    tree = ast.parse(Path(module.__file__).read_text())
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names += [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
    return {n: getattr(module, n) for n in names if not n.startswith("_") and n != "main"}


def _lessons_named(module) -> set[int] | None:
    doc = inspect.cleandoc(module.__doc__ or "")
    match = USED_LINE.search(doc)
    if match is None:
        return None
    if match.group(0).startswith("No lesson"):
        return set()
    return {int(n) for n in re.findall(r"\b(0[1-9]|1[0-4])\b", match.group(0))}


def _readme_list() -> set[tuple[str, str]]:
    """(module, name) of every ``module.name`` in the README's "Use it in your own project" section."""
    text = (ROOT / "README.md").read_text()
    section = re.search(r"^### Use it in your own project\n(.*?)(?=^#)", text, re.S | re.M)
    assert section, "the README needs a '### Use it in your own project' section"
    return {(f"gan_course.{m}", n) for m, n in re.findall(r"`(\w+)\.(\w+)", section.group(1))}


def _cli_names() -> set[tuple[str, str | None]]:
    """What the commands use: ``python -m gan_course``, the benchmarks and the maintainers' tools."""
    scripts = [ROOT / "gan_course" / "__main__.py", *(ROOT / "benchmarks").glob("*.py"), *(ROOT / "tools").glob("*.py")]
    return set().union(*(used_names(path.read_text()) for path in scripts))


def test_usage_reads_every_import_form():
    source = (
        "from gan_course import (\n    data,\n    models as m,\n)\nimport gan_course.metrics as gm\n"
        "from gan_course.gan import build_gan as bg\nimport gan_course\n"
        "m.mlp_generator\ngm.fid\ndata.make_dataset\ngan_course.setup\n"
    )
    used = used_names(source)
    for key in [
        ("gan_course.models", "mlp_generator"),
        ("gan_course.metrics", "fid"),
        ("gan_course.data", "make_dataset"),
        ("gan_course.gan", "build_gan"),
        ("gan_course.config", "setup"),  # re-exported by the package, credited to where it lives
    ]:
        assert key in used, key
    assert ("gan_course.models", "dcgan_lean_generator") not in used
    assert NOTEBOOKS and all(used_names(code) for code in map(_code_of, NOTEBOOKS.values()))


def _code_of(path):
    from lesson_usage import code_of

    return code_of(path)


@pytest.mark.parametrize("module_name", MODULES)
def test_every_public_name_says_which_lesson_introduces_it(module_name):
    module = importlib.import_module(module_name)
    module_lessons = {int(n) for n in re.findall(r"\b(0[1-9]|1[0-4])\b", module.__doc__ or "")}
    missing, wrong = [], []
    for name, obj in _defined(module_name).items():
        if not (inspect.isfunction(obj) or inspect.isclass(obj)):
            continue
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


@pytest.mark.parametrize("module_name", MODULES)
def test_module_docstrings_name_exactly_the_lessons_that_use_them(module_name, table):
    module = importlib.import_module(module_name)
    named = _lessons_named(module)
    assert named is not None, f"{module_name}'s docstring needs a line 'Used in lessons NN and NN.' or 'No lesson ...'"
    using = lessons_using_module(module_name, table)
    assert named == using, f"{module_name}: docstring names {sorted(named)}, lessons use it: {sorted(using)}"


def _returned_types(used) -> set[tuple[str, str]]:
    """(module, class) of every class of this package that a used function or class method returns (by annotation)."""
    found = set()
    for module_name, name in used:
        if name is None or not module_name.startswith("gan_course"):
            continue
        obj = getattr(importlib.import_module(module_name), name, None)
        members = [obj] + [m for m in vars(obj).values() if callable(m)] if inspect.isclass(obj) else [obj]
        for member in members:
            annotation = getattr(member, "__annotations__", {}).get("return")
            home = importlib.import_module(getattr(member, "__module__", None) or module_name)
            for word in re.findall(r"\w+", str(annotation or "")):
                if inspect.isclass(getattr(home, word, None)) and getattr(home, word).__module__ == home.__name__:
                    found.add((home.__name__, word))
    return found


def _shared_names() -> set[tuple[str, str | None]]:
    """What one package module imports from another: it must stay public (no private name crosses modules)."""
    shared = set()
    for path in (ROOT / "gan_course").rglob("*.py"):
        home = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        shared |= {(m, n) for m, n in used_names(path.read_text()) if m != home and not home.startswith(m + ".")}
    return shared


def test_every_public_name_is_used_by_a_lesson_the_command_line_or_the_readme(table):
    used = set(table) | _cli_names() | _readme_list() | _shared_names()
    used |= _returned_types(used)  # the type of what a used function returns is part of the API
    unused, total = [], 0
    for module_name in MODULES:
        for name in _defined(module_name):
            total += 1
            if (module_name, name) not in used:
                unused.append(f"{module_name}.{name}")
    share = 1 - len(unused) / total
    print(f"{total - len(unused)} of {total} public names used ({share:.0%})")
    new = sorted(set(unused) - NOT_YET_USED)
    assert not new, f"public names no lesson, command or README list uses: make them private or drop them: {new}"
    stale = sorted(NOT_YET_USED - set(unused))
    assert not stale, f"these are used now, or gone: take them off NOT_YET_USED: {stale}"
