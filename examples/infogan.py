"""InfoGAN: without labels, a 10-way code learns the digit and two continuous codes its width and slant.

Chen et al. (2016), in the lectures. G(z, c) takes noise z (62), a categorical code (10 values) and two
continuous codes in [−1, 1]; a Q head on D's body reads the codes back from the fakes, and the mutual-information
loss makes them matter. The script trains on mnist-5k images (no labels) and saves:

- `categories.png`: one column per value of the categorical code (does each column hold one digit?);
- `continuous_0.png`, `continuous_1.png`: the paper's picture, each row a categorical value, each column one
  continuous code from −2 to 2 with everything else fixed (width, slant);

and measures how well the categorical code matches the digits: the shipped MNIST classifier reads 1,000 samples
(100 per code value) and the best one-to-one code → digit map (Hungarian algorithm) gives an accuracy.

Full mode runs 3,000 iterations of batch 64 (about 40 passes over mnist-5k), sized for 2 CPU cores.

    python examples/infogan.py            # 3,000 iterations
    python examples/infogan.py --quick
"""
import os

import numpy as np

from _common import parser, report, save_grid, setup


def main(argv=None):
    p = parser(__doc__.splitlines()[0], "infogan")
    p.add_argument("--iterations", type=int, default=3_000)
    args = p.parse_args(argv)
    start = setup(args)
    from scipy.optimize import linear_sum_assignment

    import keras_gans as kg

    iterations = 3 if args.quick else args.iterations
    per_epoch = min(500, iterations)
    ds = kg.data.load("mnist-5k", batch_size=16 if args.quick else 64, seed=args.seed, repeat=True)
    sizes = dict(filters=8, hidden_units=32) if args.quick else {}
    gan = kg.models.InfoGAN(seed=args.seed, **sizes)
    gan.compile()
    history = gan.fit(ds, epochs=iterations // per_epoch, steps_per_epoch=per_epoch, verbose=0 if args.quick else 2)

    save_grid(gan.generate(100, seed=args.seed, category=np.arange(100) % 10), os.path.join(args.out, "categories.png"),
              rows=10, scale=2)                      # column k: categorical code k
    for code in range(gan.continuous_codes):
        grid = gan.code_traversal(code=code, steps=10, seed=args.seed)
        save_grid(grid.reshape((-1,) + grid.shape[2:]), os.path.join(args.out, f"continuous_{code}.png"),
                  rows=grid.shape[0], scale=2)

    codes = np.repeat(np.arange(10), 10 if args.quick else 100)
    predicted = kg.metrics.mnist_classifier().predict(gan.generate(len(codes), seed=args.seed, category=codes),
                                                      verbose=0).argmax(-1)
    confusion = np.zeros((10, 10), "int64")
    np.add.at(confusion, (codes, predicted), 1)
    rows, cols = linear_sum_assignment(confusion, maximize=True)
    return report(args, start, iterations=iterations,
                  assignment_accuracy=float(confusion[rows, cols].sum() / len(codes)),
                  code_to_digit={int(r): int(c) for r, c in zip(rows, cols)},
                  q_category_accuracy=float(history.history["category_acc"][-1]))


if __name__ == "__main__":
    main()
