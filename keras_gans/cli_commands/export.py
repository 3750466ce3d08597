"""`keras-gans export MODEL_FILE DIR`: the generator as a SavedModel for serving."""


def add_arguments(p):
    p.add_argument("model_file", help="a .keras file saved by keras_gans")
    p.add_argument("directory", help="SavedModel folder to write")


def run(args):
    from keras_gans.utils.io import check_parent_dir

    check_parent_dir(args.directory.rstrip("/"))
    from keras_gans.cli_commands.common import load_gan

    load_gan(args.model_file).export(args.directory)
    return 0
