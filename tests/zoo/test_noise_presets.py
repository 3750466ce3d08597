"""Presets of the noise-to-image models of issue 24 (ACGAN, BigGAN, SAGAN, InfoGAN, StyleGAN2): `keras-gans zoo publish
--eval` puts their numbers on the card, `keras-gans eval NAME` reproduces them, and `kg.zoo.sample/sampler/load`,
`Model.from_preset` and `kg.zoo.list(model=...)` work for them.

Each model is trained for one or two steps on a few mnist-5k digits, saved as `.keras`, published through the CLI into
a zoo folder of the test (`$KERAS_GANS_ZOO`), and evaluated by name. The conditional ones (ACGAN) and InfoGAN get a
generator that draws each class's (code's) mean digit plus z noise, so their label (code) accuracy is neither chance
nor perfect: a card that drew other labels, or an eval that drew other codes, would disagree with it.
"""
import json
import os

import keras
import numpy as np
import pytest
from keras import layers

import keras_gans as kg
from keras_gans.cli import main

N_FID = 100                               # FID samples of these tests (the real protocol takes 4,500)
CODE_ORDER = [3, 7, 0, 9, 1, 5, 8, 2, 6, 4]  # InfoGAN test generator: code k draws the digit CODE_ORDER[k]


def _mean_digits():
    x, y = kg.data.load_arrays("mnist-5k", "train")
    return np.stack([(x[y == k].astype("float32") / 127.5 - 1.0).mean(0).reshape(-1) for k in range(10)])


def digit_generator(latent_dim, order=tuple(range(10)), codes=False, noise=0.3):
    """[z, labels] (or [z, category, continuous]) -> tanh(3 * mean digit of class order[label] + noise(z, ...))."""
    z = keras.Input((latent_dim,), name="z")
    label = keras.Input((), dtype="int32", name="category" if codes else "labels")
    inputs = [z, label]
    embedding = layers.Embedding(10, 28 * 28, name="digit")
    noise_in = z
    if codes:
        continuous = keras.Input((2,), name="continuous")
        inputs.append(continuous)
        noise_in = layers.Concatenate()([z, continuous])
    shift = layers.Dense(28 * 28, use_bias=False, name="noise",
                         kernel_initializer=keras.initializers.RandomNormal(stddev=noise))(noise_in)
    x = layers.Activation("tanh")(layers.Add()([embedding(label), shift]))
    generator = keras.Model(inputs, layers.Reshape((28, 28, 1))(x), name="digit_generator")
    embedding.set_weights([3.0 * _mean_digits()[list(order)]])
    return generator


def _data(n=64, batch_size=32, labels=False, size=None):
    x, y = kg.data.load_arrays("mnist-5k", "train")
    return kg.data.make_pipeline((x[:n], y[:n]), batch_size, with_labels=labels, image_size=size, seed=0)


def _build(kind):
    keras.utils.set_random_seed(0)
    if kind == "acgan":   # trained in bfloat16: the card is scored as the float32 preset samples
        gan = kg.models.ACGAN(latent_dim=8, filters=8, generator=digit_generator(8), seed=0,
                              dtype_policy="mixed_bfloat16")
        data = _data(labels=True)
    elif kind == "biggan":
        gan, data = kg.models.BigGAN(latent_dim=12, width=8, embedding_dim=8, seed=0), _data(labels=True)
    elif kind == "infogan":
        gan = kg.models.InfoGAN(latent_dim=8, filters=8, hidden_units=16, seed=0,
                                generator=digit_generator(8, CODE_ORDER, codes=True))
        data = _data()
    elif kind == "sagan":
        gan, data = kg.models.SAGAN(latent_dim=8, width=8, seed=0), _data()
    else:  # 32x32, EMA generator far from the trained one after 2 steps
        gan = kg.models.StyleGAN2(image_shape=(32, 32, 1), latent_dim=8, style_dim=8, mapping_layers=1, max_filters=8,
                                  ema_decay=0.5, w_avg_decay=0.5, seed=0)
        data = _data(size=(32, 32))
    gan.compile()
    # Eagerly: two steps of a traced train step cost 3-4x more (tracing, graph optimisation) than the steps
    # themselves; the tests are about what publish/eval/sample do with the trained weights, not about the step.
    gan.run_eagerly = True
    gan.fit(data, epochs=1, verbose=0)
    gan.run_eagerly = False
    return gan


