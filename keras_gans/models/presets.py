"""`Model.from_preset`: every model class builds itself from a zoo preset, keras-hub style.

The presets (files, downloads, hub handles, hashes) belong to the zoo (`kg.zoo`), a layer above
the models, which the models may not import. So the models own the *what* (which class, how to
add a fresh discriminator to a stored generator, compile) and call a loader that the zoo
registers here when it is imported (:func:`register_preset_loader`; a plain `import keras_gans`
imports it). The loader is any object with two methods:

- `info(preset, sha256=None) -> dict`: resolves the preset (a name, folder, archive, URL or
  `hf://`/`kaggle://` handle; downloads and verifies it) and returns its `metadata.json` with
  `"path"`, the local folder;
- `load(folder, part, check=True) -> keras.Model`: builds the stored `"gan"` or `"generator"`.

>>> import keras_gans as kg
>>> gan = kg.models.DCGAN.from_preset("dcgan_mnist")     # a compiled DCGAN; the discriminator is fresh
>>> images = gan.generate(16, seed=0)
"""
import inspect

_LOADER = None


def register_preset_loader(loader):
    """Makes `loader` (see the module doc) the one `from_preset` uses; returns the previous one."""
    global _LOADER
    for method in ("info", "load"):
        if not callable(getattr(loader, method, None)):
            raise TypeError(f"A preset loader needs a callable {method}(); got {loader!r}.")
    previous, _LOADER = _LOADER, loader
    return previous


def preset_loader():
    """The registered loader; `RuntimeError` saying how to get one when none is."""
    if _LOADER is None:
        raise RuntimeError("from_preset() needs the preset loader of the zoo (kg.zoo), and none is registered: "
                           "import the package's zoo first (a plain `import keras_gans` does it).")
    return _LOADER


def _preset_class(metadata):
    import keras

    return keras.saving.get_registered_object(f"keras_gans>{metadata['model']}")


