"""Chapter 3: the first GAN, two one-hidden-layer MLPs on MNIST.

The book's recipe: z of 100 numbers, G = Dense(128) → LeakyReLU(0.01) → Dense(784, tanh),
D = Dense(128) → LeakyReLU(0.01) → Dense(1), Adam at Keras' defaults for both, batch 128,
20,000 iterations, hard 0/1 labels and the non-saturating generator loss. The book's
`combined` model and `train_on_batch` loop become `GAN.fit` (see docs/migration.md).
Expected: recognisable but imperfect digits.

    python examples/ch03_mlp_gan.py            # 20,000 iterations
    python examples/ch03_mlp_gan.py --quick
"""
import os

from _common import fid_mnist, parser, report, save_grid, setup


def main(argv=None):
    p = parser(__doc__.splitlines()[0], "ch03_mlp_gan")
    p.add_argument("--iterations", type=int, default=20_000)
    args = p.parse_args(argv)
    start = setup(args)
    import keras_gans as kg

    iterations = 10 if args.quick else args.iterations
    steps_per_epoch = min(1_000, iterations)          # the book's sample_interval
    ds = kg.data.load("mnist-5k", batch_size=128, seed=args.seed, repeat=True)
    gan = kg.models.GAN(kg.networks.mlp_generator(100, (28, 28, 1)), kg.networks.mlp_discriminator((28, 28, 1)),
                        seed=args.seed)
    gan.compile()                                     # Adam() for both, non-saturating BCE
    history = gan.fit(ds, epochs=iterations // steps_per_epoch, steps_per_epoch=steps_per_epoch,
                      callbacks=[kg.callbacks.SampleGrid(os.path.join(args.out, "grids"), n=16, seed=args.seed)],
                      verbose=0 if args.quick else 2)
    save_grid(gan.generate(16, seed=args.seed), os.path.join(args.out, "samples.png"), rows=4)
    fid, inception = fid_mnist(gan, 200 if args.quick else 2_000, seed=args.seed)
    return report(args, start, iterations=iterations, fid_mnist=fid, is_mnist=inception,
                  d_loss=history.history["d_loss"][-1], g_loss=history.history["g_loss"][-1])


if __name__ == "__main__":
    main()
