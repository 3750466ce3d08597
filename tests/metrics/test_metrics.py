"""FID / KID / IS, the shipped MNIST classifier, FIDCallback, `keras-gans eval`, memorisation check."""
import json
import os

import numpy as np
import pytest
import scipy.linalg

import keras
import keras_gans as kg
from keras_gans import metrics as M
from keras_gans import memorization


@pytest.fixture(scope="module")
def test_images():
    return M.reference_images("mnist-5k", "test")


@pytest.fixture(scope="module")
def train_images():
    return M.reference_images("mnist-5k", "train")


def _random_spd(rng, d, rank=None):
    a = rng.normal(size=(d, rank or d))
    return a @ a.T


# ------------------------------------------------------------------ FID statistics
def test_fid_closed_form_diagonal_gaussians():
    mu1, mu2 = np.array([0.0, 1.0, -2.0]), np.array([1.0, 1.0, 0.0])
    v1, v2 = np.array([1.0, 4.0, 9.0]), np.array([4.0, 1.0, 0.25])
    expected = np.sum((mu1 - mu2) ** 2) + np.sum((np.sqrt(v1) - np.sqrt(v2)) ** 2)
    assert M.frechet_distance(mu1, np.diag(v1), mu2, np.diag(v2)) == pytest.approx(expected, rel=1e-10)


def test_fid_matches_scipy_sqrtm_full_covariances():
    rng = np.random.default_rng(0)
    for d in (2, 7, 30):
        mu1, mu2 = rng.normal(size=d), rng.normal(size=d)
        s1, s2 = _random_spd(rng, d), _random_spd(rng, d)
        covmean = scipy.linalg.sqrtm(s1 @ s2)
        expected = np.sum((mu1 - mu2) ** 2) + np.trace(s1 + s2 - 2 * covmean.real)
        assert M.frechet_distance(mu1, s1, mu2, s2) == pytest.approx(expected, rel=1e-8)


def test_fid_rank_deficient_covariances_are_finite_and_correct():
    # 10 and 12 samples in 64 dimensions: both covariances are singular.
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(10, 64)), rng.normal(size=(12, 64)) + 0.3
    value = M.frechet_distance_from_features(x, y)
    assert np.isfinite(value) and isinstance(value, float)
    # Independent computation: eigenvalues of the (non-symmetric) product, real parts clipped at 0.
    s1, s2 = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    eig = np.linalg.eigvals(s1 @ s2)
    assert np.abs(eig.imag).max() < 1e-6 * np.abs(eig.real).max()
    tr_sqrt = np.sqrt(np.clip(eig.real, 0, None)).sum()
    expected = np.sum((x.mean(0) - y.mean(0)) ** 2) + np.trace(s1) + np.trace(s2) - 2 * tr_sqrt
    assert value == pytest.approx(expected, rel=1e-6)


def test_fid_of_samples_approaches_the_gaussian_closed_form():
    rng = np.random.default_rng(2)
    d = 3
    mu1, mu2 = np.zeros(d), np.array([1.0, 0.0, -1.0])
    s1, s2 = np.diag([1.0, 2.0, 0.5]), _random_spd(rng, d) / 3 + 0.1 * np.eye(d)
    x = rng.multivariate_normal(mu1, s1, size=40000)
    y = rng.multivariate_normal(mu2, s2, size=40000)
    assert M.frechet_distance_from_features(x, y) == pytest.approx(M.frechet_distance(mu1, s1, mu2, s2), rel=0.03)


def test_fid_rejects_mismatched_statistics():
    with pytest.raises(ValueError, match="same extractor"):
        M.frechet_distance(np.zeros(3), np.eye(3), np.zeros(4), np.eye(4))


# ------------------------------------------------------------------ streaming == one shot
def test_fid_metric_streaming_equals_one_shot():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(300, 16)), rng.normal(size=(250, 16)) * 1.5 + 0.2
    one_shot = M.frechet_distance_from_features(x, y)
    fid = M.FrechetInceptionDistance(extractor=None)
    for start in range(0, 300, 70):  # uneven batches, real and fake in separate calls
        fid.update_state(real=x[start:start + 70])
    for start in range(0, 250, 33):
        fid.update_state(fake=y[start:start + 33])
    assert fid.counts() == {"real": 300, "fake": 250}
    assert float(fid.result()) == pytest.approx(one_shot, rel=1e-5)
    fid.reset_fake()
    fid.update_state(fake=x)
    assert float(fid.result()) == pytest.approx(0.0, abs=1e-5)
    fid.reset_state()
    assert fid.counts() == {"real": 0, "fake": 0}
    with pytest.raises(ValueError, match="at least 2"):
        fid.result()


