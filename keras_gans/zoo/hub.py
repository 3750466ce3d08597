"""TF Hub generators as Keras 3 layers, without `hub.KerasLayer`.

`hub.KerasLayer` is a tf_keras (Keras 2) layer since TF 2.16, and Keras 3 models refuse it.
:class:`HubGenerator` is a thin `keras.layers.Layer` that holds `tensorflow_hub.load(handle)`
and calls the module's signature in `call()`, so it works in Keras 3 functional and
Sequential models and in plain eager code.

`HUB_MODULES` states what each known GAN module expects and returns:

- `google/progan-128/1` (CelebA faces): z float32 (N, 512) ~ N(0, 1) → (N, 128, 128, 3) in [0, 1].
- `deepmind/biggan-{128,256,512}/2` and `deepmind/biggan-deep-{128,256,512}/1` (ImageNet): z (N, 128)
  from a truncated normal, y (N, 1000) one-hot, scalar truncation in (0, 1] → images in [-1, 1].
- `google/compare_gan/model_*` (the "compare_gan" study): signature `generator`, z uniform in
  [-1, 1] with a fixed batch of 64 → images in [0, 1].

Handles may be short (`google/progan-128/1`), tfhub.dev URLs, Kaggle Models URLs
(`https://www.kaggle.com/models/google/progan-128/...`), local folders, or http(s) URLs of a
compressed module (`.tar.gz`). A keras_gans export (`gan.export(dir)`) loads too: its
`serving_default` signature takes `z` and returns `images` in [-1, 1].

>>> import keras, keras_gans as kg
>>> progan = kg.zoo.load_hub("google/progan-128/1")            # needs the internet
>>> images = progan(keras.random.normal((4, 512)))              # (4, 128, 128, 3) in [0, 1]
"""
import dataclasses
import os
import re

import keras


@dataclasses.dataclass(frozen=True)
class HubModuleSpec:
    """The input contract and output range of a known TF Hub generator."""

    handle: str
    signature: str = "default"
    inputs: tuple = ("default",)      # signature argument names, in the order positional inputs map to
    output_key: str = "default"
    latent_dim: int = None
    latent: str = "normal"            # "normal", "truncated_normal" or "uniform[-1,1]"
    output_range: tuple = (0.0, 1.0)
    resolution: tuple = None
    fixed_batch: int = None           # compare_gan graphs only run batches of exactly this size
    num_classes: int = None
    description: str = ""


def _known():
    modules = {
        "google/progan-128/1": HubModuleSpec(
            "https://tfhub.dev/google/progan-128/1", latent_dim=512, resolution=(128, 128, 3),
            description="ProGAN on CelebA at 128×128 (GANs in Action ch. 6): z ~ N(0, 1) of 512 → [0, 1]."),
    }
    for res in (128, 256, 512):
        for deep, version in (("", 2), ("-deep", 1)):
            key = f"deepmind/biggan{deep}-{res}/{version}"
            modules[key] = HubModuleSpec(
                f"https://tfhub.dev/{key}", inputs=("z", "y", "truncation"), latent_dim=128,
                latent="truncated_normal", output_range=(-1.0, 1.0), resolution=(res, res, 3), num_classes=1000,
                description=f"BigGAN{deep.replace('-', ' ')} {res}×{res} on ImageNet: z (truncated normal, "
                            "scaled by truncation), one-hot y of 1000, scalar truncation → [-1, 1].")
    return modules


HUB_MODULES = _known()

_COMPARE_GAN = re.compile(r"^google/compare_gan/(model_\d+_[a-z0-9_]+)/(\d+)$")
_TFHUB = re.compile(r"^https?://tfhub\.dev/(.+?)/?$")
_KAGGLE = re.compile(r"^(?:https?://(?:www\.)?kaggle\.com/models/|kaggle://)([^/]+)/([^/]+)/(?:frameworks/)?"
                     r"([^/]+)/(?:variations/)?([^/]+)/(?:versions/)?(\d+)/?$", re.IGNORECASE)


