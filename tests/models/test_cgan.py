"""CGAN: conditioning variants, label validation, generate(labels=...), SampleGrid, saving, export."""
import os

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans.models import CGAN
from keras_gans.networks import mnist_nets


def small_data(n=48, seed=0):
    """n real mnist-5k digits in [-1, 1] with their labels."""
    x, y = kg.data.load_arrays("mnist-5k")
    idx = np.random.default_rng(seed).choice(len(y), n, replace=False)
    return x[idx].astype("float32") / 127.5 - 1.0, y[idx].astype("int32")


@pytest.fixture(scope="module")
def trained():
    """A CGAN (book conditioning, with the EMA and label-smoothing tricks) after 3 steps."""
    gan = CGAN(latent_dim=16, seed=0, ema_decay=0.5, label_smoothing=0.1)
    gan.compile()
    x, y = small_data()
    gan.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(16), epochs=1, verbose=0)
    return gan


def test_book_conditioning_multiplies_z_by_a_label_embedding():
    g = mnist_nets.cgan_generator(latent_dim=6, num_classes=3, image_shape=(28, 28, 1), conditioning="embedding")
    emb = g.get_layer("label_embedding").get_weights()[0]          # (3, 6)
    hidden = keras.Model(g.inputs, g.get_layer("z_times_label").output)
    z = np.random.default_rng(0).normal(size=(3, 6)).astype("float32")
    labels = np.array([2, 0, 1], "int32")
    np.testing.assert_allclose(hidden([z, labels]), z * emb[labels], rtol=1e-6)


def test_book_discriminator_gets_label_plane_as_extra_channel():
    d = mnist_nets.cgan_discriminator((28, 28, 1), num_classes=10, conditioning="embedding")
    joined = d.get_layer("image_and_label")
    assert tuple(joined.output.shape[1:]) == (28, 28, 2)
    assert d.get_layer("label_embedding").get_weights()[0].shape == (10, 28 * 28)
    d1 = mnist_nets.cgan_discriminator((28, 28, 1), num_classes=10, conditioning="one_hot")
    assert tuple(d1.get_layer("image_and_label").output.shape[1:]) == (28, 28, 11)


def test_one_hot_conditioning_planes_and_latent():
    d = mnist_nets.cgan_discriminator((8, 8, 1), num_classes=4, conditioning="one_hot")
    planes = keras.Model(d.inputs, d.get_layer("label_planes").output)
    out = keras.ops.convert_to_numpy(planes([np.zeros((2, 8, 8, 1), "float32"), np.array([3, 1], "int32")]))
    assert out.shape == (2, 8, 8, 4)
    np.testing.assert_array_equal(out[0], np.broadcast_to([0, 0, 0, 1], (8, 8, 4)))
    np.testing.assert_array_equal(out[1], np.broadcast_to([0, 1, 0, 0], (8, 8, 4)))
    g = mnist_nets.cgan_generator(latent_dim=5, num_classes=4, image_shape=(8, 8, 1), conditioning="one_hot")
    zy = keras.Model(g.inputs, g.get_layer("z_and_one_hot").output)
    z = np.ones((1, 5), "float32")
    np.testing.assert_array_equal(zy([z, np.array([2], "int32")]), [[1, 1, 1, 1, 1, 0, 0, 1, 0]])


def test_training_step_and_label_control(trained):
    gan = trained
    assert int(gan.g_optimizer.iterations) == 3 and int(gan.d_optimizer.iterations) == 3
    # generate(labels=...) is deterministic per seed and the label changes the image
    a = gan.generate(4, seed=0, labels=[1, 1, 1, 1])
    b = gan.generate(4, seed=0, labels=np.array([1, 1, 1, 1]))
    c = gan.generate(4, seed=0, labels=[7, 7, 7, 7])
    np.testing.assert_array_equal(a, b)
    assert np.abs(a - c).max() > 1e-4
    assert gan.generate(labels=[0, 1, 2]).shape == (3, 28, 28, 1)        # n from the labels
    assert gan.generate(5, seed=0, labels=3).shape == (5, 28, 28, 1)     # one label for all
    # default labels cycle 0..K-1 (one class per grid column)
    default = gan.generate(12, seed=0)
    np.testing.assert_allclose(default, gan.generate(12, seed=0, labels=np.arange(12) % 10), atol=1e-6)


