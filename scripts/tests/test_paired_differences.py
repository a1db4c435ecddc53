"""Tests of experiments/paired_differences.py on a small sweep written by the nclab binary.

The binary is the one named by NCLAB_BINARY (scripts/test.sh sets it), or build/nclab; the tests skip
when neither exists.
"""

import os
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "experiments" / "paired_differences.py"


def nclab_binary():
    binary = Path(os.environ.get("NCLAB_BINARY", ROOT / "build" / "nclab"))
    if not binary.is_file():
        pytest.skip(f"nclab binary {binary} not found; build it or set NCLAB_BINARY")
    return binary


@pytest.fixture(scope="module")
def sweep_file(tmp_path_factory):
    """Write a 12-run sweep: independent, ncl lambda 0.5 and ncl lambda 40 (diverges), 2 folds x 2 seeds."""
    path = tmp_path_factory.mktemp("paired") / "sweep.h5"
    command = [str(nclab_binary()), "sweep", "--data", "builtin:sine", "--samples", "40", "--folds", "2",
               "--members", "3", "--hidden", "2", "--method", "independent,ncl", "--lambda", "0.5,40",
               "--allow-unstable", "--learning-rate", "0.5", "--epochs", "5", "--seeds", "1,2",
               "--threads", "1", "--progress", "never", "--out", str(path)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return path


def run_script(*arguments):
    return subprocess.run([sys.executable, str(SCRIPT), *arguments], capture_output=True, text=True, timeout=60)


def table_rows(output):
    """Return the table rows of the script's output as dicts keyed by the header names."""
    lines = output.strip().splitlines()
    header = lines[1].split()
    return [dict(zip(header, line.split())) for line in lines[2:]]


def final_errors(path, method, lambda_value):
    """Return {(fold, seed): final ensemble test NRMSE} of the complete runs of one grid point."""
    errors = {}
    with h5py.File(path, "r") as results:
        for run in results["runs"].values():
            settings = run["settings"].attrs
            if settings["method"] != method or (lambda_value is not None and settings["lambda"] != lambda_value):
                continue
            if run.attrs["status"] == "complete":
                errors[(int(run.attrs["fold"]), int(run.attrs["seed"]))] = run["metrics"]["test_nrmse"][-1, -1]
    return errors


def test_rows_match_hand_computed_differences(sweep_file):
    result = run_script(str(sweep_file), "--baseline", "method=independent")
    assert result.returncode == 0, result.stderr
    rows = {(row["method"], row["lambda"]): row for row in table_rows(result.stdout)}
    assert set(rows) == {("independent", "-"), ("ncl", "0.5"), ("ncl", "40")}

    baseline = final_errors(sweep_file, "independent", None)
    penalised = final_errors(sweep_file, "ncl", "0.5")
    differences = np.array([penalised[key] - baseline[key] for key in sorted(baseline)])
    row = rows[("ncl", "0.5")]
    assert row["pairs"] == "4"
    assert float(row["mean_diff"]) == pytest.approx(differences.mean(), rel=1e-3)
    assert float(row["sd_diff"]) == pytest.approx(differences.std(ddof=1), rel=1e-3)
    assert int(row["lower"]) == int((differences < 0).sum())
    assert int(row["higher"]) == int((differences > 0).sum())


def test_baseline_row_is_zero(sweep_file):
    result = run_script(str(sweep_file), "--baseline", "method=independent")
    row = next(row for row in table_rows(result.stdout) if row["method"] == "independent")
    assert row["pairs"] == "4"
    assert row["mean_diff"] == "+0"
    assert row["equal"] == "4"


def test_diverged_runs_counted_not_paired(sweep_file):
    result = run_script(str(sweep_file), "--baseline", "method=independent")
    row = next(row for row in table_rows(result.stdout) if row["lambda"] == "40")
    assert row["diverged"] == "4"
    assert row["pairs"] == "0"
    assert row["mean_diff"] == "-"


def test_ambiguous_baseline_is_rejected(sweep_file):
    result = run_script(str(sweep_file), "--baseline", "method=ncl")
    assert result.returncode == 2
    assert "matches 2 grid points, not 1" in result.stderr


def test_malformed_baseline_is_rejected(sweep_file):
    result = run_script(str(sweep_file), "--baseline", "method")
    assert result.returncode == 2
    assert "invalid --baseline item 'method'" in result.stderr
