"""A catalogue of bad inputs: each gives a clear error naming the problem and writes nothing.

Every case is `(id, setup)`: `setup(ctx)` prepares its inputs under `ctx.tmp` and returns
`(call, exception type, regex the message must match)`. The test snapshots the files under the
temporary folder (which also holds the zoo cache) before the call, and checks that the call raised
the expected error, left no new file behind and deleted or changed none of the files that were
there. docs/bad_inputs.md lists the same table.
"""
import io
import os
import re
import shutil
import tarfile

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _images(shape=(4, 8, 8, 1), value=0.0, dtype="float32"):
    return np.full(shape, value, dtype=dtype)


def _with(x, index, value):
    x = x.copy()
    x.reshape(-1)[index] = value
    return x


def _cli(*argv):
    from keras_gans import cli

    def run():
        code = cli.main(list(argv))
        if code != 0:
            raise SystemExit(code)

    return run


# ---------------------------------------------------------------------------- the cases
def data_cases():
    return [
        ("fit-wrong-image-shape", lambda c: (lambda: c.gan.fit(_images((4, 16, 16, 1)), verbose=0), ValueError,
                                             r"shape \(16, 16, 1\) .* expects \(8, 8, 1\)")),
        ("fit-wrong-channels", lambda c: (lambda: c.gan.fit(_images((4, 8, 8, 3)), verbose=0), ValueError,
                                          r"\(8, 8, 3\) .* expects \(8, 8, 1\)")),
        ("fit-uint8-pixels", lambda c: (lambda: c.gan.fit(_images(dtype="uint8"), verbose=0), ValueError,
                                        r"uint8.*floats in \[-1, 1\]")),
        ("fit-0-255-floats", lambda c: (lambda: c.gan.fit(_images(value=255.0), verbose=0), ValueError,
                                        r"lie in \[255, 255\].*Scale")),
        ("fit-nan-pixel", lambda c: (lambda: c.gan.fit(_with(_images(), 5, np.nan), verbose=0), ValueError, r"NaN")),
        ("fit-inf-pixel-dataset", lambda c: (
            lambda: c.gan.fit(tf.data.Dataset.from_tensor_slices(_with(_images(), 0, np.inf)).batch(2), verbose=0),
            ValueError, r"NaN or Inf")),
        ("fit-empty-array", lambda c: (lambda: c.gan.fit(_images((0, 8, 8, 1)), verbose=0), ValueError,
                                       r"data is empty")),
        ("load-unknown-dataset", lambda c: (lambda: kg.data.load("mnist-6k"), KeyError, r"Unknown dataset 'mnist-6k'")),
        ("load-batch-size-0", lambda c: (lambda: kg.data.load("mnist-5k", batch_size=0), ValueError, r"batch_size")),
        ("load-bad-image-size", lambda c: (lambda: kg.data.load("mnist-5k", image_size=(28,)), ValueError,
                                           r"image_size must be \(height, width\)")),
        ("image-folder-missing", lambda c: (lambda: kg.data.load(str(c.tmp / "nope") + os.sep, image_size=(8, 8)),
                                            FileNotFoundError, r"No folder")),
        ("image-folder-without-images", lambda c: (lambda p=c.folder({"notes.txt": b"x"}): kg.data.load(
            p, image_size=(8, 8)), ValueError, r"contains no images")),
        ("image-file-empty", lambda c: (lambda p=c.folder({"a.png": b""}): kg.data.load(p, image_size=(8, 8)),
                                        ValueError, r"a\.png' is empty \(0 bytes\)")),
        ("image-file-corrupt", lambda c: (lambda p=c.folder({"b.jpg": b"GIF? no" * 20}): kg.data.load(
            p, image_size=(8, 8)), ValueError, r"b\.jpg' is not a PNG, JPEG, BMP or GIF")),
        ("image-folder-no-size", lambda c: (lambda p=c.folder({"a.png": b"\x89PNG...."}): kg.data.load(p), ValueError,
                                            r"needs image_size")),
        ("cgan-label-out-of-range", lambda c: (lambda: c.cgan().generate(labels=[3, 10]), ValueError,
                                               r"Label 10 is out of range.*num_classes=10")),
        ("cgan-float-labels", lambda c: (lambda: c.cgan().generate(labels=[1.0, 2.0]), ValueError,
                                         r"labels must be integers.*np.asarray\(labels, 'int32'\)")),
        ("cgan-images-without-labels", lambda c: (
            lambda: c.cgan().fit(tf.data.Dataset.from_tensor_slices(_images((4, 28, 28, 1))).batch(2), verbose=0),
            ValueError, r"\(images, labels\) pairs")),
    ]


def model_cases():
    return [
        ("dcgan-10px-images", lambda c: (lambda: kg.models.DCGAN(image_shape=(10, 10, 1)), ValueError,
                                         r"power-of-two images.*got 10")),
        ("dcgan-2d-image-shape", lambda c: (lambda: kg.models.DCGAN(image_shape=(28, 28)), ValueError,
                                            r"\(height, width, channels\)")),
        ("dcgan-unknown-architecture", lambda c: (lambda: kg.models.DCGAN(architecture="resnet"), ValueError,
                                                  r"architecture must be one of")),
        ("latent-dim-mismatch", lambda c: (lambda: kg.models.GAN(c.gan.generator, c.gan.discriminator, latent_dim=7),
                                           ValueError, r"latent_dim=7 does not match.*4")),
        ("unknown-update-rule", lambda c: (lambda: kg.models.GAN(c.gan.generator, c.gan.discriminator, update="async"),
                                           ValueError, r"`update` must be one of")),
        ("unknown-d-batch", lambda c: (lambda: kg.models.GAN(c.gan.generator, c.gan.discriminator, d_batch="mixed"),
                                       ValueError, r"`d_batch` must be one of \('joint', 'separate'\)")),
        ("compile-single-optimizer", lambda c: (lambda: c.gan.compile(optimizer="adam"), TypeError,
                                                r"two optimizers: use d_optimizer= and g_optimizer=")),
        ("compile-shared-optimizer", lambda c: (c.shared_optimizer(), ValueError, r"two different optimizer objects")),
        ("compile-unknown-loss", lambda c: (lambda: c.gan.compile(loss="wgan-gp-x"), ValueError, r"Unknown GAN loss")),
        ("generate-bad-output", lambda c: (lambda: c.gan.generate(2, output="png"), ValueError,
                                           r"output must be 'float' or 'uint8'")),
        ("generate-z-wrong-width", lambda c: (lambda: c.gan.generate(z=np.zeros((2, 5))), ValueError,
                                              r"z must have shape \(n, 4\); got \(2, 5\)")),
        ("generate-negative-n", lambda c: (lambda: c.gan.generate(-3), ValueError,
                                           r"n \(the number of images\) must be an integer ≥ 0; got -3")),
        ("wgan-gp-batchnorm-critic", lambda c: (lambda: c.wgan_gp(critic_normalization="batch"), ValueError,
                                                r"batch norm mixes")),
    ]


