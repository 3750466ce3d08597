"""GAN models: subclassed `keras.Model`s that train with `fit` (algorithms only; see docs/architecture.md)."""
from keras_gans.layers.history_pool import ImageHistoryPool
from keras_gans.models.gan import GAN
from keras_gans.models.multi_network import MultiNetworkGAN
from keras_gans.models.dcgan import DCGAN, DCGANWithTricks
from keras_gans.models.wgan import WGAN, WGANGP
from keras_gans.models.cgan import CGAN
from keras_gans.models.sgan import SGAN
from keras_gans.models.progan import ProGAN, ProGANSchedule
from keras_gans.models.style_transfer import StyleTransfer
from keras_gans.models.cyclegan import CycleGAN
from keras_gans.models.pix2pix import Pix2Pix
from keras_gans.models.cogan import CoGAN
from keras_gans.models.vae import VAE
from keras_gans.models.stylegan2 import StyleGAN2

__all__ = ["CycleGAN", "ImageHistoryPool", "Pix2Pix", "CoGAN", "GAN", "DCGAN", "DCGANWithTricks", "WGAN", "WGANGP", "CGAN",
           "SGAN", "ProGAN", "ProGANSchedule", "StyleTransfer", "VAE", "MultiNetworkGAN"]
from keras_gans.models.multi_network import TwoWayTranslationGAN  # noqa: E402
from keras_gans.models.srgan import SRGAN  # noqa: E402
from keras_gans.models.discogan import DiscoGAN  # noqa: E402

__all__ += ["TwoWayTranslationGAN", "SRGAN", "DiscoGAN"]
from keras_gans.models.sagan import SAGAN  # noqa: E402
from keras_gans.models.biggan import BigGAN  # noqa: E402

__all__ += ["SAGAN", "BigGAN"]
__all__ += ["StyleGAN2"]
# Issue 24: the auxiliary-classifier GAN and InfoGAN.
from keras_gans.models.acgan import ACGAN  # noqa: E402
from keras_gans.models.infogan import InfoGAN  # noqa: E402

__all__ += ["ACGAN", "InfoGAN"]