def test_kid_and_is_metrics_streaming_equal_one_shot():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(120, 8)), rng.normal(size=(90, 8)) + 0.5
    kid = M.KernelInceptionDistance(extractor=None, num_subsets=5, subset_size=50, seed=7)
    for start in range(0, 120, 50):
        kid.update_state(x[start:start + 50], y[start:start + 50] if start < 90 else None)
    assert kid.result_with_std() == pytest.approx(M.kernel_distance(x, y, 5, 50, seed=7))

    logits = rng.normal(size=(200, 10)) * 3
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    score = M.InceptionScore(extractor=None)
    for start in range(0, 200, 64):
        score.update_state(fake=p[start:start + 64])
    assert float(score.result()) == pytest.approx(M.inception_score(p, splits=1)[0], rel=1e-5)


# ------------------------------------------------------------------ KID
def test_kid_unbiased_mmd_matches_brute_force():
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(7, 4)), rng.normal(size=(9, 4)) + 1.0

    def k(a, b):
        return (a @ b / 4 + 1) ** 3

    xx = sum(k(x[i], x[j]) for i in range(7) for j in range(7) if i != j) / (7 * 6)
    yy = sum(k(y[i], y[j]) for i in range(9) for j in range(9) if i != j) / (9 * 8)
    xy = sum(k(x[i], y[j]) for i in range(7) for j in range(9)) / (7 * 9)
    assert M.mmd2_unbiased(x, y) == pytest.approx(xx + yy - 2 * xy, rel=1e-10)


def test_kid_near_zero_for_same_distribution_and_positive_when_shifted():
    rng = np.random.default_rng(6)
    a, b = rng.normal(size=(2000, 32)), rng.normal(size=(2000, 32))
    same, same_std = M.kernel_distance(a, b, num_subsets=20, subset_size=500)
    shifted, _ = M.kernel_distance(a, b + 0.5, num_subsets=20, subset_size=500)
    assert abs(same) < 3 * same_std / np.sqrt(20) + 1e-3
    assert shifted > 50 * max(abs(same), 1e-4)


def test_kid_of_identical_image_sets_is_near_zero(test_images):
    kid = M.KernelInceptionDistance(extractor="mnist", num_subsets=10)
    kid.update_state(test_images, test_images)
    same, _ = kid.result_with_std()
    kid.reset_fake()
    kid.update_state(fake=np.clip(test_images + 0.5 * np.random.default_rng(0).normal(size=test_images.shape), -1, 1))
    noisy, _ = kid.result_with_std()
    assert abs(same) < 0.01 * noisy


# ------------------------------------------------------------------ IS
def test_inception_score_bounds():
    k = 10
    one_hot = np.eye(k)[np.arange(1000) % k]  # confident, every class equally often
    assert M.inception_score(one_hot, splits=1) == pytest.approx((k, 0.0), abs=1e-6)
    assert M.inception_score(one_hot, splits=10, shuffle=False) == pytest.approx((k, 0.0), abs=1e-6)
    uniform = np.full((100, k), 1.0 / k)     # no confidence at all
    assert M.inception_score(uniform, splits=1)[0] == pytest.approx(1.0)
    collapsed = np.eye(k)[np.zeros(100, int)]  # confident, one class only
    assert M.inception_score(collapsed, splits=1)[0] == pytest.approx(1.0)
    three = np.eye(k)[np.arange(99) % 3]
    assert M.inception_score(three, splits=1)[0] == pytest.approx(3.0, rel=1e-6)
    in_class_order = np.eye(k)[np.repeat(np.arange(k), 100)]  # sorted by class, like mnist-5k
    assert M.inception_score(in_class_order, splits=10)[0] > 9.0
    assert M.inception_score(in_class_order, splits=10, shuffle=False)[0] == pytest.approx(1.0)
    metric = M.InceptionScore(extractor=None)
    metric.update_state(one_hot)
    assert float(metric.result()) == pytest.approx(k, rel=1e-5)
    with pytest.raises(ValueError, match="logits"):
        M.inception_score(np.random.default_rng(0).normal(size=(20, 10)))


# ------------------------------------------------------------------ images: FID-MNIST behaviour
def test_fid_mnist_real_vs_real_is_zero_and_grows_with_noise(test_images):
    rng = np.random.default_rng(0)
    fid = M.FrechetInceptionDistance(extractor="mnist")
    fid.update_state(real=test_images)
    values = []
    for sigma in (0.0, 0.1, 0.2, 0.4, 0.8):
        noisy = np.clip(test_images + sigma * rng.normal(size=test_images.shape), -1, 1).astype("float32")
        fid.reset_fake()
        fid.update_state(fake=noisy)
        values.append(float(fid.result()))
    assert values[0] == pytest.approx(0.0, abs=1e-3)
    assert all(b > a for a, b in zip(values, values[1:])), values


