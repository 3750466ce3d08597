"""Neural style transfer (Gatys et al. 2016; lecture slides §4) on VGG19.

The picture itself is optimised: its VGG19 block5_conv2 features should match the content
image, the Gram matrices of block1..5_conv1 should match the style image, plus a total-variation
term. Content and style here are scikit-learn's two sample photos (offline). The ImageNet VGG19
weights are needed for a real result; without them (offline, not cached) the script says so and
runs with a random VGG19, which only checks the mechanics.

    python examples/style_transfer.py                  # 1,000 steps at 256 px (ImageNet weights)
    python examples/style_transfer.py --quick
"""
import os

from _common import parser, report, setup


def main(argv=None):
    p = parser(__doc__.splitlines()[0], "style_transfer")
    p.add_argument("--steps", type=int, default=1_000)
    p.add_argument("--height", type=int, default=256)
    args = p.parse_args(argv)
    start = setup(args)
    from sklearn.datasets import load_sample_images
    import keras_gans as kg
    from keras_gans.models.style_transfer import WeightsUnavailableError
    from keras_gans.utils.images import save_image

    china, flower = load_sample_images().images
    height, steps = (32, 4) if args.quick else (args.height, args.steps)
    weights = "imagenet"
    try:
        st = kg.models.StyleTransfer(china, flower, weights=weights, height=height, seed=args.seed)
    except WeightsUnavailableError as err:
        print(f"ImageNet VGG19 weights unavailable ({err.__class__.__name__}); using a random VGG19: "
              "the output only checks the mechanics.")
        weights = None
        st = kg.models.StyleTransfer(china, flower, weights=None, height=height, seed=args.seed)
    st.compile()
    history = st.run(steps=steps, log_every=max(1, steps // 4), verbose=0 if args.quick else 2)
    path = os.path.join(args.out, "stylised.png")
    save_image(st.generated_image(), path)
    print(f"wrote {path}")
    losses = history.history.get("loss", [float("nan")])
    return report(args, start, steps=steps, vgg_weights=str(weights), first_loss=float(losses[0]),
                  last_loss=float(losses[-1]))


if __name__ == "__main__":
    main()
