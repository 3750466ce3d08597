"""`keras-gans zoo publish --eval` of a DiscoGAN (both generators) and of an SRGAN (a 4× super-resolution generator),
and `keras-gans eval` of the published folder or name: the card's numbers come back exactly. Tiny models trained two
steps; what the numbers are is checked against hand computations, bad input gets a clear error."""
import json

import numpy as np
import pytest
import keras

import keras_gans as kg
from keras_gans import cli, zoo


def _run(tmp_path, name, gan):
    run = tmp_path / name
    run.mkdir()
    gan.save(str(run / "model.keras"))
    return run / "model.keras"


def _card(preset):
    return {key: entry["value"] for key, entry in zoo.info(str(preset))["metrics"].items()}


def _eval_json(ref, path, *flags):
    assert cli.main(["eval", str(ref), *flags, "--json", str(path)]) == 0
    with open(path) as f:
        return json.load(f)


# --------------------------------------------------------------------------------------------------------- DiscoGAN
@pytest.fixture(scope="module")
def discogan(tmp_path_factory):
    """A 32×32 DiscoGAN (digits ↔ MNIST-M) after two steps, saved, and published whole with --eval."""
    keras.utils.set_random_seed(0)
    gan = kg.models.DiscoGAN(image_shape=(32, 32, 3), filters=4, depth=3, seed=0)
    gan.compile()
    gan.fit(kg.data.load_pair("mnist2mnistm-unpaired", batch_size=4), epochs=1, steps_per_epoch=2, verbose=0)
    root = tmp_path_factory.mktemp("disco")
    model_file = _run(root, "run", gan)
    zoo_dir = root / "zoo"
    preset = zoo_dir / "discogan_tiny_mnistm"
    assert cli.main(["zoo", "publish", str(model_file), str(preset), "--part", "gan", "--dataset",
                     "mnist2mnistm-unpaired", "--eval"]) == 0
    return gan, model_file, preset


def test_discogan_card_holds_label_preservation_both_ways_and_fid(discogan):
    gan, _, preset = discogan
    meta = zoo.info(str(preset))
    assert (meta["model"], meta["contents"], meta["task"]) == ("DiscoGAN", "gan", "image_to_image")
    metrics = meta["metrics"]
    assert list(metrics) == ["a2b_accuracy", "b2a_accuracy", "fid_mnistm", "fid_mnist_b2a"]
    assert "generator_ab" in metrics["a2b_accuracy"]["protocol"] and "MNIST-M classifier" in \
        metrics["a2b_accuracy"]["protocol"]
    assert "generator_ba" in metrics["b2a_accuracy"]["protocol"] and "MNIST classifier" in \
        metrics["b2a_accuracy"]["protocol"]
    # label preservation A->B, by hand: the MNIST-M classifier on G_AB of the 500 test digits
    digits, labels = kg.data.load_arrays("mnist-32", split="test")
    probs = kg.metrics.mnistm_classifier().predict(gan.translate(digits, direction="a2b"), verbose=0)
    assert metrics["a2b_accuracy"]["value"] == pytest.approx(float((probs.argmax(-1) == labels).mean()), abs=1e-9)
    # B->A, by hand: the MNIST classifier (28×28 grey) on G_BA of their MNIST-M renderings
    mnistm, labels_m = kg.data.load_arrays("mnist-m", split="test")
    ext = kg.metrics.get_extractor("mnist")
    read = np.asarray(ext.probabilities(gan.translate(mnistm, direction="b2a"), 250)).argmax(-1)
    assert metrics["b2a_accuracy"]["value"] == pytest.approx(float((read == labels_m).mean()), abs=1e-9)
    assert metrics["fid_mnistm"]["value"] > 0 and metrics["fid_mnist_b2a"]["value"] > 0


