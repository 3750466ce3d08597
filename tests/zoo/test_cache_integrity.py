"""The cache and preset integrity of issue 22: a cache slot only ever returns the content its hash names,
and a tampered preset never loads (built-in presets are pinned by the package, outside their folders)."""
import configparser
import fnmatch
import json
import os
import shutil
import tarfile
import warnings

import numpy as np
import pytest

import keras_gans as kg
from helpers import serve
from keras_gans import zoo
from keras_gans.zoo import download, registry

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    monkeypatch.setenv("KERAS_GANS_CACHE", str(root))
    return root


def _publish(tmp, name, latent_dim, seed):
    import keras

    keras.utils.set_random_seed(seed)
    gan = kg.models.DCGAN(image_shape=(8, 8, 1), latent_dim=latent_dim)
    return gan, zoo.publish(gan, tmp / name, training_command="(untrained)", samples=False)


@pytest.fixture(scope="module")
def presets(tmp_path_factory):
    """Two different models published under the same preset name, archived as the same file name."""
    tmp = tmp_path_factory.mktemp("presets")
    out = {}
    for kind, latent, seed in (("good", 16, 1), ("evil", 5, 2)):
        (tmp / kind).mkdir()
        gan, folder = _publish(tmp / kind, "tiny", latent, seed)
        archive = tmp / "served" / kind / "tiny.tar.gz"
        archive.parent.mkdir(parents=True)
        with tarfile.open(archive, "w:gz") as t:
            t.add(folder, arcname="tiny")
        out[kind] = {"gan": gan, "folder": folder, "archive": str(archive), "sha256": download.sha256_file(archive)}
    out["served"] = tmp / "served"
    return out


def _files(root):
    return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs) \
        if os.path.exists(root) else []


def _same_generator(model, gan):
    z = gan.latent(3, seed=0)
    return model.input_shape[-1] == gan.latent_dim and np.array_equal(model(z).numpy(), gan.generator(z).numpy())


# ------------------------------------------------------------------------------------------- point 3: the cache
def test_a_poisoned_local_archive_never_answers_a_verified_url_load(presets, cache):
    good, evil = presets["good"], presets["evil"]
    # Today: the local archive with a claimed sha256 was extracted unchecked into the slot of that hash.
    with pytest.raises(ValueError, match=f"has sha256 {evil['sha256']}, not the expected {good['sha256']}"):
        zoo.load(evil["archive"], sha256=good["sha256"])
    assert _files(cache) == []
    # Loaded without a claim, it gets the slot of its own hash, which no other hash names.
    assert _same_generator(zoo.load(evil["archive"]), evil["gan"])
    with serve(presets["served"]) as base:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a verified load does not warn
            loaded = zoo.load(f"{base}/good/tiny.tar.gz", sha256=good["sha256"])
    assert _same_generator(loaded, good["gan"])
    assert not _same_generator(loaded, evil["gan"])
    slots = sorted(os.listdir(cache / "presets"))
    assert slots == sorted([good["sha256"], evil["sha256"]])


def test_a_verified_url_never_serves_another_url_with_the_same_name(presets, cache):
    """The evil file served where the good one is expected is refused, even after the good one was cached."""
    good, evil = presets["good"], presets["evil"]
    with serve(presets["served"]) as base:
        with pytest.raises(ValueError, match="does not have the expected sha256"):
            download.fetch(f"{base}/evil/tiny.tar.gz", sha256=good["sha256"])
        assert _files(cache / "downloads") == []
        path = download.fetch(f"{base}/good/tiny.tar.gz", sha256=good["sha256"])
        # a replaced copy in the slot is re-hashed and fetched again, never returned
        shutil.copy(evil["archive"], path)
        assert download.sha256_file(download.fetch(f"{base}/good/tiny.tar.gz", sha256=good["sha256"])) == good["sha256"]


