"""Chapter 11: GAN data augmentation for a small classifier (after Frid-Adar et al. 2018).

The book's medical example: with few labelled images, classic augmentation (shifts, rotations,
zoom) plateaus; a GAN trained on the augmented set adds samples that raise accuracy further.
Here: 20 labelled digits per class (200 images) from the mnist-5k train split. A CGAN is trained
on those 200 images only. Then the same small CNN is trained, for the same number of optimizer
steps, on

1. the 200 real images;
2. the 200 real images with classic augmentation (random rotation, shift and zoom);
3. as 2, plus as many CGAN images as real ones (1:1), with the labels they were generated for;
4. as 2, plus ten times as many CGAN images (10:1);

and each is scored on the 500 held-out digits (mean over `--seeds` classifier seeds).

    python examples/ch11_augmentation.py            # CGAN 2,000 iterations, classifiers 1,500 steps
    python examples/ch11_augmentation.py --cgan runs/examples/ch11_augmentation/cgan.keras   # reuse a CGAN
    python examples/ch11_augmentation.py --quick
"""
import os

import numpy as np

from _common import parser, report, save_grid, setup


def small_cnn(seed, classic_augmentation=False):
    """Two convolutions and a softmax; classic augmentation as Keras layers (active in training only)."""
    import keras

    keras.utils.set_random_seed(seed)
    augment = []
    if classic_augmentation:  # background is -1: fill the new border with it
        fill = dict(fill_mode="constant", fill_value=-1.0)
        augment = [keras.layers.RandomRotation(0.05, **fill), keras.layers.RandomTranslation(0.1, 0.1, **fill),
                   keras.layers.RandomZoom(0.1, **fill)]
    model = keras.Sequential([keras.Input((28, 28, 1))] + augment + [
        keras.layers.Conv2D(16, 3, activation="relu"), keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(32, 3, activation="relu"), keras.layers.MaxPooling2D(),
        keras.layers.Flatten(), keras.layers.Dropout(0.3), keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def main(argv=None):
    p = parser(__doc__.splitlines()[0], "ch11_augmentation")
    p.add_argument("--per-class", type=int, default=20)
    p.add_argument("--iterations", type=int, default=2_000, help="CGAN training steps (batch 32)")
    p.add_argument("--ema-decay", type=float, default=0.99, help="samples come from an EMA of G's weights")
    p.add_argument("--cgan", default=None, help="a CGAN .keras file to reuse instead of training one")
    p.add_argument("--classifier-steps", type=int, default=1_500, help="optimizer steps (batch 32) per classifier")
    p.add_argument("--seeds", type=int, default=2, help="classifier seeds averaged per arm")
    args = p.parse_args(argv)
    start = setup(args)
    import keras
    import tensorflow as tf
    import keras_gans as kg

    x_train, y_train = kg.data.load_arrays("mnist-5k", split="train")
    split = kg.data.semi_supervised_split(x_train, y_train, 10 * args.per_class, seed=args.seed)
    x_small = split[0].astype("float32") / 127.5 - 1.0
    y_small = split[1].astype("int32")
    x_test, y_test = kg.data.load_arrays("mnist-5k", split="test")
    x_test = x_test.astype("float32") / 127.5 - 1.0

    iterations = 5 if args.quick else args.iterations
    if args.cgan:
        cgan = keras.saving.load_model(args.cgan)
    else:
        per_epoch = min(500, iterations)
        ds = (tf.data.Dataset.from_tensor_slices((x_small, y_small)).shuffle(len(x_small), seed=args.seed)
              .repeat().batch(32, drop_remainder=True))
        cgan = kg.models.CGAN(num_classes=10, ema_decay=args.ema_decay, seed=args.seed)
        cgan.compile()
        cgan.fit(ds, epochs=iterations // per_epoch, steps_per_epoch=per_epoch, verbose=0 if args.quick else 2)
        cgan.save(os.path.join(args.out, "cgan.keras"))
    n_fake = 10 * len(x_small)
    y_fake = np.arange(n_fake, dtype="int32") % 10
    x_fake = cgan.generate(n_fake, seed=args.seed, labels=y_fake)
    save_grid(x_fake[:20], os.path.join(args.out, "synthetic.png"), rows=2, scale=2)

    steps = 10 if args.quick else args.classifier_steps
    seeds = range(1 if args.quick else args.seeds)

    def score(x, y, classic):
        accuracies = []
        for seed in seeds:
            model = small_cnn(seed, classic)
            ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed).repeat().batch(32)
            model.fit(ds, epochs=1, steps_per_epoch=steps, verbose=0)
            accuracies.append(float(model.evaluate(x_test, y_test, verbose=0)[1]))
        return float(np.mean(accuracies))

    def with_fakes(k):
        return np.concatenate([x_small, x_fake[:k]]), np.concatenate([y_small, y_fake[:k]])

    n = len(x_small)
    results = {"real_only": score(x_small, y_small, False),
               "classic": score(x_small, y_small, True),
               "classic_plus_gan_1to1": score(*with_fakes(n), True),
               "classic_plus_gan_10to1": score(*with_fakes(n_fake), True)}
    for arm, accuracy in results.items():
        print(f"{arm:>24}: test accuracy {accuracy:.3f}")
    return report(args, start, labelled_images=n, cgan_iterations=None if args.cgan else iterations,
                  classifier_steps=steps, classifier_seeds=len(seeds),
                  **{f"{arm}_test_accuracy": accuracy for arm, accuracy in results.items()})


if __name__ == "__main__":
    main()
