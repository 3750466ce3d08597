"""`keras-gans zoo list|info|sample|export`: the pretrained presets.

    keras-gans zoo list [--model DCGAN] [--dataset mnist]
    keras-gans zoo info dcgan_mnist
    keras-gans zoo sample dcgan_mnist -n 64 -o grid.png --seed 0
    keras-gans zoo export dcgan_mnist serving/dcgan_mnist
"""
import json

from keras_gans.recipes.base import at_least_2, non_negative_float, non_negative_int, positive_int


def add_arguments(p):
    sub = p.add_subparsers(dest="zoo_command", metavar="ACTION", required=True)
    q = sub.add_parser("list", help="the presets: name, model, dataset, resolution, parameters, headline metric")
    q.add_argument("--model", help="only this model's presets (a class name such as DCGAN; any case)")
    q.add_argument("--dataset", help="only presets trained on this dataset (mnist-5k, or mnist for mnist-*)")
    q = sub.add_parser("info", help="a preset's card (metadata.json)")
    q.add_argument("preset", help="preset name, folder or URL")
    q.add_argument("--json", action="store_true", help="print the raw metadata as JSON")
    q = sub.add_parser("sample", help="write a grid of samples from a preset")
    q.add_argument("preset", help="preset name, folder or URL")
    q.add_argument("-n", type=positive_int, default=64, help="number of samples (default: 64)")
    q.add_argument("-o", "--output", default="samples.png", help="PNG to write (default: samples.png)")
    q.add_argument("--seed", type=non_negative_int, default=0, help="random seed (default: 0)")
    q.add_argument("--overwrite", action="store_true", help="replace the output file if it exists")
    q = sub.add_parser("publish", help="publish a trained .keras model as a preset folder (optionally evaluated)")
    q.add_argument("model_file", help="a .keras file written by `keras-gans train` (or gan.save)")
    q.add_argument("directory", help="preset folder to write, e.g. zoo/dcgan_mnist")
    q.add_argument("--name", help="preset name (default: the folder's name)")
    q.add_argument("--dataset", help="training data (default: the run's --dataset from command.json, else mnist-5k)")
    q.add_argument("--description", default="", help="one line for `zoo list` and the card")
    q.add_argument("--part", default="generator",
                   help="what to store: generator (default), gan, or a network attribute such as classifier")
    q.add_argument("--training-command", help="the command that trained it (default: from command.json beside "
                   "the model file)")
    q.add_argument("--training-time", type=non_negative_float, help="training wall time in seconds")
    q.add_argument("--eval", action="store_true", help="measure FID/KID/IS-MNIST (or a classifier's test "
                   "accuracy) with keras_gans.metrics and put them on the card")
    q.add_argument("--n-samples", type=at_least_2, default=4500, help="generated images for --eval (default: 4500)")
    q.add_argument("--eval-pairs", default="mnist2mnistm-test",
                   help="aligned test pairs for --eval of an image-to-image generator (default: mnist2mnistm-test)")
    q.add_argument("--weights-dtype", choices=("float32", "float16"), default="float32")
    q.add_argument("--notes", default="", help="free text for the card")
    q.add_argument("--overwrite", action="store_true", help="replace an existing, non-empty preset folder")
    q = sub.add_parser("export", help="export a preset as a SavedModel (serving)")
    q.add_argument("preset", help="preset name, folder or URL")
    q.add_argument("directory", help="SavedModel folder to write (missing parents are created)")
    q.add_argument("--overwrite", action="store_true", help="replace DIRECTORY if it exists and is not empty")


def run(args):
    actions = {"list": _list, "info": _info, "sample": _sample, "export": _export, "publish": _publish}
    return actions[args.zoo_command](args)


def _list(args):
    from keras_gans.zoo import list_presets

    rows = list_presets(model=args.model, dataset=args.dataset)
    if not rows and (args.model or args.dataset):
        print(f"No preset matches --model {args.model or '(any)'} --dataset {args.dataset or '(any)'}. "
              "`keras-gans zoo list` shows them all.")
        return 0
    if not rows:
        print("No presets found. Built-in presets ship in keras_gans/presets/ (reinstall keras-gans), "
              "or set KERAS_GANS_ZOO.")
        return 0
    cols = ("name", "model", "dataset", "resolution", "parameters", "metric")
    table = [[str(r.get(c) if r.get(c) is not None else "-") for c in cols] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in table)) for i, c in enumerate(cols)]
    print("  ".join(c.ljust(w) for c, w in zip(cols, widths)))
    for row in table:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths)))
    return 0


