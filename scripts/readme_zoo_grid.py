"""Tiles the `samples.png` of every built-in generator preset (keras_gans/presets/) into docs/images/zoo_grid.png
(the README picture).

    python scripts/readme_zoo_grid.py [--out docs/images/zoo_grid.png] [--crop 4]

Each preset's card image holds 64 samples drawn with seed 0; the first `--crop`×`--crop` tiles of
it are shown under the preset's name and headline metric. Presets without samples (classifiers)
are skipped. Rerun after publishing a preset.
"""
import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

import keras_gans as kg  # noqa: E402
from keras_gans.utils import atomic_path  # noqa: E402


def corner(path, tiles):
    """The top-left `tiles`×`tiles` block of an 8×8 sample grid image."""
    image = np.asarray(Image.open(path).convert("RGB"))
    h, w = image.shape[:2]
    return image[: h * tiles // 8, : w * tiles // 8]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=os.path.join("docs", "images", "zoo_grid.png"))
    p.add_argument("--crop", type=int, default=4, help="tiles per side taken from each 8×8 grid (default: 4)")
    args = p.parse_args()
    shown = []
    for preset in kg.zoo.list():
        if preset["source"] != "built-in":
            continue  # never download here
        samples = os.path.join(kg.zoo.resolve(preset["name"]), "samples.png")
        if os.path.exists(samples):
            shown.append((preset, corner(samples, args.crop)))
    if not shown:
        raise SystemExit("No built-in preset with samples.png found (is keras_gans/presets/ installed?)")
    fig, axes = plt.subplots(1, len(shown), figsize=(2.4 * len(shown), 2.9))
    for ax, (preset, image) in zip(np.atleast_1d(axes), shown):
        ax.imshow(image)
        ax.set_title(f"{preset['name']}\n{preset['metric']}", fontsize=8)
        ax.axis("off")
    fig.tight_layout()
    with atomic_path(args.out) as tmp:
        fig.savefig(tmp, dpi=90, format="png")  # 10 presets at 110 dpi made a 335 kB file (tests/test_docs.py: < 300 kB)
    plt.close(fig)
    print(f"wrote {args.out}: {', '.join(p['name'] for p, _ in shown)}")


if __name__ == "__main__":
    main()
