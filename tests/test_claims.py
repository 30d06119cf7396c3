"""claims.expect prints a verdict with its evidence and never raises for a claim that fails;
tools/verify_lessons.py reruns a notebook with another SEED and compares the verdicts."""

import sys

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from gan_course.claims import expect

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1] / "tools"))
import verify_lessons  # noqa: E402


@pytest.fixture
def full(monkeypatch):
    monkeypatch.setenv("GAN_COURSE_SMOKE", "0")


def test_a_claim_that_holds_prints_a_tick_and_its_evidence(full, capsys):
    expect("EMA lowers FID", 37.94 < 41.23, {"raw": 41.23, "EMA": np.float32(37.94), "steps": np.int64(300)})
    assert capsys.readouterr().out == "✓ EMA lowers FID — raw 41.2, EMA 37.9, steps 300\n"


def test_a_claim_that_fails_is_reported_not_raised(full, capsys):
    assert expect("EMA lowers FID", np.float64(38.0) < np.float64(37.1), {"raw": 37.1, "EMA": 38.0}) is None
    out = capsys.readouterr().out
    assert out.startswith("✗ in this run: EMA lowers FID did not hold — raw 37.1, EMA 38")
    assert "reference.compare" in out  # the default advice says where to look next


def test_nan_evidence_never_supports_a_claim(full, capsys):
    # a diverged run: NaN < 40 is False anyway, but `not (nan > 40)` is True; neither may print a tick
    expect("FID stays under 40", not (float("nan") > 40), {"FID": float("nan")})
    assert capsys.readouterr().out.startswith("✗ in this run: FID stays under 40 did not hold — FID nan")


def test_smoke_mode_prints_the_same_line_on_every_run(monkeypatch, capsys):
    monkeypatch.setenv("GAN_COURSE_SMOKE", "1")
    expect("EMA lowers FID", True, {"raw": 41.2})
    expect("EMA lowers FID", False, {"raw": 12.0})
    assert capsys.readouterr().out == "– not checked in smoke mode: EMA lowers FID\n" * 2


def test_own_advice_and_plain_evidence(full, capsys):
    expect("most modes are covered", False, "3/8 modes", look="Train longer: see the ring lab.")
    assert capsys.readouterr().out == (
        "✗ in this run: most modes are covered did not hold — 3/8 modes.\n  Train longer: see the ring lab.\n"
    )


@pytest.mark.parametrize(
    "args, error, words",
    [
        (("", True), ValueError, ["statement", "sentence"]),
        ((None, True), ValueError, ["statement"]),
        (("x", np.array([True, False])), ValueError, ["holds", "shape (2,)", ".all()"]),
        (("x", 0.5), TypeError, ["holds", "comparison"]),
        (("x", None), TypeError, ["holds", "NoneType"]),
        (("x", "yes"), TypeError, ["holds"]),
        (("x", True, None, 3), ValueError, ["look"]),
    ],
)
def test_bad_arguments_are_refused_even_in_smoke_mode(monkeypatch, args, error, words):
    monkeypatch.setenv("GAN_COURSE_SMOKE", "1")
    with pytest.raises(error) as info:
        expect(*args)
    for word in words:
        assert word in str(info.value)


def _notebook(tmp_path):
    """A two-cell notebook whose claim holds only for seed 0, executed once as its committed run."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("SEED = 0  # the Parameters cell"),
        nbformat.v4.new_code_cell(
            "from gan_course.claims import expect\nexpect('the seed is even', SEED % 2 == 0, {'SEED': SEED})"
        ),
    ]
    NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    path = tmp_path / "00_claims.ipynb"
    nbformat.write(nb, path)
    return path


def test_verify_reruns_with_another_seed_and_compares_verdicts(full, tmp_path, capsys):
    path = _notebook(tmp_path)
    assert verify_lessons.claims(nbformat.read(path, as_version=4)) == {1: [("✓", "the seed is even")]}
    assert verify_lessons.verify(str(path), seed=2, smoke=False, keep=None, timeout=120) is True
    assert verify_lessons.verify(str(path), seed=3, smoke=False, keep=tmp_path / "runs", timeout=120) is False
    out = capsys.readouterr().out
    assert "1 claims, 1 held on both" in out and "1 claims, 0 held on both" in out
    assert "committed ✓  seed 3 ✗  the seed is even" in out
    kept = nbformat.read(tmp_path / "runs" / "00_claims-seed3.ipynb", as_version=4)
    assert kept.cells[0].source.startswith("SEED = 3")
    assert nbformat.read(path, as_version=4).cells[0].source.startswith("SEED = 0")  # committed file untouched


def test_verify_refuses_a_lesson_without_a_seed_line(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("SEEDS = (0, 1)")]
    with pytest.raises(SystemExit, match="no `SEED = ...` line"):
        verify_lessons.with_seed(nb, 1, "07")
    with pytest.raises(SystemExit, match="no lesson 99"):
        verify_lessons.lesson_path("99")
