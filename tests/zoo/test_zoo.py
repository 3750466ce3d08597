"""The zoo: shipped presets, publish/load round trips, hash-checked downloads, CLI and serving export."""
import http.server
import json
import os
import shutil
import subprocess
import sys
import tarfile
import textwrap
import time

import numpy as np
import pytest

import helpers
import keras_gans as kg
from keras_gans import zoo
from keras_gans.zoo import download, registry

SHIPPED = sorted(registry.builtin_presets())


# ------------------------------------------------------------------------------------------- fixtures
class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder; `/truncated/NAME` announces more bytes than it sends."""

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802
        if self.path.startswith("/truncated/"):
            with open(os.path.join(self.directory, self.path.split("/", 2)[2]), "rb") as f:
                body = f.read()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body) + 1000))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        super().do_GET()


def serve(folder):
    """A loopback HTTP server on a free port for `folder` (with `/truncated/`); yields its base URL."""
    return helpers.serve(folder, _Handler)


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    """Every test gets its own empty cache."""
    root = tmp_path / "cache"
    monkeypatch.setenv("KERAS_GANS_CACHE", str(root))
    return root


@pytest.fixture(scope="module")
def gan():
    import keras

    keras.utils.set_random_seed(1)
    model = kg.models.DCGAN(image_shape=(28, 28, 1), latent_dim=16)
    model.compile()
    return model


@pytest.fixture(scope="module")
def published(gan, tmp_path_factory):
    folder = tmp_path_factory.mktemp("presets")
    path = zoo.publish(gan, folder / "tiny_dcgan", dataset="none", seed=1, steps=0, training_command="(untrained)",
                       metrics={"fid_mnist": {"value": 123.0, "protocol": "test protocol"}})
    return path


def _archive(preset, out_dir):
    out = os.path.join(out_dir, os.path.basename(preset) + ".tar.gz")
    with tarfile.open(out, "w:gz") as t:
        t.add(preset, arcname=os.path.basename(preset))
    return out


def _cache_files(root):
    return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs) \
        if os.path.exists(root) else []


# ------------------------------------------------------------------------------------------- shipped presets
def test_dcgan_mnist_is_shipped_and_listed():
    assert "dcgan_mnist" in SHIPPED
    rows = {r["name"]: r for r in zoo.list()}
    row = rows["dcgan_mnist"]
    assert row["model"] == "DCGANWithTricks" and row["dataset"] == "mnist-5k" and row["resolution"] == "28×28×1"
    assert row["parameters"] > 100_000
    assert row["metric"] and row["metric"].startswith("fid_mnist=")


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_preset_loads_offline_and_matches_its_hashes(name):
    meta = zoo.info(name)
    for key in ("keras_version", "keras_gans_version", "parameter_count", "seed", "training_command", "metrics",
                "files", "training_time_seconds"):
        assert meta.get(key) is not None, key
    for metric in meta["metrics"].values():
        assert metric["protocol"]
    for fname, digest in meta["files"].items():
        assert download.sha256_file(os.path.join(meta["path"], fname)) == digest
    assert {"config.json", "model.weights.h5", "README.md"} <= set(meta["files"])
    model = zoo.load(name)
    whole = zoo.load(name, part="gan") if meta["contents"] == "gan" else model  # a whole GAN counts every network
    assert whole.count_params() == meta["parameter_count"]
    if meta["task"] == "noise_to_image":
        images = zoo.sample(name, 3, seed=0, model=model)
        assert images.shape == (3, *meta["resolution"])
        lo, hi = meta["output_range"]
        assert images.min() >= lo - 1e-4 and images.max() <= hi + 1e-4
        assert np.array_equal(images, zoo.sample(name, 3, seed=0, model=model))  # seeded
        assert not np.array_equal(images, zoo.sample(name, 3, seed=1, model=model))
    elif meta["task"] == "image_to_label":
        x = kg.data.load_arrays(meta["dataset"], "test")[0][:8].astype("float32") / 127.5 - 1.0
        probs = model.predict(x, verbose=0)
        assert probs.shape == (8, meta["num_classes"])
        np.testing.assert_allclose(probs.sum(-1), 1.0, atol=1e-4)


def test_builtin_presets_stay_under_60_mb():
    """They ship inside the package (every wheel carries them): keep the download small. Issues 24 and 25 set the
    limit: "keep the zoo folder under 60 MB in all" (it was 40 MB here until the issue-24 presets landed)."""
    root = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                        "keras_gans", "presets")
    assert os.path.isfile(os.path.join(root, "README.md")), root   # the package's presets/, not an empty walk
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(root) for f in fs)
    assert size < 60e6, f"keras_gans/presets/ holds {size / 1e6:.1f} MB"


# ------------------------------------------------------------------------------------------- publish / load
def test_publish_writes_a_complete_preset(published, gan):
    files = set(os.listdir(published))
    assert files == {"config.json", "metadata.json", "model.weights.h5", "README.md", "samples.png"}
    meta = json.load(open(os.path.join(published, "metadata.json")))
    assert meta["name"] == "tiny_dcgan" and meta["contents"] == "generator" and meta["latent_dim"] == 16
    assert meta["parameter_count"] == gan.generator.count_params()
    assert meta["inputs"] == [{"name": "z", "shape": [None, 16], "dtype": "float32"}]
    assert meta["metrics"]["fid_mnist"] == {"value": 123.0, "protocol": "test protocol"}
    card = open(os.path.join(published, "README.md")).read()
    assert "(untrained)" in card and "test protocol" in card and "tiny_dcgan" in card
    assert set(meta["files"]) == files - {"metadata.json"}


def test_publish_then_load_is_bit_exact(published, gan):
    g = zoo.load(published)
    z = gan.latent(8, seed=3)
    assert np.array_equal(g(z, training=False).numpy(), gan.generator(z, training=False).numpy())
    assert np.array_equal(zoo.sample(published, 8, seed=3), gan.generate(8, seed=3))


def test_publish_whole_gan_round_trips_both_networks(gan, tmp_path):
    path = zoo.publish(gan, tmp_path / "full", contents="gan", training_command="x")
    loaded = zoo.load(path, part="gan")
    assert type(loaded) is type(gan) and not loaded.compiled  # no optimizer state in a preset
    z = gan.latent(4, seed=0)
    assert np.array_equal(loaded.generate(4, seed=0), gan.generate(4, seed=0))
    x = gan.generate(4, seed=1)
    d = zoo.load(path, part="discriminator")
    assert np.array_equal(d(x).numpy(), gan.discriminator(x).numpy())
    assert zoo.load(path).name == gan.generator.name  # default part: the generator
    del z


def test_float16_preset_is_smaller_and_close(gan, published, tmp_path):
    path = zoo.publish(gan, tmp_path / "half", weights_dtype="float16", training_command="x")
    small = os.path.getsize(os.path.join(path, "model.weights.h5"))
    assert small < 0.6 * os.path.getsize(os.path.join(published, "model.weights.h5"))
    z = gan.latent(4, seed=0)
    diff = np.abs(zoo.load(path)(z).numpy() - gan.generator(z).numpy()).max()
    assert 0 < diff < 0.02


def test_a_float16_publish_scores_the_weights_it_ships(tmp_path):
    """`zoo publish --eval --weights-dtype float16` rounds the model before scoring it, so the card's metrics
    are those of the stored float16 weights: the loaded preset is bit-exact with the scored generator."""
    import keras

    from keras_gans.cli.zoo import _round_to_float16

    keras.utils.set_random_seed(2)
    model = kg.models.DCGAN(image_shape=(28, 28, 1), latent_dim=16)
    z = model.latent(4, seed=0)
    before = model.generator(z).numpy()
    _round_to_float16(model)
    for w in model.generator.weights:
        value = w.numpy()
        np.testing.assert_array_equal(value, value.astype("float16").astype("float32"))
    scored = model.generator(z).numpy()
    assert 0 < np.abs(scored - before).max() < 0.02
    path = zoo.publish(model, tmp_path / "half", weights_dtype="float16", training_command="x")
    np.testing.assert_array_equal(zoo.load(path)(z).numpy(), scored)


def test_publish_refuses_bad_input(gan, published, tmp_path):
    with pytest.raises(FileExistsError, match="overwrite=True"):
        zoo.publish(gan, published)
    with pytest.raises(ValueError, match="protocol"):
        zoo.publish(gan, tmp_path / "m", metrics={"fid": 3.0})
    with pytest.raises(ValueError, match="contents"):
        zoo.publish(gan, tmp_path / "c", contents="everything")
    (tmp_path / "f").write_text("x")
    with pytest.raises(FileExistsError, match="is a file, not a folder"):
        zoo.publish(gan, tmp_path / "f" / "p")
    os.remove(tmp_path / "f")
    assert not (tmp_path / "m").exists() and not (tmp_path / "c").exists()
    assert [f for f in os.listdir(tmp_path) if f.startswith(".")] == []  # no temporary folder left


def test_load_refuses_unknown_parts_and_names(published):
    with pytest.raises(KeyError, match="only a generator"):
        zoo.load(published, part="gan")
    with pytest.raises(KeyError, match="Unknown preset 'no_such_preset'.*dcgan_mnist"):
        zoo.load("no_such_preset")
    with pytest.raises(FileNotFoundError, match="not a preset"):
        zoo.load(os.path.dirname(published))


def test_tampered_preset_is_refused(published, tmp_path):
    copy = shutil.copytree(published, tmp_path / "tampered")
    with open(copy / "model.weights.h5", "r+b") as f:  # flip 16 bytes in the middle
        f.seek(os.path.getsize(copy / "model.weights.h5") // 2)
        chunk = f.read(16)
        f.seek(-16, os.SEEK_CUR)
        f.write(bytes(255 - c for c in chunk))
    with pytest.raises(ValueError, match="sha256"):
        zoo.load(copy)
    os.remove(copy / "config.json")
    with pytest.raises(FileNotFoundError, match="missing config.json"):
        zoo.load(copy)


def test_builtin_presets_are_found_through_keras_gans_zoo(published, monkeypatch):
    monkeypatch.setenv("KERAS_GANS_ZOO", os.path.dirname(published))
    assert registry.builtin_presets()["tiny_dcgan"] == published
    assert "tiny_dcgan" in [r["name"] for r in zoo.list()]
    assert zoo.load("tiny_dcgan").name == zoo.load(published).name


# ------------------------------------------------------------------------------------------- downloads
def test_preset_url_downloads_once_verified_into_the_cache(published, tmp_path, cache, gan):
    archive = _archive(published, tmp_path)
    digest = download.sha256_file(archive)
    with serve(tmp_path) as base:
        g = zoo.load(f"{base}/tiny_dcgan.tar.gz", sha256=digest)
    z = gan.latent(2, seed=0)
    assert np.array_equal(g(z).numpy(), gan.generator(z).numpy())
    assert os.path.commonpath([zoo.resolve(f"{base}/tiny_dcgan.tar.gz", sha256=digest), str(cache)]) == str(cache)
    # The server is gone: the verified copy in the cache is used.
    assert zoo.load(f"{base}/tiny_dcgan.tar.gz", sha256=digest).count_params() == g.count_params()
    assert not [f for f in _cache_files(cache) if ".download-" in f or ".extract-" in f]


def test_registry_entry_with_url_and_sha256(published, tmp_path):
    archive = _archive(published, tmp_path)
    with serve(tmp_path) as base:
        zoo.register_remote("tiny_remote", f"{base}/tiny_dcgan.tar.gz", download.sha256_file(archive),
                            model="DCGAN", dataset="none")
        try:
            assert {"name": "tiny_remote", "model": "DCGAN"}.items() <= next(
                r for r in zoo.list() if r["name"] == "tiny_remote").items()
            assert zoo.load("tiny_remote").count_params() == zoo.load(published).count_params()
        finally:
            zoo.unregister_remote("tiny_remote")
    with pytest.raises(ValueError, match="sha256"):
        zoo.register_remote("x", "https://example.org/x.tar.gz", None)


def test_file_url(published, tmp_path):
    archive = _archive(published, tmp_path)
    assert zoo.load("file://" + archive).count_params() == zoo.load(published).count_params()
    with pytest.raises(FileNotFoundError):
        zoo.load("file://" + archive + ".missing")


def test_hash_mismatch_leaves_nothing(published, tmp_path, cache):
    _archive(published, tmp_path)
    with serve(tmp_path) as base, pytest.raises(ValueError, match="expected sha256"):
        zoo.load(f"{base}/tiny_dcgan.tar.gz", sha256="0" * 64)
    assert _cache_files(cache) == []


def test_404_leaves_nothing(tmp_path, cache):
    with serve(tmp_path) as base, pytest.raises(FileNotFoundError, match="404"):
        download.fetch(f"{base}/nothing_here.tar.gz", sha256="1" * 64)
    assert _cache_files(cache) == []


def test_truncated_download_leaves_nothing(published, tmp_path, cache):
    archive = _archive(published, tmp_path)
    with serve(tmp_path) as base, pytest.raises(ConnectionError, match="truncated"):
        download.fetch(f"{base}/truncated/tiny_dcgan.tar.gz", sha256=download.sha256_file(archive))
    assert _cache_files(cache) == []


def test_unreachable_server_and_offline_give_connection_errors(cache):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ConnectionError, match="Could not download"):
        download.fetch(f"http://127.0.0.1:{port}/x.tar.gz", sha256="2" * 64)
    start = time.time()
    with pytest.raises(ConnectionError, match="KERAS_GANS_OFFLINE"):  # set by conftest: fail at once
        zoo.load("https://example.org/presets/dcgan_faces.tar.gz", sha256="3" * 64)
    assert time.time() - start < 5
    assert _cache_files(cache) == []


def test_bad_sha256_argument():
    with pytest.raises(ValueError, match="64 hexadecimal"):
        download.fetch("https://example.org/x.tar.gz", sha256="abc")


def test_unsafe_archive_is_refused(tmp_path, cache):
    evil = tmp_path / "evil.tar.gz"
    (tmp_path / "f.txt").write_text("x")
    with tarfile.open(evil, "w:gz") as t:
        t.add(tmp_path / "f.txt", arcname="../escape.txt")
    with pytest.raises(ValueError, match="unsafe"):
        download.extract(str(evil))
    assert not (cache.parent / "escape.txt").exists()


# ------------------------------------------------------------------------------------------- CLI and serving
def _cli(*argv):
    from keras_gans.cli import main

    return main(list(argv))


def test_cli_zoo_list_info_sample(capsys, tmp_path):
    assert _cli("zoo", "list") == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["name", "model", "dataset", "resolution", "parameters", "metric"]
    assert "dcgan_mnist" in out
    assert _cli("zoo", "info", "dcgan_mnist") == 0
    assert "keras-gans train dcgan" in capsys.readouterr().out
    grid = tmp_path / "grid.png"
    assert _cli("zoo", "sample", "dcgan_mnist", "-n", "4", "-o", str(grid)) == 0
    from PIL import Image

    assert Image.open(grid).size == (2 * 30 + 2, 2 * 30 + 2)
    assert _cli("zoo", "info", "no_such_preset") == 2
    assert "Unknown preset" in capsys.readouterr().err


def _serving_inputs(meta, n=3):
    rng = np.random.default_rng(0)
    arrays = {}
    for spec in meta["inputs"]:
        shape = [n if d is None else d for d in spec["shape"]]
        if spec["dtype"].startswith("int"):
            arrays[spec["name"]] = (np.arange(n) % (meta["num_classes"] or 10)).astype(spec["dtype"]).reshape(shape)
        elif meta["task"] == "noise_to_image" and spec is meta["inputs"][0]:
            arrays[spec["name"]] = rng.standard_normal(shape).astype("float32")
        else:
            arrays[spec["name"]] = rng.uniform(-1, 1, shape).astype("float32")
    return arrays


# About 50 s of the fast suite on a 2-core CPU; every model's own export test (tests/models, tests/export) serves its
# SavedModel in a TensorFlow-only process in the fast suite, and this one runs with `make test-slow`.
@pytest.mark.slow
def test_every_preset_exports_and_serves_in_a_tensorflow_only_process(tmp_path):
    """`keras-gans export NAME DIR` for every shipped preset; one fresh process with only TensorFlow loads
    them all and runs serving_default and __call__; outputs equal the Keras models'."""
    cases = []
    for name in SHIPPED:
        out = tmp_path / name
        assert _cli("export", name, str(out)) == 0
        meta = zoo.info(name)
        inputs = _serving_inputs(meta)
        np.savez(tmp_path / f"{name}_in.npz", **inputs)
        model = zoo.load(name)
        args = list(inputs.values())
        np.save(tmp_path / f"{name}_expected.npy", model(args[0] if len(args) == 1 else args, training=False).numpy())
        cases.append((name, [s["name"] for s in meta["inputs"]]))
    script = textwrap.dedent(f"""
        import sys, numpy as np, tensorflow as tf
        root = {str(tmp_path)!r}
        for name, input_names in {cases!r}:
            m = tf.saved_model.load(f"{{root}}/{{name}}")
            inputs = dict(np.load(f"{{root}}/{{name}}_in.npz"))
            out = m.signatures["serving_default"](**{{k: tf.constant(v) for k, v in inputs.items()}})
            (key, value), = out.items()
            called = m(*[tf.constant(inputs[k]) for k in input_names]).numpy()
            expected = np.load(f"{{root}}/{{name}}_expected.npy")
            print(name, key, value.shape, float(np.abs(value.numpy() - expected).max()),
                  float(np.abs(called - expected).max()))
        assert "keras_gans" not in sys.modules, "imported keras_gans"
    """)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600, env=env)
    assert res.returncode == 0, res.stderr[-3000:]
    lines = [line.split() for line in res.stdout.strip().splitlines()]
    assert [line[0] for line in lines] == SHIPPED
    for line in lines:
        assert float(line[-2]) < 1e-4 and float(line[-1]) < 1e-4, line
        assert line[1] in ("images", "probabilities")


