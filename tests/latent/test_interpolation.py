"""keras_gans.latent interpolation and animation: lerp, slerp, paths, strips and GIFs."""
import numpy as np
import pytest

import keras_gans as kg
from keras_gans import latent


@pytest.fixture(scope="module")
def dcgan():
    return kg.models.DCGAN(image_shape=(28, 28, 1), latent_dim=32, seed=0)


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
