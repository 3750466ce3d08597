"""The example scripts: every chapter has one, and they run in --quick mode.

The default suite runs two of them (ch02_vae, ch10_adversarial) in one subprocess; `pytest -m slow`
runs all of them (also in one subprocess: TensorFlow is imported once).
"""
import ast
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES_DIR = os.path.join(ROOT, "examples")
sys.path.insert(0, EXAMPLES_DIR)
import run_all  # noqa: E402

HELPERS = {"_common.py", "run_all.py"}


def _run(names, out, timeout):
    cmd = [sys.executable, os.path.join(EXAMPLES_DIR, "run_all.py"), "--out", str(out), *names]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    for name in names:
        assert f"== {name}: ok" in proc.stdout
    return proc


def _results(out, name):
    with open(os.path.join(out, name, "results.json")) as f:
        return json.load(f)["results"]


def test_every_script_is_registered_and_has_a_quick_mode():
    scripts = {f[:-3] for f in os.listdir(EXAMPLES_DIR) if f.endswith(".py") and f not in HELPERS}
    assert scripts == set(run_all.EXAMPLES)
    for chapter in ("ch02", "ch03", "ch04", "ch05", "ch06", "ch07", "ch08", "ch09", "ch10", "ch11"):
        assert any(name.startswith(chapter) for name in scripts), chapter
    for name in scripts:
        with open(os.path.join(EXAMPLES_DIR, name + ".py")) as f:
            source = f.read()
        tree = ast.parse(source)
        assert ast.get_docstring(tree), f"{name} has no docstring"
        assert any(isinstance(n, ast.FunctionDef) and n.name == "main" for n in tree.body), name
        assert "--quick" in ast.get_docstring(tree), f"{name}'s docstring does not show --quick"


def test_run_all_rejects_unknown_names(capsys):
    with pytest.raises(SystemExit):
        run_all.main(["no_such_example"])
    assert "unknown examples" in capsys.readouterr().err


def test_quick_examples_run(tmp_path):
    _run(["ch02_vae", "ch10_adversarial"], tmp_path, timeout=900)
    vae = _results(tmp_path, "ch02_vae")
    assert vae["test_loss"] > 0 and os.path.getsize(tmp_path / "ch02_vae" / "latent_manifold.png") > 0
    adv = _results(tmp_path, "ch10_adversarial")
    assert adv["clean_accuracy"] >= 0.9            # the shipped classifier on held-out digits
    assert adv["pgd_accuracy_eps0.3"] < adv["clean_accuracy"] - 0.3   # the attack works
    assert adv["fgsm_accuracy_eps0.3"] < adv["clean_accuracy"]


@pytest.mark.slow
def test_all_examples_run_in_quick_mode(tmp_path):
    _run(list(run_all.EXAMPLES), tmp_path, timeout=3600)
    for name in run_all.EXAMPLES:
        assert os.path.exists(tmp_path / name / "results.json"), name
    assert _results(tmp_path, "ch06_progan")["hub_max_abs_diff"] < 1e-4
    latent = _results(tmp_path, "latent_tools")
    assert latent["inversion_mse_end"] < latent["inversion_mse_start"]