def test_two_urls_with_the_same_file_name_get_two_slots_and_warn(presets, cache):
    good, evil = presets["good"], presets["evil"]
    with serve(presets["served"]) as base:
        with pytest.warns(UserWarning, match=r"good/tiny\.tar\.gz is used without a sha256.*not verified"):
            a = download.fetch(f"{base}/good/tiny.tar.gz")
        with pytest.warns(UserWarning, match=r"evil/tiny\.tar\.gz is used without a sha256"):
            b = download.fetch(f"{base}/evil/tiny.tar.gz")
        assert a != b
        assert (download.sha256_file(a), download.sha256_file(b)) == (good["sha256"], evil["sha256"])
        with pytest.warns(UserWarning, match="not verified"):  # a cached unverified copy warns again
            assert download.fetch(f"{base}/good/tiny.tar.gz") == a
        with pytest.warns(UserWarning, match="not verified"):
            assert _same_generator(zoo.load(f"{base}/evil/tiny.tar.gz"), evil["gan"])
        with pytest.warns(UserWarning, match="not verified"):
            assert _same_generator(zoo.load(f"{base}/good/tiny.tar.gz"), good["gan"])
    assert all(not os.path.basename(p).startswith("tiny") for p in (a, b))  # never keyed by the basename


# ------------------------------------------------------------------------------------------- point 4: presets
def test_the_pins_cover_every_builtin_preset_and_ship_with_the_package():
    zoo_root = os.path.join(ROOT, "keras_gans", "presets")
    assert os.path.realpath(registry.BUILTIN_DIR) == os.path.realpath(zoo_root)
    assert registry.zoo_dirs()[-1] == os.path.abspath(registry.BUILTIN_DIR)  # searched last, after $KERAS_GANS_ZOO
    folders = sorted(n for n in os.listdir(zoo_root) if os.path.isfile(os.path.join(zoo_root, n, "metadata.json")))
    pins = registry.pinned_presets()
    assert sorted(pins) == folders, "run scripts/pin_presets.py after re-publishing a preset"
    for name in folders:
        assert pins[name] == registry.pin_folder(os.path.join(zoo_root, name)), name
        assert {"config.json", "model.weights.h5", "metadata.json"} <= set(pins[name])
    # outside the folders it protects, inside the package, and in its package_data
    pins_file = os.path.relpath(registry.PINS_FILE, os.path.join(ROOT, "keras_gans"))
    assert os.path.relpath(registry.PINS_FILE, zoo_root).startswith(".." + os.sep)
    setup = configparser.ConfigParser()
    setup.read(os.path.join(ROOT, "setup.cfg"))
    value = setup["options.package_data"]["keras_gans"]
    # setuptools' rule: a value with a line break is one pattern a line, else comma-separated
    patterns = [p.strip() for p in (value.splitlines() if "\n" in value else value.split(",")) if p.strip()]
    assert any(fnmatch.fnmatch(pins_file, p) for p in patterns), pins_file
    # every file of every built-in preset is package data, so wheels and sdists carry the presets
    # (tests/zoo/test_wheel_install.py builds and installs one)
    for name in folders:
        for f in os.listdir(os.path.join(zoo_root, name)):
            assert any(fnmatch.fnmatch(f"presets/{name}/{f}", p) for p in patterns), (name, f)


@pytest.fixture
def builtin_copy(tmp_path, monkeypatch):
    """A copy of the built-in mnist_classifier, found the way built-in presets are (a folder of zoo_dirs())."""
    root = tmp_path / "zoo"
    shutil.copytree(os.path.join(ROOT, "keras_gans", "presets", "mnist_classifier"), root / "mnist_classifier")
    monkeypatch.setenv("KERAS_GANS_ZOO", str(root))
    return root / "mnist_classifier"


