"""Scores every zoo preset with the package's metrics and prints markdown tables (with real-vs-real references).

    TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 OMP_NUM_THREADS=1 \
        .venv/bin/python benchmarks/zoo_metrics.py [--only NAME ...] [--json runs/zoo_metrics.json] [--update-docs]

The presets are enumerated with `keras_gans.zoo.list()` (built-in presets: `$KERAS_GANS_ZOO` and the
package's `keras_gans/presets/`), so presets added later are picked up by re-running. Each is scored by its task:

- **noise → image (MNIST generators)**: `evaluate_generator` of `kg.zoo.sampler(name)` — FID/KID/IS-MNIST
  of 4,500 samples (z from seed 0, the samples `kg.zoo.sample` draws; conditional presets cycle the labels
  0–9) against the 500 held-out mnist-5k test digits, features of the shipped MNIST classifier: the
  numbers `keras-gans eval NAME` prints. Samples of another size are resized by the extractor (the 32×32
  `progan_mnist_32`: bilinear, antialiased, to 28×28) and a CoGAN preset's 28×56 pairs are scored by their
  domain A half (its card's `fid_mnist_a`); the row says so.
  Conditional presets also get "accuracy": how often that classifier reads the requested label; InfoGAN
  presets (codes drawn from the prior, as `InfoGAN.generate`) the accuracy of the best code → digit assignment.
- **image → image onto MNIST-M (pix2pix, CycleGAN mnist→MNIST-M)**: `evaluate_translation` — the 500
  held-out test digits (`mnist-32` test) are translated and compared with the MNIST-M renderings of
  the same digits (`mnist-m` test) in the shipped MNIST-M classifier's feature space (FID/KID/IS-MNIST-M,
  KID subsets of 250), plus L1 against the aligned targets and the digit accuracy of that classifier
  on the translations.
- **image → label (classifiers)**: top-1 accuracy on the test split of the preset's dataset (500 images).

Reference rows use the same protocol with real images in place of model outputs: mnist-5k train
(4,500) vs test; for MNIST-M, the test digits re-rendered on new photo crops (what a perfect paired
translator could produce), the untranslated digits and each translator's network with random weights; the MNIST-M metric
classifier's own accuracy (the MNIST one is the `mnist_classifier` preset).
A preset whose task has no protocol here gets a row saying so rather than a made-up number.

`--update-docs` rewrites the block between `<!-- zoo-metrics:start -->` and `<!-- zoo-metrics:end -->`
in docs/metrics.md. `--json` writes every number with its full protocol dict.
"""
import argparse
import functools
import json
import os
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_GANS_OFFLINE", "1")

import numpy as np  # noqa: E402

import keras_gans as kg  # noqa: E402
from keras_gans import metrics as M  # noqa: E402
from keras_gans.data.mnistm import blend_mnistm, pad_to_32  # noqa: E402
from keras_gans.utils import write_marked_block  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(ROOT, "docs", "metrics.md")
START, END = "<!-- zoo-metrics:start -->", "<!-- zoo-metrics:end -->"
MNISTM_TARGETS = ("mnist2mnistm", "mnist-m")
RERENDER_SEED = 1


def _float(images):
    images = np.asarray(images)
    return images.astype("float32") / 127.5 - 1.0 if images.dtype == np.uint8 else images.astype("float32")