def file_cases():
    return [
        ("weights-truncated", lambda c: (lambda p=c.truncated_weights(): c.gan.load_weights(p), ValueError,
                                         r"weights file .*truncated")),
        ("weights-of-another-shape", lambda c: (lambda p=c.weights(), m=c.other_gan(): m.load_weights(p), ValueError,
                                                r"shape")),
        ("keras-file-truncated", lambda c: (_cli("sample", c.truncated_keras(), "-o", str(c.tmp / "g.png")),
                                            SystemExit, None, r"not a valid \.keras file, not a zip archive")),
        ("keras-file-with-lambda-safe-mode", lambda c: (_cli("export", c.lambda_keras(), str(c.tmp / "srv")),
                                                        SystemExit, None, r"safe_mode")),
        ("keras-file-not-a-gan", lambda c: (_cli("export", c.plain_keras(), str(c.tmp / "srv")), SystemExit, None,
                                            r"holds a Functional, not a keras_gans GAN")),
        ("save-into-unwritable-folder", lambda c: (lambda: c.gan.save("/proc/keras-gans-test.keras"), PermissionError,
                                                   r"folder '/proc' is not writable")),
        ("export-into-unwritable-folder", lambda c: (lambda: c.gan.export("/proc/keras-gans-serving", verbose=False),
                                                     PermissionError, r"not writable")),
    ]


def zoo_cases():
    return [
        ("preset-unknown-name", lambda c: (lambda: kg.zoo.load("dcgan_mnistt"), KeyError, r"Unknown preset 'dcgan_mnistt'")),
        ("preset-folder-without-metadata", lambda c: (lambda p=c.folder({"x.txt": b"x"}): kg.zoo.load(p),
                                                      FileNotFoundError, r"not a preset \(no metadata.json\)")),
        ("preset-hash-mismatch", lambda c: (lambda p=c.preset(corrupt=True): kg.zoo.load(p), ValueError,
                                            r"sha256 .* but metadata.json says")),
        ("preset-missing-weights", lambda c: (lambda p=c.preset(remove=True): kg.zoo.load(p), FileNotFoundError,
                                              r"is missing model.weights.h5")),
        ("preset-of-another-model-class", lambda c: (lambda: kg.zoo.sample("mnist_classifier", 4), ValueError,
                                                     r"is a \w+ model; sample\(\) needs a noise-to-image")),
        ("archive-with-dotdot-path", lambda c: (lambda p=c.evil_tar(): kg.zoo.load(p), ValueError,
                                                r"unsafe path '\.\./evil\.txt'")),
        ("archive-corrupt", lambda c: (lambda p=c.file("junk.tar.gz", b"not a tar"): kg.zoo.load(p), ValueError,
                                       r"not a readable archive")),
        ("remote-preset-offline", lambda c: (lambda: kg.zoo.load("https://example.com/p.tar.gz"), ConnectionError,
                                             r"KERAS_GANS_OFFLINE is set")),
        ("fetch-not-a-url", lambda c: (lambda: kg.zoo.fetch("ftp://example.com/p.tar.gz"), ValueError,
                                       r"not an http\(s\):// or file:// URL")),
        ("fetch-malformed-sha256", lambda c: (lambda: kg.zoo.fetch("file:///etc/hostname", sha256="abc"), ValueError,
                                              r"64 hexadecimal")),
        ("fetch-sha256-mismatch", lambda c: (
            lambda p=c.file("w.bin", b"weights"): kg.zoo.fetch("file://" + p, sha256="0" * 64), ValueError,
            r"does not have the expected sha256")),
        ("hub-handle-offline", lambda c: (lambda: kg.zoo.load_hub("google/progan-128/1"), ConnectionError,
                                          r"Cannot download https://tfhub.dev/google/progan-128/1")),
        ("hub-not-a-handle", lambda c: (lambda: kg.zoo.load_hub("progan please"), FileNotFoundError,
                                        r"neither a folder nor a hub handle")),
        ("hub-folder-not-savedmodel", lambda c: (lambda p=c.folder({"x.txt": b"x"}): kg.zoo.load_hub(p), ValueError,
                                                 r"not a loadable SavedModel.*saved_model.pb")),
    ]


def cli_cases():
    def train(c, *extra):
        return _cli("train", "dcgan", "--epochs", "1", "--steps-per-epoch", "1", "--verbose", "0", *extra)

    return [
        ("cli-unknown-model", lambda c: (_cli("train", "stylegan9", "--out", str(c.tmp / "o")), SystemExit, None,
                                         r"Unknown model 'stylegan9'")),
        ("cli-out-is-a-file", lambda c: (train(c, "--out", c.file("taken", b"x")), SystemExit, None,
                                         r"--out .*taken' is a file")),
        ("cli-out-unwritable", lambda c: (train(c, "--out", "/proc/keras-gans-run"), SystemExit, None,
                                          r"Cannot write in --out '/proc/keras-gans-run'")),
        ("cli-zero-epochs", lambda c: (_cli("train", "dcgan", "--epochs", "0", "--out", str(c.tmp / "o")), SystemExit,
                                       None, r"argument --epochs: must be a positive integer, not '0'")),
        ("cli-flag-of-another-model", lambda c: (_cli("train", "dcgan", "--filters", "32", "--out", str(c.tmp / "o")),
                                                 SystemExit, None, r"unrecognized arguments: --filters 32")),
        ("cli-bad-save-freq", lambda c: (_cli("train", "dcgan", "--save-freq", "0", "--out", str(c.tmp / "o")),
                                         SystemExit, None, r"--save-freq: must be 'epoch' or a positive number")),
        ("cli-unknown-dataset", lambda c: (train(c, "--dataset", "mnist-6k", "--out", str(c.tmp / "o")), SystemExit,
                                           None, r"Unknown dataset 'mnist-6k'")),
        ("cli-sample-missing-model", lambda c: (_cli("sample", str(c.tmp / "none.keras"), "-o", str(c.tmp / "g.png")),
                                                SystemExit, None, r"No model file")),
    ]


