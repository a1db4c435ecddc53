"""Tests of nclab-report on finished sweeps of the real nclab binary."""

import math
import os
import re
import subprocess

import h5py
import pandas as pd
import pytest

import h5_expected
from support import report_of, run_script, run_sweep

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
REPORT_PLOTS = ("error_vs_coefficient.png", "ambiguity_member_error_vs_coefficient.png",
                "correlation_heatmaps.png", "learning_curves.png")


def read_summary(folder):
    return pd.read_csv(os.path.join(folder, "summary.csv"), dtype={"point_id": str}).set_index("point_id")


def assert_same_number(actual, expected, description):
    if math.isnan(expected):
        assert math.isnan(actual), f"{description}: expected NA, got {actual}"
    else:
        assert actual == pytest.approx(expected, rel=1e-12, abs=1e-15), description


@pytest.mark.parametrize("case", ["regression", "classification"])
def test_summary_values_match_file(case, request):
    results_file = request.getfixturevalue(f"{case}_file")
    folder, _ = request.getfixturevalue(f"{case}_report")
    table = read_summary(folder)
    expected = h5_expected.point_statistics(results_file)
    metric = "nrmse" if case == "regression" else "error_rate"

    assert list(table.index) == list(expected), "one row per grid point, in grid order"
    for point_id, point in expected.items():
        row = table.loc[point_id]
        for column in ("complete", "total", "diverged", "failed", "pending", "unreadable"):
            assert row[f"runs_{column}"] == point[column], f"{point_id} runs_{column}"
        assert_same_number(row[f"ensemble_test_{metric}_mean"], point["ensemble_mean"], f"{point_id} mean")
        assert_same_number(row[f"ensemble_test_{metric}_sd"], point["ensemble_sd"], f"{point_id} sd")
        assert_same_number(row[f"member_test_{metric}_mean"], point["member_mean"], f"{point_id} member mean")
        assert_same_number(row["test_ambiguity_mean"], point["ambiguity_mean"], f"{point_id} ambiguity")
        assert_same_number(row["test_correlation_mean"], point["correlation_mean"], f"{point_id} correlation")


def test_regression_file_has_diverged_runs(regression_file):
    statuses = [row["status"] for row in h5_expected.grid_rows(regression_file)]
    assert statuses.count("diverged") > 0, "the sweep with learning rate 1000 should leave diverged runs"
    assert statuses.count("complete") > 0


def test_summary_setting_columns(regression_report, classification_report):
    regression = read_summary(regression_report[0])
    classification = read_summary(classification_report[0])

    for column in ("method", "lambda", "indicator", "mode", "learning-rate"):
        assert column in regression.columns
    for column in ("method", "gamma"):
        assert column in classification.columns
    for table in (regression, classification):
        assert "seed" not in table.columns
        assert "fold" not in table.columns
    assert set(regression["method"]) == {"ncl", "decorrelated"}
    assert set(classification["method"]) == {"independent", "ncl-exact"}


def test_summary_headers_name_metric(regression_report, classification_report):
    regression_markdown = open(os.path.join(regression_report[0], "summary.md"), encoding="utf-8").read()
    classification_markdown = open(os.path.join(classification_report[0], "summary.md"), encoding="utf-8").read()

    assert "final-epoch test NRMSE (regression)" in regression_markdown
    assert "ensemble test NRMSE mean" in regression_markdown
    assert "final-epoch test error rate (classification)" in classification_markdown
    assert "ensemble test error rate mean" in classification_markdown
    assert "ensemble_test_error_rate_mean" in read_summary(classification_report[0]).columns


def test_markdown_has_row_per_point(regression_file, regression_report):
    lines = open(os.path.join(regression_report[0], "summary.md"), encoding="utf-8").read().splitlines()
    point_ids = list(h5_expected.point_statistics(regression_file))
    table_rows = [line for line in lines if line.startswith("| ") and not line.startswith("| point_id")]
    assert [row.split("|")[1].strip() for row in table_rows] == point_ids


@pytest.mark.parametrize("case", ["regression", "classification"])
def test_plots_are_png(case, request):
    folder, _ = request.getfixturevalue(f"{case}_report")
    for name in REPORT_PLOTS:
        path = os.path.join(folder, name)
        assert os.path.isfile(path), f"missing plot {name}"
        with open(path, "rb") as png:
            assert png.read(8) == PNG_SIGNATURE, f"{name} is not a PNG file"


@pytest.mark.parametrize("case", ["regression", "classification"])
def test_index_links_every_file(case, request):
    folder, _ = request.getfixturevalue(f"{case}_report")
    index = open(os.path.join(folder, "index.html"), encoding="utf-8").read()
    links = set(re.findall(r'href="([^"]+)"', index))
    images = set(re.findall(r'src="([^"]+)"', index))

    outputs = {name for name in os.listdir(folder) if name != "index.html"}
    assert outputs == {"summary.csv", "summary.md", *REPORT_PLOTS}
    assert outputs <= links, f"index.html does not link {sorted(outputs - links)}"
    assert set(REPORT_PLOTS) <= images
    for link in links:
        assert os.path.isfile(os.path.join(folder, link)), f"index.html links the missing file {link}"