@pytest.fixture(scope="module")
def zoo(tmp_path_factory):
    """{kind: (trained gan, preset folder)}, each published with `keras-gans zoo publish --eval` into one folder."""
    root = tmp_path_factory.mktemp("noise_presets")
    published = {}
    for kind in ("acgan", "biggan", "infogan", "sagan", "stylegan2"):
        gan = _build(kind)
        run = root / "runs" / kind
        run.mkdir(parents=True)
        gan.save(str(run / "model.keras"))
        folder = root / "zoo" / f"{kind}_tiny"
        assert main(["zoo", "publish", str(run / "model.keras"), str(folder), "--eval", "--n-samples", str(N_FID),
                     "--dataset", "mnist-5k", "--training-command", "(2 steps)"]) == 0
        published[kind] = (gan, str(folder))
    return published


@pytest.fixture
def in_zoo(zoo, monkeypatch):
    monkeypatch.setenv("KERAS_GANS_ZOO", os.path.dirname(zoo["acgan"][1]))
    return zoo


def _eval(name, tmp_path, capsys, *extra):
    out = str(tmp_path / f"{name}.json")
    assert main(["eval", name, "-n", str(N_FID), "--json", out, *extra]) == 0
    return json.load(open(out)), capsys.readouterr().out


# ------------------------------------------------------------------ 1. label accuracy of conditional generators
def test_publish_eval_records_the_label_accuracy_that_eval_reproduces_bit_for_bit(in_zoo, tmp_path, capsys):
    gan, _ = in_zoo["acgan"]
    card = kg.zoo.info("acgan_tiny")["metrics"]
    label = card["label_accuracy"]
    cgan = kg.zoo.info("cgan_mnist")["metrics"]["label_accuracy"]
    assert set(label) == set(cgan) == {"value", "worst_class", "protocol"}         # the cgan_mnist card's entry
    assert label["protocol"] == cgan["protocol"].replace("CGAN.generate", "ACGAN.generate")
    assert 0.5 < label["value"] < 0.999 and label["worst_class"] < label["value"]   # neither chance nor perfect
    assert "ACGAN.generate's labels 0..9 cycling" in card["fid_mnist"]["protocol"]
    # the float32 numbers of the preset: what the trainer's model gives in float32 ...
    from keras_gans.training.precision import model_in_policy

    with model_in_policy(gan, "float32"):
        expected = kg.metrics.evaluate_label_accuracy(gan, n_samples=1000, seed=0)
    assert label["value"] == expected["label_accuracy"] and label["worst_class"] == expected["worst_class"]
    # ... and what `keras-gans eval NAME` prints, to the bit
    record, printed = _eval("acgan_tiny", tmp_path, capsys)
    assert "label accuracy of the mnist classifier on 1,000 samples" in printed
    assert record["label_accuracy"] == label["value"] and record["label_accuracy_worst_class"] == label["worst_class"]
    assert record["fid"] == pytest.approx(card["fid_mnist"]["value"], rel=1e-6)
    assert record["kid"] == pytest.approx(card["kid_mnist"]["value"], rel=1e-6)


def test_a_biggan_card_has_its_label_accuracy_untruncated_and_eval_matches(in_zoo, tmp_path, capsys):
    card = kg.zoo.info("biggan_tiny")["metrics"]
    assert "no truncation (truncation=None" in card["fid_mnist"]["protocol"]
    assert "BigGAN.generate(labels=...)" in card["label_accuracy"]["protocol"]
    record, _ = _eval("biggan_tiny", tmp_path, capsys, "--metric", "fid")
    assert record["label_accuracy"] == card["label_accuracy"]["value"]
    assert record["fid"] == pytest.approx(card["fid_mnist"]["value"], rel=1e-6)


