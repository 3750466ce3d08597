"""`keras-gans translate MODEL_FILE in.png -o out.png`: run an image-to-image model on an image file.

    keras-gans translate runs/cyclegan/model.keras digit.png -o mnistm.png               # A → B
    keras-gans translate runs/cyclegan/model.keras photo.png -o digit.png --direction b2a
    keras-gans translate runs/pix2pix/model.keras digit.png -o out.png

The input is converted to the model's channel count (grey ↔ RGB) and, unless `--no-resize`, resized
to the size the model was trained at (a note is printed); the output has the model's size.
"""


def add_arguments(p):
    p.add_argument("model_file", help="a .keras file of a CycleGAN or Pix2Pix saved by keras_gans")
    p.add_argument("input", help="image file to translate (PNG, JPEG, ...)")
    p.add_argument("-o", "--output", default="translated.png", help="image file to write (default: translated.png)")
    p.add_argument("--overwrite", action="store_true", help="replace the output file if it exists")
    p.add_argument("--direction", choices=["a2b", "b2a"], default="a2b",
                   help="CycleGAN direction (default: a2b); pix2pix only has a2b")
    p.add_argument("--no-resize", action="store_true",
                   help="fail instead of resizing an input whose size differs from the model's")


def read_image(path, shape, resize=True):
    """uint8 (H, W, C) of `path`, converted to `shape`'s channels and (if `resize`) size."""
    import os

    import numpy as np
    from PIL import Image, UnidentifiedImageError

    if not os.path.exists(path):
        raise FileNotFoundError(f"No input image {path!r}. Pass an existing PNG or JPEG file.")
    try:
        image = Image.open(path)
        image.load()
    except (UnidentifiedImageError, OSError) as e:
        raise ValueError(f"Cannot read {path!r} as an image ({e}). Pass a PNG or JPEG file.") from e
    h, w, c = shape
    image = image.convert("L" if c == 1 else "RGB")
    if image.size != (w, h):
        if not resize:
            raise ValueError(
                f"{path!r} is {image.size[0]}×{image.size[1]} but the model was trained on {w}×{h} images. "
                "Resize the image, or drop --no-resize to let the command resize it."
            )
        print(f"Resizing {path} from {image.size[0]}×{image.size[1]} to the model's {w}×{h}.")
        image = image.resize((w, h), Image.BILINEAR)
    arr = np.asarray(image, dtype=np.uint8)
    return arr[..., None] if c == 1 else arr


def run(args):
    from keras_gans.utils.images import check_image_path
    from keras_gans.utils.io import check_target

    check_target(args.output, args.overwrite)
    check_image_path(args.output)
    from keras_gans.cli.common import load_gan
    from keras_gans.utils.images import save_image

    model = load_gan(args.model_file)
    if not hasattr(model, "translate") or not hasattr(model, "shape_a"):
        raise ValueError(
            f"{args.model_file!r} holds a {type(model).__name__}, which does not translate images. Pass a CycleGAN or "
            "Pix2Pix model (use `keras-gans sample` for noise-to-image GANs)."
        )
    kwargs = {}
    shape = model.shape_a
    if hasattr(model, "generator_ba"):
        kwargs["direction"] = args.direction
        shape = model.shape_a if args.direction == "a2b" else model.shape_b
    elif args.direction != "a2b":
        raise ValueError(f"{type(model).__name__} translates in one direction only; drop --direction b2a.")
    image = read_image(args.input, shape, resize=not args.no_resize)
    out = model.translate(image, output="uint8", **kwargs)
    save_image(out, args.output)
    print(f"Wrote {args.output} ({out.shape[1]}×{out.shape[0]}, {type(model).__name__}"
          f"{' ' + args.direction if 'direction' in kwargs else ''}).")
    return 0
