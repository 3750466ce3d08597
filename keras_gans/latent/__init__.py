"""Latent-space tools: interpolation, truncation, vector arithmetic, inversion and editing.

Everything here works with any generator of the package: a trained GAN model
(`DCGAN`, `WGAN`, `CGAN`, `ProGAN`, `CoGAN`, ...), the bare generator `keras.Model`
(`kg.zoo.load("dcgan_mnist")`), or any callable mapping z to images (a TF Hub layer).
Conditional generators (CGAN) take `labels=`; CoGAN takes `domain=`.

- Interpolation (GANs in Action ch. 11 "latent neighbourhoods"; lecture slides §8):
  :func:`lerp`, :func:`slerp` (White, 2016, "Sampling generative networks": walk along great
  circles because Gaussian z concentrate on a sphere), :func:`interpolate`,
  :func:`interpolation_strip` (a PNG row), :func:`interpolation_gif` (an animated walk).
- Truncation trick (Brock et al., 2019, BigGAN; GANs in Action ch. 12): :func:`truncated_latent`
  resamples large components; :func:`truncate` shrinks z towards the mean (Karras et al., 2019, ψ).
- Vector arithmetic on concept means (Radford et al., 2016, DCGAN §6.3): :func:`concept_vector`,
  :func:`vector_arithmetic`, and :func:`collect_latents` to gather z whose samples a classifier
  assigns to a concept.
- GAN inversion (Zhu et al., 2016; Kang et al., 2017, GANs in Action ch. 11): :func:`invert`
  optimises z so that G(z) reconstructs given images.
- Classifier-guided editing (lecture slides §8; Kang et al.'s preference maximisation):
  :func:`edit` takes gradient steps on z only (G and the classifier stay frozen) to raise
  a classifier's score.

One module per concern: `generators` (:func:`as_generator`), `interpolation`, `animation`,
`truncation`, `inversion` and `editing` (arithmetic and classifier-guided edits); every name
is available from `keras_gans.latent` itself.

>>> import keras_gans as kg
>>> gan = kg.models.DCGAN()
>>> z = gan.latent(2, seed=0)
>>> path = kg.latent.interpolate(z[0], z[1], steps=8)          # (8, 100) on a great circle
>>> strip = kg.latent.interpolation_strip(gan, z[0], z[1], steps=8, path="walk.png")
>>> inv = kg.latent.invert(gan, real_images, steps=200)         # inv.z, inv.images, inv.losses
>>> ed = kg.latent.edit(gan, kg.metrics.mnist_classifier(), z, target=8, steps=50)
"""
from keras_gans.latent.animation import interpolation_gif
from keras_gans.latent.editing import Edit, collect_latents, concept_vector, edit, vector_arithmetic
from keras_gans.latent.generators import LatentGenerator, as_generator
from keras_gans.latent.interpolation import interpolate, interpolation_strip, lerp, slerp
from keras_gans.latent.inversion import Inversion, invert
from keras_gans.latent.truncation import truncate, truncated_latent

__all__ = [
    "LatentGenerator", "as_generator", "lerp", "slerp", "interpolate", "interpolation_strip",
    "interpolation_gif", "truncated_latent", "truncate", "concept_vector", "vector_arithmetic",
    "collect_latents", "invert", "Inversion", "edit", "Edit",
]
