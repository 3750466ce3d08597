"""Chapter 2: the variational autoencoder baseline on MNIST.

The book trains an MLP VAE (784 → 256 → 2-D z → 256 → 784, RMSprop, batch 100) and shows the
2-D latent means of the test digits coloured by class (figure 2.6) and the decoded latent
manifold (figure 2.7). Full mode trains about as many steps as the book's 5 epochs of MNIST
(3,000 steps of 100 images on mnist-5k), then writes both figures and the held-out loss.

    python examples/ch02_vae.py            # full (a few minutes on a CPU)
    python examples/ch02_vae.py --quick    # seconds
"""
import os

import numpy as np

from _common import parser, report, save_grid, setup


def main(argv=None):
    args = parser(__doc__.splitlines()[0], "ch02_vae").parse_args(argv)
    start = setup(args)
    import keras_gans as kg

    steps, epochs = (5, 1) if args.quick else (100, 30)
    ds = kg.data.load("mnist-5k", batch_size=100, seed=args.seed, repeat=True)
    vae = kg.models.VAE(latent_dim=2, intermediate_dim=256, seed=args.seed)
    vae.compile()                                    # RMSprop, the book's choice
    vae.fit(ds, epochs=epochs, steps_per_epoch=steps, verbose=0 if args.quick else 2)

    x_test, y_test = kg.data.load_arrays("mnist-5k", split="test")
    x_test = x_test.astype("float32") / 127.5 - 1.0
    test_loss = float(vae.compute_losses(x_test)[0])
    z_mean, _ = vae.encode(x_test)

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 4))
    points = ax.scatter(z_mean[:, 0], z_mean[:, 1], c=y_test, cmap="tab10", s=6)
    fig.colorbar(points, ax=ax, label="digit")
    ax.set_xlabel("z[0]"), ax.set_ylabel("z[1]"), ax.set_title("VAE latent means (mnist-5k test)")
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "latent_scatter.png"), dpi=80)
    plt.close(fig)
    n = 7 if args.quick else 15
    save_grid(vae.latent_grid(n), os.path.join(args.out, "latent_manifold.png"), rows=n)
    save_grid(vae.generate(16, seed=args.seed), os.path.join(args.out, "samples.png"))
    # how well the 2-D means separate the classes: accuracy of a nearest-class-mean rule
    means = np.stack([z_mean[y_test == k].mean(0) for k in range(10)])
    nearest = np.argmin(((z_mean[:, None] - means[None]) ** 2).sum(-1), axis=1)
    return report(args, start, test_loss=test_loss, nearest_class_mean_accuracy=float((nearest == y_test).mean()),
                  steps=steps * epochs)


if __name__ == "__main__":
    main()
