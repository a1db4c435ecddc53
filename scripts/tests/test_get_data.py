"""Tests of scripts/get-data.sh through its --from path, which copies from a local mirror.

The mirror is the folder named by NCLAB_DATA_DIR; the tests skip when it is unset or missing. The
download path needs network access and has no test here.
"""

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "get-data.sh"
FILES = ["australian.dat", "pima-indians-diabetes.data.csv", "BostonHousing.csv"]


@pytest.fixture
def mirror(tmp_path):
    """Copy the data folder's three files into a writable mirror folder and return its path."""
    data_dir = os.environ.get("NCLAB_DATA_DIR", "")
    if not data_dir or not os.path.isdir(data_dir):
        pytest.skip("NCLAB_DATA_DIR does not name a folder with the public datasets")
    folder = tmp_path / "mirror"
    folder.mkdir()
    for name in FILES:
        source = Path(data_dir) / name
        if not source.is_file():
            pytest.skip(f"{source} not found")
        shutil.copyfile(source, folder / name)
    return folder


def run_get_data(*arguments, cwd=None):
    return subprocess.run(["bash", str(SCRIPT), *arguments], cwd=cwd, capture_output=True, text=True,
                          timeout=60)


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_good_copy_places_every_file(mirror, tmp_path):
    dest = tmp_path / "dest"
    result = run_get_data("--from", str(mirror), "--dest", str(dest))
    assert result.returncode == 0, result.stderr
    for name in FILES:
        assert (dest / name).is_file(), name
        assert sha256(dest / name) == sha256(mirror / name), name
    assert sorted(p.name for p in dest.iterdir()) == sorted(FILES)


def test_default_dest_is_data_in_working_folder(mirror, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    result = run_get_data("--from", str(mirror), cwd=work)
    assert result.returncode == 0, result.stderr
    for name in FILES:
        assert (work / "data" / name).is_file(), name


def test_second_run_keeps_verified_files(mirror, tmp_path):
    dest = tmp_path / "dest"
    assert run_get_data("--from", str(mirror), "--dest", str(dest)).returncode == 0
    result = run_get_data("--from", str(mirror), "--dest", str(dest))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("present and verified") == len(FILES)


def test_corrupted_file_is_rejected_and_named(mirror, tmp_path):
    corrupted = mirror / "pima-indians-diabetes.data.csv"
    expected = sha256(corrupted)
    with corrupted.open("ab") as handle:
        handle.write(b"1,2,3,4,5,6,7,8,1\n")
    actual = sha256(corrupted)
    dest = tmp_path / "dest"

    result = run_get_data("--from", str(mirror), "--dest", str(dest))

    assert result.returncode == 1
    assert "checksum mismatch for pima-indians-diabetes.data.csv" in result.stderr
    assert expected in result.stderr
    assert actual in result.stderr
    assert not (dest / "pima-indians-diabetes.data.csv").exists()
    # The other files are still verified and placed, and no temporary file is left behind.
    assert sorted(p.name for p in dest.iterdir()) == ["BostonHousing.csv", "australian.dat"]


def test_missing_file_is_an_error(mirror, tmp_path):
    (mirror / "BostonHousing.csv").unlink()
    dest = tmp_path / "dest"

    result = run_get_data("--from", str(mirror), "--dest", str(dest))

    assert result.returncode == 1
    assert "BostonHousing.csv not found" in result.stderr
    assert not (dest / "BostonHousing.csv").exists()
    assert sorted(p.name for p in dest.iterdir()) == ["australian.dat", "pima-indians-diabetes.data.csv"]


def test_bad_file_already_in_dest_is_replaced(mirror, tmp_path):
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "australian.dat").write_text("not the dataset\n")

    result = run_get_data("--from", str(mirror), "--dest", str(dest))

    assert result.returncode == 0, result.stderr
    assert "removing it and fetching australian.dat again" in result.stderr
    assert sha256(dest / "australian.dat") == sha256(mirror / "australian.dat")


def test_bad_dest_file_removed_on_failure(mirror, tmp_path):
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "australian.dat").write_text("not the dataset\n")
    (mirror / "australian.dat").unlink()

    result = run_get_data("--from", str(mirror), "--dest", str(dest))

    assert result.returncode == 1
    assert not (dest / "australian.dat").exists()


def test_missing_mirror_folder_is_invalid_usage(tmp_path):
    result = run_get_data("--from", str(tmp_path / "absent"), "--dest", str(tmp_path / "dest"))
    assert result.returncode == 2
    assert "not found" in result.stderr


def test_unknown_argument_is_invalid_usage(tmp_path):
    result = run_get_data("--mirror", str(tmp_path))
    assert result.returncode == 2
    assert "unknown argument '--mirror'" in result.stderr
