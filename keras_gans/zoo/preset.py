"""Preset folders: publish a trained model, load it back, read its card.

A preset is a folder in the keras-hub layout:

    config.json         the Keras config of what is stored (a whole GAN, or a generator/classifier)
    model.weights.h5    its weights (float32, or float16 to halve the size)
    metadata.json       versions, parameter count, seed, steps, training command and time, metrics with
                        their evaluation protocol, input/output contract, sha256 of every other file
    README.md           the model card, written from metadata.json
    samples.png         a grid of samples (seed 0) for generators
    fid_vs_steps.png    the quick FID against optimizer steps during training, when the run logged one

What `load` checks before building anything (:func:`verify`):

- a built-in preset (a pinned name in one of the zoo folders, :mod:`keras_gans.zoo.registry`):
  the folder holds exactly the files the package pins, `metadata.json` included, each with its
  pinned sha256;
- any other folder: `metadata.json` is well formed and lists a sha256 for `config.json`,
  `model.weights.h5` and every other file of the folder; the folder holds exactly those files
  plus `metadata.json`, each with its listed sha256. `metadata.json` itself is only covered when
  you pass `sha256=` (the sha256 of the folder's `metadata.json`), or by the archive's sha256
  when the folder came from a hash-checked archive.

This module holds the format and reads presets; writing one (:func:`~keras_gans.zoo.publish.publish`)
and its model card live in :mod:`keras_gans.zoo.publish`.
"""
import json
import os

from keras_gans.training import precision

FORMAT_VERSION = 1
CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.weights.h5"
METADATA_FILE = "metadata.json"
README_FILE = "README.md"
SAMPLES_FILE = "samples.png"
FID_PLOT_FILE = "fid_vs_steps.png"
CONTENTS = ("gan", "generator", "model")
TASKS = ("noise_to_image", "image_to_image", "image_to_label")
REQUIRED_KEYS = ("name", "model", "contents", "task", "files", "inputs", "resolution", "parameter_count", "metrics")


# ---------------------------------------------------------------------------------------- load
def resolve(name_or_path_or_url, sha256=None):
    """The local preset folder for a name, a folder, a URL of a preset archive, or a hub handle (downloaded).

    `sha256` is that of the archive for URLs and archives, and that of `metadata.json` for a
    folder, a built-in name or a `hf://`/`kaggle://` handle (:mod:`keras_gans.zoo.handles`), which
    then pins every file, since metadata.json hashes them.
    """
    from keras_gans.zoo import download, handles, registry

    ref = os.fspath(name_or_path_or_url)
    if handles.is_handle(ref):  # hf://owner/repo, kaggle://owner/model/keras/variant
        return handles.resolve_handle(ref, sha256=sha256)
    if download.is_url(ref):
        archive = download.fetch(ref, sha256=sha256)
        return download.extract(archive, sha256=sha256)
    if os.path.isdir(ref):
        if not os.path.isfile(os.path.join(ref, METADATA_FILE)):
            raise FileNotFoundError(f"{ref!r} is a folder but not a preset (no {METADATA_FILE}). "
                                    "Pass a folder written by keras_gans.zoo.publish().")
        return _check_metadata_hash(os.path.abspath(ref), sha256)
    if os.path.isfile(ref) and ref.endswith((".tar.gz", ".tgz", ".tar", ".zip")):
        return download.extract(ref, sha256=sha256)
    builtins = registry.builtin_presets()
    if ref in builtins:
        return _check_metadata_hash(builtins[ref], sha256)
    remote = registry.remote_presets()
    if ref in remote:
        entry = remote[ref]
        if sha256 is not None and download._check_sha256(sha256) != entry["sha256"]:  # noqa: SLF001
            raise ValueError(f"sha256={sha256!r} differs from the sha256 registered for the remote preset {ref!r} "
                             f"({entry['sha256']}). Drop sha256= or register the preset again.")
        archive = download.fetch(entry["url"], sha256=entry["sha256"], fname=f"{ref}.tar.gz"
                                 if entry["url"].endswith((".tar.gz", ".tgz")) else None)
        return download.extract(archive, sha256=entry["sha256"])
    if os.sep in ref or ref.startswith("."):
        raise FileNotFoundError(f"No preset folder {ref!r}.")
    names = sorted(set(builtins) | set(remote))
    raise KeyError(f"Unknown preset {ref!r}. Available: {names}. Or pass a preset folder, archive or URL "
                   f"(see keras_gans.zoo.list()).")


