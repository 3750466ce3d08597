"""keras_gans.latent: interpolation, truncation, arithmetic, inversion, editing."""
import numpy as np
import pytest

import keras_gans as kg
from keras_gans import latent


@pytest.fixture(scope="module")
def dcgan():
    return kg.models.DCGAN(image_shape=(28, 28, 1), latent_dim=32, seed=0)


@pytest.fixture(scope="module")
def cgan():
    return kg.models.CGAN(image_shape=(28, 28, 1), latent_dim=16, num_classes=10, seed=0)


def test_slerp_keeps_norms_of_equal_norm_endpoints():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 128))
    b = b / np.linalg.norm(b) * np.linalg.norm(a)
    path = latent.slerp(a, b, np.linspace(0, 1, 11))
    np.testing.assert_allclose(np.linalg.norm(path, axis=-1), np.linalg.norm(a), rtol=1e-5)
    # lerp does not: its midpoint is markedly shorter for near-orthogonal Gaussian vectors
    mid = latent.lerp(a, b, 0.5)
    assert np.linalg.norm(mid) < 0.85 * np.linalg.norm(a)


def test_slerp_interpolates_norm_linearly_and_stays_on_great_circle():
    a = np.array([3.0, 0.0, 0.0])
    b = np.array([0.0, 5.0, 0.0])
    mid = latent.slerp(a, b, 0.5)
    assert np.linalg.norm(mid) == pytest.approx(4.0, rel=1e-5)
    # halfway along the 90° arc: 45°
    np.testing.assert_allclose(mid / np.linalg.norm(mid), [np.sqrt(0.5), np.sqrt(0.5), 0.0], atol=1e-6)


def test_slerp_parallel_vectors_fall_back_to_lerp():
    a = np.ones(8)
    out = latent.slerp(a, 2 * a, 0.5)
    np.testing.assert_allclose(out, 1.5 * a, rtol=1e-5)
    assert np.isfinite(latent.slerp(a, a, 0.3)).all()


@pytest.mark.parametrize("method", ["slerp", "lerp"])
def test_interpolation_endpoints_equal_inputs(method):
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((2, 64)).astype("float32")
    path = latent.interpolate(a, b, steps=7, method=method)
    assert path.shape == (7, 64)
    np.testing.assert_array_equal(path[0], a)
    np.testing.assert_array_equal(path[-1], b)
    # consecutive points are equally spaced in angle (slerp) or distance (lerp)
    if method == "lerp":
        d = np.linalg.norm(np.diff(path, axis=0), axis=1)
        np.testing.assert_allclose(d, d[0], rtol=1e-4)


def test_interpolate_rejects_bad_arguments():
    with pytest.raises(ValueError, match="steps"):
        latent.interpolate(np.zeros(3), np.ones(3), steps=1)
    with pytest.raises(ValueError, match="method"):
        latent.interpolate(np.zeros(3), np.ones(3), method="cubic")


def test_interpolation_strip_and_gif(dcgan, tmp_path):
    z = dcgan.latent(2, seed=0)
    images = latent.interpolation_strip(dcgan, z[0], z[1], steps=5, path=tmp_path / "strip.png")
    assert images.shape == (5, 28, 28, 1)
    # the endpoints are exactly the generator's images of the inputs
    np.testing.assert_allclose(images[[0, -1]], dcgan.generate(z=z), atol=1e-5)
    from PIL import Image

    strip = Image.open(tmp_path / "strip.png")
    assert strip.size[0] > 4 * strip.size[1]  # one row
    frames = latent.interpolation_gif(dcgan, dcgan.latent(3, seed=1), tmp_path / "walk.gif", steps=4, scale=2)
    assert frames.shape == (9, 28, 28, 1) and frames.dtype == np.uint8  # 3 segments x 3 frames (loop)
    gif = Image.open(tmp_path / "walk.gif")
    assert gif.n_frames == 9 and gif.size == (56, 56)


def test_truncation():
    z = latent.truncated_latent(2000, 16, threshold=0.5, seed=0)
    assert z.shape == (2000, 16) and np.abs(z).max() <= 0.5
    assert z.std() > 0.2  # not collapsed
    np.testing.assert_array_equal(z, latent.truncated_latent(2000, 16, threshold=0.5, seed=0))
    zz = np.random.default_rng(0).standard_normal((10, 4)).astype("float32")
    np.testing.assert_allclose(latent.truncate(zz, psi=0.5), 0.5 * zz)
    np.testing.assert_allclose(latent.truncate(zz, psi=0.0, mean=np.ones(4)), np.ones((10, 4)))
    with pytest.raises(ValueError):
        latent.truncated_latent(2, 2, threshold=0)


def test_vector_arithmetic_means():
    a = np.array([[1.0, 0.0], [3.0, 0.0]])
    b = np.array([[0.0, 1.0]])
    c = np.array([[0.0, 0.0], [0.0, 4.0]])
    np.testing.assert_allclose(latent.vector_arithmetic(a, b, c), [2.0, 1.0])
    np.testing.assert_allclose(latent.concept_vector(a, b), [2.0, -1.0])


