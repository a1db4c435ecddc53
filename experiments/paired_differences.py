#!/usr/bin/python3
"""Compare every grid point of an nclab results file with a baseline point, run by run.

Usage: experiments/paired_differences.py FILE.h5 --baseline method=independent

nclab keys its random streams by dataset, fold and seed, not by the penalty settings. So runs of two
grid points that share fold and seed start from the same initial weights and see the same pattern
order. Their difference in final-epoch ensemble test error therefore leaves out the spread between
folds and seeds, which the standard deviation of `nclab inspect` includes. This script pairs each
point's complete runs with the baseline's complete runs of the same fold and seed. It prints, per
point, the number of pairs, the mean and sample standard deviation of the difference (point minus
baseline), and how many pairs are lower, equal or higher than the baseline. The test error is the
error rate for classification and the NRMSE for regression, as in `nclab inspect`.

Diverged and failed runs have no final error, so they enter no pair. The `diverged` column counts
them per point. Reads both the consolidated and the index form of the file.
"""

import argparse
import math
import sys

import h5py
import numpy as np


def fail(message):
    print(f"paired_differences: {message}", file=sys.stderr)
    sys.exit(2)


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        prog="paired_differences.py",
        description="Per grid point, the paired difference in final-epoch ensemble test error against a "
        "baseline point, over runs with the same fold and seed.")
    parser.add_argument("file", metavar="FILE.h5", help="results file written by nclab sweep")
    parser.add_argument("--baseline", metavar="NAME=VALUE[,NAME=VALUE...]", required=True,
                        help="settings that select the baseline grid point, e.g. method=independent or "
                        "method=ncl,lambda=0; they must match exactly one point")
    return parser.parse_args(argv)


def parse_baseline(text):
    """Return the baseline selector as a dict of setting name to value text."""
    selector = {}
    for item in text.split(","):
        name, equals, value = item.partition("=")
        if not equals or not name.strip():
            fail(f"invalid --baseline item '{item}': write NAME=VALUE, e.g. method=independent")
        selector[name.strip()] = value.strip()
    return selector


def read_grid(results):
    """Return one dict per run with its point id, fold, seed, status, run id and settings."""
    if "grid" not in results:
        fail(f"{results.filename} has no /grid group: is it an nclab results file?")
    grid = results["grid"]
    names = grid["setting_names"].asstr()[()]
    settings = grid["settings"].asstr()[()]
    point_ids = grid["point_id"].asstr()[()]
    run_ids = grid["run_id"].asstr()[()]
    statuses = grid["status"].asstr()[()]
    runs = []
    for row in range(len(run_ids)):
        values = {name: settings[row, column] for column, name in enumerate(names) if settings[row, column]}
        runs.append({
            "point_id": point_ids[row],
            "run_id": run_ids[row],
            "fold": int(grid["fold"][row]),
            "seed": int(grid["seed"][row]),
            "status": statuses[row],
            "settings": values,
        })
    return runs


def final_ensemble_error(results, run_id):
    """Return the ensemble's test error in the last epoch row: error rate or NRMSE."""
    metrics = results["runs"][run_id]["metrics"]
    for name in ("test_error_rate", "test_nrmse"):
        if name in metrics:
            return float(metrics[name][-1, -1])
    fail(f"run {run_id} has neither metrics/test_error_rate nor metrics/test_nrmse")


def varying_setting_names(runs):
    """Return the sorted names of the settings that differ between grid points (absent counts as a value)."""
    names = set().union(*(run["settings"] for run in runs)) - {"seed", "fold"}
    return sorted(name for name in names if len({run["settings"].get(name, "") for run in runs}) > 1)


def summarise(points, baseline_id):
    """Return one row per point: pairs, mean and sd of the difference, lower/equal/higher counts."""
    baseline = points[baseline_id]["errors"]
    rows = []
    for point_id, point in points.items():
        keys = sorted(set(point["errors"]) & set(baseline))
        differences = np.array([point["errors"][key] - baseline[key] for key in keys])
        row = {"point_id": point_id, "settings": point["settings"], "pairs": len(keys),
               "diverged": point["diverged"], "mean": math.nan, "sd": math.nan,
               "lower": 0, "equal": 0, "higher": 0}
        if len(keys) > 0:
            row["mean"] = float(differences.mean())
            row["lower"] = int((differences < 0).sum())
            row["equal"] = int((differences == 0).sum())
            row["higher"] = int((differences > 0).sum())
        if len(keys) > 1:
            row["sd"] = float(differences.std(ddof=1))
        rows.append(row)
    return rows


def format_number(value, signed):
    if math.isnan(value):
        return "-"
    return f"{value:+.4g}" if signed else f"{value:.4g}"


def main(argv):
    arguments = parse_arguments(argv)
    selector = parse_baseline(arguments.baseline)
    try:
        results = h5py.File(arguments.file, "r")
    except OSError as error:
        fail(f"cannot open '{arguments.file}': {error}")

    with results:
        runs = read_grid(results)
        varying = varying_setting_names(runs)
        points = {}
        for run in runs:
            point = points.setdefault(run["point_id"], {
                "settings": {name: run["settings"].get(name, "") for name in varying},
                "all_settings": run["settings"], "errors": {}, "diverged": 0})
            if run["status"] == "complete":
                point["errors"][(run["fold"], run["seed"])] = final_ensemble_error(results, run["run_id"])
            elif run["status"] == "diverged":
                point["diverged"] += 1

    matches = [point_id for point_id, point in points.items()
               if all(point["all_settings"].get(name) == value for name, value in selector.items())]
    if len(matches) != 1:
        fail(f"--baseline {arguments.baseline} matches {len(matches)} grid points, not 1; "
             f"the varying settings are: {', '.join(varying) or 'none'}")

    rows = summarise(points, matches[0])
    header = ["point_id", *varying, "pairs", "diverged", "mean_diff", "sd_diff", "lower", "equal", "higher"]
    table = [header]
    for row in rows:
        table.append([row["point_id"], *(row["settings"][name] or "-" for name in varying), str(row["pairs"]),
                      str(row["diverged"]), format_number(row["mean"], True), format_number(row["sd"], False),
                      str(row["lower"]), str(row["equal"]), str(row["higher"])])
    widths = [max(len(line[column]) for line in table) for column in range(len(header))]
    print(f"baseline: point {matches[0]} ({arguments.baseline}); difference = point minus baseline, "
          "final-epoch ensemble test error")
    for line in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip())


if __name__ == "__main__":
    main(sys.argv[1:])
