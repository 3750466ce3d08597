"""Regenerates the "Shipped presets" tables of keras_gans/presets/README.md from the preset cards.

    python scripts/presets_readme.py            # rewrite the tables (scripts/pin_presets.py runs this too)
    python scripts/presets_readme.py --check    # exit 1 and print the diff if the README is stale

Everything between `<!-- presets-table:start -->` and `<!-- presets-table:end -->` is generated from
keras_gans/presets/*/metadata.json (JSON only: no Keras, no TensorFlow): one row per preset with its model and
description, what is stored, epochs / steps, every metric of the card (the headline one first, in bold) and
the training time, then a second table with each preset's exact training command.

Rows are grouped by task, generators first and classifiers last (noise -> image, image -> image,
image -> label, then any other task), alphabetically within a group. Metrics this script does not know are
shown by their key and value, so any new preset kind renders without changes here.
tests/zoo/test_presets_readme.py fails when the README does not match the cards.

The block is written by the package's one writer of generated docs blocks, `keras_gans.utils.write_marked_block`
(atomic; the rest of the README stays byte-identical; a README with missing or broken markers is refused).
"""
import argparse
import difflib
import importlib.util
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _load_io():
    """keras_gans/utils/io.py on its own (standard library only): `import keras_gans` would import TensorFlow."""
    spec = importlib.util.spec_from_file_location("_keras_gans_utils_io", os.path.join(ROOT, "keras_gans", "utils", "io.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_io = _load_io()
PRESETS_DIR = os.path.join(ROOT, "keras_gans", "presets")
README = os.path.join(PRESETS_DIR, "README.md")
START = "<!-- presets-table:start -->"
END = "<!-- presets-table:end -->"

TASK_ORDER = ("noise_to_image", "image_to_image", "image_to_label")
SKIP_FIELDS = ("value", "protocol", "std")  # the other fields of a metric (worst_class, ...) are shown with it
DATASETS = {"mnist": "MNIST", "mnistm": "MNIST-M"}  # fid_mnistm -> FID-MNIST-M
WORDS = {"a2b": "A→B", "b2a": "B→A", "l1": "L1", "l2": "L2", "psnr": "PSNR", "ssim": "SSIM", "lpips": "LPIPS"}
SUFFIXES = {"a": "(domain A)", "b": "(domain B)"}  # fid_mnist_a: a CoGAN's domain A
NAMES = {"accuracy": "digit accuracy", "a2b_accuracy": "A→B digit accuracy", "b2a_accuracy": "B→A digit accuracy"}
FIELDS = {"digits_read_in_a": "distinct digits read in A", "mismatched": "mismatched pairs"}  # a metric's other fields


def load_cards(presets_dir=PRESETS_DIR):
    """[(name, metadata)] of every preset folder (one holding a metadata.json), in the README's order."""
    cards = []
    for name in os.listdir(presets_dir):
        path = os.path.join(presets_dir, name, "metadata.json")
        if os.path.isfile(path):
            with open(path) as f:
                cards.append((name, json.load(f)))
    task_rank = {task: i for i, task in enumerate(TASK_ORDER)}
    return sorted(cards, key=lambda c: (task_rank.get(c[1].get("task"), len(TASK_ORDER)), c[0]))


# ------------------------------------------------------------------------------------------- formatting
def _cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def _number(value, digits=3):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if abs(value) < 1:  # 0.588, 0.040; 3 significant digits below 0.001
        return f"{value:.{digits}f}" if abs(value) >= 0.001 or value == 0 else f"{value:.{digits}g}"
    return f"{value:,.{digits - 1}f}" if abs(value) < 100 else f"{value:,.0f}"


def _is_fraction_metric(key):
    return "accuracy" in key or "agreement" in key


def _percent(value):
    return f"{100 * value:.1f}%"


def metric_name(key):
    """fid_mnist -> FID-MNIST, fid_mnist_a -> FID-MNIST (domain A), fid_mnist_b2a -> FID-MNIST B→A,
    label_accuracy -> label accuracy; an unknown key -> its words."""
    if key in NAMES:
        return NAMES[key]
    match = re.fullmatch(r"(fid|kid|is)(?:_([a-z0-9]+))?((?:_[a-z0-9]+)*)", key)
    if match:
        prefix, dataset, rest = match.groups()
        name = prefix.upper() + (f"-{DATASETS.get(dataset, dataset.upper())}" if dataset else "")
        words = [SUFFIXES.get(w, WORDS.get(w, w)) for w in rest.split("_") if w]
        return " ".join([name] + words)
    return " ".join(WORDS.get(w, w) for w in key.split("_"))


def metric_value(key, value):
    """The value alone, formatted for its kind: FID/IS to 2 decimals, KID to 3, accuracies as %, PSNR in dB."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if key.startswith(("fid", "is_")) or key == "is":
        return f"{value:.2f}"
    if key.startswith("kid"):
        return f"{value:.3f}"
    if _is_fraction_metric(key) and 0 <= value <= 1:
        return _percent(value)
    if "psnr" in key:
        return f"{value:.2f} dB"
    return _number(value)


def format_metric(key, metric, headline=False):
    """'**FID-MNIST 7.54**', 'label accuracy 97.7% (worst class 95.0%)', 'some_new_key 0.123'."""
    if not isinstance(metric, dict):
        metric = {"value": metric}
    text = f"{metric_name(key)} {metric_value(key, metric.get('value'))}"
    if headline:
        text = f"**{text}**"
    extras = []
    for field, value in metric.items():
        if field in SKIP_FIELDS or isinstance(value, (dict, list)) or value is None:
            continue  # lists and tables (a code -> digit map) stay on the card
        label = FIELDS.get(field) or " ".join(w.upper() if len(w) == 1 else WORDS.get(w, w) for w in field.split("_"))
        if _is_fraction_metric(key) and isinstance(value, float) and 0 <= value <= 1:
            extras.append(f"{label} {_percent(value)}")
        else:
            extras.append(f"{label} {_number(value)}")
    return text + (f" ({'; '.join(extras)})" if extras else "")


def format_metrics(meta):
    metrics = meta.get("metrics") or {}
    headline = meta.get("headline_metric")
    keys = ([headline] if headline in metrics else []) + [k for k in metrics if k != headline]
    return "; ".join(format_metric(k, metrics[k], headline=k == headline) for k in keys) or "—"


def stored(meta):
    """'generator, 1.64 M params', 'generator (z, labels), ...', 'whole GAN, 3.86 M params, float16 weights'."""
    contents = meta.get("contents") or "model"
    if contents == "gan":
        what = "whole GAN"
    elif contents == "model":
        what = "classifier" if meta.get("task") == "image_to_label" else "model"
    else:
        what = contents
    inputs = [spec.get("name", "?") for spec in meta.get("inputs") or []]
    if len(inputs) > 1:
        what += f" ({', '.join(inputs)})"
    parts = [what]
    params = meta.get("parameter_count")
    if isinstance(params, int):
        parts.append(f"{params / 1e6:.2f} M params")
    dtype = meta.get("weights_dtype")
    if dtype and dtype != "float32":
        parts.append(f"{dtype} weights")
    return ", ".join(parts)


def epochs_steps(meta):
    epochs, steps = meta.get("epochs"), meta.get("steps")
    text = " / ".join(_number(v) if v is not None else "—" for v in (epochs, steps)) if steps is not None \
        else (_number(epochs) if epochs is not None else "—")
    batch = re.search(r"--batch-size[ =](\d+)", meta.get("training_command") or "")
    return text + (f" (batch {batch.group(1)})" if batch else "")


def train_time(meta):
    seconds = meta.get("training_time_seconds")
    if not isinstance(seconds, (int, float)):
        return "—"
    minutes = seconds / 60
    return f"{minutes:.1f} min" if minutes < 10 else f"{minutes:.0f} min"


def model_cell(meta):
    model, description = meta.get("model") or "", meta.get("description") or ""
    return f"`{model}`: {description}" if model and description else f"`{model}`" if model else description


def render(cards):
    """The Markdown between the markers (without them)."""
    lines = ["| Preset | Model | Stored | Epochs / steps | Metrics (headline in bold) | Train time |",
             "|---|---|---|---|---|---|"]
    for name, meta in cards:
        cells = [f"`{name}`", model_cell(meta), stored(meta), epochs_steps(meta), format_metrics(meta),
                 train_time(meta)]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    if not cards:
        lines.append("| (no presets in keras_gans/presets/) | | | | | |")
    lines += ["", "The command that trained each preset (`scripts/train_presets.sh` runs it, then publishes):", "",
              "| Preset | Training command |", "|---|---|"]
    for name, meta in cards:
        command = meta.get("training_command")
        lines.append(f"| `{name}` | " + (_cell(f"`{command}`") if command else "—") + " |")
    return "\n".join(lines)


def regenerate(text, cards, name="the README"):
    """`text` with the part between the markers replaced (as `write_marked_block` writes it); ValueError when the
    markers are missing or broken."""
    return _io.replace_marked_block(text, START, END, render(cards), name=name)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 and print a diff if stale")
    parser.add_argument("--readme", default=README, help="the README to rewrite (default: %(default)s)")
    parser.add_argument("--presets", default=PRESETS_DIR, help="the preset folders (default: %(default)s)")
    args = parser.parse_args(argv)
    with open(args.readme, encoding="utf-8", newline="") as f:
        old = f.read()
    cards = load_cards(args.presets)
    try:
        new = regenerate(old, cards, name=args.readme)
    except ValueError as e:
        print(e, file=sys.stderr)
        return 2
    shown = os.path.relpath(args.readme, ROOT) if os.path.abspath(args.readme).startswith(ROOT + os.sep) else args.readme
    if new == old:
        print(f"{shown} is up to date with the preset cards")
        return 0
    if args.check:
        sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), new.splitlines(True), shown, shown + " (cards)"))
        print(f"\n{shown} is stale: run `python scripts/presets_readme.py`", file=sys.stderr)
        return 1
    _io.write_marked_block(args.readme, START, END, render(cards))  # atomic: `new`, with the rest byte-identical
    print(f"rewrote the presets table of {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
