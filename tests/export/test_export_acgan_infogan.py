"""ACGAN's (z, labels) → images and InfoGAN's (z, category, continuous) → images SavedModels serve in one process
that imports TensorFlow alone (one subprocess for both: starting TensorFlow is most of its cost)."""
import os
import subprocess
import sys
import textwrap

import numpy as np

import keras_gans as kg

SHAPE = (16, 16, 1)


def test_acgan_and_infogan_exports_serve_without_keras_gans(tmp_path):
    acgan = kg.models.ACGAN(image_shape=SHAPE, latent_dim=8, filters=4, seed=0)
    infogan = kg.models.InfoGAN(image_shape=SHAPE, latent_dim=6, filters=4, hidden_units=16, seed=0,
                                discriminator=kg.networks.infogan_discriminator(SHAPE, filters=4, hidden_units=16,
                                                                                q_units=8))
    acgan.export(str(tmp_path / "acgan"), verbose=False)
    infogan.export(str(tmp_path / "infogan"), verbose=False)
    z, labels = acgan.latent(3, seed=1), np.array([0, 4, 9], "int32")
    zi, (category, continuous) = infogan.latent(3, seed=2), infogan.codes(3, seed=2)
    np.savez(tmp_path / "inputs.npz", z=z, labels=labels, zi=zi, category=category, continuous=continuous)
    script = textwrap.dedent(f"""
        import sys, numpy as np, tensorflow as tf
        d = {str(tmp_path)!r}
        x = np.load(d + "/inputs.npz")
        a = tf.saved_model.load(d + "/acgan")
        sig = a.signatures["serving_default"]
        assert sorted(sig.structured_input_signature[1]) == ["labels", "z"], sig.structured_input_signature
        served_a = sig(z=tf.constant(x["z"]), labels=tf.constant(x["labels"]))["images"].numpy()
        s = a.sample(tf.constant(2), tf.constant(5), tf.constant([1, 2]))["images"].numpy()   # n, seed, labels
        assert s.shape == (2, 16, 16, 1)
        i = tf.saved_model.load(d + "/infogan")
        sig = i.signatures["serving_default"]
        assert sorted(sig.structured_input_signature[1]) == ["category", "continuous", "z"]
        served_i = sig(z=tf.constant(x["zi"]), category=tf.constant(x["category"]),
                       continuous=tf.constant(x["continuous"]))["images"].numpy()
        called = i(tf.constant(x["zi"]), tf.constant(x["category"]), tf.constant(x["continuous"])).numpy()
        assert np.array_equal(called, served_i)
        s = i.sample(tf.constant(2), tf.constant(5), tf.constant([3, 3]),               # n, seed, category,
                     tf.constant([[0.0, 1.0], [0.0, -1.0]]))["images"].numpy()         # continuous
        assert s.shape == (2, 16, 16, 1)
        assert "keras_gans" not in sys.modules
        np.savez(d + "/served.npz", acgan=served_a, infogan=served_i)
        print("OK")
    """)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0 and "OK" in result.stdout, result.stderr[-2000:]
    served = np.load(tmp_path / "served.npz")
    np.testing.assert_allclose(served["acgan"], acgan.generate(z=z, labels=labels), atol=1e-5)
    np.testing.assert_allclose(served["infogan"], infogan.generate(z=zi, category=category, continuous=continuous),
                               atol=1e-5)