def spec_for(handle):
    """The :class:`HubModuleSpec` of a known module handle (short, tfhub.dev or Kaggle), or None."""
    key = _short_name(handle)
    if key is None:
        return None
    if key in HUB_MODULES:
        return HUB_MODULES[key]
    m = _COMPARE_GAN.match(key)
    if m:
        res = 128 if "128" in m.group(1) else (32 if "cifar" in m.group(1) else None)
        return HubModuleSpec(f"https://tfhub.dev/{key}", signature="generator", inputs=("z",),
                             output_key="generated", latent_dim=128, latent="uniform[-1,1]", output_range=(0.0, 1.0),
                             resolution=(res, res, 3) if res else None, fixed_batch=64,
                             description="compare_gan generator: z uniform in [-1, 1] of 128, batch fixed at 64.")
    return None


def _short_name(handle):
    """`publisher/model/version` for tfhub.dev, short and Kaggle handles; None for folders and other URLs."""
    handle = str(handle).strip()
    m = _TFHUB.match(handle)
    if m:
        return m.group(1)
    m = _KAGGLE.match(handle)
    if m:
        owner, model, _framework, variation, version = m.groups()
        if owner == "deepmind" and model == "biggan" or owner == "google" and model == "compare_gan":
            return f"{owner}/{variation}/{version}" if model != "compare_gan" else f"{owner}/{model}/{variation}/{version}"
        return f"{owner}/{variation}/{version}"
    if "://" not in handle and not os.path.exists(handle) and re.match(r"^[\w.-]+/[\w./-]+/\d+$", handle):
        return handle
    return None


def resolve_handle(handle):
    """The handle to give `tensorflow_hub.load`: short names become tfhub.dev URLs, Kaggle URLs their
    download address, folders and other URLs stay as they are."""
    handle = os.fspath(handle)
    if os.path.exists(handle):
        return handle
    m = _KAGGLE.match(handle)
    if m:
        owner, model, framework, variation, version = m.groups()
        key = _short_name(handle)
        if key in HUB_MODULES:  # tfhub.dev redirects to Kaggle for migrated modules
            return HUB_MODULES[key].handle
        return (f"https://www.kaggle.com/api/v1/models/{owner}/{model}/{framework.lower()}/{variation}/{version}"
                "/download")
    if "://" not in handle:
        if _short_name(handle) is None:
            raise FileNotFoundError(f"{handle!r} is neither a folder nor a hub handle. Pass a SavedModel folder, "
                                    "a URL, or a handle such as 'google/progan-128/1'.")
        return f"https://tfhub.dev/{handle}"
    return handle


def _load_module(handle):
    from keras_gans.zoo.download import check_reachable

    resolved = resolve_handle(handle)
    if "://" in resolved:
        check_reachable(resolved)
    import tensorflow_hub as hub

    try:
        return hub.load(resolved)
    except (OSError, IOError, ValueError) as e:
        if "://" in resolved and not os.path.exists(resolved):
            text = str(e)
            if "404" in text:
                raise FileNotFoundError(f"The hub module {resolved} was not found (HTTP 404). Check the handle.") from e
            raise ConnectionError(
                f"Could not fetch the hub module {resolved} ({type(e).__name__}: {text}). Check the network, or "
                "download the module elsewhere, unpack it, and pass its folder.") from e
        raise ValueError(f"{handle!r} is not a loadable SavedModel / TF Hub module ({type(e).__name__}: {e}).") from e


