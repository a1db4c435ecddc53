"""Tests of nclab-export on finished sweeps of the real nclab binary."""

import numpy as np
import pandas as pd
import pytest

import h5_expected

MEMBER_METRICS = ("train_loss", "test_loss", "train_error_rate", "test_error_rate", "train_mse", "test_mse",
                  "train_nrmse", "test_nrmse")
EPOCH_METRICS = ("train_ambiguity", "test_ambiguity", "coefficient")


def read_export(path):
    # round_trip parsing reads back the exact float64 values that the export wrote.
    return pd.read_csv(path, dtype={"run_id": str, "point_id": str, "member": str}, float_precision="round_trip")


@pytest.mark.parametrize("case", ["regression", "classification"])
def test_export_row_count(case, request):
    results_file = request.getfixturevalue(f"{case}_file")
    path, _ = request.getfixturevalue(f"{case}_export")
    table = read_export(path)
    runs = h5_expected.complete_runs(results_file)

    assert len(table) == sum(run["rows"] * (run["member_count"] + 1) for run in runs.values())
    assert set(table["run_id"]) == set(runs)
    for run_id, run in runs.items():
        assert (table["run_id"] == run_id).sum() == run["rows"] * (run["member_count"] + 1), run_id


@pytest.mark.parametrize("case", ["regression", "classification"])
def test_export_values_match_file(case, request):
    results_file = request.getfixturevalue(f"{case}_file")
    path, _ = request.getfixturevalue(f"{case}_export")
    table = read_export(path)

    for run_id, run in h5_expected.complete_runs(results_file).items():
        rows = table[table["run_id"] == run_id].sort_values(["metrics_row"], kind="stable")
        shape = (run["rows"], run["member_count"] + 1)
        members = [str(m) for m in range(run["member_count"])] + ["ensemble"]
        assert list(rows["member"]) == members * run["rows"], run_id
        assert list(rows["point_id"].unique()) == [run["point_id"]]
        for name in MEMBER_METRICS:
            exported = rows[name].to_numpy(dtype=float).reshape(shape)
            stored = run["metrics"].get(name, np.full(shape, np.nan))
            np.testing.assert_array_equal(exported, stored, err_msg=f"{run_id} {name}")
        ensemble_rows = rows[rows["member"] == "ensemble"]
        for name in EPOCH_METRICS:
            np.testing.assert_array_equal(ensemble_rows[name].to_numpy(dtype=float), run["metrics"][name],
                                          err_msg=f"{run_id} {name}")


@pytest.mark.parametrize("case", ["regression", "classification"])
def test_export_setting_columns(case, request):
    results_file = request.getfixturevalue(f"{case}_file")
    path, _ = request.getfixturevalue(f"{case}_export")
    table = read_export(path)
    for column in ("method", "lambda", "gamma", "indicator", "mode", "members", "fold", "seed"):
        assert column in table.columns

    first_rows = table.drop_duplicates("run_id").set_index("run_id")
    for run_id, run in h5_expected.complete_runs(results_file).items():
        row = first_rows.loc[run_id]
        assert row["method"] == run["settings"]["method"]
        assert row["fold"] == int(run["settings"]["fold"])
        assert row["seed"] == int(run["settings"]["seed"])
        for name in ("lambda", "gamma"):
            if name in run["settings"]:
                assert row[name] == float(run["settings"][name]), f"{run_id} {name}"
            else:
                assert np.isnan(row[name]), f"{run_id} {name} should be NA"


def test_export_epochs_of_sequential_runs(regression_export):
    table = read_export(regression_export[0])
    ensemble = table[table["member"] == "ensemble"]

    sequential = ensemble[ensemble["mode"] == "sequential"]
    assert len(sequential) > 0
    for _, run in sequential.groupby("run_id"):
        assert list(run["active_member"]) == [0] * 6 + [1] * 6 + [2] * 6
        assert list(run["epoch"]) == list(range(1, 7)) * 3
        assert list(run["metrics_row"]) == list(range(18))

    concurrent = ensemble[ensemble["method"] == "ncl"]
    assert len(concurrent) > 0
    assert (concurrent["active_member"] == -1).all()
    assert (concurrent["epoch"] == concurrent["metrics_row"] + 1).all()


def test_export_writes_na(classification_export):
    text = open(classification_export[0], encoding="utf-8").read()
    table = read_export(classification_export[0])
    assert ",NA," in text
    assert table["train_nrmse"].isna().all(), "classification runs have no NRMSE"
    assert table["test_error_rate"].notna().all()


def test_export_skips_diverged_runs(regression_file, regression_export):
    path, completed = regression_export
    diverged = {row["run_id"] for row in h5_expected.grid_rows(regression_file) if row["status"] == "diverged"}
    assert diverged
    assert not diverged & set(read_export(path)["run_id"])
    assert f"{len(diverged)} diverged (not exported without --include-diverged)" in completed.stdout
