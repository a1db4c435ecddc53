"""PNG plots of nclab-report: error, ambiguity and member error against the penalty coefficient,
member error correlation heat maps, and learning curves.

Every function takes the Summary of nclab_summary and uses only the complete runs in it.
"""

import collections
import dataclasses
import math
import os
import textwrap
import warnings

import nclab_results as results

np = results.np
matplotlib = results.require("matplotlib", "python3-matplotlib")
matplotlib.use("Agg")
plt = results.require("matplotlib.pyplot", "python3-matplotlib")

METRIC_AXIS_LABELS = {results.METRIC_ERROR_RATE: "test error rate", results.METRIC_NRMSE: "test NRMSE"}
DPI = 110
MARKERS = "osD^v<>Ph*X"


@dataclasses.dataclass
class Plot:
    file_name: str
    title: str
    caption: str


def write_all(folder, summary, chosen_points, chosen_note):
    """Write every plot that the data allows. Returns (list of Plot, notes on plots left out)."""
    written = []
    notes = []
    if not any(point.runs for point in summary.points):
        return written, notes

    metrics = sorted(summary.metrics)
    coefficient_points = [p for p in summary.points if p.runs and p.coefficient is not None]
    if coefficient_points:
        for metric in metrics:
            suffix = f"_{metric}" if len(metrics) > 1 else ""
            written.append(plot_error_against_coefficient(folder, summary, metric, suffix))
            written.append(plot_ambiguity_and_member_error(folder, summary, metric, suffix))
    else:
        notes.append("No plots against lambda or gamma: the file has no complete ncl, ncl-exact or "
                     "decorrelated runs.")

    if chosen_points:
        written.append(plot_correlation_heatmaps(folder, summary, chosen_points, chosen_note))
        written.append(plot_learning_curves(folder, summary, chosen_points, chosen_note))
    else:
        notes.append("No heat maps or learning curves: none of the chosen grid points has complete runs.")
    return written, notes


def series_of(summary, metric):
    """Group the points with a coefficient by method, then by the other distinguishing settings.

    Returns {method: {series label: [points sorted by coefficient]}} and the independent points,
    which have no coefficient and are drawn as horizontal reference lines.
    """
    by_method = collections.OrderedDict()
    independent = []
    for point in summary.points:
        if not point.runs or point.metric != metric:
            continue
        if point.coefficient is None:
            independent.append(point)
            continue
        label = point.label(skip=("method", "lambda", "gamma"), fallback="")
        by_method.setdefault(point.method, collections.OrderedDict()).setdefault(label, []).append(point)
    for series in by_method.values():
        for label in series:
            series[label].sort(key=lambda point: point.coefficient)
    return by_method, independent


def panel_grid(count, width=5.2, height=4.0, columns=None):
    columns = columns or min(count, 3)
    rows = math.ceil(count / columns)
    figure, axes = plt.subplots(rows, columns, figsize=(width * columns, height * rows), squeeze=False,
                                layout="constrained")
    for axis in axes.flat[count:]:
        axis.set_visible(False)
    return figure, axes


def draw_series(axis, series, value, spread, independent):
    """Draw one error-bar line per series and one dashed line per independent point."""
    coefficients = [point.coefficient for points in series.values() for point in points]
    span = (max(coefficients) - min(coefficients)) if coefficients else 0.0
    for index, (label, points) in enumerate(series.items()):
        # Shift the series apart by a little so that equal means and error bars stay visible.
        shift = (index - (len(series) - 1) / 2) * 0.012 * (span or 1.0)
        x = [point.coefficient + shift for point in points]
        y = [value(point) for point in points]
        errors = [0.0 if math.isnan(spread(point)) else spread(point) for point in points]
        axis.errorbar(x, y, yerr=errors, marker=MARKERS[index % len(MARKERS)], capsize=3,
                      label=label or "mean ± sd")
    for index, point in enumerate(independent):
        axis.axhline(value(point), color="0.4", linestyle="--", linewidth=1,
                     label=f"independent ({point.label(skip=('method',))})" if len(independent) > 1 else "independent")
    axis.grid(True, alpha=0.3)
    if series or independent:
        axis.legend(fontsize="small")


