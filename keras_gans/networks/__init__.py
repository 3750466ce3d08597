"""Builders of generators and discriminators, kept apart from the training algorithms."""
from keras_gans.networks.dcgan_nets import (
    book_dcgan_discriminator,
    book_dcgan_generator,
    mlp_discriminator,
    mlp_generator,
    radford_discriminator,
    radford_generator,
)
from keras_gans.networks.mnist_nets import (  # noqa: E402
    cgan_discriminator,
    cgan_generator,
    sgan_discriminator,
    sgan_generator,
    wgan_critic,
    wgan_generator,
)
from keras_gans.networks.cogan_nets import cogan_discriminators, cogan_generators  # noqa: E402
from keras_gans.networks.patchgan import patchgan_discriminator  # noqa: E402
from keras_gans.networks.resnet_gen import resnet_generator  # noqa: E402
from keras_gans.networks.unet import pix2pix_generator, unet_generator  # noqa: E402
from keras_gans.networks.spectral import with_spectral_norm  # noqa: E402
from keras_gans.networks.stylegan_nets import mapping_network  # noqa: E402
from keras_gans.networks.stylegan_nets import stylegan2_discriminator, stylegan2_generator, synthesis_network  # noqa: E402,E501
from keras_gans.networks.progan_nets import (
    layers_by_name,
    progan_discriminator,
    progan_generator,
)
from keras_gans.networks.sagan_nets import sagan_discriminator, sagan_generator  # noqa: E402
from keras_gans.networks.biggan_nets import biggan_discriminator, biggan_generator  # noqa: E402

__all__ = [
    "cgan_discriminator",
    "cgan_generator",
    "sgan_discriminator",
    "sgan_generator",
    "wgan_critic",
    "wgan_generator",
    "cogan_discriminators",
    "cogan_generators",
    "patchgan_discriminator",
    "pix2pix_generator",
    "resnet_generator",
    "unet_generator",
    "book_dcgan_discriminator",
    "book_dcgan_generator",
    "mlp_discriminator",
    "mlp_generator",
    "radford_discriminator",
    "radford_generator",
    "layers_by_name",
    "progan_discriminator",
    "progan_generator",
    "mapping_network",
    "with_spectral_norm",
    "sagan_discriminator",
    "sagan_generator",
    "biggan_discriminator",
    "biggan_generator",
    "stylegan2_discriminator",
    "stylegan2_generator",
    "synthesis_network",
]
from keras_gans.networks.srgan_nets import srgan_discriminator, srresnet_generator  # noqa: E402
from keras_gans.networks.discogan_nets import discogan_discriminator, encoder_decoder_generator  # noqa: E402

__all__ += ["srgan_discriminator", "srresnet_generator", "discogan_discriminator", "encoder_decoder_generator"]
# AC-GAN and InfoGAN (issue 24): discriminators with a class head / a Q head on one body.
from keras_gans.networks.auxiliary_nets import (  # noqa: E402
    acgan_discriminator,
    acgan_generator,
    infogan_discriminator,
    infogan_generator,
)

__all__ += ["acgan_discriminator", "acgan_generator", "infogan_discriminator", "infogan_generator"]
