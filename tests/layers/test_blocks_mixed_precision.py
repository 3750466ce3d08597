"""SAGAN/BigGAN blocks under mixed_bfloat16: spectral norm, attention, conditional BN and the projection head.

Regression: a spectrally normalised layer inside a float32 head (a network's output under a mixed policy) computed
in the global policy's bfloat16, and ProjectionHead then added a bfloat16 ψ(φ) to a float32 projection (TypeError).
"""
import keras
import numpy as np
import tensorflow as tf

from keras_gans.layers import ConditionalBatchNormalization, ProjectionHead, SelfAttention2D, maybe_spectral
from keras_gans.training.precision import global_policy


def test_spectral_norm_attention_cbn_and_projection_train_in_bfloat16():
    with global_policy("mixed_bfloat16"):
        images, labels = keras.Input((8, 8, 2)), keras.Input((), dtype="int32")
        cond = keras.layers.Embedding(3, 4)(labels)
        x = maybe_spectral(keras.layers.Conv2D(8, 3, padding="same"), True)(images)
        x = ConditionalBatchNormalization(spectral_norm=True)([x, cond])
        x = SelfAttention2D(spectral_norm=True, value_channels=4)(x)
        features = keras.layers.GlobalAveragePooling2D()(x)
        logit = ProjectionHead(3, spectral_norm=True, dtype="float32")([features, labels])
        network = keras.Model([images, labels], logit)
        assert maybe_spectral(keras.layers.Dense(1, dtype="float32"), True).dtype_policy.name == "float32"
    x = np.random.default_rng(0).random((4, 8, 8, 2)).astype("float32")
    y = np.array([0, 1, 2, 1], "int32")
    optimizer = keras.optimizers.Adam()
    for _ in range(2):
        with tf.GradientTape() as tape:
            out = network([x, y], training=True)
            loss = tf.reduce_mean(out)
        grads = tape.gradient(loss, network.trainable_variables)
        assert all(g is not None and g.dtype == tf.float32 for g in grads)
        optimizer.apply(grads, network.trainable_variables)
    assert out.dtype == tf.float32 and np.isfinite(float(loss))
    attention = next(layer for layer in network.layers if isinstance(layer, SelfAttention2D))
    assert attention.compute_dtype == "bfloat16" and attention.gamma.dtype == "float32"