def _check_metadata_hash(folder, sha256):
    from keras_gans.zoo.download import _check_sha256, sha256_file

    expected = _check_sha256(sha256)
    if expected is not None:
        path = os.path.join(folder, METADATA_FILE)
        got = sha256_file(path)
        if got != expected:
            raise ValueError(f"{path} has sha256 {got}, not the expected {expected}: the preset is not the one you "
                             "pinned (edited or replaced). Re-download or re-publish it, or check the hash.")
    return folder


def _read_json(folder, name, why):
    """The JSON file `name` of a preset folder; FileNotFoundError / ValueError naming the file."""
    path = os.path.join(folder, name)
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise FileNotFoundError(f"The preset {folder!r} is missing {name}. Re-download or re-publish it.") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ValueError(f"{path} is not valid JSON ({e}){why}. Re-download or re-publish the preset.") from None


def read_metadata(folder):
    """The preset's `metadata.json` as a dict; `ValueError` naming the file when it is malformed."""
    from keras_gans.zoo.download import _check_sha256

    path = os.path.join(folder, METADATA_FILE)
    metadata = _read_json(folder, METADATA_FILE, ": the preset is corrupted or was edited")
    if not isinstance(metadata, dict):
        raise ValueError(f"{path} must hold a JSON object; got a {type(metadata).__name__}. Re-download or "
                         "re-publish the preset.")
    missing = [k for k in REQUIRED_KEYS if k not in metadata]
    if missing:
        raise ValueError(f"{path} has no {missing[0]!r} entry (a preset's metadata needs {list(REQUIRED_KEYS)}). "
                         "Re-download or re-publish the preset.")
    for key, allowed in (("contents", CONTENTS), ("task", TASKS)):
        if metadata[key] not in allowed:
            raise ValueError(f"{path}: {key} must be one of {allowed}; got {metadata[key]!r}. Re-download or "
                             "re-publish the preset.")
    if metadata["task"] == "noise_to_image" and not isinstance(metadata.get("latent_dim"), int):
        raise ValueError(f"{path}: a noise_to_image preset needs an integer 'latent_dim'; got "
                         f"{metadata.get('latent_dim')!r}. Re-download or re-publish the preset.")
    files = metadata["files"]
    if not isinstance(files, dict):
        raise ValueError(f"{path}: 'files' must map file names to sha256s; got a {type(files).__name__}. "
                         "Re-download or re-publish the preset.")
    for fname, digest in files.items():
        if not isinstance(fname, str) or fname in ("", ".", "..", METADATA_FILE) or "/" in fname or "\\" in fname:
            raise ValueError(f"{path}: 'files' lists {fname!r}, which is not a file of the preset folder. "
                             "Re-download or re-publish the preset.")
        try:
            _check_sha256(digest)
        except ValueError:
            raise ValueError(f"{path}: the sha256 of {fname} must be 64 hexadecimal characters; got {digest!r}. "
                             "Re-download or re-publish the preset.") from None
    return metadata


