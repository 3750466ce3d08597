"""Equal-CPU benchmark: FID-MNIST of several training recipes, each given the same process-CPU budget.

    .venv/bin/python benchmarks/equal_cpu.py --configs dcgan,sagan --cpu-budget 600

What it measures: for each named configuration of `--configs` (a recipe of `keras_gans.recipes` with the flags
of a preset's training command, see `CONFIGS` below) the FID-MNIST reached after `--cpu-budget` seconds of
training CPU time, so recipes with cheap and dear steps are compared at equal cost rather than equal steps.
It is the check of issue 24's SAGAN goal: FID-MNIST ≤ 0.9 × DCGAN's at the same CPU budget (printed when
`dcgan` and a SAGAN configuration are both in the run).

How: each configuration is built as `keras-gans train` builds it (`keras.utils.set_random_seed(--seed)`, then
`recipes.get(name).build(recipe.args(**flags, seed=--seed))`: the compiled model, its dataset and callbacks)
and trained with `fit` until it has used `--cpu-budget` seconds of process CPU time (user + system, all
threads, `time.process_time`; benchmarks/quality.py's `Tracker` and `BudgetCallback`: the budget is checked
after every step, so a run ends within one step of it). Every `--eval-every` epochs, and at the end, a quick
FID-MNIST of 1,000 samples (z seed 123) scores the sampling generator — the EMA generator when the model
keeps one (`model.generate` samples from `model.sampling_generator`) — and keeps its weights when they are the
best so far; the CPU and wall time of these evaluations are not charged to the budget. The best snapshot is
then scored with `--n-samples` samples (z seed `--seed`, as the zoo cards: `model.generate(n, seed)`) against
the 500 held-out mnist-5k test images: FID-MNIST (and KID / IS-MNIST in the json). Each configuration's
ratio is its FID-MNIST over the first configuration's.

Writes `--out`/equal_cpu.json (every number, each configuration's flags and quick-FID curve, the protocol,
versions, date, command, load averages) and equal_cpu.md (the table), both atomically, and prints the table
with the load average (1 / 5 / 15 min, as `uptime`) at the start and the end.

`--set [CONFIG:]FLAG=VALUE` (repeatable) changes a recipe flag: of CONFIG only, or without `CONFIG:` of
every configuration whose recipe reads FLAG (e.g. `--set width=16 --set dcgan:batch_size=32`,
`--set steps_per_epoch=10`). `--seed` sets the recipes' seed; `--epochs` and `--fid-every` do not apply.

Caveats:
- The budget is process CPU time, so other programs on a shared machine do not eat into it, but the wall
  times do grow with the load; and CPU time itself is not load-free (cache and memory contention, hyper-
  threads), so compare configurations of one run, on one machine, rather than across runs.
- The budget includes everything `fit` does: tracing and compiling the train step (a few CPU seconds, a
  larger share of small budgets), the input pipeline and the callbacks. It excludes building the model.
- bfloat16 is only fast on CPUs with AVX-512 BF16 / AMX; elsewhere it is emulated and slower than float32.
- The best snapshot is picked by the quick FID of one z seed and then scored with another: a mild selection
  bias in favour of noisy curves, which a smaller `--eval-every` (more picks) increases.
- One seed per configuration: GAN runs vary from seed to seed, so a ratio near 0.9 decides little; repeat
  with other `--seed`s before quoting it.
- Training stops at a NaN loss (TerminateOnNaN); the best snapshot before it is scored. The CLI's
  DivergenceGuard, backups, CSV log and sample grids are not run (their cost is not charged).
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# benchmarks/quality.py (it sets KERAS_BACKEND and TF_CPP_MIN_LOG_LEVEL before importing Keras)
from quality import BudgetCallback, Tracker, score  # noqa: E402

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

from keras_gans import recipes  # noqa: E402
from keras_gans.metrics import format_protocol, reference_images  # noqa: E402
from keras_gans.utils import atomic_path  # noqa: E402

#: Named configurations: a recipe and its flags exactly as the preset's training command gives them
#: (--epochs, --fid-every and --out left out: the budget decides the length, this script scores).
CONFIGS = {
    # keras-gans train dcgan --dataset mnist-5k --update simultaneous --precision bfloat16 --ema-decay 0.999
    "dcgan": {"recipe": "dcgan", "preset": "dcgan_mnist",
              "flags": {"dataset": "mnist-5k", "update": "simultaneous", "precision": "bfloat16",
                        "ema_decay": 0.999}},
    # keras-gans train sagan --dataset mnist-5k --precision bfloat16 --ema-decay 0.99 --g-lr 4e-4 (D keeps 4e-4)
    "sagan": {"recipe": "sagan", "preset": "sagan_mnist",
              "flags": {"dataset": "mnist-5k", "precision": "bfloat16", "ema_decay": 0.99, "g_lr": 4e-4}},
    # the first sagan_mnist preset's recipe: the model's TTUR (D 4e-4, G 1e-4), float32, EMA 0.999
    "sagan-ttur": {"recipe": "sagan", "preset": None,
                   "flags": {"dataset": "mnist-5k", "ema_decay": 0.999}},
    # the same in bfloat16
    "sagan-bf16": {"recipe": "sagan", "preset": None,
                   "flags": {"dataset": "mnist-5k", "ema_decay": 0.999, "precision": "bfloat16"}},
    # the attention ablation of the first sagan_mnist recipe (sagan-ttur)
    "sagan-noattn": {"recipe": "sagan", "preset": None,
                     "flags": {"dataset": "mnist-5k", "ema_decay": 0.999, "attention": "off"}},
    # keras-gans train wgan_gp --dataset mnist-5k --ema-decay 0.99 (n_critic 5, Adam 1e-4, β 0, 0.9)
    "wgan_gp": {"recipe": "wgan_gp", "preset": "wgan_gp_mnist",
                "flags": {"dataset": "mnist-5k", "ema_decay": 0.99}},
    # a cheaper WGAN-GP: 2 critic steps per G step, Adam 2e-4 for both, bfloat16, EMA 0.999
    "wgan_gp-fast": {"recipe": "wgan_gp", "preset": None,
                     "flags": {"dataset": "mnist-5k", "ema_decay": 0.999, "precision": "bfloat16", "n_critic": 2,
                               "d_lr": 2e-4, "g_lr": 2e-4}},
}
GOAL = 0.9          # issue 24: SAGAN's FID-MNIST <= GOAL x DCGAN's at the same CPU budget
QUICK_SAMPLES = 1000  # what quality.Tracker's quick FID draws
NOT_SETTABLE = {"seed": "use --seed", "epochs": "the CPU budget decides the length",
                "fid_every": "this script scores the snapshots (--eval-every)"}


class ModelTracker(Tracker):
    """quality.Tracker for a keras_gans model: snapshots and samples its sampling generator (the EMA one if any)."""

    def __init__(self, name, model, budget, eval_every, real_quick):
        super().__init__(name, model.sampling_generator, budget, eval_every, real_quick)
        self.model = model

    def generate(self, n, seed=0, weights=None):
        return self.model.generate(n, seed=seed)  # model.latent(n, seed): the z of the zoo cards' scores


def parse_set(items):
    """`--set [CONFIG:]FLAG=VALUE` items as a list of (config or None, flag, value text)."""
    out = []
    for item in items:
        key, sep, value = item.partition("=")
        config, _, flag = key.rpartition(":")
        flag = flag.strip().replace("-", "_")
        if not sep or not flag:
            raise ValueError(f"--set {item!r}: expected [CONFIG:]FLAG=VALUE, e.g. width=16 or sagan:width=16")
        out.append((config.strip() or None, flag, value))
    return out


def resolve(names_text, sets, seed):
    """[(config name, recipe, recipe args, flags)] for `--configs` and `--set`; ValueError naming what is wrong.

    Everything is checked here, before any training or writing."""
    names = [n.strip() for n in names_text.split(",") if n.strip()]
    if not names:
        raise ValueError("--configs is empty; name some of: " + ", ".join(CONFIGS))
    unknown = [n for n in names if n not in CONFIGS]
    if unknown:
        raise ValueError(f"unknown configuration(s) {', '.join(map(repr, unknown))} in --configs; "
                         f"the configurations are: {', '.join(CONFIGS)} (defined in CONFIGS of equal_cpu.py)")
    if len(set(names)) != len(names):
        raise ValueError(f"--configs names a configuration twice: {names_text!r}")
    flags = {n: dict(CONFIGS[n]["flags"]) for n in names}
    readers = {n: set(recipes.get(CONFIGS[n]["recipe"]).flag_names()) for n in names}
    for config, flag, value in parse_set(sets):
        if flag in NOT_SETTABLE:
            raise ValueError(f"--set {flag}: not settable here ({NOT_SETTABLE[flag]})")
        if config is not None:
            if config not in flags:
                raise ValueError(f"--set {config}:{flag}: {config!r} is not in --configs ({', '.join(names)})")
            if flag not in readers[config]:
                raise ValueError(f"--set {config}:{flag}: the {CONFIGS[config]['recipe']} recipe has no flag {flag}; "
                                 f"its flags are {', '.join(sorted(readers[config]))}")
            flags[config][flag] = value
            continue
        targets = [n for n in names if flag in readers[n]]
        if not targets:
            raise ValueError(f"--set {flag}: no recipe of --configs ({', '.join(names)}) has a flag {flag}")
        for n in targets:
            flags[n][flag] = value
    out = []
    for n in names:
        recipe = recipes.get(CONFIGS[n]["recipe"])
        try:
            args = recipe.args(**flags[n], seed=seed)
        except (TypeError, ValueError) as e:
            raise ValueError(f"configuration {n!r}: {e}") from None
        out.append((n, recipe, args, {k: getattr(args, k) for k in flags[n]}))
    return out


def train_one(name, recipe, args, given, budget, eval_every, n_samples, seed, real_quick):
    """Builds and trains one configuration until `budget` CPU seconds; its result dict and protocol."""
    keras.utils.set_random_seed(seed)  # as `keras-gans train` does before building
    model, ds, callbacks = recipe.build(args)
    tracker = ModelTracker(name, model, budget, eval_every, real_quick)
    tracker.begin()
    model.fit(ds, epochs=10_000, steps_per_epoch=args.steps_per_epoch, verbose=0, shuffle=False,
              callbacks=[*callbacks, keras.callbacks.TerminateOnNaN(), BudgetCallback(tracker)])
    tracker.finish()
    best_fid, best_epoch, weights = tracker.best
    best_step = next((steps for epoch, steps, _, _ in tracker.curve if epoch == best_epoch), None)
    final = score(tracker, weights, n_samples, seed)  # weights None (no finite quick FID): the last snapshot
    result = {
        "recipe": recipe.name, "preset": CONFIGS[name]["preset"],
        "given_flags": given, "flags": {k: v for k, v in vars(args).items() if k not in ("model", *NOT_SETTABLE)},
        "model": type(model).__name__, "ema": getattr(model, "ema_generator", None) is not None,
        "steps": tracker.steps, "epochs": tracker.epochs, "train_cpu_s": round(tracker.used(), 1),
        "wall_s": round(tracker.wall, 1), "steps_per_cpu_s": round(tracker.steps / max(tracker.used(), 1e-9), 3),
        "best_quick_fid": None if weights is None else round(float(best_fid), 3),
        "best_epoch": best_epoch, "best_step": best_step,  # None: no finite quick FID
        "final": {k: float(final[k]) for k in ("fid", "kid", "kid_std", "is", "is_std")},
        "snapshot": "best" if weights is not None else "last",
        "curve": tracker.curve,
    }
    return result, final["protocol"]


def add_ratios(results):
    first = next(iter(results.values()))["final"]["fid"]
    for r in results.values():
        r["ratio"] = r["final"]["fid"] / first if first > 0 else None


def goal_lines(results):
    """The SAGAN goal's verdict for each SAGAN configuration, when `dcgan` is in the run; ({config: ...}, lines)."""
    if "dcgan" not in results:
        return {}, []
    dcgan = results["dcgan"]["final"]["fid"]
    verdicts, lines = {}, []
    for name, r in results.items():
        if r["recipe"] != "sagan":
            continue
        ratio = r["final"]["fid"] / dcgan if dcgan > 0 else float("inf")
        met = ratio <= GOAL
        verdicts[name] = {"ratio_to_dcgan": round(ratio, 4), "met": met}
        lines.append(f"SAGAN goal (≤ {GOAL:g} × dcgan): {'met' if met else 'not met'} — {name}: FID-MNIST "
                     f"{r['final']['fid']:.3f} = {ratio:.3f} × dcgan's {dcgan:.3f}")
    return verdicts, lines