def _info(args):
    from keras_gans.zoo import info

    m = info(args.preset)
    if args.json:
        print(json.dumps(m, indent=1))
        return 0
    keys = ("name", "description", "model", "contents", "task", "dataset", "resolution", "latent_dim",
            "parameter_count", "weights_dtype", "seed", "epochs", "steps", "training_time_seconds",
            "training_command", "keras_version", "keras_gans_version", "path")
    for key in keys:
        print(f"{key:22s} {m.get(key)}")
    for name, entry in m.get("metrics", {}).items():
        print(f"{'metric ' + name:22s} {entry['value']:.4g}  ({entry['protocol']})")
    curve = m.get("fid_curve")
    if curve:
        print(f"{'fid_curve':22s} {len(curve)} points: {curve[0][1]:.4g} at step {curve[0][0]} -> "
              f"{curve[-1][1]:.4g} at step {curve[-1][0]}  ({m.get('fid_curve_label')}; --json lists them)")
    return 0


def _sample(args):
    from keras_gans.utils.images import check_image_path
    from keras_gans.utils.io import check_target

    check_target(args.output, args.overwrite)
    check_image_path(args.output)
    from keras_gans.utils.images import make_grid, save_image
    from keras_gans.zoo import info, sample

    images = sample(args.preset, args.n, seed=args.seed)
    save_image(make_grid(images, value_range=tuple(info(args.preset)["output_range"])), args.output)
    print(f"Wrote {args.n} samples of {args.preset} to {args.output}")
    return 0


def _export(args):
    from keras_gans.zoo import export_preset

    export_preset(args.preset, args.directory, overwrite=args.overwrite)
    return 0


