"""Read nclab results files (HDF5) for the analysis scripts nclab-report and nclab-export.

A results file is either consolidated (every run group inside the file) or an index file whose
/runs/<run_id> entries are external links to FILE.parts/<run_id>.h5. The index form is what a running
sweep, or one that was killed, leaves behind. h5py follows the links, so both forms read the same way.
The layout is documented in docs/hdf5-schema.md.

Only runs with status "complete" feed statistics. Every other run is skipped with a reason: pending
(not stored yet), failed, diverged, or a run file that an index file links to but that is missing or
unreadable.
"""

import collections
import dataclasses
import importlib
import math
import os
import sys

RESULTS_FORMAT = "nclab-results"
SUPPORTED_FORMAT_VERSION = 1

# Exit status for invalid input, as the nclab binary uses it.
EXIT_INVALID_INPUT = 2

# Metric names as they appear in metrics/<split>_<metric>.
METRIC_ERROR_RATE = "error_rate"
METRIC_NRMSE = "nrmse"

# Skip reasons, in the order summaries print them.
SKIP_PENDING = "pending"
SKIP_FAILED = "failed"
SKIP_DIVERGED = "diverged"
SKIP_MISSING_FILE = "run file missing"
SKIP_UNREADABLE = "run unreadable"
SKIP_REASON_ORDER = (SKIP_PENDING, SKIP_DIVERGED, SKIP_FAILED, SKIP_MISSING_FILE, SKIP_UNREADABLE)
SKIP_REASON_NOUNS = {
    SKIP_PENDING: "pending runs",
    SKIP_DIVERGED: "diverged runs",
    SKIP_FAILED: "failed runs",
    SKIP_MISSING_FILE: "runs with a missing run file",
    SKIP_UNREADABLE: "unreadable runs",
}


def require(module_name, debian_package):
    """Import a module, or print which Debian package provides it and exit with status 2."""
    try:
        return importlib.import_module(module_name)
    except ImportError as error:
        program = os.path.basename(sys.argv[0]) or "nclab script"
        print(
            f"{program}: cannot import Python module '{module_name}' ({error}). "
            f"Install it with: apt-get install {debian_package}, and run the script with /usr/bin/python3.",
            file=sys.stderr,
        )
        sys.exit(EXIT_INVALID_INPUT)


np = require("numpy", "python3-numpy")
h5py = require("h5py", "python3-h5py")


class ResultsFileError(Exception):
    """A file that is missing, is not an nclab results file, or has a damaged grid."""


@dataclasses.dataclass
class GridRun:
    """One row of /grid: a run of the expanded grid, stored or not."""

    run_index: int
    run_id: str
    point_id: str
    fold: int
    seed: int
    status: str
    settings: dict  # setting name -> value as text, without the settings the run does not have


@dataclasses.dataclass
class RunData:
    """The stored record of one run, as far as the analysis scripts use it."""

    grid_run: GridRun
    attributes: dict  # the run group's attributes (member_count, coefficient_lambda, ...)
    metrics: dict  # dataset name under metrics/ -> numpy array
    correlation: dict  # "train" / "test" -> (M, M) array, for the matrices that are stored

    @property
    def run_id(self):
        return self.grid_run.run_id

    @property
    def point_id(self):
        return self.grid_run.point_id

    @property
    def settings(self):
        return self.grid_run.settings

    @property
    def member_count(self):
        return int(self.attributes["member_count"])

    @property
    def metric(self):
        """Return METRIC_ERROR_RATE for classification runs, METRIC_NRMSE for regression runs.

        Returns None for a run without test metrics, which only a run that diverged or failed in its
        first epoch has.
        """
        if "test_error_rate" in self.metrics:
            return METRIC_ERROR_RATE
        if "test_nrmse" in self.metrics:
            return METRIC_NRMSE
        return None

    @property
    def epoch_count(self):
        """Return the number of metrics rows (M x epochs for sequential decorrelated training)."""
        if self.metric is None:
            return 0
        return int(self.metrics[f"test_{self.metric}"].shape[0])

    @property
    def stored_row(self):
        """Return the metrics row of the stored weights: the stored_epoch attribute (early stopping
        restores the best epoch), or the last row for files without it or for initial parameters."""
        rows = self.epoch_count
        stored = self.attributes.get("stored_epoch")
        if stored is not None and 0 <= int(stored) < rows:
            return int(stored)
        return rows - 1


