"""Comparing methods fairly: every method × setting × seed run on one budget, then a table of mean and spread.

``run`` calls a trial function for every combination and collects one row per run;
``summarize`` groups the rows by method and setting and gives each numeric result's mean,
standard deviation, minimum, maximum and sum over seeds; ``format_table`` writes the summary as
a Markdown table with settings side by side; ``write_results`` writes a benchmark's rows as CSV and
``read_results`` reads them back with their columns' types checked.

Used in lessons 03, 04, 06, 07, 08 and 09.
"""

from __future__ import annotations

import csv
import math
import numbers
import os
import time
import warnings

import numpy as np

from gan_course import _checks, _shipped


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
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
        raise ValueError(f"seeds must be a non-empty list of integers, got {seeds!r}: e.g. seeds=(0, 1, 2)")
    seeds = list(seeds)
    if not seeds or any(isinstance(s, (bool, np.bool_)) or not isinstance(s, numbers.Integral) for s in seeds):
        raise ValueError(f"seeds must be a non-empty list of integers, got {seeds!r}: e.g. seeds=(0, 1, 2)")
    if any(s < 0 for s in seeds):
        raise ValueError(f"seeds must be non-negative integers (NumPy and TensorFlow refuse others), got {seeds!r}")
    repeated = sorted({int(s) for s in seeds if seeds.count(s) > 1})
    if repeated:
        raise ValueError(
            f"seeds {repeated} appear more than once in {seeds!r}: a seed run twice is the same run counted twice; "
            "give distinct seeds"
        )
    if not isinstance(verbose, (bool, np.bool_)):
        raise ValueError(f"verbose must be True or False, got {verbose!r}")
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

    A nan result (a run that diverged or failed to measure) is not averaged in: mean, spread, minimum,
    maximum and sum are over the seeds whose value is a number, ``x_n`` says how many (equal to ``n``
    when none is nan), and a warning names the method, setting and seeds. With no number at all they are nan.
    """
    if isinstance(rows, dict) or not isinstance(rows, (list, tuple)):
        raise ValueError(f"rows must be the list that experiments.run returns, got {type(rows).__name__}")
    if not rows:
        raise ValueError("no rows to summarize: run experiments.run(...) first")
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or not {"method", "setting", "seed"} <= set(row):
            raise ValueError(
                f"rows[{i}] must be a dict with 'method', 'setting' and 'seed' (a row of experiments.run), got {row!r}"
            )
    groups: dict = {}
    for row in rows:
        groups.setdefault((row["method"], row["setting"]), []).append(row)
    out = []
    for (method, setting), group in groups.items():
        seeds = [r["seed"] for r in group]
        if len(set(seeds)) != len(seeds):
            raise ValueError(
                f"method {method!r}, setting {setting!r} has seed(s) {sorted({s for s in seeds if seeds.count(s) > 1})}"
                " in more than one row: a run counted twice would weigh double; pass each run's row once"
            )
        summary = {"method": method, "setting": setting, "n": len(group)}
        keys = [
            k
            for k, v in group[0].items()
            if k not in ("method", "setting", "seed") and isinstance(v, numbers.Real) and not isinstance(v, bool)
        ]
        for key in keys:
            try:
                every = np.array([r.get(key, math.nan) for r in group], dtype=np.float64)
            except (TypeError, ValueError):
                raise ValueError(
                    f"{key} of method {method!r}, setting {setting!r} is a number in one row but not in another "
                    f"({[r.get(key) for r in group]!r}): make the trial return the same kinds of results every run"
                ) from None
            missing = np.isnan(every)
            if missing.any():
                warnings.warn(
                    f"{key} of method {method!r}, setting {setting!r} is nan for seed(s) "
                    f"{[s for s, m in zip(seeds, missing) if m]} (the run diverged or was not measured): its mean, "
                    f"spread, min, max and sum are over the other {int((~missing).sum())} seed(s) ({key}_n)",
                    stacklevel=_checks.stacklevel(),
                )
            values = every[~missing]
            if len(values) == 0:
                mean = spread = low = high = total = math.nan
            else:
                mean, low, high, total = values.mean(), values.min(), values.max(), values.sum()
                if len(values) < 2:
                    spread = 0.0
                elif np.all(np.isfinite(values)):
                    spread = float(values.std(ddof=1))
                else:  # e.g. a KL of inf: the mean is inf, a spread is undefined
                    spread = math.nan
            summary.update(
                {
                    key: float(mean),
                    f"{key}_std": spread,
                    f"{key}_min": float(low),
                    f"{key}_max": float(high),
                    f"{key}_sum": float(total),
                    f"{key}_n": int(len(values)),
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
    if (
        isinstance(summary, dict)
        or not isinstance(summary, (list, tuple))
        or not all(isinstance(r, dict) for r in summary)
    ):
        raise ValueError(f"summary must be the list experiments.summarize(rows) returns, got {type(summary).__name__}")
    if not summary:
        raise ValueError("summary is empty: pass experiments.summarize(rows)")
    if not isinstance(columns, dict) or not columns or not all(isinstance(v, str) for v in columns.values()):
        raise ValueError(
            f"columns must be a non-empty dict {{title: format string}}, e.g. {{'FID': '{{fid:.1f}}'}}, got {columns!r}"
        )
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

    What the benchmarks write and ``read_results`` reads back. Writing into one of the package's result
    folders (a benchmark's default ``--out``) also updates the folder's SHA-256 manifest, so the shipped
    file and its checksum change together. Introduced in lesson 06.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise ValueError(f"path must be a file path (str or Path), got {type(path).__name__} {path!r}")
    if not rows or not all(isinstance(r, dict) and list(r) == list(rows[0]) for r in rows):
        raise ValueError("rows must be a non-empty list of dicts with the same keys in the same order")
    path = os.fspath(path)
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    _shipped.record(path)
    return path


_KINDS = {int: "a whole number", float: "a number", str: "text", _checks.finite_text: "a finite number"}


def read_results(path, columns: dict, command: str) -> list[dict]:
    """The rows of a benchmark's CSV at ``path``, each value converted by ``columns`` (name -> type).

    ``command`` is the command that writes such a file; the errors name it. A missing file, a file
    without one of the columns (another benchmark's) and a file with a header but no rows are
    refused; a value that does not convert is refused naming the file, its line (the header is line 1)
    and the column. A ``float`` column reads ``nan`` and ``inf`` as such (the caller decides what they
    mean). A shipped file (one in the package's ``results`` folder) is first checked against its SHA-256.
    Rows keep the file's order. Used by ``stability.benchmark_results``,
    ``seeds.benchmark_results``, ``collapse.image_results`` and ``reference.compare``. Introduced in lesson 06.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise ValueError(f"path must be a file path (str or Path), got {type(path).__name__} {path!r}")
    path = os.fspath(path)
    if os.path.isdir(path):
        raise ValueError(f"{path} is a folder: give the CSV file that `{command}` writes")
    _shipped.verify(path)  # a shipped file that is missing or damaged: reinstall
    if not os.path.exists(path):
        raise FileNotFoundError(f"no benchmark result at {path}: run `{command}` to make one")
    again = f"run `{command}` to write it again"
    try:
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            header = reader.fieldnames
            if not header:
                raise ValueError(f"{path} is empty (no header line): {again}")
            repeated = sorted({h for h in header if header.count(h) > 1})
            if repeated:
                raise ValueError(f"{path}'s header names the column(s) {repeated} twice: {again}")
            missing = set(columns) - set(header)
            if missing:
                raise ValueError(f"{path} lacks the column(s) {sorted(missing)}: is it the CSV of `{command}`?")
            rows = [_convert(row, columns, path, reader.line_num, len(header), again) for row in reader]
    except (UnicodeDecodeError, csv.Error) as err:
        raise ValueError(f"{path} is not a readable CSV text file ({type(err).__name__}: {err}): {again}") from None
    if not rows:
        raise ValueError(f"{path} has a header but no rows: the benchmark did not finish a turn")
    return rows


def _convert(row: dict, columns: dict, path: str, line: int, width: int, again: str) -> dict:
    if None in row or None in row.values():  # DictReader: extra fields under None, missing ones as None
        fields = width + len(row.get(None) or ()) - sum(v is None for k, v in row.items() if k is not None)
        raise ValueError(f"{path} line {line} has {fields} fields but the header has {width}: {again}")
    out = {}
    for key, kind in columns.items():
        try:
            out[key] = kind(row[key])
        except (TypeError, ValueError) as err:
            raise ValueError(
                f"{path} line {line}, column {key!r}: {row[key]!r} is not {_KINDS.get(kind, f'readable ({err})')}; "
                f"fix that value or {again}"
            ) from None
    return out
