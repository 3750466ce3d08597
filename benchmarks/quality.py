"""Quality benchmark: the book DCGAN trained by our `fit` vs a plain keras-io-style loop, same CPU budget.

    .venv/bin/python benchmarks/quality.py [--cpu-budget 300] [--seed 0] [--out runs/bench_quality] [--update-docs]
    .venv/bin/python benchmarks/quality.py --update-docs --from-json runs/bench_quality/quality.json  # no training

Both trainers start from the same initial weights (the book's chapter 4 networks, latent 100),
use the same optimisers (Adam(2e-4, β1 = 0.5) for D and G), the same non-saturating BCE loss on
logits, batch size 64 and the same mnist-5k *train* pipeline. Each trains until it has used
`--cpu-budget` seconds of process CPU time (user + system, all threads; measured with
`time.process_time`, so other programs on a shared machine do not eat into it). Every
`--eval-every` epochs a quick FID-MNIST (1,000 samples; its CPU time is not charged to the
budget) picks the best snapshot, as DESIGN.md advises for this unstable recipe.

Reported for the last and the best snapshot of each trainer: FID-MNIST, KID-MNIST and IS-MNIST
of 4,500 samples against the 500 held-out mnist-5k test images, plus the real-vs-real baseline
(the 4,500 train images in place of samples). The protocol is printed with the table and saved
with it in `--out`/quality.json and quality.md, with sample grids of both trainers.

The plain loop follows keras-io's DCGAN example (alternating: a D step on real and fresh fake
images, then a G step on new latent vectors, labels 1 = real), written as a `tf.function` over a
`tf.data` iterator — without keras-io's label noise, so only the training plumbing differs.

`--update-docs` then rewrites the block between `<!-- quality-bar:start -->` and `<!-- quality-bar:end -->`
of docs/metrics.md (appended at the end of the file if it has none; zoo_metrics.py's block is left
alone): this run's table, date, command and load average, the bar (0.5 × the plain loop's best-snapshot
FID-MNIST) and every built-in noise → image preset's FID-MNIST from its card (`fid_mnist`; a CoGAN's
`fid_mnist_a`, its domain A half), its ratio to the plain loop's and whether it meets the bar. The cards
are read, not re-sampled, so `--from-json` rebuilds the block from a saved quality.json in seconds (after
a preset changes) without training; a malformed file stops it with a message and writes nothing.

Measured 2026-11-23 (`--cpu-budget 180 --eval-every 2`, seed 0; TF 2.21, Keras 3.15.1, 2-core CPU shared
with other jobs at load ≈ 30, hence the wall times):

| trainer | steps (epochs) | train CPU s | train wall s | FID-MNIST ↓ | KID-MNIST ↓ | IS-MNIST ↑ |
|---|---|---|---|---|---|---|
| keras_gans fit | 551 (8) | 180.2 | 1069.8 | 45.243 | 1.603 ± 0.034 | 5.140 ± 0.086 |
| plain loop | 539 (8) | 180.2 | 1312.5 | 41.583 | 1.497 ± 0.035 | 5.481 ± 0.127 |
| real vs real (train vs test) | — | — | — | 0.338 | -0.02337 ± 0.019 | 9.888 ± 0.033 |

(last = best snapshot for both: FID was still falling at the end of the budget.) Quick FID-MNIST
(1,000 samples) every 2 epochs, ours vs plain: 347.8/362.9, 65.4/66.4, 47.3/49.3, 47.1/41.8 — the same
trajectory within run-to-run noise. Protocol: mnist_classifier (sha256 01d0e46fb4114202…), 28×28 grey,
n_fake 4,500 vs n_real 500 (mnist-5k test), KID 100 subsets of 500, IS 10 splits, sample seed 0.
"""
import argparse
import json
import math
import numbers
import os
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

import keras_gans as kg  # noqa: E402
from keras_gans.metrics import evaluate_generator, format_protocol, real_baseline, reference_images  # noqa: E402
from keras_gans.utils import atomic_path, make_grid, save_image, write_marked_block  # noqa: E402

LATENT = 100
BATCH = 64
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(ROOT, "docs", "metrics.md")
START, END = "<!-- quality-bar:start -->", "<!-- quality-bar:end -->"  # zoo_metrics.py's block: zoo-metrics
BAR = 0.5          # a preset meets the bar when its FID-MNIST <= BAR x the plain loop's best-snapshot FID-MNIST
PLAIN = "plain loop"
CARD_FID_KEYS = ("fid_mnist", "fid_mnist_a")  # a CoGAN card scores its domain A half: fid_mnist_a


