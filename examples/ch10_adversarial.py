"""Chapter 10: adversarial examples — FGSM and PGD against a Keras digit classifier.

A classifier is fooled by taking gradient steps on the *pixels*, uphill on its loss
(Goodfellow et al. 2015; Madry et al. 2018). FGSM takes one step of size ε in the direction
sign(∇ₓ loss); PGD takes several smaller steps, projecting back into the L∞ ball of radius ε
around the image (and into the valid pixel range) after each. The victim is the MNIST
classifier shipped with the package (99% on the held-out split). Reported: accuracy on the
held-out digits under each attack, for several ε (pixels in [-1, 1], so ε = 0.2 is 10% of the range).

    python examples/ch10_adversarial.py            # 500 test digits, ε ∈ {0.05, 0.1, 0.2, 0.3}
    python examples/ch10_adversarial.py --quick
"""
import os

import numpy as np

from _common import parser, report, save_grid, setup


def fgsm(model, images, labels, epsilon):
    """Fast gradient sign method: x + ε·sign(∇ₓ L(x, y)), clipped to [-1, 1]."""
    import tensorflow as tf
    import keras

    x = tf.convert_to_tensor(images)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = keras.losses.sparse_categorical_crossentropy(labels, model(x, training=False))
    return tf.clip_by_value(x + epsilon * tf.sign(tape.gradient(loss, x)), -1.0, 1.0).numpy()


def pgd(model, images, labels, epsilon, steps=20, step_size=None, seed=0):
    """Projected gradient descent (Madry et al.): random start, `steps` signed steps, projection on the ε-ball."""
    import tensorflow as tf
    import keras

    step_size = step_size or 2.5 * epsilon / steps
    x0 = tf.convert_to_tensor(images)
    rng = np.random.default_rng(seed)
    x = tf.clip_by_value(x0 + rng.uniform(-epsilon, epsilon, images.shape).astype("float32"), -1.0, 1.0)
    for _ in range(steps):
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = keras.losses.sparse_categorical_crossentropy(labels, model(x, training=False))
        x = x + step_size * tf.sign(tape.gradient(loss, x))
        x = tf.clip_by_value(tf.clip_by_value(x, x0 - epsilon, x0 + epsilon), -1.0, 1.0)
    return x.numpy()


def main(argv=None):
    args = parser(__doc__.splitlines()[0], "ch10_adversarial").parse_args(argv)
    start = setup(args)
    import keras_gans as kg

    model = kg.metrics.mnist_classifier()
    x, y = kg.data.load_arrays("mnist-5k", split="test")
    n = 64 if args.quick else len(x)
    # the split is sorted by label: a seeded random subset keeps every digit in the quick run
    idx = np.sort(np.random.default_rng(args.seed).permutation(len(x))[:n])
    x, y = x[idx].astype("float32") / 127.5 - 1.0, y[idx]
    accuracy = lambda images: float((model.predict(images, verbose=0).argmax(-1) == y).mean())  # noqa: E731
    results = {"clean_accuracy": accuracy(x)}
    epsilons = (0.1, 0.3) if args.quick else (0.05, 0.1, 0.2, 0.3)
    for eps in epsilons:
        adv_fgsm = fgsm(model, x, y, eps)
        adv_pgd = pgd(model, x, y, eps, steps=5 if args.quick else 40, seed=args.seed)
        assert np.abs(adv_pgd - x).max() <= eps + 1e-5
        results[f"fgsm_accuracy_eps{eps}"] = accuracy(adv_fgsm)
        results[f"pgd_accuracy_eps{eps}"] = accuracy(adv_pgd)
        if eps == 0.3:
            save_grid(np.concatenate([x[:8], adv_fgsm[:8], adv_pgd[:8]]),
                      os.path.join(args.out, "clean_fgsm_pgd.png"), rows=3, scale=2)
    return report(args, start, n_images=n, **results)


if __name__ == "__main__":
    main()
