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

bfloat16 is only fast where the hardware computes in it (:func:`native_bfloat16`: a GPU, a TPU, a CPU with
AVX-512 BF16 or AMX); elsewhere TensorFlow emulates it, several times slower than float32. The precision
`"auto"` (`--precision auto`, :func:`resolve_precision`) picks bfloat16 where it is native and float32
elsewhere.

The package trains with the TensorFlow backend (:func:`check_backend`); a preset generator loaded
with `kg.zoo.load` runs for inference under any Keras backend.
"""
import contextlib
import functools

import keras
from keras import ops

from keras_gans.utils.images import as_float32  # noqa: F401  (the one cast of network outputs; re-exported)

#: The policies a model accepts (Keras' names).
POLICIES = ("float32", "mixed_bfloat16", "mixed_float16")
#: The CLI's `--precision` names and the policy each stands for.
PRECISIONS = {"float32": "float32", "bfloat16": "mixed_bfloat16", "float16": "mixed_float16"}
#: `--precision`'s choices: :data:`PRECISIONS` and `"auto"` (:func:`resolve_precision`).
PRECISION_CHOICES = (*PRECISIONS, "auto")
#: The Linux CPU flags (/proc/cpuinfo) of native bfloat16 matrix arithmetic, and their names in words.
BFLOAT16_CPU_FLAGS = {"amx_bf16": "AMX", "avx512_bf16": "AVX-512 BF16"}
#: Where Linux lists the CPU's flags.
CPUINFO = "/proc/cpuinfo"
#: What emulated bfloat16 cost, measured on 2026-12-06 on an AMD EPYC (Zen 3; AVX2, no AVX-512 BF16 or AMX):
#: `keras-gans train wgan_gp --dataset mnist-5k --epochs 2 --steps-per-epoch 40 --n-critic 2 --ema-decay 0.999`
#: took 292 s (wall) with `--precision bfloat16` and 42.7 s with `--precision float32`.
EMULATED_BFLOAT16 = "about 7x slower than float32 on an AVX2 CPU (wgan_gp on mnist-5k: 292 s against 43 s, 2026-12-06)"


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
    """The policy of a CLI `--precision` name (`"float32"`, `"bfloat16"`, `"float16"`, or `"auto"`).

    `"auto"` is resolved here (:func:`resolve_precision`: `"mixed_bfloat16"` where bfloat16 is native,
    else `"float32"`); code that records the precision (as `keras-gans train` does in command.json) should
    resolve it first and record the result, so that the record names the arithmetic that ran.
    """
    if precision not in PRECISION_CHOICES:
        raise ValueError(f"precision must be one of {PRECISION_CHOICES}; got {precision!r}.")
    if precision == "auto":
        precision = resolve_precision("auto")[0]
    return PRECISIONS[precision]


def cpu_flags(cpuinfo=CPUINFO):
    """The CPU's feature flags: the words of the first `flags` line of `cpuinfo` (Linux' /proc/cpuinfo), as a
    frozenset; None where there is no such file or line (macOS, Windows, some ARM kernels) or it cannot be read."""
    try:
        with open(cpuinfo, errors="replace") as f:
            for line in f:
                key, sep, value = line.partition(":")
                if sep and key.strip() == "flags":
                    return frozenset(value.split())
    except OSError:
        return None
    return None


def _accelerator():
    """`"GPU"` or `"TPU"` when TensorFlow sees one, else None (also when TensorFlow is not installed)."""
    try:
        import tensorflow as tf
    except ImportError:
        return None
    for kind in ("GPU", "TPU"):
        try:
            if tf.config.list_physical_devices(kind):
                return kind
        except (RuntimeError, ValueError):
            continue
    return None


@functools.lru_cache(maxsize=None)
def bfloat16_support(cpuinfo=CPUINFO):
    """`(native, why)`: whether bfloat16 matmuls and convolutions run natively here, and why, in words.

    Native on a visible GPU or TPU (`tf.config.list_physical_devices`), and on a CPU whose flags
    (:func:`cpu_flags` of `cpuinfo`) include one of :data:`BFLOAT16_CPU_FLAGS` (AVX-512 BF16, AMX).
    Not native otherwise, where TensorFlow emulates bfloat16 (:data:`EMULATED_BFLOAT16`), and also where
    the flags cannot be read: outside Linux (macOS, Windows) this answers False for the CPU, whatever it has.
    Cached: the hardware does not change while the process runs.
    """
    device = _accelerator()
    if device is not None:
        return True, f"a {device} is visible"
    flags = cpu_flags(cpuinfo)
    if flags is None:
        return False, f"no GPU is visible and this CPU's flags cannot be read from {cpuinfo}"
    for flag, name in BFLOAT16_CPU_FLAGS.items():
        if flag in flags:
            return True, f"this CPU has {name}"
    return False, "this CPU has no AVX-512 BF16 or AMX, and no GPU is visible"


def native_bfloat16(cpuinfo=CPUINFO):
    """True when bfloat16 matmuls and convolutions run natively here (a GPU, a TPU, or a CPU with AVX-512
    BF16 or AMX: :func:`bfloat16_support`), False otherwise, including where the CPU's flags cannot be read
    (not Linux). Cheap after the first call (cached). `cpuinfo`: the file to read the flags from."""
    return bfloat16_support(cpuinfo)[0]


def resolve_precision(precision, cpuinfo=CPUINFO):
    """`(name, why)`: `precision` (a `--precision` name) with `"auto"` resolved, and why, in words (None
    for a name given explicitly).

    `"auto"` is `"bfloat16"` where :func:`native_bfloat16`, else `"float32"`; `why` says what decided it,
    e.g. "this CPU has no AVX-512 BF16 or AMX, and no GPU is visible; bfloat16 would be emulated".
    """
    if precision not in PRECISION_CHOICES:
        raise ValueError(f"precision must be one of {PRECISION_CHOICES}; got {precision!r}.")
    if precision != "auto":
        return precision, None
    native = native_bfloat16(cpuinfo)
    why = _why(native, cpuinfo)
    return ("bfloat16", why) if native else ("float32", why + "; bfloat16 would be emulated")


def emulation_warning(precision, cpuinfo=CPUINFO):
    """One line warning that `precision` (a `--precision` name) is `"bfloat16"` where bfloat16 is not native
    (:func:`native_bfloat16`), with what that cost when measured and what to use instead; None otherwise."""
    if precision != "bfloat16" or native_bfloat16(cpuinfo):
        return None
    verb = "is probably emulated" if cpu_flags(cpuinfo) is None else "is emulated"
    return (f"bfloat16 {verb} here ({_why(False, cpuinfo)}): it was {EMULATED_BFLOAT16}. "
            "Use --precision auto (float32 here) or --precision float32.")


def _why(native, cpuinfo):
    """The reason :func:`bfloat16_support` gives for `native` (a plainer one where it answers otherwise: a test
    that replaces :func:`native_bfloat16`)."""
    found, why = bfloat16_support(cpuinfo)
    if found == native:
        return why
    return "bfloat16 is native here" if native else "bfloat16 is not native here"


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
