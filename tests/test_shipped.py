"""The files that ship inside the package: their SHA-256 manifests match them, and every loader refuses a damaged one.

Damaged copies are made in tmp_path and the loader is pointed at them; the real files are never touched.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from gan_course import _shipped, collapse, data, experiments, features, reference, seeds, stability, transfer

ROOT = Path(__file__).resolve().parents[1]
FIX = "reinstall the package: pip install --force-reinstall gan-course, or in a clone: git checkout -- "


@pytest.mark.parametrize("folder", _shipped.FOLDERS, ids=lambda f: f.name)
def test_the_manifest_lists_every_shipped_file_with_its_sha256(folder):
    # What catches a shipped file regenerated without its manifest (the writers update it themselves).
    on_disk = {p.name for p in folder.iterdir() if p.is_file() and p.name != _shipped.MANIFEST}
    on_disk -= {".gitattributes"}  # keeps git from changing line endings, so the sums hold on Windows too
    tracked = subprocess.run(
        ["git", "ls-files", "--", folder.relative_to(ROOT).as_posix()], cwd=ROOT, capture_output=True, text=True
    ).stdout.split()
    if tracked:  # in a clone: the manifest itself is committed too
        assert f"{folder.relative_to(ROOT).as_posix()}/{_shipped.MANIFEST}" in tracked
    sums = _shipped.read_manifest(folder)
    assert set(sums) == on_disk, "fix with `python -m gan_course._shipped` after checking the files are right"
    wrong = [name for name, digest in sums.items() if data.sha256_file(folder / name) != digest]
    assert not wrong, f"{wrong} differ from {folder.name}/{_shipped.MANIFEST}"
    text = (folder / _shipped.MANIFEST).read_text()
    assert text == "".join(f"{sums[n]}  {n}\n" for n in sorted(sums))  # sha256sum's format, sorted


def _copy(folder: Path, tmp_path: Path) -> Path:
    copy = tmp_path / folder.name
    shutil.copytree(folder, copy)
    return copy


def _flip(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    path.write_bytes(bytes(raw))


WEIGHTS = _shipped.FOLDERS[0]
RESULTS = _shipped.FOLDERS[1]

LOADERS = [  # (folder, file, how to point the loader at the copy, the call)
    (WEIGHTS, "fashion_mnist_8class_dcgan_generator.weights.h5", (transfer, "_WEIGHTS"), transfer.load_pretrained),
    (WEIGHTS, "fashion_mnist_8class_dcgan_discriminator.weights.h5", (transfer, "_WEIGHTS"), transfer.load_pretrained),
    (WEIGHTS, "fashion_mnist_8class_dcgan.json", (transfer, "_WEIGHTS"), transfer.load_pretrained),
    (WEIGHTS, "fashion_mnist_classifier.weights.h5", (features, "_WEIGHTS_DIR"), features.load_classifier),
    (WEIGHTS, "fashion_mnist_classifier.json", (features, "_WEIGHTS_DIR"), features.load_classifier),
    (RESULTS, "reference_curves.csv", (reference, "_REFERENCE_CSV"), lambda: reference._band("03", "fid")),
    (RESULTS, "image_collapse.csv", (collapse, "_IMAGE_RESULTS_CSV"), collapse.image_results),
    (RESULTS, "time_to_quality.csv", (stability, "_BENCHMARK_CSV"), stability.benchmark_results),
    (RESULTS, "seed_programs.csv", (seeds, "_BENCHMARK_CSV"), seeds.benchmark_results),
]


def _point(monkeypatch, target, copy: Path, name: str) -> None:
    module, attr = target
    value = getattr(module, attr)
    monkeypatch.setattr(module, attr, type(value)(copy if attr.endswith(("_WEIGHTS", "_DIR")) else copy / name))


@pytest.mark.parametrize(("folder", "name", "target", "load"), LOADERS, ids=[row[1] for row in LOADERS])
def test_a_flipped_byte_in_a_shipped_file_is_refused_naming_the_file_and_the_fix(
    tmp_path, monkeypatch, folder, name, target, load
):
    copy = _copy(folder, tmp_path)
    _point(monkeypatch, target, copy, name)
    _flip(copy / name)
    with pytest.raises(data.CorruptDataError, match=re.escape(name) + r" is damaged \(SHA-256 .*" + re.escape(FIX)):
        load()


@pytest.mark.parametrize(("folder", "name", "target", "load"), LOADERS, ids=[row[1] for row in LOADERS])
def test_a_missing_shipped_file_is_refused_naming_the_file_and_the_fix(
    tmp_path, monkeypatch, folder, name, target, load
):
    copy = _copy(folder, tmp_path)
    _point(monkeypatch, target, copy, name)
    (copy / name).unlink()
    with pytest.raises(FileNotFoundError, match=re.escape(name) + ".*" + re.escape(FIX)):
        load()


def test_an_intact_copy_loads_and_a_damaged_manifest_is_named(tmp_path, monkeypatch):
    copy = _copy(RESULTS, tmp_path)
    monkeypatch.setattr(collapse, "_IMAGE_RESULTS_CSV", copy / "image_collapse.csv")
    assert collapse.image_results() == collapse.image_results(RESULTS / "image_collapse.csv")
    (copy / _shipped.MANIFEST).write_text("not a manifest\n")
    with pytest.raises(data.CorruptDataError, match=r"SHA256SUMS line 1 is not '<sha256>  <file name>'"):
        collapse.image_results()


def test_an_unlisted_file_in_a_package_folder_is_refused(monkeypatch, tmp_path):
    copy = _copy(RESULTS, tmp_path)
    monkeypatch.setattr(_shipped, "FOLDERS", (copy.resolve(),))  # the copy plays the package's folder
    stray = copy / "mine.csv"
    stray.write_text("model,seed,fid\nlean,0,1.5\n")
    with pytest.raises(data.CorruptDataError, match="mine.csv is not in SHA256SUMS beside it"):
        experiments.read_results(stray, {"seed": int}, "make it")


def test_writing_into_a_shipped_folder_updates_its_manifest_and_learner_files_are_not_checked(tmp_path):
    copy = _copy(RESULTS, tmp_path)
    rows = [{"model": "lean", "seed": 0, "fid": 35.25}]
    path = experiments.write_results(copy / "time_to_quality.csv", rows)  # a benchmark's default --out
    assert _shipped.read_manifest(copy)["time_to_quality.csv"] == data.sha256_file(path)
    experiments.read_results(path, {"seed": int}, "make it")  # regenerated: no mismatch
    mine = experiments.write_results(tmp_path / "outputs" / "mine.csv", rows)
    assert not (tmp_path / "outputs" / _shipped.MANIFEST).exists()
    Path(mine).write_text(Path(mine).read_text() + "lean,1,40.5\n")  # a learner edits their own file: fine
    assert len(experiments.read_results(mine, {"seed": int}, "make it")) == 2


def test_the_writers_of_shipped_weights_record_them(tmp_path, monkeypatch):
    copy = _copy(WEIGHTS, tmp_path)
    monkeypatch.setattr(features, "_WEIGHTS_DIR", copy)
    model = features._build_classifier()
    features._save_classifier(model, 0.5, "fashion_mnist")
    sums = _shipped.read_manifest(copy)
    for name in ("fashion_mnist_classifier.weights.h5", "fashion_mnist_classifier.json"):
        assert sums[name] == data.sha256_file(copy / name)
    assert features.load_classifier("fashion_mnist").accuracy == 0.5  # reads what it saved, checked
