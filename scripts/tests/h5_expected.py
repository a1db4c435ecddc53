"""Expected values for the script tests, computed from a results file with h5py and numpy only.

This reads the layout of docs/hdf5-schema.md directly and shares no code with the scripts, so a
mistake in the scripts' reading module cannot hide in both the result and the expectation.
"""

import collections
import math
import os

import h5py
import numpy as np


def grid_rows(path):
    """Return the grid as a list of dicts: run_id, point_id, status, settings (non-empty values)."""
    with h5py.File(path, "r") as f:
        grid = f["grid"]
        names = grid["setting_names"].asstr()[()]
        settings = grid["settings"].asstr()[()]
        rows = []
        for r, run_id in enumerate(grid["run_id"].asstr()[()]):
            rows.append({
                "run_id": run_id,
                "point_id": grid["point_id"].asstr()[r],
                "status": grid["status"].asstr()[r],
                "settings": {name: settings[r, s] for s, name in enumerate(names) if settings[r, s] != ""},
            })
        return rows


def run_file_exists(path, run_id):
    """Return False when an index file links run_id to a run file that is gone."""
    with h5py.File(path, "r") as f:
        link = f["runs"].get(run_id, getlink=True)
        if link is None:
            return False
        if isinstance(link, h5py.ExternalLink):
            return os.path.isfile(os.path.join(os.path.dirname(os.path.abspath(path)), link.filename))
        return True


def metric_of(metrics_group):
    return "error_rate" if "test_error_rate" in metrics_group else "nrmse"


def point_statistics(path):
    """Return {point_id: statistics} over the complete runs, as the summary table should show them."""
    rows = grid_rows(path)
    points = collections.OrderedDict()
    with h5py.File(path, "r") as f:
        for row in rows:
            point = points.setdefault(row["point_id"], {
                "settings": {k: v for k, v in row["settings"].items() if k not in ("seed", "fold")},
                "total": 0, "complete": 0, "diverged": 0, "failed": 0, "pending": 0, "unreadable": 0,
                "ensemble": [], "member": [], "ambiguity": [], "correlations": [], "metric": None,
            })
            point["total"] += 1
            if row["status"] != "complete":
                point[row["status"]] += 1
                continue
            if not run_file_exists(path, row["run_id"]):
                point["unreadable"] += 1
                continue
            point["complete"] += 1
            run = f["runs"][row["run_id"]]
            metric = metric_of(run["metrics"])
            point["metric"] = metric
            # The row of the stored weights: stored_epoch with early stopping, else the last row.
            errors = run["metrics"][f"test_{metric}"]
            stored = int(run.attrs.get("stored_epoch", -1))
            row = stored if 0 <= stored < errors.shape[0] else errors.shape[0] - 1
            final = errors[row, :]
            point["ensemble"].append(final[-1])
            point["member"].append(np.mean(final[:-1]))
            point["ambiguity"].append(run["metrics/test_ambiguity"][row])
            matrix = run["correlation/test"][()]
            off_diagonal = matrix[~np.eye(matrix.shape[0], dtype=bool)]
            point["correlations"].extend(off_diagonal[np.isfinite(off_diagonal)])

    for point in points.values():
        point["ensemble_mean"] = float(np.mean(point["ensemble"])) if point["ensemble"] else math.nan
        point["ensemble_sd"] = float(np.std(point["ensemble"], ddof=1)) if len(point["ensemble"]) > 1 else math.nan
        point["member_mean"] = float(np.mean(point["member"])) if point["member"] else math.nan
        point["ambiguity_mean"] = float(np.mean(point["ambiguity"])) if point["ambiguity"] else math.nan
        point["correlation_mean"] = float(np.mean(point["correlations"])) if point["correlations"] else math.nan
    return points


def complete_runs(path):
    """Return {run_id: {"member_count", "rows", "metrics": {name: array}}} of the readable complete runs."""
    runs = {}
    with h5py.File(path, "r") as f:
        for row in grid_rows(path):
            if row["status"] != "complete" or not run_file_exists(path, row["run_id"]):
                continue
            run = f["runs"][row["run_id"]]
            metrics = {name: dataset[()] for name, dataset in run["metrics"].items()}
            runs[row["run_id"]] = {
                "member_count": int(run.attrs["member_count"]),
                "rows": metrics[f"test_{metric_of(run['metrics'])}"].shape[0],
                "metrics": metrics,
                "settings": row["settings"],
                "point_id": row["point_id"],
            }
    return runs
