"""SavedModel export (loaded without keras_gans), SampleGrid, and the keras-gans CLI."""
import csv
import json
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

import keras_gans as kg
from keras_gans import cli


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
    with pytest.raises(FileNotFoundError, match="does not exist"):
        tiny_gan.export(str(tmp_path / "a" / "b"), verbose=False)
    assert os.listdir(tmp_path) == []
    with pytest.raises(ValueError, match="tf_saved_model"):
        tiny_gan.export(str(tmp_path / "x"), format="onnx")


def test_sample_grid_writes_frames_gif_and_loss_plot(tiny_gan, small_ds, tmp_path):
    cb = kg.callbacks.SampleGrid(tmp_path / "run", n=9, seed=5, tensorboard_dir=str(tmp_path / "tb"))
    tiny_gan.fit(small_ds.take(2), epochs=2, verbose=0, callbacks=[cb])
    files = sorted(os.listdir(tmp_path / "run"))
    assert files == ["epoch_0001.png", "epoch_0002.png", "losses.png", "samples.gif"]
    from PIL import Image

    frame = np.asarray(Image.open(tmp_path / "run" / "epoch_0002.png"))
    assert frame.shape == (3 * 30 + 2, 3 * 30 + 2)  # 3x3 grid of 28 px + 2 px padding
    assert Image.open(tmp_path / "run" / "samples.gif").n_frames == 2
    # Fixed latent vectors: the grid only changes when the model does.
    np.testing.assert_array_equal(cb.grid(), cb.grid())
    np.testing.assert_array_equal(frame, cb.grid())
    assert any("tfevents" in f for _, _, fs in os.walk(tmp_path / "tb") for f in fs)


def _run_cli(args, capsys=None):
    code = cli.main(args)
    return code


def test_help_is_fast_and_lists_commands(capsys):
    code = subprocess.run([sys.executable, "-c", "import sys; sys.argv[0] = 'keras-gans'; from keras_gans import cli; "
                           "cli.build_parser(); print('tensorflow' in sys.modules)"],
                          capture_output=True, text=True, timeout=120)
    assert code.stdout.strip() == "False"  # --help does not import TensorFlow
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    for name in ("train", "sample", "export"):
        assert name in out


def test_cli_train_resume_sample_export(tmp_path, monkeypatch, capsys):
    out = tmp_path / "run"
    args = ["train", "dcgan", "--dataset", "mnist-5k", "--epochs", "3", "--batch-size", "16",
            "--steps-per-epoch", "2", "--out", str(out), "--verbose", "0", "--latent-dim", "8"]
    original = kg.callbacks.SampleGrid.on_epoch_end

    def crash_in_epoch_2(self, epoch, logs=None):
        original(self, epoch, logs)
        if epoch == 1:
            raise KeyboardInterrupt("simulated interruption")

    monkeypatch.setattr(kg.callbacks.SampleGrid, "on_epoch_end", crash_in_epoch_2)
    with pytest.raises(KeyboardInterrupt):
        cli.main(args)
    assert not (out / "model.keras").exists()
    monkeypatch.setattr(kg.callbacks.SampleGrid, "on_epoch_end", original)
    assert cli.main(args) == 0  # the same command resumes
    epochs = [row["epoch"] for row in csv.DictReader(open(out / "history.csv"))]
    assert epochs == ["0", "1", "2"], epochs  # epoch 0 and 1 were not trained again
    assert (out / "model.keras").exists() and (out / "samples.png").exists()
    assert json.load(open(out / "command.json"))["model"] == "dcgan"
    model = keras.saving.load_model(out / "model.keras")
    assert int(model.g_optimizer.iterations) == 6

    grid = tmp_path / "grid.png"
    assert cli.main(["sample", str(out / "model.keras"), "-n", "4", "-o", str(grid)]) == 0
    from PIL import Image

    assert Image.open(grid).size == (2 * 30 + 2, 2 * 30 + 2)
    assert cli.main(["export", str(out / "model.keras"), str(tmp_path / "sm")]) == 0
    assert (tmp_path / "sm" / "saved_model.pb").exists()


@pytest.mark.parametrize("argv,match", [
    (["train", "dcgan", "--dataset", "mnist-6k", "--out", "{tmp}/x"], "Unknown dataset"),
    (["train", "dcgan", "--out", "{tmp}/no/such/dir"], "does not exist"),
    (["sample", "{tmp}/missing.keras", "-o", "{tmp}/g.png"], "No model file"),
    (["sample", "{tmp}/notes.txt", "-o", "{tmp}/g.png"], "not a .keras model file"),
    (["sample", "{tmp}/plain.keras", "-o", "{tmp}/g.png"], "not a keras_gans GAN"),
    (["sample", "{tmp}/plain.keras", "-o", "{tmp}/nodir/g.png"], "does not exist"),
    (["export", "{tmp}/broken.keras", "{tmp}/sm"], "not a valid .keras file.*truncated or corrupt"),
])
def test_cli_errors_are_clear(argv, match, tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "broken.keras").write_bytes(b"PK\x03\x04 truncated")
    keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]).save(tmp_path / "plain.keras")
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert "error:" in err and __import__("re").search(match, err), err
    assert not (tmp_path / "g.png").exists() and not (tmp_path / "sm").exists()