def plot_error_against_coefficient(folder, summary, metric, suffix):
    by_method, independent = series_of(summary, metric)
    figure, axes = panel_grid(len(by_method))
    for axis, (method, series) in zip(axes.flat, by_method.items()):
        draw_series(axis, series, lambda p: p.ensemble_error_mean, lambda p: p.ensemble_error_sd, independent)
        axis.set_title(f"method {method}")
        axis.set_xlabel(results.coefficient_name(method))
        axis.set_ylabel(f"ensemble {METRIC_AXIS_LABELS[metric]}")
    set_figure_title(figure, f"Final-epoch ensemble {METRIC_AXIS_LABELS[metric]} (mean ± sd over folds and seeds)")
    file_name = f"error_vs_coefficient{suffix}.png"
    save(figure, folder, file_name)
    return Plot(file_name, f"Ensemble test error against the penalty coefficient{suffix.replace('_', ' ')}",
                f"Final-epoch ensemble {METRIC_AXIS_LABELS[metric]} against lambda (gamma for ncl-exact), one "
                "panel per method and one line per indicator or other varying setting; error bars are the "
                "sample sd over folds and seeds; dashed lines are independent training.")


def plot_ambiguity_and_member_error(folder, summary, metric, suffix):
    by_method, independent = series_of(summary, metric)
    columns = len(by_method)
    figure, axes = plt.subplots(2, columns, figsize=(5.2 * columns, 8.0), squeeze=False, layout="constrained")
    for column, (method, series) in enumerate(by_method.items()):
        top, bottom = axes[0][column], axes[1][column]
        draw_series(top, series, lambda p: p.ambiguity_mean, lambda p: p.ambiguity_sd, independent)
        top.set_title(f"method {method}")
        top.set_ylabel("mean test ambiguity")
        draw_series(bottom, series, lambda p: p.member_error_mean, lambda p: p.member_error_sd, independent)
        bottom.set_ylabel(f"mean member {METRIC_AXIS_LABELS[metric]}")
        for axis in (top, bottom):
            axis.set_xlabel(results.coefficient_name(method))
    set_figure_title(figure, "Final-epoch test ambiguity and mean member error (mean ± sd over folds and seeds)")
    file_name = f"ambiguity_member_error_vs_coefficient{suffix}.png"
    save(figure, folder, file_name)
    return Plot(file_name, f"Ambiguity and member error against the penalty coefficient{suffix.replace('_', ' ')}",
                "Top: final-epoch test ambiguity (mean over members and patterns of (F_i - F)^2). Bottom: "
                f"final-epoch {METRIC_AXIS_LABELS[metric]} of the members, averaged over members. Both are "
                "mean ± sample sd over folds and seeds.")


def mean_correlation_matrix(point):
    matrices = [run.correlation for run in point.runs if run.correlation is not None]
    if not matrices:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN cells (undefined correlations) stay NaN
        return np.nanmean(np.stack(matrices), axis=0)


