"""Helpers for the script tests: the sweeps they run, and how to run nclab and the scripts."""

import importlib
import os
import subprocess
import sys

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCRIPTS = os.path.join(REPO_ROOT, "scripts")
PYTHON = "/usr/bin/python3"

# Regression on builtin:sine: ncl and sequential decorrelated training with two indicators, three
# folds and two seeds. The learning rate 1000 makes every run diverge in its first epoch, so the file
# also has diverged runs and grid points without a complete run.
REGRESSION_SWEEP = [
    "--data", "builtin:sine", "--samples", "120", "--folds", "3",
    "--method", "ncl,decorrelated", "--lambda", "0,0.5", "--indicator", "previous,alternate",
    "--learning-rate", "0.1,1000", "--members", "3", "--hidden", "4", "--epochs", "6", "--seeds", "1,2",
]

# Classification on builtin:parity: independent training and ncl-exact (gamma), two folds, two seeds.
CLASSIFICATION_SWEEP = [
    "--data", "builtin:parity", "--bits", "4", "--folds", "2",
    "--method", "independent,ncl-exact", "--gamma", "0,0.5",
    "--members", "3", "--hidden", "4", "--epochs", "6", "--seeds", "1,2",
]


def nclab_binary():
    path = os.environ.get("NCLAB_BINARY", os.path.join(REPO_ROOT, "build", "nclab"))
    return os.path.abspath(path)


def sweep_command(binary, arguments, out):
    return [binary, "sweep", *arguments, "--threads", "2", "--progress", "never", "--log-level", "error",
            "--out", str(out)]


def run_sweep(binary, arguments, out):
    completed = subprocess.run(sweep_command(binary, arguments, out), capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, f"nclab sweep failed:\n{completed.stderr}"
    return str(out)


def run_script(name, *arguments, cwd=None):
    """Run scripts/<name> with /usr/bin/python3 and return the CompletedProcess."""
    return subprocess.run([PYTHON, os.path.join(SCRIPTS, name), *map(str, arguments)], capture_output=True,
                          text=True, timeout=120, cwd=cwd)


def import_reader_module():
    """Import scripts/nclab_results.py, the reading module that both scripts share."""
    if SCRIPTS not in sys.path:
        sys.path.insert(0, SCRIPTS)
    return importlib.import_module("nclab_results")


def report_of(results_file, folder):
    """Run nclab-report on RESULTS_FILE into FOLDER and return (folder, CompletedProcess)."""
    completed = run_script("nclab-report", results_file, "-o", folder)
    assert completed.returncode == 0, f"nclab-report failed:\n{completed.stdout}\n{completed.stderr}"
    return folder, completed
