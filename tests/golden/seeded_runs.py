"""Short seeded runs of every model, recorded before the redesign (issue 21) and checked after it; the runs of
the models of issue 24 (SAGAN, BigGAN, ACGAN, InfoGAN, StyleGAN2, SRGAN, DiscoGAN) were added later.

Each run seeds Keras, builds a model through the public API, trains it for two steps on a few
fixed mnist-5k images (no shuffling) and returns what came out: `generate(seed=...)` (or the
model's own output) and the last logged losses. `python tests/golden/seeded_runs.py` rewrites
`seeded_runs.npz`; do that only when a change is *meant* to alter training numerics. To add runs without
touching the others, record only them (`seeded_runs.py --out new.npz NAME ...`) and merge that file into
`seeded_runs.npz` with numpy.
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "seeded_runs.npz")


def _digits(n=16, size=None, channels=1):
    import tensorflow as tf

    from keras_gans.data import load_arrays

    x, y = load_arrays("mnist-5k", "train")
    pick = np.arange(0, len(x), len(x) // n)[:n]  # spread over the classes (the set is sorted by label)
    x = x[pick].astype("float32") / 127.5 - 1.0
    if x.ndim == 3:
        x = x[..., None]
    if size:
        x = tf.image.resize(x, (size, size)).numpy().clip(-1, 1)
    if channels == 3:
        x = np.repeat(x, 3, axis=-1)
    return x, y[pick].astype("int32")


def _fit(model, data, steps=2):
    history = model.fit(data, epochs=1, steps_per_epoch=steps, verbose=0)
    return {f"loss_{k}": np.asarray(v[-1], "float64") for k, v in history.history.items()}


def _ds(*arrays, batch=8):
    import tensorflow as tf

    arrays = arrays[0] if len(arrays) == 1 else arrays
    return tf.data.Dataset.from_tensor_slices(arrays).batch(batch, drop_remainder=True).repeat()


def run_gan():
    import keras_gans as kg

    x, _ = _digits()
    gan = kg.models.GAN(kg.networks.mlp_generator(16, (28, 28, 1)), kg.networks.mlp_discriminator((28, 28, 1)),
                        seed=0)
    gan.compile()
    out = _fit(gan, _ds(x))
    out["images"] = gan.generate(4, seed=1)
    return out


def run_dcgan():
    import keras_gans as kg

    x, _ = _digits()
    gan = kg.models.DCGAN(image_shape=(28, 28, 1), latent_dim=16, seed=0)
    gan.compile()
    out = _fit(gan, _ds(x))
    out["images"] = gan.generate(4, seed=1)
    return out


def run_dcgan_tricks():
    import keras_gans as kg

    x, _ = _digits()
    gan = kg.tricks.DCGANWithTricks(image_shape=(28, 28, 1), latent_dim=16, seed=0, label_smoothing=0.1,
                                    label_noise=0.05, instance_noise=0.1, instance_noise_steps=10, ema_decay=0.9)
    gan.compile()
    out = _fit(gan, _ds(x))
    out["images"] = gan.generate(4, seed=1)
    return out


def run_wgan():
    import keras_gans as kg

    x, _ = _digits()
    gan = kg.models.WGAN(image_shape=(28, 28, 1), latent_dim=16, n_critic=2, seed=0, ema_decay=0.9)
    gan.compile()
    out = _fit(gan, _ds(x, batch=8))
    out["images"] = gan.generate(4, seed=1)
    return out


def run_wgan_gp():
    import keras_gans as kg

    x, _ = _digits()
    gan = kg.models.WGANGP(image_shape=(28, 28, 1), latent_dim=16, n_critic=2, seed=0)
    gan.compile()
    out = _fit(gan, _ds(x, batch=8))
    out["images"] = gan.generate(4, seed=1)
    return out


def run_cgan():
    import keras_gans as kg

    x, y = _digits()
    gan = kg.models.CGAN(image_shape=(28, 28, 1), latent_dim=16, num_classes=10, seed=0)
    gan.compile()
    out = _fit(gan, _ds(x, y))
    out["images"] = gan.generate(4, seed=1, labels=[0, 3, 7, 9])
    return out


def run_sgan():
    import keras_gans as kg

    x, y = _digits()
    gan = kg.models.SGAN(image_shape=(28, 28, 1), latent_dim=16, num_labeled=16, seed=0)
    gan.compile()
    ds = kg.data.semi_supervised_dataset("mnist-5k", num_labeled=20, batch_size=8, seed=0)
    out = _fit(gan, ds)
    out["images"] = gan.generate(4, seed=1)
    out["class_probs"] = np.asarray(gan.classifier(x[:4], training=False))
    return out


def run_progan():
    import keras_gans as kg

    x, _ = _digits(size=8)
    gan = kg.models.ProGAN(start_resolution=4, target_resolution=8, latent_dim=16, channels=1, max_filters=16,
                           seed=0)
    gan.compile()
    schedule = kg.models.ProGANSchedule(transition_images=16, stable_images=16, batch_sizes=8)
    gan.fit_schedule(_ds(x).unbatch(), schedule, verbose=0)
    return {"images": gan.generate(4, seed=1), "resolution": np.asarray(gan.resolution)}


def run_cyclegan():
    import keras_gans as kg

    a, _ = _digits(size=16, channels=3)
    b = -a[::-1]
    gan = kg.models.CycleGAN(image_shape=(16, 16, 3), filters=8, num_residual_blocks=1, discriminator_filters=8,
                             discriminator_downsampling=2, pool_size=4, seed=0)
    gan.compile()
    out = _fit(gan, _ds(a, b, batch=4))
    out["a2b"] = gan.translate(a[:4], "a2b")
    out["b2a"] = gan.translate(b[:4], "b2a")
    return out


def run_pix2pix():
    import keras_gans as kg

    a, _ = _digits(size=16, channels=3)
    b = -a
    gan = kg.models.Pix2Pix(image_shape=(16, 16, 3), filters=8, discriminator_filters=8, discriminator_downsampling=2,
                            ema_decay=0.9, seed=0)
    gan.compile()
    out = _fit(gan, _ds(a, b, batch=4))
    out["a2b"] = gan.translate(a[:4])
    return out


def run_cogan():
    import keras_gans as kg

    a, _ = _digits()
    gan = kg.models.CoGAN(image_shape=(28, 28, 1), latent_dim=16, filters=8, seed=0)
    gan.compile()
    out = _fit(gan, _ds(a, -a[::-1]))
    first, second = gan.generate_pair(4, seed=1)
    out["images_a"], out["images_b"] = first, second
    return out


def run_vae():
    import keras_gans as kg

    x, _ = _digits()
    vae = kg.models.VAE(latent_dim=2, intermediate_dim=32, seed=0)
    vae.compile()
    out = _fit(vae, _ds(x))
    out["images"] = vae.generate(4, seed=1)
    return out


def run_style_transfer():
    import keras_gans as kg

    rng = np.random.default_rng(0)
    content = rng.integers(0, 256, (32, 40, 3), dtype=np.uint8)
    style = rng.integers(0, 256, (24, 24, 3), dtype=np.uint8)
    st = kg.models.StyleTransfer(content, style, weights=None, height=32, seed=0)
    st.compile()
    st.run(steps=2, log_every=1, verbose=0)
    return {"image": st.generated_image().astype("float32")}


# ---------------------------------------------------------------------------- the models of issue 24
def run_sagan():
    import keras_gans as kg

    x, _ = _digits(size=16)
    gan = kg.models.SAGAN(image_shape=(16, 16, 1), latent_dim=8, width=4, seed=0)
    gan.compile()
    out = _fit(gan, _ds(x))
    out["images"] = gan.generate(4, seed=1)
    return out


def run_biggan():
    import keras_gans as kg

    x, y = _digits(size=16)
    gan = kg.models.BigGAN(image_shape=(16, 16, 1), latent_dim=9, num_classes=10, width=4, embedding_dim=4, seed=0)
    gan.compile()
    out = _fit(gan, _ds(x, y))
    out["images"] = gan.generate(4, seed=1, labels=[0, 3, 7, 9])
    out["truncated"] = gan.generate(4, seed=1, labels=[0, 3, 7, 9], truncation=0.5)
    return out


def run_acgan():
    import keras_gans as kg

    x, y = _digits(size=16)
    gan = kg.models.ACGAN(image_shape=(16, 16, 1), latent_dim=8, num_classes=10, filters=4, seed=0)
    gan.compile()
    out = _fit(gan, _ds(x, y))
    out["images"] = gan.generate(4, seed=1, labels=[0, 3, 7, 9])
    out["class_probs"] = gan.classify(x[:4])
    return out


def run_infogan():
    import keras_gans as kg

    x, _ = _digits(size=16)
    d = kg.networks.infogan_discriminator((16, 16, 1), filters=4, hidden_units=16, q_units=8)
    gan = kg.models.InfoGAN(image_shape=(16, 16, 1), latent_dim=8, filters=4, hidden_units=16, discriminator=d,
                            seed=0)
    gan.compile()
    out = _fit(gan, _ds(x))
    out["images"] = gan.generate(4, seed=1, category=[0, 3, 7, 9])
    return out


def run_stylegan2():
    import keras_gans as kg

    x, _ = _digits(size=8)
    gan = kg.models.StyleGAN2(image_shape=(8, 8, 1), latent_dim=8, style_dim=8, mapping_layers=2,
                              filters={4: 8, 8: 4}, group_size=2, seed=0)
    gan.compile()
    out = _fit(gan, _ds(x))
    out["images"] = gan.generate(4, seed=1)
    out["truncated"] = gan.generate(4, seed=1, truncation_psi=0.5)
    return out


def run_srgan():
    import tensorflow as tf

    import keras_gans as kg

    high, _ = _digits(size=16, channels=3)
    low = tf.image.resize(high, (4, 4), method="bicubic").numpy().clip(-1, 1)
    gan = kg.models.SRGAN(lowres_shape=(4, 4, 3), scale=4, filters=4, num_residual_blocks=1, discriminator_filters=4,
                          discriminator_downsampling=2, dense_units=8, seed=0)
    gan.compile()
    out = _fit(gan, _ds(low, high))
    out["upscaled"] = gan.upscale(low[:4])
    return out


def run_discogan():
    import keras_gans as kg

    a, _ = _digits(size=16, channels=3)
    b = -a[::-1]
    gan = kg.models.DiscoGAN(image_shape=(16, 16, 3), filters=4, depth=2, seed=0)
    gan.compile()
    out = _fit(gan, _ds(a, b, batch=4))
    out["a2b"] = gan.translate(a[:4], "a2b")
    out["b2a"] = gan.translate(b[:4], "b2a")
    return out


RUNS = {name[4:]: fn for name, fn in sorted(globals().items()) if name.startswith("run_")}


#: `keras-gans train NAME ...` for each recipe: two steps, then the saved model's samples.
CLI_RUNS = {
    "gan": [], "dcgan": ["--latent-dim", "16"], "wgan": ["--n-critic", "2", "--ema-decay", "0.9"],
    "wgan_gp": ["--n-critic", "2"], "cgan": ["--conditioning", "one_hot"], "sgan": ["--num-labeled", "20"],
    "cyclegan": ["--filters", "8", "--lambda-cycle-b", "0", "--d-downsampling", "1"],
    "pix2pix": ["--filters", "8", "--ema-decay", "0.9"], "cogan": [], "progan": ["--target-resolution", "4"],
    # the models of issue 24
    "sagan": ["--latent-dim", "8", "--image-size", "16", "--width", "4", "--ema-decay", "0.9"],
    "biggan": ["--latent-dim", "9", "--image-size", "16", "--width", "4", "--embedding-dim", "4"],
    "acgan": ["--latent-dim", "8", "--image-size", "16", "--ema-decay", "0.9"],
    "infogan": ["--latent-dim", "8", "--image-size", "16", "--ema-decay", "0.9"],
    "stylegan2": ["--latent-dim", "8", "--style-dim", "8", "--image-size", "8"],
    "srgan": ["--filters", "4", "--residual-blocks", "1"],
    "discogan": ["--filters", "4", "--depth", "2", "--image-size", "16"],
}
#: The recipes whose saved model is a translator (model.translate), and those that take labels in generate.
CLI_TRANSLATORS = ("cyclegan", "pix2pix", "discogan")
CLI_LABELLED = ("cgan", "acgan", "biggan")


def _digit_folder(path, n=16):
    """A folder of n 28×28 digit PNGs. A long run would turn the last-bit differences between CPUs' kernels
    into visible ones (about 200 steps over `digits` moved the samples by 0.026 on CI's CPU)."""
    import keras

    os.makedirs(path)
    for i, image in enumerate(_digits(n)[0]):
        keras.utils.save_img(os.path.join(path, f"{i:02d}.png"), (image + 1.0) * 127.5, scale=False)
    return path


def _cli_run(name):
    def run_cli():
        import tempfile

        import keras

        from keras_gans.cli import main

        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "run")
            steps = ["--steps-per-epoch", "2"]
            if name == "progan":  # its schedule sets its steps: one pass over 16 images is two steps
                steps = ["--dataset", _digit_folder(os.path.join(tmp, "digits"))]
            code = main(["train", name, "--epochs", "1", "--batch-size", "8", "--seed", "3", "--verbose", "0",
                         "--out", out] + steps + CLI_RUNS[name])
            assert code == 0, code
            model = keras.saving.load_model(os.path.join(out, "model.keras"))
            if name in CLI_TRANSLATORS:
                shape = model.image_shape
                return {"a2b": model.translate(_digits(4, size=shape[0], channels=shape[-1])[0])}
            if name == "srgan":
                shape = model.lowres_shape
                return {"upscaled": model.upscale(_digits(4, size=shape[0], channels=shape[-1])[0])}
            kwargs = {"labels": [1, 2, 3, 4]} if name in CLI_LABELLED else {}
            return {"images": model.generate(4, seed=1, **kwargs)}

    return run_cli


