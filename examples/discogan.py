"""DiscoGAN — unpaired translation between MNIST digits and MNIST-M, with reconstruction losses and no identity loss.

Kim et al. (2017): two encoder-decoder generators and two whole-image discriminators, the GAN's
cross-entropy loss and the distance of both round trips (A → B → A, B → A → B): the paper's MSE weighted 1,
the recipe's L1 weighted 10 (and an 8×8 code, depth 2, at 32 px). The same data and the same
label-preservation protocol as examples/ch09_cyclegan.py: on the 500 held-out digits, the shipped
MNIST-M classifier reads G_AB(a) and the shipped MNIST classifier reads G_BA(b). The model and data
come from the recipe of `keras-gans train discogan`, with its defaults.

    python examples/discogan.py              # 20 epochs of batch 8 (the recipe's default), as discogan_mnist_mnistm
    python examples/discogan.py --quick
"""
import os

import numpy as np

from _common import parser, report, save_grid, setup


def main(argv=None):
    p = parser(__doc__.splitlines()[0], "discogan")
    p.add_argument("--epochs", type=int, default=20)
    args = p.parse_args(argv)
    start = setup(args)
    import keras_gans as kg

    recipe = kg.recipes.get("discogan")
    quick = dict(filters=4, steps_per_epoch=2) if args.quick else {}
    run = recipe.args(epochs=1 if args.quick else args.epochs, seed=args.seed, **quick)
    gan, ds, callbacks = recipe.build(run)
    gan.fit(ds, epochs=run.epochs, steps_per_epoch=run.steps_per_epoch, callbacks=callbacks,
            verbose=0 if args.quick else 2)
    a, b = next(iter(kg.data.load_pair("mnist2mnistm-test", batch_size=64, shuffle=False)))
    a, b = a.numpy(), b.numpy()
    fake_b = gan.translate(a, direction="a2b")
    back_a = gan.translate(fake_b, direction="b2a")
    save_grid(np.concatenate([a[:8], fake_b[:8], back_a[:8], b[:8]]), os.path.join(args.out, "a_to_b_to_a.png"),
              rows=4, scale=2)
    a2b = kg.metrics.evaluate_translation(gan, direction="a2b", metrics=("fid",))
    b2a = kg.metrics.evaluate_translation(gan, source="mnist-m", reference="mnist-32", extractor="mnist",
                                          direction="b2a", metrics=("fid",))
    return report(args, start, a2b_label_kept=a2b["accuracy"], b2a_label_kept=b2a["accuracy"],
                  a2b_fid_mnistm=a2b["fid"], reconstruction_mse_a=float(np.mean((back_a - a) ** 2)))


if __name__ == "__main__":
    main()
