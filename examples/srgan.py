"""SRGAN — 4× super-resolution of MNIST-M digits (8×8 → 32×32), against bicubic upscaling.

Ledig et al. (2017) in two phases, as the paper: SRResNet, the generator alone on the pixel MSE, then
the GAN started from it (content loss + 10⁻³ · adversarial loss). Offline, the content loss is the
pixel MSE (`--content pixels`, the paper's SRGAN-MSE); `--content vgg` is the paper's VGG54 (needs the
ImageNet VGG19 weights once). Reported on the 500 held-out test digits: PSNR of SRResNet, SRGAN and
bicubic upscaling, and how often the shipped MNIST-M classifier reads each upscaling's digit.
The model and data come from the recipe of `keras-gans train srgan`.

    python examples/srgan.py                 # 30 SRResNet + 10 GAN epochs of batch 16 (as srgan_mnistm)
    python examples/srgan.py --quick
"""
import os

import numpy as np

from _common import parser, report, save_grid, setup


def main(argv=None):
    p = parser(__doc__.splitlines()[0], "srgan")
    p.add_argument("--pretrain-epochs", type=int, default=30, help="epochs of the SRResNet phase")
    p.add_argument("--epochs", type=int, default=10, help="epochs of the GAN phase")
    p.add_argument("--content", default="pixels", choices=("pixels", "vgg", "mnistm"))
    args = p.parse_args(argv)
    start = setup(args)
    import keras_gans as kg

    recipe = kg.recipes.get("srgan")
    quick = dict(filters=4, residual_blocks=1, steps_per_epoch=2) if args.quick else {}
    pretrain_epochs, epochs = (1, 1) if args.quick else (args.pretrain_epochs, args.epochs)
    run = recipe.args(phase="srresnet", epochs=pretrain_epochs, seed=args.seed, content=args.content, **quick)
    sr, ds, _ = recipe.build(run)                        # 1. SRResNet: the pixel MSE only
    sr.fit(ds, epochs=pretrain_epochs, steps_per_epoch=run.steps_per_epoch, verbose=0 if args.quick else 2)
    pre = kg.metrics.evaluate_super_resolution(sr, "mnist-m", split="test")
    sr.pretrain = False                                  # 2. SRGAN, from the SRResNet's weights
    sr.fit(ds, epochs=epochs, steps_per_epoch=run.steps_per_epoch, verbose=0 if args.quick else 2)
    gan = kg.metrics.evaluate_super_resolution(sr, "mnist-m", split="test")
    low, high, _ = kg.data.super_resolution_arrays("mnist-m", split="test")
    from keras_gans.utils.resize import bicubic_upscale

    pick = slice(0, 400, 50)                             # the test digits are sorted by class, 50 of each: 0-7
    rows = np.concatenate([bicubic_upscale(low[pick], 4), sr.upscale(low[pick]), high[pick]])
    save_grid(rows, os.path.join(args.out, "bicubic_srgan_real.png"), rows=3, scale=2)
    return report(args, start, content=sr.content_description, psnr_bicubic=gan["psnr_bicubic"],
                  psnr_srresnet=pre["psnr"], psnr_srgan=gan["psnr"], accuracy_bicubic=gan["accuracy_bicubic"],
                  accuracy_srresnet=pre["accuracy"], accuracy_srgan=gan["accuracy"])


if __name__ == "__main__":
    main()