def _publish(args):
    import os

    from keras_gans.cli.common import load_gan
    from keras_gans.utils.io import check_target
    from keras_gans.zoo import publish

    check_target(args.directory, args.overwrite, "folder")
    gan = load_gan(args.model_file)
    run_dir = os.path.dirname(os.path.abspath(args.model_file))
    command = args.training_command or _command_from_run(run_dir)
    if args.dataset is None:
        args.dataset = _run_args(run_dir).get("dataset") or "mnist-5k"
    epochs = _run_args(run_dir).get("epochs") or _epochs_from_run(run_dir)
    if hasattr(gan, "phases"):  # ProGAN: its optimizers restart at each phase; count the whole schedule's steps
        steps = sum(-(-phase.images // phase.batch_size) for phase in gan.phases())
    else:
        steps = int(gan.g_optimizer.iterations.numpy()) if getattr(gan, "compiled", False) and hasattr(
            gan, "g_optimizer") else None
    if args.part in ("generator", "gan"):
        model, contents, task = gan, args.part, None
    else:
        model = getattr(gan, args.part, None)
        if model is None:
            raise KeyError(f"{type(gan).__name__} has no network {args.part!r}. Use generator, gan or an attribute "
                           "such as classifier.")
        contents, task = "model", None
    if args.eval and args.weights_dtype == "float16":
        _round_to_float16(gan)  # score what the preset ships, not the float32 weights it came from
    metrics = None
    if args.eval:
        from keras_gans.training.precision import model_in_policy

        with model_in_policy(gan, "float32"):  # a preset loads in float32 by default: score what users get
            metrics = _evaluate(gan, model, args)
    fid = _fid_curve_from_run(run_dir, steps, epochs) if args.part in ("generator", "gan") else {}
    path = publish(model, args.directory.rstrip("/"), name=args.name, dataset=args.dataset,
                   training_command=command, metrics=metrics, description=args.description, contents=contents,
                   seed=getattr(gan, "seed", None), steps=steps, epochs=epochs, training_time=args.training_time,
                   weights_dtype=args.weights_dtype, notes=args.notes, overwrite=args.overwrite, task=task,
                   model_name=type(gan).__name__, **fid)
    for key, entry in (metrics or {}).items():
        print(f"{key}: {entry['value']:.4g}")
    if fid:
        from keras_gans.zoo.preset import FID_PLOT_FILE

        print(f"{fid['fid_label']}: {len(fid['fid_curve'])} points, plotted in {FID_PLOT_FILE}")
    print(f"Published {path}")
    return 0


def _fid_curve_from_run(run_dir, steps, epochs):
    """`publish`'s fid_curve, fid_protocol and fid_label from the `fid` column of the run's history.csv
    (`keras-gans train --fid-every N`), or {} when it has none.

    x is optimizer steps: (epoch + 1) × steps per epoch, the steps per epoch being the model's steps over
    the run's epochs (or --steps-per-epoch of command.json when the steps are unknown).
    """
    import os

    from keras_gans.recipes.base import FID_SAMPLES
    from keras_gans.zoo.publish import fid_curve_from_history

    history = os.path.join(run_dir, "history.csv")
    if not os.path.exists(history):
        return {}
    run = _run_args(run_dir)
    per_epoch = steps / epochs if steps and epochs else run.get("steps_per_epoch")
    if not per_epoch:
        if fid_curve_from_history(history, 1):
            print("history.csv has a fid column, but the run's steps per epoch are unknown: no FID plot.")
        return {}
    curve = fid_curve_from_history(history, per_epoch)
    if not curve:
        return {}
    every = run.get("fid_every")
    if not every:
        return {"fid_curve": curve, "fid_label": "FID",
                "fid_protocol": "the fid column of the run's history.csv (how it was measured is not recorded)"}
    return {"fid_curve": curve, "fid_label": f"quick FID-MNIST ({FID_SAMPLES:,} samples)",
            "fid_protocol": f"`keras-gans train --fid-every {every}` (keras_gans.callbacks.FIDCallback): FID-MNIST, "
                            f"{FID_SAMPLES:,} generated images (seed 0) {_fid_scored(run)}, every {every} epoch(s); "
                            "fewer samples than `keras-gans zoo publish --eval` takes (4,500 by default) bias FID "
                            "upwards: compare the curve with itself"}


def _fid_scored(run):
    """What the run's --fid-every scored against what (its recipe's `fid_description`, from its command.json)."""
    import argparse

    from keras_gans import recipes

    try:
        return recipes.get(run.get("model")).fid_description(argparse.Namespace(**run))
    except (KeyError, ValueError, AttributeError, TypeError):  # a run of an older or unknown recipe
        return f"against the held-out test split of {run.get('dataset')}"


def _command_from_run(run_dir):
    import os

    path = os.path.join(run_dir, "command.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        args = json.load(f)
    parts = ["keras-gans", "train", str(args.pop("model"))]
    args.pop("command", None)
    for key, value in args.items():
        if value is None or value is False:
            continue
        flag = "--" + key.replace("_", "-")
        parts += [flag] if value is True else [flag, str(value)]
    return " ".join(parts)


def _run_args(run_dir):
    import os

    path = os.path.join(run_dir, "command.json")
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return json.load(f)


def _epochs_from_run(run_dir):
    import os

    path = os.path.join(run_dir, "history.csv")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        rows = [line for line in f.read().splitlines()[1:] if line.strip()]
    return len(rows) or None


def _round_to_float16(gan):
    """Rounds every float32 weight of `gan` (and its EMA copies) to the nearest float16 value, in place."""
    import numpy as np

    for variable in gan.weights:
        if str(variable.dtype) == "float32":
            variable.assign(np.asarray(variable.numpy(), "float16").astype("float32"))


def _evaluate(gan, model, args):
    """FID/KID/IS-MNIST of a generator, or the test accuracy of a classifier, with their protocol."""
    from keras_gans import metrics as kgm
    from keras_gans.cli.zoo_translation import card_metrics

    card = card_metrics(gan, model, args)  # super-resolution; a two-way translator's G_AB alone
    if card is not None:
        return card
    if model is gan and hasattr(gan, "generator_ba") and str(args.dataset).startswith("mnist2mnistm"):
        return _evaluate_cyclegan_mnistm(gan)
    if model is gan and len(gan.generator.input_shape) == 4:
        # the network the preset stores (pix2pix with ema_decay: the averaged generator)
        generator = getattr(gan, "sampling_generator", None) or gan.generator
        out = _evaluate_translation(generator, args.eval_pairs)
        if str(args.eval_pairs).startswith("mnist2mnistm"):
            out.update(_evaluate_mnistm_translator(generator))
        return out
    if model is gan and hasattr(gan, "generate_pair"):
        return _evaluate_coupled(gan, args)
    if model is gan:
        scores = kgm.evaluate_generator(gan, n_samples=args.n_samples, seed=0)
        protocol = kgm.format_protocol(scores["protocol"])
        how = "".join(", " + note for note in sampling_notes(gan))
        out = {"fid_mnist": {"value": scores["fid"],
                             "protocol": f"FID-MNIST (keras_gans.metrics.evaluate_generator{how}): " + protocol}}
        if "kid" in scores:
            out["kid_mnist"] = {"value": scores["kid"], "std": float(scores["kid_std"]),
                                "protocol": "KID-MNIST: " + protocol}
        if "is" in scores:
            out["is_mnist"] = {"value": scores["is"], "std": float(scores["is_std"]), "protocol": "IS-MNIST: " + protocol}
        out.update(digit_code_scores(gan, args.dataset))
        return out
    return classifier_accuracy(model, args.dataset)


def sampling_notes(gan):
    """How `zoo publish --eval` (and `kg.zoo.sampler`, so `keras-gans eval PRESET`) draws a noise-to-image GAN's
    samples beyond z of seed 0, for its card's protocols: e.g. ["CGAN.generate's labels 0..9 cycling"]
    (the cgan_mnist card's words), InfoGAN's codes from the prior, no truncation for the models that have one."""
    import inspect

    name, notes = type(gan).__name__, []
    if getattr(gan, "num_classes", None):
        notes.append(f"{name}.generate's labels 0..{int(gan.num_classes) - 1} cycling")
    if getattr(gan, "categories", None) and hasattr(gan, "codes"):
        notes.append(f"{name}.generate's codes drawn from the prior, {name}.codes(n, seed=0): category uniform in "
                     f"0..{int(gan.categories) - 1}, continuous U(-1, 1)")
    params = inspect.signature(gan.generate).parameters
    if "truncation" in params:
        notes.append("no truncation (truncation=None: z ~ N(0, I))")
    if "truncation_psi" in params:
        notes.append("no truncation (truncation_psi=1)")
    return notes


def digit_dataset(dataset):
    """Whether `dataset` names digits with their 10 labels (mnist, mnist-5k, mnist-32 ...; not the mnist2* pairs):
    where the shipped MNIST classifier can read a generator's classes."""
    name = str(dataset or "").lower()
    return name.startswith("mnist") and not name.startswith("mnist2")


def digit_code_scores(gan, dataset, seed=0):
    """What a noise-to-image GAN with classes or codes adds to its card on MNIST digits, `{}` for the others:

    - a 10-class conditional generator (`num_classes == 10`: CGAN, ACGAN, BigGAN): `label_accuracy`, as the
      cgan_mnist card (1,000 samples, labels 0-9 cycling, z seed 0; `worst_class`);
    - an InfoGAN with a 10-valued categorical code: `code_accuracy`, the best code -> digit assignment
      (:func:`keras_gans.metrics.evaluate_code_accuracy`; `code_to_digit`, `worst_code`).

    `keras-gans eval PRESET` prints the same numbers (1,000 samples, seed 0): call it under the policy the
    preset loads in (float32) so that they match bit for bit.
    """
    from keras_gans import metrics as kgm

    if not digit_dataset(dataset):
        return {}
    name = type(gan).__name__
    if getattr(gan, "num_classes", None) == 10:
        labelled = kgm.evaluate_label_accuracy(gan, n_samples=1000, seed=seed)
        return {"label_accuracy": {
            "value": labelled["label_accuracy"], "worst_class": labelled["worst_class"],
            "protocol": f"fraction of 1,000 samples (100 per label, z seed {seed}, {name}.generate(labels=...)) that "
                        "the shipped MNIST classifier (kg.metrics.mnist_classifier) reads as the requested label"}}
    if getattr(gan, "categories", None) == 10 and hasattr(gan, "codes"):
        coded = kgm.evaluate_code_accuracy(gan, n_samples=1000, seed=seed)
        return {"code_accuracy": {
            "value": coded["code_accuracy"], "code_to_digit": coded["code_to_digit"], "worst_code": coded["worst_code"],
            "protocol": f"fraction of 1,000 samples (categorical code 0-9 cycling, 100 per value; z and continuous "
                        f"codes from seed {seed}, {name}.generate(n, seed={seed}, category=...)) whose digit, read by "
                        "the shipped MNIST classifier (kg.metrics.mnist_classifier), is the one the best one-to-one "
                        "assignment of code values to digits gives their code (Hungarian algorithm on the 10x10 "
                        "code x digit confusion matrix; kg.metrics.evaluate_code_accuracy); chance about 0.1"}}
    return {}


def classifier_accuracy(model, dataset):
    """`{"test_accuracy": {...}}`: top-1 accuracy of an image classifier on `dataset`'s test split, with its protocol
    (what a classifier preset's card reports and `keras-gans eval` reproduces)."""
    import numpy as np

    from keras_gans.data import load_arrays

    x, y = load_arrays(dataset, "test")
    probs = model.predict(x.astype("float32") / 127.5 - 1.0, batch_size=256, verbose=0)
    acc = float((np.argmax(probs, -1) == y).mean())
    return {"test_accuracy": {"value": acc, "protocol": f"top-1 accuracy on the {dataset} test split "
                              f"({len(y)} images, keras_gans.data.load_arrays(..., 'test'), pixels / 127.5 - 1)"}}


def _evaluate_coupled(gan, args):
    """A CoGAN: FID/KID/IS-MNIST of domain A's samples; on digits and their negatives (`mnist2negative-*`),
    also how often the shipped MNIST classifier reads the same digit in G_A(z) and in 255 − G_B(z)."""
    import numpy as np

    from keras_gans import metrics as kgm

    scores = kgm.evaluate_generator(lambda n: gan.generate(n, seed=0, domain="a"), n_samples=args.n_samples, seed=0)
    protocol = "domain A samples G_A(z), z seed 0; " + kgm.format_protocol(scores["protocol"])
    # "_a": the preset's samples are pairs side by side, so these are not the FID-MNIST of `zoo.sample`'s images
    out = {"fid_mnist_a": {"value": scores["fid"], "protocol": "FID-MNIST of " + protocol}}
    if "kid" in scores:
        out["kid_mnist_a"] = {"value": scores["kid"], "std": float(scores["kid_std"]),
                              "protocol": "KID-MNIST of " + protocol}
    if "is" in scores:
        out["is_mnist_a"] = {"value": scores["is"], "std": float(scores["is_std"]), "protocol": "IS-MNIST of " + protocol}
    if str(args.dataset).startswith("mnist2negative"):
        out.update(pair_scores(*gan.generate_pair(1000, seed=0)))
    return out


def pair_scores(a, b, seed=0):
    """A CoGAN on digits and their negatives: `pair_agreement` (how often the shipped MNIST classifier reads the same
    digit in G_A(z) and in the undone negative 255 − G_B(z)) and `pair_pixel_l1`, for pairs `a`, `b` in [-1, 1]
    drawn from z of `seed` (the `cogan_mnist` card: 1,000 pairs of `CoGAN.generate_pair(1000, seed=0)`)."""
    import numpy as np

    from keras_gans import metrics as kgm

    clf = kgm.mnist_classifier()
    pa = clf.predict(a, batch_size=250, verbose=0)
    pb = clf.predict(-b, batch_size=250, verbose=0)     # 255 − x is −x in [-1, 1]
    n = f"{len(a):,}"
    return {
        "pair_agreement": {
            "value": float(np.mean(pa.argmax(-1) == pb.argmax(-1))),
            "digits_read_in_a": int(len(set(pa.argmax(-1).tolist()))),
            "protocol": f"fraction of {n} pairs (z seed {seed}, CoGAN.generate_pair) in which the shipped MNIST "
                        "classifier (kg.metrics.mnist_classifier) reads the same digit in G_A(z) and in the undone "
                        "negative 255 - G_B(z); chance about 10 % for varied digits"},
        "pair_pixel_l1": {
            "value": float(np.mean(np.abs(a + b))),
            "mismatched": float(np.mean(np.abs(a + np.roll(b, 1, axis=0)))),
            "protocol": f"mean |G_A(z) - (255 - G_B(z))| per pixel in [-1, 1] units over the same {n} pairs; "
                        "'mismatched' pairs each G_A(z) with the next z's undone negative (lower: closer pairs)"},
    }


def _evaluate_cyclegan_mnistm(gan):
    """A two-way translator (CycleGAN, DiscoGAN) on digits ↔ MNIST-M: label preservation both ways and FID of each
    direction, on the 500 held-out test digits and their MNIST-M renderings (`keras-gans eval PRESET` recomputes
    all four, :mod:`keras_gans.cli.zoo_translation`)."""
    from keras_gans import metrics as kgm

    a2b = kgm.evaluate_translation(gan, metrics=("fid",), direction="a2b")
    b2a = kgm.evaluate_translation(gan, source="mnist-m", reference="mnist-32", metrics=("fid",), extractor="mnist",
                                   direction="b2a")
    how_a2b = "the 500 mnist-32 test digits translated A->B (generator_ab)"
    how_b2a = "their 500 MNIST-M renderings (mnist-m test) translated B->A (generator_ba)"
    again = "; `keras-gans eval PRESET` recomputes the four numbers of this card"
    return {
        "a2b_accuracy": {"value": a2b["accuracy"], "protocol": f"fraction of {how_a2b} in which the shipped MNIST-M "
                         f"classifier (keras_gans.metrics, extractor 'mnistm') reads the source digit's label{again}"},
        "b2a_accuracy": {"value": b2a["accuracy"], "protocol": f"fraction of {how_b2a} in which the shipped MNIST "
                         "classifier (extractor 'mnist': grey, resized to 28x28) reads the source digit's label"
                         f"{again} (this direction alone: `keras-gans eval PRESET --direction b2a --source mnist-m "
                         "--dataset mnist-32 --extractor mnist`)"},
        "fid_mnistm": {"value": a2b["fid"], "protocol": f"FID-MNIST-M of {how_a2b} vs the 500 mnist-m test images: "
                       + kgm.format_protocol(a2b["protocol"])},
        "fid_mnist_b2a": {"value": b2a["fid"], "protocol": f"FID-MNIST of {how_b2a} vs the 500 mnist-32 test digits: "
                          + kgm.format_protocol(b2a["protocol"])},
    }


def _evaluate_mnistm_translator(generator):
    """Digits → MNIST-M (pix2pix): label preservation and FID-MNIST-M on the 500 held-out test digits."""
    from keras_gans import metrics as kgm

    scores = kgm.evaluate_translation(generator, metrics=("fid",))
    how = ("the 500 mnist-32 test digits translated by the stored generator, judged by the shipped MNIST-M classifier "
           "(keras_gans.metrics, extractor 'mnistm'); `keras-gans eval PRESET`")
    return {
        "accuracy": {"value": scores["accuracy"], "protocol": "fraction of " + how + " in which the classifier reads "
                     "the source digit's label"},
        "fid_mnistm": {"value": scores["fid"], "protocol": "FID-MNIST-M of " + how.split(", judged")[0] + " vs the 500 "
                       "mnist-m test images: " + kgm.format_protocol(scores["protocol"])},
    }


def _evaluate_translation(generator, pairs):
    """Mean absolute error between G(a) and the aligned target b over held-out pairs (both in [-1, 1])."""
    import numpy as np

    from keras_gans import data

    ds = data.load_pair(pairs, batch_size=100, shuffle=False, drop_remainder=False)
    errors, n = [], 0
    for a, b in ds:
        out = generator.predict(a, verbose=0)
        errors.append(np.abs(out - b.numpy()).mean(axis=(1, 2, 3)))
        n += len(out)
    value = float(np.concatenate(errors).mean())
    return {"test_l1": {"value": value, "protocol": f"mean |G(a) - b| per pixel on the {n} aligned {pairs} pairs "
                        "(images in [-1, 1], no augmentation)"}}
