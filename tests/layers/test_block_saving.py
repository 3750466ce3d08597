"""The issue-24 blocks inside one functional model (symbolic batch), its `.keras` round trip with the
inner layers' weights, and the random blocks traced with an unknown batch size."""
import keras
import numpy as np
import tensorflow as tf

from keras_gans import layers as kl


def _model():
    images = keras.Input((8, 8, 4), name="images")
    w = keras.Input((6,), name="w")
    cond = keras.Input((5,), name="cond")
    labels = keras.Input((), dtype="int32", name="labels")
    h = kl.SelfAttention2D(spectral_norm=True, name="attention")(images)
    h = kl.ConditionalBatchNormalization(name="cbn")([h, cond])
    h = kl.ModulatedConv2D(6, 3, name="modconv")([h, w])
    h = kl.NoiseInjection(seed=0, name="noise")(h)
    f = keras.layers.GlobalAveragePooling2D()(h)
    f = kl.MinibatchDiscrimination(3, 2, name="minibatch")(f)
    out = kl.ProjectionHead(4, spectral_norm=True, name="projection")([f, labels])
    return keras.Model([images, w, cond, labels], out)


def test_blocks_save_and_load_in_one_model(tmp_path):
    keras.utils.set_random_seed(0)
    model = _model()
    rng = np.random.default_rng(0)
    inputs = [rng.standard_normal((3, 8, 8, 4)).astype("float32"), rng.standard_normal((3, 6)).astype("float32"),
              rng.standard_normal((3, 5)).astype("float32"), np.array([0, 3, 1], "int32")]
    model.get_layer("attention").gamma.assign(0.5)
    expected = np.asarray(model(inputs, training=False))       # noise strength 0: deterministic
    path = str(tmp_path / "blocks.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(np.asarray(loaded(inputs, training=False)), expected, rtol=1e-5, atol=1e-5)


def test_random_blocks_trace_with_an_unknown_batch_size():
    noise, augment = kl.NoiseInjection(seed=0), kl.DiffAugment(seed=0)
    noise.build((None, 4, 4, 3))
    noise.strength.assign([1.0, 1.0, 1.0])
    traced = tf.function(lambda x: augment(noise(x)), input_signature=[tf.TensorSpec([None, 4, 4, 3])])
    y = traced(np.zeros((5, 4, 4, 3), "float32")).numpy()
    assert y.shape == (5, 4, 4, 3) and np.isfinite(y).all() and y.std() > 0

