"""The experiment table shared by the lessons that compare methods: runs, means and spreads by hand."""

import pytest

from gan_course import experiments


def _trial(setting, seed, scale=1.0):
    return {"score": scale * (setting + seed), "ok": int(seed > 0), "note": "text is left out"}


def test_run_calls_every_method_setting_and_seed():
    rows = experiments.run(
        _trial, {"a": {}, "b": {"scale": 10.0}}, {"low": 1, "high": 3}, seeds=(0, 1, 2), verbose=False
    )
    assert len(rows) == 2 * 2 * 3
    assert [(r["method"], r["setting"], r["seed"], r["score"]) for r in rows[:4]] == [
        ("a", "low", 0, 1.0),
        ("a", "low", 1, 2.0),
        ("a", "low", 2, 3.0),
        ("a", "high", 0, 3.0),
    ]
    assert rows[-1]["score"] == 10.0 * (3 + 2)


def test_summarize_gives_mean_sample_std_and_sums_by_hand():
    rows = experiments.run(_trial, {"a": {}}, {"low": 1}, seeds=(0, 1, 2), verbose=False)
    (row,) = experiments.summarize(rows)
    assert (row["method"], row["setting"], row["n"]) == ("a", "low", 3)
    assert row["score"] == pytest.approx(2.0) and row["score_std"] == pytest.approx(1.0)  # 1, 2, 3
    assert (row["score_min"], row["score_max"], row["ok_sum"]) == (1.0, 3.0, 2.0)
    assert "note" not in row
    (single,) = experiments.summarize(rows[:1])
    assert single["score_std"] == 0.0


def test_format_table_puts_settings_side_by_side():
    rows = experiments.run(_trial, {"a": {}, "b": {"scale": 2.0}}, {"low": 1, "high": 3}, seeds=(0, 1), verbose=False)
    table = experiments.format_table(experiments.summarize(rows), {"score": "{score:.1f} ± {score_std:.2f}"})
    lines = table.splitlines()
    assert lines[0] == "| method | low: score | high: score |"
    assert lines[2] == "| a | 1.5 ± 0.71 | 3.5 ± 0.71 |" and lines[3] == "| b | 3.0 ± 1.41 | 7.0 ± 1.41 |"
    with pytest.raises(ValueError, match="column 'x' asks for 'missing'"):
        experiments.format_table(experiments.summarize(rows), {"x": "{missing}"})


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="trial must be a function"):
        experiments.run(None, {"a": {}}, {"s": 1})
    with pytest.raises(ValueError, match="methods must be a non-empty dict"):
        experiments.run(_trial, {}, {"s": 1})
    with pytest.raises(ValueError, match="each method must map to a dict"):
        experiments.run(_trial, {"a": 1}, {"s": 1})
    with pytest.raises(ValueError, match="seeds must be a non-empty list of integers"):
        experiments.run(_trial, {"a": {}}, {"s": 1}, seeds=())
    with pytest.raises(ValueError, match="trial must return a dict"):
        experiments.run(lambda s, seed: 1.0, {"a": {}}, {"s": 1}, verbose=False)
    with pytest.raises(ValueError, match="no rows"):
        experiments.summarize([])


def test_an_infinite_result_has_an_infinite_mean_and_no_spread():
    rows = [{"method": "a", "setting": "s", "seed": s, "kl": v} for s, v in enumerate([float("inf"), 1.0])]
    (row,) = experiments.summarize(rows)
    assert row["kl"] == float("inf") and row["kl_std"] != row["kl_std"]  # nan, and no RuntimeWarning


def test_write_results_round_trips_through_read_results_and_refuses_ragged_rows(tmp_path):
    rows = [{"model": "lean", "seed": 0, "fid": 35.25}, {"model": "seed", "seed": 1, "fid": 124.5}]
    path = experiments.write_results(tmp_path / "new" / "folder" / "r.csv", rows)  # the folder is made
    assert experiments.read_results(path, {"model": str, "seed": int, "fid": float}, "make it") == rows
    with pytest.raises(ValueError, match="same keys in the same order"):
        experiments.write_results(tmp_path / "x.csv", [{"a": 1}, {"b": 2}])
    with pytest.raises(ValueError, match="non-empty list"):
        experiments.write_results(tmp_path / "x.csv", [])


@pytest.mark.parametrize(
    ("text", "error", "says"),
    [
        (None, FileNotFoundError, r"no benchmark result at .*r\.csv: run `make it` to make one"),
        (
            "program,fid\nS1,600.25\n",
            ValueError,
            r"lacks the column\(s\) \['model', 'seed'\]: is it the CSV of `make it`\?",
        ),
        ("model,seed,fid\n", ValueError, "has a header but no rows: the benchmark did not finish a turn"),
        ("", ValueError, r"lacks the column\(s\) \['fid', 'model', 'seed'\]"),  # an empty file has no header
    ],
    ids=["missing", "another benchmark's", "header only", "empty"],
)
def test_read_results_refuses_a_missing_foreign_or_empty_file_naming_the_command(tmp_path, text, error, says):
    path = tmp_path / "r.csv"
    if text is not None:
        path.write_text(text)
    with pytest.raises(error, match=says):
        experiments.read_results(path, {"model": str, "seed": int, "fid": float}, "make it")