def test_matching_aware_negatives_always_have_a_wrong_label():
    gan = CGAN(latent_dim=4, num_classes=4, matching_aware=True, seed=0)
    labels = np.tile(np.arange(4, dtype="int32"), 500)
    wrong = keras.ops.convert_to_numpy(gan.wrong_labels(labels))
    assert (wrong != labels).all() and wrong.min() >= 0 and wrong.max() <= 3
    for c in range(4):   # every other class shows up as the wrong label
        assert set(np.unique(wrong[labels == c])) == set(range(4)) - {c}
    assert CGAN.from_config(gan.get_config()).matching_aware is True


@pytest.mark.parametrize("labels, message", [
    ([0, 10], r"Label 10 is out of range: .*num_classes=10.*\[0, 9\]"),
    ([-1, 2], r"Label -1 is out of range"),
    ([1.5, 2.0], r"labels must be integers in \[0, 10\); got dtype float64"),
    ([1.0, 2.0], r"whole numbers: convert them"),
    (["3", "4"], r"labels must be integers"),
    (np.eye(10, dtype="int32")[:2], r"One-hot labels\? Pass labels.argmax"),
])
def test_bad_labels_are_refused(trained, labels, message):
    with pytest.raises(ValueError, match=message):
        trained.generate(2, seed=0, labels=labels)


def test_label_count_must_match_n(trained):
    with pytest.raises(ValueError, match="Got 3 labels for n=2"):
        trained.generate(2, labels=[1, 2, 3])


def test_training_data_is_checked(trained):
    x, y = small_data(16)
    with pytest.raises(ValueError, match="with_labels=True"):
        trained.fit(tf.data.Dataset.from_tensor_slices(x).batch(8), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="out of range"):
        trained.fit(tf.data.Dataset.from_tensor_slices((x, y + 10)).batch(8), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="integer class indices"):
        trained.fit(tf.data.Dataset.from_tensor_slices((x, y.astype("float32"))).batch(8), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="Label 12 is out of range"):
        trained.fit(x, np.full(len(x), 12), epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"pass fit\(images, labels\)"):
        trained.fit(x, epochs=1, verbose=0)
    assert int(trained.g_optimizer.iterations) == 3      # nothing ran


def test_sample_grid_lays_out_one_class_per_column(trained, tmp_path):
    grid_cb = kg.callbacks.SampleGrid(str(tmp_path), n=20, seed=0)
    grid_cb.set_model(trained)
    grid = grid_cb.grid()
    # 2 rows × 10 columns of 28-px tiles with 2-px padding
    assert grid.shape[:2] == (2 * 30 + 2, 10 * 30 + 2)
    images = trained.generate(20, seed=0, output="uint8")
    tile = grid[2 + 30:2 + 30 + 28, 2 + 3 * 30:2 + 3 * 30 + 28]       # row 1, column 3
    np.testing.assert_array_equal(tile, images[13, ..., 0])            # image 13 has label 13 % 10 = 3


def test_ema_generator_is_used_for_samples(trained):
    assert trained.sampling_generator is trained.ema_generator
    z = trained.latent(2, seed=0)
    labels = np.array([4, 5], "int32")
    ema = keras.ops.convert_to_numpy(trained.ema_generator([z, labels], training=False))
    raw = keras.ops.convert_to_numpy(trained.generator([z, labels], training=False))
    out = trained.generate(z=z, labels=labels)
    np.testing.assert_allclose(out, ema, atol=1e-6)
    assert np.abs(out - raw).max() > 1e-5


def test_keras_round_trip_and_export_with_labels(trained, tmp_path):
    path = str(tmp_path / "cgan.keras")
    trained.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded) is CGAN and loaded.num_classes == 10 and loaded.conditioning == "embedding"
    assert loaded.ema_decay == 0.5 and loaded.label_smoothing == pytest.approx(0.1)
    labels = [0, 3, 9]
    np.testing.assert_allclose(loaded.generate(3, seed=2, labels=labels), trained.generate(3, seed=2, labels=labels),
                               atol=1e-6)

    export_dir = str(tmp_path / "serving")
    trained.export(export_dir, verbose=False)
    module = tf.saved_model.load(export_dir)
    serve = module.signatures["serving_default"]
    assert set(serve.structured_input_signature[1]) == {"z", "labels"}
    z = trained.latent(3, seed=5)
    out = serve(z=tf.constant(z), labels=tf.constant(labels, tf.int32))["images"].numpy()
    np.testing.assert_allclose(out, trained.generate(z=z, labels=labels), atol=1e-5)


