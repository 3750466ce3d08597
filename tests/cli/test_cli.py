"""The keras-gans command line: help without TensorFlow, train → resume → sample → export, clear errors."""
import csv
import json
import os
import platform
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


# What TensorFlow 2.21 prints to stderr as it starts (the list)
TF_STARTUP = ("oneDNN", "cudart_stub", "Could not find cuda drivers", "cuInit", "cpu_feature_guard",
              "absl::InitializeLog")


def test_commands_hide_tensorflow_start_up_lines_unless_verbose():
    """`python -m keras_gans.cli` imports this package before the command parses anything: TensorFlow must
    still be imported by the command, quietly. `--verbose` (a global flag) shows its lines again."""
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}  # as a user's shell has it
    runs = {flag: subprocess.run([sys.executable, "-m", "keras_gans.cli", *flag, "zoo", "list"], capture_output=True,
                                 text=True, timeout=300, env=env) for flag in ((), ("--verbose",))}
    for run in runs.values():
        assert run.returncode == 0, run.stderr[-2000:]
        assert "dcgan_mnist" in run.stdout
    quiet, verbose = runs[()].stderr, runs[("--verbose",)].stderr
    assert not [line for line in quiet.splitlines() if any(s in line for s in TF_STARTUP)], quiet
    if sys.platform == "linux" and platform.machine() == "x86_64":  # the control: there are lines to hide here
        assert any(s in verbose for s in TF_STARTUP), verbose


def test_verbose_leaves_tensorflow_log_level_as_the_user_set_it(monkeypatch, capsys):
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    assert cli.main(["--verbose", "zoo", "list"]) == 0
    assert "TF_CPP_MIN_LOG_LEVEL" not in os.environ
    assert cli.main(["zoo", "list"]) == 0
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "3"
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "1")  # a user's own setting wins
    assert cli.main(["zoo", "list"]) == 0
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "1"
    # the global flag and `train`'s own --verbose (Keras' fit verbosity) do not collide
    args = cli.build_parser().parse_args(["--verbose", "train", "dcgan", "--out", "x", "--verbose", "0"])
    assert args._tensorflow_logs is True and args.verbose == 0
    assert cli.build_parser().parse_args(["train", "dcgan", "--out", "x", "--verbose", "2"])._tensorflow_logs is False


@pytest.mark.parametrize("argv0, orig_argv, is_cli", [
    ("/venv/bin/keras-gans", ["/venv/bin/python", "/venv/bin/keras-gans", "zoo"], True),
    ("-m", ["python", "-m", "keras_gans.cli", "zoo"], True),            # while runpy imports the package
    ("-m", ["python", "-X", "dev", "-m", "keras_gans.cli.__main__"], True),
    ("-m", ["python", "-m", "my_tool"], False),                          # a user's tool that imports keras_gans
    ("-m", ["python", "-m", "pytest", "-m", "keras_gans.cli"], False),
    ("-c", ["python", "-c", "import keras_gans"], False),
    ("train.py", ["python", "train.py"], False),
])
def test_only_the_command_is_taken_for_the_command(monkeypatch, argv0, orig_argv, is_cli):
    """The command hides TensorFlow's logs its own way and imports lazily; a program that imports keras_gans
    gets the package's usual setup (every submodule imported, its environment untouched by the command)."""
    monkeypatch.setattr(sys, "argv", [argv0])
    monkeypatch.setattr(sys, "orig_argv", orig_argv)
    assert kg._running_the_cli() is is_cli


def test_cli_train_resume_sample_export(tmp_path, monkeypatch, capsys):
    out = tmp_path / "run"
    args = ["train", "dcgan", "--dataset", "mnist-5k", "--epochs", "3", "--batch-size", "16",
            "--steps-per-epoch", "2", "--out", str(out), "--verbose", "0", "--latent-dim", "8",
            "--precision", "bfloat16"]
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
    command = json.load(open(out / "command.json"))
    assert (command["model"], command["precision"]) == ("dcgan", "bfloat16")
    model = keras.saving.load_model(out / "model.keras")
    assert model.dtype_policy.name == "mixed_bfloat16"
    assert int(model.g_optimizer.iterations) == 6

    grid = tmp_path / "grid.png"
    assert cli.main(["sample", str(out / "model.keras"), "-n", "4", "-o", str(grid)]) == 0
    from PIL import Image

    assert Image.open(grid).size == (2 * 30 + 2, 2 * 30 + 2)
    assert cli.main(["export", str(out / "model.keras"), str(tmp_path / "sm")]) == 0
    assert (tmp_path / "sm" / "saved_model.pb").exists()


