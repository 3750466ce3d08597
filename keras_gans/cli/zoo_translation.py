"""Cards of image-to-image presets beyond one same-size direction: super-resolution (SRGAN) and two-way
translators (CycleGAN, DiscoGAN) on digits ↔ MNIST-M.

`keras-gans zoo publish --eval` puts the numbers of :func:`super_resolution_card` or of the two-way card
(`keras_gans.cli.zoo._evaluate_cyclegan_mnistm`; :func:`card_metrics` picks) on the card, and
`keras-gans eval PRESET` (:func:`run_eval`) recomputes them with the same functions from the published weights,
in float32 as the card was scored, so the printed numbers are the card's.

    keras-gans zoo publish runs/srgan/model.keras zoo/srgan_mnistm --eval          # PSNR, digit accuracy vs bicubic
    keras-gans eval zoo/srgan_mnistm                                               # the same numbers
    keras-gans zoo publish runs/discogan/model.keras zoo/discogan_mnist_mnistm --part gan --eval
    keras-gans eval zoo/discogan_mnist_mnistm                                      # both directions
"""
import json
import os

#: Images per forward pass when upscaling for a card (the same at publish and at eval).
SR_BATCH = 250

#: What the held-out images of a super-resolution card are, in words.
SR_IMAGES = {
    "mnist-m": "the held-out mnist-5k test digits rendered as MNIST-M, never trained on",
    "mnist-32": "the held-out mnist-5k test digits as RGB, never trained on",
    "mnist-5k": "the held-out mnist-5k test digits, never trained on",
    "photos": "seeded crops of the sixth shipped photo, rocket, which training crops never touch",
}

#: `keras-gans eval` flags that choose what a FID/KID/IS evaluation scores; they do not apply to the cards here.
_SCORING_FLAGS = (("metric", None, "--metric"), ("direction", None, "--direction"), ("extractor", None, "--extractor"),
                  ("source", "mnist-32", "--source"))


# ------------------------------------------------------------------------------------------------- the cards
def card_metrics(gan, model, args):
    """`_evaluate`'s card for the models handled here, or None for the others.

    - a super-resolution GAN (its generator enlarges images by k ≥ 2): :func:`super_resolution_card` on the
      test split of `args.dataset`;
    - a two-way translator (`generator_ba`) on `mnist2mnistm-*` published with `--part generator`: the stored
      network is G_AB alone, so its card is the one-way card of a digits → MNIST-M translator (a2b accuracy and
      FID-MNIST-M), not numbers of a G_BA the preset does not hold.
    """
    from keras_gans.metrics import upscaling_factor

    if model is not gan:
        return None
    if upscaling_factor(gan) is not None:
        return super_resolution_card(gan, args.dataset or "mnist-m")
    if hasattr(gan, "generator_ba") and args.part == "generator" and str(args.dataset).startswith("mnist2mnistm"):
        from keras_gans.cli.zoo import _evaluate_mnistm_translator

        return _evaluate_mnistm_translator(getattr(gan, "sampling_generator", None) or gan.generator)
    return None


