"""Safe writes (issue 22, points 1 and 2): nothing of the user's is replaced without being asked, a
missing parent folder is created, and a write killed at any moment leaves the old file whole and,
after the next write, no temporary file behind."""
import csv
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import keras
import pytest

import keras_gans as kg
from keras_gans import cli
from keras_gans.utils.io import atomic_path, check_target, sweep_temporaries

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _user_folder(path):
    path.mkdir(parents=True)
    (path / "notes.txt").write_text("mine")
    return path


def _listing(root):
    return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)


# ---------------------------------------------------------------------------- the rule
def test_check_target_refuses_existing_file_and_non_empty_folder(tmp_path):
    (tmp_path / "f.png").write_bytes(b"x")
    with pytest.raises(FileExistsError, match=r"f\.png' already exists\. Pass overwrite=True \(--overwrite"):
        check_target(tmp_path / "f.png")
    assert check_target(tmp_path / "f.png", overwrite=True).endswith("f.png")
    _user_folder(tmp_path / "d")
    with pytest.raises(FileExistsError, match=r"already exists and is not empty \(1 entry\)"):
        check_target(tmp_path / "d", kind="folder")
    (tmp_path / "empty").mkdir()
    check_target(tmp_path / "empty", kind="folder")  # an empty folder may be replaced
    with pytest.raises(FileExistsError, match="is a file, not a folder"):
        check_target(tmp_path / "f.png" / "sub", kind="folder")
    check_target(tmp_path / "new" / "deeper" / "x.png")  # missing parents are fine
    assert not (tmp_path / "new").exists()  # ... and not created by the check


def test_atomic_path_creates_parents_and_removes_them_when_the_write_fails(tmp_path):
    target = tmp_path / "a" / "b" / "grid.png"
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            open(tmp, "w").write("half")
            raise RuntimeError("writer failed")
    assert list(tmp_path.iterdir()) == []
    with atomic_path(target) as tmp:
        open(tmp, "w").write("whole")
    assert target.read_text() == "whole" and _listing(tmp_path) == ["a/b/grid.png"]


def test_temporaries_of_dead_writers_are_swept_and_live_ones_kept(tmp_path):
    target = tmp_path / "model.keras"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    orphan = tmp_path / f".model.keras.{dead}-abc123.tmp.keras"
    orphan_dir = tmp_path / f".model.keras.{dead}-def456.tmp.keras.old"
    live = tmp_path / f".model.keras.{os.getppid()}-ghi789.tmp.keras"
    other = tmp_path / f".other.keras.{dead}-abc123.tmp.keras"
    for p in (orphan, live, other):
        p.write_bytes(b"partial")
    orphan_dir.mkdir()
    with atomic_path(target) as tmp:
        open(tmp, "w").write("new")
    assert not orphan.exists() and not orphan_dir.exists()
    assert live.exists() and other.exists()  # another process's write in progress; another target's
    assert sweep_temporaries(tmp_path / "other.keras") == [str(other)]


# ---------------------------------------------------------------------------- save
def test_save_keeps_keras_overwrite_semantics(gan, tmp_path):
    path = tmp_path / "m.keras"
    path.write_bytes(b"the user's file")
    with pytest.raises(FileExistsError, match=r"m\.keras' already exists"):  # no terminal to ask at
        gan.save(path, overwrite=False)
    (tmp_path / "m.weights.h5").write_bytes(b"w")
    with pytest.raises(FileExistsError):
        gan.save_weights(tmp_path / "m.weights.h5", overwrite=False)
    assert path.read_bytes() == b"the user's file"
    gan.save(path)  # Keras' default, overwrite=True
    assert keras.saving.load_model(path).latent_dim == 4
    gan.save(tmp_path / "new" / "dir" / "m.keras", overwrite=False)  # a missing parent is created
    assert (tmp_path / "new" / "dir" / "m.keras").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_save_prompts_like_keras_on_a_terminal(gan, tmp_path, monkeypatch):
    path = tmp_path / "m.keras"
    path.write_bytes(b"old")

    class Terminal:
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    gan.save(path, overwrite=False)
    assert path.read_bytes() == b"old"
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    gan.save(path, overwrite=False)
    assert path.read_bytes() != b"old"


