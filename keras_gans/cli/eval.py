"""`keras-gans eval MODEL --metric fid|kid|is`: score a saved generator.

    keras-gans eval runs/dcgan/model.keras                      # FID-MNIST, KID-MNIST, IS-MNIST vs mnist-5k test
    keras-gans eval runs/dcgan/model.keras --metric fid -n 4500 --json scores.json
    keras-gans eval runs/dcgan/model.keras --extractor inception_v3   # needs InceptionV3's ImageNet weights
    keras-gans eval runs/pix2pix/model.keras                    # image-to-image: FID/KID-MNIST-M, L1, digit accuracy
    keras-gans eval dcgan_mnist                                 # a zoo preset (generator-only presets too)
    keras-gans eval cgan_mnist                                  # a conditional one: also its label accuracy
    keras-gans eval infogan_mnist                               # an InfoGAN: also its code -> digit accuracy
    keras-gans eval cogan_mnist                                 # a CoGAN: domain A's samples (--domain b), pair agreement
    keras-gans eval sgan_mnist_100labels                        # a classifier preset: its test accuracy

Image-to-image models (anything with `translate`: Pix2Pix, CycleGAN) are scored on their
translations of the held-out `--source` images (default: mnist-32 test digits) against real
`--dataset` images (default for them: mnist-m test), in the MNIST-M classifier's feature space
(`--extractor mnistm`, the default for them), with KID subsets of 250 of the 500 images.
"""
import json

from keras_gans.recipes.base import at_least_2, non_negative_int

METRIC_CHOICES = ("fid", "kid", "is")
EXTRACTOR_CHOICES = ("mnist", "mnistm", "inception_v3")
SUFFIX = {"mnist": "-MNIST", "mnistm": "-MNIST-M"}


def add_arguments(p):
    p.add_argument("model_file", help="a .keras file saved by keras_gans, or a zoo preset name")
    p.add_argument("--metric", action="append", choices=METRIC_CHOICES,
                   help="metric to compute; repeat for several (default: all three)")
    p.add_argument("-n", "--n-samples", type=at_least_2, default=4500,
                   help="generated images (default: 4500, the FID-MNIST protocol)")
    p.add_argument("--dataset", default=None,
                   help="real images: a dataset name (default: mnist-5k; mnist-m for image-to-image models)")
    p.add_argument("--split", default="test", choices=("train", "test", "all"),
                   help="split of --dataset to compare with (default: the held-out 'test')")
    p.add_argument("--source", default="mnist-32",
                   help="image-to-image models: the dataset whose --split images are translated (default: mnist-32)")
    p.add_argument("--direction", default=None, choices=("a2b", "b2a"),
                   help="CycleGAN: which generator to score (default: the model's own default, a2b)")
    p.add_argument("--extractor", default=None, choices=EXTRACTOR_CHOICES,
                   help="feature extractor: the shipped MNIST classifier (offline; default for generators), the "
                        "shipped MNIST-M classifier (offline; default for image-to-image models) or ImageNet "
                        "InceptionV3")
    p.add_argument("--domain", default="a", choices=("a", "b"),
                   help="CoGAN (a model or a preset of its pairs): which domain's samples to score (default: a)")
    p.add_argument("--seed", type=non_negative_int, default=0, help="seed of the generated samples (default: 0)")
    p.add_argument("--json", metavar="FILE", help="also write the scores and their protocol as JSON")


def _preset_classifier(name):
    """(model, dataset) for a classifier zoo preset (task image_to_label); None for anything else."""
    import os

    if os.path.exists(name) or os.sep in name or name.endswith(".keras"):
        return None
    from keras_gans import zoo

    if name not in [p["name"] for p in zoo.list()]:
        return None
    metadata = zoo.info(name)
    if metadata.get("task") != "image_to_label":
        return None
    return zoo.load(name, part="model"), metadata["dataset"]