def write_cases():
    """Safe writes: nothing of the user's is replaced without overwrite=True / --overwrite (issue 22)."""
    def user_folder(c):
        return c.folder({"notes.txt": b"mine"})

    def finished_run(c, backup=True, model="dcgan"):
        out = c.tmp / "run"
        (out / "backup").mkdir(parents=True)
        (out / "command.json").write_text('{"model": "%s"}' % model)
        (out / "model.keras").write_bytes(b"a finished run's model")
        if backup:
            (out / "backup" / "training_metadata.json").write_text('{"epoch": 2, "batch": 0, "weights": "w"}')
        return str(out)

    def train(*extra):
        return _cli("train", "dcgan", "--epochs", "2", "--steps-per-epoch", "1", "--verbose", "0", *extra)

    exists = r"already exists and is not empty \(1 entry\)\. Pass overwrite=True \(--overwrite"
    return [
        ("export-into-non-empty-folder", lambda c: (lambda p=user_folder(c): c.gan.export(p, verbose=False),
                                                    FileExistsError, exists)),
        ("export-onto-a-file", lambda c: (lambda p=c.file("f", b"x"): c.gan.export(p, verbose=False), FileExistsError,
                                          r"f' is a file, not a folder")),
        ("export-under-a-file", lambda c: (lambda p=c.file("f", b"x"): c.gan.export(p + "/sub", verbose=False),
                                           FileExistsError, r"f' is a file, not a folder")),
        ("save-overwrite-false-existing", lambda c: (lambda p=c.file("m.keras", b"x"): c.gan.save(p, overwrite=False),
                                                     FileExistsError, r"m\.keras' already exists\. Pass overwrite")),
        ("save-onto-a-folder", lambda c: (lambda p=c.folder({}): c.gan.save(p + "/"), IsADirectoryError,
                                          r"is a folder, not a file")),
        ("publish-into-non-empty-folder", lambda c: (lambda p=user_folder(c): kg.zoo.publish(
            c.gan, p, dataset="none", training_command="-", samples=False), FileExistsError, exists)),
        ("zoo-export-into-non-empty-folder", lambda c: (lambda p=user_folder(c): kg.zoo.export(
            "mnist_classifier", p, verbose=False), FileExistsError, exists)),
        ("cli-export-non-empty-folder", lambda c: (_cli("export", c.file("m.keras", b"x"), user_folder(c)), SystemExit,
                                                   None, exists)),
        ("cli-zoo-export-non-empty-folder", lambda c: (_cli("zoo", "export", "mnist_classifier", user_folder(c)),
                                                       SystemExit, None, exists)),
        ("cli-sample-output-exists", lambda c: (_cli("sample", c.file("m.keras", b"x"), "-o", c.file("g.png", b"x")),
                                                SystemExit, None, r"g\.png' already exists\. .*--overwrite")),
        ("cli-eval-json-is-a-folder", lambda c: (_cli("eval", "dcgan_mnist", "--json", c.folder({})), SystemExit, None,
                                                  r"is a folder, not a file")),
        ("cli-sample-output-not-an-image", lambda c: (_cli("sample", c.file("m.keras", b"x"), "-o",
                                                            str(c.tmp / "grid.txt")), SystemExit, None,
                                                       r"grid\.txt' is not an image file name: end it in \.png")),
        ("cli-zoo-sample-output-not-an-image", lambda c: (_cli("zoo", "sample", "dcgan_mnist", "-o", str(c.tmp / "g")),
                                                           SystemExit, None, r"'[^']*g' is not an image file name")),
        ("cli-zoo-sample-output-exists", lambda c: (_cli("zoo", "sample", "dcgan_mnist", "-o", c.file("g.png", b"x")),
                                                    SystemExit, None, r"g\.png' already exists")),
        ("cli-translate-output-exists", lambda c: (_cli("translate", c.file("m.keras", b"x"), c.file("i.png", b"x"),
                                                        "-o", c.file("o.png", b"x")), SystemExit, None,
                                                   r"o\.png' already exists")),
        ("cli-style-output-exists", lambda c: (_cli("style", c.file("c.png", b"x"), c.file("s.png", b"x"), "-o",
                                                    c.file("o.png", b"x")), SystemExit, None,
                                               r"o\.png' already exists")),
        ("cli-train-out-holds-no-run", lambda c: (train("--out", user_folder(c)), SystemExit, None,
                                                  r"is not empty and holds no keras-gans run.*--overwrite")),
        ("cli-train-out-of-another-model", lambda c: (train("--out", finished_run(c, model="wgan")), SystemExit, None,
                                                      r"holds a run of wgan, not dcgan")),
        ("cli-train-rerun-finished", lambda c: (train("--out", finished_run(c)), SystemExit, None,
                                                r"holds a finished run \(2 epochs, model.keras\).*more --epochs "
                                                r"\(e\.g\. --epochs 4\): it continues.*--overwrite")),
        ("cli-train-finished-without-backup", lambda c: (train("--out", finished_run(c, backup=False)), SystemExit,
                                                         None, r"finished run \(model.keras\) without a backup")),
    ]


def _zoo_copy(c, name="mnist_classifier", edit=None, builtin=False):
    """A copy of a shipped preset under `c.tmp` (in a `zoo/` root for `builtin=True`), then `edit(folder)`."""
    import pathlib

    root = c.tmp / ("zoo" if builtin else "mine")
    folder = pathlib.Path(shutil.copytree(os.path.join(ROOT, "keras_gans", "presets", name), root / name))
    if edit is not None:
        edit(folder)
    return str(folder)


def _as_builtin(folder, call):
    """Runs `call` with `folder`'s parent as a zoo folder (`$KERAS_GANS_ZOO`), as built-in presets are found."""
    from unittest import mock

    def run():
        with mock.patch.dict(os.environ, {"KERAS_GANS_ZOO": os.path.dirname(folder)}):
            return call()

    return run


def _edit_metadata(change):
    def edit(folder):
        import json

        meta = json.loads((folder / "metadata.json").read_text())
        change(meta, folder)
        (folder / "metadata.json").write_text(json.dumps(meta))

    return edit


def _rehash(fname, content):
    """Replaces `fname` and re-hashes it in metadata.json (what an attacker would do)."""
    def change(meta, folder):
        (folder / fname).write_bytes(content)
        meta["files"][fname] = kg.zoo.sha256_file(folder / fname)

    return _edit_metadata(change)


