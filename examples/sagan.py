"""Chapter 12: SAGAN — self-attention, spectral norm, hinge loss and TTUR on mnist-5k.

Zhang et al. (2019), the first of the two models the book's chapter 12 points to: a DCGAN-like pair
with a self-attention block at the middle resolution (14×14) of both networks, spectral normalisation
of every layer, the hinge loss and two learning rates (D 4e-4, G 1e-4, Adam β = 0, 0.9). Reports
FID-MNIST (docs/metrics.md) and the learned attention weights γ (0 at the start).

Full mode: 2,000 iterations of batch 64 (about 26 passes over mnist-5k), sized for 2 CPU cores.

    python examples/sagan.py                 # 2,000 iterations, FID-MNIST on 4,500 samples
    python examples/sagan.py --quick         # a few steps of tiny networks: checks the script
"""
import os

from _common import fid_mnist, parser, report, save_grid, setup


def main(argv=None):
    p = parser(__doc__.splitlines()[0], "sagan")
    p.add_argument("--iterations", type=int, default=2_000)
    p.add_argument("--width", type=int, default=32)
    args = p.parse_args(argv)
    start = setup(args)
    import keras_gans as kg

    iterations = 3 if args.quick else args.iterations
    per_epoch = min(500, iterations)
    ds = kg.data.load("mnist-5k", batch_size=16 if args.quick else 64, seed=args.seed, repeat=True)
    gan = kg.models.SAGAN(image_shape=(28, 28, 1), width=4 if args.quick else args.width, seed=args.seed)
    gan.compile()                                         # hinge loss, TTUR
    gan.fit(ds, epochs=iterations // per_epoch, steps_per_epoch=per_epoch, verbose=0 if args.quick else 2)
    save_grid(gan.generate(64, seed=args.seed), os.path.join(args.out, "samples.png"), rows=8, scale=2)
    fid, inception = fid_mnist(gan, n_samples=100 if args.quick else 4_500, seed=args.seed)
    return report(args, start, iterations=iterations, fid_mnist=fid, is_mnist=inception, **gan.attention_gammas())


if __name__ == "__main__":
    main()
