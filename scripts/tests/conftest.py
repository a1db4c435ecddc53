"""Fixtures for the tests of nclab-report and nclab-export.

The tests run the real nclab binary to create small results files and run both scripts as
subprocesses. NCLAB_BINARY names the binary (default: build/nclab under the repository root), and the
tests skip when it is missing. Expected values are computed from the HDF5 files with h5py directly,
without the scripts' own reading module.
"""

import os

import pytest

from support import CLASSIFICATION_SWEEP, REGRESSION_SWEEP, nclab_binary, report_of, run_script, run_sweep


@pytest.fixture(scope="session")
def binary():
    path = nclab_binary()
    if not os.access(path, os.X_OK):
        pytest.skip(f"nclab binary not found at {path}: build it (cmake --build build) or set NCLAB_BINARY")
    return path


@pytest.fixture(scope="session")
def regression_file(binary, tmp_path_factory):
    return run_sweep(binary, REGRESSION_SWEEP, tmp_path_factory.mktemp("regression") / "sine.h5")


@pytest.fixture(scope="session")
def classification_file(binary, tmp_path_factory):
    return run_sweep(binary, CLASSIFICATION_SWEEP, tmp_path_factory.mktemp("classification") / "parity.h5")


@pytest.fixture(scope="session")
def regression_report(regression_file, tmp_path_factory):
    return report_of(regression_file, tmp_path_factory.mktemp("regression-report"))


@pytest.fixture(scope="session")
def classification_report(classification_file, tmp_path_factory):
    return report_of(classification_file, tmp_path_factory.mktemp("classification-report"))


def export_of(results_file, out, *options):
    completed = run_script("nclab-export", results_file, "--csv", out, *options)
    assert completed.returncode == 0, f"nclab-export failed:\n{completed.stdout}\n{completed.stderr}"
    return str(out), completed


@pytest.fixture(scope="session")
def regression_export(regression_file, tmp_path_factory):
    return export_of(regression_file, tmp_path_factory.mktemp("regression-export") / "sine.csv")


@pytest.fixture(scope="session")
def classification_export(classification_file, tmp_path_factory):
    return export_of(classification_file, tmp_path_factory.mktemp("classification-export") / "parity.csv")