CHILD = textwrap.dedent("""
    import os, sys, time
    import keras
    import keras_gans as kg

    gan = kg.models.DCGAN(image_shape=(8, 8, 1), latent_dim=4)
    original = keras.Model.save

    def slow(self, filepath, *args, **kwargs):  # the temporary file is written; the rename has not happened
        original(self, filepath, *args, **kwargs)
        print("WRITTEN", filepath, flush=True)
        time.sleep(600)

    keras.Model.save = slow
    gan.save(sys.argv[1])
""")


def test_sigkill_during_save_keeps_the_old_file_and_the_next_save_leaves_no_temporary(gan, tmp_path):
    path = tmp_path / "model.keras"
    gan.save(path)
    old = path.read_bytes()
    env = {**os.environ, "PYTHONPATH": ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "TF_CPP_MIN_LOG_LEVEL": "3"}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.time() + 240
        line = ""
        while "WRITTEN" not in line and time.time() < deadline:
            line = child.stdout.readline()
            if not line and child.poll() is not None:
                break
        assert "WRITTEN" in line, "the child never reached the middle of its save"
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    finally:
        if child.poll() is None:
            child.kill()
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "model.keras"]
    assert leftovers and all(name.startswith(".model.keras.") for name in leftovers), leftovers  # today's orphan
    assert path.read_bytes() == old  # the old file is whole
    keras.saving.load_model(path)
    gan.save(path)  # the next save sweeps the killed writer's temporary file
    assert [p.name for p in tmp_path.iterdir()] == ["model.keras"]


# ---------------------------------------------------------------------------- export, publish, zoo export
def test_export_refuses_a_non_empty_folder_and_creates_missing_parents(gan, tmp_path):
    target = _user_folder(tmp_path / "serving")
    with pytest.raises(FileExistsError, match="already exists and is not empty"):
        gan.export(target, verbose=False)
    assert _listing(target) == ["notes.txt"]
    gan.export(target, verbose=False, overwrite=True)
    assert (target / "saved_model.pb").exists() and not (target / "notes.txt").exists()
    gan.export(tmp_path / "new" / "serving" / "dcgan", verbose=False)  # the README's line, in a new folder
    assert (tmp_path / "new" / "serving" / "dcgan" / "saved_model.pb").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new", "serving"]


def test_publish_refuses_a_non_empty_folder_and_creates_missing_parents(gan, tmp_path):
    target = _user_folder(tmp_path / "zoo" / "my_gan")
    with pytest.raises(FileExistsError, match="already exists and is not empty"):
        kg.zoo.publish(gan, target, dataset="none", training_command="(untrained)", samples=False)
    assert _listing(target) == ["notes.txt"]
    path = kg.zoo.publish(gan, tmp_path / "new" / "zoo" / "my_gan", dataset="none", training_command="(untrained)",
                          samples=False)
    assert os.path.exists(os.path.join(path, "metadata.json"))
    assert [p for p in os.listdir(tmp_path / "new" / "zoo")] == ["my_gan"]


@pytest.mark.parametrize("command", [["export", "{model}"], ["zoo", "export", "mnist_classifier"]])
def test_cli_export_refuses_a_non_empty_folder(command, gan, tmp_path, capsys):
    gan.save(tmp_path / "m.keras")
    target = _user_folder(tmp_path / "d")
    argv = [a.replace("{model}", str(tmp_path / "m.keras")) for a in command] + [str(target)]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "already exists and is not empty" in err and "--overwrite" in err, err
    assert _listing(target) == ["notes.txt"]
    assert cli.main(argv + ["--overwrite"]) == 0
    assert (target / "saved_model.pb").exists()


@pytest.mark.parametrize("command", [["sample", "{model}", "-n", "4"], ["zoo", "sample", "dcgan_mnist", "-n", "4"]])
def test_cli_sample_refuses_an_existing_output(command, gan, tmp_path, capsys):
    gan.save(tmp_path / "m.keras")
    out = tmp_path / "grid.png"
    out.write_bytes(b"the user's picture")
    argv = [a.replace("{model}", str(tmp_path / "m.keras")) for a in command] + ["-o", str(out)]
    assert cli.main(argv) == 2
    assert "grid.png' already exists" in capsys.readouterr().err
    assert out.read_bytes() == b"the user's picture"
    assert cli.main(argv + ["--overwrite"]) == 0 and out.read_bytes()[:4] == b"\x89PNG"
    assert cli.main(argv[:-1] + [str(tmp_path / "new" / "grid.png")]) == 0  # a missing folder is created