def _archive_of(c, folder):
    path = c.tmp / "preset.tar.gz"
    with tarfile.open(path, "w:gz") as t:
        t.add(folder, arcname=os.path.basename(folder))
    return str(path)


def zoo_integrity_cases():
    config_edit = _rehash("config.json", b'{"class_name": "Sequential", "config": {"layers": []}}')
    return [
        ("local-archive-wrong-sha256", lambda c: (
            lambda p=_archive_of(c, _zoo_copy(c)): kg.zoo.load(p, sha256="0" * 64), ValueError,
            r"preset\.tar\.gz' has sha256 [0-9a-f]{64}, not the expected 0{64}.*Nothing was extracted")),
        ("builtin-config-edited-metadata-rehashed", lambda c: (
            _as_builtin(_zoo_copy(c, edit=config_edit, builtin=True), lambda: kg.zoo.load("mnist_classifier")),
            ValueError, r"config\.json has sha256 [0-9a-f]{64}, not [0-9a-f]{64}, the hash the package pins for the "
                        r"built-in preset 'mnist_classifier'")),
        ("builtin-card-edited", lambda c: (
            _as_builtin(_zoo_copy(c, edit=_edit_metadata(lambda m, f: m["metrics"]["test_accuracy"].update(value=1.0)),
                                  builtin=True), lambda: kg.zoo.info("mnist_classifier")),
            ValueError, r"metadata\.json has sha256 .* the package pins for the built-in preset 'mnist_classifier'")),
        ("builtin-extra-file", lambda c: (
            _as_builtin(_zoo_copy(c, edit=lambda f: (f / "hook.py").write_text("x"), builtin=True),
                        lambda: kg.zoo.load("mnist_classifier")),
            ValueError, r"unexpected file hook\.py: it is not part of the built-in preset 'mnist_classifier'")),
        ("builtin-missing-file", lambda c: (
            _as_builtin(_zoo_copy(c, edit=lambda f: (f / "README.md").unlink(), builtin=True),
                        lambda: kg.zoo.load("mnist_classifier")),
            FileNotFoundError, r"is missing README\.md")),
        ("preset-extra-file", lambda c: (
            lambda p=_zoo_copy(c, edit=lambda f: (f / "notes.txt").write_text("x")): kg.zoo.load(p), ValueError,
            r"unexpected file notes\.txt: its metadata\.json does not list it")),
        ("preset-metadata-not-json", lambda c: (
            lambda p=_zoo_copy(c, edit=lambda f: (f / "metadata.json").write_text("{\"name\": ")): kg.zoo.load(p),
            ValueError, r"metadata\.json is not valid JSON")),
        ("preset-metadata-not-an-object", lambda c: (
            lambda p=_zoo_copy(c, edit=lambda f: (f / "metadata.json").write_text("[1, 2]")): kg.zoo.info(p),
            ValueError, r"metadata\.json must hold a JSON object; got a list")),
        ("preset-metadata-without-contents", lambda c: (
            lambda p=_zoo_copy(c, edit=_edit_metadata(lambda m, f: m.pop("contents"))): kg.zoo.load(p), ValueError,
            r"metadata\.json has no 'contents' entry")),
        ("preset-metadata-unknown-task", lambda c: (
            lambda p=_zoo_copy(c, edit=_edit_metadata(lambda m, f: m.update(task="text"))): kg.zoo.load(p), ValueError,
            r"metadata\.json: task must be one of .*got 'text'")),
        ("preset-config-not-hashed", lambda c: (
            lambda p=_zoo_copy(c, edit=_edit_metadata(lambda m, f: m["files"].pop("config.json"))): kg.zoo.load(p),
            ValueError, r"metadata\.json lists no sha256 for config\.json")),
        ("preset-metadata-file-outside-folder", lambda c: (
            lambda p=_zoo_copy(c, edit=_edit_metadata(lambda m, f: m["files"].update({"../x": "0" * 64}))):
            kg.zoo.load(p), ValueError, r"'files' lists '\.\./x', which is not a file of the preset folder")),
        ("preset-metadata-bad-digest", lambda c: (
            lambda p=_zoo_copy(c, edit=_edit_metadata(lambda m, f: m["files"].update({"README.md": "abc"}))):
            kg.zoo.load(p), ValueError, r"the sha256 of README\.md must be 64 hexadecimal characters; got 'abc'")),
        ("preset-config-not-json", lambda c: (
            lambda p=_zoo_copy(c, edit=_rehash("config.json", b"{oops")): kg.zoo.load(p), ValueError,
            r"config\.json is not valid JSON")),
        ("preset-folder-wrong-sha256", lambda c: (
            lambda p=_zoo_copy(c): kg.zoo.load(p, sha256="1" * 64), ValueError,
            r"metadata\.json has sha256 [0-9a-f]{64}, not the expected 1{64}")),
    ]


