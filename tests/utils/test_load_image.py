"""keras_gans.utils.images.load_image: every image format to float RGB in [0, 255], clear errors."""
import numpy as np
import pytest

from keras_gans.utils.images import load_image


def _write_png16(array, path):
    """A minimal 16-bit RGB/RGBA PNG writer (PIL cannot write them)."""
    import struct
    import zlib

    h, w, c = array.shape
    raw = b"".join(b"\x00" + array[i].astype(">u2").tobytes() for i in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", w, h, 16, {3: 2, 4: 6}[c], 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_load_image_converts_modes(tmp_path):
    from PIL import Image

    grey = np.tile(np.arange(0, 256, 4, dtype=np.uint8), (20, 1))  # 20 x 64
    x = load_image(grey)
    assert x.shape == (20, 64, 3) and x.dtype == np.float32
    assert np.array_equal(x[..., 0], grey) and np.array_equal(x[..., 1], x[..., 2])
    rgba = np.zeros((20, 20, 4), np.uint8)
    rgba[..., 0] = 200
    rgba[:10, :, 3] = 255  # top opaque red, bottom transparent → white
    x = load_image(rgba)
    assert x[0, 0].tolist() == [200, 0, 0] and x[-1, -1].tolist() == [255, 255, 255]
    # 16-bit grey PNG (mode I;16) is scaled 0-65535 → 0-255.
    path16 = tmp_path / "grey16.png"
    Image.fromarray(np.full((20, 30), 65535 // 2, np.uint16)).save(path16)
    x = load_image(str(path16))
    assert x.shape == (20, 30, 3) and x[0, 0, 0] == pytest.approx(32767 / 257, abs=1e-3)
    # 16-bit RGBA PNG (48/64-bit colour): PIL reduces it to 8 bits; alpha composited.
    rgba16 = np.zeros((20, 30, 4), np.uint16)
    rgba16[..., 0], rgba16[..., 1], rgba16[..., 2], rgba16[..., 3] = 65535, 32896, 0, 65535
    _write_png16(rgba16, tmp_path / "rgba16.png")
    x = load_image(str(tmp_path / "rgba16.png"))
    np.testing.assert_allclose(x[0, 0], [255, 128, 0], atol=1)
    # floats in [0, 1] are scaled; a palette PNG is converted.
    assert load_image(np.ones((16, 16, 3), np.float32)).max() == 255.0
    Image.fromarray(rgba).convert("P").save(tmp_path / "pal.png")
    assert load_image(tmp_path / "pal.png").shape == (20, 20, 3)
    # height keeps the aspect ratio with int() as keras-io does: 100x150 → 40x60
    assert load_image(np.zeros((100, 150, 3), np.uint8), height=40).shape == (40, 60, 3)


@pytest.mark.parametrize("bad, message", [
    (np.zeros((20, 20, 5), np.uint8), "C = 1"),
    (np.zeros((2, 20, 20, 3), np.uint8), "batch of 2"),
    (np.full((20, 20, 3), 300.0, np.float32), "expected \\[0, 1\\] or \\[0, 255\\]"),
    (np.full((20, 20, 3), np.nan, np.float32), "NaN"),
    (np.zeros((8, 40, 3), np.uint8), "at least 16"),
    (np.full((20, 20), 1000, np.int32), "0-255"),
])
def test_load_image_refuses_bad_input(bad, message):
    with pytest.raises(ValueError, match=message):
        load_image(bad, what="style image")


def test_load_image_missing_and_unreadable_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="content image .*does not exist"):
        load_image(str(tmp_path / "nope.jpg"), what="content image")
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"not an image")
    with pytest.raises(ValueError, match="Could not read"):
        load_image(str(junk))