def test_no_label_accuracy_off_digits_nor_for_unconditional_models(zoo):
    from argparse import Namespace

    from keras_gans.cli.zoo import digit_code_scores, digit_dataset

    gan, _ = zoo["acgan"]
    assert digit_dataset("mnist-5k") and digit_dataset("mnist") and not digit_dataset("mnist2mnistm-paired")
    assert digit_code_scores(gan, "celeba") == {} and digit_code_scores(zoo["sagan"][0], "mnist-5k") == {}
    assert "label_accuracy" not in kg.zoo.info(zoo["sagan"][1])["metrics"]
    from keras_gans.cli.zoo import _evaluate

    card = _evaluate(gan, gan, Namespace(dataset="fashion", n_samples=20))
    assert "label_accuracy" not in card and "fid_mnist" in card


# ------------------------------------------------------------------ 2. ACGAN and BigGAN presets
@pytest.mark.parametrize("kind", ["acgan", "biggan"])
def test_conditional_presets_load_sample_and_build_their_model(zoo, kind):
    from keras_gans.training.precision import model_in_policy

    gan, folder = zoo[kind]
    with model_in_policy(gan, "float32"):   # the ACGAN trained in bfloat16; its preset samples in float32
        _check_conditional_preset(gan, folder)


def _check_conditional_preset(gan, folder):
    meta = kg.zoo.info(folder)
    assert meta["num_classes"] == 10 and [s["name"] for s in meta["inputs"]] == ["z", "labels"]
    labels = np.array([7, 1, 7, 3, 0])
    with_labels = kg.zoo.sample(folder, 5, seed=2, labels=labels)
    np.testing.assert_allclose(with_labels, gan.generate(5, seed=2, labels=labels), atol=1e-5)
    np.testing.assert_allclose(kg.zoo.sample(folder, 12, seed=1), gan.generate(12, seed=1), atol=1e-5)  # 0..9 cycling
    assert not np.allclose(with_labels, kg.zoo.sample(folder, 5, seed=2, labels=(labels + 1) % 10), atol=1e-3)
    draw = kg.zoo.sampler(folder, seed=3)
    assert draw.num_classes == 10 and draw.categories is None
    np.testing.assert_allclose(draw(5, labels), gan.generate(5, seed=3, labels=labels), atol=1e-5)
    generator = kg.zoo.load(folder)
    z = np.random.default_rng(0).standard_normal((5, gan.latent_dim)).astype("float32")
    np.testing.assert_allclose(generator.predict([z, labels], verbose=0), gan.generate(z=z, labels=labels), atol=1e-5)
    cls = type(gan)
    model = cls.from_preset(folder)
    assert type(model) is cls and model.compiled and model.num_classes == 10
    np.testing.assert_allclose(model.generate(5, seed=2, labels=labels), gan.generate(5, seed=2, labels=labels),
                               atol=1e-5)
    with pytest.raises(ValueError, match="out of range"):
        kg.zoo.sample(folder, 2, labels=[0, 10])


def test_biggan_preset_samples_untruncated_and_its_model_truncates_like_the_trainer(zoo):
    gan, folder = zoo["biggan"]
    model = kg.models.BigGAN.from_preset(folder)
    assert (model.width, model.embedding_dim, model.orthogonal_reg) == (8, 8, gan.orthogonal_reg)
    plain = kg.zoo.sample(folder, 6, seed=4)
    np.testing.assert_allclose(plain, gan.generate(6, seed=4, truncation=None), atol=1e-5)
    truncated = model.generate(6, seed=4, truncation=0.5)
    np.testing.assert_allclose(truncated, gan.generate(6, seed=4, truncation=0.5), atol=1e-5)
    assert not np.allclose(truncated, plain, atol=1e-3)   # truncation is not what the preset samples


