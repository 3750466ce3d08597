"""keras_gans/presets/README.md's "Shipped presets" tables match the preset cards (scripts/presets_readme.py).

JSON only: nothing here builds or loads a model. A re-published preset without a regenerated README fails
`test_the_shipped_readme_matches_the_cards`; the fix is `python scripts/presets_readme.py`.
"""
import json
import os
import shutil
import subprocess
import sys

import pytest
from helpers import load_script

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "scripts", "presets_readme.py")
PRESETS = os.path.join(ROOT, "keras_gans", "presets")

pr = load_script("scripts/presets_readme.py")


def _names():
    return sorted(d for d in os.listdir(PRESETS) if os.path.isfile(os.path.join(PRESETS, d, "metadata.json")))


def _table(text):
    return text[text.index(pr.START): text.index(pr.END)]


def test_the_shipped_readme_matches_the_cards():
    res = subprocess.run([sys.executable, SCRIPT, "--check"], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, ("keras_gans/presets/README.md is stale: run `python scripts/presets_readme.py`\n"
                                 + res.stdout[-4000:] + res.stderr[-1000:])


def test_every_preset_has_a_row_and_its_command():
    with open(pr.README, encoding="utf-8") as f:
        table = _table(f.read())
    for name in _names():
        with open(os.path.join(PRESETS, name, "metadata.json")) as f:
            meta = json.load(f)
        rows = [line for line in table.splitlines() if line.startswith(f"| `{name}` |")]
        assert len(rows) == 2, name  # the presets table and the commands table
        head = meta["headline_metric"]
        assert pr.format_metric(head, meta["metrics"][head], headline=True) in rows[0], rows[0]
        for key, metric in meta["metrics"].items():  # every metric of the card, with its value
            assert pr.metric_value(key, metric["value"]) in rows[0], (name, key)
        assert f"`{meta['training_command']}`" in rows[1]


def test_order_generators_first_classifiers_last():
    cards = pr.load_cards()
    tasks = [meta["task"] for _, meta in cards]
    assert [name for name, _ in cards] == [name for name, _ in sorted(cards, key=lambda c: (
        pr.TASK_ORDER.index(c[1]["task"]) if c[1]["task"] in pr.TASK_ORDER else 3, c[0]))]
    assert tasks[0] == "noise_to_image" and tasks[-1] == "image_to_label"


@pytest.mark.parametrize("key, metric, expected", [
    ("fid_mnist", {"value": 7.539791}, "FID-MNIST 7.54"),
    ("fid_mnist_a", {"value": 17.1186}, "FID-MNIST (domain A) 17.12"),
    ("fid_mnistm", {"value": 31.4392}, "FID-MNIST-M 31.44"),
    ("fid_mnist_b2a", {"value": 1.62497}, "FID-MNIST B→A 1.62"),
    ("kid_mnist", {"value": 0.21755, "std": 0.02}, "KID-MNIST 0.218"),
    ("is_mnist", {"value": 8.9765, "std": 0.09}, "IS-MNIST 8.98"),
    ("label_accuracy", {"value": 0.891, "worst_class": 0.77, "protocol": "..."},
     "label accuracy 89.1% (worst class 77.0%)"),
    ("test_accuracy", {"value": 0.99}, "test accuracy 99.0%"),
    ("a2b_accuracy", {"value": 0.94}, "A→B digit accuracy 94.0%"),
    ("pair_agreement", {"value": 0.852, "digits_read_in_a": 10}, "pair agreement 85.2% (distinct digits read in A 10)"),
    ("test_l1", {"value": 0.58754}, "test L1 0.588"),
    ("psnr", {"value": 24.3127}, "PSNR 24.31 dB"),
    ("code_accuracy", {"value": 0.912, "worst_code": 0.8, "code_to_digit": [3, 1, 4]},
     "code accuracy 91.2% (worst code 80.0%)"),
    ("mystery_score", {"value": 3, "seen_by": "nobody"}, "mystery score 3 (seen by nobody)"),
    ("plain_number", 0.5, "plain number 0.500"),
])
def test_metric_formatting(key, metric, expected):
    assert pr.format_metric(key, metric) == expected


def _fake_card(name, task="noise_to_image", **changes):
    meta = {"name": name, "model": "Thing", "description": "a | piped description", "contents": "generator",
            "task": task, "inputs": [{"name": "z", "shape": [None, 8], "dtype": "float32"}],
            "parameter_count": 1234567, "weights_dtype": "float16", "epochs": 3, "steps": 300,
            "training_command": "keras-gans train thing --batch-size 16 --out runs/x", "training_time_seconds": 125.0,
            "metrics": {"mystery_score": {"value": 0.1234, "protocol": "p"}, "fid_mnist": {"value": 12.3456}},
            "headline_metric": "fid_mnist"}
    meta.update(changes)
    return meta


def _zoo(tmp_path, cards):
    zoo = tmp_path / "presets"
    for meta in cards:
        (zoo / meta["name"]).mkdir(parents=True)
        (zoo / meta["name"] / "metadata.json").write_text(json.dumps(meta))
    readme = tmp_path / "README.md"
    readme.write_text(f"# Zoo\n\nprose above\n\n{pr.START}\nold table\n{pr.END}\n\nprose below\n", encoding="utf-8")
    return str(zoo), str(readme)


def test_any_preset_kind_renders(tmp_path):
    zoo, readme = _zoo(tmp_path, [
        _fake_card("zz_gen"),
        _fake_card("b_text", task="text_to_image", contents="gan", steps=None, training_time_seconds=None,
                   metrics={}, headline_metric=None),
        _fake_card("a_clf", task="image_to_label", contents="model", weights_dtype="float32", epochs=None,
                   inputs=[{"name": "images"}], metrics={"test_accuracy": {"value": 0.5}},
                   headline_metric="test_accuracy"),
        _fake_card("m_cond", inputs=[{"name": "z"}, {"name": "labels"}], training_time_seconds=3600),
    ])
    assert pr.main(["--readme", readme, "--presets", zoo]) == 0
    text = open(readme, encoding="utf-8").read()
    assert text.startswith("# Zoo\n\nprose above\n\n") and text.endswith("\n\nprose below\n")
    assert "old table" not in text
    rows = [line for line in _table(text).splitlines() if line.startswith("| `")]
    assert [r.split("`")[1] for r in rows[:4]] == ["m_cond", "zz_gen", "a_clf", "b_text"]  # classifiers, then others
    gen = rows[1]
    assert "`Thing`: a \\| piped description" in gen
    assert "generator, 1.23 M params, float16 weights" in gen and "3 / 300 (batch 16)" in gen
    assert "**FID-MNIST 12.35**; mystery score 0.123" in gen and "| 2.1 min |" in gen
    assert "generator (z, labels)" in rows[0] and "| 60 min |" in rows[0]
    assert "classifier, 1.23 M params |" in rows[2] and "**test accuracy 50.0%**" in rows[2] and "| — / 300 (batch 16) |" in rows[2]
    assert "whole GAN" in rows[3] and "| 3 (batch 16) |" in rows[3] and rows[3].endswith("| — | — |")
    assert pr.main(["--check", "--readme", readme, "--presets", zoo]) == 0


def test_check_reports_a_stale_readme_and_write_fixes_it(tmp_path, capsys):
    zoo, readme = _zoo(tmp_path, [_fake_card("one")])
    assert pr.main(["--readme", readme, "--presets", zoo]) == 0
    card = os.path.join(zoo, "one", "metadata.json")
    meta = json.load(open(card))
    meta["metrics"]["fid_mnist"]["value"] = 4.321  # a retrained preset
    json.dump(meta, open(card, "w"))
    before = open(readme, encoding="utf-8").read()
    capsys.readouterr()
    assert pr.main(["--check", "--readme", readme, "--presets", zoo]) == 1
    out = capsys.readouterr()
    assert "-| `one`" in out.out and "+| `one`" in out.out and "FID-MNIST 4.32" in out.out and "stale" in out.err
    assert open(readme, encoding="utf-8").read() == before  # --check changes nothing
    shutil.copytree(os.path.join(zoo, "one"), os.path.join(zoo, "two"))  # a new preset
    assert pr.main(["--readme", readme, "--presets", zoo]) == 0
    assert pr.main(["--check", "--readme", readme, "--presets", zoo]) == 0
    assert "`two`" in open(readme, encoding="utf-8").read()


def test_a_readme_without_markers_is_an_error(tmp_path):
    zoo, readme = _zoo(tmp_path, [_fake_card("one")])
    open(readme, "w").write("no markers here\n")
    assert pr.main(["--check", "--readme", readme, "--presets", zoo]) == 2


def test_the_block_is_written_by_write_marked_block_and_the_rest_stays_byte_identical(tmp_path, monkeypatch, capsys):
    # the package's one writer of generated docs blocks (atomic), not a copy of it here
    zoo, readme = _zoo(tmp_path, [_fake_card("one")])
    with open(readme, "wb") as f:  # Windows line ends outside the block are kept as they are
        f.write(f"# Zoo\r\n\r\n{pr.START}\nold table\n{pr.END}\r\nprose below\r\n".encode())
    calls = []
    real = pr._io.write_marked_block
    monkeypatch.setattr(pr._io, "write_marked_block", lambda *a, **k: calls.append(a) or real(*a, **k))
    assert pr.main(["--readme", readme, "--presets", zoo]) == 0
    assert [c[:3] for c in calls] == [(readme, pr.START, pr.END)]
    data = open(readme, "rb").read()
    assert data.startswith(f"# Zoo\r\n\r\n{pr.START}\n| Preset |".encode())
    assert data.endswith(f"|\n{pr.END}\r\nprose below\r\n".encode())
    assert sorted(os.listdir(tmp_path)) == ["README.md", "presets"]  # no temporary file left
    assert pr.main(["--check", "--readme", readme, "--presets", zoo]) == 0

    # broken markers (two starts): refused, nothing written (a copy would splice at the first one)
    broken = f"{pr.START}\n{pr.START}\nold\n{pr.END}\n"
    open(readme, "w", encoding="utf-8").write(broken)
    capsys.readouterr()
    assert pr.main(["--readme", readme, "--presets", zoo]) == 2
    assert "expected one of each, in order" in capsys.readouterr().err
    assert open(readme, encoding="utf-8").read() == broken