@keras.saving.register_keras_serializable(package="keras_gans")
class HubGenerator(keras.layers.Layer):
    """A Keras 3 layer that runs a TF Hub (or SavedModel) generator.

    Args:
        handle: a hub handle, URL or SavedModel folder (see :func:`load_hub`).
        signature: the signature or endpoint to call; the known module's, else `serving_default`,
            else the module's `__call__`.
        output_key: the output to return when the signature returns a dict (the only one when omitted).
        output_range: rescale the module's native range to this `(low, high)`, e.g. `(-1, 1)` to mix
            ProGAN output with the package's images; None keeps the native range.
        native_range: the module's own output range (known modules and keras_gans exports set it).

    Inputs: one tensor (the latent z) or, for several inputs (BigGAN's z, y, truncation), a list
    in the order of `input_names` or a dict by name.
    """

    def __init__(self, handle, signature=None, output_key=None, output_range=None, native_range=None, **kwargs):
        kwargs.setdefault("trainable", False)
        super().__init__(**kwargs)
        self.handle = os.fspath(handle)
        self.spec = spec_for(self.handle)
        self.module = _load_module(self.handle)
        self.signature = signature or (self.spec.signature if self.spec else None)
        self.fn, self.input_names, self.output_key = self._pick(self.signature, output_key)
        if native_range is None:
            native_range = self.spec.output_range if self.spec else (
                (-1.0, 1.0) if hasattr(self.module, "sample") and hasattr(self.module, "serve") else None)
        self.native_range = tuple(native_range) if native_range is not None else None
        if output_range is not None and self.native_range is None:
            raise ValueError(f"Cannot rescale the output of {self.handle!r} to {output_range}: its native range is "
                             "unknown. Pass native_range=(low, high).")
        self.output_range = tuple(output_range) if output_range is not None else None
        self.latent_dim = self._latent_dim()
        self.built = True

    def _pick(self, signature, output_key):
        module = self.module
        signatures = getattr(module, "signatures", {})
        if signature is None:
            if "serving_default" in signatures:
                signature = "serving_default"
            elif "default" in signatures:
                signature = "default"
            elif callable(module):
                return module, ["inputs"], output_key
            else:
                raise ValueError(f"{self.handle!r} has no signature to call. Pass signature= one of "
                                 f"{sorted(signatures)}.")
        if signature in signatures:
            fn = signatures[signature]
            names = list(fn.structured_input_signature[1])
            if self.spec and set(self.spec.inputs) == set(names):
                names = list(self.spec.inputs)
            outputs = list(fn.structured_outputs)
            if output_key is None:
                if self.spec and self.spec.output_key in outputs:
                    output_key = self.spec.output_key
                elif len(outputs) == 1:
                    output_key = outputs[0]
                else:
                    raise ValueError(f"The signature {signature!r} of {self.handle!r} returns {outputs}; "
                                     "pass output_key= one of them.")
            elif output_key not in outputs:
                raise KeyError(f"The signature {signature!r} has no output {output_key!r}; it has {outputs}.")
            return fn, names, output_key
        attr = getattr(module, signature, None)
        if callable(attr):
            return attr, ["inputs"], output_key
        raise KeyError(f"{self.handle!r} has no signature or endpoint {signature!r}; signatures: "
                       f"{sorted(signatures)}.")

    def _latent_dim(self):
        if self.spec and self.spec.latent_dim:
            return self.spec.latent_dim
        sig = getattr(self.fn, "structured_input_signature", None)
        if sig:
            specs = sig[1] or {}
            first = specs.get(self.input_names[0]) if isinstance(specs, dict) else None
            if first is not None and first.shape.rank == 2:
                return first.shape[-1]
        return None

    def call(self, inputs):
        import tensorflow as tf

        if isinstance(inputs, dict):
            args = inputs
        elif isinstance(inputs, (list, tuple)):
            if len(inputs) != len(self.input_names):
                raise ValueError(f"{self.handle!r} takes {len(self.input_names)} inputs {self.input_names}; "
                                 f"got {len(inputs)}.")
            args = dict(zip(self.input_names, inputs))
        else:
            args = {self.input_names[0]: inputs}
        if self.spec and self.spec.fixed_batch:
            n = tf.shape(args[self.input_names[0]])[0]
            tf.debugging.assert_equal(n, self.spec.fixed_batch, message=(
                f"{self.handle} only runs batches of exactly {self.spec.fixed_batch} latent vectors."))
        args = {k: tf.convert_to_tensor(v, dtype=tf.float32) for k, v in args.items()}
        if self.input_names == ["inputs"]:
            out = self.fn(args["inputs"])
        else:
            out = self.fn(**args)
        if isinstance(out, dict):
            out = out[self.output_key] if self.output_key else next(iter(out.values()))
        if self.output_range is not None and self.output_range != self.native_range:
            (a, b), (c, d) = self.native_range, self.output_range
            out = (out - a) * ((d - c) / (b - a)) + c
        return out

    def compute_output_shape(self, input_shape):
        batch = (input_shape[self.input_names[0]] if isinstance(input_shape, dict) else
                 input_shape[0] if isinstance(input_shape, list) else input_shape)[0]
        if self.spec and self.spec.resolution:
            return (batch,) + tuple(self.spec.resolution)
        outputs = getattr(self.fn, "structured_outputs", None)
        if isinstance(outputs, dict) and self.output_key in outputs:
            return (batch,) + tuple(outputs[self.output_key].shape[1:])
        return (batch, None, None, None)

    def get_config(self):
        config = super().get_config()
        config.update(handle=self.handle, signature=self.signature, output_key=self.output_key,
                      output_range=self.output_range, native_range=self.native_range)
        return config