def table(results, n_samples):
    first = next(iter(results))
    lines = [f"| config | steps | epochs | train CPU s | train wall s | best quick FID-MNIST ({QUICK_SAMPLES}) @ step | "
             f"FID-MNIST ({n_samples}) ↓ | ÷ {first} |",
             "|---|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        best = "—" if r["best_quick_fid"] is None else f"{r['best_quick_fid']:.3f} @ {r['best_step']}"
        ratio = "—" if r["ratio"] is None else f"{r['ratio']:.3f}"
        lines.append(f"| {name} | {r['steps']} | {r['epochs']} | {r['train_cpu_s']} | {r['wall_s']} | {best} | "
                     f"{r['final']['fid']:.3f} | {ratio} |")
    return "\n".join(lines)


def _load():
    return [round(v, 2) for v in os.getloadavg()]


def _fmt_load(load):
    return " / ".join(f"{v:.2f}" for v in load)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--configs", default="dcgan,sagan",
                   help=f"comma list of configurations, the first is the ratios' base (of: {', '.join(CONFIGS)}; "
                        "default dcgan,sagan)")
    p.add_argument("--cpu-budget", type=float, default=600.0, help="process CPU seconds per configuration (default 600)")
    p.add_argument("--eval-every", type=int, default=2, help="quick FID (1,000 samples) every N epochs (default 2)")
    p.add_argument("--n-samples", type=int, default=4500, help="samples of the best snapshot's score (default 4500)")
    p.add_argument("--seed", type=int, default=0, help="keras.utils.set_random_seed and the recipes' --seed (default 0)")
    p.add_argument("--set", action="append", default=[], metavar="[CONFIG:]FLAG=VALUE",
                   help="change a recipe flag of CONFIG, or of every configuration that reads FLAG (repeatable)")
    p.add_argument("--out", default="runs/bench_equal_cpu", help="folder of equal_cpu.json and .md")
    args = p.parse_args(argv)
    if args.cpu_budget <= 0 or args.eval_every < 1 or args.n_samples < 2 or args.seed < 0:
        raise SystemExit("equal_cpu.py: --cpu-budget must be > 0, --eval-every ≥ 1, --n-samples ≥ 2, --seed ≥ 0")
    try:
        runs = resolve(args.configs, args.set, args.seed)
    except ValueError as e:
        raise SystemExit(f"equal_cpu.py: {e}") from None

    date, load_start = time.strftime("%Y-%m-%d %H:%M %Z"), _load()
    print(f"TF {tf.__version__}, Keras {keras.__version__}; CPU budget {args.cpu_budget:g} s per configuration; "
          f"load average at start {_fmt_load(load_start)}", flush=True)
    real_quick = reference_images("mnist-5k", "test")
    results, protocol = {}, None
    for name, recipe, recipe_args, flags in runs:
        print(f"Training {name}: {recipe.name} " + " ".join(f"--{k.replace('_', '-')} {v}" for k, v in flags.items()),
              flush=True)
        results[name], protocol = train_one(name, recipe, recipe_args, flags, args.cpu_budget, args.eval_every,
                                            args.n_samples, args.seed, real_quick)
    add_ratios(results)
    verdicts, goal = goal_lines(results)
    load_end = _load()
    text = table(results, args.n_samples)
    notes = [f"load average (1 / 5 / 15 min) at start {_fmt_load(load_start)}, at end {_fmt_load(load_end)}",
             f"protocol: {format_protocol(protocol)}", *goal]
    print("\n" + text + "\n\n" + "\n".join(notes), flush=True)

    command = "python benchmarks/equal_cpu.py " + " ".join(argv if argv is not None else sys.argv[1:])
    record = {"command": command, "cpu_budget_s": args.cpu_budget, "eval_every": args.eval_every,
              "n_samples": args.n_samples, "quick_samples": QUICK_SAMPLES, "seed": args.seed,
              "configs": list(results), "results": results, "sagan_goal": verdicts, "goal_ratio": GOAL,
              "protocol": protocol, "versions": {"tensorflow": tf.__version__, "keras": keras.__version__},
              "date": date, "loadavg_start": load_start, "loadavg_end": load_end}
    with atomic_path(os.path.join(args.out, "equal_cpu.json")) as tmp, open(tmp, "w") as f:
        json.dump(record, f, indent=2, default=str)
    with atomic_path(os.path.join(args.out, "equal_cpu.md")) as tmp, open(tmp, "w", encoding="utf-8") as f:
        f.write(f"Run of {date}: `{command}` (TF {tf.__version__}, Keras {keras.__version__})\n\n"
                + text + "\n\n" + "\n\n".join(notes) + "\n")
    print(f"wrote {os.path.join(args.out, 'equal_cpu.json')} and equal_cpu.md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
