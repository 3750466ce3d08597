"""Chapter 9 companion: coupled GAN (CoGAN) — one z, the same digit in two domains.

Liu & Tuzel (2016): two GANs whose generators share all but their last layer and whose
discriminators share their last layers learn a *joint* distribution from unpaired data; no pair
is ever shown. Domain A is MNIST digits; domain B is, by default, their negatives (255 − x), so
correspondence can be checked exactly: 255 − G_B(z) should be the digit G_A(z). `--pair edges`
uses edge maps instead (the paper's other digit pair), read after dilating the outline.

Reported: how often the shipped MNIST classifier reads the same digit in G_A(z) and in the
(undone) G_B(z), with the number of distinct digits read in G_A(z) (collapsed or untrained
generators agree trivially; chance is about 10% for varied samples); for negatives also the mean
pixel distance |G_A(z) − (255 − G_B(z))| against that of mismatched pairs.

    python examples/ch09_cogan.py                 # negatives, 15 epochs of batch 64
    python examples/ch09_cogan.py --pair edges --epochs 30
    python examples/ch09_cogan.py --quick
"""
import os

import numpy as np

from _common import parser, report, save_grid, setup


def main(argv=None):
    p = parser(__doc__.splitlines()[0], "ch09_cogan")
    p.add_argument("--pair", choices=["negative", "edges"], default="negative",
                   help="domain B: negative digits (default) or edge maps")
    p.add_argument("--epochs", type=int, default=15)
    args = p.parse_args(argv)
    start = setup(args)
    import keras_gans as kg
    import tensorflow as tf

    ds = kg.data.load_pair(f"mnist2{args.pair}-unpaired", batch_size=64, seed=args.seed)
    cogan = kg.models.CoGAN(image_shape=(28, 28, 1), latent_dim=64, seed=args.seed)
    cogan.compile()
    if args.quick:
        cogan.fit(ds, epochs=1, steps_per_epoch=3, verbose=0)
    else:
        cogan.fit(ds, epochs=args.epochs, verbose=2)
    digits, other = cogan.generate_pair(8, seed=args.seed)
    save_grid(np.concatenate([digits, other]), os.path.join(args.out, "pairs.png"), rows=2, scale=2)
    n = 100 if args.quick else 1_000
    digits, other = cogan.generate_pair(n, seed=args.seed + 1)
    if args.pair == "negative":
        undone = -other                                    # 255 − x is −x in [-1, 1]
    else:                                                  # an outline: dilate it into a stroke
        undone = tf.nn.max_pool2d(other, 3, 1, "SAME").numpy()
    clf = kg.metrics.mnist_classifier()
    read_a = clf.predict(digits, verbose=0).argmax(-1)
    read_b = clf.predict(undone, verbose=0).argmax(-1)
    results = dict(pair=args.pair, same_digit_rate=float((read_a == read_b).mean()),
                   distinct_digits_in_a=int(len(np.unique(read_a))))
    if args.pair == "negative":
        results["pixel_l1"] = float(np.abs(digits - undone).mean())
        results["pixel_l1_mismatched"] = float(np.abs(digits - np.roll(undone, 1, axis=0)).mean())
    return report(args, start, **results)


if __name__ == "__main__":
    main()
