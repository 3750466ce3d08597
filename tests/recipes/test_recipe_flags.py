"""The recipe registry and `keras-gans train NAME`'s flags: exactly the recipe's, checked before anything runs.

These tests only parse: no model is built and TensorFlow is not needed.
"""
import glob
import json
import os
import re
import shlex
import subprocess
import sys

import pytest

from keras_gans import cli, recipes

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

#: Each recipe's own flags (besides the common ones), in the order of its --help.
OWN_FLAGS = {
    "gan": ["latent_dim", "image_size", "update", "d_batch"],
    "dcgan": ["latent_dim", "image_size", "update", "d_batch", "ema_decay", "augment"],
    "wgan": ["latent_dim", "image_size", "n_critic", "ema_decay"],
    "wgan_gp": ["latent_dim", "image_size", "n_critic", "ema_decay"],
    "cgan": ["latent_dim", "image_size", "conditioning", "update", "ema_decay", "augment"],
    "sgan": ["latent_dim", "num_labeled"],
    "progan": ["target_resolution", "image_size", "latent_dim"],
    "cyclegan": ["image_size", "filters", "d_downsampling", "lambda_cycle_b"],
    "pix2pix": ["image_size", "filters", "d_downsampling", "lambda_l1", "ema_decay"],
    "cogan": ["latent_dim", "image_size", "filters", "ema_decay"],
    "discogan": ["image_size", "filters", "depth", "lambda_reconstruction", "reconstruction"],
    "srgan": ["scale", "filters", "residual_blocks", "content", "adversarial_weight", "phase", "init"],
    "sagan": ["latent_dim", "image_size", "width", "attention", "ema_decay"],
    "biggan": ["latent_dim", "image_size", "width", "embedding_dim", "orthogonal_reg", "attention", "ema_decay"],
    "stylegan2": ["latent_dim", "image_size", "style_dim", "r1_gamma", "mixing_prob", "augment", "ema_decay"],
    "acgan": ["latent_dim", "image_size", "conditioning", "ema_decay"],
    "infogan": ["latent_dim", "image_size", "continuous_weight", "ema_decay"],
}
COMMON = ["dataset", "epochs", "batch_size", "steps_per_epoch", "seed", "precision"]
#: The recipes whose model draws images from noise: they also take --fid-every (after the common flags).
FID_RECIPES = ["gan", "dcgan", "wgan", "wgan_gp", "cgan", "progan", "cogan", "sagan", "biggan", "stylegan2", "acgan",
               "infogan"]
#: The recipes that take --d-lr and --g-lr (after those): the ImageModelRecipe ones, less SGAN (a decay schedule)
#: and StyleGAN2 (D's Adam settings follow its lazy R1 interval), and CoGAN.
LR_RECIPES = ["gan", "dcgan", "wgan", "wgan_gp", "cgan", "cogan", "sagan", "biggan", "acgan", "infogan"]
RUN_FLAGS = ["out", "every", "verbose", "save_freq", "deterministic", "strategy", "overwrite"]


def parse(*argv):
    return cli.build_parser().parse_args(["train", *argv])


def test_the_registry_lists_every_name_of_keras_gans_train():
    assert recipes.names() == list(OWN_FLAGS)
    for name in OWN_FLAGS:
        recipe = recipes.get(name)
        assert isinstance(recipe, recipes.Recipe) and recipe.name == name and recipe.summary
        assert recipe.__doc__ and recipe.make.__func__ is not recipes.Recipe.make
    assert recipes.get("WGAN-GP") is recipes.get("wgan_gp")
    with pytest.raises(KeyError, match="Unknown model 'no_such_gan'. Choose one of gan, dcgan, .*cogan"):
        recipes.get("no_such_gan")


def test_each_recipe_declares_its_flags():
    for name, own in OWN_FLAGS.items():
        common = [f for f in COMMON if not (name == "progan" and f == "steps_per_epoch")]  # the schedule sets steps
        common += ["fid_every"] if name in FID_RECIPES else []
        common += ["d_lr", "g_lr"] if name in LR_RECIPES else []
        assert recipes.get(name).draws_from_noise is (name in FID_RECIPES), name
        assert recipes.get(name).flag_names() == common + own, name
        parsed = vars(parse(name, "--out", "x"))
        private = ["_module", "_tensorflow_logs"]  # not recorded in command.json
        assert sorted(parsed) == sorted(["command", "model"] + private + common + own + RUN_FLAGS), name
        assert parsed["model"] == name


