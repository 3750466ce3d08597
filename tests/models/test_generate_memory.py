"""generate() in chunks: a huge request is refused with the estimate before anything is allocated, the result
is filled chunk by chunk into one array (the same values as before), and a large call peaks near its size."""
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

import keras_gans as kg
from keras_gans.models import common
from keras_gans.models.common import run_network

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def gan():
    keras.utils.set_random_seed(0)
    return kg.models.DCGAN(image_shape=(8, 8, 1), latent_dim=4, seed=0)


def test_a_huge_request_is_refused_with_the_estimate(gan):
    with pytest.raises(ValueError, match=r"generate\(100000000000\) needs about 25\.6 TB for its result "
                                         r"\(100,000,000,000 × 8 × 8 × 1 × 4 bytes\), more than the .* of memory "
                                         r"available\. Ask for at most [0-9,]+ images per call"):
        gan.generate(10**11)


def test_the_refusal_follows_the_memory_available(gan, monkeypatch):
    monkeypatch.setattr(common, "available_memory", lambda: 1_000_000)  # 1 MB: 3,906 images of 8×8×1 floats
    with pytest.raises(ValueError, match=r"generate\(4000\) needs about 1\.02 MB .* than the 1 MB of memory "
                                         r"available\. Ask for at most 3,906 images per call"):
        gan.generate(4000)
    assert gan.generate(3906).shape == (3906, 8, 8, 1)
    with pytest.raises(ValueError, match=r"generate\(z=<4000 vectors>\) needs about 1\.02 MB"):
        gan.generate(z=np.zeros((4000, 4), "float32"))
    cgan = kg.models.CGAN(image_shape=(28, 28, 1), latent_dim=4, num_classes=10)
    with pytest.raises(ValueError, match=r"generate\(400\) needs about 1\.25 MB .* 28 × 28 × 1"):
        cgan.generate(400)
    monkeypatch.setattr(common, "available_memory", lambda: None)  # unknown: no refusal
    assert gan.generate(4000).shape == (4000, 8, 8, 1)


def test_cli_sample_refuses_a_huge_n_with_the_estimate(gan, tmp_path, capsys):
    from keras_gans import cli

    path = str(tmp_path / "m.keras")
    gan.save(path)
    code = cli.main(["sample", path, "-n", str(10**11), "-o", str(tmp_path / "g.png")])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "keras-gans sample: error: generate(100000000000) needs about 25.6 TB" in err
    assert not (tmp_path / "g.png").exists()


def test_chunked_result_equals_the_concatenated_batches(gan):
    z = gan.latent(1000, seed=3)
    for batch_size in (7, 256, 1000, 5000):
        reference = np.concatenate([keras.ops.convert_to_numpy(gan.generator(z[i:i + batch_size], training=False))
                                    for i in range(0, len(z), batch_size)])
        out = gan.generate(z=z, batch_size=batch_size)
        assert out.dtype == np.float32 and out.shape == (1000, 8, 8, 1)
        np.testing.assert_array_equal(out, reference)
    np.testing.assert_array_equal(gan.generate(1000, seed=3, batch_size=7), gan.generate(z=z, batch_size=7))
    assert run_network(gan.generator, z[:0]).shape == (0, 8, 8, 1)


def test_uint8_output_in_chunks_equals_the_whole_conversion(gan):
    from keras_gans.utils.images import to_uint8

    floats = gan.generate(3000, seed=1)
    whole = np.clip(np.round((floats + 1.0) / 2.0 * 255.0), 0, 255).astype(np.uint8)
    np.testing.assert_array_equal(to_uint8(floats), whole)
    np.testing.assert_array_equal(gan.generate(3000, seed=1, output="uint8"), whole)


PEAK = textwrap.dedent("""
    import sys, keras, keras_gans as kg
    def rss(field):
        with open("/proc/self/status") as f:
            return next(int(l.split()[1]) * 1024 for l in f if l.startswith(field + ":"))
    z = keras.Input((4,))
    g = keras.Model(z, keras.layers.Reshape((64, 64, 1))(keras.layers.Dense(64 * 64, activation="tanh")(z)))
    d = keras.Sequential([keras.Input((64, 64, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    gan = kg.models.GAN(g, d)
    gan.generate(600, seed=0)                     # traced, allocator warm
    base = rss("VmRSS")
    open("/proc/self/clear_refs", "w").write("5")  # resets the peak (VmHWM) to the current RSS
    out = gan.generate(8192, seed=0)              # 8192 × 64 × 64 × 1 floats = 134 MB
    print(out.nbytes, rss("VmHWM") - base)
""")


@pytest.mark.skipif(not os.access("/proc/self/clear_refs", os.W_OK), reason="needs Linux's resettable peak RSS")
def test_a_large_call_peaks_near_the_size_of_its_result():
    env = dict(os.environ, PYTHONPATH=ROOT, KERAS_GANS_OFFLINE="1", TF_CPP_MIN_LOG_LEVEL="3")
    run = subprocess.run([sys.executable, "-c", PEAK], capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    size, peak = map(int, run.stdout.split()[-2:])
    # before: a list of chunks and then their concatenation, 2.0 × the result; now one array filled in place
    assert peak < 1.4 * size, f"peak {peak / 1e6:.0f} MB for a {size / 1e6:.0f} MB result"
