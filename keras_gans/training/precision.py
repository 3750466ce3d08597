"""Mixed precision for every model: one policy, float32 where it matters, loss scaling for float16.

A model takes `dtype_policy=` (`"float32"`, `"mixed_bfloat16"` or `"mixed_float16"`; default: the
global `keras.mixed_precision` policy) and hands its networks to :func:`apply_policy`:

- every layer computes in the policy's compute dtype (bfloat16 or float16) and keeps float32
  variables;
- the layers that produce a network's outputs (the generator's `tanh`, the discriminator's logits,
  a classifier's softmax) compute in float32, so losses, gradient penalties, metrics and the images
  that `generate`, exports and the zoo return are float32 whatever the policy.

Under `"mixed_float16"` :func:`loss_scaled` wraps each optimizer in Keras'
`keras.optimizers.LossScaleOptimizer` (done by the models' `compile`), and :func:`gradients`
takes a tape's gradients of the scaled loss (`output_gradients=scale`, the same as differentiating
`scale · loss`). The optimizer unscales them, skips a step whose gradients overflowed and halves the
scale (and grows it again after 2,000 finite steps). bfloat16 has float32's exponent range and
needs no scaling.

>>> import keras_gans as kg
>>> gan = kg.models.DCGAN(dtype_policy="mixed_bfloat16")   # or the CLI's `--precision bfloat16`
>>> gan.generator.layers[1].dtype_policy.name, gan.generator.output.dtype
('mixed_bfloat16', 'float32')

The package trains with the TensorFlow backend (:func:`check_backend`); a preset generator loaded
with `kg.zoo.load` runs for inference under any Keras backend.
"""
import contextlib

import keras
from keras import ops

from keras_gans.utils.images import as_float32  # noqa: F401  (the one cast of network outputs; re-exported)

#: The policies a model accepts (Keras' names).
POLICIES = ("float32", "mixed_bfloat16", "mixed_float16")
#: The CLI's `--precision` names and the policy each stands for.
PRECISIONS = {"float32": "float32", "bfloat16": "mixed_bfloat16", "float16": "mixed_float16"}


def policy_name(dtype_policy=None):
    """The name of `dtype_policy` (a name, a `keras.DTypePolicy`, or None for the global policy), checked.

    Raises:
        ValueError: for a policy other than :data:`POLICIES`, e.g. `"bfloat16"` (whose float16/bfloat16
            variables would lose the small updates of training), naming the mixed policy to use instead.
    """
    if dtype_policy is None:
        dtype_policy = keras.config.dtype_policy()
    name = getattr(dtype_policy, "name", dtype_policy)
    if name in POLICIES:
        return name
    if name in ("bfloat16", "float16"):
        raise ValueError(
            f"dtype_policy={name!r} keeps the weights in {name}, too coarse for training; use "
            f"'mixed_{name}' (computations in {name}, weights and losses in float32).")
    raise ValueError(f"dtype_policy must be one of {POLICIES} (or None for the global policy); got {dtype_policy!r}.")


def precision_policy(precision):
    """The policy of a CLI `--precision` name (`"float32"`, `"bfloat16"`, `"float16"`)."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {tuple(PRECISIONS)}; got {precision!r}.")
    return PRECISIONS[precision]


@contextlib.contextmanager
def global_policy(dtype_policy):
    """Sets Keras' global dtype policy inside the `with` block and restores the previous one after it."""
    name = policy_name(dtype_policy)
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield name
    finally:
        keras.config.set_dtype_policy(previous)


def output_layers(network):
    """The layers whose outputs are `network`'s outputs (looking inside nested functional models)."""
    found = []
    for tensor in getattr(network, "outputs", None) or []:
        history = getattr(tensor, "_keras_history", None)
        layer = history.operation if history is not None else None
        if isinstance(layer, keras.Model) and getattr(layer, "outputs", None):
            found.extend(output_layers(layer))
        elif isinstance(layer, keras.layers.Layer):
            found.append(layer)
    return found