def test_mnist_classifier_held_out_accuracy():
    clf = M.mnist_classifier()
    x, y = kg.data.load_arrays("mnist-5k", split="test")
    probs = clf.predict(x.astype("float32") / 127.5 - 1.0, verbose=0)
    assert probs.shape == (500, 10)
    assert np.allclose(probs.sum(1), 1.0, atol=1e-4)
    assert (probs.argmax(-1) == y).mean() >= 0.98
    assert os.path.getsize(M.mnist.weights_path()) < 1_000_000


def test_mnist_extractor_converts_sizes_and_channels(test_images):
    ext = M.get_extractor("mnist")
    base = np.asarray(ext.features(test_images[:8]))
    assert base.shape == (8, 128)
    rgb = np.repeat(test_images[:8], 3, axis=-1)
    assert np.allclose(np.asarray(ext.features(rgb)), base, atol=1e-3)  # grey → RGB → grey is lossless
    uint8 = np.round((test_images[:8] + 1) * 127.5).astype("uint8")
    assert np.allclose(np.asarray(ext.features(uint8)), base, atol=1e-2)
    big = np.asarray(keras.ops.image.resize(test_images[:8], (56, 56)))
    probs = np.asarray(ext.probabilities(big))
    assert (probs.argmax(-1) == np.asarray(ext.probabilities(test_images[:8])).argmax(-1)).mean() >= 0.75
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        ext.features(test_images[:8] * 127.5 + 127.5)
    with pytest.raises(ValueError, match="batch"):
        ext.features(np.zeros((28, 28, 1, 1, 1), "float32"))


def test_inception_extractor_offline_error_and_protocol(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_GANS_OFFLINE", "1")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(ConnectionError, match="mnist"):
        M.InceptionV3Extractor()
    with pytest.raises(FileNotFoundError, match="weights"):
        M.InceptionV3Extractor(weights=str(tmp_path / "missing.h5"))
    ext = M.InceptionV3Extractor(weights=None)  # architecture only
    feats, probs = ext.features_and_probabilities(np.zeros((2, 28, 28, 1), "float32"))
    assert tuple(feats.shape) == (2, 2048) and tuple(probs.shape) == (2, 1000)
    assert ext.protocol["input_size"] == (299, 299)


def test_metric_config_round_trip():
    fid = M.FrechetInceptionDistance(extractor="mnist", name="fid_mnist")
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(fid))
    assert isinstance(restored, M.FrechetInceptionDistance)
    assert restored.get_config() == fid.get_config()
    kid = M.KernelInceptionDistance(extractor=None, num_subsets=3, subset_size=20)
    assert M.KernelInceptionDistance.from_config(kid.get_config()).subset_size == 20
    score = M.InceptionScore(extractor="mnist")
    assert M.InceptionScore.from_config(score.get_config()).num_classes == 10
    with pytest.raises(ValueError, match="Unknown feature extractor"):
        M.FrechetInceptionDistance(extractor="vgg").update_state(np.zeros((2, 28, 28, 1)))


# ------------------------------------------------------------------ helpers and protocol
def test_evaluate_generator_and_real_baseline(tiny_gan, test_images):
    scores = M.evaluate_generator(tiny_gan, n_samples=300, kid_subsets=5)
    assert set(scores) == {"fid", "kid", "kid_std", "is", "is_std", "protocol"}
    p = scores["protocol"]
    assert p["n_fake"] == 300 and p["n_real"] == 500 and "mnist-5k" in p["reference"] and p["is_splits"] == 10
    assert "mnist_classifier" in p["extractor"] and p["weights_sha256"]
    base = M.real_baseline(metrics=("fid", "is"))
    assert base["protocol"]["n_fake"] == 4500
    assert base["fid"] < 0.2 * scores["fid"]          # an untrained generator is far from the data
    assert base["is"] > 8.5 and scores["is"] < base["is"]
    assert "n_real=500" in M.format_protocol(p)
    with pytest.raises(ValueError, match="Unknown metric"):
        M.evaluate_images(test_images, test_images, metrics=("fd",))


EMPTY = r"^metrics=\(\) selects no metric; at least one is needed: choose from \('fid', 'kid', 'is'\)\.$"


def _never(*_):
    raise AssertionError("images were generated or translated before the metrics were checked")


@pytest.mark.parametrize("evaluate", [
    lambda m: M.evaluate_images(np.zeros((2, 28, 28, 1), "float32"), np.zeros((2, 28, 28, 1), "float32"), metrics=m),
    lambda m: M.evaluate_generator(_never, metrics=m, real=np.zeros((2, 28, 28, 1), "float32")),
    lambda m: M.evaluate_translation(_never, metrics=m),
    lambda m: M.real_baseline(metrics=m),
    lambda m: kg.callbacks.FIDCallback(np.zeros((2, 28, 28, 1), "float32"), metrics=m),
], ids=["evaluate_images", "evaluate_generator", "evaluate_translation", "real_baseline", "FIDCallback"])
def test_no_metric_is_refused_as_empty_not_unknown_before_any_image_is_made(evaluate):
    with pytest.raises(ValueError, match=EMPTY):
        evaluate(())
    with pytest.raises(ValueError, match=r"^metrics=\[\] selects no metric"):
        evaluate([])
    with pytest.raises(ValueError, match=r"^Unknown metric\(s\) \['fd'\]; choose from \('fid', 'kid', 'is'\)\.$"):
        evaluate(("fid", "fd"))


