"""Chapter 7: semi-supervised GAN versus a supervised classifier, both with 100 labels.

The SGAN's discriminator is a 10-way classifier whose real/fake output is Z/(Z+1), Z = Σ exp(logits)
(Salimans et al. 2016). It learns from 100 labelled digits *and* the unlabelled rest; the
baseline is the same network trained on the 100 labelled digits alone. The book reports about
89% (SGAN) versus 70% (supervised) test accuracy on MNIST after 8,000 iterations of batch 32.
With Salimans et al.'s techniques (the defaults here) 3,000 iterations suffice on 2 CPU cores;
`--iterations 8000` is the book's budget.
Here the test set is the held-out mnist-5k split (500 digits).

    python examples/ch07_sgan.py            # 3,000 iterations
    python examples/ch07_sgan.py --quick
"""
import os

from _common import parser, report, save_grid, setup


def main(argv=None):
    p = parser(__doc__.splitlines()[0], "ch07_sgan")
    p.add_argument("--iterations", type=int, default=3_000, help="the book uses 8,000")
    p.add_argument("--num-labeled", type=int, default=100)
    args = p.parse_args(argv)
    start = setup(args)
    import numpy as np
    import keras_gans as kg
    from keras_gans.models.sgan import supervised_baseline

    iterations = 5 if args.quick else args.iterations
    per_epoch = min(500, iterations)
    ds = kg.data.semi_supervised_dataset("mnist-5k", num_labeled=args.num_labeled, batch_size=32, seed=args.seed)
    # the defaults add Salimans et al.'s techniques to the book's; the learning rate decays to 0 at the end
    sgan = kg.models.SGAN(num_labeled=args.num_labeled, seed=args.seed, lr_decay_steps=max(2, iterations))
    sgan.compile()
    sgan.fit(ds.repeat(), epochs=iterations // per_epoch, steps_per_epoch=per_epoch, verbose=0 if args.quick else 2)

    x_test, y_test = kg.data.load_arrays("mnist-5k", split="test")
    x_test = x_test.astype("float32") / 127.5 - 1.0
    sgan_accuracy = float(sgan.classifier.evaluate(x_test, y_test, verbose=0)[1])

    # The baseline is the same network (same noise, augmentation) and sees exactly the SGAN's labelled
    # examples, for the same number of updates.
    x_train, y_train = kg.data.load_arrays("mnist-5k", split="train")
    split = kg.data.semi_supervised_split(x_train, y_train, args.num_labeled, seed=args.seed)
    x_lab, y_lab = split[0], split[1]
    x_lab = x_lab.astype("float32") / 127.5 - 1.0 if x_lab.dtype == np.uint8 else x_lab
    baseline = supervised_baseline(**{k: getattr(sgan, k) for k in ("dropout", "input_noise", "hidden_noise",
                                                                    "d_normalization", "translate")})
    epochs = max(1, iterations * 32 // len(x_lab))
    baseline.fit(x_lab, y_lab, batch_size=32, epochs=epochs, verbose=0)
    supervised_accuracy = float(baseline.evaluate(x_test, y_test, verbose=0)[1])
    save_grid(sgan.generate(16, seed=args.seed), os.path.join(args.out, "samples.png"), rows=4)
    return report(args, start, iterations=iterations, sgan_test_accuracy=sgan_accuracy,
                  supervised_test_accuracy=supervised_accuracy, num_labeled=args.num_labeled)


if __name__ == "__main__":
    main()
