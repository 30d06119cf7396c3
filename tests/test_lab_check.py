"""tools/lab_check.py without JupyterLab or a browser: which cells it runs, the scratch copy it opens
and what it calls a failure. `make lab-check` itself needs Playwright and Chromium.
"""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


lab_check = _load("lab_check")


def _notebook(*cells):
    return {"cells": list(cells), "metadata": {"widgets": {"state": {}}}, "nbformat": 4, "nbformat_minor": 5}


def _code(source, outputs=(), count=None):
    return {"cell_type": "code", "source": source, "outputs": list(outputs), "execution_count": count, "metadata": {}}


@pytest.mark.parametrize("panel", lab_check.PANELS, ids=lambda p: p.name)
def test_each_panel_is_found_in_its_lesson_and_its_control_exists(panel):
    notebook = json.loads((ROOT / "notebooks" / panel.lesson).read_text(encoding="utf-8"))
    index = lab_check.widget_cell(notebook, panel.call)
    assert panel.call in "".join(notebook["cells"][index]["source"])
    kind, _, what = panel.action.partition(":")
    widgets_source = (ROOT / "gan_course" / "widgets.py").read_text(encoding="utf-8")
    assert kind in ("slider", "button") and f'description="{what}"' in widgets_source


def test_widget_cell_skips_markdown_and_says_when_no_cell_calls_the_widget():
    notebook = _notebook(
        {"cell_type": "markdown", "source": "widgets.ring_lab()", "metadata": {}}, _code("widgets.ring_lab()")
    )
    assert lab_check.widget_cell(notebook, "widgets.ring_lab(") == 1
    with pytest.raises(ValueError, match="latent_explorer"):
        lab_check.widget_cell(notebook, "widgets.latent_explorer(")


def test_the_copy_has_no_outputs_counts_or_saved_widget_state_and_the_original_is_untouched():
    original = _notebook(_code("1 + 1", [{"output_type": "execute_result", "data": {"text/plain": "2"}}], 3))
    before = json.dumps(original)
    copy = lab_check.stripped(original)
    assert copy["cells"][0]["outputs"] == [] and copy["cells"][0]["execution_count"] is None
    assert "widgets" not in copy["metadata"]
    assert json.dumps(original) == before


def test_scratch_copy_writes_only_into_the_scratch_folder(tmp_path):
    lessons, scratch = tmp_path / "notebooks", tmp_path / "scratch"
    lessons.mkdir()
    text = json.dumps(_notebook(_code("x = 1", [{"output_type": "stream", "name": "stdout", "text": "x"}], 1)))
    (lessons / "03_dcgan.ipynb").write_text(text)
    copies = lab_check.scratch_copy(lessons, ["03_dcgan.ipynb"], scratch)
    assert copies == [scratch / "03_dcgan.ipynb"]
    assert (lessons / "03_dcgan.ipynb").read_text() == text
    assert json.loads(copies[0].read_text())["cells"][0]["outputs"] == []


def test_error_outputs_and_tracebacks_on_stderr_are_problems_warnings_are_not():
    traceback = "Traceback (most recent call last):\n"
    cells = [
        {"cell": 4, "outputs": [{"output_type": "error", "ename": "ValueError", "evalue": "bad", "traceback": []}]},
        {
            "cell": 6,
            "outputs": [{"output_type": "stream", "name": "stderr", "text": traceback}],
        },
        {"cell": 8, "outputs": [{"output_type": "stream", "name": "stderr", "text": ["UserWarning: slow\n"]}]},
        {"cell": 9, "outputs": [{"output_type": "stream", "name": "stdout", "text": "KeyError is a class\n"}]},
    ]
    assert lab_check.output_problems(cells) == [
        "cell 4: ValueError: bad",
        "cell 6: stderr: Traceback (most recent call last):",
    ]


def test_text_problems_name_the_line_and_pass_tensorflows_startup_noise():
    log = (
        "I0000 cudart_stub.cc:31] Could not find cuda drivers on your machine, GPU will not be used.\n"
        "E0000 cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA error: UNKNOWN ERROR (303)\n"
    )
    assert lab_check.text_problems([log], "log") == []
    restart = "[W 2026-12-07 08:17:00 ServerApp] AsyncIOLoopKernelRestarter: restarting kernel (1/5)\n"
    assert lab_check.text_problems([log + restart], "log") == [f"log: {restart.strip()}"]
    assert lab_check.text_problems(["ok\nError displaying widget: model not found\n"], "panel") == [
        "panel: Error displaying widget: model not found"
    ]
    traceback = "RuntimeError     Traceback (most recent call last)\n  File x\nRuntimeError: boom\n"
    assert lab_check.text_problems([traceback, traceback], "panel") == ["panel: RuntimeError: boom"]


def test_only_other_hosts_are_offsite():
    base = "http://127.0.0.1:8890"
    assert not lab_check.is_offsite("http://127.0.0.1:8890/lab/api/settings", base)
    assert not lab_check.is_offsite("data:image/png;base64,AAAA", base)
    assert lab_check.is_offsite("https://colab.research.google.com/assets/colab-badge.svg", base)
    assert lab_check.is_offsite("http://127.0.0.1:9999/", base)


def test_an_unknown_lesson_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        lab_check.main(["--lessons", "99"])
    assert exit_.value.code == 2 and "03" in capsys.readouterr().err