# ------------------------------------------------------------------------------------------ scoring
def score_generator(name, meta, n_samples, kid_subsets):
    # kg.zoo.sampler: the samples `keras-gans eval NAME` scores (and the card), so the numbers agree; a CoGAN
    # preset's domain A half of each pair; other sizes (ProGAN's 32×32) resized by the extractor, noted in the row
    draw = kg.zoo.sampler(name, seed=0, domain="a")
    state = {}

    @functools.wraps(draw)  # keeps samples_description and the other attributes
    def sampler(n):
        state["images"] = draw(n)
        return state["images"]

    scores = M.evaluate_generator(sampler, n_samples=n_samples, kid_subsets=kid_subsets, seed=0)
    scores["protocol"]["sample_seed"] = "z ~ np.random.default_rng(0) (kg.zoo.sample)"
    if draw.categories:  # InfoGAN: its codes are drawn from the prior, not cycled; score the code -> digit map
        coded = M.evaluate_code_accuracy(draw, n_samples=1000, seed=0)
        scores["accuracy"] = coded["code_accuracy"]
        scores["protocol"]["accuracy"] = ("best code -> digit assignment of the MNIST classifier's readings, 1,000 "
                                          "samples (categorical code 0-9 cycled; the card's code_accuracy)")
    elif len(meta["inputs"]) > 1:  # conditional: does the generated digit show the requested label?
        labels = np.arange(n_samples) % (meta.get("num_classes") or 10)
        probs = np.asarray(M.get_extractor("mnist").probabilities(state["images"]))
        scores["accuracy"] = float((probs.argmax(-1) == labels).mean())
        scores["protocol"]["accuracy"] = "MNIST classifier's top-1 agreement with the requested labels (0-9 cycled)"
    return scores, None


def score_translator(name, meta, kid_subsets):
    dataset = str(meta.get("dataset") or "")
    if meta.get("model") == "SRGAN":  # low-resolution inputs, not digits: its card's numbers are PSNR and accuracy
        return None, (f"super-resolution (×{meta.get('model_config', {}).get('scale', 4)}): PSNR "
                      f"and digit accuracy against bicubic on its card (`keras-gans eval {name}`), no FID")
    if not dataset.startswith(MNISTM_TARGETS):
        return None, f"no protocol for image-to-image presets on {dataset!r} (only digits → MNIST-M)"
    model = kg.zoo.load(name, part="gan") if meta["contents"] == "gan" else kg.zoo.load(name)
    return M.evaluate_translation(model, metrics=("fid", "kid", "is"), kid_subsets=kid_subsets), None


def score_classifier(name, meta):
    model = kg.zoo.load(name)
    dataset = meta.get("dataset") or "mnist-5k"
    x, y = kg.data.load_arrays(dataset, split="test")
    expected = tuple(model.input_shape[1:])
    if tuple(x.shape[1:]) != expected:
        return None, f"test images of {dataset!r} are {tuple(x.shape[1:])}, the classifier takes {expected}"
    probs = model.predict(_float(x), batch_size=500, verbose=0)
    acc = float((probs.argmax(-1) == y).mean())
    return {"accuracy": acc, "protocol": {"accuracy": f"top-1 accuracy on {dataset} split='test' ({len(y)} images), "
                                                      "pixels / 127.5 - 1"}}, None


def score_preset(row, n_samples, kid_subsets):
    name = row["name"]
    meta = kg.zoo.info(name)
    start = time.time()
    task = meta["task"]
    if task == "noise_to_image":
        scores, why = score_generator(name, meta, n_samples, kid_subsets)
    elif task == "image_to_image":
        scores, why = score_translator(name, meta, kid_subsets)
    elif task == "image_to_label":
        scores, why = score_classifier(name, meta)
    else:
        scores, why = None, f"unknown task {task!r}"
    return {"name": name, "model": meta["model"], "task": task, "dataset": meta.get("dataset"),
            "scores": scores, "skipped": why, "seconds": round(time.time() - start, 1)}


def untrained_copy(name):
    import keras

    import keras_gans  # noqa: F401  (registers the package's classes)

    keras.utils.set_random_seed(0)
    with open(os.path.join(kg.zoo.info(name)["path"], "config.json")) as f:
        model = keras.saving.deserialize_keras_object(json.load(f))
    return model.generator if hasattr(model, "generator") and hasattr(model, "translate") else model


