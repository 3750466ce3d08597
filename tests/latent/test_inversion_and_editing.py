"""keras_gans.latent inversion and editing: vector arithmetic, invert, edit, collect_latents."""
import numpy as np
import pytest

import keras_gans as kg
from keras_gans import latent


@pytest.fixture(scope="module")
def dcgan():
    return kg.models.DCGAN(image_shape=(28, 28, 1), latent_dim=32, seed=0)


def test_vector_arithmetic_means():
    a = np.array([[1.0, 0.0], [3.0, 0.0]])
    b = np.array([[0.0, 1.0]])
    c = np.array([[0.0, 0.0], [0.0, 4.0]])
    np.testing.assert_allclose(latent.vector_arithmetic(a, b, c), [2.0, 1.0])
    np.testing.assert_allclose(latent.concept_vector(a, b), [2.0, -1.0])


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