def data_anywhere_cases():
    """Bad data in any batch, empty data, batches larger than the data, huge results, wrong save extensions."""
    def poisoned(c, batch=5):  # a NaN image in batch `batch` of 4 (the first batch is clean: fit's check passes)
        x = np.random.default_rng(0).uniform(-1, 1, (40, 8, 8, 1)).astype("float32")
        x[4 * (batch - 1) + 1, 2, 2, 0] = np.nan
        return tf.data.Dataset.from_tensor_slices(x).batch(4)

    return [
        ("fit-nan-in-batch-5", lambda c: (lambda m=c.fresh_gan(), d=poisoned(c): m.fit(d, epochs=2, verbose=0),
                                          ValueError, r"Training diverged: d_loss = nan.* at epoch 1, step 5\.")),
        ("fit-inf-in-batch-3-with-backup", lambda c: (
            lambda m=c.fresh_gan(), d=poisoned(c, 3).map(lambda x: tf.where(tf.math.is_nan(x), np.inf, x)):
            m.fit(d, verbose=0, callbacks=[keras.callbacks.BackupAndRestore(str(c.tmp / "bk"), save_freq=100)]),
            ValueError, r"Training diverged: d_loss = (nan|inf).* at epoch 1, step 3\. Stopped before any callback could save")),
        ("fit-empty-dataset", lambda c: (
            lambda: c.gan.fit(tf.data.Dataset.from_tensor_slices(_images((0, 8, 8, 1))).batch(2), verbose=0),
            ValueError, r"The dataset is empty \(it yields no batch\)")),
        ("fit-batch-larger-than-data", lambda c: (
            lambda: c.gan.fit(tf.data.Dataset.from_tensor_slices(_images((10, 8, 8, 1))).batch(64, drop_remainder=True),
                              verbose=0),
            ValueError, r"batches hold 64 images \(drop_remainder=True\) but it has 10 images")),
        ("load-batch-larger-than-data", lambda c: (lambda: kg.data.load("mnist-5k", split="test", batch_size=501),
                                                   ValueError, r"batch_size=501 is larger than the dataset \(500 images\)")),
        ("generate-huge-n", lambda c: (lambda: c.gan.generate(10**11), ValueError,
                                       r"generate\(100000000000\) needs about 25\.6 TB .* of memory available")),
        ("save-h5", lambda c: (lambda: c.gan.save(str(c.tmp / "m.h5")), ValueError,
                               r"Cannot save .*m\.h5': a GAN is saved as a \.keras file.*'model\.keras'")),
        ("save-weights-without-weights-h5", lambda c: (lambda: c.gan.save_weights(str(c.tmp / "w.h5")), ValueError,
                                                       r"end in \.weights\.h5: use e\.g\. 'model\.weights\.h5'")),
        ("save-nan-weights", lambda c: (lambda m=c.nan_gan(): m.save(str(c.tmp / "m.keras")), ValueError,
                                        r"Not saving .*m\.keras': the weights .* are NaN/Inf")),
        ("cli-sample-huge-n", lambda c: (_cli("sample", c.model_file(), "-n", str(10**11), "-o", str(c.tmp / "g.png")),
                                         SystemExit, None, r"error: generate\(100000000000\) needs about 25\.6 TB")),
        ("cli-train-batch-larger-than-data", lambda c: (
            _cli("train", "dcgan", "--dataset", "digits", "--batch-size", "5000", "--out", str(c.tmp / "o")),
            SystemExit, None, r"batch_size=5000 is larger than the dataset \(1618 images\)")),
    ]


def argument_cases():
    """Sizes, counts and rates checked where they enter (issue 22, point 5): before a weight is built
    or a folder made; numpy integers pass, floats and bools are refused for a count."""
    def api(call, error, pattern):
        return lambda c: (call, error, pattern)

    def train_case(name, model, flags, pattern):
        """`keras-gans train MODEL FLAGS --out RUN`: exit 2 with `pattern`, and RUN never created."""
        def setup(c):
            out = c.tmp / "run"
            run = _cli("train", model, "--epochs", "1", "--steps-per-epoch", "1", "--verbose", "0", *flags,
                       "--out", str(out))

            def call():
                try:
                    run()
                finally:
                    assert not out.exists(), "the refused command created --out"
            return call, SystemExit, None, rf"keras-gans train( {model})?: error: .*{pattern}"
        return name, setup

    models = kg.models
    return [
        ("dcgan-latent-dim-0", api(lambda: models.DCGAN(latent_dim=0), ValueError,
                                   r"^latent_dim must be a positive integer; got 0\. Pass the size of z")),
        ("dcgan-latent-dim-float", api(lambda: models.DCGAN(latent_dim=8.0), TypeError,
                                       r"latent_dim must be a positive integer; got 8\.0")),
        ("dcgan-latent-dim-bool", api(lambda: models.DCGAN(latent_dim=True), TypeError, r"latent_dim .* got True")),
        ("dcgan-image-shape-zero", api(lambda: models.DCGAN(image_shape=(28, 0, 1)), ValueError,
                                       r"image_shape must be \(height, width, channels\) with positive sizes; "
                                       r"got \(28, 0, 1\)")),
        ("dcgan-dropout-1", api(lambda: models.DCGAN(discriminator_dropout=1.0), ValueError,
                                r"discriminator_dropout must be a number in \[0, 1\); got 1\.0")),
        ("gan-negative-seed", api(lambda: models.DCGAN(latent_dim=4, seed=-1), ValueError,
                                  r"seed must be an integer ≥ 0; got -1")),
        ("wgan-n-critic-0", api(lambda: models.WGAN(n_critic=0), ValueError,
                                r"n_critic must be a positive integer; got 0\. The paper uses 5")),
        ("wgan-n-critic-float", api(lambda: models.WGAN(n_critic=2.5), TypeError,
                                    r"n_critic must be a positive integer; got 2\.5")),
        ("wgan-clip-value-nan", api(lambda: models.WGAN(clip_value=float("nan")), ValueError,
                                    r"clip_value must be positive \(0\.01 in the paper\) or None; got nan")),
        ("wgan-ema-decay-1", api(lambda: models.WGAN(ema_decay=1.0), ValueError,
                                 r"ema_decay must be in \(0, 1\) \(e\.g\. 0\.999\) or None; got 1\.0")),
        ("wgan-gp-negative-weight", api(lambda: models.WGANGP(gp_weight=-1), ValueError,
                                        r"gp_weight \(λ\) must be a number ≥ 0; got -1\. The paper uses 10")),
        ("tricks-label-flip-0.7", api(lambda: kg.tricks.DCGANWithTricks(label_flip=0.7), ValueError,
                                      r"label_flip must be in \[0, 0\.5\); got 0\.7")),
        ("cgan-one-class", api(lambda: models.CGAN(num_classes=1), ValueError,
                               r"num_classes must be an integer ≥ 2; got 1")),
        ("sgan-num-labeled-0", api(lambda: models.SGAN(num_labeled=0), ValueError,
                                   r"num_labeled must be a positive integer; got 0")),
        ("sgan-learning-rate-0", api(lambda: models.SGAN(learning_rate=0), ValueError,
                                     r"learning_rate must be a number > 0; got 0")),
        ("cogan-filters-0", api(lambda: models.CoGAN(filters=0), ValueError,
                                r"filters must be a positive integer; got 0")),
        ("cyclegan-pool-size-negative", api(lambda: models.CycleGAN(image_shape=(32, 32, 3), pool_size=-1), ValueError,
                                            r"pool_size must be an integer ≥ 0; got -1")),
        ("pix2pix-dropout-1", api(lambda: models.Pix2Pix(dropout=1), ValueError,
                                  r"dropout must be a number in \[0, 1\); got 1")),
        ("progan-group-size-0", api(lambda: models.ProGAN(group_size=0), ValueError,
                                    r"group_size must be a positive integer; got 0")),
        ("vae-latent-dim-0", api(lambda: models.VAE(latent_dim=0), ValueError,
                                 r"latent_dim must be a positive integer; got 0")),
        ("network-latent-dim-0", api(lambda: kg.networks.mlp_generator(latent_dim=0), ValueError,
                                     r"latent_dim must be a positive integer; got 0")),
        ("generate-batch-size-0", lambda c: (lambda: c.gan.generate(4, batch_size=0), ValueError,
                                             r"batch_size must be a positive integer; got 0")),
        ("generate-n-float", lambda c: (lambda: c.gan.generate(2.5), TypeError,
                                        r"n \(the number of images\) must be an integer ≥ 0; got 2\.5")),
        ("generate-seed-negative", lambda c: (lambda: c.gan.generate(2, seed=-1), ValueError,
                                              r"seed must be an integer ≥ 0; got -1")),
        ("load-batch-size-bool", api(lambda: kg.data.load("mnist-5k", batch_size=True), TypeError,
                                     r"batch_size must be a positive integer; got True")),
        ("load-image-size-zero", api(lambda: kg.data.load("mnist-5k", image_size=(0, 28)), ValueError,
                                     r"image_size must be \(height, width\) with positive sizes; got \(0, 28\)")),
        ("load-pair-batch-size-0", api(lambda: kg.data.load_pair("mnist2mnistm-unpaired", batch_size=0), ValueError,
                                       r"batch_size must be a positive integer; got 0")),
        ("num-labeled-above-data", api(lambda: kg.data.semi_supervised_dataset("mnist-5k", num_labeled=100000),
                                       ValueError, r"num_labeled must be an integer ≤ 4500; got 100000\. .*class 0 "
                                       r"has only 450 examples")),
        ("num-labeled-not-multiple", api(lambda: kg.data.semi_supervised_dataset("mnist-5k", num_labeled=15),
                                         ValueError, r"num_labeled must be a positive multiple of num_classes=10.*"
                                         r"got 15\. Use e\.g\. 20")),
        ("recipe-args-steps-per-epoch-0", api(lambda: kg.recipes.get("dcgan").args(steps_per_epoch=0), ValueError,
                                              r"--steps-per-epoch must be a positive integer, not '0'")),
        ("recipe-args-n-critic-float", api(lambda: kg.recipes.get("wgan").args(n_critic=2.5), ValueError,
                                           r"--n-critic must be a positive integer, not '2\.5'")),
        # the flags that were silently replaced by their defaults (and latent_dim, which aborted the process)
        *(train_case(f"cli-{flag}-0", model, [f"--{flag}", "0"], rf"argument --{flag}: must be a positive integer, not '0'")
          for model, flag in (("dcgan", "latent-dim"), ("dcgan", "steps-per-epoch"), ("wgan", "n-critic"),
                              ("sgan", "num-labeled"))),
        train_case("cli-num-labeled-above-data", "sgan", ["--num-labeled", "100000"],
                   r"num_labeled must be an integer ≤ 4500; got 100000"),
        train_case("cli-ema-decay-1", "wgan", ["--ema-decay", "1"],
                   r"argument --ema-decay: must be a number in \(0, 1\) such as 0\.99, not '1'"),
        train_case("cli-seed-negative", "dcgan", ["--seed", "-1"],
                   r"argument --seed: must be an integer ≥ 0, not '-1'"),
        ("cli-sample-n-0", lambda c: (_cli("sample", str(c.tmp / "m.keras"), "-n", "0", "-o", str(c.tmp / "new" / "g.png")),
                                      SystemExit, None, r"argument -n: must be a positive integer, not '0'")),
        ("cli-eval-one-sample", lambda c: (_cli("eval", str(c.tmp / "m.keras"), "-n", "1"), SystemExit, None,
                                           r"argument -n/--n-samples: must be an integer ≥ 2, not '1'")),
        ("cli-style-height-8", lambda c: (_cli("style", "a.png", "b.png", "--height", "8", "-o", str(c.tmp / "s.png")),
                                          SystemExit, None, r"argument --height: must be an integer ≥ 16, not '8'")),
    ]