def test_translate_and_style_refuse_an_existing_output(tmp_path, capsys):
    out = tmp_path / "out.png"
    out.write_bytes(b"mine")
    for argv in (["translate", str(tmp_path / "m.keras"), str(tmp_path / "in.png"), "-o", str(out)],
                 ["style", str(tmp_path / "c.png"), str(tmp_path / "s.png"), "-o", str(out)]):
        assert cli.main(argv) == 2
        assert "out.png' already exists" in capsys.readouterr().err
    assert out.read_bytes() == b"mine"


# ---------------------------------------------------------------------------- train --out
TRAIN = ["train", "dcgan", "--dataset", "mnist-5k", "--batch-size", "8", "--steps-per-epoch", "1",
         "--verbose", "0", "--latent-dim", "4", "--every", "100"]


def _history(out):
    return [row["epoch"] for row in csv.DictReader(open(out / "history.csv"))]


def test_train_rerun_of_a_finished_run_is_refused_and_more_epochs_continue(tmp_path, capsys):
    out = tmp_path / "runs" / "dcgan"  # missing parents are created
    assert cli.main(TRAIN + ["--epochs", "2", "--out", str(out)]) == 0
    model = (out / "model.keras").read_bytes()
    assert json.load(open(out / "backup" / "training_metadata.json"))["epoch"] == 2  # kept for continuing
    capsys.readouterr()
    assert cli.main(TRAIN + ["--epochs", "2", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "holds a finished run (2 epochs" in err and "more --epochs" in err and "--overwrite" in err, err
    assert (out / "model.keras").read_bytes() == model and _history(out) == ["0", "1"]
    assert cli.main(TRAIN + ["--epochs", "3", "--out", str(out)]) == 0  # continues: one more epoch
    assert _history(out) == ["0", "1", "2"]
    assert int(keras.saving.load_model(out / "model.keras").g_optimizer.iterations) == 3
    (out / "notes.txt").write_text("mine")
    assert cli.main(TRAIN + ["--epochs", "1", "--out", str(out), "--overwrite"]) == 0  # starts over
    assert _history(out) == ["0"] and (out / "notes.txt").read_text() == "mine"


def test_train_refuses_a_folder_that_holds_no_run_or_another_model(tmp_path, capsys):
    user = _user_folder(tmp_path / "docs")
    assert cli.main(TRAIN + ["--epochs", "1", "--out", str(user)]) == 2
    assert "holds no keras-gans run" in capsys.readouterr().err
    assert _listing(user) == ["notes.txt"]
    run = tmp_path / "run"
    run.mkdir()
    (run / "command.json").write_text(json.dumps({"model": "wgan"}))
    assert cli.main(TRAIN + ["--epochs", "1", "--out", str(run)]) == 2
    assert "holds a run of wgan, not dcgan" in capsys.readouterr().err


def test_a_failed_train_removes_the_out_folder_it_created(tmp_path, monkeypatch, capsys):
    def fail(self, logs=None):
        raise ValueError("simulated failure in fit")

    monkeypatch.setattr(kg.callbacks.SampleGrid, "on_train_begin", fail)
    out = tmp_path / "new" / "run"
    assert cli.main(TRAIN + ["--epochs", "1", "--out", str(out)]) == 2
    assert "simulated failure" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    existing = _user_folder(tmp_path / "kept")
    (existing / "command.json").write_text(json.dumps({"model": "dcgan"}))
    assert cli.main(TRAIN + ["--epochs", "1", "--out", str(existing)]) == 2
    assert existing.exists() and (existing / "notes.txt").read_text() == "mine"  # not created by this run


def test_a_finished_run_backed_up_every_n_steps_keeps_its_final_state(tmp_path):
    out = tmp_path / "run"
    assert cli.main(TRAIN + ["--epochs", "1", "--save-freq", "1", "--out", str(out)]) == 0
    meta = json.load(open(out / "backup" / "training_metadata.json"))
    assert (meta["epoch"], meta["batch"]) == (1, 0)  # the end of the last epoch, not its last mid-epoch backup
    assert [p.name for p in (out / "backup").iterdir() if p.name.startswith(".")] == []