RUNS.update({f"cli_{name}": _cli_run(name) for name in CLI_RUNS})


def _preset_run(name):
    def run_preset():
        import keras_gans as kg

        model = kg.zoo.load(name)
        metadata = model._zoo_metadata  # noqa: SLF001
        if metadata["task"] == "noise_to_image":
            return {"images": kg.zoo.sample(name, 4, seed=1, model=model)}
        shape = [4] + [int(d) for d in metadata["inputs"][0]["shape"][1:]]
        x = np.linspace(-1.0, 1.0, int(np.prod(shape)), dtype="float32").reshape(shape)
        return {"outputs": np.asarray(model.predict(x, verbose=0), "float32")}

    return run_preset


#: Every shipped preset, loaded and run on fixed inputs.
PRESETS = ("acgan_mnist", "biggan_mnist", "cgan_mnist", "cogan_mnist", "cyclegan_mnist_mnistm", "dcgan_mnist", "discogan_mnist_mnistm", "infogan_mnist", "mnist_classifier",
           "pix2pix_mnist_mnistm", "progan_mnist_32", "sagan_mnist", "sgan_mnist_100labels", "srgan_mnistm", "stylegan2_mnist_32", "wgan_gp_mnist")
RUNS.update({f"preset_{name}": _preset_run(name) for name in PRESETS})


def run(name):
    import keras

    keras.utils.set_random_seed(0)
    return {k: np.asarray(v) for k, v in RUNS[name]().items()}


def repeatable():
    """Deterministic TensorFlow kernels for this process; call before any TensorFlow work."""
    import tensorflow as tf

    tf.config.experimental.enable_op_determinism()


def record(names=None, path=GOLDEN):
    repeatable()
    results = {}
    for name in names or RUNS:
        for key, value in run(name).items():
            results[f"{name}/{key}"] = value
        print("recorded", name, flush=True)
    np.savez_compressed(path, **results)


if __name__ == "__main__":  # seeded_runs.py [--out FILE] [NAME ...]: the golden file, or FILE
    sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))
    os.environ.setdefault("KERAS_GANS_OFFLINE", "1")
    args = sys.argv[1:]
    out = GOLDEN
    if args[:1] == ["--out"]:
        out, args = args[1], args[2:]
    record(args or None, out)
