"""`keras-gans zoo list|info|sample|export`: the pretrained presets.

    keras-gans zoo list
    keras-gans zoo info dcgan_mnist
    keras-gans zoo sample dcgan_mnist -n 64 -o grid.png --seed 0
    keras-gans zoo export dcgan_mnist serving/dcgan_mnist
"""
import json


def add_arguments(p):
    sub = p.add_subparsers(dest="zoo_command", metavar="ACTION", required=True)
    sub.add_parser("list", help="the presets: name, model, dataset, resolution, parameters, headline metric")
    q = sub.add_parser("info", help="a preset's card (metadata.json)")
    q.add_argument("preset", help="preset name, folder or URL")
    q.add_argument("--json", action="store_true", help="print the raw metadata as JSON")
    q = sub.add_parser("sample", help="write a grid of samples from a preset")
    q.add_argument("preset", help="preset name, folder or URL")
    q.add_argument("-n", type=int, default=64, help="number of samples (default: 64)")
    q.add_argument("-o", "--output", default="samples.png", help="PNG to write (default: samples.png)")
    q.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    q = sub.add_parser("export", help="export a preset as a SavedModel (serving)")
    q.add_argument("preset", help="preset name, folder or URL")
    q.add_argument("directory", help="SavedModel folder to write")


def run(args):
    return {"list": _list, "info": _info, "sample": _sample, "export": _export}[args.zoo_command](args)


def _list(args):
    from keras_gans.zoo import list_presets

    rows = list_presets()
    if not rows:
        print("No presets found. Built-in presets live in the repository's zoo/ folder (or set KERAS_GANS_ZOO).")
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
    return 0


def _sample(args):
    from keras_gans.utils.io import check_parent_dir

    check_parent_dir(args.output)
    if args.n < 1:
        raise ValueError("-n must be at least 1.")
    from keras_gans.utils.images import make_grid, save_image
    from keras_gans.zoo import info, sample

    images = sample(args.preset, args.n, seed=args.seed)
    save_image(make_grid(images, value_range=tuple(info(args.preset)["output_range"])), args.output)
    print(f"Wrote {args.n} samples of {args.preset} to {args.output}")
    return 0


def _export(args):
    from keras_gans.zoo import export_preset

    export_preset(args.preset, args.directory)
    return 0