def reference_rows(n_samples, kid_subsets, translators=()):
    rows = []
    base = M.real_baseline(kid_subsets=kid_subsets)
    rows.append({"name": "real vs real: mnist-5k train (4,500) vs test (500)", "task": "noise_to_image",
                 "reference": True, "scores": base})
    x, y = kg.data.load_arrays("mnist-m", split="test")
    real = _float(x)
    digits = pad_to_32(kg.data.load_arrays("mnist-5k", split="test")[0])
    rerendered = _float(blend_mnistm(digits, seed=RERENDER_SEED))
    rows.append({"name": f"real vs real: test digits re-rendered as MNIST-M (new crops, seed {RERENDER_SEED})",
                 "task": "image_to_image", "reference": True,
                 "scores": M.evaluate_translation(lambda src: rerendered, metrics=("fid", "kid", "is"),
                                                  kid_subsets=kid_subsets)})
    rows.append({"name": "untranslated: the mnist-32 test digits themselves", "task": "image_to_image",
                 "reference": True,
                 "scores": M.evaluate_translation(lambda src: src, metrics=("fid", "kid", "is"),
                                                  kid_subsets=kid_subsets)})
    for name in translators:  # the same network with fresh random weights: what training bought
        rows.append({"name": f"untrained copy of `{name}` (its config.json, random init, seed 0)",
                     "task": "image_to_image", "reference": True,
                     "scores": M.evaluate_translation(untrained_copy(name), metrics=("fid", "kid", "is"),
                                                      kid_subsets=kid_subsets)})
    for label, clf, data in (("metric classifier: MNIST-M (keras_gans.metrics.mnistm_classifier)",
                              M.mnistm_classifier(), "mnist-m"),):
        xs, ys = kg.data.load_arrays(data, split="test")
        acc = float((clf.predict(_float(xs), verbose=0).argmax(-1) == ys).mean())
        rows.append({"name": label, "task": "image_to_label", "reference": True, "dataset": data,
                     "scores": {"accuracy": acc, "protocol": {"accuracy": f"top-1 on {data} split='test' (500)"}}})
    return rows


# ------------------------------------------------------------------------------------------ tables
def _pm(scores, key, digits):
    if not scores or key not in scores:
        return "—"
    value = f"{scores[key]:.{digits}f}"
    std = scores.get(f"{key}_std")
    return f"{value} ± {std:.{digits}f}" if std is not None else value


def _name(row):
    return row["name"] if row.get("reference") else f"`{row['name']}` ({row['model']})"


def _samples_note(row):
    """How a generator's samples differ from plain 28×28 digits (a CoGAN's domain half, a resize), or ''."""
    if row.get("reference"):
        return ""
    protocol = (row.get("scores") or {}).get("protocol") or {}
    notes = [protocol[k] for k in ("fake", "resized") if protocol.get(k)]
    return f" — {'; '.join(notes)}" if notes else ""


def markdown(rows):
    out = []
    gens = [r for r in rows if r["task"] == "noise_to_image"]
    trans = [r for r in rows if r["task"] == "image_to_image"]
    clfs = [r for r in rows if r["task"] == "image_to_label"]
    other = [r for r in rows if r["task"] not in ("noise_to_image", "image_to_image", "image_to_label")]
    if gens:
        out += ["**Generators** — FID/KID/IS-MNIST: 4,500 samples (seed 0) vs the 500 mnist-5k test digits, "
                "MNIST classifier features; KID 100 subsets of 500; IS 10 splits. Accuracy (conditional models): "
                "the MNIST classifier reads the requested label; InfoGAN: the best code → digit assignment (1,000 "
                "samples, as its card's code_accuracy).", "",
                "| Preset | FID-MNIST ↓ | KID-MNIST ↓ | IS-MNIST ↑ | label accuracy |", "|---|---|---|---|---|"]
        for r in gens:
            s = r.get("scores")
            if s is None:
                out.append(f"| {_name(r)} | {r['skipped']} | | | |")
                continue
            out.append(f"| {_name(r)}{_samples_note(r)} | {_pm(s, 'fid', 2)} | {_pm(s, 'kid', 3)} | "
                       f"{_pm(s, 'is', 2)} | {_pm(s, 'accuracy', 3)} |")
        out.append("")
    if trans:
        out += ["**Digits → MNIST-M translators** — the 500 held-out test digits (`mnist-32` test) translated, vs "
                "the MNIST-M renderings of the same digits (`mnist-m` test), MNIST-M classifier features; KID 100 "
                "subsets of 250; IS 10 splits. L1: mean |G(a) − b| per pixel in [-1, 1] units against the aligned "
                "targets. Accuracy: the MNIST-M classifier reads the source digit's label in the translation.", "",
                "| Preset | FID-MNIST-M ↓ | KID-MNIST-M ↓ | IS-MNIST-M ↑ | L1 ↓ | digit accuracy ↑ |",
                "|---|---|---|---|---|---|"]
        for r in trans:
            s = r.get("scores")
            if s is None:
                out.append(f"| {_name(r)} | {r['skipped']} | | | | |")
                continue
            out.append(f"| {_name(r)} | {_pm(s, 'fid', 2)} | {_pm(s, 'kid', 3)} | {_pm(s, 'is', 2)} | "
                       f"{_pm(s, 'l1', 3)} | {_pm(s, 'accuracy', 3)} |")
        out.append("")
    if clfs:
        out += ["**Classifiers** — top-1 accuracy on the 500 held-out test images of their dataset.", "",
                "| Preset | dataset | test accuracy ↑ |", "|---|---|---|"]
        for r in clfs:
            s = r.get("scores")
            acc = _pm(s, "accuracy", 3) if s else r["skipped"]
            out.append(f"| {_name(r)} | {r.get('dataset') or '—'} | {acc} |")
        out.append("")
    for r in other:
        out.append(f"- `{r['name']}`: {r['skipped']}")
    return "\n".join(out).rstrip() + "\n"