def issue24_cases():
    """SAGAN, BigGAN, ACGAN, InfoGAN, StyleGAN2, SRGAN and DiscoGAN (issue 24)."""
    return [
        ("sagan-30px-images", lambda c: (lambda: kg.models.SAGAN(image_shape=(30, 30, 1)), ValueError,
                                         r"multiples of 4 \(28 for MNIST, 32, 16, 8\); got image_shape=\(30, 30, 1\)")),
        ("sagan-simultaneous-with-augment", lambda c: (
            lambda: kg.models.SAGAN(update="simultaneous", augment="translation"), ValueError,
            r"update='simultaneous' is GAN's step, which takes ema_decay only .*got augment")),
        ("biggan-latent-dim-2", lambda c: (lambda: kg.models.BigGAN(latent_dim=2), ValueError,
                                           r"splits z into 3 chunks .*latent_dim must be at least 3; got 2")),
        ("biggan-truncation-0", lambda c: (lambda: c.biggan().generate(2, labels=[0, 1], truncation=0.0), ValueError,
                                           r"truncation threshold must be a number > 0; got 0.0")),
        ("biggan-truncation-nan", lambda c: (lambda: c.biggan().generate(2, labels=[0, 1], truncation=float("nan")),
                                             ValueError, r"truncation threshold must be a number > 0; got nan")),
        ("biggan-z-and-truncation", lambda c: (
            lambda: c.biggan().generate(z=np.zeros((2, 9), "float32"), labels=[0, 1], truncation=0.5), ValueError,
            r"Pass either z or truncation=: truncation draws z itself")),
        ("acgan-d-steps-2", lambda c: (lambda: kg.models.ACGAN(d_steps=2), ValueError,
                                       r"one discriminator step per generator step .*d_steps must be 1; got 2")),
        ("infogan-one-category", lambda c: (lambda: kg.models.InfoGAN(categories=1), ValueError,
                                            r"categories must be an integer ≥ 2; got 1")),
        ("infogan-category-out-of-range", lambda c: (lambda: c.infogan().generate(2, category=[0, 10]), ValueError,
                                                     r"Category 10 is out of range: this model has categories=10")),
        ("infogan-continuous-wrong-size", lambda c: (lambda: c.infogan().generate(2, continuous=[0.1, 0.2, 0.3]),
                                                     ValueError, r"continuous must have shape \(2,\) .* or \(2, 2\); "
                                                                 r"got \(3,\)")),
        ("infogan-traversal-code-2", lambda c: (lambda: c.infogan().code_traversal(code=2), ValueError,
                                                r"code must be an integer ≥ 0 and ≤ 1; got 2. This model has 2")),
        ("infogan-augment", lambda c: (lambda: kg.models.InfoGAN(augment="translation"), ValueError,
                                       r"InfoGAN does not take augment='translation': its Q head reads the codes")),
        ("stylegan2-12px-images", lambda c: (lambda: kg.models.StyleGAN2(image_shape=(12, 12, 1)), ValueError,
                                             r"power of two ≥ 8 .*got 12")),
        ("stylegan2-truncation-psi-nan", lambda c: (lambda: c.stylegan2().generate(2, truncation_psi=float("nan")),
                                                    ValueError, r"truncation_psi must be a finite number .*got nan")),
        ("stylegan2-truncation-psi-text", lambda c: (lambda: c.stylegan2().generate(2, truncation_psi="0.5"),
                                                     TypeError, r"truncation_psi must be a finite number .*got '0.5'")),
        ("stylegan2-crossover-5", lambda c: (lambda: c.stylegan2().style_mix(2, 2, crossover=5), ValueError,
                                             r"crossover must be a layer index in \[0, 4\] .*got 5")),
        ("srgan-scale-1", lambda c: (lambda: kg.models.SRGAN(scale=1), ValueError,
                                     r"scale must be an integer ≥ 2; got 1. The paper upscales by 4")),
        ("srgan-generator-of-another-scale", lambda c: (
            lambda: kg.models.SRGAN(generator=kg.networks.srresnet_generator((8, 8, 3), scale=2, filters=4,
                                                                              num_residual_blocks=0), scale=4),
            ValueError, r"maps \(8, 8, 3\) to \(16, 16, 3\), not to 4× the size .*Pass scale=2")),
        ("srgan-data-of-another-scale", lambda c: (c.srgan_fit_on_wrong_scale(), ValueError,
                                                   r"16×16 times scale 4 make 64×64, but the high-resolution images "
                                                   r"are 32×32.*super_resolution_dataset\(name, scale=4\)")),
        ("discogan-unknown-direction", lambda c: (
            lambda: c.discogan().translate(np.zeros((1, 16, 16, 3), "float32"), direction="ab"), ValueError,
            r"direction must be one of \('a2b', 'b2a'\); got 'ab'")),
    ]