class PresetMixin:
    """Gives a model class `from_preset` (mix in before `keras.Model`)."""

    @classmethod
    def from_preset(cls, preset, *, sha256=None, compile=True, check=True, dtype_policy=None):
        """Builds the model a zoo preset holds, ready to sample (`generate`) or to fine-tune (`fit`).

        Args:
            preset: a preset name (`kg.zoo.list()`), a preset folder or archive, an `https://` URL of one
                (with `sha256`), or a hub handle: `"hf://owner/repo[@revision]"` or
                `"kaggle://owner/model/keras/variant[/version]"` (see `kg.zoo.handles`).
            sha256: the sha256 of the archive (URLs, archives) or of the preset's `metadata.json`
                (names, folders, handles), checked before anything is built.
            compile: compile with the class' default optimizers and loss (the default), so `fit` works at
                once; pass False and call `model.compile(...)` yourself to choose them.
            check: verify every file against its sha256 (see `kg.zoo.verify`).
            dtype_policy: the precision to sample or fine-tune in (`"float32"`, `"mixed_bfloat16"`,
                `"mixed_float16"`), whatever the preset was trained in; default: the global policy for a
                generator-only preset, the stored one for a whole GAN.

        Returns:
            an instance of the preset's model class, which must be `cls` or one of its subclasses
            (`kg.models.GAN.from_preset("dcgan_mnist")` returns a DCGAN). A preset that stores the whole
            GAN comes back with all its trained networks. A preset that stores only the generator (most
            zoo presets: sampling needs nothing else) comes back with that generator and a **fresh,
            untrained discriminator** built by the class' constructor, as the model (and its recipe)
            builds one: from the constructor options the preset records (`model_config` in
            `metadata.json`, written by `kg.zoo.publish`), else from the preset's image shape, latent
            size and classes with the class' defaults. Fine-tuning it with `fit` therefore starts the
            discriminator from scratch.

        Raises:
            ValueError: the preset holds another kind of model (the message names it), or only a
                network that is not a generator (e.g. SGAN's classifier: load it with `kg.zoo.load`).

        Example:

        >>> import keras_gans as kg
        >>> gan = kg.models.DCGAN.from_preset("dcgan_mnist")
        >>> gan.generate(4, seed=0).shape
        (4, 28, 28, 1)
        >>> history = gan.fit(kg.data.load("mnist-5k", batch_size=64), epochs=1)   # fine-tune  # doctest: +SKIP
        >>> kg.models.WGANGP.from_preset("dcgan_mnist")
        Traceback (most recent call last):
        ValueError: The preset 'dcgan_mnist' holds a DCGANWithTricks, not a WGANGP. ...
        """
        loader = preset_loader()
        metadata = loader.info(preset, sha256=sha256)
        name, kind = metadata.get("name", preset), metadata["model"]
        preset_cls = _preset_class(metadata)
        if preset_cls is None or not (isinstance(preset_cls, type) and issubclass(preset_cls, cls)):
            fix = (f"Use kg.models.{kind}.from_preset({name!r})." if preset_cls is not None else
                   f"{kind} is not a keras_gans model class: load the network with kg.zoo.load({name!r}).")
            raise ValueError(f"The preset {name!r} holds a {kind}, not a {cls.__name__}. {fix}")
        contents = metadata["contents"]
        if contents == "gan":
            model = loader.load(metadata["path"], part="gan", check=check, dtype_policy=dtype_policy)
            if not isinstance(model, cls):
                raise ValueError(f"The preset {name!r} says {kind} but its config builds a {type(model).__name__}, "
                                 f"not a {cls.__name__}. Re-publish it.")
        elif contents == "generator":
            generator = loader.load(metadata["path"], part="generator", check=check, dtype_policy=dtype_policy)
            model = preset_cls.from_preset_generator(generator, metadata, dtype_policy=dtype_policy)
        else:
            raise ValueError(f"The preset {name!r} stores only a network of a {kind} ({metadata['task']}), not a "
                             f"generator to build a {kind} around. Load it with kg.zoo.load({name!r}).")
        if compile:
            model.compile()
        object.__setattr__(model, "_zoo_metadata", metadata)  # as kg.zoo.load does; read by kg.zoo.sample
        return model

    @classmethod
    def preset_config(cls, generator, metadata):
        """The constructor options for a generator-only preset: its recorded `model_config`, completed with
        `image_shape`, `latent_dim` and `num_classes` from the preset where the constructor takes them."""
        params = inspect.signature(cls.__init__).parameters
        takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())  # passed on to the base
        config = {k: v for k, v in (metadata.get("model_config") or {}).items()
                  if (k in params or takes_any) and k not in getattr(cls, "network_keys", ())}
        shape = (generator.input_shape[1:] if metadata["task"] == "image_to_image" else metadata["resolution"])
        derived = {"image_shape": tuple(int(d) for d in shape), "latent_dim": metadata.get("latent_dim"),
                   "num_classes": metadata.get("num_classes")}
        for key, value in derived.items():
            if key in params and key not in config and value is not None:
                config[key] = value
        return config

    @classmethod
    def from_preset_generator(cls, generator, metadata, dtype_policy=None):
        """A new model around a preset's trained `generator`, its other networks fresh (see :meth:`from_preset`).

        Classes whose constructor takes `generator=` get it directly; the others are built from
        :meth:`preset_config` and the generator's weights are copied into the network they sample with
        (`sampling_generator`, and `generator` when that is another copy, e.g. an EMA one).
        """
        config = cls.preset_config(generator, metadata)
        config["dtype_policy"] = dtype_policy  # the asked (or global) precision, not the one trained in
        if "generator" in inspect.signature(cls.__init__).parameters:
            return cls(generator=generator, **config)
        model = cls(**config)
        sampler = model.sampling_generator
        _copy_weights(generator, sampler, metadata.get("name"), cls.__name__)
        if model.generator is not sampler and _fits(generator, model.generator):  # the trained copy of an EMA pair
            _copy_weights(generator, model.generator, metadata.get("name"), cls.__name__)
        return model


def _fits(source, target):
    return len(source.weights) == len(target.weights) and all(
        tuple(a.shape) == tuple(b.shape) for a, b in zip(source.weights, target.weights))


def _copy_weights(source, target, name, kind):
    if not _fits(source, target):
        raise ValueError(f"The generator of the preset {name!r} does not fit a {kind} built from the preset's "
                         f"options ({len(source.weights)} variables against {len(target.weights)}, or other shapes). "
                         "Re-publish the preset with kg.zoo.publish, which records the options.")
    for w, v in zip(target.weights, source.weights):
        w.assign(v)