def protocol_lines(rows):
    seen, lines = set(), []
    for r in rows:
        s = r.get("scores") or {}
        p = s.get("protocol")
        if p and ("fid" in s or "kid" in s):
            line = M.format_protocol({k: v for k, v in p.items()
                                      if k not in ("n_fake", "fake", "resized", "sample_seed")})  # in the rows
            if line not in seen:
                seen.add(line)
                lines.append(f"- {line}")
    return lines


def update_docs(text, path=DOCS):
    write_marked_block(path, START, END, text)  # atomic; the rest of the page stays byte-identical


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", nargs="*", help="score only these presets (default: every built-in preset)")
    p.add_argument("-n", "--n-samples", type=int, default=M.evaluate.DEFAULT_N_SAMPLES)
    p.add_argument("--kid-subsets", type=int, default=M.evaluate.KID_SUBSETS)
    p.add_argument("--no-reference", action="store_true", help="skip the real-vs-real reference rows")
    p.add_argument("--json", help="write every number with its protocol here")
    p.add_argument("--update-docs", action="store_true", help=f"rewrite the zoo-metrics block of {DOCS}")
    args = p.parse_args(argv)

    start = time.time()
    presets = [r for r in kg.zoo.list() if r["source"] == "built-in"]
    if args.only:
        unknown = set(args.only) - {r["name"] for r in presets}
        if unknown:
            raise SystemExit(f"unknown preset(s) {sorted(unknown)}; built-in: {[r['name'] for r in presets]}")
        presets = [r for r in presets if r["name"] in args.only]
    rows = []
    for preset in presets:
        row = score_preset(preset, args.n_samples, args.kid_subsets)
        print(f"{row['name']}: {row['skipped'] or {k: v for k, v in row['scores'].items() if k != 'protocol'}} "
              f"({row['seconds']} s)", file=sys.stderr, flush=True)
        rows.append(row)
    if not args.no_reference:
        translators = [r["name"] for r in rows if r["task"] == "image_to_image" and r["scores"] is not None]
        rows += reference_rows(args.n_samples, args.kid_subsets, translators)
    table = markdown(rows)
    footer = (f"\nProtocols (`keras_gans.metrics.format_protocol`):\n\n" + "\n".join(protocol_lines(rows)) + "\n"
              f"\nGenerated by `python benchmarks/zoo_metrics.py --update-docs` "
              f"({len(presets)} presets, {time.time() - start:.0f} s wall on a shared 2-core CPU).\n")
    text = table + footer
    print(text)
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=2, default=str)
    if args.update_docs:
        update_docs(text)
        print(f"updated {DOCS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