def load_hub(handle, signature=None, output_key=None, output_range=None, native_range=None, name=None):
    """Loads a TF Hub generator (or any SavedModel generator) as a Keras 3 layer.

    Args:
        handle: `"google/progan-128/1"`, `"https://tfhub.dev/google/progan-128/1"`, a Kaggle Models URL
            (`"https://www.kaggle.com/models/google/progan-128/TensorFlow1/progan-128/1"`), the folder of a
            SavedModel (`gan.export(dir)`, `keras-gans export`), or an http(s) URL of a `.tar.gz` module.
        signature, output_key: override the known module's signature / output (see `HUB_MODULES`).
        output_range: `(low, high)` to rescale the images to (e.g. `(-1, 1)`); None keeps the native range.
        native_range: the module's own range, for modules that are not known.
        name: the layer's name.

    Returns:
        a :class:`HubGenerator` (`keras.layers.Layer`) with `latent_dim`, `input_names`, `native_range`
        and `spec` (the :class:`HubModuleSpec`, or None for unknown modules).

    Raises:
        ConnectionError: a remote handle while offline (`KERAS_GANS_OFFLINE`) or unreachable.
        FileNotFoundError: neither a folder nor a handle, or HTTP 404.

    Example (the book's chapter 6 pattern, in Keras 3):

    >>> import keras, keras_gans as kg
    >>> progan = kg.zoo.load_hub("https://tfhub.dev/google/progan-128/1")   # doctest: +SKIP
    >>> faces = progan(keras.random.normal((1, 512), seed=1337))              # doctest: +SKIP
    """
    return HubGenerator(handle, signature=signature, output_key=output_key, output_range=output_range,
                        native_range=native_range, name=name)


def sample_latent(spec, n, seed=None, truncation=1.0):
    """Latent inputs for a known module: z per its distribution (and labels/truncation for BigGAN).

    Returns the input the layer takes: `z`, or `[z, y, truncation]` for BigGAN (random one-hot labels).
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    n = spec.fixed_batch or n
    if spec.latent == "uniform[-1,1]":
        return rng.uniform(-1, 1, (n, spec.latent_dim)).astype("float32")
    if spec.latent == "truncated_normal":
        from scipy.stats import truncnorm

        z = (truncation * truncnorm.rvs(-2, 2, size=(n, spec.latent_dim), random_state=rng)).astype("float32")
        y = np.eye(spec.num_classes, dtype="float32")[rng.integers(0, spec.num_classes, n)]
        return [z, y, np.float32(truncation)]
    return rng.standard_normal((n, spec.latent_dim)).astype("float32")

