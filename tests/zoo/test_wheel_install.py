"""Issue 25, point 1: a regular (non-editable) install of the built wheel carries every built-in preset.

The wheel is built from this checkout and installed into a fresh virtualenv in a temporary folder.
Its dependencies (TensorFlow, Keras, ...) come from the environment running the tests, by a `.pth`
line naming that environment's site-packages: a line that only extends `sys.path`, so the `.pth`
files there (an editable install's finder of this checkout) are not run. The checks run with the
temporary folder as the working directory, no `PYTHONPATH` and no `$KERAS_GANS_ZOO`, offline, and
first assert that `keras_gans` was imported from the virtualenv, not from the checkout.
"""
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import time
import zipfile

import pytest

from keras_gans.zoo import registry

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TF_STARTUP = ("oneDNN", "cudart_stub", "cuInit", "cpu_feature_guard", "absl::InitializeLog")

CHECK = textwrap.dedent("""
    import json, os, sys
    import numpy as np
    import keras_gans as kg

    report = {"file": kg.__file__, "prefix": sys.prefix, "names": [r["name"] for r in kg.zoo.list()],
              "sources": sorted({r["source"] for r in kg.zoo.list()}), "presets": {}}
    for name in report["names"]:
        meta = kg.zoo.info(name)
        model = kg.zoo.load(name)
        if meta["task"] == "noise_to_image":
            out = kg.zoo.sample(name, 4, seed=0, model=model)
        else:  # image_to_image / image_to_label: 4 seeded inputs of the declared shape, in [-1, 1]
            shape = [4] + meta["inputs"][0]["shape"][1:]
            out = model.predict(np.random.default_rng(0).uniform(-1, 1, shape).astype("float32"), verbose=0)
        out = np.asarray(out)
        report["presets"][name] = {"task": meta["task"], "path": meta["path"], "shape": list(out.shape),
                                   "finite": bool(np.isfinite(out).all()), "resolution": meta["resolution"],
                                   "num_classes": meta.get("num_classes")}
    print("REPORT " + json.dumps(report))
""")


def _run(cmd, **kwargs):
    proc = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    assert proc.returncode == 0, f"{cmd}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def _build_wheel(tmp_path, env):
    """The wheel of this checkout, built from a clean copy of its sources (setuptools builds in the source
    tree: a stale build/ there could add files the checkout no longer has, and the checkout stays clean),
    with this environment's setuptools and wheel when it has them (offline), else in pip's isolated build
    environment (which needs the package index)."""
    src, out = tmp_path / "src", tmp_path / "dist"
    shutil.copytree(os.path.join(ROOT, "keras_gans"), src / "keras_gans",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for f in ("setup.cfg", "pyproject.toml", "README.md"):
        shutil.copy(os.path.join(ROOT, f), src / f)
    offline = importlib.util.find_spec("setuptools") and importlib.util.find_spec("wheel")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", *(["--no-build-isolation"] if offline else []),
          "-w", str(out), str(src)], env=env, timeout=600)
    wheels = [f for f in os.listdir(out) if f.endswith(".whl")]
    assert len(wheels) == 1, wheels
    return os.path.join(out, wheels[0])


def _site_packages_of_this_environment():
    paths = sysconfig.get_paths()
    return sorted({os.path.realpath(paths["purelib"]), os.path.realpath(paths["platlib"])})


@pytest.mark.slow
def test_the_built_wheel_installs_every_preset_into_a_fresh_virtualenv(tmp_path):
    start = time.perf_counter()
    # no PYTHONPATH (it may name the checkout, whose keras_gans pip would take for installed), no zoo folders
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "KERAS_GANS_ZOO", "PYTHONHOME")}
    env.update(KERAS_GANS_OFFLINE="1", KERAS_GANS_CACHE=str(tmp_path / "cache"), TF_CPP_MIN_LOG_LEVEL="3",
               PYTHONNOUSERSITE="1")
    wheel = _build_wheel(tmp_path, env)
    builtin = sorted(registry.builtin_presets())
    assert len(builtin) >= 9, builtin
    # the wheel holds every file of every preset folder, byte for byte the pinned ones
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
    for name, files in registry.pinned_presets().items():
        for f in files:
            assert f"keras_gans/presets/{name}/{f}" in names, (name, f)
    assert "keras_gans/presets/README.md" in names and "keras_gans/zoo/builtin_hashes.json" in names

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], env=env, timeout=300)
    python = str(venv / "bin" / "python")
    _run([python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", wheel], env=env, timeout=600)
    purelib = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], env=env).stdout.strip()
    with open(os.path.join(purelib, "_outer_dependencies.pth"), "w") as f:  # after the venv's own site-packages
        f.write("\n".join(_site_packages_of_this_environment()) + "\n")

    work = tmp_path / "elsewhere"
    work.mkdir()
    proc = _run([python, "-c", CHECK], cwd=str(work), env=env, timeout=900)
    report = json.loads(proc.stdout.split("REPORT ", 1)[1])

    installed = os.path.realpath(report["file"])
    assert installed.startswith(os.path.realpath(str(venv)) + os.sep), installed   # the wheel, not the checkout
    assert not installed.startswith(os.path.realpath(ROOT) + os.sep), installed
    assert report["names"] == builtin and report["sources"] == ["built-in"], report["names"]
    for name, got in report["presets"].items():
        assert os.path.realpath(got["path"]) == os.path.join(os.path.dirname(installed), "presets", name), got
        assert got["finite"], name
        if got["task"] == "image_to_label":
            assert got["shape"] == [4, got["num_classes"]], (name, got)
        else:  # noise_to_image and image_to_image: images of the preset's resolution
            assert got["shape"] == [4, *got["resolution"]], (name, got)
    # the installed command lists them too, without TensorFlow's start-up lines
    quiet = {k: v for k, v in env.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    listing = _run([str(venv / "bin" / "keras-gans"), "zoo", "list"], cwd=str(work), env=quiet, timeout=300)
    assert all(name in listing.stdout for name in builtin), listing.stdout
    assert not [line for line in listing.stderr.splitlines() if any(s in line for s in TF_STARTUP)], listing.stderr
    print(f"wheel {os.path.getsize(wheel) / 1e6:.1f} MB; {len(builtin)} presets checked in "
          f"{time.perf_counter() - start:.0f} s")
