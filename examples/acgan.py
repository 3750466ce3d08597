"""AC-GAN: the discriminator also names the class; ask for a digit, get that digit.

Odena et al. (2017), "if you have labels, train D to also classify" (ganhacks #12, in the lectures). G(z, c)
draws a digit of class c; D has two heads on one body, real/fake and the class. The script trains on mnist-5k
with labels, saves one row per digit 0–9, and measures the label accuracy with the shipped MNIST classifier
(the fraction of generated digits it reads as the class they were asked for).

Full mode runs 2,000 iterations of batch 64 (about 26 passes over mnist-5k), sized for 2 CPU cores.

    python examples/acgan.py              # 2,000 iterations
    python examples/acgan.py --quick
"""
import os

import numpy as np

from _common import parser, report, save_grid, setup


def main(argv=None):
    p = parser(__doc__.splitlines()[0], "acgan")
    p.add_argument("--iterations", type=int, default=2_000)
    args = p.parse_args(argv)
    start = setup(args)
    import keras_gans as kg

    iterations = 3 if args.quick else args.iterations
    per_epoch = min(500, iterations)
    ds = kg.data.load("mnist-5k", batch_size=16 if args.quick else 64, with_labels=True, seed=args.seed, repeat=True)
    acgan = kg.models.ACGAN(num_classes=10, filters=8 if args.quick else 64, seed=args.seed)
    acgan.compile()
    history = acgan.fit(ds, epochs=iterations // per_epoch, steps_per_epoch=per_epoch, verbose=0 if args.quick else 2)

    save_grid(acgan.generate(50, seed=args.seed, labels=np.arange(50) % 10), os.path.join(args.out, "digits.png"),
              rows=5, scale=2)                       # five rows of 0 … 9
    labels = np.repeat(np.arange(10), 10 if args.quick else 100)
    images = acgan.generate(len(labels), seed=args.seed, labels=labels)
    predicted = kg.metrics.mnist_classifier().predict(images, verbose=0).argmax(-1)
    per_class = [float((predicted[labels == k] == k).mean()) for k in range(10)]
    return report(args, start, iterations=iterations, label_accuracy=float((predicted == labels).mean()),
                  worst_class_accuracy=min(per_class),
                  d_class_accuracy_real=float(history.history["class_acc_real"][-1]))


if __name__ == "__main__":
    main()