def test_one_hot_variant_trains_and_round_trips(tmp_path):
    gan = CGAN(latent_dim=8, conditioning="one_hot", seed=1)
    gan.compile()
    x, y = small_data(16)
    gan.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(8), epochs=1, verbose=0)
    path = str(tmp_path / "cgan1.keras")
    gan.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(loaded.generate(2, seed=0, labels=[5, 6]), gan.generate(2, seed=0, labels=[5, 6]),
                               atol=1e-6)


# The slow training-quality test (digits of the requested class) is tests/models/test_cgan_quality.py.


def test_label_embeddings_start_at_unit_scale_so_batch_norm_sees_z():
    """Regression for the collapse: with Keras' default U(-0.05, 0.05) embedding, z ⊙ e(y) had std ~0.03 and
    the variance reaching G's first batch norm (~4e-6) was far below its epsilon, so G ignored z and y."""
    keras.utils.set_random_seed(0)
    g = mnist_nets.cgan_generator(latent_dim=100, num_classes=10, image_shape=(28, 28, 1))
    z = np.random.default_rng(0).normal(size=(256, 100)).astype("float32")
    labels = np.arange(256) % 10
    h = keras.ops.convert_to_numpy(keras.Model(g.inputs, g.get_layer("z_times_label").output)([z, labels]))
    assert 0.7 < h.std() < 1.4
    body = g.get_layer("cgan_generator_body")
    bn = next(layer for layer in body.layers if isinstance(layer, keras.layers.BatchNormalization))
    into_bn = keras.ops.convert_to_numpy(keras.Model(body.inputs, bn.input)(h))
    assert into_bn.var(axis=(0, 1, 2)).mean() > 2 * bn.epsilon
    d = mnist_nets.cgan_discriminator((28, 28, 1), num_classes=10)
    assert 0.8 < d.get_layer("label_embedding").get_weights()[0].std() < 1.2   # like the image channel in [-1, 1]


def test_matching_aware_discriminator_is_the_default():
    assert CGAN(latent_dim=4).matching_aware is True
    assert CGAN(latent_dim=4, matching_aware=False).matching_aware is False     # the book's D


def test_zoo_preset_of_a_cgan_samples_by_label_and_has_a_usable_card(trained, tmp_path):
    path = kg.zoo.publish(trained, str(tmp_path / "tiny_cgan"), dataset="mnist-5k", seed=0,
                          training_command="(3 steps)")
    meta = kg.zoo.info(path)
    assert meta["num_classes"] == 10 and [s["name"] for s in meta["inputs"]] == ["z", "labels"]
    # samples.png: 6 rows of 10 (one class per column), not a square grid of 64 with labels drifting
    from PIL import Image

    grid = np.asarray(Image.open(os.path.join(path, "samples.png")))
    assert grid.shape[:2] == (6 * 30 + 2, 10 * 30 + 2)
    card = open(os.path.join(path, "README.md")).read()
    assert "model.predict([z, labels])" in card and "labels = np.arange(16) % 10" in card
    # kg.zoo.sample: same z and labels as CGAN.generate; one int label for all; bad labels refused
    labels = np.array([3, 1, 4, 1, 5], "int32")
    np.testing.assert_allclose(kg.zoo.sample(path, 5, seed=2, labels=labels),
                               trained.generate(5, seed=2, labels=labels), atol=1e-5)
    np.testing.assert_allclose(kg.zoo.sample(path, 3, seed=0, labels=7), trained.generate(3, seed=0, labels=7),
                               atol=1e-5)
    np.testing.assert_allclose(kg.zoo.sample(path, 12, seed=0), trained.generate(12, seed=0), atol=1e-5)
    with pytest.raises(ValueError, match=r"Label 10 is out of range.*\[0, 9\]"):
        kg.zoo.sample(path, 2, labels=[0, 10])
    with pytest.raises(ValueError, match="One-hot labels"):
        kg.zoo.sample(path, 2, labels=np.eye(10, dtype="int32")[:2])


