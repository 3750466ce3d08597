"""The layering of docs/architecture.md is a contract: import-linter checks it, and it has teeth.

The layers are declared in setup.cfg (`[importlinter]`). These tests run `lint-imports` on the
package, plant an upward import in a copy of it to see the contract break, and check the rules
that an import contract cannot see (models know no command line).
"""
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(ROOT, "keras_gans")
LINT = os.path.join(os.path.dirname(sys.executable), "lint-imports")


def _lint(config, cwd):
    env = dict(os.environ, PYTHONPATH=cwd)
    return subprocess.run([LINT, config, "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)


def _contract_config(tmp_path):
    """setup.cfg's [importlinter] sections alone, as a file import-linter reads."""
    text = open(os.path.join(ROOT, "setup.cfg")).read()
    sections = re.findall(r"^\[importlinter[^\]]*\].*?(?=^\[(?!importlinter)|\Z)", text, flags=re.M | re.S)
    assert sections, "setup.cfg declares no [importlinter] contract"
    path = tmp_path / "contract.ini"
    path.write_text("".join(sections))
    return str(path)


def test_the_package_keeps_the_layer_contract(tmp_path):
    result = _lint(_contract_config(tmp_path), ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    copy = tmp_path / "src"
    shutil.copytree(PACKAGE, copy / "keras_gans", ignore=shutil.ignore_patterns("__pycache__", "*.npz", "*.h5"))
    dcgan = copy / "keras_gans" / "models" / "dcgan.py"
    dcgan.write_text(dcgan.read_text() + "\n\ndef _dataset():\n    from keras_gans import data  # a model reaching up\n")
    result = _lint(_contract_config(tmp_path), str(copy))
    assert result.returncode != 0
    assert "keras_gans.models is not allowed to import keras_gans.data" in result.stdout
    assert "keras_gans.models.dcgan -> keras_gans.data" in result.stdout


def test_models_know_no_command_line_data_catalogue_or_zoo():
    pattern = re.compile(r"from_cli|keras_gans\.data|keras_gans\.zoo|keras_gans\.cli|keras_gans\.recipes")
    hits = []
    for name in sorted(os.listdir(os.path.join(PACKAGE, "models"))):
        if name.endswith(".py"):
            for number, line in enumerate(open(os.path.join(PACKAGE, "models", name)), 1):
                if pattern.search(line):
                    hits.append(f"models/{name}:{number}: {line.strip()}")
    assert not hits, "\n".join(hits)

