"""Comparing methods fairly: every method × setting × seed run on one budget, then a table of mean and spread.

``run`` calls a trial function for every combination and collects one row per run;
``summarize`` groups the rows by method and setting and gives each numeric result's mean,
standard deviation, minimum, maximum and sum over seeds; ``format_table`` writes the summary as
a Markdown table with settings side by side; ``write_results`` writes a benchmark's rows as CSV and
``read_results`` reads them back with their columns' types checked.

Used in lessons 04, 06, 07, 08 and 09.
"""

from __future__ import annotations

import csv
import numbers
import os
import time

import numpy as np


def run(trial, methods: dict, settings: dict, seeds=(0, 1, 2), verbose: bool = True, **common) -> list:
    """Call ``trial(setting, seed=seed, **common, **method)`` for every method × setting × seed.

    ``methods`` maps a row label to keyword arguments (a dict); ``settings`` maps a column label
    (e.g. a data set's name) to the first argument of ``trial``; ``common`` holds keyword arguments
    shared by every run (the budget). ``trial`` returns a dict of results. Returns one dict per run:
    ``method``, ``setting``, ``seed``, ``seconds`` and the trial's results. With ``verbose``, one
    line per (method, setting). Introduced in lesson 04.
    """
    if not callable(trial):
        raise ValueError(f"trial must be a function (setting, seed=..., **kwargs) -> dict, got {trial!r}")
    for name, value in (("methods", methods), ("settings", settings)):
        if not isinstance(value, dict) or not value:
            raise ValueError(f"{name} must be a non-empty dict (label -> ...), got {value!r}")
    bad = [label for label, kwargs in methods.items() if not isinstance(kwargs, dict)]
    if bad:
        raise ValueError(f"each method must map to a dict of keyword arguments; not so for {bad}")
    seeds = list(seeds)
    if not seeds or any(isinstance(s, bool) or not isinstance(s, numbers.Integral) for s in seeds):
        raise ValueError(f"seeds must be a non-empty list of integers, got {seeds!r}")
    rows = []
    for label, kwargs in methods.items():
        for setting_label, setting in settings.items():
            group = []
            for seed in seeds:
                start = time.perf_counter()
                result = trial(setting, seed=int(seed), **{**common, **kwargs})
                if not isinstance(result, dict):
                    raise ValueError(f"trial must return a dict of results, got {type(result).__name__}")
                group.append(
                    {
                        "method": label,
                        "setting": setting_label,
                        "seed": int(seed),
                        "seconds": time.perf_counter() - start,
                        **result,
                    }
                )
            rows += group
            if verbose:
                print(
                    f"{label:<28} {setting_label:<6} {len(group)} seed{'' if len(group) == 1 else 's'}, "
                    f"{np.mean([r['seconds'] for r in group]):.1f} s per run"
                )
    return rows


def summarize(rows: list) -> list:
    """Group ``run``'s rows by (method, setting); for each numeric result ``x`` give ``x`` (the mean),
    ``x_std`` (sample standard deviation; 0 for one seed, nan if a value is infinite), ``x_min``, ``x_max``
    and ``x_sum``, plus ``n`` (seeds). Non-numeric results (arrays, text) are left out. Introduced in lesson 04.
    """
    if not rows:
        raise ValueError("no rows to summarize: run experiments.run(...) first")
    groups: dict = {}
    for row in rows:
        groups.setdefault((row["method"], row["setting"]), []).append(row)
    out = []
    for (method, setting), group in groups.items():
        summary = {"method": method, "setting": setting, "n": len(group)}
        keys = [
            k
            for k, v in group[0].items()
            if k not in ("method", "setting", "seed") and isinstance(v, numbers.Real) and not isinstance(v, bool)
        ]
        for key in keys:
            values = np.array([r[key] for r in group], dtype=np.float64)
            if len(values) < 2:
                spread = 0.0
            elif np.all(np.isfinite(values)):
                spread = float(values.std(ddof=1))
            else:  # e.g. a KL of inf: the mean is inf, a spread is undefined
                spread = float("nan")
            summary.update(
                {
                    key: float(values.mean()),
                    f"{key}_std": spread,
                    f"{key}_min": float(values.min()),
                    f"{key}_max": float(values.max()),
                    f"{key}_sum": float(values.sum()),
                }
            )
        out.append(summary)
    return out


def format_table(summary: list, columns: dict) -> str:
    """``summarize``'s rows as a Markdown table: one row per method, the settings side by side.

    ``columns`` maps a column title to a format string filled from a summary row, e.g.
    ``{"modes": "{modes:.1f} ± {modes_std:.1f}", "HQ %": "{hq:.1%}"}``. With several settings each
    title is prefixed by the setting's label. Introduced in lesson 04.
    """
    if not summary:
        raise ValueError("the summary is empty: pass experiments.summarize(rows)")
    if not isinstance(columns, dict) or not columns:
        raise ValueError("columns must be a non-empty dict {title: format string}")
    settings = list(dict.fromkeys(r["setting"] for r in summary))
    prefix = len(settings) > 1
    titles = [f"{s}: {t}" if prefix else t for s in settings for t in columns]
    lines = ["| method | " + " | ".join(titles) + " |", "|---" * (1 + len(titles)) + "|"]
    for method in dict.fromkeys(r["method"] for r in summary):
        cells = []
        for s in settings:
            row = next((r for r in summary if r["method"] == method and r["setting"] == s), None)
            for title, fmt in columns.items():
                if row is None:
                    cells.append("–")
                    continue
                try:
                    cells.append(fmt.format(**row))
                except KeyError as err:
                    raise ValueError(f"column {title!r} asks for {err} but the summary has {sorted(row)}") from None
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_results(path, rows: list) -> str:
    """Write ``rows`` (dicts with the same keys, in order) as a CSV at ``path``, making its folder; return the path.

    What the benchmarks write and ``read_results`` reads back. Introduced in lesson 06.
    """
    if not rows or not all(isinstance(r, dict) and list(r) == list(rows[0]) for r in rows):
        raise ValueError("rows must be a non-empty list of dicts with the same keys in the same order")
    path = os.fspath(path)
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def read_results(path, columns: dict, command: str) -> list[dict]:
    """The rows of a benchmark's CSV at ``path``, each value converted by ``columns`` (name -> type).

    ``command`` is the command that writes such a file; the errors name it. A missing file, a file
    without one of the columns (another benchmark's) and a file with a header but no rows are
    refused. Rows keep the file's order. Used by ``stability.benchmark_results``,
    ``seeds.benchmark_results``, ``collapse.image_results`` and ``reference.compare``. Introduced in lesson 06.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"no benchmark result at {path}: run `{command}` to make one")
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        missing = set(columns) - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path} lacks the column(s) {sorted(missing)}: is it the CSV of `{command}`?")
        rows = [{key: kind(row[key]) for key, kind in columns.items()} for row in reader]
    if not rows:
        raise ValueError(f"{path} has a header but no rows: the benchmark did not finish a turn")
    return rows