def cpu():
    return time.process_time()


class Tracker:
    """Charges training CPU time to a budget, evaluates snapshots, keeps the best weights."""

    def __init__(self, name, generator, budget, eval_every, real_quick):
        self.name, self.generator, self.budget, self.eval_every = name, generator, budget, eval_every
        self.real_quick = real_quick
        self.start_cpu = self.start_wall = None
        self.excluded = 0.0
        self.excluded_wall = 0.0
        self.train_cpu = None
        self.steps = 0
        self.epochs = 0
        self.curve = []          # (epoch, steps, train cpu s, quick FID)
        self.best = (np.inf, None, None)  # (fid, epoch, weights)

    def begin(self):
        self.start_cpu, self.start_wall = cpu(), time.time()

    def used(self):
        if self.train_cpu is not None:
            return self.train_cpu
        return cpu() - self.start_cpu - self.excluded

    def finish(self):
        self.train_cpu = self.used()
        self.wall = time.time() - self.start_wall - self.excluded_wall

    def over(self):
        return self.used() >= self.budget

    def end_epoch(self, final=False):
        self.epochs += 1
        if self.epochs % self.eval_every and not final:
            return
        used, t0, w0 = self.used(), cpu(), time.time()  # the train CPU so far: not this evaluation's
        sample = lambda n: self.generate(n, seed=123)  # noqa: E731
        fid = evaluate_generator(sample, metrics=("fid",), real=self.real_quick, n_samples=1000)["fid"]
        self.curve.append((self.epochs, self.steps, round(used, 1), round(fid, 3)))
        print(f"  [{self.name}] epoch {self.epochs} step {self.steps} train-cpu {used:.0f}s "
              f"quick FID-MNIST {fid:.3f}", flush=True)
        if fid < self.best[0]:
            self.best = (fid, self.epochs, [w.copy() for w in self.generator.get_weights()])
        self.excluded += cpu() - t0
        self.excluded_wall += time.time() - w0

    def generate(self, n, seed=0, weights=None):
        z = np.random.default_rng(seed).standard_normal((n, LATENT)).astype("float32")
        out = []
        for s in range(0, n, 500):
            out.append(keras.ops.convert_to_numpy(self.generator(z[s:s + 500], training=False)))
        return np.concatenate(out)


class BudgetCallback(keras.callbacks.Callback):
    def __init__(self, tracker):
        super().__init__()
        self.tracker = tracker

    def on_train_batch_end(self, batch, logs=None):
        self.tracker.steps += 1
        if self.tracker.over():
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        self.tracker.end_epoch(final=self.model.stop_training)


def build_networks(seed):
    keras.utils.set_random_seed(seed)
    g = kg.networks.dcgan_nets.book_dcgan_generator(latent_dim=LATENT)
    d = kg.networks.dcgan_nets.book_dcgan_discriminator()
    return g, d


def clone(model):
    copy = keras.models.clone_model(model)
    copy.set_weights(model.get_weights())
    return copy


def train_ours(g, d, ds, args, real_quick):
    gan = kg.models.DCGAN(generator=g, discriminator=d, latent_dim=LATENT, seed=args.seed)
    gan.compile()  # Adam(2e-4, beta_1=0.5) x 2, non-saturating loss
    tracker = Tracker("keras_gans fit", g, args.cpu_budget, args.eval_every, real_quick)
    tracker.begin()
    gan.fit(ds, epochs=10_000, verbose=0, callbacks=[BudgetCallback(tracker)])
    tracker.finish()
    return tracker


def train_plain(g, d, ds, args, real_quick):
    """keras-io's DCGAN algorithm as a plain tf.function loop."""
    d_opt = keras.optimizers.Adam(2e-4, beta_1=0.5)
    g_opt = keras.optimizers.Adam(2e-4, beta_1=0.5)
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    seed = keras.random.SeedGenerator(args.seed + 1)

    @tf.function
    def step(real):
        n = tf.shape(real)[0]
        z = keras.random.normal((n, LATENT), seed=seed)
        fake = g(z, training=True)
        with tf.GradientTape() as tape:
            real_logits = d(real, training=True)
            fake_logits = d(fake, training=True)
            d_loss = bce(tf.ones_like(real_logits), real_logits) + bce(tf.zeros_like(fake_logits), fake_logits)
        d_opt.apply(tape.gradient(d_loss, d.trainable_variables), d.trainable_variables)
        z = keras.random.normal((n, LATENT), seed=seed)
        with tf.GradientTape() as tape:
            fake_logits = d(g(z, training=True), training=True)
            g_loss = bce(tf.ones_like(fake_logits), fake_logits)
        g_opt.apply(tape.gradient(g_loss, g.trainable_variables), g.trainable_variables)
        return d_loss, g_loss

    tracker = Tracker("plain loop", g, args.cpu_budget, args.eval_every, real_quick)
    tracker.begin()
    done = False
    while not done:
        for real in ds:
            step(real)
            tracker.steps += 1
            if tracker.over():
                done = True
                break
        tracker.end_epoch(final=done)
    tracker.finish()
    return tracker


