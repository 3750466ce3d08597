"""Chapter 9 (aside): pix2pix — paired translation, digits → MNIST-M.

Isola et al. (2017): a U-Net generator and a PatchGAN discriminator that judges (input, output)
pairs, with an L1 term (λ = 100) towards the paired target. The book mentions pix2pix as the
paired predecessor of CycleGAN. Reported: the test L1 error against the true paired targets.

    python examples/ch09_pix2pix.py            # 20 epochs
    python examples/ch09_pix2pix.py --quick
"""
import os

import numpy as np

from _common import parser, report, save_grid, setup


def main(argv=None):
    p = parser(__doc__.splitlines()[0], "ch09_pix2pix")
    p.add_argument("--epochs", type=int, default=20)
    args = p.parse_args(argv)
    start = setup(args)
    import keras_gans as kg

    ds = kg.data.load_pair("mnist2mnistm-paired", batch_size=16, seed=args.seed)
    p2p = kg.models.Pix2Pix(image_shape=(32, 32, 3), filters=16 if args.quick else 32,
                            discriminator_filters=16 if args.quick else 32, discriminator_downsampling=2,
                            seed=args.seed)
    p2p.compile()
    a, b = next(iter(kg.data.load_pair("mnist2mnistm-test", batch_size=64, shuffle=False)))
    a, b = a.numpy(), b.numpy()
    before = float(np.abs(p2p.translate(a) - b).mean())
    if args.quick:
        p2p.fit(ds, epochs=1, steps_per_epoch=3, verbose=0)
    else:
        p2p.fit(ds, epochs=args.epochs, verbose=2)
    out = p2p.translate(a)
    save_grid(np.concatenate([a[:8], out[:8], b[:8]]), os.path.join(args.out, "input_output_target.png"),
              rows=3, scale=2)
    return report(args, start, test_l1_before=before, test_l1=float(np.abs(out - b).mean()))


if __name__ == "__main__":
    main()
