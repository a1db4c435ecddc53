"""Load a run written by run_state_dump and compare a peer's results with nclab's.

A state folder contains the prepared data, the initial parameters of every member, the pattern order of
every epoch and nclab's per-epoch metrics and final parameters (see bench/run_state_dump.cpp). The
metrics here follow framework/ensemble/metrics.cpp: per member and for the ensemble mean F, the loss
1/2 |F - d|^2 averaged over patterns, the mean squared error over patterns and outputs and the error
rate of the arg max; the ambiguity is the mean over members, patterns and outputs of (F_i - F)^2.
"""

import json
import os

import numpy as np


class RunState:
    def __init__(self, folder):
        self.folder = folder
        with open(os.path.join(folder, "meta.json"), encoding="utf-8") as handle:
            self.meta = json.load(handle)
        load = lambda name: np.load(os.path.join(folder, name + ".npy"))
        self.train_x, self.train_t, self.train_labels = load("train_x"), load("train_t"), load("train_labels")
        self.test_x, self.test_t, self.test_labels = load("test_x"), load("test_t"), load("test_labels")
        self.initial = load("initial")
        self.orders = load("orders")
        names = ["final"] + [part + "_" + name for part in ("train", "test") for name in MetricLog.NAMES]
        if not self.meta["classification"]:
            raise ValueError(folder + ": the peers cover classification runs only")
        self.nclab = {name: load("nclab_" + name) for name in names}
        layers = self.meta["layers"]
        if len(layers) != 2 or layers[0]["activation"] != "sigmoid" or layers[1]["activation"] != "softmax":
            raise ValueError(folder + ": the peers cover one sigmoid hidden layer with softmax outputs only")
        if self.meta["loss"] != "squared_error" or self.meta["method"] not in ("ncl", "independent"):
            raise ValueError(folder + ": the peers cover ncl and independent training with squared error only")

    @property
    def members(self):
        return self.meta["members"]

    @property
    def penalty(self):
        """lambda of the NCL gradient; 0 for independent training."""
        return self.meta["lambda"] if self.meta["method"] == "ncl" else 0.0

    def member_arrays(self, member):
        """W1 (H x d), b1, W2 (K x H), b2 of one member's initial parameters, as copies."""
        hidden, output = self.meta["layers"]
        p = self.initial[member]
        w1 = p[hidden["weight_offset"]:hidden["bias_offset"]].reshape(hidden["units"], hidden["inputs"])
        b1 = p[hidden["bias_offset"]:hidden["bias_offset"] + hidden["units"]]
        w2 = p[output["weight_offset"]:output["bias_offset"]].reshape(output["units"], output["inputs"])
        b2 = p[output["bias_offset"]:output["bias_offset"] + output["units"]]
        return w1.copy(), b1.copy(), w2.copy(), b2.copy()

    def batches(self, epoch):
        """Pattern index arrays of one epoch's steps, as nclab takes them from the shuffled order."""
        order = self.orders[epoch]
        batch = self.meta["batch"]
        return [order[first:first + batch] for first in range(0, len(order), batch)]


class MetricLog:
    """Per-epoch metrics of a peer, in the layout of nclab's records (members, then the ensemble)."""

    NAMES = ("loss", "mse", "error_rate", "ambiguity")

    def __init__(self):
        self.rows = {part + "_" + name: [] for part in ("train", "test") for name in self.NAMES}

    def add(self, part, member_outputs, targets, labels):
        outputs = np.stack(member_outputs)  # M x N x K
        ensemble = outputs.mean(axis=0)
        columns = list(outputs) + [ensemble]
        self.rows[part + "_loss"].append([0.5 * np.sum((y - targets) ** 2) / len(targets) for y in columns])
        self.rows[part + "_mse"].append([np.mean((y - targets) ** 2) for y in columns])
        self.rows[part + "_error_rate"].append([np.mean(np.argmax(y, axis=1) != labels) for y in columns])
        self.rows[part + "_ambiguity"].append(np.mean((outputs - ensemble) ** 2))


def compare(state, log, final_parameters, epochs):
    """Return the largest differences between a peer's results and nclab's over the first `epochs`.

    Losses, mean squared errors and ambiguities are compared as absolute differences, error rates as
    a fraction of the patterns, and the final parameters only when the peer trained every epoch.
    """
    def worst(names):
        return float(max(np.max(np.abs(np.array(log.rows[name]) - state.nclab[name][:epochs])) for name in names))

    result = {
        "max_loss_difference": worst(["train_loss", "test_loss"]),
        "max_mse_difference": worst(["train_mse", "test_mse"]),
        "max_ambiguity_difference": worst(["train_ambiguity", "test_ambiguity"]),
    }
    if state.meta["classification"]:
        result["max_error_rate_difference"] = worst(["train_error_rate", "test_error_rate"])
    if epochs == state.meta["epochs"]:
        result["max_parameter_difference"] = float(np.max(np.abs(final_parameters - state.nclab["final"])))
    return result


def pack_parameters(state, member_arrays):
    """Flatten per-member (W1, b1, W2, b2) into nclab's M x P parameter layout."""
    return np.stack([np.concatenate([w1.ravel(), b1, w2.ravel(), b2]) for w1, b1, w2, b2 in member_arrays])