def _preset_scorable(name, seed, domain="a"):
    """What `evaluate_*` can score for a generator-only zoo preset; None for anything else.

    Noise-to-image presets give `kg.zoo.sampler(name, seed, domain)`: `n -> images in [-1, 1]` with
    `kg.zoo.sample`'s z (seed `seed`; conditional presets cycle their labels; a CoGAN preset's pairs give
    the `domain` half), so the scores equal the card's and `benchmarks/zoo_metrics.py`'s.
    Image-to-image presets give the generator itself, a `keras.Model` on images in [-1, 1].
    """
    import os

    if os.path.exists(name) or os.sep in name or name.endswith(".keras"):
        return None
    from keras_gans import zoo

    if name not in [p["name"] for p in zoo.list()]:
        return None
    metadata = zoo.info(name)
    if metadata.get("contents") == "gan" or metadata.get("task") not in ("noise_to_image", "image_to_image"):
        return None  # whole GANs load through load_gan; other tasks get its error
    model = zoo.load(name)
    if metadata["task"] == "image_to_image":
        return model
    return zoo.sampler(name, seed=seed, domain=domain, model=model)


def run(args):
    from keras_gans.utils.io import atomic_path, check_parent_dir, check_target

    if args.json:
        check_parent_dir(args.json)
        check_target(args.json, overwrite=True)  # the scores file may be replaced; a folder never
    from keras_gans.cli.common import load_gan
    from keras_gans.cli.zoo_translation import run_eval
    from keras_gans.metrics import evaluate_generator, evaluate_translation, format_protocol

    code = run_eval(args)  # super-resolution models, two-way translation presets: their cards' numbers
    if code is not None:
        return code
    classifier = _preset_classifier(args.model_file)
    if classifier is not None:
        return _report_classifier(args, *classifier)
    gan = _preset_scorable(args.model_file, args.seed, args.domain) or load_gan(args.model_file)
    if hasattr(gan, "generate_pair"):  # a saved CoGAN: one domain's samples, the same z as generate(seed=...)
        cogan = gan

        def gan(n):
            return cogan.generate(n, seed=args.seed, domain=args.domain)

        gan.samples_description = f"domain {args.domain.upper()} samples G_{args.domain.upper()}(z), z seed {args.seed}"
    if hasattr(gan, "translate") or getattr(gan, "_zoo_metadata", {}).get("task") == "image_to_image":
        extractor = args.extractor or "mnistm"
        metrics = tuple(dict.fromkeys(args.metric or ("fid", "kid")))
        scores = evaluate_translation(gan, source=args.source, reference=args.dataset or "mnist-m", split=args.split,
                                      metrics=metrics, extractor=extractor, direction=args.direction, seed=args.seed)
    else:
        extractor = args.extractor or "mnist"
        metrics = tuple(dict.fromkeys(args.metric or METRIC_CHOICES))
        scores = evaluate_generator(gan, metrics=metrics, reference=args.dataset or "mnist-5k", split=args.split,
                                    n_samples=args.n_samples, extractor=extractor, seed=args.seed)
    suffix = SUFFIX.get(extractor, "")
    if "fid" in scores:
        print(f"FID{suffix}: {scores['fid']:.4f}")
    if "kid" in scores:
        print(f"KID{suffix}: {scores['kid']:.6f} ± {scores['kid_std']:.6f}")
    if "is" in scores:
        print(f"IS{suffix}: {scores['is']:.4f} ± {scores['is_std']:.4f}")
    if "l1" in scores:
        print(f"L1 (aligned pairs, [-1, 1] units): {scores['l1']:.4f}")
    if "accuracy" in scores:
        print(f"digit accuracy of the {extractor} classifier on the translations: {scores['accuracy']:.4f}")
    print(f"protocol: {format_protocol(scores['protocol'])}")
    if getattr(gan, "pair_sampler", None) is not None and str(gan.metadata.get("dataset")).startswith(
            "mnist2negative"):  # a CoGAN preset of digits and their negatives
        from keras_gans.cli.zoo import pair_scores

        pairs = pair_scores(*gan.pair_sampler(1000), seed=args.seed)
        print(f"pair agreement of the mnist classifier on 1,000 pairs (G_A(z) vs the undone negative 255 - G_B(z), "
              f"z seed {args.seed}): {pairs['pair_agreement']['value']:.4f}")
        scores.update(pair_agreement=pairs["pair_agreement"]["value"], pair_pixel_l1=pairs["pair_pixel_l1"]["value"],
                      pair_protocol=pairs["pair_agreement"]["protocol"])
    num_classes = getattr(gan, "num_classes", None)
    if num_classes == 10 and extractor == "mnist" and str(args.dataset or "mnist").startswith("mnist"):
        labelled = _label_accuracy(gan, args.seed)
        scores["label_accuracy"], scores["label_accuracy_worst_class"] = labelled["label_accuracy"], labelled["worst_class"]
        scores["label_accuracy_protocol"] = labelled["protocol"]
    if getattr(gan, "categories", None) == 10 and extractor == "mnist" and str(args.dataset or "mnist").startswith(
            "mnist"):  # an InfoGAN (a model or a preset's sampler): how well its categorical code picks the digit
        coded = _code_accuracy(gan, args.seed)
        scores.update(code_accuracy=coded["code_accuracy"], code_to_digit=coded["code_to_digit"],
                      code_accuracy_worst_code=coded["worst_code"], code_accuracy_protocol=coded["protocol"])
    if args.json:
        record = dict(scores, model_file=args.model_file)
        with atomic_path(args.json) as tmp:
            with open(tmp, "w") as f:
                json.dump(record, f, indent=2, default=str)
        print(f"Wrote {args.json}")
    return 0


