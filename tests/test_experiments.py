"""The experiment table shared by the lessons that compare methods: runs, means and spreads by hand."""

import math
import re
import warnings

import numpy as np
import pytest

from gan_course import _checks, experiments


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
        ("", ValueError, r"r\.csv is empty \(no header line\): run `make it` to write it again"),
        (
            "model,seed,fid\nlean,0,1.5\nlean,one,2.5\n",
            ValueError,
            r"r\.csv line 3, column 'seed': 'one' is not a whole",
        ),
        ("model,seed,fid\nlean,0,fast\n", ValueError, r"r\.csv line 2, column 'fid': 'fast' is not a number"),
        ("model,seed,fid\nlean,0,1.5\nlean,1\n", ValueError, r"r\.csv line 3 has 2 fields but the header has 3"),
        ("model,seed,fid\nlean,0,1.5,9\n", ValueError, r"r\.csv line 2 has 4 fields but the header has 3"),
        ("model,seed,seed,fid\nlean,0,0,1.5\n", ValueError, r"r\.csv's header names the column\(s\) \['seed'\] twice"),
        (b"\x89PNG\r\n\x1a\n\xff\xfe", ValueError, r"r\.csv is not a readable CSV text file"),
        ("model,seed,fid\n\nlean,0,1.5\n\nlean,x,2\n", ValueError, r"line 5, column 'seed'"),  # blank lines count
    ],
    ids=[
        "missing",
        "another benchmark's",
        "header only",
        "empty",
        "not an integer",
        "not a number",
        "short row",
        "long row",
        "repeated column",
        "binary",
        "line numbers count blank lines",
    ],
)
def test_read_results_refuses_a_missing_foreign_or_empty_file_naming_the_command(tmp_path, text, error, says):
    path = tmp_path / "r.csv"
    if isinstance(text, bytes):
        path.write_bytes(text)
    elif text is not None:
        path.write_text(text)
    with pytest.raises(error, match=says):
        experiments.read_results(path, {"model": str, "seed": int, "fid": float}, "make it")


def test_read_results_keeps_a_nan_result_and_a_finite_column_refuses_one(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("model,seed,fid,seconds\nlean,0,nan,3.5\nlean,1,inf,nan\n")
    rows = experiments.read_results(path, {"seed": int, "fid": float}, "make it")
    assert math.isnan(rows[0]["fid"]) and rows[1]["fid"] == math.inf  # the caller decides what they mean
    with pytest.raises(ValueError, match=r"r\.csv line 3, column 'seconds': 'nan' is not a finite number"):
        experiments.read_results(path, {"seed": int, "seconds": _checks.finite_text}, "make it")


def test_summarize_leaves_out_a_nan_seed_says_so_and_counts_the_rest():
    rows = [{"method": "a", "setting": "s", "seed": s, "fid": v} for s, v in enumerate([10.0, float("nan"), 20.0])]
    with pytest.warns(UserWarning, match=r"fid of method 'a', setting 's' is nan for seed\(s\) \[1\].*other 2 seed"):
        (row,) = experiments.summarize(rows)
    assert (row["n"], row["fid_n"], row["fid"], row["fid_min"], row["fid_max"]) == (3, 2, 15.0, 10.0, 20.0)
    assert row["fid_std"] == pytest.approx(7.0710678)
    nothing = [{"method": "a", "setting": "s", "seed": 0, "fid": float("nan")}]
    with pytest.warns(UserWarning, match="over the other 0 seed"):
        (row,) = experiments.summarize(nothing)
    assert row["fid_n"] == 0 and math.isnan(row["fid"])  # no number at all: said, and counted as 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (row,) = experiments.summarize(rows[:1])  # no nan: no warning, fid_n == n
    assert row["fid_n"] == row["n"] == 1


def _row(seed=0, **extra):
    return {"method": "a", "setting": "s", "seed": seed, "x": 1.0, **extra}


@pytest.mark.parametrize(
    ("call", "error", "says"),
    [
        (lambda: experiments.run("trial", {"a": {}}, {"s": 1}), ValueError, "trial must be a function"),
        (lambda: experiments.run(_trial, [], {"s": 1}), ValueError, "methods must be a non-empty dict"),
        (lambda: experiments.run(_trial, {"a": {}}, {}), ValueError, "settings must be a non-empty dict"),
        (lambda: experiments.run(_trial, {"a": {}}, {"s": 1}, seeds=(0, 1, 0)), ValueError, "seeds [0] appear more"),
        (
            lambda: experiments.run(_trial, {"a": {}}, {"s": 1}, seeds=(0, True)),
            ValueError,
            "seeds must be a non-empty",
        ),
        (lambda: experiments.run(_trial, {"a": {}}, {"s": 1}, seeds=3), ValueError, "e.g. seeds=(0, 1, 2)"),
        (lambda: experiments.run(_trial, {"a": {}}, {"s": 1}, seeds=(-1,)), ValueError, "non-negative"),
        (lambda: experiments.run(_trial, {"a": {}}, {"s": 1}, verbose="yes"), ValueError, "verbose must be True or"),
        (lambda: experiments.summarize({"a": 1}), ValueError, "rows must be the list that experiments.run returns"),
        (lambda: experiments.summarize([{"x": 1}]), ValueError, "rows[0] must be a dict with 'method'"),
        (lambda: experiments.summarize([_row(0), _row(0)]), ValueError, "has seed(s) [0] in more than one row"),
        (lambda: experiments.summarize([_row(0), _row(1, x="big")]), ValueError, "x of method 'a', setting 's' is a"),
        (lambda: experiments.format_table([], {"x": "{x}"}), ValueError, "summary is empty"),
        (lambda: experiments.format_table([_row()], {"x": 3}), ValueError, "columns must be a non-empty dict"),
        (lambda: experiments.write_results(3, [{"a": 1}]), ValueError, "path must be a file path"),
        (lambda: experiments.read_results(None, {"a": str}, "make it"), ValueError, "path must be a file path"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_arguments_are_checked_at_the_door(call, error, says):
    with pytest.raises(error, match=re.escape(says)):
        call()


def test_np_integer_seeds_are_welcome():
    rows = experiments.run(_trial, {"a": {}}, {"s": 1}, seeds=np.arange(2), verbose=False)
    assert [r["seed"] for r in rows] == [0, 1] and all(type(r["seed"]) is int for r in rows)


def test_image_results_names_the_line_and_column_and_keeps_a_nan_kl(tmp_path):
    from gan_course import collapse

    path = tmp_path / "c.csv"
    header = "run,seed,classes_used,largest_class,largest_share,kl,seconds\n"
    path.write_text(header + "healthy,0,10,Dress,0.2,nan,40.0\n")
    assert math.isnan(collapse.image_results(path)[0]["kl"])  # summarize reports it
    path.write_text(header + "healthy,0,10,Dress,0.2,0.3,40.0\nhealthy,1,ten,Dress,0.2,0.3,40.0\n")
    with pytest.raises(ValueError, match=r"c\.csv line 3, column 'classes_used': 'ten' is not a whole number"):
        collapse.image_results(path)
    path.write_text(header + "healthy,0,10,Dress,nan,0.3,40.0\n")
    with pytest.raises(ValueError, match=r"c\.csv line 2, column 'largest_share': 'nan' is not a finite number"):
        collapse.image_results(path)
