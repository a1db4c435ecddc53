"""Per-grid-point statistics of an nclab results file, and the summary table nclab-report writes.

The statistics match `nclab inspect`: a run's test error is its final-epoch ensemble test error rate
for classification and test NRMSE for regression. The final epoch is the metrics row of the stored
weights (RunData.stored_row): the last row, or with early stopping the restored best epoch. Means and sample standard
deviations (n - 1 in the denominator) are over the complete runs of a point, that is over its folds
and seeds. Diverged and failed runs are counted but never averaged.
"""

import csv
import dataclasses
import math

import nclab_results as results

np = results.np

# Columns of the summary table after the settings, with the Markdown header of each. "{metric}" is
# replaced with the measure (error_rate or nrmse) when the whole file uses one.
STATISTIC_COLUMNS = (
    ("ensemble_test_{metric}_mean", "ensemble test {label} mean"),
    ("ensemble_test_{metric}_sd", "ensemble test {label} sd"),
    ("member_test_{metric}_mean", "member test {label} mean"),
    ("test_ambiguity_mean", "test ambiguity mean"),
    ("test_correlation_mean", "test error correlation mean"),
)
COUNT_COLUMNS = ("runs_complete", "runs_total", "runs_diverged", "runs_failed", "runs_pending", "runs_unreadable")


@dataclasses.dataclass
class RunSummary:
    """Final-epoch values, ensemble learning curves and correlations of one run, as the report uses them."""

    run_id: str
    point_id: str
    settings: dict
    metric: str
    ensemble_error: float  # final-epoch ensemble test error
    member_error: float  # final-epoch test error, mean over members
    ambiguity: float  # final-epoch test ambiguity, NaN when not stored
    correlation: object  # (M, M) test error correlation matrix, or None when not stored
    train_curve: object  # ensemble train error per metrics row
    test_curve: object  # ensemble test error per metrics row
    active_member: object  # member trained per metrics row, -1 for concurrent training, None when not stored

    def off_diagonal_correlations(self):
        """Return the finite off-diagonal entries of the correlation matrix."""
        if self.correlation is None or self.correlation.ndim != 2:
            return np.array([])
        off_diagonal = self.correlation[~np.eye(self.correlation.shape[0], dtype=bool)]
        return off_diagonal[np.isfinite(off_diagonal)]


def summarise_run(run):
    """Reduce a RunData to a RunSummary, so that the report keeps no full metric matrices."""
    metric = run.metric
    errors = run.metrics.get(f"test_{metric}")
    if errors is None or errors.ndim != 2 or errors.shape[0] == 0 or errors.shape[1] < 2:
        raise results.ResultsFileError(f"run '{run.run_id}' has no final epoch with members in test_{metric}")
    train_errors = run.metrics.get(f"train_{metric}")
    ambiguity = run.metrics.get("test_ambiguity")
    row = run.stored_row
    return RunSummary(
        run_id=run.run_id,
        point_id=run.point_id,
        settings=run.settings,
        metric=metric,
        ensemble_error=float(errors[row, -1]),
        member_error=float(np.mean(errors[row, :-1])),
        ambiguity=float(ambiguity[row]) if ambiguity is not None and row < len(ambiguity) else math.nan,
        correlation=run.correlation.get("test"),
        train_curve=train_errors[:, -1].copy() if train_errors is not None and train_errors.ndim == 2 else None,
        test_curve=errors[:, -1].copy(),
        active_member=run.metrics.get("active_member"),
    )