def test_as_generator_handles_models_networks_and_labels(dcgan, cgan):
    g = latent.as_generator(dcgan)
    assert g.latent_dim == 32 and not g.conditional
    net = latent.as_generator(dcgan.generator)
    z = dcgan.latent(3, seed=0)
    np.testing.assert_allclose(g.numpy(z), net.numpy(z), atol=1e-6)
    c = latent.as_generator(cgan)
    assert c.conditional and c.num_classes == 10
    with pytest.raises(ValueError, match="labels"):
        c.numpy(cgan.latent(2, seed=0))
    with pytest.raises(ValueError, match="unconditional"):
        g.numpy(z, labels=3)
    with pytest.raises(ValueError, match=r"\[0, 10\)"):
        c.numpy(cgan.latent(2, seed=0), labels=[1, 12])
    np.testing.assert_allclose(c.numpy(cgan.latent(2, seed=0), labels=[1, 7]),
                               cgan.generate(2, z=cgan.latent(2, seed=0), labels=[1, 7]), atol=1e-5)
    # callables (e.g. a hub layer) need latent_dim
    with pytest.raises(ValueError, match="latent_dim"):
        latent.as_generator(lambda z: z)
    assert latent.as_generator(lambda z: z, latent_dim=5).numpy(np.ones((2, 5))).shape == (2, 5)


@pytest.fixture(scope="module")
def mlp_generator():
    """A bare generator network whose output varies strongly with z (an untrained DCGAN's hardly does)."""
    import keras

    return keras.Sequential([
        keras.Input((32,)),
        keras.layers.Dense(28 * 28, activation="tanh", kernel_initializer=keras.initializers.RandomNormal(stddev=0.3, seed=0)),
        keras.layers.Reshape((28, 28, 1)),
    ])


def test_inversion_reduces_reconstruction_error(mlp_generator):
    z_true = np.random.default_rng(123).standard_normal((4, 32)).astype("float32")
    target = mlp_generator.predict(z_true, verbose=0)
    inv = latent.invert(mlp_generator, target, steps=60, learning_rate=0.05, candidates=4, seed=0)
    assert inv.z.shape == (4, 32) and inv.images.shape == target.shape
    assert inv.losses[-1] < 0.2 * inv.losses[0]
    np.testing.assert_allclose(inv.errors, ((inv.images - target) ** 2).reshape(4, -1).mean(1), rtol=1e-4)


def test_inversion_of_conditional_generator():
    import keras

    z_in, y_in = keras.Input((16,)), keras.Input((), dtype="int32")
    h = keras.layers.Multiply()([z_in, keras.layers.Embedding(10, 16)(y_in)])
    h = keras.layers.Dense(64, activation="tanh", kernel_initializer=keras.initializers.RandomNormal(stddev=0.5, seed=1))(h)
    g = keras.Model([z_in, y_in], keras.layers.Reshape((8, 8, 1))(h))
    gen = latent.as_generator(g)
    assert gen.conditional and gen.num_classes == 10
    z_true = np.random.default_rng(5).standard_normal((3, 16)).astype("float32")
    target = gen.numpy(z_true, labels=[2, 4, 6])
    inv = latent.invert(g, target, labels=[2, 4, 6], steps=40, candidates=2)
    assert inv.losses[-1] < 0.5 * inv.losses[0]


@pytest.fixture(scope="module")
def prototype_generator():
    """A generator whose images are convex mixtures of ten real digits (one per class):
    G(z) = softmax(z) · prototypes. Simple, but its outputs look like digits to a classifier."""
    import keras

    x, y = kg.data.load_arrays("mnist-5k", split="test")
    protos = np.stack([x[y == k][0] for k in range(10)]).reshape(10, 784).astype("float32") / 127.5 - 1
    g = keras.Sequential([keras.Input((10,)), keras.layers.Softmax(),
                          keras.layers.Dense(784, use_bias=False, trainable=False), keras.layers.Reshape((28, 28, 1))])
    g.layers[1].set_weights([protos])
    return g


def test_editing_raises_classifier_score(prototype_generator):
    g = prototype_generator
    clf = kg.metrics.mnist_classifier()
    z = np.random.default_rng(3).standard_normal((6, 10)).astype("float32")
    start_probs = clf.predict(g.predict(z, verbose=0), verbose=0).mean(0)
    target = int(np.argsort(start_probs)[2])  # a class these samples do not look like
    result = latent.edit(g, clf, z, target=target, steps=30, step_size=0.5)
    assert result.start_scores.mean() < 0.05
    assert result.end_scores.mean() > 0.5
    assert result.scores[-1] > result.scores[0]
    # only z moved: the generator's images of the returned z are the returned images
    np.testing.assert_allclose(g.predict(result.z, verbose=0), result.images, atol=1e-5)


def test_editing_leaves_networks_unchanged_and_respects_max_distance(mlp_generator):
    clf = kg.metrics.mnist_classifier()
    weights = [w.copy() for w in mlp_generator.get_weights()] + [w.copy() for w in clf.get_weights()]
    z = np.random.default_rng(4).standard_normal((2, 32)).astype("float32")
    result = latent.edit(mlp_generator, clf, z, target=3, steps=10, step_size=0.5, max_distance=0.25)
    assert np.linalg.norm(result.z - z, axis=1).max() <= 0.25 + 1e-4
    assert np.linalg.norm(result.z - z, axis=1).min() > 0.1  # it did move
    for before, after in zip(weights, mlp_generator.get_weights() + clf.get_weights()):
        np.testing.assert_array_equal(before, after)


def test_collect_latents_returns_best_first(dcgan):
    clf = kg.metrics.mnist_classifier()
    z, scores = latent.collect_latents(dcgan, clf, target=1, n=64, top_k=5, seed=0)
    assert z.shape == (5, 32) and np.all(np.diff(scores) <= 0)
