"""The recipe of `keras-gans train srgan`: 4× super-resolution of MNIST-M digits (8×8 → 32×32) by default.

Two phases, as the paper: SRResNet pre-training on the pixel MSE (`--phase srresnet`), then the GAN
started from that generator (`--phase srgan --init RUN/model.keras`):

    keras-gans train srgan --phase srresnet --out runs/srresnet
    keras-gans train srgan --init runs/srresnet/model.keras --out runs/srgan

>>> from keras_gans import recipes
>>> recipe = recipes.get("srgan")
>>> model, ds, _ = recipe.build(recipe.args(batch_size=16, filters=32, residual_blocks=4))
>>> model.scale, model.content
(4, 'pixels')
"""
from keras_gans.recipes.base import Flag, Recipe, non_negative_float, positive_int
from keras_gans.recipes.registry import register

#: The layer of the shipped MNIST-M classifier whose feature maps `--content mnistm` compares (8×8×64).
MNISTM_CONTENT_LAYER = "relu3_2"

SCALE = Flag("scale", 4, "upscaling factor (the high-resolution images' sizes must be multiples of it)",
             type=positive_int)
FILTERS = Flag("filters", None, "width of the generator and of the discriminator's first convolutions (default: 32 "
               "for high-resolution images of at most 64 px, 64 above as the paper)", type=positive_int)
RESIDUAL_BLOCKS = Flag("residual_blocks", None, "residual blocks of the SRResNet generator (default: 8 up to 64 px, "
                       "the paper's 16 above)", type=positive_int)
CONTENT = Flag("content", "pixels", "content loss: pixels (MSE, runs offline), vgg (ImageNet VGG19 block5_conv4 "
               "features, the paper's VGG54; needs the weights once) or mnistm (feature maps of the shipped MNIST-M "
               "classifier, 32x32x3 images only; that classifier is also the digit judge of "
               "kg.metrics.evaluate_super_resolution, so its accuracy is then no independent test)",
               choices=("pixels", "vgg", "mnistm"))
ADVERSARIAL_WEIGHT = Flag("adversarial_weight", 1e-3, "weight of the adversarial term of the perceptual loss",
                          type=non_negative_float)
PHASE = Flag("phase", "srgan", "srresnet: the generator alone on the pixel MSE (the paper's pre-training); srgan: "
             "the GAN", choices=("srresnet", "srgan"))
INIT = Flag("init", None, "a saved SRGAN (.keras, e.g. the model.keras of a --phase srresnet run) whose generator "
            "weights this run starts from (default: random)")


def content_network(kind, highres_shape):
    """The `content` argument of SRGAN for `--content`: a string, or the MNIST-M classifier cut at a convolution."""
    if kind != "mnistm":
        return kind
    import keras

    from keras_gans.metrics import mnistm_classifier

    if tuple(highres_shape) != (32, 32, 3):
        raise ValueError(f"--content mnistm compares features of the MNIST-M classifier, which takes 32x32x3 images; "
                         f"these are {highres_shape}. Use --content pixels or vgg.")
    classifier = mnistm_classifier()
    return keras.Model(classifier.inputs, classifier.get_layer(MNISTM_CONTENT_LAYER).output, name="mnistm_content")


@register
class SRGANRecipe(Recipe):
    """SRGAN (Ledig et al. 2017): 4x super-resolution, MNIST-M digits 8x8 -> 32x32 by default.

    --dataset: mnist-m (default), mnist-32, mnist-5k or photos (96-px crops of the shipped photos);
    the low-resolution images are bicubic downscalings. SRResNet generator, discriminator of 8
    convolutions (3 stride-2 pairs up to 64 px, fewer when the size needs), Adam(1e-4, beta1 = 0.9), adversarial weight 1e-3. The
    content loss is the pixel MSE by default (offline); --content says which, and the run prints it.
    """

    name = "srgan"
    summary = "super-resolution: SRResNet, content + adversarial loss"
    defaults = {"dataset": "mnist-m", "batch_size": 16}
    flags = (SCALE, FILTERS, RESIDUAL_BLOCKS, CONTENT, ADVERSARIAL_WEIGHT, PHASE, INIT)

    def make(self, args):
        import keras

        from keras_gans import data, models

        ds = data.super_resolution_dataset(args.dataset, scale=args.scale, batch_size=args.batch_size, seed=args.seed)
        low, high = (tuple(int(d) for d in s.shape[1:]) for s in ds.element_spec)
        small = high[0] <= 64
        d_down = next(k for k in (3 if small else 4, 2, 1) if high[0] % 2 ** k == 0 and high[1] % 2 ** k == 0)
        filters = args.filters or (32 if small else 64)
        model = models.SRGAN(lowres_shape=low, scale=args.scale, filters=filters,
                             num_residual_blocks=args.residual_blocks or (8 if small else 16),
                             discriminator_filters=filters, discriminator_downsampling=d_down,
                             dense_units=256 if small else 1024, content=content_network(args.content, high),
                             adversarial_weight=args.adversarial_weight, pretrain=args.phase == "srresnet",
                             seed=args.seed)
        if args.init:
            start = keras.saving.load_model(args.init)
            if not isinstance(start, models.SRGAN):
                raise ValueError(f"--init {args.init} is a {type(start).__name__}, not a saved SRGAN.")
            model.generator.set_weights(start.generator.get_weights())
        print(f"srgan: content loss = {model.content_description}; phase = {args.phase}")
        model.set_preview(*(t.numpy()[:16] for t in next(iter(ds))))
        model.compile()
        return model, ds, []
