"""Custom Keras layers used by the networks (all registered for `.keras` round trips)."""
from keras_gans.layers.attention import SelfAttention2D
from keras_gans.layers.augment import DiffAugment, diff_augment
from keras_gans.layers.discriminator_heads import MinibatchDiscrimination, ProjectionHead
from keras_gans.layers.history_pool import ImageHistoryPool
from keras_gans.layers.normalization import ConditionalBatchNormalization, InstanceNormalization
from keras_gans.layers.padding import ReflectionPadding2D
from keras_gans.layers.progan_layers import (
    EqualizedConv2D,
    EqualizedDense,
    FadeIn,
    MinibatchStdDev,
    PixelNormalization,
)
from keras_gans.layers.spectral import maybe_spectral
from keras_gans.layers.stylegan_layers import ModulatedConv2D, NoiseInjection
from keras_gans.layers.pixel_shuffle import PixelShuffle
from keras_gans.layers.regularizers import BigGANOrthogonalRegularizer
from keras_gans.layers.stylegan_layers import ConstantInput, ModulatedConv2D, NoiseInjection, SelectStyle
