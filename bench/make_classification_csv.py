"""Write a synthetic classification CSV for the benchmarks.

Each class c gets a centre drawn from N(0, 1) per feature. A pattern of class c is its centre plus
N(0, noise^2) noise in every feature. Classes take turns, so every class has N / classes patterns
(+-1). The file has a header row (x0, x1, ..., class) and the class label in the last column, which
nclab reads as a classification target. The same seed always writes the same file.
"""

import argparse

import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="CSV file to write")
    parser.add_argument("--rows", type=int, required=True, help="number of patterns")
    parser.add_argument("--features", type=int, required=True, help="number of input columns")
    parser.add_argument("--classes", type=int, required=True, help="number of classes")
    parser.add_argument("--noise", type=float, default=3.0, help="noise standard deviation around the centres")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    centres = rng.normal(size=(args.classes, args.features))
    labels = np.arange(args.rows) % args.classes
    inputs = centres[labels] + args.noise * rng.normal(size=(args.rows, args.features))
    with open(args.out, "w", encoding="ascii") as handle:
        handle.write(",".join([f"x{i}" for i in range(args.features)] + ["class"]) + "\n")
        for row, label in zip(inputs, labels):
            handle.write(",".join(f"{value:.4f}" for value in row) + f",{label}\n")


if __name__ == "__main__":
    main()