def _label_accuracy(gan, seed):
    """A conditional digit generator (CGAN, a conditional preset): how often the MNIST classifier reads the requested
    label in 1,000 samples (labels 0-9 cycling, z from `seed`): the `cgan_mnist` card's protocol."""
    from keras_gans.metrics import evaluate_label_accuracy

    # a CGAN, or a preset's sampler (n, labels) -> images whose z is drawn from `seed` already
    result = evaluate_label_accuracy(gan, n_samples=1000, seed=seed)
    print(f"label accuracy of the mnist classifier on 1,000 samples (100 per label, z seed {seed}): "
          f"{result['label_accuracy']:.4f} (worst class {result['worst_class']:.4f})")
    return result


def _code_accuracy(gan, seed):
    """An InfoGAN with a 10-valued categorical code: the accuracy of the best code -> digit assignment on 1,000
    samples (code 0-9 cycling, z and continuous codes from `seed`): an InfoGAN preset card's `code_accuracy`."""
    from keras_gans.metrics import evaluate_code_accuracy

    # an InfoGAN, or a preset's sampler (n, category) -> images whose z and continuous codes come from `seed`
    result = evaluate_code_accuracy(gan, n_samples=1000, seed=seed)
    digits = " ".join(f"{code}->{digit}" for code, digit in enumerate(result["code_to_digit"]))
    print(f"code accuracy of the mnist classifier on 1,000 samples (100 per categorical code, z seed {seed}), best "
          f"code->digit assignment: {result['code_accuracy']:.4f} (worst code {result['worst_code']:.4f}; {digits})")
    return result


def _report_classifier(args, model, dataset):
    """A classifier preset: top-1 accuracy on the test split of its dataset, as its card reports it."""
    from keras_gans.cli.zoo import classifier_accuracy
    from keras_gans.utils.io import atomic_path

    scores = classifier_accuracy(model, args.dataset or dataset)["test_accuracy"]
    print(f"test accuracy: {scores['value']:.4f}")
    print(f"protocol: {scores['protocol']}")
    if args.json:
        with atomic_path(args.json) as tmp:
            with open(tmp, "w") as f:
                json.dump(dict(test_accuracy=scores["value"], protocol=scores["protocol"], model_file=args.model_file),
                          f, indent=2)
        print(f"Wrote {args.json}")
    return 0
