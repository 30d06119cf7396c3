"""Promises of the repository itself: pins agree, notebooks are well formed, CI runs the README command.

That every badge and Setup cell names the repository and ref of gan_course/config.py: test_colab_links.py.
"""

import json
import re
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_environment_yml_pins_match_pyproject():
    project = _pyproject()["project"]
    wanted = {Requirement(r).name: str(Requirement(r).specifier) for r in project["dependencies"]}
    wanted.update({Requirement(r).name: str(Requirement(r).specifier) for r in project["optional-dependencies"]["dev"]})
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_items = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    listed = {Requirement(r).name: str(Requirement(r).specifier) for r in pip_items if not r.startswith("-e")}
    assert listed == wanted
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    version = python.split("=")[-1]
    assert Requirement("x" + project["requires-python"]).specifier.contains(version + ".0")


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    commands = re.findall(r"^\s*(make \w+)\s*$", readme, re.M)
    assert "make lab" in commands and "make test" in commands
    assert re.search(r"^\s*make test\s*$", ci, re.M)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_clean(path):
    nb = json.loads(path.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1)), "re-run top to bottom"
    assert not [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
    texts = json.dumps([c["outputs"] for c in code])
    local = re.findall(r"(?:/home/|/root/|/work/|/tmp/ipykernel|site-packages)[^\s\"']*", texts)
    assert not local, f"outputs show paths of the machine that ran them: {local[:3]}"
    tagged = [c for c in code if "parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1, "exactly one Parameters cell tagged 'parameters'"
    assert "SMOKE" in "".join(tagged[0]["source"])
    others = "".join("".join(c["source"]) for c in code if c is not tagged[0])
    assert not re.search(r"\bSMOKE\b", others), "only the Parameters cell may read smoke mode"
    first = "".join(nb["cells"][0]["source"])
    assert first.startswith("# ") and "colab.research.google.com" in first
    markdown = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    headings = [line for line in markdown.splitlines() if line.startswith("## ")]
    for section in ("## Overview", "## Setup", "## Parameters", "## Exercises", "## Summary"):
        assert any(h.startswith(section) for h in headings), section


def test_readme_lists_every_lesson_with_a_measured_time():
    readme = (ROOT / "README.md").read_text()
    rows = [line for line in readme.splitlines() if re.match(r"\| \d\d \|", line)]
    for nb in NOTEBOOKS:
        row = next((r for r in rows if f"(notebooks/{nb.name})" in r), None)
        assert row is not None, f"README's lesson table has no row for {nb.name}"
        assert "measured" in row, f"README: give the measured CPU run time of {nb.name}"
        in_lesson = re.search(r"\(measured: ([^)]+)\)", nb.read_text())
        in_readme = re.search(r"\(measured ([^)]+)\)", row)
        assert in_lesson and in_readme and in_lesson.group(1) == in_readme.group(1), (
            f"{nb.name}: the README says measured {in_readme and in_readme.group(1)!r}, the lesson's Overview "
            f"{in_lesson and in_lesson.group(1)!r}"
        )
    for path in [ROOT / "README.md", *NOTEBOOKS]:
        assert "RUNTIME_" not in path.read_text(), f"{path.name} still holds a run-time placeholder"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_a_lesson_that_loads_images_names_its_data_set_in_parameters(path):
    cells = json.loads(path.read_text())["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    calls = re.findall(r"load_images\(([^,)]*)", code)
    if not calls:
        pytest.skip("this lesson loads no images")
    parameters = next(
        "".join(c["source"]) for c in cells if "".join(c["source"]).startswith("from gan_course import SMOKE")
    )
    assert re.search(r"^DATASET = ", parameters, re.M), "define DATASET in the Parameters cell"
    assert all(arg.strip() == "DATASET" for arg in calls), f"call load_images(DATASET, ...), not {calls}"
