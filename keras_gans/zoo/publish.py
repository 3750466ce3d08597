"""Writing a preset folder: :func:`publish` (config, weights, metadata, samples, FID curve) and its :func:`model_card`.

The folder layout and the file names are those of :mod:`keras_gans.zoo.preset`, which reads
presets back (`kg.zoo.load`). A preset is written beside its final place and renamed, so a failed
publish leaves nothing behind.
"""
import datetime
import json
import os

import numpy as np

from keras_gans.zoo.preset import (
    CONFIG_FILE,
    CONTENTS,
    FID_PLOT_FILE,
    FORMAT_VERSION,
    METADATA_FILE,
    README_FILE,
    SAMPLES_FILE,
    TASKS,
    WEIGHTS_FILE,
    upscaling,
)


# ---------------------------------------------------------------------------------------- publish
def publish(model, directory, name=None, dataset=None, training_command=None, metrics=None, *,
            description="", contents=None, seed=None, steps=None, epochs=None, training_time=None,
            headline_metric=None, weights_dtype="float32", samples=None, task=None, output_range=(-1.0, 1.0),
            notes="", model_name=None, overwrite=False, fid_curve=None, fid_protocol=None, fid_label="FID"):
    """Writes `model` as a preset folder `directory` and returns its path (or uploads it to a hub handle).

    Args:
        model: a keras_gans GAN (its generator, or the whole GAN, is stored) or any Keras model
            (a classifier, an image-to-image generator).
        directory: the folder to write (missing parent folders are created). Written beside its final
            place and renamed, so a failure leaves nothing behind. Or `"hf://owner/repo"`: the folder is
            written to a temporary place and uploaded with `huggingface_hub` (`create_repo(exist_ok=True)`,
            then `upload_folder`; needs a write token, `HF_TOKEN` or `huggingface-cli login`), and the
            handle pinned to the new commit is returned (`"hf://owner/repo@<commit>"`); the preset's name
            defaults to the repository's.
        name: the preset name (default: the folder's name); `<model>_<dataset>[_<detail>]`.
        dataset: the training data (e.g. `"mnist-5k"`).
        training_command: the shell command that trained it (`keras-gans train ...`).
        metrics: `{metric_name: {"value": float, "protocol": "how it was measured"}}`; a number
            without its protocol is refused. The first one is the headline unless
            `headline_metric` says otherwise.
        description: one line for `list()` and the card.
        contents: `"generator"` (default for GANs: the discriminator is not needed to sample),
            `"gan"` (the whole GAN: both networks, for fine-tuning) or `"model"` (any Keras model).
        seed, steps, epochs, training_time: provenance for the card (`training_time` in seconds).
        weights_dtype: `"float32"` (bit-exact) or `"float16"` (half the size; values rounded).
        samples: images `(N, H, W, C)` in `output_range` for `samples.png`; by default a GAN draws
            64 with seed 0; `False` writes none.
        task: `"noise_to_image"`, `"image_to_image"` or `"image_to_label"` (inferred for GANs).
        output_range: the value range of generated images (the package's GANs: [-1, 1]).
        notes: free text appended to the card.
        model_name: the model shown in `list()` (default: the class name; e.g. `"SGAN"` for its classifier).
        overwrite: replace a non-empty existing folder (else `FileExistsError`, before any work).
        fid_curve: `[[steps, fid], ...]`, the FID measured during training (e.g. :func:`fid_curve_from_history`
            of a `keras-gans train --fid-every` run). When given, `fid_vs_steps.png` plots it, the card shows
            it under its own heading, and `metadata.json` keeps it (`"fid_curve"`, `"fid_curve_label"`,
            `"fid_curve_protocol"`).
        fid_protocol: how the curve was measured (extractor, samples, reference, how often); needed with `fid_curve`.
        fid_label: what the curve is, for the plot's title and the card (e.g. `"quick FID-MNIST (1,000 samples)"`).

    Example:

    >>> import keras_gans as kg
    >>> gan = kg.models.DCGAN(image_shape=(28, 28, 1))
    >>> path = kg.zoo.publish(gan, "/tmp/dcgan_untrained", dataset="none", seed=0,
    ...                       training_command="(untrained)")
    >>> g = kg.zoo.load(path)                     # the generator: z (N, 100) -> (N, 28, 28, 1)
    """
    import keras

    import keras_gans
    from keras_gans.models import GAN
    from keras_gans.utils.io import atomic_path, check_target
    from keras_gans.zoo import handles
    from keras_gans.zoo.download import sha256_file

    if handles.is_handle(directory):
        return _publish_to_hub(dict(locals()))
    directory = os.path.abspath(os.fspath(directory))
    check_target(directory, overwrite, "folder")
    name = name or os.path.basename(directory)
    if weights_dtype not in ("float32", "float16"):
        raise ValueError(f"weights_dtype must be 'float32' or 'float16'; got {weights_dtype!r}.")
    metrics = _check_metrics(metrics)
    fid_curve = _check_fid_curve(fid_curve, fid_protocol)
    if headline_metric is not None and headline_metric not in metrics:
        raise KeyError(f"headline_metric {headline_metric!r} is not one of the metrics {sorted(metrics)}.")

    is_gan = isinstance(model, GAN)
    if contents is None:
        contents = "generator" if is_gan else "model"
    if contents not in CONTENTS:
        raise ValueError(f"contents must be one of {CONTENTS}; got {contents!r}.")
    if contents in ("gan", "generator") and not is_gan:
        raise ValueError(f"contents={contents!r} needs a keras_gans GAN; got a {type(model).__name__}. "
                         "Use contents='model' for other Keras models.")
    # the network generate() samples from: the EMA copy when the model keeps one (keras_gans.tricks)
    sampler = getattr(model, "sampling_generator", None) or getattr(model, "generator", None)
    stored = _fresh_copy(sampler if contents == "generator" else model)

    inputs = _input_contract(model, stored, is_gan)
    if task is None:
        if is_gan:
            task = "image_to_image" if len(model.generator.input_shape) == 4 else "noise_to_image"
        else:
            task = "image_to_label" if len(stored.output_shape) == 2 else "image_to_image"
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}; got {task!r}.")
    out_shape = stored.output_shape if contents != "gan" else model.generator.output_shape
    resolution = [int(d) for d in out_shape[1:]] if task != "image_to_label" else [
        int(d) for d in stored.input_shape[1:]]

    config = keras.saving.serialize_keras_object(stored)
    for key in ("compile_config", "build_config"):
        config.pop(key, None)

    metadata = {
        "format_version": FORMAT_VERSION,
        "name": name,
        "description": description,
        "model": model_name or type(model).__name__,
        "contents": contents,
        "task": task,
        "dataset": dataset,
        "resolution": resolution,
        "latent_dim": int(model.latent_dim) if is_gan and task == "noise_to_image" else None,
        "inputs": inputs,
        "num_classes": _num_classes(model),
        "output_range": list(output_range) if task != "image_to_label" else [0.0, 1.0],
        "parameter_count": int(stored.count_params()),
        "generator_parameter_count": int(model.generator.count_params()) if is_gan else None,
        "model_config": _model_config(model) if is_gan else None,
        # state beside the stored networks that sampling needs (StyleGAN2: w_avg, the truncation centre), JSON values
        **({"model_state": model.preset_state()} if is_gan and hasattr(model, "preset_state") else {}),
        "weights_dtype": weights_dtype,
        # the dtype policy it trained in (`--precision`); it loads in any (kg.zoo.load(..., dtype_policy=))
        "training_precision": getattr(getattr(model, "dtype_policy", None), "name", None),
        "seed": seed,
        "steps": steps,
        "epochs": epochs,
        "training_command": training_command,
        "training_time_seconds": training_time,
        "metrics": metrics,
        "headline_metric": headline_metric or (next(iter(metrics)) if metrics else None),
        "notes": notes,
        **({"fid_curve": fid_curve, "fid_curve_label": fid_label, "fid_curve_protocol": fid_protocol}
           if fid_curve else {}),
        "keras_version": keras.__version__,
        "keras_gans_version": keras_gans.__version__,
        "tensorflow_version": _tf_version(),
        "date_saved": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "files": {},
    }

    with atomic_path(directory) as tmp:
        os.mkdir(tmp)
        with open(os.path.join(tmp, CONFIG_FILE), "w") as f:
            json.dump(config, f, indent=1, sort_keys=True)
        weights = os.path.join(tmp, WEIGHTS_FILE)
        stored.save_weights(weights)
        if weights_dtype == "float16":
            _to_float16(weights)
        grid = _samples(model, is_gan, samples, output_range)
        if grid is not None:
            from keras_gans.utils.images import save_image

            save_image(grid, os.path.join(tmp, SAMPLES_FILE))
        if fid_curve:
            plot_fid_curve(fid_curve, os.path.join(tmp, FID_PLOT_FILE), label=fid_label)
        with open(os.path.join(tmp, README_FILE), "w") as f:
            f.write(model_card(metadata, has_samples=grid is not None))
        for fname in sorted(os.listdir(tmp)):
            metadata["files"][fname] = sha256_file(os.path.join(tmp, fname))
        with open(os.path.join(tmp, METADATA_FILE), "w") as f:
            json.dump(metadata, f, indent=1)
            f.write("\n")
    return directory