def test_cli_train_precision_auto_records_what_it_picked_never_auto(tmp_path, capsys):
    from keras_gans.training import precision

    out = tmp_path / "run"
    args = ["train", "dcgan", "--dataset", "mnist-5k", "--epochs", "1", "--batch-size", "16", "--steps-per-epoch", "1",
            "--out", str(out), "--verbose", "2", "--latent-dim", "8", "--every", "100", "--precision", "auto"]
    assert cli.main(args) == 0
    picked, why = precision.resolve_precision("auto")              # this machine's answer: float32 on an AVX2 CPU
    captured = capsys.readouterr()
    assert f"--precision auto: {picked} ({why})\n" in captured.out
    assert "warning" not in captured.err
    command = json.load(open(out / "command.json"))
    assert command["precision"] == picked and picked in ("float32", "bfloat16")
    model = keras.saving.load_model(out / "model.keras")
    assert model.dtype_policy.name == precision.PRECISIONS[picked]


def _train_args(*argv):
    return cli.build_parser().parse_args(["train", "dcgan", *argv])


@pytest.mark.parametrize("asked", ["bfloat16", "float32", "auto"])
def test_cli_train_warns_before_building_when_bfloat16_is_asked_for_where_it_is_emulated(asked, tmp_path, capsys,
                                                                                           monkeypatch):
    from keras_gans.training import precision

    monkeypatch.setattr(precision, "native_bfloat16", lambda cpuinfo=precision.CPUINFO: False)
    argv = ["train", "dcgan", "--dataset", "mnist-6k", "--out", str(tmp_path / "x"), "--precision", asked]
    assert cli.main(argv) == 2                                     # the unknown dataset fails in build: nothing trains
    err = capsys.readouterr().err
    warning = [line for line in err.splitlines() if "warning" in line]
    if asked == "bfloat16":                                        # warned once, first, and not refused
        assert len(warning) == 1 and err.index("warning") < err.index("Unknown dataset"), err
        assert warning[0].startswith("keras-gans train: warning: bfloat16 is emulated here")
        assert all(s in warning[0] for s in ("7x slower than float32", "2026-12-06", "--precision auto"))
    else:
        assert not warning, err
    monkeypatch.setattr(precision, "native_bfloat16", lambda cpuinfo=precision.CPUINFO: True)
    assert cli.main(argv) == 2
    assert "warning" not in capsys.readouterr().err


def test_auto_says_what_it_picked_unless_verbose_0_and_a_continued_run_keeps_its_recorded_precision(
        tmp_path, capsys, monkeypatch):
    from keras_gans.cli.train import _resolve_precision
    from keras_gans.training import precision

    monkeypatch.setattr(precision, "native_bfloat16", lambda cpuinfo=precision.CPUINFO: False)
    out = tmp_path / "run"
    args = _train_args("--out", str(out), "--precision", "auto")
    _resolve_precision(args)
    assert args.precision == "float32"
    assert capsys.readouterr().out == f"--precision auto: float32 ({precision.resolve_precision('auto')[1]})\n"
    args = _train_args("--out", str(out), "--precision", "auto", "--verbose", "0")
    _resolve_precision(args)
    assert args.precision == "float32" and capsys.readouterr().out == ""
    out.mkdir()
    (out / "command.json").write_text(json.dumps({"model": "dcgan", "precision": "bfloat16"}))
    args = _train_args("--out", str(out), "--precision", "auto", "--epochs", "40")   # continuing it: as recorded
    _resolve_precision(args)
    assert args.precision == "bfloat16"
    said = capsys.readouterr()
    assert "--precision auto: bfloat16 (as " in said.out and "command.json records" in said.out
    assert "emulated here" in said.out and said.err == ""
    args = _train_args("--out", str(out), "--precision", "auto", "--overwrite")       # starting over: this machine's
    _resolve_precision(args)
    assert args.precision == "float32"
    (out / "command.json").write_text(json.dumps({"model": "dcgan"}))                 # recorded nothing: this machine's
    args = _train_args("--out", str(out), "--precision", "auto")
    _resolve_precision(args)
    assert args.precision == "float32"


def _noise_folder(folder, n):
    """`n` seeded 8×8 noise PNGs: a dataset as small as the ProGAN tests' phases need (digits at batch 64-128
    spend most of their time on the convolutions of steps that only the backup bookkeeping needs)."""
    import numpy as np
    from PIL import Image

    folder.mkdir()
    for i, image in enumerate(np.random.default_rng(0).integers(0, 256, (n, 8, 8, 3), dtype=np.uint8)):
        Image.fromarray(image).save(folder / f"{i:03d}.png")
    return str(folder)