def test_export_errors(tmp_path, capsys):
    assert _cli("export", "no_such_preset", str(tmp_path / "x")) == 2
    assert "Unknown preset" in capsys.readouterr().err
    (tmp_path / "y").mkdir()
    (tmp_path / "y" / "notes.txt").write_text("mine")
    assert _cli("zoo", "export", "dcgan_mnist", str(tmp_path / "y")) == 2
    assert "already exists and is not empty" in capsys.readouterr().err
    assert os.listdir(tmp_path / "y") == ["notes.txt"]


def test_cli_zoo_publish_from_a_training_run(gan, tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    gan.save(str(run / "model.keras"))
    json.dump({"model": "dcgan", "dataset": "mnist-5k", "epochs": 2, "seed": 1, "verbose": 2, "out": str(run)},
              open(run / "command.json", "w"))
    (run / "history.csv").write_text("epoch,d_loss\n0,1.0\n1,0.9\n")
    out = tmp_path / "from_cli"
    assert _cli("zoo", "publish", str(run / "model.keras"), str(out), "--description", "d", "--training-time", "12") == 0
    meta = zoo.info(str(out))
    assert meta["training_command"].startswith("keras-gans train dcgan --dataset mnist-5k --epochs 2 --seed 1")
    assert (meta["epochs"], meta["training_time_seconds"], meta["description"], meta["model"]) == (2, 12.0, "d", "DCGAN")
    z = gan.latent(2, seed=0)
    assert np.array_equal(zoo.load(str(out))(z).numpy(), gan.generator(z).numpy())
    assert _cli("zoo", "publish", str(run / "model.keras"), str(out)) == 2  # exists, no --overwrite
    assert "overwrite" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in SHIPPED if "fid_mnist" in zoo.info(n)["metrics"]])