def _publish_to_hub(args):
    """`publish` to a temporary folder, then :func:`keras_gans.zoo.handles.upload` of it; the pinned handle."""
    import inspect
    import tempfile

    from keras_gans.zoo import handles

    handle = args["directory"]
    repo = handles.upload_target(handle)[0]  # a malformed or non-hf handle fails before any work
    params = {k: args[k] for k in inspect.signature(publish).parameters}
    with tempfile.TemporaryDirectory(prefix="keras-gans-publish-") as tmp:
        params["directory"] = os.path.join(tmp, params["name"] or repo.split("/")[-1])
        return handles.upload(publish(**params), handle)


def _model_config(model):
    """The GAN's constructor options without its networks (JSON values only), for `from_preset`'s fresh networks."""
    config = model.get_config()
    out = {}
    for key, value in config.items():
        if key in tuple(getattr(model, "network_keys", ())) + ("name", "trainable", "dtype"):
            continue
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            continue
        out[key] = value
    return out


def _check_fid_curve(curve, protocol):
    """`curve` as `[[int steps, float fid], ...]` in order of steps; `ValueError` naming the problem."""
    if curve is None or len(curve) == 0:
        return None
    if not protocol:
        raise ValueError("fid_curve needs fid_protocol: how the FID was measured (extractor, samples, reference), "
                         "e.g. 'FIDCallback: FID-MNIST, 1,000 samples vs mnist-5k test'.")
    try:
        points = [[int(steps), float(fid)] for steps, fid in curve]
    except (TypeError, ValueError):
        raise ValueError(f"fid_curve must be pairs [steps, fid]; got {curve!r}.") from None
    if any(s < 0 or not np.isfinite(f) for s, f in points):
        raise ValueError(f"fid_curve needs steps ≥ 0 and finite FIDs; got {points!r}.")
    return sorted(points)