def verify(folder, metadata=None):
    """Checks a preset folder before anything is built from it; returns its metadata.

    A built-in preset must hold exactly the files the package pins (`metadata.json` included),
    with the pinned sha256s. Any other folder must hold exactly the files its `metadata.json`
    lists (with at least `config.json` and `model.weights.h5`) plus `metadata.json`, each with
    its listed sha256. Raises `FileNotFoundError` for a missing file and `ValueError` for an
    extra file, a mismatch or malformed metadata, naming the file.
    """
    from keras_gans.zoo import registry
    from keras_gans.zoo.download import sha256_file

    pinned = registry.pinned_files(folder)
    if pinned is not None:
        name, expected = pinned
        mismatch = ("{path} has sha256 {got}, not {digest}, the hash the package pins for the built-in preset "
                    f"{name!r} (keras_gans/zoo/builtin_hashes.json): the preset was edited or corrupted. Restore the "
                    "folder (git checkout keras_gans/presets/ or reinstall keras-gans); for a preset of your own, use "
                    "another name.")
        extra_fix = f"it is not part of the built-in preset {name!r}. Remove it"
    else:
        metadata = metadata or read_metadata(folder)
        expected = dict(metadata["files"])
        for required in (CONFIG_FILE, WEIGHTS_FILE):
            if required not in expected:
                raise ValueError(f"{os.path.join(folder, METADATA_FILE)} lists no sha256 for {required}, so it cannot "
                                 "be checked. Re-publish the preset with keras_gans.zoo.publish().")
        expected[METADATA_FILE] = None  # read below; covered only by sha256= or the archive's hash
        mismatch = ("{path} has sha256 {got}, but " + METADATA_FILE + " says {digest}: the preset is corrupted or "
                    "was edited. Re-download or re-publish it.")
        extra_fix = f"its {METADATA_FILE} does not list it (a preset holds only hashed files). Remove it or re-publish"
    present = set(os.listdir(folder))
    for fname in sorted(expected):
        if fname not in present:
            raise FileNotFoundError(f"The preset {folder!r} is missing {fname}. Re-download or re-publish it.")
    for fname in sorted(present - set(expected)):
        raise ValueError(f"The preset {folder!r} holds an unexpected file {fname}: {extra_fix}.")
    for fname, digest in sorted(expected.items()):
        path = os.path.join(folder, fname)
        if not os.path.isfile(path):
            raise ValueError(f"{path} is not a regular file. Re-download or re-publish the preset.")
        if digest is None:
            continue
        got = sha256_file(path)
        if got != digest:
            raise ValueError(mismatch.format(path=path, got=got, digest=digest))
    return metadata if pinned is None else read_metadata(folder)


def load(name_or_path_or_url, part=None, sha256=None, check=True, dtype_policy=None):
    """Loads a preset and returns a ready Keras model.

    Args:
        name_or_path_or_url: a preset name (`keras_gans.zoo.list()`), a preset folder, a preset
            archive (`.tar.gz`/`.zip`), an `http(s)://`/`file://` URL of one, or a hub handle
            (`hf://owner/repo[@revision]`, `kaggle://owner/model/keras/variant[/version]`; see
            :mod:`keras_gans.zoo.handles`).
        part: what to return. `"generator"` (default for GAN presets): the generator network,
            a `keras.Model` from z (and labels for conditional models) to images;
            `"gan"`: the whole GAN (presets that store it), with `generate()` and `fit()`;
            any other network attribute of the GAN (`"discriminator"`, `"classifier"`, ...);
            `"model"`/`"classifier"` for presets that store a plain model.
        sha256: the expected sha256 of the archive (URLs and archive files), or of the folder's
            `metadata.json` (folders, built-in names and hub handles; it pins every file, since metadata.json
            hashes them all). A mismatch raises `ValueError` and nothing is cached.
        check: verify the files (default; see :func:`verify`): a built-in preset against the
            hashes the package pins, a folder of your own against its `metadata.json`.
            `check=False` skips the hashing; the files are then trusted as they are.
        dtype_policy: the precision to run in, whatever the preset was trained in: `"float32"`,
            `"mixed_bfloat16"` or `"mixed_float16"`; default: the global `keras.mixed_precision`
            policy (float32 unless you set one) for a network, the stored policy for a whole GAN.
            Weights are float32 in every policy, and outputs stay float32.

    Example:

    >>> import numpy as np, keras_gans as kg
    >>> g = kg.zoo.load("dcgan_mnist")
    >>> images = g.predict(np.random.default_rng(0).standard_normal((16, 100)).astype("float32"))
    >>> images.shape
    (16, 28, 28, 1)
    """
    import keras

    import keras_gans

    keras_gans.import_all()  # registers the package's classes (the `keras-gans` command imports them lazily)
    folder = resolve(name_or_path_or_url, sha256=sha256)
    metadata = verify(folder) if check else read_metadata(folder)
    contents = metadata["contents"]
    available = _parts(metadata)
    part = part or available[0]
    if contents != "gan" and part not in available:
        raise KeyError(f"The preset {metadata['name']!r} stores only a {contents} ({metadata['model']}), so it has no "
                       f"part {part!r}. Choose one of {available}.")
    config_path = os.path.join(folder, CONFIG_FILE)
    config = _read_json(folder, CONFIG_FILE, "")
    try:
        model = keras.saving.deserialize_keras_object(config)
    except Exception as e:
        raise ValueError(f"Could not rebuild the preset {metadata['name']!r} from its config ({type(e).__name__}: "
                         f"{e}). It may need a newer keras_gans (saved with {metadata['keras_gans_version']}).") from e
    model.load_weights(os.path.join(folder, WEIGHTS_FILE))
    if contents == "gan" and part != "gan":
        network = getattr(model, part, None)
        if not isinstance(network, keras.Model):
            raise KeyError(f"The preset {metadata['name']!r} ({metadata['model']}) has no network {part!r}. "
                           f"Choose one of {available} or another network attribute of {metadata['model']}.")
        model = network
    if hasattr(model, "apply_precision"):  # a whole GAN: its own policy, unless another is asked for
        if dtype_policy is not None:
            model.dtype_policy = precision.policy_name(dtype_policy)
            model.apply_precision()
    else:  # a network runs in the asked (or global) precision, not the one it was trained in
        precision.apply_policy(model, precision.policy_name(dtype_policy))
    object.__setattr__(model, "_zoo_metadata", metadata)  # bypass Keras tracking; read by sample/export
    return model