@pytest.fixture
def eager_progan(monkeypatch):
    """ProGAN compiled to run eagerly: each phase's fit (grown networks) traces the train step again, which costs
    more than 4 eager steps. What the test checks (backups, refusal, more epochs) is the command's, not the traced
    step's (that one: tests/training/test_progressive.py). Measured alone on the 2-core machine, 2026-12-06: 14-18 s
    traced, 10-12 s eager (less CPU time too); the grow-and-resume test (9 steps a phase) was no faster eagerly."""
    compile_ = kg.models.ProGAN.compile

    def eager_compile(self, *args, **kwargs):
        return compile_(self, *args, **{**kwargs, "run_eagerly": True})

    monkeypatch.setattr(kg.models.ProGAN, "compile", eager_compile)


def test_cli_train_progan_grows_and_resumes_after_a_grow(tmp_path, monkeypatch):
    """ProGAN trains one fit per phase: the backup kept after one phase (for more --epochs) must not be restored
    into the grown networks of the next, and a run killed after a grow resumes in its phase (exactly: see
    tests/training/test_progressive.py)."""
    out = tmp_path / "run"
    # 100 images at 8×8, 25 batches of 4 a pass: stable 4, transition 8, stable 8 of 33 images, 9 steps each
    args = ["train", "progan", "--dataset", _noise_folder(tmp_path / "images", 100), "--target-resolution", "8",
            "--epochs", "1", "--batch-size", "4", "--latent-dim", "8", "--save-freq", "4", "--out", str(out),
            "--verbose", "0", "--every", "100"]

    def crash_in_the_transition(self, batch, logs=None):
        if self.model.phase == "transition" and batch == 5:
            raise KeyboardInterrupt("simulated interruption")

    monkeypatch.setattr(kg.callbacks.SampleGrid, "on_train_batch_end", crash_in_the_transition)
    with pytest.raises(KeyboardInterrupt):
        cli.main(args)
    meta = json.load(open(out / "backup" / "training_metadata.json"))
    assert (meta["epoch"], meta["batch"]) == (0, 4)               # step 4 of the transition, after the grow
    assert meta["stage"] == {"index": 1, "resolution": 8, "phase": "transition"}
    monkeypatch.undo()
    assert cli.main(args) == 0                                     # the same command resumes in the transition
    model = keras.saving.load_model(out / "model.keras")
    assert (model.resolution, model.phase) == (8, "stable") and model.schedule_done()
    assert len(list(csv.DictReader(open(out / "history.csv")))) == 3   # one row per phase: none trained twice
    meta = json.load(open(out / "backup" / "training_metadata.json"))
    assert meta["stage"] == {"index": 2, "resolution": 8, "phase": "stable"}


@pytest.mark.slow   # 12-27 s in the fast suite on 2 cores; continuing a finished run: tests/utils/test_safe_writes.py
@pytest.mark.usefixtures("eager_progan")
def test_cli_train_progan_with_save_freq_continues_a_finished_run_with_more_epochs(tmp_path, capsys):
    """--save-freq N: the last step of the last phase need not fall on a backup; the run still ends with a backup of
    its end, so the same command is refused (finished) and more --epochs continue from it, as with the default."""
    out = tmp_path / "run"
    # 48 images at 8×8, 12 batches of 4 a pass; --epochs 1: stable 4, transition 8, stable 8 of 16 images, 4 steps each
    args = ["train", "progan", "--dataset", _noise_folder(tmp_path / "images", 48), "--target-resolution", "8",
            "--batch-size", "4", "--latent-dim", "8", "--save-freq", "3", "--out", str(out), "--verbose", "0",
            "--every", "100"]
    assert cli.main(args + ["--epochs", "1"]) == 0
    meta = json.load(open(out / "backup" / "training_metadata.json"))
    assert (meta["epoch"], meta["batch"], meta["step"]) == (1, 0, 4)   # the last phase's end, not its step 3
    assert meta["stage"] == {"index": 2, "resolution": 8, "phase": "stable"}
    first = keras.saving.load_model(out / "model.keras")
    capsys.readouterr()
    assert cli.main(args + ["--epochs", "1"]) == 2                      # finished: refused, nothing trained
    assert "holds a finished run (1 epochs" in capsys.readouterr().err
    assert cli.main(args + ["--epochs", "2"]) == 0                      # continues the last phase to 32 images
    longer = keras.saving.load_model(out / "model.keras")
    assert (longer.resolution, longer.phase) == (8, "stable") and longer.schedule_done()
    assert int(first.phase_images.numpy()) == 16 and int(longer.phase_images.numpy()) == 32
    meta = json.load(open(out / "backup" / "training_metadata.json"))
    assert (meta["epoch"], meta["batch"]) == (2, 0)


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
