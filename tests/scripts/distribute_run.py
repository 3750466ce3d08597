"""Trains tiny GANs on one device and under tf.distribute, and prints what a test compares.

Run by tests/test_distribute.py in a subprocess (logical devices must be configured before
TensorFlow initialises, which an ordinary pytest process has already done):

    python distribute_run.py mirrored dcgan [wgan_gp ...]
        Two logical CPU devices. For each model: the same initial weights trained for a few steps
        on one device and under MirroredStrategy over both devices with the same global batch.
        Prints one JSON line: {model: {"replicas", "single", "mirrored", "max_weight_diff",
        "max_weight_change"}}.

    python distribute_run.py worker INDEX PORT0,PORT1 OUT.npz [MODEL]
        One worker of a two-worker MultiWorkerMirroredStrategy on 127.0.0.1. Worker 0 also
        trains the single-device reference afterwards. Writes the weights and the losses to OUT.

Adding a model to the comparison = adding a builder to `BUILDERS` (and a name to the tests).
Batch norm is made `synchronized=True` (see `sync_batchnorm`): per-replica statistics differ from
those of the global batch by design, in Keras as everywhere.
"""
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

GLOBAL_BATCH = 8
STEPS = 4
EPOCHS = 2


def sync_batchnorm(model):
    """A copy of a functional `model` whose BatchNormalization layers are `synchronized=True`."""
    import keras

    def clone(layer):
        config = layer.get_config()
        if isinstance(layer, keras.layers.BatchNormalization):
            config["synchronized"] = True
        return layer.__class__.from_config(config)

    return keras.models.clone_model(model, clone_function=clone)


def _images(shape, n, seed):
    import numpy as np

    return np.random.default_rng(seed).uniform(-1, 1, (n,) + shape).astype("float32")


def build_dcgan():
    import keras_gans as kg

    base = kg.models.DCGAN(image_shape=(8, 8, 1), latent_dim=8)
    gan = kg.models.DCGAN(generator=sync_batchnorm(base.generator), discriminator=sync_batchnorm(base.discriminator),
                          latent_dim=8, seed=3)
    gan.compile()
    return gan, _images((8, 8, 1), GLOBAL_BATCH * STEPS, 0)


def build_wgan_gp():
    from keras_gans.models.wgan import WGANGP

    base = WGANGP(image_shape=(8, 8, 1), latent_dim=8, n_critic=2)
    gan = WGANGP(generator=sync_batchnorm(base.generator), critic=sync_batchnorm(base.critic),
                           latent_dim=8, n_critic=2, seed=3)
    gan.compile()
    return gan, _images((8, 8, 1), GLOBAL_BATCH * STEPS, 0)


def build_cyclegan():
    import keras_gans as kg

    gan = kg.models.CycleGAN(**_cyclegan_kwargs())
    gan.compile()
    a = _images((16, 16, 3), GLOBAL_BATCH * STEPS, 0)
    b = _images((16, 16, 3), GLOBAL_BATCH * STEPS, 1)
    return gan, (a, b)


def _cyclegan_kwargs():
    # pool_size=0 (the book's setting): a history pool is per-replica state, see docs/distributed.md
    return dict(image_shape=(16, 16, 3), filters=4, num_residual_blocks=1, discriminator_filters=4,
                discriminator_downsampling=2, pool_size=0, seed=3)


BUILDERS = {"dcgan": build_dcgan, "wgan_gp": build_wgan_gp, "cyclegan": build_cyclegan}


def replica_order(d_steps, replicas=2):
    """Row order of a global batch on one device that matches `replicas` replicas' D steps.

    A model with `d_steps` = k > 1 (WGAN's n_critic) splits its batch into k chunks, one per D
    step. Each replica splits its own rows, so D step i sees chunk i of every replica; one device
    sees the same examples in each step when the global batch is reordered replica-major within
    each chunk. With k = 1 the order is unchanged.
    """
    local = GLOBAL_BATCH // replicas
    chunk = local // d_steps
    return [r * local + i * chunk + j for i in range(d_steps) for r in range(replicas) for j in range(chunk)]


def dataset(data, d_steps=1, reorder=False):
    import numpy as np
    import tensorflow as tf

    if reorder and d_steps > 1:
        order = np.array(replica_order(d_steps))
        data = tuple(a.reshape((-1, GLOBAL_BATCH) + a.shape[1:])[:, order].reshape(a.shape)
                     for a in (data if isinstance(data, tuple) else (data,)))
        data = data if len(data) > 1 else data[0]
    return tf.data.Dataset.from_tensor_slices(data).batch(GLOBAL_BATCH, drop_remainder=True)


def train(name, strategy=None, initial=None):
    """(history, weights) after EPOCHS epochs of `name`, built in `strategy`'s scope."""
    import contextlib

    import keras

    keras.utils.set_random_seed(1)
    with strategy.scope() if strategy is not None else contextlib.nullcontext():
        gan, data = BUILDERS[name]()
    if initial is not None:  # the very same starting point as the reference run
        for variable, value in zip(gan.weights, initial):
            variable.assign(value)
    start = [w.numpy() for w in gan.weights]
    ds = dataset(data, getattr(gan, "d_steps", 1), reorder=strategy is None)
    history = gan.fit(ds, epochs=EPOCHS, verbose=0).history
    return history, start, [w.numpy() for w in gan.weights]


def mirrored(names):
    import numpy as np
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    report = {}
    for name in names:
        single, start, w_single = train(name)
        multi, _, w_multi = train(name, strategy, initial=start)
        report[name] = {
            "replicas": strategy.num_replicas_in_sync,
            "single": single,
            "mirrored": multi,
            "max_weight_diff": max(float(np.abs(a - b).max()) for a, b in zip(w_single, w_multi)),
            "max_weight_change": max(float(np.abs(a - b).max()) for a, b in zip(w_single, start)),
        }
    print("RESULT " + json.dumps(report))


def worker(index, ports, out, name="dcgan"):
    import numpy as np
    import tensorflow as tf

    ports = ports.split(",")
    os.environ["TF_CONFIG"] = json.dumps({
        "cluster": {"worker": [f"127.0.0.1:{p}" for p in ports]},
        "task": {"type": "worker", "index": int(index)},
    })
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    history, start, weights = train(name, strategy)
    result = {"replicas": strategy.num_replicas_in_sync, "history": history}
    arrays = {f"w{i}": w for i, w in enumerate(weights)}
    if int(index) == 0:
        single, _, w_single = train(name, initial=start)
        result["single"] = single
        arrays.update({f"s{i}": w for i, w in enumerate(w_single)})
    tmp = out + ".tmp.npz"
    np.savez(tmp, result=json.dumps(result), **arrays)
    os.replace(tmp, out)


if __name__ == "__main__":
    mode, rest = sys.argv[1], sys.argv[2:]
    if mode == "mirrored":
        mirrored(rest)
    elif mode == "worker":
        worker(*rest)
    else:
        raise SystemExit(f"unknown mode {mode!r}")