class ZooLoader:
    """The preset loader `kg.models.<Model>.from_preset` calls (registered in :mod:`keras_gans.models.presets`
    when `keras_gans.zoo` is imported): the models may not import the zoo, so the zoo hands itself down."""

    @staticmethod
    def info(preset, sha256=None):
        """The preset's checked `metadata.json`, with `path` (its local folder; downloaded when remote)."""
        folder = resolve(preset, sha256=sha256)
        metadata = _read_checked_metadata(folder)
        metadata["path"] = folder
        return metadata

    @staticmethod
    def load(folder, part, check=True, dtype_policy=None):
        """The stored `part` (`"gan"` or `"generator"`) of a resolved preset folder."""
        return load(folder, part=part, check=check, dtype_policy=dtype_policy)


def _parts(metadata):
    contents = metadata["contents"]
    if contents == "generator":
        return ["generator"]
    if contents == "gan":
        return ["generator", "gan", "discriminator"]
    if metadata["task"] == "image_to_label":
        return ["classifier", "model"]
    return ["model", "generator"] if metadata["task"] == "image_to_image" else ["model"]


def upscaling(metadata):
    """k ≥ 2 when a preset's card says it enlarges its one image input k times (`inputs` (h, w, c) -> `resolution`
    (k·h, k·w, c'): super-resolution), else None (noise-to-image, same-size translators, classifiers)."""
    try:
        if len(metadata["inputs"]) != 1 or metadata["task"] != "image_to_image":
            return None
        h, w = (int(d) for d in metadata["inputs"][0]["shape"][1:3])
        big_h, big_w = (int(d) for d in metadata["resolution"][:2])
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    if not (h and w) or big_h % h or big_w % w or big_h // h != big_w // w or big_h // h < 2:
        return None
    return big_h // h


def info(name_or_path_or_url):
    """The card of a preset: its `metadata.json` as a dict (plus `path`), without building the model."""
    folder = resolve(name_or_path_or_url)
    metadata = _read_checked_metadata(folder)
    metadata["path"] = folder
    return metadata


def _read_checked_metadata(folder):
    """`read_metadata`, after checking a built-in preset's metadata.json against its pinned hash (a card
    cannot be edited either); the other files are checked by `load`."""
    from keras_gans.zoo import registry

    pinned = registry.pinned_files(folder)
    if pinned is not None:
        name, hashes = pinned
        if METADATA_FILE not in hashes:
            raise ValueError(f"keras_gans/zoo/builtin_hashes.json pins no {METADATA_FILE} for {name!r}. Reinstall "
                             "keras-gans.")
        _check_pinned_metadata(folder, name, hashes[METADATA_FILE])
    return read_metadata(folder)