# ------------------------------------------------------------------ 3. StyleGAN2: the EMA generator at 32x32
def test_stylegan2_preset_stores_the_ema_generator_and_scores_on_28x28(in_zoo, tmp_path, capsys):
    gan, folder = in_zoo["stylegan2"]
    stored = kg.zoo.load(folder)
    assert stored.output_shape == (None, 32, 32, 1)
    z = np.random.default_rng(0).standard_normal((4, 8)).astype("float32")
    ema = gan.ema_generator.predict(z, verbose=0)
    assert not np.allclose(ema, np.clip(gan.generator.predict(z, verbose=0), -1, 1), atol=1e-3)  # EMA != trained
    np.testing.assert_allclose(stored.predict(z, verbose=0), ema, atol=1e-5)
    np.testing.assert_allclose(kg.zoo.sample(folder, 6, seed=0), gan.generate(6, seed=0), atol=1e-5)
    card = kg.zoo.info("stylegan2_tiny")["metrics"]["fid_mnist"]
    assert "resized=32×32 samples resized (bilinear, antialiased) to 28×28" in card["protocol"]
    assert "no truncation (truncation_psi=1)" in card["protocol"]
    record, printed = _eval("stylegan2_tiny", tmp_path, capsys, "--metric", "fid")
    assert record["fid"] == pytest.approx(card["value"], rel=1e-6)
    assert record["protocol"]["resized"] == "32×32 samples resized (bilinear, antialiased) to 28×28"
    assert "label accuracy" not in printed and "code accuracy" not in printed


def test_stylegan2_from_preset_truncates_towards_the_trained_average_w(zoo):
    gan, folder = zoo["stylegan2"]
    w_avg = gan.w_avg.numpy()
    assert np.abs(w_avg).max() > 1e-3          # moved during the 2 steps (w_avg_decay 0.5)
    assert kg.zoo.info(folder)["model_state"]["w_avg"] == [float(v) for v in w_avg]
    model = kg.models.StyleGAN2.from_preset(folder)
    np.testing.assert_array_equal(model.w_avg.numpy(), w_avg)
    np.testing.assert_allclose(model.generate(4, seed=1), gan.generate(4, seed=1), atol=1e-5)
    half = model.generate(4, seed=1, truncation_psi=0.5)
    np.testing.assert_allclose(half, gan.generate(4, seed=1, truncation_psi=0.5), atol=1e-5)
    assert not np.allclose(half, model.generate(4, seed=1), atol=1e-4)


# ------------------------------------------------------------------ 4. InfoGAN: its codes and code accuracy
def test_infogan_card_has_the_code_accuracy_and_eval_prints_the_same(in_zoo, tmp_path, capsys):
    card = kg.zoo.info("infogan_tiny")["metrics"]
    assert "fid_mnist" in card and "label_accuracy" not in card
    coded = card["code_accuracy"]
    assert coded["code_to_digit"] == CODE_ORDER                # the generator's own code -> digit map
    assert 0.5 < coded["value"] < 0.999 and coded["worst_code"] < coded["value"]
    assert "Hungarian" in coded["protocol"] and "InfoGAN.generate's codes drawn from the prior" in \
        card["fid_mnist"]["protocol"]
    record, printed = _eval("infogan_tiny", tmp_path, capsys)
    assert "code accuracy of the mnist classifier on 1,000 samples" in printed and "0->3 1->7" in printed
    assert "label accuracy" not in printed
    assert record["code_accuracy"] == coded["value"] and record["code_to_digit"] == CODE_ORDER
    assert record["code_accuracy_worst_code"] == coded["worst_code"]
    assert record["fid"] == pytest.approx(card["fid_mnist"]["value"], rel=1e-6)


