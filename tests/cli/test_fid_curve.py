"""`keras-gans train --fid-every N` logs the quick FID into history.csv; `keras-gans zoo publish` plots it on the card.

One tiny dcgan run (3 epochs of 2 steps, 8-d z) serves most tests of the module, a tiny cogan run (domain A scored)
its own; their FIDs use 50 samples (`recipes.base.FID_SAMPLES` patched) to stay fast.
"""
import csv
import json
import os
import shutil

import pytest

import keras_gans as kg
from keras_gans import cli
from keras_gans.recipes import base


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("fid") / "run"
    patch = pytest.MonkeyPatch()
    patch.setattr(base, "FID_SAMPLES", 50)
    try:
        assert cli.main(["train", "dcgan", "--epochs", "3", "--steps-per-epoch", "2", "--batch-size", "16",
                         "--latent-dim", "8", "--fid-every", "2", "--verbose", "0", "--out", str(out)]) == 0
    finally:
        patch.undo()
    return out


def test_fid_every_logs_fid_into_history_csv(run):
    with open(run / "history.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    # scored after epoch 2 only; the column is there from the first row (Keras' CSVLogger would drop it)
    assert [row["epoch"] for row in rows] == ["0", "1", "2"]
    assert rows[0]["fid"] == "NA" and rows[2]["fid"] == "NA"
    assert float(rows[1]["fid"]) > 0 and "d_loss" in rows[1]
    assert json.load(open(run / "command.json"))["fid_every"] == 2


def test_the_recipe_adds_the_fid_callback_and_other_recipes_have_no_such_flag():
    recipe = kg.recipes.get("dcgan")
    assert recipe.build(recipe.args(latent_dim=8, batch_size=16))[2] == []
    _, _, callbacks = recipe.build(recipe.args(latent_dim=8, batch_size=16, fid_every=3))
    (fid,) = callbacks
    assert isinstance(fid, kg.callbacks.FIDCallback)
    assert (fid.real_data, fid.every, fid.n_samples, fid.extractor) == ("mnist-5k", 3, 1000, "mnist")
    with pytest.raises(TypeError, match="The cyclegan recipe has no flag fid_every"):
        kg.recipes.get("cyclegan").args(fid_every=1)


def test_fid_every_on_a_dataset_without_a_held_out_split_is_refused_and_writes_nothing(tmp_path, capsys):
    pics = tmp_path / "pics"
    pics.mkdir()
    from keras_gans.utils.images import save_image

    for i in range(4):
        save_image(kg.data.load_arrays("mnist-5k", "test")[0][i], pics / f"{i}.png")
    out = tmp_path / "run"
    assert cli.main(["train", "dcgan", "--dataset", str(pics), "--image-size", "28", "--fid-every", "1",
                     "--epochs", "1", "--out", str(out)]) == 2
    assert "--fid-every scores the samples against the held-out test split of --dataset" in capsys.readouterr().err
    assert not out.exists() and sorted(os.listdir(tmp_path)) == ["pics"]


COGAN = ["train", "cogan", "--epochs", "1", "--steps-per-epoch", "2", "--batch-size", "8", "--latent-dim", "8",
         "--filters", "4", "--fid-every", "1", "--verbose", "0"]


def test_cogan_fid_every_scores_domain_a_against_the_held_out_digits(tmp_path, monkeypatch, capsys):
    recipe = kg.recipes.get("cogan")
    assert "fid_every" in recipe.flag_names()
    fid = recipe.fid_callback(recipe.args(fid_every=2))
    assert (fid.real_data, fid.every, fid.generate_kwargs) == ("mnist-5k", 2, {"domain": "a"})
    assert recipe.fid_reference(recipe.args(dataset="mnist2mnistm-unpaired")) == "mnist-32"
    assert recipe.fid_reference(recipe.args(dataset="mnist-5k")) == "mnist-5k"   # the former default: the pair's
    monkeypatch.setattr(base, "FID_SAMPLES", 50)
    out = tmp_path / "run"
    assert cli.main(COGAN + ["--out", str(out)]) == 0
    with open(out / "history.csv", newline="") as f:
        (row,) = list(csv.DictReader(f))
    assert float(row["fid"]) > 0 and "d_loss" in row
    # the card's protocol says what was scored: domain A against the held-out digits
    preset = tmp_path / "tiny_cogan_fid"
    assert cli.main(["zoo", "publish", str(out / "model.keras"), str(preset)]) == 0
    assert "fid_vs_steps.png" in capsys.readouterr().out
    meta = json.load(open(preset / "metadata.json"))
    assert [point[0] for point in meta["fid_curve"]] == [2]
    protocol = meta["fid_curve_protocol"]
    assert "--fid-every 1" in protocol and "of domain A (G_A(z), CoGAN.generate(..., domain='a')" in protocol
    assert "held-out test split of mnist-5k (domain A of mnist2negative-unpaired)" in protocol


def test_cogan_fid_every_on_a_folder_pair_is_refused_before_training_and_writes_nothing(tmp_path, capsys):
    pics = tmp_path / "pics"
    pics.mkdir()
    from keras_gans.utils.images import save_image

    for i in range(2):
        save_image(kg.data.load_arrays("mnist-5k", "test")[0][i], pics / f"{i}.png")
    out = tmp_path / "new" / "run"
    assert cli.main(COGAN + ["--dataset", f"{pics},{pics}", "--image-size", "28", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--fid-every scores domain A's samples against the held-out test split of domain A" in err
    assert "has none in memory (only the offline pairs do: mnist2edges-paired" in err
    assert sorted(os.listdir(tmp_path)) == ["pics"]


def test_publish_plots_the_fid_curve_on_the_card(run, tmp_path, capsys):
    preset = tmp_path / "tiny_dcgan_fid"
    assert cli.main(["zoo", "publish", str(run / "model.keras"), str(preset)]) == 0
    assert "fid_vs_steps.png" in capsys.readouterr().out
    meta = json.load(open(preset / "metadata.json"))
    assert meta["steps"] == 6 and meta["epochs"] == 3
    (point,) = meta["fid_curve"]                      # epoch 2 of 3, 2 steps an epoch
    assert point[0] == 4 and point[1] > 0
    assert meta["fid_curve_label"] == "quick FID-MNIST (1,000 samples)"  # the package's count (patched here)
    assert "--fid-every 2" in meta["fid_curve_protocol"] and "mnist-5k" in meta["fid_curve_protocol"]
    assert set(meta["files"]) == set(os.listdir(preset)) - {"metadata.json"}
    assert "fid_vs_steps.png" in meta["files"]
    from PIL import Image

    assert Image.open(preset / "fid_vs_steps.png").size[0] > 300
    card = (preset / "README.md").read_text()
    assert "## FID against steps" in card and "![FID against steps](fid_vs_steps.png)" in card
    assert "against optimizer steps" in card and "--fid-every 2" in card
    g = kg.zoo.load(str(preset))                      # the folder verifies with the plot in it
    assert g.output_shape[1:] == (28, 28, 1)
    assert cli.main(["zoo", "info", str(preset)]) == 0
    assert "fid_curve" in capsys.readouterr().out


def test_publish_without_a_fid_column_writes_no_plot(run, tmp_path):
    plain = tmp_path / "run"
    shutil.copytree(run, plain, ignore=shutil.ignore_patterns("backup", "samples"))
    with open(run / "history.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    with open(plain / "history.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, [k for k in rows[0] if k not in ("fid", "val_fid")], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    preset = tmp_path / "plain_preset"
    assert cli.main(["zoo", "publish", str(plain / "model.keras"), str(preset)]) == 0
    assert not (preset / "fid_vs_steps.png").exists()
    meta = json.load(open(preset / "metadata.json"))
    assert "fid_curve" not in meta and "FID against steps" not in (preset / "README.md").read_text()
    kg.zoo.load(str(preset))


def test_fid_curve_from_history_and_publish_checks(tmp_path):
    from keras_gans.zoo.publish import fid_curve_from_history

    path = tmp_path / "history.csv"
    path.write_text("epoch,d_loss,fid\n0,1.0,NA\n1,0.9,80.5\n2,0.8,\n3,0.7,60.0\n3,0.7,55.0\n")  # epoch 3 twice
    assert fid_curve_from_history(path, 2.5) == [[5, 80.5], [10, 55.0]]
    path.write_text("epoch,d_loss\n0,1.0\n")
    assert fid_curve_from_history(path, 2) == []
    gan = kg.models.DCGAN(latent_dim=8)
    with pytest.raises(ValueError, match="fid_curve needs fid_protocol"):
        kg.zoo.publish(gan, tmp_path / "p", fid_curve=[[10, 50.0]])
    with pytest.raises(ValueError, match="finite"):
        kg.zoo.publish(gan, tmp_path / "p", fid_curve=[[10, float("nan")]], fid_protocol="x")
    assert not (tmp_path / "p").exists()