def _check_pinned_metadata(folder, name, digest):
    from keras_gans.zoo.download import sha256_file

    path = os.path.join(folder, METADATA_FILE)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"The preset {folder!r} is missing {METADATA_FILE}. Restore it (git checkout "
                                "keras_gans/presets/ or reinstall keras-gans).")
    got = sha256_file(path)
    if got != digest:
        raise ValueError(f"{path} has sha256 {got}, not {digest}, the hash the package pins for the built-in preset "
                         f"{name!r} (keras_gans/zoo/builtin_hashes.json): the preset was edited or corrupted. Restore "
                         "the folder (git checkout keras_gans/presets/ or reinstall keras-gans); for a preset of your "
                         "own, use another name.")


def _model_lineage(model_name):
    """The lower-case names of a preset's model class and of its keras_gans base classes (a DCGANWithTricks
    preset is listed under DCGAN and GAN too), or just its own name when it is not a registered class."""
    import keras

    import keras_gans.models  # noqa: F401  (registers the classes)

    cls = keras.saving.get_registered_object(f"keras_gans>{model_name}") if model_name else None
    if not isinstance(cls, type):
        return {str(model_name or "").lower()}
    return {c.__name__.lower() for c in cls.__mro__ if c.__module__.startswith("keras_gans.models")}


def list_presets(model=None, dataset=None):
    """One row per preset (built-in, then remote): name, model, dataset, resolution, parameters, metric.

    Args:
        model: keep the presets of this model only: a class name (`"DCGAN"`, any case) or a class
            (`kg.models.CGAN`). Presets of its subclasses are kept too, as `from_preset` of the class builds
            them: a DCGANWithTricks preset under DCGAN, a BigGAN preset under CGAN.
        dataset: keep the presets trained on this dataset only (any case): its full name (`"mnist-5k"`) or
            the part before a `-` (`"mnist"` matches `mnist-5k`, not `mnist2mnistm-paired` nor MNIST-M's `mnist-m`).

    Returns a list of dicts; `metric` is the headline metric as `"name=value"` (or None).

    >>> import keras_gans as kg
    >>> [row["name"] for row in kg.zoo.list()]          # doctest: +SKIP
    ['dcgan_mnist', ...]
    >>> [row["name"] for row in kg.zoo.list(model="ACGAN")]   # doctest: +SKIP
    ['acgan_mnist']
    """
    from keras_gans.zoo import registry

    rows = []
    for name, folder in registry.builtin_presets().items():
        m = _read_checked_metadata(folder)
        head = m.get("headline_metric")
        metric = f"{head}={m['metrics'][head]['value']:.4g}" if head else None
        rows.append({"name": name, "model": m["model"], "dataset": m.get("dataset"),
                     "resolution": "×".join(str(d) for d in m["resolution"]),
                     "parameters": m["parameter_count"], "metric": metric, "source": "built-in",
                     "description": m.get("description", "")})
    for name, entry in registry.remote_presets().items():
        if any(r["name"] == name for r in rows):
            continue
        rows.append({"name": name, "model": entry.get("model"), "dataset": entry.get("dataset"),
                     "resolution": entry.get("resolution"), "parameters": entry.get("parameters"),
                     "metric": entry.get("metric"), "source": entry["url"],
                     "description": entry.get("description", "")})
    if model is not None:
        wanted = (model if isinstance(model, str) else model.__name__).lower()
        rows = [r for r in rows if wanted in _model_lineage(r["model"])]
    if dataset is not None:
        wanted = str(dataset).lower()
        rows = [r for r in rows if _of_dataset(str(r["dataset"] or "").lower(), wanted)]
    return rows


#: Datasets whose names look like a variant of another's (`mnist-m`: `mnist` + `-m`) but are their own.
OWN_DATASETS = ("mnist-m",)


def _of_dataset(name, wanted):
    """Whether a preset's dataset `name` is `wanted` or one of its variants (`mnist-5k` of `mnist`; not `mnist-m`)."""
    if name == wanted:
        return True
    if not name.startswith(wanted + "-"):
        return False
    return not any(name == own or name.startswith(own + "-") for own in OWN_DATASETS if own.startswith(wanted + "-"))
