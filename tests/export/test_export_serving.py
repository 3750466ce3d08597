"""SavedModel export of a GAN: it serves in a process that never imports keras_gans, and writes atomically.

The signature kinds one by one (image → image, classifier, a dict of networks): test_export_kinds.py.
"""
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest


def test_export_serves_in_a_process_without_keras_gans(tiny_gan, tmp_path):
    out = tmp_path / "serving"
    tiny_gan.export(str(out), verbose=False)
    z = tiny_gan.latent(3, seed=4)
    np.save(tmp_path / "z.npy", z)
    script = textwrap.dedent(f"""
        import sys, numpy as np, tensorflow as tf
        m = tf.saved_model.load({str(out)!r})
        sig = m.signatures["serving_default"]
        assert list(sig.structured_input_signature[1]) == ["z"], sig.structured_input_signature
        images = sig(z=tf.constant(np.load({str(tmp_path / 'z.npy')!r})))["images"].numpy()
        np.save({str(tmp_path / 'served.npy')!r}, images)
        a = m.sample(n=tf.constant(2), seed=tf.constant(9))["images"].numpy()
        b = m.sample(n=tf.constant(2), seed=tf.constant(9))["images"].numpy()
        assert a.shape == (2, 28, 28, 1) and np.array_equal(a, b)
        assert "keras_gans" not in sys.modules
        print("OK")
    """)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0 and "OK" in result.stdout, result.stderr[-2000:]
    np.testing.assert_allclose(np.load(tmp_path / "served.npy"), tiny_gan.generate(z=z), atol=1e-5)
    layer = keras.layers.TFSMLayer(str(out), call_endpoint="serve")
    np.testing.assert_allclose(layer(z)["images"].numpy(), tiny_gan.generate(z=z), atol=1e-5)


def test_export_is_atomic_and_checks_the_parent(tiny_gan, tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(FileExistsError, match="is a file, not a folder"):
        tiny_gan.export(str(tmp_path / "f" / "b"), verbose=False)
    assert os.listdir(tmp_path) == ["f"]
    os.remove(tmp_path / "f")
    with pytest.raises(ValueError, match="tf_saved_model"):
        tiny_gan.export(str(tmp_path / "x"), format="onnx")
