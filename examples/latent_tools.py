"""Latent-space tools on a DCGAN: interpolation, truncation, vector arithmetic, inversion, editing.

Lecture slides §8 and GANs in Action ch. 11–12, with `keras_gans.latent`:

1. slerp vs lerp strips between two z, and an animated GIF walk;
2. the truncation trick (smaller thresholds: less variety, cleaner digits);
3. concept arithmetic (DCGAN paper §6.3): z of a generated 7 − mean z of 7s + mean z of 9s;
4. GAN inversion: find z with G(z) ≈ a real held-out digit;
5. classifier-guided editing: gradient steps on z only, raising the shipped MNIST classifier's
   probability of a chosen digit.

The generator is the `dcgan_mnist` zoo preset when it is installed, else a DCGAN trained here.

    python examples/latent_tools.py            # trains 3,000 steps if there is no preset
    python examples/latent_tools.py --quick
"""
import os

import numpy as np

from _common import parser, report, save_grid, setup


def get_generator(args):
    import keras_gans as kg

    if not args.quick:
        try:
            return kg.zoo.load("dcgan_mnist"), "zoo:dcgan_mnist"
        except (KeyError, FileNotFoundError, ValueError, OSError) as err:
            print(f"no dcgan_mnist preset ({err}); training a DCGAN here")
    gan = kg.models.DCGAN(seed=args.seed)
    gan.compile()
    steps = 3 if args.quick else args.steps
    gan.fit(kg.data.load("mnist-5k", batch_size=64, seed=args.seed, repeat=True),
            epochs=max(1, steps // 500), steps_per_epoch=min(500, steps), verbose=0 if args.quick else 2)
    return gan, f"DCGAN trained {steps} steps"


def main(argv=None):
    p = parser(__doc__.splitlines()[0], "latent_tools")
    p.add_argument("--steps", type=int, default=3_000)
    args = p.parse_args(argv)
    start = setup(args)
    import keras_gans as kg
    from keras_gans import latent

    model, source = get_generator(args)
    gen = latent.as_generator(model)
    out = lambda name: os.path.join(args.out, name)  # noqa: E731
    rng = np.random.default_rng(args.seed)
    z = rng.standard_normal((4, gen.latent_dim)).astype("float32")

    # 1. interpolation
    slerp_strip = latent.interpolation_strip(gen, z[0], z[1], steps=10, method="slerp")
    lerp_strip = latent.interpolation_strip(gen, z[0], z[1], steps=10, method="lerp")
    save_grid(np.concatenate([slerp_strip, lerp_strip]), out("interpolation.png"), rows=2, scale=2)
    path = latent.interpolate(z[0], z[1], 10)
    latent.interpolation_gif(gen, z, out("walk.gif"), steps=4 if args.quick else 12, scale=3)

    # 2. truncation: one row per threshold, same seed
    rows = [gen.numpy(latent.truncated_latent(8, gen.latent_dim, threshold=t, seed=args.seed))
            for t in (2.0, 1.0, 0.5)]
    save_grid(np.concatenate(rows), out("truncation.png"), rows=3, scale=2)

    # 3. vector arithmetic on concept means, concepts found by the classifier:
    #    each 7 − mean(7s) + mean(9s) should become a 9 (a class direction added to individual samples)
    clf = kg.metrics.mnist_classifier()
    n = 256 if args.quick else 4_000
    z7, _ = latent.collect_latents(gen, clf, target=7, n=n, top_k=8, seed=args.seed)
    z9, _ = latent.collect_latents(gen, clf, target=9, n=n, top_k=8, seed=args.seed + 1)
    moved = np.stack([latent.vector_arithmetic(z, z7, z9) for z in z7])
    moved_images = gen.numpy(moved)
    save_grid(np.concatenate([gen.numpy(z7), moved_images]), out("arithmetic.png"), rows=2, scale=2)
    arithmetic_rate = float((clf.predict(moved_images, verbose=0).argmax(-1) == 9).mean())

    # 4. inversion of real held-out digits
    x_test, y_test = kg.data.load_arrays("mnist-5k", split="test")     # sorted by label: take one per digit
    targets = np.stack([x_test[y_test == k][0] for k in range(8)]).astype("float32") / 127.5 - 1.0
    inv = latent.invert(gen, targets, steps=20 if args.quick else 500, candidates=4 if args.quick else 32)
    save_grid(np.concatenate([targets, inv.images]), out("inversion.png"), rows=2, scale=2)

    # 5. editing towards the digit 8
    ed = latent.edit(gen, clf, z, target=8, steps=10 if args.quick else 100, step_size=0.05)
    save_grid(np.concatenate([gen.numpy(z), ed.images]), out("edit_to_8.png"), rows=2, scale=2)
    return report(args, start, generator=source,
                  slerp_norm_spread=float(np.ptp(np.linalg.norm(path, axis=1))),
                  arithmetic_7_to_9_rate=arithmetic_rate, inversion_mse_start=inv.losses[0], inversion_mse_end=inv.losses[-1],
                  edit_p8_start=float(ed.start_scores.mean()), edit_p8_end=float(ed.end_scores.mean()))


if __name__ == "__main__":
    main()