# ------------------------------------------------------------------ callback
def test_fid_callback_logs_into_history_for_early_stopping(tiny_gan, small_ds, tmp_path):
    cb = kg.callbacks.FIDCallback("mnist-5k", every=1, n_samples=200, metrics=("fid", "is"),
                                  tensorboard_dir=str(tmp_path / "tb"), verbose=0)
    stop = keras.callbacks.EarlyStopping(monitor="fid", mode="min", patience=0)
    ckpt = keras.callbacks.ModelCheckpoint(str(tmp_path / "best.weights.h5"), monitor="fid", mode="min",
                                           save_best_only=True, save_weights_only=True)
    history = tiny_gan.fit(small_ds, epochs=2, verbose=0, callbacks=[cb, stop, ckpt])
    fids = history.history["fid"]
    assert len(fids) == len(history.history["d_loss"]) >= 1
    assert all(np.isfinite(fids)) and min(fids) > 0
    assert "inception_score" in history.history
    assert (tmp_path / "best.weights.h5").exists()
    assert any(f.startswith("events") for _, _, files in os.walk(tmp_path / "tb") for f in files)
    assert cb.best("fid")[1] == min(fids)


def test_fid_callback_every_n_epochs(tiny_gan, small_ds):
    cb = kg.callbacks.FIDCallback(M.reference_images("mnist-5k", "test")[:200], every=2, n_samples=100, verbose=0)
    history = tiny_gan.fit(small_ds.take(2), epochs=3, verbose=0, callbacks=[cb])
    assert [e for e, _ in cb.evaluations] == [2]
    assert len(history.history["fid"]) == 1
    with pytest.raises(ValueError, match="every"):
        kg.callbacks.FIDCallback("mnist-5k", every=0)


def test_fid_callback_passes_generate_kwargs_to_score_one_domain_of_a_cogan():
    keras.utils.set_random_seed(0)
    gan = kg.models.CoGAN(image_shape=(28, 28, 1), latent_dim=8, filters=4, seed=0)
    gan.compile()
    real = M.reference_images("mnist-5k", "test")[:100]
    cb = kg.callbacks.FIDCallback(real, n_samples=50, verbose=0, generate_kwargs={"domain": "a"})
    ds = kg.data.load_pair("mnist2negative-unpaired", batch_size=8).take(2)
    history = gan.fit(ds, epochs=1, verbose=0, callbacks=[cb], shuffle=False)
    (fid,) = history.history["fid"]
    assert np.isfinite(fid) and fid > 0 and cb.protocol["generate_kwargs"] == {"domain": "a"}
    # the 28x28 digits G_A(z) of the callback's z, not the 28x56 pairs of generate's default
    expected = M.evaluate_images(real, gan.generate(50, seed=0, domain="a"), metrics=("fid",))["fid"]
    assert cb.evaluate()["fid"] == pytest.approx(expected, rel=1e-4) == pytest.approx(fid, rel=1e-4)
    assert "generate_kwargs" not in kg.callbacks.FIDCallback(real).protocol

    typo = kg.callbacks.FIDCallback(real, n_samples=50, verbose=0, generate_kwargs={"domian": "a"})
    with pytest.raises(ValueError, match=r"generate_kwargs \['domian'\] are not arguments of CoGAN.generate "
                                         r"\(it takes n, seed, z, .*domain\)"):
        gan.fit(ds, epochs=1, verbose=0, callbacks=[typo], shuffle=False)
    bad = kg.callbacks.FIDCallback(real, n_samples=50, verbose=0, generate_kwargs={"domain": "c"})
    bad.set_model(gan)
    with pytest.raises(ValueError, match="domain must be one of"):   # the model's own check
        bad.evaluate()
    with pytest.raises(ValueError, match="generate_kwargs may not set n, seed"):
        kg.callbacks.FIDCallback(real, generate_kwargs={"seed": 1, "n": 2})
    with pytest.raises(ValueError, match="generate_kwargs must be a dict"):
        kg.callbacks.FIDCallback(real, generate_kwargs=["domain", "a"])


