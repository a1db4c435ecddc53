"""Peer 2: the NCL ensemble of a run_state_dump folder trained with NumPy.

Forward and backward passes are written out with NumPy arrays in float64, batched over the patterns of
a step. By default each member is updated in a Python loop, as a straightforward implementation does;
--stack-members keeps all members in stacked M x ... arrays and updates them with batched matrix
products, which saves most of the Python overhead for small networks. The update is nclab's: the NCL
gradient g_i = (F_i - d) - lambda (F_i - F) chained through the softmax Jacobian, the gradient of the
batch mean, v = momentum v - learning_rate g and w += v. After each epoch the members' outputs on the
whole training and test parts give the same metrics as nclab's records.

Prints one JSON object with the wall and CPU time of training (the epochs with their metrics,
without loading) and the largest differences from nclab's results.
"""

import argparse
import json
import time

import numpy as np

from state import MetricLog, RunState, compare, pack_parameters


def sigmoid(s):
    e = np.exp(-np.abs(s))
    return np.where(s >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))


def softmax(u):
    e = np.exp(u - u.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def forward(w1, b1, w2, b2, x):
    """Hidden activations and output probabilities; stacked weights broadcast over the members."""
    z = sigmoid(x @ np.swapaxes(w1, -1, -2) + b1[..., None, :])
    return z, softmax(z @ np.swapaxes(w2, -1, -2) + b2[..., None, :])


def train_per_member(state, epochs, log):
    members = [list(state.member_arrays(i)) for i in range(state.members)]
    velocities = [[np.zeros_like(a) for a in arrays] for arrays in members]
    rate, momentum, penalty = state.meta["learning_rate"], state.meta["momentum"], state.penalty
    for epoch in range(epochs):
        for batch in state.batches(epoch):
            x, d = state.train_x[batch], state.train_t[batch]
            passes = [forward(w1, b1, w2, b2, x) for w1, b1, w2, b2 in members]
            ensemble = sum(y for _, y in passes) / len(members)
            step = rate / len(batch)
            for (w1, b1, w2, b2), velocity, (z, y) in zip(members, velocities, passes):
                g = (y - d) - penalty * (y - ensemble)
                delta = y * (g - np.sum(g * y, axis=1, keepdims=True))
                dz = (delta @ w2) * z * (1.0 - z)
                gradients = (dz.T @ x, dz.sum(axis=0), delta.T @ z, delta.sum(axis=0))
                for weights, v, gradient in zip((w1, b1, w2, b2), velocity, gradients):
                    v *= momentum
                    v -= step * gradient
                    weights += v
        for part, x, t, labels in (("train", state.train_x, state.train_t, state.train_labels),
                                   ("test", state.test_x, state.test_t, state.test_labels)):
            log.add(part, [forward(w1, b1, w2, b2, x)[1] for w1, b1, w2, b2 in members], t, labels)
    return members


def train_stacked(state, epochs, log):
    arrays = [state.member_arrays(i) for i in range(state.members)]
    stacked = [np.stack([member[a] for member in arrays]) for a in range(4)]  # W1, b1, W2, b2
    velocities = [np.zeros_like(a) for a in stacked]
    rate, momentum, penalty = state.meta["learning_rate"], state.meta["momentum"], state.penalty
    for epoch in range(epochs):
        for batch in state.batches(epoch):
            x, d = state.train_x[batch], state.train_t[batch]
            w1, b1, w2, b2 = stacked
            z, y = forward(w1, b1, w2, b2, x)  # M x B x H, M x B x K
            ensemble = y.mean(axis=0)
            g = (y - d) - penalty * (y - ensemble)
            delta = y * (g - np.sum(g * y, axis=2, keepdims=True))
            dz = (delta @ w2) * z * (1.0 - z)
            gradients = (np.swapaxes(dz, 1, 2) @ x, dz.sum(axis=1), np.swapaxes(delta, 1, 2) @ z, delta.sum(axis=1))
            step = rate / len(batch)
            for weights, v, gradient in zip(stacked, velocities, gradients):
                v *= momentum
                v -= step * gradient
                weights += v
        w1, b1, w2, b2 = stacked
        for part, x, t, labels in (("train", state.train_x, state.train_t, state.train_labels),
                                   ("test", state.test_x, state.test_t, state.test_labels)):
            log.add(part, list(forward(w1, b1, w2, b2, x)[1]), t, labels)
    return [[a[i] for a in stacked] for i in range(state.members)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("state", help="folder written by run_state_dump")
    parser.add_argument("--epochs", type=int, help="train only the first EPOCHS epochs (default: all)")
    parser.add_argument("--stack-members", action="store_true", help="update all members with batched products")
    args = parser.parse_args()

    state = RunState(args.state)
    epochs = args.epochs or state.meta["epochs"]
    log = MetricLog()
    start, cpu_start = time.perf_counter(), time.process_time()
    members = (train_stacked if args.stack_members else train_per_member)(state, epochs, log)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start

    variant = "stacked members" if args.stack_members else "member loop"
    result = {"peer": "numpy " + np.__version__ + ", " + variant, "seconds": seconds, "cpu_seconds": cpu_seconds,
              "epochs": epochs, "updates": state.members * len(state.train_x) * epochs}
    result.update(compare(state, log, pack_parameters(state, members), epochs))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
