"""Chapter 9 companion: coupled GAN (CoGAN) — one z, the same digit in two domains.

Liu & Tuzel (2016): two GANs whose generators share their first layers and whose
discriminators share their last layers learn a *joint* distribution from unpaired data. Here
domain A is MNIST digits and domain B their edge maps; no pair is ever shown. Reported: how
often the shipped MNIST classifier reads the same digit in G_A(z) and in the filled edge image
G_B(z) — a proxy for the pairs corresponding (chance is about 10% for varied samples; the number of
distinct digits read in G_A(z) is printed too, since collapsed or untrained generators agree trivially).

    python examples/ch09_cogan.py            # 30 epochs
    python examples/ch09_cogan.py --quick
"""
import os

import numpy as np

from _common import parser, report, save_grid, setup


def main(argv=None):
    p = parser(__doc__.splitlines()[0], "ch09_cogan")
    p.add_argument("--epochs", type=int, default=30)
    args = p.parse_args(argv)
    start = setup(args)
    import keras_gans as kg

    ds = kg.data.load_pair("mnist2edges-unpaired", batch_size=64, seed=args.seed)
    cogan = kg.models.CoGAN(image_shape=(28, 28, 1), latent_dim=64, seed=args.seed)
    cogan.compile()
    if args.quick:
        cogan.fit(ds, epochs=1, steps_per_epoch=3, verbose=0)
    else:
        cogan.fit(ds, epochs=args.epochs, verbose=2)
    digits, edges = cogan.generate_pair(8, seed=args.seed)
    save_grid(np.concatenate([digits, edges]), os.path.join(args.out, "pairs.png"), rows=2, scale=2)
    n = 100 if args.quick else 1_000
    digits, edges = cogan.generate_pair(n, seed=args.seed + 1)
    clf = kg.metrics.mnist_classifier()
    read_a = clf.predict(digits, verbose=0).argmax(-1)
    # An edge map is an outline: dilate it into a stroke before reading it as a digit.
    import tensorflow as tf

    filled = tf.nn.max_pool2d(edges, 3, 1, "SAME").numpy()
    read_b = clf.predict(filled, verbose=0).argmax(-1)
    # agreement means little if the samples are all one digit: report the variety as well
    return report(args, start, same_digit_rate=float((read_a == read_b).mean()),
                  distinct_digits_in_a=int(len(np.unique(read_a))))


if __name__ == "__main__":
    main()