def test_report_counts_diverged_runs(regression_file, regression_report):
    _, completed = regression_report
    statuses = [row["status"] for row in h5_expected.grid_rows(regression_file)]
    diverged = statuses.count("diverged")
    assert f"{statuses.count('complete')} of {len(statuses)} runs complete" in completed.stdout
    assert f"{diverged} diverged (excluded from means)" in completed.stdout
    index = open(os.path.join(regression_report[0], "index.html"), encoding="utf-8").read()
    assert f"{diverged} diverged (excluded from means)" in index


def parse_inspect_table(text):
    """Return {point_id: {column: cell}} from the aligned table that nclab inspect prints."""
    lines = text.splitlines()
    header_line = next(line for line in lines if line.startswith("point_id"))
    starts = [match.start() for match in re.finditer(r"\S+", header_line)]
    names = header_line.split()
    table = {}
    for line in lines[lines.index(header_line) + 1:]:
        if not line.strip():
            continue
        cells = [line[start:end].strip() for start, end in zip(starts, starts[1:] + [len(line)])]
        table[cells[0]] = dict(zip(names, cells))
    return table


def test_summary_agrees_with_inspect(binary, regression_file, regression_report):
    inspect = subprocess.run([binary, "inspect", regression_file], capture_output=True, text=True, timeout=60)
    assert inspect.returncode == 0, inspect.stderr
    expected = parse_inspect_table(inspect.stdout)
    table = read_summary(regression_report[0])

    assert set(table.index) == set(expected)
    columns = {"ensemble_error_mean": "ensemble_test_nrmse_mean", "ensemble_error_std": "ensemble_test_nrmse_sd",
               "member_error_mean": "member_test_nrmse_mean", "test_ambiguity": "test_ambiguity_mean",
               "test_correlation": "test_correlation_mean"}
    for point_id, cells in expected.items():
        row = table.loc[point_id]
        assert cells["runs"] == f"{row['runs_complete']}/{row['runs_total']}"
        assert int(cells["diverged"]) == row["runs_diverged"]
        for inspect_column, report_column in columns.items():
            value = row[report_column]
            formatted = "-" if math.isnan(value) else f"{value:.4g}"
            assert formatted == cells[inspect_column], f"{point_id} {report_column}"


def test_unknown_point_rejected(regression_file, tmp_path):
    completed = run_script("nclab-report", regression_file, "-o", tmp_path / "report", "--points", "0123456789abcdef")
    assert completed.returncode == 2
    assert "'0123456789abcdef' is not a grid point" in completed.stderr


# Early stopping on builtin:sine with a large learning rate, so that the validation loss rises
# before the last epoch and the stored weights come from an earlier one.
EARLY_STOPPING_SWEEP = [
    "--data", "builtin:sine", "--samples", "120", "--folds", "3", "--method", "ncl", "--lambda", "0.5",
    "--members", "3", "--hidden", "8", "--epochs", "60", "--learning-rate", "0.5",
    "--validation-fraction", "0.3", "--patience", "3",
]


def test_early_stopping_reports_stored_epoch(binary, tmp_path):
    results_file = run_sweep(binary, EARLY_STOPPING_SWEEP, tmp_path / "early.h5")
    with h5py.File(results_file, "r") as f:
        runs = list(f["runs"].values())
        earlier = [int(run.attrs["stored_epoch"]) < run["metrics/test_nrmse"].shape[0] - 1 for run in runs]
    assert any(earlier), "no run stopped after its best epoch, so the test shows nothing"

    folder, _ = report_of(results_file, tmp_path / "report")
    table = read_summary(folder)
    for point_id, point in h5_expected.point_statistics(results_file).items():
        assert_same_number(table.loc[point_id]["ensemble_test_nrmse_mean"], point["ensemble_mean"], point_id)

    inspect = subprocess.run([binary, "inspect", results_file], capture_output=True, text=True, timeout=60)
    assert inspect.returncode == 0, inspect.stderr
    for point_id, cells in parse_inspect_table(inspect.stdout).items():
        assert cells["ensemble_error_mean"] == f"{table.loc[point_id]['ensemble_test_nrmse_mean']:.4g}"

    completed = run_script("nclab-export", results_file, "--csv", tmp_path / "early.csv")
    assert completed.returncode == 0, completed.stderr
    exported = pd.read_csv(tmp_path / "early.csv")
    with h5py.File(results_file, "r") as f:
        for run_id, run in f["runs"].items():
            rows = exported[(exported["run_id"] == run_id) & (exported["stored"] == 1)]
            assert set(rows["metrics_row"]) == {int(run.attrs["stored_epoch"])}, run_id
