"""`keras-gans style CONTENT STYLE -o out.png --steps N`: neural style transfer on VGG19."""

from keras_gans.recipes.base import non_negative_float, non_negative_int, positive_int
from keras_gans.utils import checks

#: The smallest working height VGG19's pooling leaves something of.
at_least_16 = checks.flag(checks.integer, low=16)

#: Quicker than the lecture's 4,000 steps; see keras_gans.style.DEFAULT_STEPS.
DEFAULT_STEPS = 1000


def add_arguments(p):
    p.add_argument("content", help="content image (photo) file")
    p.add_argument("style", help="style image (painting) file")
    p.add_argument("-o", "--output", default="stylized.png", help="image to write (default: stylized.png)")
    p.add_argument("--overwrite", action="store_true", help="replace the output file if it exists")
    p.add_argument("--steps", type=positive_int, default=DEFAULT_STEPS,
                   help=f"optimisation steps (default: {DEFAULT_STEPS}; the lecture uses 4000)")
    p.add_argument("--height", type=at_least_16, default=400, help="working height in pixels; width keeps the aspect (default: 400)")
    p.add_argument("--weights", default="imagenet",
                   help="VGG19 weights: 'imagenet' (Keras cache/download), a path to "
                        "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5, or 'random' (smoke test only)")
    p.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd",
                   help="sgd = the lecture's SGD + ExponentialDecay(100, 100, 0.96) (default); adam = Adam(5)")
    p.add_argument("--init", choices=["content", "style", "noise"], default="content",
                   help="starting image (default: content)")
    p.add_argument("--content-weight", type=non_negative_float, default=2.5e-8, help="default: 2.5e-8")
    p.add_argument("--style-weight", type=non_negative_float, default=1e-6, help="default: 1e-6")
    p.add_argument("--tv-weight", type=non_negative_float, default=1e-6, help="total-variation weight (default: 1e-6)")
    p.add_argument("--normalization", choices=["keras", "gatys"], default="keras",
                   help="style normalisation: keras (the lecture's) or gatys (per layer)")
    p.add_argument("--pooling", choices=["max", "avg"], default="max", help="VGG pooling (Gatys used avg)")
    p.add_argument("--snapshots", default=None, help="folder for snapshots every --every steps")
    p.add_argument("--every", type=positive_int, default=100, help="snapshot and log interval in steps (default: 100)")
    p.add_argument("--seed", type=non_negative_int, default=0, help="seed for --init noise and --weights random (default: 0)")
    p.add_argument("--verbose", type=int, default=1, choices=[0, 1, 2], help="Keras fit verbosity")


def run(args):
    import os

    from keras_gans.utils.images import check_image_path
    from keras_gans.utils.io import check_target

    check_target(args.output, args.overwrite)
    check_image_path(args.output)
    for what, path in (("content image", args.content), ("style image", args.style)):
        if not os.path.isfile(path):
            raise FileNotFoundError(f"The {what} {path!r} does not exist.")
    weights = None if args.weights == "random" else args.weights

    from keras_gans.style import transfer

    transfer(args.content, args.style, steps=args.steps, output=args.output, overwrite=args.overwrite,
             optimizer=args.optimizer,
             snapshot_dir=args.snapshots, snapshot_every=args.every, log_every=args.every, verbose=args.verbose,
             weights=weights, height=args.height, init=args.init, content_weight=args.content_weight,
             style_weight=args.style_weight, tv_weight=args.tv_weight, normalization=args.normalization,
             pooling=args.pooling, seed=args.seed)
    print(f"Wrote {args.output} ({args.steps} steps)")
    return 0
