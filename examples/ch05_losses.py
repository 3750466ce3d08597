"""Chapter 5: game setups compared — minimax, non-saturating, WGAN (clipping) and WGAN-GP.

The same DCGAN-style generator is trained with four losses for the same number of generator
updates and scored with FID-MNIST / IS-MNIST on the held-out split (lower FID is better).
WGAN and WGAN-GP take `n_critic` = 5 critic steps per generator step (Arjovsky et al. 2017;
Gulrajani et al. 2017: λ = 10, Adam(1e-4, 0, 0.9)); their batches are 5× larger so each
critic step sees a fresh slice. The book gives the loss table (its table 5.1) but no code.

Full mode gives each setup 500 generator steps (on 2 CPU cores the two WGANs, with 5 critic
steps each, take most of the time); `--steps 3000` trains longer.

    python examples/ch05_losses.py                 # 500 generator steps each
    python examples/ch05_losses.py --quick
    python examples/ch05_losses.py --setups wgan_gp   # one setup (or a comma-separated few)
"""
import os

from _common import fid_mnist, parser, report, save_grid, setup


def main(argv=None):
    p = parser(__doc__.splitlines()[0], "ch05_losses")
    p.add_argument("--steps", type=int, default=500, help="generator updates per setup")
    p.add_argument("--setups", default="minimax,non_saturating,wgan,wgan_gp",
                   help="comma-separated setups to train (default: all four)")
    args = p.parse_args(argv)
    start = setup(args)
    import keras_gans as kg

    steps = 3 if args.quick else args.steps
    per_epoch = min(100, steps)
    batch = 64
    setups = {
        "minimax": lambda: (kg.models.DCGAN(seed=args.seed), dict(loss="minimax"), batch),
        "non_saturating": lambda: (kg.models.DCGAN(seed=args.seed), dict(loss="non_saturating"), batch),
        "wgan": lambda: (kg.models.WGAN(seed=args.seed), {}, 5 * batch),
        "wgan_gp": lambda: (kg.models.WGANGP(seed=args.seed), {}, 5 * batch),
    }
    chosen = [name.strip() for name in args.setups.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(setups))
    if unknown or not chosen:
        p.error(f"--setups: unknown {unknown or 'empty list'}; choose from {', '.join(setups)}")
    results, rows = {}, []
    for name in chosen:
        make = setups[name]
        gan, compile_args, batch_size = make()
        gan.compile(**compile_args)
        ds = kg.data.load("mnist-5k", batch_size=batch_size, seed=args.seed, repeat=True)
        history = gan.fit(ds, epochs=max(1, steps // per_epoch), steps_per_epoch=per_epoch, verbose=0)
        fid, inception = fid_mnist(gan, 200 if args.quick else 2_000, seed=args.seed)
        results[f"{name}_fid_mnist"], results[f"{name}_is_mnist"] = fid, inception
        save_grid(gan.generate(16, seed=args.seed), os.path.join(args.out, f"{name}.png"), rows=4)
        rows.append(f"| {name} | {fid:.2f} | {inception:.2f} | {history.history['d_loss'][-1]:.3f} |")
        print(f"{name}: FID-MNIST {fid:.2f}, IS-MNIST {inception:.2f}")
    table = "| setup | FID-MNIST | IS-MNIST | final d_loss |\n|---|---|---|---|\n" + "\n".join(rows)
    with open(os.path.join(args.out, "table.md"), "w") as f:
        f.write(table + "\n")
    print(table)
    return report(args, start, generator_steps=steps, **results)


if __name__ == "__main__":
    main()
