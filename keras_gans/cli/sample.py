"""`keras-gans sample MODEL_FILE -n 64 -o grid.png`."""
from keras_gans.recipes.base import non_negative_int, positive_int


def add_arguments(p):
    p.add_argument("model_file", help="a .keras file saved by keras_gans")
    p.add_argument("-n", type=positive_int, default=64, help="number of samples (default: 64)")
    p.add_argument("-o", "--output", default="samples.png", help="PNG to write (default: samples.png)")
    p.add_argument("--seed", type=non_negative_int, default=0, help="random seed (default: 0)")
    p.add_argument("--overwrite", action="store_true", help="replace the output file if it exists")


def run(args):
    from keras_gans.utils.images import check_image_path
    from keras_gans.utils.io import check_target

    check_target(args.output, args.overwrite)
    check_image_path(args.output)
    from keras_gans.cli.common import load_gan
    from keras_gans.utils.images import make_grid, save_image

    gan = load_gan(args.model_file)
    save_image(make_grid(gan.generate(args.n, seed=args.seed)), args.output)
    print(f"Wrote {args.n} samples to {args.output}")
    return 0
