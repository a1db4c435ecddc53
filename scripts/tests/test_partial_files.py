"""Tests of both scripts on a sweep killed with SIGKILL, and on files that are not results files."""

import math
import os
import shutil
import signal
import subprocess
import time

import h5py
import pandas as pd
import pytest

import h5_expected
from support import import_reader_module, run_script, sweep_command

# Far more runs than are stored before the kill, so the file keeps pending runs: 11 lambdas x 10 seeds
# of 300 epochs, several seconds of training, while the index lists finished runs within about a second.
KILLED_SWEEP = [
    "--data", "builtin:mackey-glass", "--method", "ncl", "--lambda", "0:1:0.1", "--seeds", "1:10:1",
    "--members", "3", "--hidden", "4", "--epochs", "300",
]
STORE_TIMEOUT_SECONDS = 30


def complete_count(path):
    """Return the number of complete runs in the file, or 0 while it cannot be read yet."""
    try:
        with h5py.File(path, "r") as f:
            return list(f["grid/status"].asstr()[()]).count("complete")
    except (OSError, KeyError):
        return 0


@pytest.fixture(scope="module")
def killed_file(binary, tmp_path_factory):
    """Kill a sweep once at least two runs are stored, then delete the run file of one complete run."""
    path = tmp_path_factory.mktemp("killed") / "killed.h5"
    command = sweep_command(binary, KILLED_SWEEP, path)
    command[command.index("--threads") + 1] = "1"
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + STORE_TIMEOUT_SECONDS
        while complete_count(path) < 2:
            assert process.poll() is None, f"nclab sweep ended before the kill:\n{process.stderr.read().decode()}"
            assert time.monotonic() < deadline, f"no run stored within {STORE_TIMEOUT_SECONDS} s"
            time.sleep(0.02)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stderr.close()

    with h5py.File(path, "r") as f:
        assert f.attrs["layout"] == "index"
        status = f["grid/status"].asstr()[()]
        first_complete = f["grid/run_id"].asstr()[list(status).index("complete")]
        removed = os.path.join(path.parent, f["runs"].get(first_complete, getlink=True).filename)
    os.remove(removed)
    return str(path), first_complete


@pytest.fixture(scope="module")
def killed_report(killed_file, tmp_path_factory):
    folder = tmp_path_factory.mktemp("killed-report")
    completed = run_script("nclab-report", killed_file[0], "-o", folder)
    assert completed.returncode == 0, f"nclab-report failed:\n{completed.stdout}\n{completed.stderr}"
    return folder, completed


def test_killed_sweep_left_pending_runs(killed_file):
    statuses = [row["status"] for row in h5_expected.grid_rows(killed_file[0])]
    assert statuses.count("complete") >= 2
    assert statuses.count("pending") > 0


def test_killed_report_counts_skipped(killed_file, killed_report):
    _, completed = killed_report
    statuses = [row["status"] for row in h5_expected.grid_rows(killed_file[0])]
    complete = statuses.count("complete") - 1  # one run file was removed
    pending = statuses.count("pending")

    assert f"index file, {complete} of {len(statuses)} runs complete" in completed.stdout
    assert f"skipped {len(statuses) - complete} of {len(statuses)} runs: {pending} pending" in completed.stdout
    assert "1 with a missing run file" in completed.stdout
    assert f"runs with a missing run file: {killed_file[1]}" in completed.stdout


def test_killed_report_uses_stored_runs(killed_file, killed_report):
    folder, _ = killed_report
    table = pd.read_csv(os.path.join(folder, "summary.csv"), dtype={"point_id": str}).set_index("point_id")
    expected = h5_expected.point_statistics(killed_file[0])

    assert list(table.index) == list(expected)
    assert table["runs_unreadable"].sum() == 1
    for point_id, point in expected.items():
        row = table.loc[point_id]
        assert row["runs_complete"] == point["complete"]
        assert row["runs_pending"] == point["pending"]
        if math.isnan(point["ensemble_mean"]):
            assert math.isnan(row["ensemble_test_nrmse_mean"])
        else:
            assert row["ensemble_test_nrmse_mean"] == pytest.approx(point["ensemble_mean"], rel=1e-12)
    for name in ("index.html", "error_vs_coefficient.png", "learning_curves.png", "correlation_heatmaps.png"):
        assert os.path.isfile(os.path.join(folder, name)), name


def test_killed_export_has_stored_runs(killed_file, tmp_path):
    out = tmp_path / "killed.csv"
    completed = run_script("nclab-export", killed_file[0], "--csv", out)
    assert completed.returncode == 0, completed.stderr
    runs = h5_expected.complete_runs(killed_file[0])
    table = pd.read_csv(out, dtype={"run_id": str})

    assert len(runs) >= 1
    assert set(table["run_id"]) == set(runs)
    assert killed_file[1] not in set(table["run_id"])
    assert len(table) == sum(run["rows"] * (run["member_count"] + 1) for run in runs.values())
    assert f"exported {len(runs)} of" in completed.stdout
    assert "1 with a missing run file" in completed.stdout


@pytest.mark.parametrize("script", ["nclab-report", "nclab-export"])
def test_missing_file_rejected(script, tmp_path):
    missing = tmp_path / "absent.h5"
    completed = run_script(script, missing, *(["-o", tmp_path / "out"] if script == "nclab-report"
                                              else ["--csv", tmp_path / "out.csv"]))
    assert completed.returncode == 2
    assert f"results file '{missing}' does not exist" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_text_file_rejected(tmp_path):
    text_file = tmp_path / "notes.h5"
    text_file.write_text("not HDF5\n")
    completed = run_script("nclab-export", text_file, "--csv", tmp_path / "out.csv")
    assert completed.returncode == 2
    assert f"cannot open '{text_file}' as an HDF5 file" in completed.stderr
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("script", ["nclab-report", "nclab-export"])
def test_foreign_hdf5_file_rejected(script, tmp_path):
    foreign = tmp_path / "foreign.h5"
    with h5py.File(foreign, "w") as f:
        f.create_dataset("values", data=[1.0, 2.0])
    completed = run_script(script, foreign, *(["-o", tmp_path / "out"] if script == "nclab-report"
                                              else ["--csv", tmp_path / "out.csv"]))
    assert completed.returncode == 2
    assert f"'{foreign}' is an HDF5 file but not an nclab results file" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_reader_rereads_replaced_file(killed_file, classification_file, tmp_path, capsys):
    """A sweep that consolidates while a script reads its index must not make runs look missing."""
    nclab_results = import_reader_module()
    source = os.path.dirname(killed_file[0])
    index = tmp_path / "killed.h5"
    shutil.copy(killed_file[0], index)
    shutil.copytree(os.path.join(source, "killed.h5.parts"), tmp_path / "killed.h5.parts")
    attempts = []

    def read(results_file):
        if not attempts:
            # What a finishing sweep does: rename the consolidated file over FILE, delete FILE.parts/.
            shutil.copy(classification_file, tmp_path / "consolidated.h5")
            os.replace(tmp_path / "consolidated.h5", index)
            shutil.rmtree(tmp_path / "killed.h5.parts")
        attempts.append(results_file.layout)
        return results_file.select_runs()

    selection = nclab_results.read_results_file(str(index), read)

    assert attempts == ["index", "consolidated"]
    assert nclab_results.SKIP_MISSING_FILE not in selection.skipped
    assert len(selection.runs) == selection.total
    assert "was replaced while it was read" in capsys.readouterr().err