def test_resume_from_a_keras_backup_and_restore_folder(tmp_path):
    """Was "keras-gans train cgan ...: error: 'weights'": the CLI's ExactBackupAndRestore read a backup that
    keras.callbacks.BackupAndRestore had written (the CLI's own callback before it; same metadata file name)."""
    x, y = small_data(32)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)          # 4 steps per epoch
    backup = str(tmp_path / "backup")

    class Interrupt(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 1:
                raise KeyboardInterrupt

    class Epochs(keras.callbacks.Callback):
        seen = []

        def on_epoch_begin(self, epoch, logs=None):
            self.seen.append(epoch)

    gan = CGAN(latent_dim=8, seed=0)
    gan.compile()
    with pytest.raises(KeyboardInterrupt):
        gan.fit(ds, epochs=3, verbose=0, callbacks=[keras.callbacks.BackupAndRestore(backup), Interrupt()])
    after_epoch_0 = [v.numpy() for v in gan.generator.weights]
    resumed = CGAN(latent_dim=8, seed=0)
    resumed.compile()
    resumed.fit(ds, epochs=1, verbose=0, callbacks=[kg.callbacks.ExactBackupAndRestore(backup, dataset=ds)])
    for a, b in zip(after_epoch_0, resumed.generator.weights):      # restored; epoch 1 of 1 already done
        np.testing.assert_array_equal(a, b.numpy())
    assert int(resumed.g_optimizer.iterations) == 4
    resumed.fit(ds, epochs=3, verbose=0, callbacks=[kg.callbacks.ExactBackupAndRestore(backup, dataset=ds), Epochs()])
    assert Epochs.seen == [1, 2] and int(resumed.g_optimizer.iterations) == 12


def test_a_foreign_backup_folder_gets_a_clear_error(tmp_path):
    backup = tmp_path / "backup"
    backup.mkdir()
    (backup / "training_metadata.json").write_text('{"epoch": 1, "batch": 0}')          # no latest.weights.h5
    x, y = small_data(8)
    gan = CGAN(latent_dim=8, seed=0)
    gan.compile()
    with pytest.raises(ValueError, match="delete the folder to start over"):
        gan.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(8), epochs=1, verbose=0,
                callbacks=[kg.callbacks.ExactBackupAndRestore(str(backup))])


# ---------------------------------------------------------------------------- update="simultaneous"
def tiny(**kwargs):
    """An 8×8 CGAN with 3 classes (book conditioning, matching-aware D)."""
    return CGAN(image_shape=(8, 8, 1), latent_dim=4, num_classes=3, seed=0, **kwargs)


def tiny_data(n=16, seed=0):
    x = np.random.default_rng(seed).uniform(-1, 1, (n, 8, 8, 1)).astype("float32")
    return x, (np.arange(n) % 3).astype("int32")


def test_simultaneous_update_trains_with_finite_losses_and_keeps_the_rule_when_saved(tmp_path):
    gan = tiny(update="simultaneous", ema_decay=0.5, augment="translation")
    gan.compile()
    history = gan.fit(tf.data.Dataset.from_tensor_slices(tiny_data()).batch(4), epochs=1, verbose=0).history
    assert all(np.isfinite(v).all() for v in history.values()), history
    assert int(gan.d_optimizer.iterations) == int(gan.g_optimizer.iterations) == 4      # both step every batch
    assert gan.get_config()["update"] == "simultaneous"
    assert CGAN.from_config(gan.get_config()).update == "simultaneous"
    gan.save(tmp_path / "cgan.keras")
    loaded = keras.saving.load_model(tmp_path / "cgan.keras")
    assert loaded.update == "simultaneous"
    np.testing.assert_array_equal(loaded.generate(3, seed=0, labels=[0, 1, 2]),
                                  gan.generate(3, seed=0, labels=[0, 1, 2]))
    assert CGAN.from_config(tiny().get_config()).update == "alternating"
    old = {k: v for k, v in gan.get_config().items() if k != "update"}                 # saved before CGAN kept it
    assert CGAN.from_config(old).update == "alternating"


