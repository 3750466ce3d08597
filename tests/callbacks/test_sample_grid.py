"""SampleGrid: fixed-latent frames, the GIF, the loss plot and TensorBoard images."""
import os

import numpy as np

import keras_gans as kg


def test_sample_grid_writes_frames_gif_and_loss_plot(tiny_gan, small_ds, tmp_path):
    cb = kg.callbacks.SampleGrid(tmp_path / "run", n=9, seed=5, tensorboard_dir=str(tmp_path / "tb"))
    tiny_gan.fit(small_ds.take(2), epochs=2, verbose=0, callbacks=[cb])
    files = sorted(os.listdir(tmp_path / "run"))
    assert files == ["epoch_0001.png", "epoch_0002.png", "losses.png", "samples.gif"]
    from PIL import Image

    frame = np.asarray(Image.open(tmp_path / "run" / "epoch_0002.png"))
    assert frame.shape == (3 * 30 + 2, 3 * 30 + 2)  # 3x3 grid of 28 px + 2 px padding
    assert Image.open(tmp_path / "run" / "samples.gif").n_frames == 2
    # Fixed latent vectors: the grid only changes when the model does.
    np.testing.assert_array_equal(cb.grid(), cb.grid())
    np.testing.assert_array_equal(frame, cb.grid())
    assert any("tfevents" in f for _, _, fs in os.walk(tmp_path / "tb") for f in fs)
