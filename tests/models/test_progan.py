"""ProGAN: fade-in, growing, training through the schedule, saving, export (its layers: tests/layers/,
the schedule and its driver: tests/training/test_progressive.py)."""
import os
import time

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from helpers import alpha_recorder
from keras_gans.models import ProGAN, ProGANSchedule
from keras_gans.recipes.progan import MNIST_32_RECIPE

TINY = dict(latent_dim=8, filters={4: 8, 8: 8, 16: 4})


def upsample2(x):
    return np.repeat(np.repeat(x, 2, axis=1), 2, axis=2)


def avgpool2(x):
    n, h, w, c = x.shape
    return x.reshape(n, h // 2, 2, w // 2, 2, c).mean(axis=(2, 4))


# ---------------------------------------------------------------------------- fade-in and growing
def test_fade_in_blend_in_generator_and_discriminator():
    keras.utils.set_random_seed(0)
    gan = ProGAN(4, 16, seed=0, **TINY)
    z = gan.latent(5, seed=0)
    images8 = np.random.default_rng(0).uniform(-1, 1, (5, 8, 8, 1)).astype("float32")
    old_g = gan.generator(z).numpy()
    old_d = gan.discriminator(avgpool2(images8)).numpy()

    gan.grow()
    assert (gan.resolution, gan.phase, gan.alpha) == (8, "transition", 0.0)
    g, d = gan.generator, gan.discriminator
    # The new path alone, from the same layers.
    h = g.get_layer("g_block_4")(z)
    new_g = g.get_layer("g_to_rgb_8")(g.get_layer("g_block_8")(h)).numpy()
    new_d = d.get_layer("d_block_4")(d.get_layer("d_block_8")(d.get_layer("d_from_rgb_8")(images8))).numpy()
    assert np.abs(new_g - upsample2(old_g)).max() > 1e-3       # the paths really differ

    # α = 0: exactly the old networks (generator output upsampled, critic input downsampled).
    np.testing.assert_allclose(g(z).numpy(), upsample2(old_g), atol=1e-6)
    np.testing.assert_allclose(d(images8).numpy(), old_d, atol=1e-5)
    # α = 1: the new path only.
    gan.set_alpha(1.0)
    np.testing.assert_allclose(g(z).numpy(), new_g, atol=1e-6)
    np.testing.assert_allclose(d(images8).numpy(), new_d, atol=1e-5)
    # In between: the blend of the two.
    gan.set_alpha(0.3)
    np.testing.assert_allclose(g(z).numpy(), 0.7 * upsample2(old_g) + 0.3 * new_g, atol=1e-5)
    blended = gan.fade_real(images8).numpy()
    np.testing.assert_allclose(blended, 0.3 * images8 + 0.7 * upsample2(avgpool2(images8)), atol=1e-6)

    # Stabilisation: the new path only, with the same layers.
    gan.grow()
    assert (gan.resolution, gan.phase, gan.alpha) == (8, "stable", 1.0)
    assert "g_to_rgb_4" not in [layer.name for layer in gan.generator.layers]
    np.testing.assert_allclose(gan.generator(z).numpy(), new_g, atol=1e-6)
    np.testing.assert_allclose(gan.discriminator(images8).numpy(), new_d, atol=1e-5)


def test_growing_keeps_the_same_variables():
    keras.utils.set_random_seed(0)
    gan = ProGAN(4, 8, seed=0, **TINY)
    gan.compile()
    # Give the 4×4 blocks distinctive values, as training would.
    rng = np.random.default_rng(0)
    for v in gan.generator.trainable_variables + gan.discriminator.trainable_variables:
        v.assign(rng.standard_normal(v.shape).astype("float32"))
    before_g = {v.path: (v, v.numpy().copy()) for v in gan.generator.weights}
    before_d = {v.path: (v, v.numpy().copy()) for v in gan.discriminator.weights}
    gan.grow()
    gan.grow()
    after = {id(v): v for v in gan.generator.weights + gan.discriminator.weights}
    kept = {**before_g, **before_d}
    for path, (var, value) in kept.items():
        if "g_to_rgb_4" in path or "d_from_rgb_4" in path:
            continue      # the old RGB adapters leave the network after the transition
        assert id(var) in after, f"{path} is no longer in the grown networks"
        np.testing.assert_array_equal(after[id(var)].numpy(), value)
    assert gan.generator.get_layer("g_block_4") is not None
    assert len(gan.generator.trainable_variables) > len([p for p in before_g if "to_rgb_4" not in p])
    # The optimizers were rebuilt on the grown networks' variables.
    assert len(gan.g_optimizer.variables) > 1 and int(gan.g_optimizer.iterations.numpy()) == 0
    gan.g_optimizer.apply([keras.ops.zeros_like(v) for v in gan.g_weights], gan.g_weights)
    with pytest.raises(ValueError, match="cannot grow further"):
        gan.grow()


@pytest.mark.parametrize("kwargs,match", [
    ({"start_resolution": 4, "target_resolution": 24}, "power of two"),
    ({"start_resolution": 6, "target_resolution": 32}, "power of two"),
    ({"start_resolution": 2, "target_resolution": 32}, "power of two"),
    ({"start_resolution": 16, "target_resolution": 8}, "below start_resolution"),
    ({"resolution": 64}, "outside"),
    ({"phase": "transition"}, "no transition into the start"),
    ({"phase": "fading"}, "phase must be"),
    ({"filters": {4: 8}}, "no entry for resolutions"),
    ({"update": "simultaneous"}, r"ProGAN takes update='alternating' only \(its step is the paper's"),
])
def test_bad_configurations(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ProGAN(**{"latent_dim": 8, **kwargs})


# ---------------------------------------------------------------------------- training through the schedule
def test_schedule_with_fit_alpha_save_reload_and_continue(tmp_path):
    """RGB (MNIST-M at 8×8), 4 → 8: stable 4, transition 8 (stop), save, reload, continue with stable 8."""
    keras.utils.set_random_seed(0)
    gan = ProGAN(4, 8, channels=3, seed=0, **TINY)
    gan.compile()
    x = kg.data.load("mnist-m", batch_size=50, image_size=(8, 8), split="test")   # batched, at the target size
    schedule = ProGANSchedule(transition_images=128, stable_images=32, batch_sizes={4: 16, 8: 16})
    recorder = alpha_recorder()
    history = gan.fit_schedule(x, schedule, callbacks=[recorder], stop_after=(8, "transition"), verbose=0)
    assert (gan.resolution, gan.phase) == (8, "transition")
    assert int(gan.phase_images.numpy()) == 128
    stable4 = [a for r, p, a in recorder.seen if p == "stable"]
    fade = [a for r, p, a in recorder.seen if p == "transition"]
    assert stable4 == [1.0, 1.0]                              # 32 images / 16
    assert len(fade) == 8 and fade[0] == 0.0
    assert all(b > a for a, b in zip(fade, fade[1:]))         # strictly increasing with the images shown
    np.testing.assert_allclose(fade, np.arange(8) / 8, atol=1e-6)
    assert history["resolution"] == [4, 8] and np.isfinite(history["d_loss"]).all()
    assert [t[:2] for t in gan.phase_times] == [(4, "stable"), (8, "transition")]

    path = tmp_path / "progan_mid.keras"
    gan.save(path)
    loaded = keras.saving.load_model(path)
    assert (loaded.resolution, loaded.phase, loaded.channels) == (8, "transition", 3)
    assert loaded.alpha == pytest.approx(gan.alpha) and int(loaded.phase_images.numpy()) == 128
    assert int(loaded.d_optimizer.iterations.numpy()) == int(gan.d_optimizer.iterations.numpy()) == 8
    # the EMA's warm-up counts every update since the start (2 + 8), not the phase's optimizer steps, and is saved
    assert int(gan.ema_updates.numpy()) == int(loaded.ema_updates.numpy()) == 10
    z = gan.latent(4, seed=1)
    np.testing.assert_allclose(loaded.generator(z), gan.generator(z), atol=1e-6)
    np.testing.assert_allclose(loaded.generate(z=z), gan.generate(z=z), atol=1e-6)   # the EMA generator
    # The EMA generator averages: it moved, but it is not the trained generator.
    ema_gap = np.abs(gan.ema_generator(z).numpy() - gan.generator(z).numpy()).max()
    assert ema_gap > 1e-4
    assert loaded.schedule.phases(4, 8) == schedule.phases(4, 8)

    # Continue growing from the reloaded model: only the stable 8×8 phase is left.
    block4 = loaded.generator.get_layer("g_block_4").weights[0]
    before = block4.numpy().copy()
    recorder2 = alpha_recorder()
    loaded.fit(x, epochs=1, callbacks=[recorder2], verbose=0)    # target-resolution data: the rest of the schedule
    assert (loaded.resolution, loaded.phase) == (8, "stable")
    assert recorder2.seen == [(8, "stable", 1.0)] * 2
    assert loaded.generator.get_layer("g_block_4").weights[0] is block4
    assert np.abs(block4.numpy() - before).max() > 0             # the old block keeps training
    assert loaded.schedule_done()
    assert int(loaded.ema_updates.numpy()) == 12 and int(loaded.g_optimizer.iterations.numpy()) == 2
    images = loaded.generate(3, seed=0)
    assert images.shape == (3, 8, 8, 3) and np.isfinite(images).all()


def _moved_by_one_update(gan):
    """(EMA weights before, generator weights, EMA weights after) of one `update_ema` after G's weights move by 1."""
    ema, live = gan.ema_generator.trainable_variables, gan.generator.trainable_variables
    before = [v.numpy() for v in ema]
    for v in live:
        v.assign(v.numpy() + 1.0)
    gan.update_ema()
    return before, [v.numpy() for v in live], [v.numpy() for v in ema]


def test_the_ema_warms_up_once_from_the_start_not_at_every_phase():
    gan = ProGAN(4, 8, seed=0, ema_decay=0.999, **TINY)
    gan.compile()
    assert int(gan.ema_updates.numpy()) == 0
    before, live, after = _moved_by_one_update(gan)                  # n = 0: β = 0.1
    for b, w, a in zip(before, live, after):
        np.testing.assert_allclose(a, 0.1 * b + 0.9 * w, rtol=1e-5, atol=1e-6)
    gan.ema_updates.assign(100)                                       # as after 100 steps
    gan.grow()                                                        # fresh optimizers: iterations 0 again
    assert int(gan.g_optimizer.iterations.numpy()) == 0 and int(gan.ema_updates.numpy()) == 100
    before, live, after = _moved_by_one_update(gan)
    beta = min(0.999, (1 + 100) / (10 + 100))                         # 0.918: the count goes on, not 0.1
    for b, w, a in zip(before, live, after):
        np.testing.assert_allclose(a, beta * b + (1 - beta) * w, rtol=1e-5, atol=1e-6)
    assert int(gan.ema_updates.numpy()) == 101


def test_weights_saved_before_the_ema_counter_load_past_the_warm_up(tmp_path):
    """A ProGAN file without `ema_updates` (written before it existed) loads; its Gs goes on with the plain decay."""
    import h5py

    gan = ProGAN(4, 8, seed=0, ema_decay=0.99, **TINY)
    gan.compile()
    gan.ema_updates.assign(7)
    path = str(tmp_path / "old.weights.h5")
    gan.save_weights(path)
    with h5py.File(path, "r+") as f:              # the model's own variables: phase_images, ema_updates, seed states
        own = f["vars"]
        assert [k for k in own.keys() if k.isdigit()] == ["0", "1"] and own["1"][()] == 7
        del own["1"]
    fresh = ProGAN(4, 8, seed=0, ema_decay=0.99, **TINY)
    fresh.compile()
    fresh.load_weights(path)
    assert int(fresh.ema_updates.numpy()) == 890                     # where min(0.99, (1 + n) / (10 + n)) is 0.99
    for a, b in zip(fresh.ema_generator.get_weights(), gan.ema_generator.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_export_generator_at_current_resolution(tmp_path):
    gan = ProGAN(4, 8, seed=0, **TINY)
    gan.grow()
    gan.set_alpha(0.5)
    gan.export(tmp_path / "serving", verbose=False)
    loaded = tf.saved_model.load(str(tmp_path / "serving"))
    z = gan.latent(3, seed=0)
    out = loaded.signatures["serving_default"](z=tf.constant(z))["images"].numpy()
    assert out.shape == (3, 8, 8, 1)
    assert gan.sampling_generator is gan.ema_generator
    np.testing.assert_allclose(out, gan.ema_generator(z).numpy(), atol=1e-5)
    np.testing.assert_allclose(out, gan.generate(z=z), atol=1e-5)


# ---------------------------------------------------------------------------- real training
@pytest.mark.slow
def test_progan_grows_4_to_32_on_mnist_and_draws_digits():
    """4 → 32 on mnist-5k resized to 32×32; the 32×32 samples must pass the digit judge.

    Saves a picture of samples at each resolution to docs/images/progan_resolutions.png.
    """
    from helpers import digit_quality

    recipe = MNIST_32_RECIPE      # what `keras-gans train progan --dataset mnist-5k --target-resolution 32` uses
    keras.utils.set_random_seed(0)
    gan = ProGAN(4, 32, latent_dim=recipe["latent_dim"], filters=recipe["filters"], ema_decay=recipe["ema_decay"],
                 seed=0)
    gan.compile()        # the paper's Adam(1e-3, β = (0, 0.99)); 5e-4 was worse (mean max-prob 0.35)
    data = kg.data.load("mnist-5k", batch_size=64, image_size=(32, 32), seed=0)
    schedule = ProGANSchedule(transition_images=recipe["transition_images"], stable_images=recipe["stable_images"],
                              batch_sizes=recipe["batch_size"])
    rows = []
    started, cpu_started = time.perf_counter(), time.process_time()
    z = gan.latent(10, seed=0)
    for phase in gan.phases(schedule):
        gan.fit_schedule(data, schedule, stop_after=(phase.resolution, phase.kind), verbose=0)
        if phase.kind == "stable":
            rows.append(upsample_to(gan.generate(z=z), 32))
    total = time.perf_counter() - started
    for resolution, kind, seconds, images, cpu in gan.phase_times:
        print(f"phase {resolution:>2} {kind:<10} {images:>6} images {seconds:7.1f} s wall {cpu:7.1f} s CPU")
    print(f"total {total:.1f} s wall, {time.process_time() - cpu_started:.1f} s CPU")

    images = gan.generate(1000, seed=1)
    small = tf.image.resize(images, (28, 28), method="area").numpy()
    quality = digit_quality(small)
    print("digit quality:", {k: v for k, v in quality.items() if k != "predictions"})
    save_resolution_picture(rows, os.path.join(os.path.dirname(__file__), "..", "..", "docs", "images",
                                               "progan_resolutions.png"))
    assert quality["mean_max_prob"] >= 0.8
    assert quality["n_classes"] >= 8


def upsample_to(images, size):
    factor = size // images.shape[1]
    return np.repeat(np.repeat(images, factor, axis=1), factor, axis=2)


def save_resolution_picture(rows, path):
    """One row of samples per resolution (4, 8, 16, 32; nearest-neighbour upscaled) as a PNG."""
    from keras_gans.utils.images import make_grid, save_image

    grid = make_grid(np.concatenate(rows, axis=0), rows=len(rows))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    save_image(grid, path)