@dataclasses.dataclass
class PointSummary:
    """Statistics of one grid point over its complete runs, NaN when the point has none."""

    point_id: str
    settings: dict  # distinguishing setting -> value, as text
    method: str
    runs: list  # RunSummary of the complete runs
    runs_total: int = 0
    runs_diverged: int = 0
    runs_failed: int = 0
    runs_pending: int = 0
    runs_unreadable: int = 0  # complete in the grid, but the run file is missing or unreadable
    metric: str = ""  # results.METRIC_ERROR_RATE or results.METRIC_NRMSE, empty without complete runs
    ensemble_error_mean: float = math.nan
    ensemble_error_sd: float = math.nan
    member_error_mean: float = math.nan
    member_error_sd: float = math.nan  # sd over runs of the per-run member mean, for plots only
    ambiguity_mean: float = math.nan
    ambiguity_sd: float = math.nan  # sd over runs, for plots only
    correlation_mean: float = math.nan  # pooled finite off-diagonal entries of every run's test matrix

    @property
    def runs_complete(self):
        return len(self.runs)

    @property
    def coefficient_name(self):
        return results.coefficient_name(self.method)

    @property
    def coefficient(self):
        """Return the value of lambda (gamma for ncl-exact) as a float, or None for independent."""
        name = self.coefficient_name
        if name is None or not self.runs:
            return None
        text = self.runs[0].settings.get(name)
        return float(text) if text not in (None, "") else None

    def label(self, skip=(), fallback=None):
        """Return a short text such as 'method=ncl, lambda=0.5' for plot titles and legends.

        Without any setting left to show, returns `fallback`, or the point id when that is None.
        """
        parts = []
        for name, value in self.settings.items():
            if name in skip or value == "":
                continue
            if name in ("data", "test-data"):
                value = value.rsplit("/", 1)[-1]
            parts.append(f"{name}={value}")
        if parts:
            return ", ".join(parts)
        return self.point_id if fallback is None else fallback


@dataclasses.dataclass
class Summary:
    points: list  # PointSummary per grid point, in the order of each point's first run
    setting_names: list  # distinguishing settings, method first
    metrics: set  # the measures used by points with complete runs

    def statistic_columns(self):
        """Return (CSV name, Markdown header) pairs of the statistics columns."""
        if len(self.metrics) == 1:
            metric = next(iter(self.metrics))
            label = "error rate" if metric == results.METRIC_ERROR_RATE else "NRMSE"
        else:
            metric, label = "error", "error"
        return [(name.format(metric=metric), header.format(label=label)) for name, header in STATISTIC_COLUMNS]

    def mixes_metrics(self):
        return len(self.metrics) > 1

    def header_notes(self):
        """Return the sentences that explain the table's columns."""
        if self.mixes_metrics():
            measure = ("the final-epoch test error rate for classification points and the final-epoch "
                       "test NRMSE for regression points (see the metric column)")
        elif results.METRIC_NRMSE in self.metrics:
            measure = "the final-epoch test NRMSE (regression)"
        else:
            measure = "the final-epoch test error rate (classification)"
        return [
            f"Test error is {measure}.",
            "Means and sample standard deviations are over the complete runs of each grid point (its folds "
            "and seeds). Diverged, failed and pending runs are counted but excluded from every statistic.",
            "With early stopping the final epoch is the restored best epoch, whose weights the file stores.",
            "The member error is the mean over members; ambiguity is the final-epoch test ambiguity; the "
            "correlation is the mean off-diagonal entry of the members' test error correlation matrices "
            "(undefined entries left out). '-' marks values without data.",
        ]

    def display_table(self):
        """Return (header, rows) as text cells with 4 significant digits, as Markdown and HTML show them."""
        header = ["point_id", *self.setting_names]
        if self.mixes_metrics():
            header.append("metric")
        header += ["complete/total", "diverged", "failed", "pending"]
        # Runs whose run file is missing or unreadable are rare, so their column appears only when needed.
        show_unreadable = any(point.runs_unreadable for point in self.points)
        if show_unreadable:
            header.append("unreadable")
        header += [title for _, title in self.statistic_columns()]
        rows = []
        for point in self.points:
            row = [point.point_id, *(point.settings.get(name, "") for name in self.setting_names)]
            if self.mixes_metrics():
                row.append(point.metric or "-")
            row += [f"{point.runs_complete}/{point.runs_total}", str(point.runs_diverged),
                    str(point.runs_failed), str(point.runs_pending)]
            if show_unreadable:
                row.append(str(point.runs_unreadable))
            row += [format_significant(value) for value in statistic_values(point)]
            rows.append(row)
        return header, rows


