"""`keras-gans eval MODEL --metric fid|kid|is`: score a saved generator.

    keras-gans eval runs/dcgan/model.keras                      # FID-MNIST, KID-MNIST, IS-MNIST vs mnist-5k test
    keras-gans eval runs/dcgan/model.keras --metric fid -n 4500 --json scores.json
    keras-gans eval runs/dcgan/model.keras --extractor inception_v3   # needs InceptionV3's ImageNet weights
"""
import json

METRIC_CHOICES = ("fid", "kid", "is")


def add_arguments(p):
    p.add_argument("model_file", help="a .keras file saved by keras_gans")
    p.add_argument("--metric", action="append", choices=METRIC_CHOICES,
                   help="metric to compute; repeat for several (default: all three)")
    p.add_argument("-n", "--n-samples", type=int, default=4500,
                   help="generated images (default: 4500, the FID-MNIST protocol)")
    p.add_argument("--dataset", default="mnist-5k", help="real images: a dataset name (default: mnist-5k)")
    p.add_argument("--split", default="test", choices=("train", "test", "all"),
                   help="split of --dataset to compare with (default: the held-out 'test')")
    p.add_argument("--extractor", default="mnist", choices=("mnist", "inception_v3"),
                   help="feature extractor: the shipped MNIST classifier (offline) or ImageNet InceptionV3")
    p.add_argument("--seed", type=int, default=0, help="seed of the generated samples (default: 0)")
    p.add_argument("--json", metavar="FILE", help="also write the scores and their protocol as JSON")


def run(args):
    from keras_gans.utils.io import atomic_path, check_parent_dir

    if args.json:
        check_parent_dir(args.json)
    if args.n_samples < 2:
        raise ValueError("-n/--n-samples must be at least 2.")
    from keras_gans.cli_commands.common import load_gan
    from keras_gans.metrics import evaluate_generator, format_protocol

    gan = load_gan(args.model_file)
    metrics = tuple(dict.fromkeys(args.metric or METRIC_CHOICES))
    scores = evaluate_generator(gan, metrics=metrics, reference=args.dataset, split=args.split,
                                n_samples=args.n_samples, extractor=args.extractor, seed=args.seed)
    suffix = "-MNIST" if args.extractor == "mnist" else ""
    if "fid" in scores:
        print(f"FID{suffix}: {scores['fid']:.4f}")
    if "kid" in scores:
        print(f"KID{suffix}: {scores['kid']:.6f} ± {scores['kid_std']:.6f}")
    if "is" in scores:
        print(f"IS{suffix}: {scores['is']:.4f} ± {scores['is_std']:.4f}")
    print(f"protocol: {format_protocol(scores['protocol'])}")
    if args.json:
        record = dict(scores, model_file=args.model_file)
        with atomic_path(args.json) as tmp:
            with open(tmp, "w") as f:
                json.dump(record, f, indent=2, default=str)
        print(f"Wrote {args.json}")
    return 0