@dataclasses.dataclass
class RunSelection:
    """The runs read from a file, and the runs skipped with their reasons."""

    total: int  # runs in the grid
    runs: list = dataclasses.field(default_factory=list)  # what select_runs kept per run, in grid order
    skipped: dict = dataclasses.field(default_factory=dict)  # reason -> list of GridRun

    def skipped_count(self):
        return sum(len(runs) for runs in self.skipped.values())

    def describe_skipped(self, diverged_note="excluded from means"):
        """Return one line such as 'skipped 3 of 8 runs: 2 pending (...), 1 diverged (excluded from means)'."""
        if not self.skipped_count():
            return f"skipped none of the {self.total} runs"
        parts = []
        for reason in SKIP_REASON_ORDER:
            count = len(self.skipped.get(reason, []))
            if count == 0:
                continue
            if reason == SKIP_PENDING:
                parts.append(f"{count} pending (not stored yet: the sweep is running or was stopped)")
            elif reason == SKIP_DIVERGED:
                parts.append(f"{count} diverged ({diverged_note})")
            elif reason == SKIP_FAILED:
                parts.append(f"{count} failed")
            elif reason == SKIP_MISSING_FILE:
                parts.append(f"{count} with a missing run file")
            else:
                parts.append(f"{count} unreadable")
        return f"skipped {self.skipped_count()} of {self.total} runs: " + ", ".join(parts)

    def describe_skipped_ids(self, limit=10):
        """Return one line per skip reason other than pending, naming up to `limit` run ids."""
        lines = []
        for reason in SKIP_REASON_ORDER:
            runs = self.skipped.get(reason, [])
            if reason == SKIP_PENDING or not runs:
                continue
            names = ", ".join(run.run_id for run in runs[:limit])
            more = f" and {len(runs) - limit} more" if len(runs) > limit else ""
            lines.append(f"{SKIP_REASON_NOUNS[reason]}: {names}{more}")
        return lines