def apply_policy(network, dtype_policy, float32_outputs=True):
    """Sets `network`'s layers to `dtype_policy` in place, its output layers to float32; returns `network`.

    Variables stay float32 under every policy of :data:`POLICIES`, so the weights carry over
    unchanged: a network trained in one precision samples in another. Input layers keep their
    dtype. Idempotent. `float32_outputs=False` leaves the output layers in the policy too (a
    feature extractor whose outputs are deep in the network, cast by its user).
    """
    name = policy_name(dtype_policy)
    for layer in network._flatten_layers(include_self=False, recursive=True):  # noqa: SLF001
        if isinstance(layer, keras.layers.InputLayer):
            continue
        wanted = "float32" if _keeps_float32(layer) else name  # also when built under a global mixed policy
        if layer.dtype_policy.name != wanted:
            layer.dtype_policy = wanted
    if name != "float32" and float32_outputs:
        for layer in output_layers(network):
            layer.dtype_policy = "float32"
    return network


def _keeps_float32(layer):
    """Keras' preprocessing and augmentation layers (e.g. SGAN's RandomTranslation) stay float32: some of
    their ops have no bfloat16 gradient (ImageProjectiveTransformV3), and they hold no weights to speed up."""
    return type(layer).__module__.startswith("keras.src.layers.preprocessing")


def model_policy(dtype_policy, kwargs):
    """The policy name a model's `__init__` passes to `keras.Model` as `dtype`: `dtype_policy`, else a
    `dtype` in `kwargs` (removed from it; Keras' own name, found in older configs), else the global policy.

    Also checks the backend (:func:`check_backend`): every model trains with TensorFlow.
    """
    check_backend()
    dtype = kwargs.pop("dtype", None)
    return policy_name(dtype if dtype_policy is None else dtype_policy)


def apply_model_policy(model, float32_outputs=True):
    """:func:`apply_policy` with `model.dtype_policy` on every network `model` holds as an attribute."""
    for network in model._flatten_layers(include_self=False, recursive=False):  # noqa: SLF001
        if isinstance(network, keras.Model):
            apply_policy(network, model.dtype_policy, float32_outputs)


@contextlib.contextmanager
def model_in_policy(model, dtype_policy):
    """Runs the `with` block with `model` (a keras_gans model) and its networks in `dtype_policy`, then
    switches them back: e.g. to score a model trained in bfloat16 as its float32 preset will sample.

    >>> with model_in_policy(gan, "float32"):
    ...     scores = kg.metrics.evaluate_generator(gan)
    """
    old = model.dtype_policy.name
    model.dtype_policy = policy_name(dtype_policy)
    apply_model_policy(model)
    try:
        yield model
    finally:
        model.dtype_policy = old
        apply_model_policy(model)


def loss_scaled(optimizer, dtype_policy):
    """`optimizer` wrapped in `keras.optimizers.LossScaleOptimizer` under `"mixed_float16"` (once), else itself."""
    if policy_name(dtype_policy) != "mixed_float16" or isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return optimizer
    return keras.optimizers.LossScaleOptimizer(optimizer)


def gradients(tape, loss, variables, optimizer):
    """`tape.gradient(loss, variables)`, of the loss times the optimizer's loss scale when it has one.

    Seeding backpropagation with the scale (`output_gradients`) is differentiating `scale · loss`
    without recording the product on the tape; `LossScaleOptimizer.apply` divides the scale out.
    """
    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return tape.gradient(loss, variables, output_gradients=ops.cast(optimizer.dynamic_scale, loss.dtype))
    return tape.gradient(loss, variables)


def unscaled(value, optimizer):
    """`value` (e.g. a gradient norm) divided by `optimizer`'s loss scale, if it has one."""
    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return value / ops.cast(optimizer.dynamic_scale, value.dtype)
    return value


def check_backend(what="Training"):
    """Raises `RuntimeError` unless Keras runs on TensorFlow, which every model's `train_step` uses."""
    backend = keras.backend.backend()
    if backend != "tensorflow":
        raise RuntimeError(
            f"{what} needs the TensorFlow backend: keras-gans models train with tf.GradientTape and "
            f"tf.data, and Keras is running on {backend!r} (KERAS_BACKEND={backend}). Set "
            "KERAS_BACKEND=tensorflow before importing keras. Loading a preset generator for inference "
            "(kg.zoo.load / kg.zoo.sample) works under any backend.")