def plot_correlation_heatmaps(folder, summary, points, chosen_note):
    figure, axes = panel_grid(len(points), width=4.2, height=3.9, columns=min(len(points), 4))
    image = None
    for axis, point in zip(axes.flat, points):
        matrix = mean_correlation_matrix(point)
        axis.set_title(panel_title(point), fontsize="small")
        if matrix is None:
            axis.text(0.5, 0.5, "no test correlation stored", ha="center", va="center", transform=axis.transAxes)
            axis.set_axis_off()
            continue
        members = matrix.shape[0]
        image = axis.imshow(matrix, vmin=-1, vmax=1, cmap="RdBu_r")
        ticks = range(members) if members <= 12 else range(0, members, max(1, members // 8))
        axis.set_xticks(list(ticks))
        axis.set_yticks(list(ticks))
        axis.set_xlabel("member")
        axis.set_ylabel("member")
        if members <= 8:
            for i in range(members):
                for j in range(members):
                    text = "n/a" if math.isnan(matrix[i, j]) else f"{matrix[i, j]:.2f}"
                    color = "white" if not math.isnan(matrix[i, j]) and abs(matrix[i, j]) > 0.6 else "black"
                    axis.text(j, i, text, ha="center", va="center", fontsize="x-small", color=color)
    if image is not None:
        figure.colorbar(image, ax=list(axes.flat), shrink=0.8, label="Pearson correlation of member test errors")
    set_figure_title(figure, "Mean test error correlation between members (mean over complete runs)")
    file_name = "correlation_heatmaps.png"
    save(figure, folder, file_name)
    return Plot(file_name, "Member error correlation heat maps",
                "Pearson correlation of the members' test errors, averaged element-wise over the complete "
                f"runs of each grid point; n/a where undefined. Shown: {chosen_note}.")


def padded_curves(curves):
    """Stack curves of different lengths into one array, padding the shorter ones with NaN."""
    curves = [curve for curve in curves if curve is not None]
    if not curves:
        return None
    length = max(len(curve) for curve in curves)
    stacked = np.full((len(curves), length), np.nan)
    for row, curve in enumerate(curves):
        stacked[row, : len(curve)] = curve
    return stacked


def plot_learning_curves(folder, summary, points, chosen_note):
    figure, axes = panel_grid(len(points), width=4.6, height=3.6, columns=min(len(points), 4))
    for axis, point in zip(axes.flat, points):
        metric = point.metric
        for split, style in (("train", "--"), ("test", "-")):
            curves = padded_curves([getattr(run, f"{split}_curve") for run in point.runs])
            if curves is None:
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # NaN sd where only one run reaches a row
                center = np.nanmean(curves, axis=0)
                spread = np.nanstd(curves, axis=0, ddof=1) if len(curves) > 1 else None
            epochs = np.arange(1, len(center) + 1)
            line, = axis.plot(epochs, center, style, label=split)
            if spread is not None:
                axis.fill_between(epochs, center - spread, center + spread, color=line.get_color(), alpha=0.15)
        active = point.runs[0].active_member
        sequential = active is not None and len(active) and active[0] >= 0
        if sequential:
            for row in np.flatnonzero(np.diff(active)) + 1:
                axis.axvline(row + 0.5, color="0.7", linewidth=0.8)
        axis.set_title(panel_title(point), fontsize="small")
        axis.set_xlabel("epoch (sequential: member after member)" if sequential else "epoch")
        axis.set_ylabel(f"ensemble {METRIC_AXIS_LABELS[metric].replace('test ', '')}")
        axis.grid(True, alpha=0.3)
        axis.legend(fontsize="small")
    set_figure_title(figure, "Ensemble error per epoch (mean over complete runs, band ± sd)")
    file_name = "learning_curves.png"
    save(figure, folder, file_name)
    return Plot(file_name, "Learning curves",
                "Train (dashed) and test (solid) ensemble error per epoch, averaged over the complete runs of "
                "each grid point, with a ± sample sd band. Sequential decorrelated training trains the "
                "members one after another; grey lines mark where the next member starts. Shown: "
                f"{chosen_note}.")


def set_figure_title(figure, text):
    # About 11 characters of the title font fit per inch, so a one-panel figure gets two lines.
    figure.suptitle(textwrap.fill(text, int(figure.get_figwidth() * 11)))


def panel_title(point):
    return textwrap.fill(point.label(), 42) + f"\n({point.runs_complete} runs)"


def save(figure, folder, file_name):
    figure.savefig(os.path.join(folder, file_name), dpi=DPI)
    plt.close(figure)
