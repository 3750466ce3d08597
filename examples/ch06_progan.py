"""Chapter 6: progressive growing (ProGAN) and the TF Hub `progan-128` generator.

Part 1 grows a ProGAN on MNIST digits 4×4 → 8×8 → 16×16 → 32×32 (equalised learning rate,
pixel norm, minibatch std-dev, WGAN-GP + drift; Karras et al. 2018), saving the samples of
every resolution. Part 2 is the book's listing 6.5 in Keras 3: `kg.zoo.load_hub` wraps a TF Hub
generator as a Keras 3 layer. With `--hub google/progan-128/1` (needs the internet) it draws
the book's faces (z of 512 → 128×128×3); offline, the same loader is shown on the module this
script exports from the ProGAN it just trained (`gan.export(dir)` writes a hub-loadable SavedModel).

Full mode trains `MNIST_32_RECIPE` (keras_gans/recipes/progan.py), the schedule of the slow test and
the first `progan_mnist_32` preset (the preset now trains it with --epochs 44 in bfloat16): 98,560 images, about 15 CPU-minutes; FID/IS-MNIST of the 32-px samples.

    python examples/ch06_progan.py                                # 4 → 32, about 18 minutes
    python examples/ch06_progan.py --hub google/progan-128/1      # also the real hub module
    python examples/ch06_progan.py --quick
"""
import os

import numpy as np

from _common import fid_mnist, parser, report, save_grid, setup


def main(argv=None):
    p = parser(__doc__.splitlines()[0], "ch06_progan")
    p.add_argument("--hub", default=None, help="a TF Hub handle to load as well (needs the internet)")
    p.add_argument("--images-per-phase", type=int, default=None,
                   help="equal phases of this many images instead of MNIST_32_RECIPE")
    args = p.parse_args(argv)
    start = setup(args)
    import keras
    import keras_gans as kg

    from keras_gans.recipes.progan import MNIST_32_RECIPE as recipe

    target = 8 if args.quick else 32
    if args.quick:
        gan = kg.models.ProGAN(start_resolution=4, target_resolution=target, latent_dim=64, channels=1, seed=args.seed)
        schedule = kg.models.ProGANSchedule(transition_images=256, batch_sizes=32)
    else:
        gan = kg.models.ProGAN(start_resolution=4, target_resolution=target, latent_dim=recipe["latent_dim"],
                               channels=1, filters=recipe["filters"], ema_decay=recipe["ema_decay"], seed=args.seed)
        if args.images_per_phase:
            schedule = kg.models.ProGANSchedule(transition_images=args.images_per_phase,
                                                batch_sizes=recipe["batch_size"])
        else:
            schedule = kg.models.ProGANSchedule(recipe["transition_images"], recipe["stable_images"],
                                                batch_sizes=recipe["batch_size"])
    gan.compile()
    data = kg.data.load("mnist-5k", batch_size=64, image_size=(target, target), seed=args.seed)
    resolutions = []
    for phase in schedule.phases(4, target):
        gan.fit_schedule(data, schedule, verbose=0, stop_after=(phase.resolution, phase.kind))
        if phase.kind == "stable":
            resolutions.append(gan.resolution)
            save_grid(gan.generate(16, seed=args.seed), os.path.join(args.out, f"samples_{gan.resolution}.png"),
                      rows=4, scale=max(1, 64 // gan.resolution))
    # Part 2: the hub loader, offline on our own export.
    module_dir = os.path.join(args.out, "progan_module")
    gan.export(module_dir, verbose=False, overwrite=True)  # the script's own output, replaced on a rerun
    layer = kg.zoo.load_hub(module_dir)
    z = keras.random.normal((4, layer.latent_dim), seed=1337)
    from_hub = keras.ops.convert_to_numpy(layer(z))
    direct = gan.generate(z=keras.ops.convert_to_numpy(z))
    hub_max_abs_diff = float(np.abs(from_hub - direct).max())
    print(f"hub loader on the local export: latent_dim={layer.latent_dim}, images {from_hub.shape}, "
          f"max |hub - direct| = {hub_max_abs_diff:.2e}")
    results = dict(resolutions=resolutions, hub_latent_dim=layer.latent_dim, hub_max_abs_diff=hub_max_abs_diff,
                   phase_seconds={f"{r} {kind}": round(sec, 1) for r, kind, sec, _, _ in gan.phase_times})
    if not args.quick:  # the 32-px samples, resized to 28×28 by the metric's extractor
        results["fid_mnist"], results["is_mnist"] = fid_mnist(gan, 4_500, seed=args.seed)
    if args.hub:
        try:
            progan = kg.zoo.load_hub(args.hub)
            faces = keras.ops.convert_to_numpy(progan(keras.random.normal((4, progan.latent_dim), seed=1337)))
            save_grid(faces * 2.0 - 1.0, os.path.join(args.out, "hub_faces.png"), rows=1)
            results["hub_faces_shape"] = list(faces.shape)
        except (ConnectionError, OSError) as err:
            print(f"skipped the remote hub module {args.hub!r}: {err}")
    else:
        print("remote TF Hub module skipped (no --hub; this machine may be offline).")
    return report(args, start, **results)


if __name__ == "__main__":
    main()
