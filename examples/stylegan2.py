"""StyleGAN2, small: mapping network, modulated convolutions with noise, style mixing, lazy R1 (Karras et al. 2020).

Trains the `stylegan2` recipe (keras_gans/recipes/stylegan2.py) on mnist-5k digits resized to 32×32, then
draws samples at truncation ψ = 1 and 0.7, a style-mixing grid (coarse styles of the left column, fine
styles of the top row) and, in full mode, FID/IS-MNIST of the 32-px samples (the metric's extractor resizes
them to 28×28). `--augment color,translation,cutout` adds DiffAugment.

    python examples/stylegan2.py                    # the recipe's defaults, --epochs 20 (about 6 minutes on 2 cores)
    python examples/stylegan2.py --quick            # 8×8 images, tiny widths, 2 steps: checks the script only
"""
import os

from _common import fid_mnist, parser, report, save_grid, setup


def main(argv=None):
    p = parser(__doc__.splitlines()[0], "stylegan2")
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--augment", default=None, help="a DiffAugment policy, e.g. color,translation,cutout")
    args = p.parse_args(argv)
    start = setup(args)
    import keras_gans as kg

    recipe = kg.recipes.get("stylegan2")
    if args.quick:
        settings = dict(image_size=8, latent_dim=8, style_dim=8, batch_size=8, epochs=1, steps_per_epoch=2)
    else:
        settings = dict(epochs=args.epochs)
    run = recipe.args(seed=args.seed, augment=args.augment, **settings)
    gan, data, callbacks = recipe.build(run)
    if args.quick:   # tiny widths as well: the recipe's networks at 8 px would still take a while to trace
        gan = kg.models.StyleGAN2(image_shape=gan.image_shape, latent_dim=8, style_dim=8, mapping_layers=2,
                                  filters={4: 8, 8: 4}, group_size=2, augment=args.augment, seed=args.seed)
        gan.compile()
    history = gan.fit(data, epochs=run.epochs, steps_per_epoch=run.steps_per_epoch, callbacks=callbacks, verbose=0)
    scale = max(1, 64 // gan.image_shape[0])
    save_grid(gan.generate(16, seed=args.seed), os.path.join(args.out, "samples.png"), rows=4, scale=scale)
    save_grid(gan.generate(16, seed=args.seed, truncation_psi=0.7), os.path.join(args.out, "samples_psi0.7.png"),
              rows=4, scale=scale)
    grid = gan.style_mix(n_rows=4, n_cols=5, seed=args.seed)
    save_grid(grid.reshape((-1,) + grid.shape[2:]), os.path.join(args.out, "style_mixing.png"), rows=grid.shape[0],
              scale=scale)
    results = {key: float(values[-1]) for key, values in history.history.items()}
    if not args.quick:
        results["fid_mnist"], results["is_mnist"] = fid_mnist(gan, 4_500, seed=args.seed)
    return report(args, start, **results)


if __name__ == "__main__":
    main()