def test_card_fid_is_reproduced_from_the_preset(name):
    """The card's FID-MNIST comes back from the published weights with the same protocol (same z, seed 0)."""
    model = zoo.load(name)
    card = zoo.info(name)["metrics"]
    scores = kg.metrics.evaluate_generator(lambda n: zoo.sample(name, n, seed=0, model=model), n_samples=4500, seed=0)
    assert scores["fid"] == pytest.approx(card["fid_mnist"]["value"], rel=1e-3)
    if "kid_mnist" in card:
        assert scores["kid"] == pytest.approx(card["kid_mnist"]["value"], rel=1e-3)


def test_the_keras_gans_command_loads_presets_with_package_layers(tmp_path):
    """The `keras-gans` command imports the package lazily; a preset built from the package's own layers
    (ProGAN's PixelNormalization, EqualizedDense) must still load there, e.g. for `export`."""
    command = os.path.join(os.path.dirname(sys.executable), "keras-gans")
    out = tmp_path / "progan"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    res = subprocess.run([command, "export", "progan_mnist_32", str(out)], capture_output=True, text=True,
                         timeout=600, env=env)
    assert res.returncode == 0, res.stderr[-2000:]
    assert (out / "saved_model.pb").exists()


@pytest.mark.slow
def test_cyclegan_card_is_reproduced_by_keras_gans_eval(tmp_path):
    """Both directions of the CycleGAN preset's card come back from `keras-gans eval`, run as the card says."""
    from keras_gans.cli import main

    card = zoo.info("cyclegan_mnist_mnistm")["metrics"]
    a2b, b2a = str(tmp_path / "a2b.json"), str(tmp_path / "b2a.json")
    assert main(["eval", "cyclegan_mnist_mnistm", "--metric", "fid", "--json", a2b]) == 0
    assert main(["eval", "cyclegan_mnist_mnistm", "--metric", "fid", "--direction", "b2a", "--source", "mnist-m",
                 "--dataset", "mnist-32", "--extractor", "mnist", "--json", b2a]) == 0
    a2b, b2a = json.load(open(a2b)), json.load(open(b2a))
    assert a2b["accuracy"] == pytest.approx(card["a2b_accuracy"]["value"], abs=1e-9)
    assert b2a["accuracy"] == pytest.approx(card["b2a_accuracy"]["value"], abs=1e-9)
    assert a2b["fid"] == pytest.approx(card["fid_mnistm"]["value"], rel=1e-3)
    assert b2a["fid"] == pytest.approx(card["fid_mnist_b2a"]["value"], rel=1e-3)