def test_defaults_are_those_of_the_command_line_before_recipes():
    args = recipes.get("dcgan").args()
    assert (args.dataset, args.epochs, args.batch_size, args.seed, args.latent_dim) == ("mnist-5k", 20, 64, 0, 100)
    assert (args.update, args.d_batch, args.image_size, args.steps_per_epoch) == ("alternating", "separate", None, None)
    assert recipes.get("wgan_gp").args().n_critic == 5 and recipes.get("sgan").args().num_labeled == 100
    assert recipes.get("cgan").args().conditioning == "embedding"
    assert recipes.get("cyclegan").args().dataset == "mnist2mnistm-unpaired"
    assert recipes.get("pix2pix").args().dataset == "mnist2mnistm-paired"
    assert recipes.get("cogan").args().dataset == "mnist2negative-unpaired"
    for name in ("pix2pix", "cyclegan"):
        args = recipes.get(name).args()
        assert args.filters is None and args.d_downsampling is None  # sized from the images in build
    assert vars(parse("cyclegan", "--out", "x")) == {**vars(recipes.get("cyclegan").args()), "command": "train",
                                                      "_module": "keras_gans.cli.train", "out": "x", "every": 1,
                                                      "verbose": 1, "save_freq": "epoch", "deterministic": False,
                                                      "strategy": None, "overwrite": False, "_tensorflow_logs": False}


def _foreign_flags():
    """(recipe, a flag another recipe declares but this one does not)."""
    every = {f for own in OWN_FLAGS.values() for f in own} | {"steps_per_epoch", "fid_every", "d_lr", "g_lr"}
    return [(name, flag) for name in OWN_FLAGS for flag in sorted(every - set(recipes.get(name).flag_names()))]


@pytest.mark.parametrize("name,flag", _foreign_flags())
def test_a_flag_the_recipe_does_not_declare_is_refused(name, flag, capsys):
    option = "--" + flag.replace("_", "-")
    value = {"update": "simultaneous", "d_batch": "joint", "conditioning": "one_hot"}.get(flag, "1")
    with pytest.raises(SystemExit) as exit_info:
        parse(name, option, value, "--out", "x")
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert f"keras-gans train {name}: error: unrecognized arguments: {option} {value}" in err
    assert f"keras-gans train {name} --help" in err


def test_a_refused_flag_writes_nothing(tmp_path, capsys):
    out = tmp_path / "run"
    for argv in (["dcgan", "--filters", "32"], ["pix2pix", "--lambda-cycle-b", "1"], ["cyclegan", "--ema-decay", "0.9"],
                 ["cyclegan", "--filters", "0"], ["progan", "--steps-per-epoch", "2"], ["dcgan", "--lat", "8"],
                 ["pix2pix", "--fid-every", "1"], ["sgan", "--fid-every", "1"], ["dcgan", "--fid-every", "0"]):
        with pytest.raises(SystemExit) as exit_info:
            cli.main(["train", *argv, "--out", str(out), "--epochs", "1"])
        assert exit_info.value.code == 2, argv
        assert "error:" in capsys.readouterr().err
        assert not out.exists() and os.listdir(tmp_path) == []