def score(tracker, weights, n_samples, seed):
    saved = tracker.generator.get_weights()
    if weights is not None:
        tracker.generator.set_weights(weights)
    try:
        return evaluate_generator(lambda n: tracker.generate(n, seed=seed), n_samples=n_samples, seed=seed)
    finally:
        tracker.generator.set_weights(saved)


def results_table(results):
    """The markdown table of a run's `results` (quality.json's "results"): last and best snapshot of each trainer."""
    lines = [
        "| trainer | steps (epochs) | train CPU s | train wall s | snapshot | FID-MNIST ↓ | KID-MNIST ↓ | IS-MNIST ↑ |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        snaps = [("last", r["last"])] + ([(f"best (epoch {r['best_epoch']})", r["best"])] if "best" in r else [])
        for label, m in snaps:
            head = (f"{r['steps']} ({r['epochs']})", r["train_cpu_s"], r["wall_s"]) if "steps" in r else ("—", "—", "—")
            lines.append(f"| {name} | {head[0]} | {head[1]} | {head[2]} | {label} | {m['fid']:.3f} | "
                         f"{m['kid']:.4g} ± {m['kid_std']:.2g} | {m['is']:.3f} ± {m['is_std']:.3f} |")
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------ docs/metrics.md
def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def check_record(record):
    """Raises ValueError naming the first thing a quality.json-like dict lacks for the docs section."""
    if not isinstance(record, dict):
        raise ValueError("expected a JSON object (what quality.py writes to quality.json), "
                         f"got {type(record).__name__}")
    for key in ("command", "cpu_budget_s", "results"):
        if key not in record:
            raise ValueError(f"no {key!r} key (keys: {sorted(record)})")
    if not isinstance(record["command"], str) or not _is_number(record["cpu_budget_s"]):
        raise ValueError(f"'command' must be a string and 'cpu_budget_s' a number, got {record['command']!r} and "
                         f"{record['cpu_budget_s']!r}")
    results = record["results"]
    if not isinstance(results, dict) or PLAIN not in results:
        raise ValueError(f"'results' has no {PLAIN!r} entry (the bar is 0.5 x its best-snapshot FID-MNIST)")
    for name, r in results.items():
        if not isinstance(r, dict):
            raise ValueError(f"results[{name!r}] is not an object")
        needed = ["last"] + (["steps", "epochs", "train_cpu_s", "wall_s", "best_epoch", "best"]
                             if name != "real vs real" else [])
        for key in needed:
            if key not in r:
                raise ValueError(f"results[{name!r}] has no {key!r}")
        for snap in ("last", "best"):
            if snap not in r:
                continue
            for metric in ("fid", "kid", "kid_std", "is", "is_std"):
                value = (r[snap] or {}).get(metric) if isinstance(r[snap], dict) else None
                if not _is_number(value):
                    raise ValueError(f"results[{name!r}][{snap!r}][{metric!r}] is {value!r}, not a finite number")
    if results[PLAIN]["best"]["fid"] <= 0:
        raise ValueError(f"the plain loop's best FID-MNIST is {results[PLAIN]['best']['fid']!r}; it must be > 0")


def load_record(path):
    """quality.json as a dict, checked; ValueError (with the path) if it cannot make the docs section."""
    try:
        with open(path) as f:
            record = json.load(f)
    except OSError as e:
        raise ValueError(f"cannot read {path}: {e.strerror or e}") from e
    except json.JSONDecodeError as e:
        raise ValueError(f"{path} is not JSON ({e})") from e
    try:
        check_record(record)
    except ValueError as e:
        raise ValueError(f"{path} is not a quality.py result: {e}") from e
    return record


def card_fid(meta):
    """(metric key, value) of a generator card's FID-MNIST (fid_mnist, or fid_mnist_a for a CoGAN), or (None, None)."""
    metrics = meta.get("metrics") or {}
    for key in CARD_FID_KEYS:
        entry = metrics.get(key)
        value = entry.get("value") if isinstance(entry, dict) else entry
        if _is_number(value):
            return key, float(value)
    return None, None


def preset_rows(plain_fid):
    """Every built-in noise_to_image preset: name, model, card FID key and value, ratio to plain_fid, meets the bar."""
    rows = []
    for row in kg.zoo.list():
        if row.get("source") != "built-in":
            continue
        meta = kg.zoo.info(row["name"])
        if meta.get("task") != "noise_to_image":
            continue
        key, fid = card_fid(meta)
        ratio = None if fid is None else fid / plain_fid
        rows.append({"name": row["name"], "model": meta.get("model"), "key": key, "fid": fid, "ratio": ratio,
                     "meets": fid is not None and fid <= BAR * plain_fid})
    return rows


def _loadavg(value):
    if isinstance(value, (list, tuple)) and len(value) == 3 and all(_is_number(v) for v in value):
        return " / ".join(f"{v:.2f}" for v in value)
    return "not recorded"


def quality_section(record, rows=None):
    """The markdown between START and END for a run's result dict (what quality.json holds).

    `rows`: the preset rows (default: read from the built-in presets' cards by `preset_rows`)."""
    check_record(record)
    results = record["results"]
    plain = results[PLAIN]["best"]["fid"]
    bar = BAR * plain
    rows = preset_rows(plain) if rows is None else rows
    versions = record.get("versions") or {}
    ver = ", ".join(f"{k} {v}" for k, v in versions.items()) if isinstance(versions, dict) else ""
    out = ["## Presets against a plain training loop", "",
           f"`benchmarks/quality.py` trains the book DCGAN with `fit` and with a plain keras-io-style loop for "
           f"{record['cpu_budget_s']:g} process-CPU seconds each (same initial weights, optimisers, loss, batch 64, "
           "mnist-5k train; a quick FID-MNIST every few epochs picks the best snapshot) and scores the last and "
           "the best snapshot with the protocol above (4,500 samples vs the 500 mnist-5k test digits).", "",
           f"Run of {record.get('date') or 'an unrecorded date'}: `{record['command']}`"
           + (f" ({ver})" if ver else "") + f"; load average (1 / 5 / 15 min) {_loadavg(record.get('loadavg_start'))} "
           f"at the start, {_loadavg(record.get('loadavg_end'))} at the end.", "",
           results_table(results), ""]
    protocol = record.get("protocol")
    if isinstance(protocol, dict):
        out += [f"Protocol: {format_protocol(protocol)}.", ""]
    out += [f"**The bar**: FID-MNIST ≤ {BAR:g} × the plain loop's best-snapshot FID-MNIST = "
            f"{BAR:g} × {plain:.3f} = **{bar:.3f}**. Each built-in noise → image preset's FID-MNIST is its "
            "card's (`metadata.json`: `fid_mnist`, or `fid_mnist_a` for CoGAN's domain A half; the same "
            "protocol, 4,500 samples of z seed 0), read, not re-sampled.", "",
            f"| Preset | FID-MNIST ↓ (card) | ÷ plain loop's {plain:.3f} | meets the bar (≤ {BAR:g}×) |",
            "|---|---|---|---|"]
    for r in rows:
        name = f"`{r['name']}` ({r['model']})" + (f", `{r['key']}`" if r["key"] not in (None, "fid_mnist") else "")
        if r["fid"] is None:
            out.append(f"| {name} | no FID-MNIST on its card | — | no |")
        else:
            out.append(f"| {name} | {r['fid']:.2f} | {r['ratio']:.3f} | {'yes' if r['meets'] else '**no**'} |")
    met = sum(r["meets"] for r in rows)
    out += ["", f"{met} of {len(rows)} generator presets meet the bar. Rebuild this block after a preset changes, "
            "without training: "
            "`python benchmarks/quality.py --update-docs --from-json runs/bench_quality/quality.json`.", ""]
    return "\n".join(out)


def update_docs(text, path=DOCS):
    """Replaces the START ... END block of `path` with `text` (appends one at the end if there is none).

    Everything outside the block stays byte-identical; a broken block (one marker, several, or END before
    START) raises ValueError and writes nothing."""
    write_marked_block(path, START, END, text, append=True)


def check_docs(path):
    """Fails early (before a long run) if `path` cannot take the block."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = f.read()
    except OSError as e:
        raise SystemExit(f"cannot read {path} for --update-docs: {e.strerror or e}") from None
    starts, ends = doc.count(START), doc.count(END)
    if (starts, ends) not in ((0, 0), (1, 1)) or (starts and doc.index(START) > doc.index(END)):
        raise SystemExit(f"{path} has {starts} {START} and {ends} {END} marker(s), out of order or not one "
                         "of each; fix it before running with --update-docs.")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cpu-budget", type=float, default=300.0, help="process CPU seconds per trainer (default 300)")
    p.add_argument("--eval-every", type=int, default=3, help="quick FID every N epochs (default 3)")
    p.add_argument("--n-samples", type=int, default=4500)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="runs/bench_quality")
    p.add_argument("--update-docs", action="store_true",
                   help=f"after the run, rewrite the {START} block of --docs (appended if missing)")
    p.add_argument("--from-json", metavar="QUALITY_JSON",
                   help="no training: build the docs block from a saved quality.json "
                        "(printed; written with --update-docs)")
    p.add_argument("--docs", default=DOCS, help=f"the page --update-docs rewrites (default {DOCS})")
    args = p.parse_args(argv)
    if args.from_json:
        try:
            text = quality_section(load_record(args.from_json))
            if args.update_docs:
                update_docs(text, args.docs)
        except (ValueError, OSError) as e:
            raise SystemExit(f"quality.py --from-json: {e}") from None
        print(text)
        if args.update_docs:
            print(f"updated {args.docs}", file=sys.stderr)
        return 0
    if args.update_docs:
        check_docs(args.docs)
    date, load_start = time.strftime("%Y-%m-%d %H:%M %Z"), [round(v, 2) for v in os.getloadavg()]
    os.makedirs(args.out, exist_ok=True)
    print(f"TF {tf.__version__}, Keras {keras.__version__}, CPU budget {args.cpu_budget:.0f} s per trainer", flush=True)

    real_quick = reference_images("mnist-5k", "test")
    g, d = build_networks(args.seed)
    g2, d2 = clone(g), clone(d)
    ds = kg.data.load("mnist-5k", batch_size=BATCH, seed=args.seed)

    results = {}
    for name, trainer, nets in (("keras_gans fit", train_ours, (g, d)), ("plain loop", train_plain, (g2, d2))):
        print(f"Training: {name}", flush=True)
        tracker = trainer(*nets, ds, args, real_quick)
        last = score(tracker, None, args.n_samples, args.seed)
        best = score(tracker, tracker.best[2], args.n_samples, args.seed)
        save_image(make_grid(tracker.generate(64, seed=1)), os.path.join(args.out, f"{name.split()[0]}_last.png"))
        results[name] = {
            "steps": tracker.steps, "epochs": tracker.epochs, "train_cpu_s": round(tracker.used(), 1),
            "wall_s": round(tracker.wall, 1), "steps_per_cpu_s": round(tracker.steps / tracker.used(), 3),
            "last": {k: last[k] for k in ("fid", "kid", "kid_std", "is", "is_std")},
            "best_epoch": tracker.best[1],
            "best": {k: best[k] for k in ("fid", "kid", "kid_std", "is", "is_std")},
            "curve": tracker.curve,
        }
        protocol = last["protocol"]
    base = real_baseline()
    results["real vs real"] = {"last": {k: base[k] for k in ("fid", "kid", "kid_std", "is", "is_std")}}

    table = results_table(results)
    protocol_line = format_protocol(protocol)
    print("\n" + table + "\n\nprotocol: " + protocol_line + f"\nreal-vs-real: {format_protocol(base['protocol'])}")
    record = {"command": "python benchmarks/quality.py " + " ".join(argv if argv is not None else sys.argv[1:]),
              "cpu_budget_s": args.cpu_budget, "seed": args.seed, "results": results, "protocol": protocol,
              "baseline_protocol": base["protocol"],
              "versions": {"tensorflow": tf.__version__, "keras": keras.__version__},
              "date": date, "loadavg_start": load_start, "loadavg_end": [round(v, 2) for v in os.getloadavg()]}
    with atomic_path(os.path.join(args.out, "quality.json")) as tmp:
        with open(tmp, "w") as f:
            json.dump(record, f, indent=2, default=str)
    with atomic_path(os.path.join(args.out, "quality.md")) as tmp:
        with open(tmp, "w") as f:
            f.write(table + "\n\nprotocol: " + protocol_line + "\n")
    if args.update_docs:  # from the file just written, as --from-json would: the same numbers, to the digit
        saved = os.path.join(args.out, "quality.json")
        try:
            update_docs(quality_section(load_record(saved)), args.docs)
        except (ValueError, OSError) as e:
            raise SystemExit(f"quality.py --update-docs: {e} (the run is saved in {saved})") from None
        print(f"updated {args.docs}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
