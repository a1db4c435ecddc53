"""Peer 1: the NCL ensemble of a run_state_dump folder trained with PyTorch on the CPU.

A straightforward PyTorch version: M nn.Sequential members in float64, one autograd pass per step over
the summed member losses, torch.optim.SGD. Member i's loss on a batch of B patterns is

    E_i = 1/B sum_n [ 1/2 |F_i - d|^2 - lambda/2 |F_i - F|^2 ],  F = the member mean, detached,

whose gradient dE_i/dF_i = (F_i - d) - lambda (F_i - F) is nclab's NCL gradient. After each epoch the
members' outputs on the whole training and test parts give the same metrics as nclab's records.

Prints one JSON object with the wall and CPU time of training (the epochs with their metrics,
without loading) and the largest differences from nclab's results. Debian's PyTorch 1.13 runs matrix
products on OpenBLAS: set OPENBLAS_NUM_THREADS to the thread count under test.
"""

import argparse
import json
import time

import torch

from state import MetricLog, RunState, compare, pack_parameters


def build_members(state):
    members = []
    for i in range(state.members):
        w1, b1, w2, b2 = state.member_arrays(i)
        hidden = torch.nn.Linear(w1.shape[1], w1.shape[0]).double()
        output = torch.nn.Linear(w2.shape[1], w2.shape[0]).double()
        with torch.no_grad():
            hidden.weight.copy_(torch.from_numpy(w1))
            hidden.bias.copy_(torch.from_numpy(b1))
            output.weight.copy_(torch.from_numpy(w2))
            output.bias.copy_(torch.from_numpy(b2))
        members.append(torch.nn.Sequential(hidden, torch.nn.Sigmoid(), output, torch.nn.Softmax(dim=1)))
    return members


def train(state, epochs):
    members = build_members(state)
    parameters = [p for member in members for p in member.parameters()]
    optimizer = torch.optim.SGD(parameters, lr=state.meta["learning_rate"], momentum=state.meta["momentum"])
    penalty = state.penalty
    train_x, train_t = torch.from_numpy(state.train_x), torch.from_numpy(state.train_t)
    test_x = torch.from_numpy(state.test_x)
    log = MetricLog()

    start, cpu_start = time.perf_counter(), time.process_time()
    for epoch in range(epochs):
        for batch in state.batches(epoch):
            index = torch.from_numpy(batch)
            x, d = train_x[index], train_t[index]
            outputs = [member(x) for member in members]
            ensemble = torch.stack(outputs).mean(dim=0).detach()
            loss = sum(0.5 * ((y - d) ** 2).sum() - 0.5 * penalty * ((y - ensemble) ** 2).sum() for y in outputs)
            optimizer.zero_grad()
            (loss / len(batch)).backward()
            optimizer.step()
        with torch.no_grad():
            log.add("train", [member(train_x).numpy() for member in members], state.train_t, state.train_labels)
            log.add("test", [member(test_x).numpy() for member in members], state.test_t, state.test_labels)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start

    final = pack_parameters(state, [[p.detach().numpy() for p in member.parameters()] for member in members])
    return seconds, cpu_seconds, log, final


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("state", help="folder written by run_state_dump")
    parser.add_argument("--epochs", type=int, help="train only the first EPOCHS epochs (default: all)")
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads value")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    state = RunState(args.state)
    epochs = args.epochs or state.meta["epochs"]
    seconds, cpu_seconds, log, final = train(state, epochs)
    result = {"peer": "torch " + torch.__version__, "seconds": seconds, "cpu_seconds": cpu_seconds,
              "epochs": epochs, "updates": state.members * len(state.train_x) * epochs}
    result.update(compare(state, log, final, epochs))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