class ResultsFile:
    """An open nclab results file in either form. Use as a context manager."""

    def __init__(self, path):
        self.path = os.fspath(path)
        if not os.path.exists(self.path):
            raise ResultsFileError(f"results file '{self.path}' does not exist")
        if os.path.isdir(self.path):
            raise ResultsFileError(f"'{self.path}' is a folder, not an nclab results file")
        self.missing_run_files = 0
        opened = os.stat(self.path)
        self._identity = (opened.st_dev, opened.st_ino)
        try:
            self.file = h5py.File(self.path, "r")
        except OSError as error:
            raise ResultsFileError(
                f"cannot open '{self.path}' as an HDF5 file (it is not one, or it is damaged): {error}"
            ) from None
        try:
            self._check_format()
            self.grid = self._read_grid()
        except BaseException:
            self.file.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        self.close()

    def close(self):
        self.file.close()

    @property
    def attributes(self):
        """Return the root attributes (command_line, started_at, layout, ...) as plain Python values."""
        return {name: _plain(value) for name, value in self.file.attrs.items()}

    @property
    def layout(self):
        return _plain(self.file.attrs.get("layout", "unknown"))

    @property
    def setting_names(self):
        """Return the setting names of the grid, sorted, as /grid/setting_names stores them."""
        return list(self._setting_names)

    def _check_format(self):
        format_name = _plain(self.file.attrs.get("format", ""))
        if format_name != RESULTS_FORMAT:
            raise ResultsFileError(
                f"'{self.path}' is an HDF5 file but not an nclab results file "
                f"(no root attribute format = '{RESULTS_FORMAT}')"
            )
        version = int(self.file.attrs.get("format_version", 0))
        if version > SUPPORTED_FORMAT_VERSION:
            raise ResultsFileError(
                f"'{self.path}' uses results format version {version}, newer than the "
                f"{SUPPORTED_FORMAT_VERSION} these scripts read; use newer scripts"
            )
        for name in ("grid", "runs"):
            if name not in self.file:
                raise ResultsFileError(f"nclab results file '{self.path}' has no /{name} group; it is damaged")

    def _read_grid(self):
        grid = self.file["grid"]
        try:
            run_index = grid["run_index"][()]
            run_id = grid["run_id"].asstr()[()]
            point_id = grid["point_id"].asstr()[()]
            fold = grid["fold"][()]
            seed = grid["seed"][()]
            status = grid["status"].asstr()[()]
            self._setting_names = list(grid["setting_names"].asstr()[()])
            settings = grid["settings"].asstr()[()]
        except KeyError as error:
            raise ResultsFileError(f"nclab results file '{self.path}' has an incomplete /grid: {error}") from None

        count = len(run_id)
        lengths = {len(run_index), len(point_id), len(fold), len(seed), len(status)}
        if lengths != {count} or (count and settings.shape != (count, len(self._setting_names))):
            raise ResultsFileError(f"the /grid datasets of '{self.path}' have different lengths; the file is damaged")

        runs = []
        for r in range(count):
            run_settings = {}
            for s, name in enumerate(self._setting_names):
                if settings[r, s] != "":
                    run_settings[name] = settings[r, s]
            runs.append(
                GridRun(
                    run_index=int(run_index[r]),
                    run_id=run_id[r],
                    point_id=point_id[r],
                    fold=int(fold[r]),
                    seed=int(seed[r]),
                    status=status[r],
                    settings=run_settings,
                )
            )
        return runs

    def select_runs(self, include_diverged=False, transform=None):
        """Read the complete runs (and the diverged ones when include_diverged), skipping the rest.

        Returns a RunSelection whose runs are the RunData of each run, or transform(RunData) when
        transform is given. A transform that keeps only what it needs bounds the memory to that.
        """
        selection = RunSelection(total=len(self.grid))
        for run in self.iter_runs(selection, include_diverged):
            selection.runs.append(transform(run) if transform else run)
        return selection

    def iter_runs(self, selection, include_diverged=False):
        """Yield the RunData of each complete run (and diverged run when include_diverged) in grid order.

        Every other run is added to selection.skipped with its reason. A run whose grid status is
        complete but whose run file is missing or unreadable (an index file whose FILE.parts/ folder was
        changed or removed) is skipped with that reason.
        """
        accepted = {"complete", "diverged"} if include_diverged else {"complete"}
        for grid_run in self.grid:
            if grid_run.status in accepted:
                run, reason = self._read_run(grid_run)
            else:
                run = None
                reason = {"pending": SKIP_PENDING, "failed": SKIP_FAILED, "diverged": SKIP_DIVERGED}.get(
                    grid_run.status, SKIP_UNREADABLE
                )
            if run is None:
                selection.skipped.setdefault(reason, []).append(grid_run)
                if reason == SKIP_MISSING_FILE:
                    self.missing_run_files += 1
            else:
                yield run

    def was_replaced(self):
        """Return True when the path now names another file than the one opened.

        A sweep replaces its file by rename(2) after each stored batch and when it consolidates, after
        which it deletes FILE.parts/. A reader of the older index then finds run files missing.
        """
        try:
            current = os.stat(self.path)
        except OSError:
            return True
        return (current.st_dev, current.st_ino) != self._identity

    def _read_run(self, grid_run):
        """Return (RunData, None), or (None, skip reason) when the run cannot be read."""
        runs_group = self.file["runs"]
        link = runs_group.get(grid_run.run_id, getlink=True)
        if link is None:
            return None, SKIP_MISSING_FILE
        if isinstance(link, h5py.ExternalLink) and not self._external_file_exists(link):
            return None, SKIP_MISSING_FILE
        try:
            group = runs_group[grid_run.run_id]
            attributes = {name: _plain(value) for name, value in group.attrs.items()}
            metrics = {name: dataset[()] for name, dataset in group["metrics"].items()}
            correlation = {}
            if "correlation" in group:
                correlation = {name: dataset[()] for name, dataset in group["correlation"].items()}
        except (KeyError, OSError) as error:
            warn(f"cannot read run '{grid_run.run_id}' in '{self.path}': {error}")
            return None, SKIP_UNREADABLE
        run = RunData(grid_run=grid_run, attributes=attributes, metrics=metrics, correlation=correlation)
        if grid_run.status == "complete" and run.epoch_count == 0:
            warn(f"complete run '{grid_run.run_id}' in '{self.path}' has no rows in metrics/test_error_rate "
                 "or metrics/test_nrmse; it is skipped")
            return None, SKIP_UNREADABLE
        return run, None

    def _external_file_exists(self, link):
        # Relative link targets are resolved against the folder of the index file, as the writer
        # creates them (FILE.parts/<run_id>.h5 next to FILE).
        target = link.filename
        if not os.path.isabs(target):
            target = os.path.join(os.path.dirname(os.path.abspath(self.path)), target)
        return os.path.isfile(target)