CASES = (data_cases() + model_cases() + file_cases() + zoo_cases() + cli_cases() + write_cases()
         + zoo_integrity_cases() + data_anywhere_cases() + argument_cases() + issue24_cases())


# ---------------------------------------------------------------------------- test context
class Context:
    def __init__(self, tmp, gan):
        self.tmp, self.gan = tmp, gan

    def file(self, name, content):
        path = self.tmp / name
        path.write_bytes(content)
        return str(path)

    def folder(self, files):
        path = self.tmp / f"folder{len(list(self.tmp.iterdir()))}"
        path.mkdir()
        for name, content in files.items():
            (path / name).write_bytes(content)
        return str(path)

    def fresh_gan(self):
        keras.utils.set_random_seed(0)
        model = kg.models.DCGAN(image_shape=(8, 8, 1), latent_dim=4, seed=0)
        model.compile()
        return model

    def nan_gan(self):
        model = self.fresh_gan()
        w = model.generator.trainable_variables[0]
        w.assign(tf.fill(w.shape, float("nan")))
        return model

    def model_file(self):
        path = str(self.tmp / "m.keras")
        self.gan.save(path)
        return path

    def shared_optimizer(self):
        opt = keras.optimizers.Adam()
        return lambda: self.gan.compile(d_optimizer=opt, g_optimizer=opt)

    def cgan(self):
        from keras_gans.models.cgan import CGAN

        return CGAN(image_shape=(28, 28, 1), latent_dim=4, num_classes=10)

    def wgan_gp(self, **kwargs):
        from keras_gans.models.wgan import WGANGP

        return WGANGP(image_shape=(28, 28, 1), latent_dim=4, **kwargs)

    def biggan(self):
        return kg.models.BigGAN(image_shape=(16, 16, 1), latent_dim=9, num_classes=4, width=4, embedding_dim=4)

    def infogan(self):
        d = kg.networks.infogan_discriminator((16, 16, 1), filters=4, hidden_units=16, q_units=8)
        return kg.models.InfoGAN(image_shape=(16, 16, 1), latent_dim=8, filters=4, hidden_units=16, discriminator=d)

    def stylegan2(self):
        return kg.models.StyleGAN2(image_shape=(8, 8, 1), latent_dim=8, style_dim=8, mapping_layers=2,
                                   filters={4: 8, 8: 4}, group_size=2)

    def srgan_fit_on_wrong_scale(self):
        model = kg.models.SRGAN(lowres_shape=(8, 8, 3), scale=4, filters=4, num_residual_blocks=1,
                                discriminator_filters=4, discriminator_downsampling=2, dense_units=8)
        model.compile()
        high = np.zeros((4, 32, 32, 3), "float32")
        pairs = tf.data.Dataset.from_tensor_slices((high[:, :16, :16], high)).batch(4)   # 16×16 is not 32/4
        return lambda: model.fit(pairs, epochs=1, verbose=0)

    def discogan(self):
        return kg.models.DiscoGAN(image_shape=(16, 16, 3), filters=4, depth=2)

    def other_gan(self):
        model = kg.models.DCGAN(image_shape=(16, 16, 1), latent_dim=4)
        model.compile()
        return model

    def weights(self):
        path = str(self.tmp / "w.weights.h5")
        self.gan.save_weights(path)
        return path

    def truncated_weights(self):
        data = open(self.weights(), "rb").read()
        return self.file("cut.weights.h5", data[: len(data) // 2])

    def truncated_keras(self):
        path = str(self.tmp / "m.keras")
        self.gan.save(path)
        data = open(path, "rb").read()
        return self.file("cut.keras", data[: len(data) // 3])

    def lambda_keras(self):
        z = keras.Input((4,))
        model = keras.Model(z, keras.layers.Lambda(lambda t: t * 2)(z))
        path = str(self.tmp / "lambda.keras")
        model.save(path)
        return path

    def plain_keras(self):
        z = keras.Input((4,))
        path = str(self.tmp / "plain.keras")
        keras.Model(z, keras.layers.Dense(2)(z)).save(path)
        return path

    def preset(self, corrupt=False, remove=False):
        target = self.tmp / "preset"
        shutil.copytree(os.path.join(ROOT, "keras_gans", "presets", "mnist_classifier"), target)
        weights = target / "model.weights.h5"
        if corrupt:
            with open(weights, "ab") as f:
                f.write(b"\0")
        if remove:
            weights.unlink()
        return str(target)

    def evil_tar(self):
        path = self.tmp / "evil.tar.gz"
        with tarfile.open(path, "w:gz") as t:
            for name in ("preset/metadata.json", "../evil.txt"):
                info = tarfile.TarInfo(name)
                info.size = 2
                t.addfile(info, io.BytesIO(b"{}"))
        return str(path)


def _files(root):
    return {os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs}


def _stamps(paths):
    return {p: (os.stat(p).st_size, os.stat(p).st_mtime_ns) if os.path.exists(p) else None for p in paths}


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_gives_clear_error_and_writes_nothing(case, gan, tmp_path, monkeypatch, capsys):
    name, setup = case
    monkeypatch.setenv("KERAS_GANS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("KERAS_GANS_OFFLINE", "1")
    work = tmp_path / "work"
    work.mkdir()
    spec = setup(Context(work, gan))
    call, error, pattern = spec[0], spec[1], spec[-1]
    before = _files(tmp_path)
    stamps = _stamps(before)
    with pytest.raises(error) as info:
        call()
    if error is SystemExit:  # the CLI: exit status 2 and the message on stderr
        assert info.value.code == 2
        message = capsys.readouterr().err
    else:
        message = str(info.value.args[0]) if isinstance(info.value, KeyError) else str(info.value)
    assert re.search(pattern, message, flags=re.S), message
    assert "Traceback" not in message
    assert _files(tmp_path) - before == set(), f"{name} left files behind"
    assert _stamps(before) == stamps, f"{name} deleted or changed a file that was there"
    assert not os.path.exists(tmp_path.parent / "evil.txt")


def test_catalogue_size_and_coverage():
    groups = {"data": data_cases(), "models": model_cases(), "files": file_cases(), "zoo and hub": zoo_cases(),
              "cli": cli_cases(), "writes": write_cases(), "zoo integrity": zoo_integrity_cases(),
              "data anywhere": data_anywhere_cases(), "arguments": argument_cases(),
              "issue 24 models": issue24_cases()}
    assert len(CASES) >= 30 and all(len(cases) >= 5 for cases in groups.values())
    assert len({c[0] for c in CASES}) == len(CASES)


def test_the_docs_table_has_one_row_per_case():
    with open(os.path.join(ROOT, "docs", "bad_inputs.md"), encoding="utf-8") as f:
        rows = re.findall(r"^\| `([\w.-]+)` \|", f.read(), flags=re.M)
    assert len(rows) == len(set(rows)), "a case is listed twice in docs/bad_inputs.md"
    ids = {c[0] for c in CASES}
    assert not ids - set(rows), f"cases missing from docs/bad_inputs.md: {sorted(ids - set(rows))}"
    assert not set(rows) - ids, f"rows of docs/bad_inputs.md without a case here: {sorted(set(rows) - ids)}"


def test_keras_files_load_with_safe_mode_and_nothing_uses_pickle():
    """Every `load_model` call in the package keeps Keras' safe_mode; no module imports pickle."""
    package = os.path.join(ROOT, "keras_gans")
    for directory, _, files in os.walk(package):
        for f in files:
            if f.endswith(".py"):
                text = open(os.path.join(directory, f), encoding="utf-8").read()
                assert "safe_mode=False" not in text, f
                assert "import pickle" not in text and "pickle.load" not in text, f
                assert "allow_pickle=True" not in text, f


def test_failed_compile_leaves_the_model_unchanged(gan):
    before = (gan.d_optimizer, gan.g_optimizer, gan.gan_loss)
    shared = keras.optimizers.Adam()
    with pytest.raises(ValueError):
        gan.compile(d_optimizer=shared, g_optimizer=shared)
    with pytest.raises(ValueError):
        gan.compile(loss="no-such-loss")
    assert (gan.d_optimizer, gan.g_optimizer, gan.gan_loss) == before


def test_numpy_integers_work_where_ints_do():
    """np.int64 sizes, counts and seeds are accepted everywhere an int is (issue 22, point 5)."""
    i = np.int64
    gan = kg.models.DCGAN(image_shape=(i(8), i(8), i(1)), latent_dim=i(4), seed=i(0))
    images = gan.generate(i(3), seed=i(1), batch_size=i(2))
    assert images.shape == (3, 8, 8, 1) and gan.latent_dim == 4 and type(gan.latent_dim) is int
    ds = kg.data.load("mnist-5k", batch_size=i(8), image_size=(i(8), i(8)), seed=i(0))
    assert tuple(ds.element_spec.shape) == (8, 8, 8, 1)
    assert kg.recipes.get("wgan").args(n_critic=i(2), latent_dim=i(4)).n_critic == 2


def test_refused_options_are_refused_before_any_network_is_built(monkeypatch):
    from keras_gans.networks import mnist_nets

    def built(*args, **kwargs):
        raise AssertionError("a network was built before the arguments were checked")

    monkeypatch.setattr(mnist_nets, "wgan_generator", built)
    monkeypatch.setattr(mnist_nets, "cgan_generator", built)
    monkeypatch.setattr(mnist_nets, "sgan_generator", built)
    from keras_gans.networks import auxiliary_nets, sagan_nets

    monkeypatch.setattr(auxiliary_nets, "acgan_generator", built)
    monkeypatch.setattr(auxiliary_nets, "infogan_generator", built)
    monkeypatch.setattr(sagan_nets, "sagan_generator", built)
    for make, pattern in ((lambda: kg.models.WGAN(n_critic=0), "n_critic"),
                          (lambda: kg.models.WGAN(label_smoothing=1.5), "label_smoothing"),
                          (lambda: kg.models.WGANGP(gp_weight=-1), "gp_weight"),
                          (lambda: kg.models.CGAN(latent_dim=0), "latent_dim"),
                          (lambda: kg.models.SGAN(num_labeled=0), "num_labeled"),
                          (lambda: kg.models.ACGAN(d_steps=2), "d_steps"),
                          (lambda: kg.models.ACGAN(label_smoothing=1.5), "label_smoothing"),
                          (lambda: kg.models.InfoGAN(instance_noise=0.1), "instance_noise"),
                          (lambda: kg.models.InfoGAN(ema_decay=1.0), "ema_decay"),
                          (lambda: kg.models.SAGAN(ema_decay=0.0), "ema_decay"),
                          (lambda: kg.models.SAGAN(update="simultaneous", d_steps=2), "simultaneous")):
        with pytest.raises(ValueError, match=pattern):
            make()
