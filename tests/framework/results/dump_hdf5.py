"""Print every dataset and attribute of an HDF5 file through h5py, one "KEY<TAB>VALUE" line each.

The text matches tests/framework/results/hdf5_dump.hpp, so a test can compare what h5py reads with
what the HDF5 C API reads. External links are followed.

Usage: dump_hdf5.py FILE [GROUP]
"""

import sys

import h5py
import numpy as np


def type_name(dtype):
    if h5py.check_string_dtype(dtype) is not None:
        return "str"
    return dtype.kind + str(dtype.itemsize)


def format_values(values, dtype):
    flat = np.asarray(values, dtype=object if h5py.check_string_dtype(dtype) else None).reshape(-1)
    if h5py.check_string_dtype(dtype) is not None:
        texts = [v.encode("utf-8") if isinstance(v, str) else bytes(v) for v in flat]
        return ",".join(t.hex() for t in texts)
    if dtype.kind == "f":
        return ",".join("%016x" % int(b) for b in flat.astype("<f8").view("<u8"))
    return ",".join(str(int(v)) for v in flat)


def shape_text(shape):
    return "scalar" if shape == () else "x".join(str(d) for d in shape)


def dump_attributes(obj, path, out):
    for name in sorted(obj.attrs.keys()):
        attribute = obj.attrs.get_id(name)
        value = obj.attrs[name]
        out[path + "@" + name] = "%s|%s|%s" % (
            shape_text(attribute.shape), type_name(attribute.dtype), format_values(value, attribute.dtype))


def dump_group(group, path, out):
    dump_attributes(group, path or "/", out)
    for name in sorted(group.keys()):
        child = group[name]
        child_path = path + "/" + name
        if isinstance(child, h5py.Group):
            out[child_path] = "group"
            dump_group(child, child_path, out)
        else:
            out[child_path] = "%s|%s|%s" % (
                shape_text(child.shape), type_name(child.dtype), format_values(child[()], child.dtype))
            dump_attributes(child, child_path, out)


def main():
    path = sys.argv[2] if len(sys.argv) > 2 else "/"
    out = {}
    with h5py.File(sys.argv[1], "r") as f:
        dump_group(f[path], "" if path == "/" else path, out)
    for key in sorted(out):
        print(key + "\t" + out[key])


if __name__ == "__main__":
    main()