def test_keras_gans_eval_of_the_discogan_folder_and_name_gives_the_card(discogan, tmp_path, monkeypatch, capsys):
    _, _, preset = discogan
    card = _card(preset)
    record = _eval_json(preset, tmp_path / "folder.json")
    assert {key: record[key] for key in card} == card                    # exactly: same code, same float32 weights
    assert "generator_ba" in record["protocol"]["b2a_accuracy"]
    # the one-direction command the b2a protocol names (a whole-GAN preset folder loads through load_gan)
    one_way = _eval_json(preset, tmp_path / "b2a.json", "--metric", "fid", "--direction", "b2a", "--source",
                         "mnist-m", "--dataset", "mnist-32", "--extractor", "mnist")
    assert one_way["accuracy"] == card["b2a_accuracy"] and one_way["fid"] == pytest.approx(card["fid_mnist_b2a"],
                                                                                           rel=1e-9)
    capsys.readouterr()
    monkeypatch.setenv("KERAS_GANS_ZOO", str(preset.parent))           # the same preset, by name
    assert cli.main(["eval", preset.name]) == 0
    out = capsys.readouterr().out
    assert "label preservation A->B" in out and "label preservation B->A" in out
    assert out.count(" same\n") == 4 and "differs" not in out


def test_discogan_preset_loads_as_its_networks_and_as_a_discogan(discogan):
    gan, _, preset = discogan
    x = kg.data.load_arrays("mnist-32", split="test")[0][:4].astype("float32") / 127.5 - 1
    loaded = zoo.load(str(preset), part="gan")
    assert isinstance(loaded, kg.models.DiscoGAN)
    np.testing.assert_array_equal(loaded.translate(x, direction="b2a"), gan.translate(x, direction="b2a"))
    np.testing.assert_array_equal(zoo.load(str(preset)).predict(x, verbose=0), gan.generator_ab.predict(x, verbose=0))
    again = kg.models.DiscoGAN.from_preset(str(preset))
    np.testing.assert_array_equal(again.translate(x), gan.translate(x))
    assert int(again.g_optimizer.iterations.numpy()) == 0                  # compiled afresh, ready to fine-tune
    with pytest.raises(ValueError, match="sample\\(\\) needs a noise-to-image generator.*translate\\(images, direction"):
        zoo.sample(str(preset), 4)


def test_a_discogan_published_generator_only_has_the_one_way_card_its_generator_reproduces(discogan, tmp_path,
                                                                                          monkeypatch):
    """`--part generator` stores G_AB alone: its card must not claim B->A numbers the preset cannot reproduce."""
    _, model_file, _ = discogan
    preset = tmp_path / "zoo" / "discogan_ab_only"
    assert cli.main(["zoo", "publish", str(model_file), str(preset), "--dataset", "mnist2mnistm-unpaired",
                     "--eval"]) == 0
    card = _card(preset)
    assert set(card) == {"accuracy", "fid_mnistm"} and zoo.info(str(preset))["contents"] == "generator"
    monkeypatch.setenv("KERAS_GANS_ZOO", str(preset.parent))   # eval scores generator-only presets by name
    record = _eval_json(preset.name, tmp_path / "ab.json", "--metric", "fid")   # the general image-to-image path
    assert record["accuracy"] == card["accuracy"] and record["fid"] == pytest.approx(card["fid_mnistm"], rel=1e-9)


# ----------------------------------------------------------------------------------------------------------- SRGAN
@pytest.fixture(scope="module")
def srgan(tmp_path_factory):
    """The srgan recipe's model (8×8 MNIST-M → 32×32), tiny, after two GAN steps, saved and published with --eval."""
    recipe = kg.recipes.get("srgan")
    gan, ds, _ = recipe.build(recipe.args(batch_size=4, filters=4, residual_blocks=1, seed=0))
    gan.fit(ds, epochs=1, steps_per_epoch=2, verbose=0)
    root = tmp_path_factory.mktemp("sr")
    model_file = _run(root, "run", gan)
    preset = root / "zoo" / "srgan_tiny_mnistm"
    assert cli.main(["zoo", "publish", str(model_file), str(preset), "--dataset", "mnist-m", "--eval"]) == 0
    return gan, model_file, preset


