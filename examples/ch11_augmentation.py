"""Chapter 11: GAN data augmentation for a small classifier (after Frid-Adar et al. 2018).

The book's medical example: with few labelled images, classic augmentation plateaus; adding
GAN-generated images raises accuracy. Here: 20 labelled digits per class (200 images) from the
mnist-5k train split. A CGAN is trained on those 200 images only, then the same small CNN is
trained (1) on the 200 real images and (2) on the 200 real plus 2,000 CGAN images with the
labels they were generated for; both are scored on the held-out split.

    python examples/ch11_augmentation.py            # CGAN 2,000 iterations, classifiers 30 epochs
    python examples/ch11_augmentation.py --quick
"""
import os

import numpy as np

from _common import parser, report, save_grid, setup


def small_cnn(seed):
    import keras

    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(16, 3, activation="relu"), keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(32, 3, activation="relu"), keras.layers.MaxPooling2D(),
        keras.layers.Flatten(), keras.layers.Dropout(0.3), keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def main(argv=None):
    p = parser(__doc__.splitlines()[0], "ch11_augmentation")
    p.add_argument("--per-class", type=int, default=20)
    p.add_argument("--iterations", type=int, default=2_000)
    args = p.parse_args(argv)
    start = setup(args)
    import tensorflow as tf
    import keras_gans as kg

    x_train, y_train = kg.data.load_arrays("mnist-5k", split="train")
    split = kg.data.semi_supervised_split(x_train, y_train, 10 * args.per_class, seed=args.seed)
    x_small = split[0].astype("float32") / 127.5 - 1.0
    y_small = split[1].astype("int32")
    x_test, y_test = kg.data.load_arrays("mnist-5k", split="test")
    x_test = x_test.astype("float32") / 127.5 - 1.0

    iterations = 5 if args.quick else args.iterations
    per_epoch = min(500, iterations)
    ds = (tf.data.Dataset.from_tensor_slices((x_small, y_small)).shuffle(len(x_small), seed=args.seed)
          .repeat().batch(32, drop_remainder=True))
    cgan = kg.models.CGAN(num_classes=10, seed=args.seed)
    cgan.compile()
    cgan.fit(ds, epochs=iterations // per_epoch, steps_per_epoch=per_epoch, verbose=0 if args.quick else 2)
    n_fake = 200 if args.quick else 2_000
    y_fake = np.arange(n_fake, dtype="int32") % 10
    x_fake = cgan.generate(n_fake, seed=args.seed, labels=y_fake)
    save_grid(x_fake[:20], os.path.join(args.out, "synthetic.png"), rows=2, scale=2)

    epochs = 1 if args.quick else 30
    real_only = small_cnn(args.seed)
    real_only.fit(x_small, y_small, epochs=epochs, batch_size=32, verbose=0)
    augmented = small_cnn(args.seed)
    x_aug, y_aug = np.concatenate([x_small, x_fake]), np.concatenate([y_small, y_fake])
    augmented.fit(x_aug, y_aug, epochs=epochs, batch_size=32, shuffle=True, verbose=0)
    return report(args, start, labelled_images=len(x_small), synthetic_images=n_fake,
                  real_only_test_accuracy=float(real_only.evaluate(x_test, y_test, verbose=0)[1]),
                  augmented_test_accuracy=float(augmented.evaluate(x_test, y_test, verbose=0)[1]))


if __name__ == "__main__":
    main()