def fid_curve_from_history(path, steps_per_epoch):
    """`[[steps, fid], ...]` from the `fid` column of a `history.csv` (Keras' CSVLogger, as `keras-gans train`
    writes it); `[]` when it has no such column or no value in it.

    Epochs without a score (`NA`, empty) are skipped; an epoch logged twice (a resumed run) counts once, its
    last row. Steps are `(epoch + 1) × steps_per_epoch`, rounded (the `epoch` column counts from 0).
    """
    import csv

    if steps_per_epoch is None or not float(steps_per_epoch) > 0:
        raise ValueError(f"steps_per_epoch must be a number > 0; got {steps_per_epoch!r}.")
    scores = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            try:
                epoch, fid = int(row["epoch"]), float(row.get("fid") or "nan")
            except (KeyError, TypeError, ValueError):  # no column, NA
                continue
            if np.isfinite(fid):
                scores[epoch] = fid
            else:
                scores.pop(epoch, None)
    return [[int(round((epoch + 1) * float(steps_per_epoch))), fid] for epoch, fid in sorted(scores.items())]


def plot_fid_curve(curve, path, label="FID"):
    """Plots `[[steps, fid], ...]` to a PNG at `path` (written atomically): FID against optimizer steps,
    on a log axis when the values span more than a factor of 10."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from keras_gans.utils.io import atomic_path

    steps, fids = zip(*curve)
    fig, ax = plt.subplots(figsize=(6, 3.6), dpi=100)
    ax.plot(steps, fids, marker="o" if len(curve) < 40 else None)
    ax.set_xlabel("optimizer steps")
    if min(fids) > 0 and max(fids) / min(fids) > 10:   # early FIDs are hundreds: a log axis keeps the end readable
        ax.set_yscale("log")
    ax.set_ylabel("FID (lower is better)")
    ax.set_title(f"{label[:1].upper()}{label[1:]} against optimizer steps", fontsize=10)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png")
    plt.close(fig)
    return path


def _check_metrics(metrics):
    out = {}
    for key, entry in (metrics or {}).items():
        if not isinstance(entry, dict) or "value" not in entry or not entry.get("protocol"):
            raise ValueError(
                f"Metric {key!r} must be a dict with 'value' and 'protocol' (how it was measured, e.g. "
                "'FID-MNIST, 5,000 samples vs mnist-5k test, keras_gans.metrics'); got {entry!r}."
            )
        out[key] = {k: (float(v) if k == "value" else v) for k, v in entry.items()}
    return out


def _fresh_copy(model):
    """An uncompiled copy of `model` with the same weights (no optimizer state in the preset)."""
    import keras

    config = keras.saving.serialize_keras_object(model)
    config.pop("compile_config", None)  # else the copy is compiled and its optimizers' slots fill the weights file
    copy = keras.saving.deserialize_keras_object(config)
    # Match by position, as Keras' own weight files do: the rebuilt copy keeps the order. Variable
    # paths are no key: networks from one builder share layer names (a CycleGAN's two generators both
    # have "in_conv/kernel"), and layers with generated names get new suffixes when rebuilt
    # ("equalized_dense" → "equalized_dense_3" in a ProGAN generator).
    if len(copy.weights) != len(model.weights) or any(
            tuple(a.shape) != tuple(b.shape) for a, b in zip(model.weights, copy.weights)):
        raise ValueError(f"Could not copy the weights of {model.name!r} for publishing: its rebuilt copy has "
                         f"{len(copy.weights)} variables where it has {len(model.weights)}, or other shapes.")
    for v, w in zip(copy.weights, model.weights):
        v.assign(w)
    return copy


def _input_contract(model, stored, is_gan):
    if is_gan:
        return [{"name": s.name, "shape": [d for d in s.shape.as_list()], "dtype": s.dtype.name}
                for s in model.serving_inputs()]
    shapes = stored.input_shape if isinstance(stored.input_shape, list) else [stored.input_shape]
    names = [getattr(t, "name", f"input_{i}").split(":")[0] for i, t in enumerate(stored.inputs)]
    return [{"name": "images" if len(shapes) == 1 else n, "shape": list(s), "dtype": "float32"}
            for n, s in zip(names, shapes)]


def _num_classes(model):
    for attr in ("num_classes", "n_classes"):
        if getattr(model, attr, None):
            return int(getattr(model, attr))
    from keras_gans.models import GAN

    if isinstance(model, GAN):
        return None
    try:
        shape = model.output_shape
    except (AttributeError, ValueError):
        return None
    if isinstance(shape, tuple) and len(shape) == 2 and shape[-1] and shape[-1] > 1:
        return int(shape[-1])  # a classifier
    return None


def _to_float16(path):
    """Rewrites a `.weights.h5` file with float32 arrays stored as float16 (Keras casts back on load)."""
    import h5py

    def copy(src, dst):
        dst.attrs.update(src.attrs)
        for key, item in src.items():
            if isinstance(item, h5py.Group):
                copy(item, dst.create_group(key))
            else:
                data = item[()]
                if isinstance(data, np.ndarray) and data.dtype == np.float32:
                    data = data.astype(np.float16)
                dst.create_dataset(key, data=data).attrs.update(item.attrs)

    half = path + ".half"
    with h5py.File(path, "r") as src, h5py.File(half, "w") as dst:
        copy(src, dst)
    os.replace(half, path)


def _samples(model, is_gan, samples, value_range):
    from keras_gans.utils.images import make_grid

    if samples is False:
        return None
    if samples is None:
        if not is_gan:
            return None
        classes = getattr(model, "num_classes", None)
        try:
            if classes:  # conditional: labels 0, 1, ..., K-1 along each row, so each column is one class
                rows = max(1, 64 // int(classes))
                samples = model.generate(rows * int(classes), seed=0)
                return make_grid(np.asarray(samples), rows=rows, value_range=tuple(value_range))
            samples = model.generate(64, seed=0)
        except Exception:  # models whose generate() needs inputs; their publishers pass samples=
            return None
    return make_grid(np.asarray(samples), value_range=tuple(value_range))


def _tf_version():
    import tensorflow as tf

    return tf.__version__


# ---------------------------------------------------------------------------------------- card
def model_card(metadata, has_samples=True):
    """The README.md model card of a preset, from its metadata."""
    m = metadata
    lines = [f"# {m['name']}", ""]
    if m.get("description"):
        lines += [m["description"], ""]
    lines += [
        "| | |", "|---|---|",
        f"| Model | `{m['model']}` (stored: {m['contents']}) |",
        f"| Task | {m['task']} |",
        f"| Dataset | {m.get('dataset')} |",
        f"| Resolution | {'×'.join(str(d) for d in m['resolution'])} |",
        f"| Parameters | {m['parameter_count']:,} |",
        f"| Weights | {m['weights_dtype']} |",
        *([f"| Trained in | {m['training_precision']} (samples in any precision: "
           f"`kg.zoo.load(name, dtype_policy=...)`) |"] if m.get("training_precision") else []),
        f"| Seed / epochs / steps | {m.get('seed')} / {m.get('epochs')} / {m.get('steps')} |",
        f"| Training time | {_duration(m.get('training_time_seconds'))} |",
        f"| Saved with | Keras {m['keras_version']}, keras-gans {m['keras_gans_version']}, "
        f"TensorFlow {m['tensorflow_version']} |",
        "",
        "## Inputs and outputs", "",
    ]
    for spec in m["inputs"]:
        lines.append(f"- `{spec['name']}`: {spec['dtype']} {tuple(spec['shape'])}")
    if m["task"] == "noise_to_image":
        lines.append(f"- z ~ N(0, I) of size {m['latent_dim']}; images in "
                     f"[{m['output_range'][0]:g}, {m['output_range'][1]:g}]")
    lines += ["", "## Metrics", ""]
    if m["metrics"]:
        lines += ["| Metric | Value | Protocol |", "|---|---|---|"]
        for key, entry in m["metrics"].items():
            lines.append(f"| {key} | {entry['value']:.4g} | {entry['protocol']} |")
    else:
        lines.append("No metrics were measured for this preset.")
    lines += ["", "## Training", "", "```", m.get("training_command") or "(not recorded)", "```", ""]
    lines += ["## Use", "", "```python", "import keras_gans as kg",
              f"model = kg.zoo.load({m['name']!r})"]
    if m["task"] == "noise_to_image" and len(m["inputs"]) == 1:
        lines += ["import numpy as np",
                  f"z = np.random.default_rng(0).standard_normal((16, {m['latent_dim']})).astype('float32')",
                  "images = model.predict(z)      # "
                  f"[{m['output_range'][0]:g}, {m['output_range'][1]:g}]"]
    elif m["task"] == "noise_to_image" and len(m["inputs"]) == 2 and m["inputs"][1]["dtype"].startswith("int"):
        k = m.get("num_classes") or 10
        lines += ["import numpy as np",
                  f"z = np.random.default_rng(0).standard_normal((16, {m['latent_dim']})).astype('float32')",
                  f"labels = np.arange(16) % {k}                  # one int class in [0, {k - 1}] per image",
                  "images = model.predict([z, labels])     # "
                  f"[{m['output_range'][0]:g}, {m['output_range'][1]:g}]",
                  f"images = kg.zoo.sample({m['name']!r}, 16, seed=0, labels=labels)   # the same, seeded"]
    elif m["task"] == "image_to_label":
        lines += ["probabilities = model.predict(images)   # images (N, "
                  f"{', '.join(str(d) for d in m['resolution'])}) in [-1, 1]"]
    elif m["task"] == "image_to_image" and upscaling(m):
        small = ", ".join(str(d) for d in m["inputs"][0]["shape"][1:])
        lines += [f"upscaled = model.predict(lowres)         # (N, {small}) in [-1, 1] -> "
                  f"(N, {', '.join(str(d) for d in m['resolution'])})",
                  f"lowres, highres, labels = kg.data.super_resolution_arrays({m.get('dataset') or 'mnist-m'!r}, "
                  f"scale={upscaling(m)})   # held-out test inputs"]
    elif m["task"] == "image_to_image":
        lines += ["translated = model.predict(images)      # images in [-1, 1]"]
    lines += ["```", "", f"Serving: `keras-gans export {m['name']} serving/{m['name']}` writes a SavedModel.", ""]
    if has_samples:
        lines += ["## Samples (seed 0)", "", f"![samples]({SAMPLES_FILE})", ""]
    if m.get("fid_curve"):
        label = m.get("fid_curve_label") or "FID"
        lines += ["## FID against steps", "",
                  f"The {label} of the generator during training, against optimizer steps; lower is better.", "",
                  f"![FID against steps]({FID_PLOT_FILE})", "",
                  f"Protocol: {str(m.get('fid_curve_protocol')).rstrip('.')}.", ""]
    if m.get("notes"):
        lines += ["## Notes", "", m["notes"], ""]
    return "\n".join(lines)


def _duration(seconds):
    if seconds is None:
        return "(not recorded)"
    seconds = float(seconds)
    return f"{seconds / 60:.1f} min" if seconds >= 60 else f"{seconds:.0f} s"