def super_resolution_card(model, dataset="mnist-m", split="test"):
    """The card of a super-resolution model: `psnr`, `psnr_bicubic` and, on digits, `digit_accuracy` and
    `digit_accuracy_bicubic`, each `{"value", "protocol"}`.

    The high-resolution images of `dataset`/`split` are downscaled by the model's factor (bicubic, antialiased),
    upscaled back by the model's generator (`predict`, batches of :data:`SR_BATCH`) and by bicubic interpolation,
    and compared with the originals (:func:`keras_gans.metrics.evaluate_super_resolution`); the shipped classifier
    of the dataset (MNIST-M classifier on `mnist-m`) reads the digits of both upscalings.

    Args:
        model: an SRGAN (its `generator` is scored) or the generator itself (a `keras.Model`, e.g. `kg.zoo.load`
            of a super-resolution preset).
        dataset, split: the images (default: the 500 held-out MNIST-M test digits, 8×8 → 32×32 at ×4).

    Raises:
        ValueError: the model does not enlarge images, or `dataset`'s downscalings do not fit its input.
    """
    from keras_gans import metrics as kgm

    network = getattr(model, "generator", model)  # the same network and call at publish and at eval
    scale = kgm.upscaling_factor(network)
    if scale is None:
        raise ValueError(f"{getattr(network, 'name', type(network).__name__)!r} maps {_shape(network, 'input')} to "
                         f"{_shape(network, 'output')}: it does not enlarge images, so it has no super-resolution "
                         "card. Score a translator with `keras-gans eval` (FID/KID, digit accuracy) instead.")
    scores = kgm.evaluate_super_resolution(network, name=dataset, split=split, scale=scale, batch_size=SR_BATCH)
    p = scores["protocol"]
    n, big = p["n_images"], "×".join(str(int(d)) for d in network.output_shape[1:])
    small = "×".join(str(int(d)) for d in network.input_shape[1:3])
    what = f" ({SR_IMAGES[dataset]})" if split == "test" and dataset in SR_IMAGES else ""
    inputs = (f"the {n:,} {dataset} {split} images{what}, {big}, each downscaled to {small} by bicubic resizing "
              f"with antialiasing (tf.image.resize, not re-quantised; keras_gans.data.super_resolution_arrays("
              f"{dataset!r}, scale={scale}, split={split!r}))")
    bicubic = f"bicubic upscaling of the same {small} inputs (tf.image.resize, no antialiasing, clipped to [-1, 1])"
    out = {
        "psnr": {"value": scores["psnr"], "protocol": f"mean per-image PSNR in dB (keras_gans.metrics.psnr: all "
                 f"channels, no border crop, images in [-1, 1], MAX 2) of the stored generator's ×{scale} upscalings "
                 f"against the originals: {inputs}; `keras-gans eval PRESET` recomputes it"},
        "psnr_bicubic": {"value": scores["psnr_bicubic"], "protocol": f"the same PSNR for {bicubic}, the baseline"},
    }
    if "accuracy" in scores:
        judge = {"mnistm": "MNIST-M classifier", "mnist": "MNIST classifier (grey, resized to 28×28)"}.get(
            p["judge"], f"{p['judge']} classifier")
        sha = f", weights_sha256={p['judge_weights_sha256']}" if p.get("judge_weights_sha256") else ""
        out["digit_accuracy"] = {"value": scores["accuracy"], "protocol": f"fraction of the stored generator's "
                                 f"×{scale} upscalings of the same {n:,} {small} inputs as psnr that the shipped "
                                 f"{judge} (keras_gans.metrics, extractor {p['judge']!r}{sha}) reads as the digit's "
                                 "label"}
        out["digit_accuracy_bicubic"] = {"value": scores["accuracy_bicubic"], "protocol": "the same fraction for "
                                         f"{bicubic}, the baseline"}
    return out


def _shape(network, which):
    try:
        shape = getattr(network, f"{which}_shape")
    except (AttributeError, ValueError):
        return "(unknown)"
    return str(tuple(shape[1:])) if isinstance(shape, tuple) else str(shape)


# ------------------------------------------------------------------------------------------------- keras-gans eval
def run_eval(args):
    """`keras-gans eval` of a super-resolution model (a preset name or folder, or a .keras file) or of a two-way
    translation preset on digits ↔ MNIST-M given no scoring flag; the exit code, or None for any other model
    (eval's general path scores it)."""
    kind, metadata = _kind(args)
    if kind is None:
        return None
    if kind == "super_resolution":
        given = [flag for attr, default, flag in _SCORING_FLAGS if getattr(args, attr, default) != default]
        if given:
            raise ValueError(f"{' and '.join(given)} {'does' if len(given) == 1 else 'do'} not apply to a "
                             "super-resolution model: `keras-gans eval` "
                             "reports its PSNR and digit accuracy against bicubic upscaling on the --split of "
                             "--dataset (default: the preset's dataset, else mnist-m). Drop them.")
        model = _load(args.model_file, metadata)
        dataset = args.dataset or (metadata or {}).get("dataset") or "mnist-m"
        with _in_float32(model):
            card = super_resolution_card(model, dataset, split=args.split)
        _print_super_resolution(card)
    else:
        from keras_gans.cli.zoo import _evaluate_cyclegan_mnistm

        with _in_float32(_load(args.model_file, metadata)) as gan:
            card = _evaluate_cyclegan_mnistm(gan)
        _print_two_way(card)
    _print_card_comparison(card, metadata)
    if args.json:
        _write_json(args.json, card, args.model_file)
    return 0


def _kind(args):
    """`("super_resolution" | "two_way" | None, the preset's metadata or None)` of `args.model_file`."""
    ref = os.fspath(args.model_file)
    if ref.endswith(".keras"):
        cls = _saved_class(ref)
        return ("super_resolution" if cls is not None and hasattr(cls, "upscale") else None), None
    metadata = _preset_metadata(ref)
    if metadata is None or metadata.get("task") != "image_to_image":
        return None, None
    from keras_gans.zoo import upscaling

    if upscaling(metadata):
        return "super_resolution", metadata
    flags = [attr for attr, default, _ in _SCORING_FLAGS if getattr(args, attr, default) != default]
    if (metadata.get("contents") == "gan" and _is_two_way(metadata.get("model"))
            and str(metadata.get("dataset")).startswith("mnist2mnistm") and not flags and args.dataset is None
            and args.split == "test"):
        return "two_way", metadata
    return None, metadata