def read_results_file(path, work, attempts=3):
    """Open the results file at `path`, call work(ResultsFile) and return its result.

    When a running sweep replaced the file while work read it and run files went missing (the sweep
    consolidated and deleted FILE.parts/), opens the new file and calls work again, up to `attempts`
    times in all. Raises ResultsFileError when the file is missing or not a results file.
    """
    for attempt in range(1, attempts + 1):
        with ResultsFile(path) as results_file:
            result = work(results_file)
            if not (results_file.missing_run_files and results_file.was_replaced()) or attempt == attempts:
                return result
        warn(f"'{path}' was replaced while it was read (the sweep stored more runs or finished); reading it again")


def _plain(value):
    """Convert an h5py attribute value to str, int, float or list."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, np.ndarray):
        return [_plain(item) for item in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    return value


def distinguishing_settings(grid, always=("method",)):
    """Return the setting names that tell grid points apart, in /grid/setting_names order.

    A setting is distinguishing when it is constant within every grid point and takes at least two
    values across points, as `nclab inspect` decides it. Seed and fold vary within a point and so are
    never distinguishing. Names in `always` are included whenever some run has them.
    """
    runs_of = collections.OrderedDict()
    for run in grid:
        runs_of.setdefault(run.point_id, []).append(run)
    names = sorted({name for run in grid for name in run.settings})
    result = []
    for name in names:
        constant_within_points = True
        point_values = set()
        for point_runs in runs_of.values():
            values = {run.settings.get(name, "") for run in point_runs}
            constant_within_points = constant_within_points and len(values) == 1
            point_values.add(next(iter(values)))
        if name in always or (constant_within_points and len(point_values) > 1):
            result.append(name)
    return result


def coefficient_name(method):
    """Return the setting that sets the penalty strength of `method`: gamma, lambda, or None."""
    if method == "ncl-exact":
        return "gamma"
    if method in ("ncl", "decorrelated"):
        return "lambda"
    return None


def mean(values):
    values = [value for value in values if not math.isnan(value)]
    return float(np.mean(values)) if values else math.nan


def sample_sd(values):
    """Return the sample standard deviation (n - 1 in the denominator), NaN with fewer than two values."""
    values = [value for value in values if not math.isnan(value)]
    return float(np.std(values, ddof=1)) if len(values) >= 2 else math.nan


def warn(message):
    """Print a warning for the command line to stderr."""
    program = os.path.basename(sys.argv[0]) or "nclab script"
    print(f"{program}: warning: {message}", file=sys.stderr)


def fail(message):
    """Print an error message for the command line and exit with status 2 (invalid input)."""
    program = os.path.basename(sys.argv[0]) or "nclab script"
    print(f"{program}: error: {message}", file=sys.stderr)
    sys.exit(EXIT_INVALID_INPUT)
