"""Check that two nclab results files hold bit-for-bit identical runs.

Performance work on the trainer must not change a single bit of a result. Run the same sweep with the
build before and after a change, then

    /usr/bin/python3 bench/same_results.py before.h5 after.h5

compares every dataset and attribute of every run, byte by byte, except the timing attribute
train_seconds. The sweep-level metadata (command line, timestamps, versions) is not compared. Exits
with status 1 and lists the differences when there are any.
"""

import sys

import h5py
import numpy as np

IGNORED_ATTRIBUTES = {"train_seconds"}


def collect(handle):
    """Collect every attribute and dataset below /runs, keyed by the run's grid index and its path."""
    items = {}
    for run_name, run in handle["runs"].items():
        prefix = "run %d/" % int(run.attrs["run_index"])

        def add(name, obj):
            for key, value in obj.attrs.items():
                if key not in IGNORED_ATTRIBUTES:
                    items[prefix + name + "@" + key] = np.asarray(value)
            if isinstance(obj, h5py.Dataset):
                items[prefix + name] = obj[()]
        add("", run)
        run.visititems(add)
    return items


def same(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype.kind in "fiub":
        return a.tobytes() == b.tobytes()
    return np.array_equal(a, b)


def main():
    if len(sys.argv) != 3:
        print("usage: same_results.py BEFORE.h5 AFTER.h5", file=sys.stderr)
        return 2
    try:
        with h5py.File(sys.argv[1], "r") as before, h5py.File(sys.argv[2], "r") as after:
            left, right = collect(before), collect(after)
    except OSError as error:
        print("same_results.py: cannot read %s: %s" % (error.filename or " or ".join(sys.argv[1:]), error),
              file=sys.stderr)
        return 2
    differences = sorted(k for k in left.keys() | right.keys() if k not in left or k not in right or not same(left[k], right[k]))
    for key in differences[:20]:
        print("differs: " + key)
    if differences:
        print("%d of %d items differ" % (len(differences), len(left.keys() | right.keys())))
        return 1
    print("identical: %d items" % len(left))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        # The reader (head, say) closed the pipe early.
        sys.stderr.close()
        sys.exit(1)
