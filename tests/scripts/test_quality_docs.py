"""benchmarks/quality.py --update-docs: the docs/metrics.md block of presets against the plain loop, no training.

A fake quality.json-like result (the plain loop's best FID-MNIST 16.56) is turned into the block, which must
list every built-in generator preset with its card's FID-MNIST and the right verdict against 0.5 × 16.56;
the block is written into temporary copies of docs/metrics.md only.
"""
import copy
import json
import math
import os
import pathlib

import pytest
from helpers import load_script

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "metrics.md"
PRESETS = ROOT / "keras_gans" / "presets"
PLAIN_FID = 16.56


@pytest.fixture(scope="module")
def quality():
    return load_script("benchmarks/quality.py", "quality_bench")  # imports only: training starts in main()


def _snap(fid):
    return {"fid": fid, "kid": 0.5, "kid_std": 0.03, "is": 7.2, "is_std": 0.1}


def fake_record(plain_fid=PLAIN_FID):
    trainer = {"steps": 1750, "epochs": 25, "train_cpu_s": 600.2, "wall_s": 2100.0, "steps_per_cpu_s": 2.9,
               "best_epoch": 24, "curve": [[3, 200, 60.0, 80.1]]}
    return {
        "command": "python benchmarks/quality.py --cpu-budget 600 --update-docs", "cpu_budget_s": 600.0, "seed": 0,
        "date": "2026-11-30 10:00 UTC", "loadavg_start": [28.13, 30.2, 29.9], "loadavg_end": [31.0, 30.5, 30.1],
        "versions": {"tensorflow": "2.21.0", "keras": "3.15.1"},
        "protocol": {"extractor": "mnist_classifier", "n_real": 500, "n_fake": 4500},
        "results": {"keras_gans fit": dict(trainer, last=_snap(18.2), best=_snap(17.0)),
                    "plain loop": dict(trainer, last=_snap(17.5), best=_snap(plain_fid)),
                    "real vs real": {"last": _snap(0.338)}},
    }


def card_generators():
    """{name: FID-MNIST} of the built-in noise -> image presets, read straight from their metadata.json."""
    out = {}
    for meta_path in sorted(PRESETS.glob("*/metadata.json")):
        meta = json.loads(meta_path.read_text())
        if meta.get("task") == "noise_to_image":
            metrics = meta["metrics"]
            out[meta_path.parent.name] = (metrics.get("fid_mnist") or metrics["fid_mnist_a"])["value"]
    return out


def _preset_rows(text):
    return [line for line in text.splitlines() if line.startswith("| `")]


def _outside(doc, quality):
    """The text before the block and after it (the whole doc and '' when there is none)."""
    if quality.START not in doc:
        return doc, ""
    head, rest = doc.split(quality.START, 1)
    return head, rest.split(quality.END, 1)[1]


def test_the_block_lists_every_generator_preset_with_its_card_fid_and_verdict(quality):
    cards = card_generators()
    # the presets issue 25 names; a new generator preset is picked up by the same loop
    assert {"dcgan_mnist", "wgan_gp_mnist", "cgan_mnist", "progan_mnist_32", "cogan_mnist"} <= set(cards)
    text = quality.quality_section(fake_record())
    rows = _preset_rows(text)
    assert len(rows) == len(cards), rows
    for name, fid in cards.items():
        [row] = [r for r in rows if r.startswith(f"| `{name}` (")]
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[1] == f"{fid:.2f}" and cells[2] == f"{fid / PLAIN_FID:.3f}", row
        assert cells[3] == ("yes" if fid <= 0.5 * PLAIN_FID else "**no**"), row
    assert "`fid_mnist_a`" in next(r for r in rows if r.startswith("| `cogan_mnist` ("))
    assert not any(r.startswith(("| `mnist_classifier`", "| `pix2pix_mnist_mnistm`")) for r in rows)
    met = sum(fid <= 0.5 * PLAIN_FID for fid in cards.values())
    assert f"{met} of {len(cards)} generator presets meet the bar" in text
    # the run itself: its table, the bar, date, command and load average
    assert "0.5 × 16.560 = **8.280**" in text
    assert "| plain loop | 1750 (25) | 600.2 | 2100.0 | best (epoch 24) | 16.560 |" in text
    assert "| real vs real | — | — | — | last | 0.338 |" in text
    assert "2026-11-30 10:00 UTC" in text and "`python benchmarks/quality.py --cpu-budget 600 --update-docs`" in text
    assert "28.13 / 30.20 / 29.90 at the start, 31.00 / 30.50 / 30.10 at the end" in text
    assert quality.START not in text and quality.END not in text and "zoo-metrics" not in text


def test_the_verdict_is_ratio_at_most_one_half_and_a_card_without_fid_fails(quality):
    assert quality.card_fid({"metrics": {"fid_mnist_a": {"value": 3.0}}}) == ("fid_mnist_a", 3.0)
    assert quality.card_fid({"metrics": {"kid_mnist": {"value": 0.1}}}) == (None, None)
    rows = quality.preset_rows(10.0)
    cards = card_generators()
    assert {r["name"]: r["meets"] for r in rows} == {n: fid <= 5.0 for n, fid in cards.items()}
    text = quality.quality_section(fake_record(10.0), rows=[
        {"name": "edge", "model": "M", "key": "fid_mnist", "fid": 5.0, "ratio": 0.5, "meets": True},
        {"name": "nofid", "model": "M", "key": None, "fid": None, "ratio": None, "meets": False}])
    assert "| `edge` (M) | 5.00 | 0.500 | yes |" in text
    assert "| `nofid` (M) | no FID-MNIST on its card | — | no |" in text
    assert "1 of 2 generator presets meet the bar" in text


