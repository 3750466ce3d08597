"""Chapter 12: BigGAN (small) — ask for a digit, trade variety for fidelity with the truncation trick.

Brock et al. (2019) at MNIST scale: class-conditional batch norm from a shared class embedding and
hierarchical z, a projection discriminator, spectral norm, self-attention, orthogonal regularisation
of G and the hinge loss. Reports the label accuracy (the shipped MNIST classifier reads the requested
digit), its worst class, FID-MNIST, and a truncation sweep: pictures with thresholds 2.0, 1.0 and 0.5
and the per-pixel spread of the samples at each.

Full mode: 2,000 iterations of batch 64, sized for 2 CPU cores.

    python examples/biggan.py                # 2,000 iterations
    python examples/biggan.py --quick        # a few steps of tiny networks: checks the script
"""
import os

import numpy as np

from _common import fid_mnist, parser, report, save_grid, setup


def main(argv=None):
    p = parser(__doc__.splitlines()[0], "biggan")
    p.add_argument("--iterations", type=int, default=2_000)
    p.add_argument("--width", type=int, default=32)
    args = p.parse_args(argv)
    start = setup(args)
    import keras_gans as kg

    iterations = 3 if args.quick else args.iterations
    per_epoch = min(500, iterations)
    ds = kg.data.load("mnist-5k", batch_size=16 if args.quick else 64, with_labels=True, seed=args.seed, repeat=True)
    gan = kg.models.BigGAN(num_classes=10, width=4 if args.quick else args.width, seed=args.seed)
    gan.compile()                                         # hinge loss, TTUR
    gan.fit(ds, epochs=iterations // per_epoch, steps_per_epoch=per_epoch, verbose=0 if args.quick else 2)

    scores = kg.metrics.evaluate_label_accuracy(gan, n_samples=100 if args.quick else 1_000, seed=args.seed)
    fid, _ = fid_mnist(gan, n_samples=100 if args.quick else 4_500, seed=args.seed)
    spread = {}
    labels = np.repeat(np.arange(10), 10)                 # a row per digit
    for threshold in (2.0, 1.0, 0.5):
        images = gan.generate(len(labels), seed=args.seed, labels=labels, truncation=threshold)
        save_grid(images, os.path.join(args.out, f"truncation_{threshold}.png"), rows=10, scale=2)
        spread[f"pixel_std_truncation_{threshold}"] = float(images.reshape(10, 10, -1).std(axis=1).mean())
    return report(args, start, iterations=iterations, label_accuracy=scores["label_accuracy"],
                  worst_class_accuracy=scores["worst_class"], fid_mnist=fid, **spread)


if __name__ == "__main__":
    main()
