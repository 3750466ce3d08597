"""`keras-gans export MODEL DIR`: the generator (or a preset's model) as a SavedModel for serving.

MODEL is a `.keras` file saved by keras_gans, or a zoo preset (name, folder or URL):
`keras-gans export dcgan_mnist serving/dcgan_mnist`.
"""


def add_arguments(p):
    p.add_argument("model_file", metavar="MODEL", help="a .keras file saved by keras_gans, or a zoo preset name/folder")
    p.add_argument("directory", help="SavedModel folder to write (missing parents are created)")
    p.add_argument("--overwrite", action="store_true", help="replace DIR if it exists and is not empty")


def run(args):
    from keras_gans.utils.io import check_target

    directory = check_target(args.directory, args.overwrite, "folder")
    if not args.model_file.endswith(".keras"):
        from keras_gans.zoo import export_preset

        export_preset(args.model_file, directory, overwrite=args.overwrite)
        return 0
    from keras_gans.cli.common import load_gan

    load_gan(args.model_file).export(directory, overwrite=args.overwrite)
    return 0
