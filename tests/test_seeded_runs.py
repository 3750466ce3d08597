"""Every model's short seeded run gives the numbers recorded before the redesign (issue 21).

The runs are in `tests/golden/seeded_runs.py`; the numbers in `tests/golden/seeded_runs.npz`.
A failure here means a change altered training numerics, sampling or a model's defaults.
"""
import numpy as np
import pytest

from golden import seeded_runs


@pytest.fixture(scope="module")
def golden():
    with np.load(seeded_runs.GOLDEN) as f:
        return {k: f[k] for k in f.files}


@pytest.mark.parametrize("name", sorted(seeded_runs.RUNS))
def test_seeded_run_matches_the_recorded_numbers(name, golden):
    expected = {k.split("/", 1)[1]: v for k, v in golden.items() if k.startswith(name + "/")}
    assert expected, f"no recorded numbers for {name}: run tests/golden/seeded_runs.py {name}"
    got = seeded_runs.run(name)
    assert sorted(got) == sorted(expected)
    for key, value in expected.items():
        np.testing.assert_allclose(got[key], value, rtol=0, atol=1e-6, err_msg=f"{name}/{key}")
