"""The keras-gans command line: help without TensorFlow, train → resume → sample → export, clear errors."""
import csv
import json
import subprocess
import sys

import keras
import pytest

import keras_gans as kg
from keras_gans import cli


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
    (["train", "dcgan", "--out", "{tmp}/notes.txt/dir"], "notes.txt' is a file, not a folder"),
    (["sample", "{tmp}/missing.keras", "-o", "{tmp}/g.png"], "No model file"),
    (["sample", "{tmp}/notes.txt", "-o", "{tmp}/g.png"], "not a .keras model file"),
    (["sample", "{tmp}/plain.keras", "-o", "{tmp}/g.png"], "not a keras_gans GAN"),
    (["sample", "{tmp}/plain.keras", "-o", "{tmp}/nodir/g.png"], "not a keras_gans GAN"),  # nodir not created
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
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.keras", "notes.txt", "plain.keras"]