@pytest.mark.parametrize("argv,message", [
    (["cyclegan", "--filters", "0"], "argument --filters: must be a positive integer, not '0'"),
    (["pix2pix", "--filters", "-3"], "argument --filters: must be a positive integer, not '-3'"),
    (["pix2pix", "--d-downsampling", "0"], "argument --d-downsampling: must be a positive integer"),
    (["cyclegan", "--lambda-cycle-b", "-1"], "argument --lambda-cycle-b: must be a number ≥ 0, not '-1'"),
    (["cyclegan", "--lambda-cycle-b", "nan"], "argument --lambda-cycle-b: must be a number ≥ 0"),
    (["pix2pix", "--lambda-l1", "-1"], "argument --lambda-l1: must be a number ≥ 0"),
    (["wgan", "--ema-decay", "1"], "argument --ema-decay: must be a number in (0, 1)"),
    (["wgan_gp", "--n-critic", "0"], "argument --n-critic: must be a positive integer"),
    (["sgan", "--num-labeled", "0"], "argument --num-labeled: must be a positive integer"),
    (["progan", "--target-resolution", "20"], "argument --target-resolution: must be a power of two ≥ 4"),
    (["cgan", "--conditioning", "concat"], "argument --conditioning: invalid choice: 'concat'"),
    (["dcgan", "--epochs", "0"], "argument --epochs: must be a positive integer, not '0'"),
    (["dcgan", "--batch-size", "x"], "argument --batch-size: must be a positive integer, not 'x'"),
    (["dcgan", "--steps-per-epoch", "0"], "argument --steps-per-epoch: must be a positive integer"),
    (["dcgan", "--every", "0"], "argument --every: must be a positive integer"),
    (["wgan", "--fid-every", "0"], "argument --fid-every: must be a positive integer, not '0'"),
    (["dcgan", "--save-freq", "0"], "argument --save-freq: must be 'epoch' or a positive number of steps"),
])
def test_a_bad_value_is_refused_by_the_parser(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        parse(*argv, "--out", "x")
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_model_names_are_case_insensitive_and_unknown_ones_list_the_choices(capsys):
    assert parse("WGAN-GP", "--out", "x").model == "wgan_gp"
    assert parse("wgan-gp", "--n-critic", "2", "--out", "x").n_critic == 2
    with pytest.raises(SystemExit) as exit_info:
        parse("no_such_gan", "--out", "x")
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "keras-gans train: error: argument MODEL: Unknown model 'no_such_gan'. Choose one of gan, dcgan, wgan" in err
    with pytest.raises(SystemExit):
        parse()
    assert "the following arguments are required: MODEL" in capsys.readouterr().err


def test_recipe_args_checks_names_and_values_like_the_command_line():
    recipe = recipes.get("cyclegan")
    args = recipe.args(filters="8", lambda_cycle_b=0, epochs=2)
    assert (args.filters, args.lambda_cycle_b, args.epochs, args.model) == (8, 0.0, 2, "cyclegan")
    with pytest.raises(TypeError, match="The cyclegan recipe has no flag latent_dim; its flags are dataset, "):
        recipe.args(latent_dim=8)
    with pytest.raises(ValueError, match="--filters must be a positive integer, not '0'"):
        recipe.args(filters=0)
    with pytest.raises(ValueError, match="--conditioning must be one of embedding, one_hot"):
        recipes.get("cgan").args(conditioning="concat")
    assert recipes.get("pix2pix").args(ema_decay=None).ema_decay is None


def test_help_lists_the_models_and_each_models_own_flags(capsys):
    with pytest.raises(SystemExit):
        cli.main(["train", "--help"])
    out = capsys.readouterr().out
    for name in OWN_FLAGS:
        assert re.search(rf"^    {name}\s", out, flags=re.M) and recipes.get(name).summary in out
    with pytest.raises(SystemExit):
        cli.main(["train", "cyclegan", "--help"])
    out = capsys.readouterr().out
    assert "usage: keras-gans train cyclegan" in out and "Zhu et al. 2017" in out
    for option in ("--filters", "--d-downsampling", "--lambda-cycle-b", "--image-size", "--out", "--save-freq"):
        assert option in out
    for option in ("--latent-dim", "--ema-decay", "--n-critic", "--update", "--target-resolution"):
        assert option not in out


def test_the_cli_package_runs_with_python_m():
    proc = subprocess.run([sys.executable, "-m", "keras_gans.cli", "train", "pix2pix", "--help"], capture_output=True,
                          text=True, timeout=300, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "usage: keras-gans train pix2pix" in proc.stdout and "--lambda-l1" in proc.stdout


def test_recipes_do_not_import_tensorflow_until_build():
    code = ("import sys; sys.argv[0] = 'keras-gans'; from keras_gans import cli, recipes; cli.build_parser(); "
            "[r.args() for r in recipes.RECIPES.values()]; print('tensorflow' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.stdout.strip() == "False", proc.stderr[-2000:]


def _published_commands():
    commands = []
    for path in sorted(glob.glob(os.path.join(ROOT, "keras_gans", "presets", "*", "metadata.json"))):
        with open(path) as f:
            command = json.load(f).get("training_command") or ""
        # a card of a two-phase run (srgan_mnistm: SRResNet, then the GAN from it) joins its commands with &&
        commands += [c.strip() for c in command.split("&&") if c.strip().startswith("keras-gans train ")]
    with open(os.path.join(ROOT, "scripts", "train_presets.sh")) as f:
        script = f.read().replace("\\\n", " ")
    for train_args in re.findall(r'train_and_publish +\S+ +"([^"]+)"', script):
        commands.append(f"keras-gans train {train_args} --out runs/x")
    for line in re.findall(r"\$KG train ([^\n]+)", script):
        if "$train_args" not in line:
            commands.append(f"keras-gans train {line}")
    return commands


def test_the_commands_of_the_published_presets_still_parse():
    commands = _published_commands()
    assert len(commands) >= 16  # 8 zoo cards, 8 commands of scripts/train_presets.sh
    for command in commands:
        argv = shlex.split(command)[1:]
        args = cli.build_parser().parse_args(argv)
        assert args.model in OWN_FLAGS, command


def test_the_docs_table_lists_each_recipes_own_flags():
    with open(os.path.join(ROOT, "docs", "api", "recipes.md")) as f:
        rows = re.findall(r"^\| `(\w+)` \| .* \| (`--.*`) \|$", f.read(), flags=re.M)
    table = {name: [flag.strip("`")[2:].replace("-", "_") for flag in flags.split(", ")] for name, flags in rows}
    assert table == OWN_FLAGS


def test_the_training_command_that_zoo_publish_rebuilds_from_command_json_parses_back(tmp_path):
    from keras_gans.cli.zoo import _command_from_run

    for name, extra in (("cyclegan", ["--filters", "32", "--lambda-cycle-b", "0"]), ("progan", ["--latent-dim", "64"]),
                        ("dcgan", ["--deterministic", "--update", "simultaneous"]), ("sgan", ["--save-freq", "5"])):
        args = parse(name, "--out", str(tmp_path), "--epochs", "3", *extra)
        with open(tmp_path / "command.json", "w") as f:   # as `keras-gans train` writes it
            json.dump({k: v for k, v in vars(args).items() if not k.startswith("_")}, f)
        command = _command_from_run(str(tmp_path))
        assert command.startswith(f"keras-gans train {name} --dataset ")
        assert vars(parse(*shlex.split(command)[2:])) == vars(args), command