def _preset_metadata(ref):
    """The card of a zoo preset name or a preset folder; None for anything else (a file, a name of no preset)."""
    from keras_gans.zoo.preset import METADATA_FILE

    if os.path.isdir(ref):
        if not os.path.isfile(os.path.join(ref, METADATA_FILE)):
            return None
    elif os.path.exists(ref) or os.sep in ref:
        return None
    from keras_gans import zoo

    if not os.path.isdir(ref) and ref not in [p["name"] for p in zoo.list()]:
        return None
    return zoo.info(ref)


def _is_two_way(model_name):
    import keras

    import keras_gans.models  # noqa: F401  (registers the classes)
    from keras_gans.models import TwoWayTranslationGAN

    cls = keras.saving.get_registered_object(f"keras_gans>{model_name}") if model_name else None
    return isinstance(cls, type) and issubclass(cls, TwoWayTranslationGAN)


def _saved_class(path):
    """The registered class a .keras file holds (read from its config.json, nothing built); None when unknown."""
    import zipfile

    import keras

    try:
        with zipfile.ZipFile(path) as z:
            config = json.loads(z.read("config.json"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None  # load_gan gives the clear error
    import keras_gans.models  # noqa: F401  (registers the classes)

    name = config.get("registered_name") if isinstance(config, dict) else None
    return keras.saving.get_registered_object(name) if name else None


def _load(ref, metadata):
    """A preset's stored network or GAN (whole-GAN presets: the GAN), or the GAN of a .keras file."""
    if metadata is None:
        from keras_gans.cli.common import load_gan

        return load_gan(ref)
    from keras_gans import zoo

    return zoo.load(ref, part="gan" if metadata["contents"] == "gan" else None, dtype_policy="float32")


def _in_float32(model):
    """A context in which a keras_gans model runs in float32, as `zoo publish --eval` scored it; a plain network (a
    preset's generator, loaded in float32) as it is."""
    import contextlib

    from keras_gans.training.precision import model_in_policy

    return model_in_policy(model, "float32") if hasattr(model, "apply_precision") else contextlib.nullcontext(model)


def _print_super_resolution(card):
    psnr, bicubic = card["psnr"]["value"], card["psnr_bicubic"]["value"]
    print(f"PSNR: {psnr:.4f} dB (bicubic: {bicubic:.4f} dB; gain {psnr - bicubic:+.4f} dB)")
    if "digit_accuracy" in card:
        acc, acc_b = card["digit_accuracy"]["value"], card["digit_accuracy_bicubic"]["value"]
        print(f"digit accuracy of the upscalings: {acc:.4f} (bicubic: {acc_b:.4f}; gain {100 * (acc - acc_b):+.1f} "
              "points)")
    for key, entry in card.items():
        print(f"protocol {key}: {entry['protocol']}")


def _print_two_way(card):
    names = {"a2b_accuracy": "label preservation A->B (digits -> MNIST-M, MNIST-M classifier)",
             "b2a_accuracy": "label preservation B->A (MNIST-M -> digits, MNIST classifier)",
             "fid_mnistm": "FID-MNIST-M of the A->B translations", "fid_mnist_b2a": "FID-MNIST of the B->A translations"}
    for key, entry in card.items():
        print(f"{names.get(key, key)}: {entry['value']:.4f}")
    for key, entry in card.items():
        print(f"protocol {key}: {entry['protocol']}")


def _print_card_comparison(card, metadata):
    """One line per card metric: the recomputed value next to the card's (presets only)."""
    stored = (metadata or {}).get("metrics") or {}
    common = [key for key in card if key in stored]
    if not common:
        return
    print(f"card of {metadata.get('name')}:")
    for key in common:
        mine, theirs = float(card[key]["value"]), float(stored[key]["value"])
        if mine == theirs:
            verdict = "same"
        elif abs(mine - theirs) <= 1e-6 * max(abs(theirs), 1e-12):  # another CPU's or library's float round-off
            verdict = f"same to 6 significant digits (differs by {mine - theirs:+.2g})"
        else:
            verdict = f"differs by {mine - theirs:+.3g}"
        print(f"  {key:24s} {mine!r:>22s}  card {theirs!r:>22s}  {verdict}")


def _write_json(path, card, model_file):
    from keras_gans.utils.io import atomic_path

    record = {key: entry["value"] for key, entry in card.items()}
    record["protocol"] = {key: entry["protocol"] for key, entry in card.items()}
    record["model_file"] = model_file
    with atomic_path(path) as tmp:
        with open(tmp, "w") as f:
            json.dump(record, f, indent=2, default=str)
    print(f"Wrote {path}")