# ------------------------------------------------------------------ CLI
def test_cli_eval(tiny_gan, tmp_path, capsys):
    from keras_gans.cli import main

    path = str(tmp_path / "gan.keras")
    tiny_gan.save(path)
    out = str(tmp_path / "scores.json")
    assert main(["eval", path, "--metric", "fid", "--metric", "is", "-n", "200", "--json", out]) == 0
    printed = capsys.readouterr().out
    assert "FID-MNIST" in printed and "IS-MNIST" in printed and "KID" not in printed and "protocol:" in printed
    record = json.load(open(out))
    assert record["fid"] > 0 and record["protocol"]["n_fake"] == 200
    assert main(["eval", str(tmp_path / "missing.keras")]) == 2
    assert "No model file" in capsys.readouterr().err


# ------------------------------------------------------------------ memorisation
def test_nearest_neighbours_and_memorization_report(train_images, test_images, tmp_path):
    train = train_images[:1000]
    copies = train[[5, 17, 400]]
    idx, dist = memorization.nearest_neighbours(copies, train, k=2)
    assert idx[:, 0].tolist() == [5, 17, 400] and np.allclose(dist[:, 0], 0, atol=1e-3)
    assert (dist[:, 1] > 1.0).all()
    # brute force on a few held-out images
    idx, dist = memorization.nearest_neighbours(test_images[:5], train, k=3)
    brute = np.sqrt(((test_images[:5, None] - train[None]) ** 2).reshape(5, len(train), -1).sum(-1))
    assert idx.tolist() == np.argsort(brute, axis=1)[:, :3].tolist()
    assert np.allclose(dist, np.sort(brute, axis=1)[:, :3], rtol=1e-4)
    order = np.random.default_rng(0).permutation(len(test_images))  # the split is stored in digit order
    held_out, fresh_images = test_images[order[:100]], test_images[order[100:150]]
    copied = memorization.memorization_report(train[:50], train, held_out)
    fresh = memorization.memorization_report(fresh_images, train, held_out)
    assert copied["ratio"] < 0.01 and copied["near_copies"] == 1.0
    assert 0.7 < fresh["ratio"] < 1.3 and fresh["near_copies"] < 0.1
    feats = memorization.nearest_neighbours(copies, train, k=1, space="features")[0]
    assert feats[:, 0].tolist() == [5, 17, 400]
    png = tmp_path / "nn.png"
    memorization.plot_nearest_neighbours(test_images[:4], train, str(png), k=3)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="shape"):
        memorization.nearest_neighbours(np.zeros((2, 32, 32, 1)), train)


# ------------------------------------------------------------------ slow: a real training run
@pytest.mark.slow
def test_fid_mnist_falls_as_the_book_dcgan_trains():
    """3 epochs of the book DCGAN on mnist-5k: FID-MNIST (1,000 samples vs the 500 test images) falls
    well below the untrained generator's and IS-MNIST rises (one run measured IS 1.00 → 1.29 here: digits are
    still rough after 3 epochs; the benchmark's quick FID went ~550 → 348 (epoch 2) → 65 (epoch 4))."""
    keras.utils.set_random_seed(0)
    gan = kg.models.DCGAN(image_shape=(28, 28, 1), latent_dim=100, seed=0)
    gan.compile()
    before = M.evaluate_generator(gan, metrics=("fid", "is"), n_samples=1000)
    cb = kg.callbacks.FIDCallback("mnist-5k", every=3, n_samples=1000, metrics=("fid", "is"), verbose=0)
    history = gan.fit(kg.data.load("mnist-5k", batch_size=64, seed=0), epochs=3, verbose=0, callbacks=[cb])
    fid_after = history.history["fid"][-1]
    assert fid_after < 0.5 * before["fid"], (before["fid"], fid_after)
    assert history.history["inception_score"][-1] > before["is"] + 0.1


def test_cli_eval_scores_a_generator_only_zoo_preset(tmp_path, capsys):
    from keras_gans.cli import main

    out = str(tmp_path / "scores.json")
    assert main(["eval", "dcgan_mnist", "--metric", "fid", "-n", "300", "--json", out]) == 0
    record = json.load(open(out))
    assert "FID-MNIST" in capsys.readouterr().out
    # the same z as kg.zoo.sample(seed=0), scored by the library call directly
    expected = kg.metrics.evaluate_generator(lambda n: kg.zoo.sample("dcgan_mnist", n, seed=0),
                                             metrics=("fid",), n_samples=300)
    assert record["fid"] == pytest.approx(expected["fid"], rel=1e-5)
    assert record["fid"] < 60  # a trained generator: the untrained network is far above this


def test_cli_eval_scores_an_image_to_image_zoo_preset(tmp_path, capsys):
    """`keras-gans eval` on the pix2pix preset reproduces the digit accuracy and FID-MNIST-M of its card."""
    from keras_gans.cli import main

    out = str(tmp_path / "scores.json")
    assert main(["eval", "pix2pix_mnist_mnistm", "--metric", "fid", "--json", out]) == 0
    printed = capsys.readouterr().out
    assert "FID-MNIST-M" in printed and "digit accuracy" in printed and "L1" in printed
    record, card = json.load(open(out)), kg.zoo.info("pix2pix_mnist_mnistm")["metrics"]
    assert record["accuracy"] == pytest.approx(card["accuracy"]["value"], abs=0.005)
    assert record["fid"] == pytest.approx(card["fid_mnistm"]["value"], rel=0.05)
    assert card["accuracy"]["value"] > 0.5  # trained: the untrained network reads 0.100 (docs/metrics.md)