def test_one_simultaneous_step_is_one_generator_pass_whose_losses_give_both_updates():
    """G(z, y) on the real labels y, D on (real, y), (fake, y) and (real, wrong y): both SGD updates equal the
    gradients of that single pass, taken at the weights before the step."""
    gan = tiny(update="simultaneous")
    lr = 0.1
    gan.compile(d_optimizer=keras.optimizers.SGD(lr), g_optimizer=keras.optimizers.SGD(lr))
    x, y = (tf.constant(a) for a in tiny_data(8))
    z = tf.constant(np.random.default_rng(1).normal(size=(8, 4)).astype("float32"))
    draws = []
    gan.sample_latent = lambda m: draws.append(int(m)) or z                   # counts the generator passes
    gan.wrong_labels = lambda labels: (labels + 1) % 3                        # a fixed mismatch
    with tf.GradientTape(persistent=True) as tape:                            # the step, by hand
        fake = gan.generator([z, y], training=True)
        real_logits = gan.discriminator([x, y], training=True)
        fake_logits = gan.discriminator([fake, y], training=True)
        mismatched = gan.discriminator([x, (y + 1) % 3], training=True)
        d_loss = gan.gan_loss.discriminator(real_logits, keras.ops.concatenate([fake_logits, mismatched], axis=0))
        g_loss = gan.gan_loss.generator(fake_logits, real_logits)
    expected_d = [v.numpy() - lr * tf.convert_to_tensor(g).numpy()          # embeddings: IndexedSlices
                  for v, g in zip(gan.d_weights, tape.gradient(d_loss, gan.d_weights))]
    expected_g = [v.numpy() - lr * tf.convert_to_tensor(g).numpy()
                  for v, g in zip(gan.g_weights, tape.gradient(g_loss, gan.g_weights))]
    before_d, before_g = [v.numpy() for v in gan.d_weights], [v.numpy() for v in gan.g_weights]

    logs = gan.train_step((x, y))
    assert draws == [8]                                                        # one generator forward
    assert float(logs["d_loss"]) == pytest.approx(float(d_loss), rel=1e-5)
    assert float(logs["g_loss"]) == pytest.approx(float(g_loss), rel=1e-5)
    for expected, before, weights in ((expected_d, before_d, gan.d_weights), (expected_g, before_g, gan.g_weights)):
        assert any(not np.array_equal(b, v.numpy()) for b, v in zip(before, weights))   # the network moved
        for e, v in zip(expected, weights):
            np.testing.assert_allclose(v.numpy(), e, rtol=1e-5, atol=1e-6, err_msg=v.path)


def test_alternating_steps_draw_two_batches_of_fakes():
    gan = tiny()
    gan.compile()
    draws = []
    gan.sample_latent = lambda m: draws.append(int(m)) or keras.random.normal((m, 4))
    x, y = tiny_data(8)
    gan.train_step((tf.constant(x), tf.constant(y)))
    assert draws == [8, 8]                                                     # D's fakes, then G's


def test_simultaneous_update_refuses_several_d_steps():
    with pytest.raises(ValueError, match="update='simultaneous' takes one D step per G step; got d_steps=2. "
                                         "Use update='alternating'"):
        tiny(update="simultaneous", d_steps=2)
    assert tiny(update="alternating", d_steps=2).d_steps == 2
    with pytest.raises(ValueError, match="`update` must be one of"):
        tiny(update="async")


# ---------------------------------------------------------------------------- d_batch
@pytest.mark.parametrize("matching_aware", [True, False])
@pytest.mark.parametrize("d_batch, update", [("separate", "alternating"), ("joint", "alternating"),
                                             ("separate", "simultaneous"), ("joint", "simultaneous")])
def test_d_batch_joint_judges_every_pair_of_the_d_step_in_one_discriminator_call(d_batch, update, matching_aware):
    """D's step sees (real, y), (fake, y) [and (real, wrong y)]: one call each ("separate") or one on all ("joint");
    G's step then calls D on its own fakes (the alternating rule only)."""
    from helpers import discriminator_call_sizes

    gan = tiny(d_batch=d_batch, update=update, matching_aware=matching_aware)
    gan.compile()
    pairs = 3 if matching_aware else 2
    d_step = [4] * pairs if d_batch == "separate" else [4 * pairs]
    g_step = [4] if update == "alternating" else []
    assert discriminator_call_sizes(gan, tiny_data(4)) == d_step + g_step
    assert CGAN.from_config(gan.get_config()).d_batch == d_batch


def test_d_batch_joint_logits_are_those_of_one_call_on_the_concatenated_pairs():
    """With batch norm in D, the joint call's logits are those of D on the concatenation, not of each batch."""
    gan = tiny(d_batch="joint")
    x, y = (tf.constant(a) for a in tiny_data(4))
    fake = gan.generator([tf.constant(np.zeros((4, 4), "float32")), y], training=False)
    wrong = (y + 1) % 3
    gan.wrong_labels = lambda labels: wrong
    real_logits, fake_logits, negatives = gan.discriminate_pairs(x, fake, y)
    together = gan.discriminator([tf.concat([x, fake, x], 0), tf.concat([y, y, wrong], 0)], training=True)
    np.testing.assert_allclose(real_logits, together[:4], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(fake_logits, together[4:8], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(negatives, together[4:], rtol=1e-5, atol=1e-6)
    assert not np.allclose(real_logits, gan.discriminator([x, y], training=True), atol=1e-4)   # batch statistics