def test_update_appends_then_replaces_and_leaves_the_rest_byte_identical(quality, tmp_path):
    doc = tmp_path / "metrics.md"
    original = DOCS.read_bytes()
    doc.write_bytes(original)
    head0, tail0 = _outside(original.decode(), quality)
    quality.update_docs(quality.quality_section(fake_record()), str(doc))
    quality.update_docs(quality.quality_section(fake_record(40.0)), str(doc))   # a second run replaces the first
    text = doc.read_text()
    assert text.count(quality.START) == 1 and text.count(quality.END) == 1
    assert "0.5 × 40.000 = **20.000**" in text and "16.560" not in text
    head, tail = _outside(text, quality)
    if quality.START in original.decode():  # the page already had the block: replaced in place
        assert (head, tail) == (head0, tail0)
    else:  # appended after the untouched page
        assert text.encode().startswith(original) and tail == "\n"
    assert text.count("<!-- zoo-metrics:start -->") == 1  # zoo_metrics.py's block is untouched
    assert _outside(original.decode(), quality)[0].split("<!-- zoo-metrics:end -->")[0] in text


def test_a_block_in_the_middle_is_replaced_byte_for_byte(quality, tmp_path):
    head = "# Metrics\r\n\nintro é\n<!-- zoo-metrics:start -->\nzoo table\n<!-- zoo-metrics:end -->\n\n"
    tail = "\n\nmore text after the block, no newline at the end"
    doc = tmp_path / "metrics.md"
    doc.write_bytes((head + quality.START + "\nstale block\n" + quality.END + tail).encode())
    quality.update_docs("new block\n", str(doc))
    assert doc.read_bytes() == (head + quality.START + "\nnew block\n" + quality.END + tail).encode()
    assert sorted(os.listdir(tmp_path)) == ["metrics.md"]


@pytest.mark.parametrize("broken", ["{start}\na\n{start}\nb\n{end}\n", "{end}\nx\n{start}\n", "{start}\nno end\n"])
def test_a_broken_block_raises_and_writes_nothing(quality, tmp_path, broken):
    doc = tmp_path / "metrics.md"
    doc.write_text("# Metrics\n\n" + broken.format(start=quality.START, end=quality.END))
    before = doc.read_bytes()
    with pytest.raises(ValueError, match="expected one of each"):
        quality.update_docs("new\n", str(doc))
    assert doc.read_bytes() == before and sorted(os.listdir(tmp_path)) == ["metrics.md"]
    with pytest.raises(SystemExit, match="fix it before running"):  # checked before a long run, too
        quality.check_docs(str(doc))


def _no_plain(r):
    del r["results"]["plain loop"]


def _fid(value):
    def edit(r):
        r["results"]["plain loop"]["best"]["fid"] = value
    return edit


@pytest.mark.parametrize("content, message", [
    ("{not json", "is not JSON"),
    ("[1, 2]", "expected a JSON object"),
    (_no_plain, "has no 'plain loop' entry"),
    (_fid(None), "results['plain loop']['best']['fid'] is None, not a finite number"),
    (_fid("16.56"), "results['plain loop']['best']['fid'] is '16.56'"),
    (_fid(math.nan), "is nan, not a finite number"),
    (lambda r: r.pop("command"), "no 'command' key"),
    (lambda r: r["results"]["keras_gans fit"].pop("best"), "results['keras_gans fit'] has no 'best'"),
    (None, "cannot read"),
])
def test_a_malformed_from_json_stops_with_a_clear_message_and_writes_nothing(quality, tmp_path, content, message):
    doc = tmp_path / "docs" / "metrics.md"
    doc.parent.mkdir()
    doc.write_bytes(DOCS.read_bytes())
    saved = tmp_path / "quality.json"
    if isinstance(content, str):
        saved.write_text(content)
    elif content is not None:
        record = copy.deepcopy(fake_record())
        content(record)
        saved.write_text(json.dumps(record))
    before = sorted(os.listdir(tmp_path))
    with pytest.raises(SystemExit) as err:
        quality.main(["--update-docs", "--from-json", str(saved), "--docs", str(doc)])
    assert isinstance(err.value.code, str) and err.value.code.startswith("quality.py --from-json: ")
    assert message in err.value.code and str(saved) in err.value.code, err.value.code
    assert doc.read_bytes() == DOCS.read_bytes()
    assert sorted(os.listdir(tmp_path)) == before and os.listdir(doc.parent) == ["metrics.md"]


def test_from_json_rebuilds_the_block_without_training(quality, tmp_path, capsys):
    doc = tmp_path / "metrics.md"
    doc.write_bytes(DOCS.read_bytes())
    saved = tmp_path / "quality.json"
    saved.write_text(json.dumps(fake_record()))
    assert quality.main(["--from-json", str(saved), "--docs", str(doc)]) == 0   # no --update-docs: printed only
    assert doc.read_bytes() == DOCS.read_bytes() and "**8.280**" in capsys.readouterr().out
    assert quality.main(["--update-docs", "--from-json", str(saved), "--docs", str(doc)]) == 0
    assert doc.read_text().count(quality.START) == 1 and "**8.280**" in doc.read_text()
    assert not (tmp_path / "runs").exists() and sorted(os.listdir(tmp_path)) == ["metrics.md", "quality.json"]