def test_infogan_preset_draws_its_codes_like_generate(zoo):
    gan, folder = zoo["infogan"]
    meta = kg.zoo.info(folder)
    assert meta["num_classes"] is None and meta["model_config"]["categories"] == 10
    # the codes of InfoGAN.generate(n, seed): category and continuous from the prior, their own stream of the seed
    np.testing.assert_allclose(kg.zoo.sample(folder, 20, seed=5), gan.generate(20, seed=5), atol=1e-5)
    category, continuous = gan.codes(20, 5)
    assert len(set(category.tolist())) > 3 and np.abs(continuous).max() <= 1 and np.abs(continuous).min() > 0
    sevens = kg.zoo.sample(folder, 4, seed=5, category=7)
    np.testing.assert_allclose(sevens, gan.generate(4, seed=5, category=7), atol=1e-5)
    centred = kg.zoo.sample(folder, 4, seed=5, category=[1, 2, 3, 4], continuous=[0.0, 0.0])
    np.testing.assert_allclose(centred, gan.generate(4, seed=5, category=[1, 2, 3, 4], continuous=[0.0, 0.0]),
                               atol=1e-5)
    draw = kg.zoo.sampler(folder, seed=5)
    assert draw.categories == 10 and draw.num_classes is None
    codes = np.arange(10) % 10
    np.testing.assert_allclose(draw(10, codes), gan.generate(10, seed=5, category=codes), atol=1e-5)
    with pytest.raises(ValueError, match="category= .*instead of labels="):
        kg.zoo.sample(folder, 4, labels=[0, 1, 2, 3])
    with pytest.raises(ValueError, match="out of range"):
        kg.zoo.sample(folder, 2, category=[0, 10])
    with pytest.raises(ValueError, match="codes of InfoGAN presets"):
        kg.zoo.sample(zoo["sagan"][1], 2, category=1)
    model = kg.models.InfoGAN.from_preset(folder)
    assert (model.categories, model.continuous_codes) == (10, 2)
    np.testing.assert_allclose(model.generate(6, seed=1), gan.generate(6, seed=1), atol=1e-5)


# ------------------------------------------------------------------ 5. SAGAN, like DCGAN
def test_sagan_publishes_and_evals_like_dcgan(in_zoo, tmp_path, capsys):
    gan, folder = in_zoo["sagan"]
    card = kg.zoo.info("sagan_tiny")["metrics"]
    assert set(card) == {"fid_mnist", "kid_mnist", "is_mnist"}
    assert card["fid_mnist"]["protocol"].startswith("FID-MNIST (keras_gans.metrics.evaluate_generator): ")
    np.testing.assert_allclose(kg.zoo.sample(folder, 6, seed=0), gan.generate(6, seed=0), atol=1e-5)
    record, printed = _eval("sagan_tiny", tmp_path, capsys)
    assert "FID-MNIST" in printed and "label accuracy" not in printed
    for key in ("fid", "kid", "is"):
        assert record[key] == pytest.approx(card[f"{key}_mnist"]["value"], rel=1e-6), key
    model = kg.models.SAGAN.from_preset(folder)
    np.testing.assert_allclose(model.generate(4, seed=2), gan.generate(4, seed=2), atol=1e-5)


# ------------------------------------------------------------------ zoo list
def test_list_finds_each_model_and_its_bases(in_zoo):
    for kind, model in (("acgan", "ACGAN"), ("biggan", "BigGAN"), ("infogan", "InfoGAN"), ("sagan", "SAGAN"),
                        ("stylegan2", "StyleGAN2")):
        rows = kg.zoo.list(model=model)  # the tiny preset and any built-in one of the same class (acgan_mnist, ...)
        assert f"{kind}_tiny" in [r["name"] for r in rows] and {r["model"] for r in rows} == {model}, rows
        assert [r["name"] for r in kg.zoo.list(model=model.lower(), dataset="mnist")
                if r["name"].endswith("_tiny")] == [f"{kind}_tiny"]
    # a BigGAN is a CGAN (kg.models.CGAN.from_preset builds it), an ACGAN is not
    assert {"biggan_tiny", "cgan_mnist"} <= {r["name"] for r in kg.zoo.list(model=kg.models.CGAN)}
    assert "acgan_tiny" not in {r["name"] for r in kg.zoo.list(model="CGAN")}
    assert isinstance(kg.models.CGAN.from_preset("biggan_tiny", compile=False), kg.models.BigGAN)