def test_evaluate_label_accuracy_reads_the_requested_digits():
    """Real test digits of the requested label score high, digits of the next label score near 0; per class too."""
    x, y = kg.data.load_arrays("mnist-5k", "test")
    x = x.astype("float32") / 127.5 - 1.0
    by_label = {k: x[y == k] for k in range(10)}

    def real_digits(shift):
        def draw(n, labels):
            return np.stack([by_label[(int(k) + shift) % 10][i // 10 % len(by_label[(int(k) + shift) % 10])]
                             for i, k in enumerate(labels)])
        return draw

    right = M.evaluate_label_accuracy(real_digits(0), num_classes=10, n_samples=200)
    wrong = M.evaluate_label_accuracy(real_digits(1), num_classes=10, n_samples=200)
    assert right["label_accuracy"] > 0.9 and wrong["label_accuracy"] < 0.1
    assert len(right["per_class"]) == 10 and right["worst_class"] == min(right["per_class"])
    assert right["protocol"]["n_samples"] == 200 and "20 per label" in right["protocol"]["labels"]
    with pytest.raises(ValueError, match="needs a conditional generator"):
        M.evaluate_label_accuracy(real_digits(0), n_samples=200)
    with pytest.raises(ValueError, match="n_samples must be an integer ≥ num_classes"):
        M.evaluate_label_accuracy(real_digits(0), num_classes=10, n_samples=5)


def test_best_assignment_accuracy_by_hand():
    codes = np.array([0, 0, 1, 1, 2, 2])
    predicted = np.array([7, 7, 3, 7, 3, 3])     # code 0 → 7 (2), code 1 → 3 or 7, code 2 → 3 (2): best 0→7, 2→3, 1→x
    accuracy, mapping = M.best_assignment_accuracy(codes, predicted)
    assert accuracy == pytest.approx(4 / 6) and mapping[0] == 7 and mapping[2] == 3 and mapping[1] not in (3, 7)
    # one-to-one: the greedy choice (every code → its most frequent class, 3) is not allowed
    accuracy, mapping = M.best_assignment_accuracy([0, 0, 0, 1, 1, 1], [3, 3, 3, 3, 3, 5], num_classes=10)
    assert accuracy == pytest.approx(4 / 6) and mapping == {0: 3, 1: 5}
    # more codes than classes: the unmatched code maps to None and its samples count as wrong
    accuracy, mapping = M.best_assignment_accuracy([0, 1, 2, 2], [0, 1, 1, 1], num_codes=3, num_classes=2)
    assert accuracy == pytest.approx(3 / 4) and mapping == {0: 0, 1: None, 2: 1}
    with pytest.raises(ValueError, match="same length"):
        M.best_assignment_accuracy([0, 1], [0])
    with pytest.raises(ValueError, match="non-negative ints"):
        M.best_assignment_accuracy([0.5, 1.0], [0, 1])
    with pytest.raises(ValueError, match=r"predicted in \[0, 10\)"):
        M.best_assignment_accuracy([0, 1], [0, 10], num_classes=10)


def test_evaluate_code_accuracy_finds_the_permutation_of_the_codes():
    """A 'generator' whose code k draws real test digits of class order[k] scores ~1 with that map; one that
    ignores its code scores about chance; the categorical code cycles 0..K-1."""
    x, y = kg.data.load_arrays("mnist-5k", "test")
    x = x.astype("float32") / 127.5 - 1.0
    by_digit = {k: x[y == k] for k in range(10)}
    order = [4, 0, 9, 1, 8, 2, 7, 3, 6, 5]
    seen = []

    def permuted(n, category):
        seen.append(np.asarray(category))
        return np.stack([by_digit[order[int(c)]][i // 10] for i, c in enumerate(category)])

    result = M.evaluate_code_accuracy(permuted, categories=10, n_samples=200, seed=3)
    assert seen[0].tolist() == [i % 10 for i in range(200)]
    assert result["code_accuracy"] > 0.9 and result["code_to_digit"] == order
    assert len(result["per_code"]) == 10 and result["worst_code"] == min(result["per_code"])
    assert result["protocol"]["n_samples"] == 200 and result["protocol"]["sample_seed"] == 3
    assert "20 per value" in result["protocol"]["codes"]

    def ignores_code(n, category):
        return x[np.random.default_rng(0).permutation(len(x))[:n]]

    assert M.evaluate_code_accuracy(ignores_code, categories=10, n_samples=200)["code_accuracy"] < 0.35
    with pytest.raises(ValueError, match="needs a generator with a categorical code"):
        M.evaluate_code_accuracy(permuted, n_samples=200)
    with pytest.raises(ValueError, match="not a classifier"):
        M.evaluate_code_accuracy(permuted, categories=10, n_samples=20,
                                 extractor=M.CallableExtractor(lambda im: im.reshape(len(im), -1), feature_dim=784))


def test_cli_eval_reproduces_the_label_accuracy_of_the_cgan_card(tmp_path, capsys):
    """`keras-gans eval cgan_mnist` also prints the label accuracy of its card (1,000 samples, z seed 0)."""
    from keras_gans.cli import main

    out = str(tmp_path / "scores.json")
    assert main(["eval", "cgan_mnist", "--metric", "fid", "-n", "300", "--json", out]) == 0
    assert "label accuracy of the mnist classifier on 1,000 samples" in capsys.readouterr().out
    record, card = json.load(open(out)), kg.zoo.info("cgan_mnist")["metrics"]["label_accuracy"]
    assert record["label_accuracy"] == pytest.approx(card["value"], abs=1e-6)
    assert record["label_accuracy_worst_class"] == pytest.approx(card["worst_class"], abs=1e-6)
    assert main(["eval", "dcgan_mnist", "--metric", "fid", "-n", "300", "--json", out]) == 0
    assert "label_accuracy" not in json.load(open(out))       # unconditional: no labels to read


@pytest.mark.parametrize("name", ["sgan_mnist_100labels", "mnist_classifier"])
def test_cli_eval_reproduces_a_classifier_presets_card(name, tmp_path, capsys):
    """A classifier preset is scored by its test accuracy, exactly the number on its card."""
    from keras_gans.cli import main

    out = str(tmp_path / "scores.json")
    assert main(["eval", name, "--json", out]) == 0
    assert "test accuracy" in capsys.readouterr().out
    card = kg.zoo.info(name)["metrics"]["test_accuracy"]
    record = json.load(open(out))
    assert record["test_accuracy"] == card["value"]
    assert "mnist-5k test split (500 images" in record["protocol"] and "mnist-5k test split (500 images" in card["protocol"]


def test_cli_eval_scores_one_domain_of_a_cogan_preset(tmp_path):
    """A CoGAN preset stores pairs side by side; eval scores domain A (left) or B (right), not the pairs."""
    from keras_gans.cli import main

    scores = {}
    for domain in ("a", "b"):
        out = str(tmp_path / f"{domain}.json")
        assert main(["eval", "cogan_mnist", "--metric", "fid", "-n", "300", "--domain", domain, "--json", out]) == 0
        scores[domain] = json.load(open(out))["fid"]
    pairs = kg.zoo.sample("cogan_mnist", 300, seed=0)
    assert pairs.shape == (300, 28, 56, 1)
    expected = kg.metrics.evaluate_generator(lambda n: pairs[:n, :, :28], metrics=("fid",), n_samples=300)
    assert scores["a"] == pytest.approx(expected["fid"], rel=1e-5)
    assert scores["b"] > 2 * scores["a"]  # negatives are far from the real (dark-ground) digits
    # and the card's pair agreement (1,000 pairs, z seed 0), whichever domain is scored
    record, card = json.load(open(out)), kg.zoo.info("cogan_mnist")["metrics"]
    assert record["pair_agreement"] == pytest.approx(card["pair_agreement"]["value"], abs=1e-6)
    assert record["pair_pixel_l1"] == pytest.approx(card["pair_pixel_l1"]["value"], abs=1e-5)
    assert "undone negative" in record["pair_protocol"]


def test_a_32x32_preset_is_scored_resized_to_28x28_and_says_so(tmp_path):
    """`kg.zoo.sampler` + `evaluate_generator` (what `keras-gans eval`, `benchmarks/zoo_metrics.py` and `zoo
    publish --eval` score): a 32×32 generator gets a finite FID-MNIST equal to resizing its samples by hand
    (bilinear, antialiased, to 28×28), and the protocol states the resize."""
    from argparse import Namespace

    from keras_gans.cli.zoo import _evaluate

    keras.utils.set_random_seed(0)
    gan = kg.models.DCGAN(image_shape=(32, 32, 1), latent_dim=8)
    path = kg.zoo.publish(gan, tmp_path / "tiny32", training_command="x")
    draw = kg.zoo.sampler(path)
    images = draw(60)
    assert images.shape == (60, 32, 32, 1) and draw.samples_description is None and draw.pair_sampler is None
    np.testing.assert_allclose(images, gan.generate(60, seed=0), atol=1e-5)   # the trainer's z of seed 0
    scores = M.evaluate_generator(draw, n_samples=60)
    by_hand = np.clip(keras.ops.convert_to_numpy(keras.ops.image.resize(
        images, (28, 28), interpolation="bilinear", antialias=True)), -1.0, 1.0)
    expected = M.evaluate_generator(lambda n: by_hand[:n], n_samples=60)
    assert np.isfinite(scores["fid"])
    for key in ("fid", "kid", "is"):
        assert scores[key] == pytest.approx(expected[key], rel=1e-4, abs=1e-6), key
    assert scores["protocol"]["resized"] == "32×32 samples resized (bilinear, antialiased) to 28×28"
    assert "resized" not in expected["protocol"]
    assert "resized=32×32 samples resized (bilinear, antialiased) to 28×28" in M.format_protocol(scores["protocol"])
    # `zoo publish --eval` of such a GAN records fid_mnist, with the resize in its protocol
    card = _evaluate(gan, gan, Namespace(dataset="mnist-5k", n_samples=60))
    assert card["fid_mnist"]["value"] == pytest.approx(scores["fid"], rel=1e-3)
    assert "32×32 samples resized (bilinear, antialiased) to 28×28" in card["fid_mnist"]["protocol"]
    # a preset of the whole GAN samples with its own generate(), as `keras-gans eval` of it
    whole = kg.zoo.publish(gan, tmp_path / "tiny32_gan", contents="gan", training_command="x")
    np.testing.assert_array_equal(kg.zoo.sampler(whole)(8), gan.generate(8, seed=0))


def test_a_pair_preset_is_scored_by_its_domain_a_half(tmp_path):
    """A CoGAN preset stores [G_A(z) | G_B(z)] side by side: `kg.zoo.sampler` returns the left (domain A) half,
    its FID-MNIST is that of the left halves, the protocol says so, and `zoo publish --eval` records fid_mnist_a."""
    from argparse import Namespace

    from keras_gans.cli.zoo import _evaluate

    keras.utils.set_random_seed(0)
    gan = kg.models.CoGAN(image_shape=(28, 28, 1), latent_dim=8, filters=8)
    path = kg.zoo.publish(gan, tmp_path / "tiny_pairs", training_command="x", dataset="mnist2negative-unpaired")
    pairs = kg.zoo.sample(path, 60, seed=0)
    assert pairs.shape == (60, 28, 56, 1)
    draw = kg.zoo.sampler(path)
    np.testing.assert_array_equal(draw(60), pairs[:, :, :28])
    np.testing.assert_array_equal(kg.zoo.sampler(path, domain="b")(60), pairs[:, :, 28:])
    np.testing.assert_allclose(draw(60), gan.generate(60, seed=0, domain="a"), atol=1e-5)
    a, b = draw.pair_sampler(60)
    np.testing.assert_array_equal(np.concatenate([a, b], axis=2), pairs)
    scores = M.evaluate_generator(draw, n_samples=60)
    expected = M.evaluate_generator(lambda n: pairs[:n, :, :28], n_samples=60)
    assert np.isfinite(scores["fid"]) and scores["fid"] == pytest.approx(expected["fid"], rel=1e-6)
    assert scores["protocol"]["fake"] == "domain A half of each 28×56 pair (G_A(z), z seed 0)"
    assert "resized" not in scores["protocol"]
    card = _evaluate(gan, gan, Namespace(dataset="mnist2negative-unpaired", n_samples=60))
    assert card["fid_mnist_a"]["value"] == pytest.approx(scores["fid"], rel=1e-3)
    with pytest.raises(ValueError, match="domain must be"):
        kg.zoo.sampler(path, domain="both")


@pytest.mark.slow
def test_cli_eval_reproduces_the_cogan_presets_card(tmp_path):
    from keras_gans.cli import main

    out = str(tmp_path / "a.json")
    assert main(["eval", "cogan_mnist", "--json", out]) == 0
    record, card = json.load(open(out)), kg.zoo.info("cogan_mnist")["metrics"]
    assert record["fid"] == pytest.approx(card["fid_mnist_a"]["value"], rel=1e-3)
    assert record["kid"] == pytest.approx(card["kid_mnist_a"]["value"], rel=1e-3)


def test_an_extractor_config_rebuilds_twice_and_stays_unchanged():
    """get_extractor({"model": ...}) once emptied the caller's nested network config (Keras pops its keys)."""
    import copy

    import keras

    from keras_gans.metrics.extractors import CallableExtractor, get_extractor

    inputs = keras.Input((4, 4, 1))
    net = keras.Model(inputs, keras.layers.Dense(3)(keras.layers.Flatten()(inputs)))     # functional
    config = CallableExtractor(net).get_config()
    snapshot = copy.deepcopy(config)
    first, second = get_extractor(config), get_extractor(config)
    assert config == snapshot
    x = np.ones((2, 4, 4, 1), "float32")
    assert tuple(first.fn(x).shape) == tuple(second.fn(x).shape) == (2, 3)      # the same architecture, twice
