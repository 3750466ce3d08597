"""Every model's short seeded run, and every shipped preset, gives the numbers recorded before the
redesign (issue 21).

The runs are in `tests/golden/seeded_runs.py`; the numbers in `tests/golden/seeded_runs.npz`.
They run in a subprocess with TensorFlow's deterministic kernels (a setting that lasts for the
whole process, so it stays out of this one): one for the models' and presets' runs, and one, under `slow`,
for the runs through `keras-gans train`. A failure means a change altered training numerics,
sampling or a model's defaults.
"""
import os
import subprocess
import sys

import numpy as np
import pytest

from golden import seeded_runs


#: The recorded numbers are exact on the machine that recorded them (the same run twice, with 1 or 2 threads,
#: agrees to the last bit), but oneDNN picks other kernels on other CPUs: on an AVX2-only AMD EPYC (2026-12-06)
#: 28 of the 53 runs recorded on an AVX-512 machine differed by more than 1e-6, by at most 0.2 % of the array's
#: largest magnitude (cli_dcgan's bfloat16 images: 8.7e-5 of 0.044). Each array may differ by 0.5 % of its largest
#: magnitude: tiny after two steps for images near 0, so a changed loss, update, default or seed still fails.
RTOL_OF_SCALE = 5e-3


def _load(path):
    with np.load(path) as f:
        return {k: f[k] for k in f.files}


#: The runs of the models and presets run in the fast suite; those through `keras-gans train` (about 85 of the
#: subprocess's 160 CPU seconds on a 2-core AVX2 CPU) run with `make test-slow`; in the fast suite, tests/recipes
#: still builds every recipe and tests/cli trains several through `keras-gans train`, without these numbers.
FAST_RUNS = sorted(name for name in seeded_runs.RUNS if not name.startswith("cli_"))
CLI_RUNS = sorted(name for name in seeded_runs.RUNS if name.startswith("cli_"))


def _record(tmp_path_factory, names):
    out = tmp_path_factory.mktemp("seeded") / "runs.npz"
    result = subprocess.run([sys.executable, seeded_runs.__file__, "--out", str(out), *names], capture_output=True,
                            text=True, timeout=900, env=dict(os.environ, KERAS_GANS_OFFLINE="1"))
    assert result.returncode == 0, result.stderr[-3000:]
    return _load(out)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return _record(tmp_path_factory, FAST_RUNS)


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory):
    return _record(tmp_path_factory, CLI_RUNS)


def _check(name, runs):
    golden = _load(seeded_runs.GOLDEN)
    expected = {k: v for k, v in golden.items() if k.startswith(name + "/")}
    assert expected, f"no recorded numbers for {name}: run tests/golden/seeded_runs.py {name}"
    got = {k: v for k, v in runs.items() if k.startswith(name + "/")}
    assert sorted(got) == sorted(expected)
    for key, value in expected.items():
        np.testing.assert_allclose(got[key], value, rtol=0, atol=max(1e-6, RTOL_OF_SCALE * np.abs(value).max()), err_msg=key)


# One xdist worker takes them all (`make test` runs `--dist loadfile`), so each subprocess runs once, not once per
# worker.
@pytest.mark.parametrize("name", FAST_RUNS)
def test_seeded_run_matches_the_recorded_numbers(name, runs):
    _check(name, runs)


@pytest.mark.slow
@pytest.mark.parametrize("name", CLI_RUNS)
def test_cli_seeded_run_matches_the_recorded_numbers(name, cli_runs):
    _check(name, cli_runs)


def test_every_shipped_preset_has_a_recorded_run():
    import keras_gans as kg

    shipped = {p["name"] if isinstance(p, dict) else p for p in kg.zoo.list()}
    assert shipped == set(seeded_runs.PRESETS)
