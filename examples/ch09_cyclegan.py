"""Chapter 9: CycleGAN — unpaired translation between MNIST digits and MNIST-M.

The book translates apples ↔ oranges at 128×128; this offline stand-in translates 32×32 digits
(domain A) ↔ MNIST-M (domain B, digits blended with photo crops) without ever pairing them.
Losses: least-squares adversarial + λ_cyc·L1 cycle + λ_id·L1 identity (Zhu et al. 2017).
Reported: label preservation both ways on the 500 held-out digits (the FCN-score idea of Zhu et
al. 2017, §5.1.1: the shipped MNIST-M classifier reads G(a), the shipped MNIST classifier reads
F(b)), FID-MNIST-M of G(a), the L1 cycle error A → B → A and the L1 error of A → B against the
true MNIST-M version of each test digit (possible here because MNIST-M is built from the same digits).
The model, data and optimizers come from the recipe of `keras-gans train cyclegan`
(`kg.recipes.get("cyclegan")`), with batch 8: ResNet generators with 16 filters and 3 residual blocks,
and the paper's learning-rate schedule (2e-4, then linearly to 0 over the second half of the run,
`LinearDecay`); batch 8 with the decay read best in benchmarks/translation_quality.py. The zoo's
cyclegan_mnist_mnistm adds 32 filters, drops the B → A → B round trip from the loss
(`--lambda-cycle-b 0`) and uses the paper's 70×70 PatchGAN (`--d-downsampling 3`), which lifts B→A
above 90 % (see docs/tutorials/cyclegan.md).

    python examples/ch09_cyclegan.py            # 10 epochs of batch 8 (2,810 steps), the paper's loss
    python examples/ch09_cyclegan.py --lambda-cycle-b 0
    python examples/ch09_cyclegan.py --lambda-cycle-b 0 --d-downsampling 3
    python examples/ch09_cyclegan.py --quick
"""
import os

import numpy as np

from _common import parser, report, save_grid, setup


def main(argv=None):
    p = parser(__doc__.splitlines()[0], "ch09_cyclegan")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--lambda-cycle-b", type=float, default=None,
                   help="weight of the B -> A -> B round trip alone (default: lambda_cycle, the paper's loss)")
    p.add_argument("--d-downsampling", type=int, default=2,
                   help="stride-2 blocks of the PatchGANs (default 2, as the CLI on small images; 3: the paper's 70x70)")
    args = p.parse_args(argv)
    start = setup(args)
    import keras_gans as kg

    # `keras-gans train cyclegan --batch-size 8 ...`: the LinearDecay runs over this run's steps
    recipe = kg.recipes.get("cyclegan")
    run = recipe.args(batch_size=8, epochs=1 if args.quick else args.epochs, steps_per_epoch=3 if args.quick else None,
                      lambda_cycle_b=args.lambda_cycle_b, d_downsampling=args.d_downsampling, seed=args.seed)
    gan, ds, callbacks = recipe.build(run)            # compiled, on mnist2mnistm-unpaired
    gan.fit(ds, epochs=run.epochs, steps_per_epoch=run.steps_per_epoch, callbacks=callbacks,
            verbose=0 if args.quick else 2)
    a, b = next(iter(kg.data.load_pair("mnist2mnistm-test", batch_size=64, shuffle=False)))
    a, b = a.numpy(), b.numpy()
    fake_b = gan.translate(a, direction="a2b")
    back_a = gan.translate(fake_b, direction="b2a")
    rows = np.concatenate([a[:8], fake_b[:8], back_a[:8], b[:8]])
    save_grid(rows, os.path.join(args.out, "a_to_b_to_a.png"), rows=4, scale=2)
    # the 500 held-out test digits (and their MNIST-M renderings), read by the shipped classifiers
    a2b = kg.metrics.evaluate_translation(gan, direction="a2b", metrics=("fid",))
    b2a = kg.metrics.evaluate_translation(gan, source="mnist-m", reference="mnist-32", extractor="mnist",
                                          direction="b2a", metrics=("fid",))
    return report(args, start, a2b_label_kept=a2b["accuracy"], b2a_label_kept=b2a["accuracy"],
                  a2b_fid_mnistm=a2b["fid"], cycle_l1=float(np.abs(back_a - a).mean()),
                  a2b_l1_to_true_mnistm=float(np.abs(fake_b - b).mean()))


if __name__ == "__main__":
    main()