def test_srgan_card_has_psnr_and_digit_accuracy_of_model_and_bicubic(srgan):
    gan, _, preset = srgan
    meta = zoo.info(str(preset))
    assert (meta["task"], meta["contents"], meta["resolution"]) == ("image_to_image", "generator", [32, 32, 3])
    assert meta["inputs"][0]["shape"] == [None, 8, 8, 3] and zoo.upscaling(meta) == 4
    metrics = meta["metrics"]
    assert list(metrics) == ["psnr", "psnr_bicubic", "digit_accuracy", "digit_accuracy_bicubic"]
    low, high, labels = kg.data.super_resolution_arrays("mnist-m", scale=4, split="test")
    assert metrics["psnr"]["value"] == pytest.approx(kg.metrics.psnr(high, gan.upscale(low)), abs=1e-4)
    bicubic = kg.utils.resize.bicubic_upscale(low, 4)
    assert metrics["psnr_bicubic"]["value"] == pytest.approx(kg.metrics.psnr(high, bicubic), abs=1e-9)
    clf = kg.metrics.mnistm_classifier()
    assert metrics["digit_accuracy_bicubic"]["value"] == pytest.approx(
        float((clf.predict(bicubic, verbose=0).argmax(-1) == labels).mean()), abs=1e-9)
    assert metrics["digit_accuracy"]["value"] == pytest.approx(
        float((clf.predict(gan.upscale(low), verbose=0).argmax(-1) == labels).mean()), abs=1e-9)
    protocol = metrics["psnr"]["protocol"]
    for words in ("500 mnist-m test images", "8×8", "antialiasing", "32×32×3", "keras-gans eval PRESET"):
        assert words in protocol, words
    assert "MNIST-M classifier" in metrics["digit_accuracy"]["protocol"]
    assert "upscaled = model.predict(lowres)" in (preset / "README.md").read_text()


def test_keras_gans_eval_of_the_srgan_preset_and_its_run_gives_the_card(srgan, tmp_path, capsys):
    _, model_file, preset = srgan
    card = _card(preset)
    record = _eval_json(preset, tmp_path / "preset.json")
    assert {key: record[key] for key in card} == card
    out = capsys.readouterr().out
    assert "PSNR:" in out and "bicubic" in out and out.count(" same\n") == 4
    from_run = _eval_json(model_file, tmp_path / "run.json")            # the .keras file: the same generator
    assert {key: from_run[key] for key in card} == card


def test_srgan_preset_loads_its_generator_and_sample_says_what_to_do(srgan):
    gan, _, preset = srgan
    low = kg.data.super_resolution_arrays("mnist-m", scale=4, split="test")[0][:3]
    generator = zoo.load(str(preset))
    np.testing.assert_array_equal(generator.predict(low, verbose=0), gan.generator.predict(low, verbose=0))
    again = kg.models.SRGAN.from_preset(str(preset))
    assert again.scale == 4 and again.lowres_shape == (8, 8, 3)
    np.testing.assert_allclose(again.upscale(low), gan.upscale(low), atol=1e-6)
    with pytest.raises(ValueError, match=r"4× super-resolution model \(\(8, 8, 3\) -> \(32, 32, 3\)\): upscale "
                                         r"low-resolution images with kg.zoo.load"):
        zoo.sample(str(preset), 4)


def test_bad_eval_of_an_srgan_preset_is_refused_clearly(srgan, capsys):
    _, _, preset = srgan
    assert cli.main(["eval", str(preset), "--dataset", "mnist-5k"]) == 2   # 28×28×1 digits: 7×7×1 at ×4
    err = capsys.readouterr().err
    assert "upscales low-resolution images of 8×8×3" in err and "7×7×1" in err and "'mnist-m'" in err
    assert cli.main(["eval", str(preset), "--metric", "fid"]) == 2
    assert "--metric does not apply to a super-resolution model" in capsys.readouterr().err
    assert cli.main(["zoo", "sample", str(preset), "-o", str(preset.parent / "x.png")]) == 2
    assert "super-resolution" in capsys.readouterr().err and not (preset.parent / "x.png").exists()