def _edit_config_and_rehash(folder):
    """What an attacker does: change the model in config.json and re-hash it in metadata.json."""
    config = json.loads((folder / "config.json").read_text())
    config["config"]["name"] = "tampered"
    (folder / "config.json").write_text(json.dumps(config))
    meta = json.loads((folder / "metadata.json").read_text())
    meta["files"]["config.json"] = download.sha256_file(folder / "config.json")
    (folder / "metadata.json").write_text(json.dumps(meta))


def test_an_edited_config_with_a_rehashed_metadata_is_refused_for_a_builtin_preset(builtin_copy, tmp_path):
    assert registry.builtin_presets()["mnist_classifier"] == str(builtin_copy)
    assert zoo.load("mnist_classifier").name != "tampered"  # the untouched copy loads
    user_copy = shutil.copytree(builtin_copy, tmp_path / "mine" / "my_classifier")
    _edit_config_and_rehash(builtin_copy)
    pinned = r"not [0-9a-f]{64}, the hash the package pins for the built-in preset 'mnist_classifier'"
    with pytest.raises(ValueError, match=r"config\.json has sha256 [0-9a-f]{64}, " + pinned):
        zoo.load("mnist_classifier")
    with pytest.raises(ValueError, match=pinned):  # by its path too
        zoo.load(str(builtin_copy))
    with pytest.raises(ValueError, match=r"metadata\.json has sha256 .*" + pinned):  # the card cannot lie either
        zoo.info("mnist_classifier")
    with pytest.raises(ValueError, match=pinned):
        zoo.export("mnist_classifier", tmp_path / "serving", verbose=False)
    assert not (tmp_path / "serving").exists()
    # What is checked for a folder of your own: its files against its metadata.json, which the same edit
    # defeats (docs/zoo.md says so) unless you pin metadata.json with sha256=.
    _edit_config_and_rehash(user_copy)
    assert zoo.load(str(user_copy)).name == "tampered"
    with pytest.raises(ValueError, match=r"metadata\.json has sha256 .*not the expected"):
        zoo.load(str(user_copy), sha256=registry.pinned_presets()["mnist_classifier"]["metadata.json"])


def test_a_builtin_preset_with_an_extra_or_missing_file_is_refused(builtin_copy):
    (builtin_copy / "extra.py").write_text("print('hi')")
    with pytest.raises(ValueError, match=r"unexpected file extra\.py: it is not part of the built-in preset"):
        zoo.load("mnist_classifier")
    os.remove(builtin_copy / "extra.py")
    os.remove(builtin_copy / "README.md")
    with pytest.raises(FileNotFoundError, match=r"is missing README\.md"):
        zoo.load("mnist_classifier")


def test_a_users_folder_is_checked_against_its_metadata(tmp_path):
    _publish(tmp_path, "mine", 4, 0)
    folder = tmp_path / "mine"
    meta_sha = download.sha256_file(folder / "metadata.json")
    assert zoo.load(str(folder), sha256=meta_sha).input_shape == (None, 4)
    (folder / "notes.txt").write_text("x")
    with pytest.raises(ValueError, match=r"unexpected file notes\.txt: its metadata\.json does not list it"):
        zoo.load(str(folder))
    os.remove(folder / "notes.txt")
    meta = json.loads((folder / "metadata.json").read_text())
    del meta["files"]["config.json"]  # an unhashed config would be read unchecked
    (folder / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(ValueError, match=r"metadata\.json lists no sha256 for config\.json"):
        zoo.load(str(folder))
    (folder / "metadata.json").write_text("{not json")
    with pytest.raises(ValueError, match=r"metadata\.json is not valid JSON"):
        zoo.load(str(folder))
    with pytest.raises(ValueError, match=r"metadata\.json is not valid JSON"):
        zoo.info(str(folder))


def test_the_shipped_presets_still_load_and_list():
    rows = {r["name"] for r in zoo.list()}
    assert set(registry.pinned_presets()) <= rows
    assert zoo.verify(registry.builtin_presets()["dcgan_mnist"])["name"] == "dcgan_mnist"