def statistic_values(point):
    return [point.ensemble_error_mean, point.ensemble_error_sd, point.member_error_mean, point.ambiguity_mean,
            point.correlation_mean]


def format_significant(value):
    return "-" if math.isnan(value) else f"{value:.4g}"


def summarise_points(grid, selection):
    """Group the grid by point and compute each point's statistics.

    `selection` is a RunSelection whose runs are RunSummary objects (select_runs with
    transform=summarise_run).
    """
    names = results.distinguishing_settings(grid)
    names = ["method"] + [name for name in names if name != "method"] if "method" in names else names

    points = {}
    for grid_run in grid:
        point = points.get(grid_run.point_id)
        if point is None:
            point = PointSummary(
                point_id=grid_run.point_id,
                settings={name: grid_run.settings.get(name, "") for name in names},
                method=grid_run.settings.get("method", ""),
                runs=[],
            )
            points[grid_run.point_id] = point
        point.runs_total += 1

    for reason, skipped_runs in selection.skipped.items():
        for grid_run in skipped_runs:
            point = points[grid_run.point_id]
            if reason == results.SKIP_PENDING:
                point.runs_pending += 1
            elif reason == results.SKIP_DIVERGED:
                point.runs_diverged += 1
            elif reason == results.SKIP_FAILED:
                point.runs_failed += 1
            else:
                point.runs_unreadable += 1
    for run in selection.runs:
        points[run.point_id].runs.append(run)

    for point in points.values():
        compute_statistics(point)
    metrics = {point.metric for point in points.values() if point.metric}
    return Summary(points=list(points.values()), setting_names=names, metrics=metrics)


def compute_statistics(point):
    if not point.runs:
        return
    for run in point.runs:
        if point.metric and run.metric != point.metric:
            raise results.ResultsFileError(
                f"grid point '{point.point_id}' mixes runs measured by {point.metric} and {run.metric}")
        point.metric = run.metric
    ensemble = [run.ensemble_error for run in point.runs]
    members = [run.member_error for run in point.runs]
    ambiguity = [run.ambiguity for run in point.runs]
    correlations = np.concatenate([run.off_diagonal_correlations() for run in point.runs])

    point.ensemble_error_mean = results.mean(ensemble)
    point.ensemble_error_sd = results.sample_sd(ensemble)
    point.member_error_mean = results.mean(members)
    point.member_error_sd = results.sample_sd(members)
    point.ambiguity_mean = results.mean(ambiguity)
    point.ambiguity_sd = results.sample_sd(ambiguity)
    point.correlation_mean = float(np.mean(correlations)) if correlations.size else math.nan


def write_summary_csv(path, summary):
    """Write the table with full precision. NA marks missing values, which pandas and R both read as missing."""
    header = ["point_id", *summary.setting_names]
    if summary.mixes_metrics():
        header.append("metric")
    header += list(COUNT_COLUMNS)
    header += [name for name, _ in summary.statistic_columns()]
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for point in summary.points:
            row = [point.point_id, *(point.settings.get(name, "") or "NA" for name in summary.setting_names)]
            if summary.mixes_metrics():
                row.append(point.metric or "NA")
            row += [point.runs_complete, point.runs_total, point.runs_diverged, point.runs_failed,
                    point.runs_pending, point.runs_unreadable]
            row += ["NA" if math.isnan(value) else repr(value) for value in statistic_values(point)]
            writer.writerow(row)


def write_summary_markdown(path, summary, source, skipped_line):
    header, rows = summary.display_table()
    lines = [f"# Summary of `{source}`", ""]
    for sentence in summary.header_notes() + [skipped_line[0].upper() + skipped_line[1:] + "."]:
        lines += [sentence, ""]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    with open(path, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
