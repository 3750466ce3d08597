"""BigGAN's networks (Brock, Donahue & Simonyan, ICLR 2019), small, for 28×28 MNIST and 32×32 images.

The generator takes `[z, labels]`. Its class enters through one **shared embedding** of the label,
and z is **hierarchical**: it is split into chunks, the first feeds the input layer and each residual
block gets its own chunk, concatenated with the shared embedding, as the conditioning vector of that
block's :class:`~keras_gans.layers.ConditionalBatchNormalization` layers. The discriminator takes
`[images, labels]` and ends in a **projection** head (:class:`~keras_gans.layers.ProjectionHead`).
Both use spectral normalisation and SAGAN's self-attention at the middle resolution (H/2); G's
convolutions and input layer carry BigGAN's orthogonal regulariser
(:class:`~keras_gans.layers.BigGANOrthogonalRegularizer`), which the model adds to G's loss.

>>> g = biggan_generator(latent_dim=12, num_classes=3, image_shape=(8, 8, 1), width=4, embedding_dim=4)
>>> d = biggan_discriminator((8, 8, 1), num_classes=3, width=4)
>>> g.output_shape, d.output_shape, latent_chunks(12, 3)
((None, 8, 8, 1), (None, 1), [4, 4, 4])
"""
import keras
from keras import layers, ops

from keras_gans.layers.attention import SelfAttention2D
from keras_gans.layers.discriminator_heads import ProjectionHead
from keras_gans.layers.normalization import ConditionalBatchNormalization
from keras_gans.layers.regularizers import BigGANOrthogonalRegularizer
from keras_gans.layers.spectral import maybe_spectral
from keras_gans.networks.inputs import latent_input
from keras_gans.networks.sagan_nets import check_three_scales
from keras_gans.utils import checks

#: Residual blocks of the generator (H/4 → H/2 → H); z has one chunk per block plus one for the input layer.
G_BLOCKS = 2


def latent_chunks(latent_dim, chunks=G_BLOCKS + 1):
    """The sizes of z's chunks: as equal as possible, the first ones one larger when `latent_dim` does not divide.

    >>> latent_chunks(100)
    [34, 33, 33]
    """
    latent_dim = checks.positive_int(latent_dim, "latent_dim")
    if latent_dim < chunks:
        raise ValueError(f"BigGAN splits z into {chunks} chunks (one for the input layer, one per generator block): "
                         f"latent_dim must be at least {chunks}; got {latent_dim}. BigGAN's small models use 120.")
    return [latent_dim // chunks + (1 if i < latent_dim % chunks else 0) for i in range(chunks)]


def _conv(filters, kernel, name, spectral_norm, regularizer=None):
    return maybe_spectral(layers.Conv2D(filters, kernel, padding="same", name=name, kernel_regularizer=regularizer),
                          spectral_norm)


def _g_block(x, cond, filters, name, spectral_norm, regularizer):
    """BigGAN's up block: CBN → ReLU → up ×2 → conv 3×3 → CBN → ReLU → conv 3×3, plus up ×2 → conv 1×1."""
    h = ConditionalBatchNormalization(spectral_norm=spectral_norm, name=f"{name}_cbn1")([x, cond])
    h = layers.UpSampling2D(2, name=f"{name}_up")(layers.ReLU()(h))
    h = _conv(filters, 3, f"{name}_conv1", spectral_norm, regularizer)(h)
    h = ConditionalBatchNormalization(spectral_norm=spectral_norm, name=f"{name}_cbn2")([h, cond])
    h = _conv(filters, 3, f"{name}_conv2", spectral_norm, regularizer)(layers.ReLU()(h))
    skip = _conv(filters, 1, f"{name}_skip", spectral_norm, regularizer)(layers.UpSampling2D(2)(x))
    return layers.Add(name=name)([h, skip])


def biggan_generator(latent_dim=120, num_classes=10, image_shape=(28, 28, 1), width=32, embedding_dim=32,
                     attention=True, spectral_norm=True, orthogonal_reg=1e-4, name="biggan_generator"):
    """[z, labels] → image in [-1, 1]: BigGAN's generator, small.

    z = [z₀, z₁, z₂] (:func:`latent_chunks`); e = SharedEmbedding(label).
    SN-Dense(z₀ → H/4·W/4·4w) → Reshape → block₁(cond = [e, z₁]) → **SelfAttention2D at H/2** →
    block₂(cond = [e, z₂]) → BN → ReLU → SN-Conv(C, 3) → tanh, with w = `width` and each block
    CBN → ReLU → Upsample → SN-Conv 3×3 → CBN → ReLU → SN-Conv 3×3 plus an upsampled SN-Conv 1×1 shortcut.

    Args:
        latent_dim: size of z (BigGAN: 120 at 128 px with 6 chunks; here 3 chunks).
        num_classes: number of classes.
        image_shape: (H, W, C), H and W multiples of 4.
        width: channels of the last block (the input layer has 4×, block₁ 2×).
        embedding_dim: size of the shared class embedding (no SN and no orthogonal regulariser on it, as in
            BigGAN's code). It starts at unit scale, N(0, 1) like the chunks of z it is concatenated with (as
            CGAN's label embeddings do), not at Keras' default U(−0.05, 0.05): the spectrally normalised CBN maps
            cannot amplify it, so from there the label moved the images 3–6% as much as z did and hardly trained.
        attention, spectral_norm: as :func:`~keras_gans.networks.sagan_generator`.
        orthogonal_reg: β of :class:`~keras_gans.layers.BigGANOrthogonalRegularizer` on the input layer and
            every convolution (0: none). The CBN gain/bias maps are not regularised.
    """
    h, w, c = check_three_scales(image_shape, "BigGAN generator")
    width = checks.positive_int(width, "width", fix="e.g. 32 (channels of the last block).")
    num_classes = checks.integer(num_classes, "num_classes", low=2, fix="MNIST has 10.")
    embedding_dim = checks.positive_int(embedding_dim, "embedding_dim", fix="e.g. 32.")
    regularizer = BigGANOrthogonalRegularizer(orthogonal_reg) if orthogonal_reg else None
    sizes = latent_chunks(latent_dim)
    z = latent_input(latent_dim)
    labels = keras.Input((), dtype="int32", name="labels")
    chunks = ops.split(z, [sizes[0], sizes[0] + sizes[1]], axis=-1)             # hierarchical z
    # N(0, 1), the scale of z's chunks (see `embedding_dim` above)
    shared = layers.Embedding(num_classes, embedding_dim, name="shared_embedding",
                              embeddings_initializer=keras.initializers.RandomNormal(stddev=1.0))(labels)
    x = maybe_spectral(layers.Dense((h // 4) * (w // 4) * 4 * width, name="project", kernel_regularizer=regularizer),
                       spectral_norm)(chunks[0])
    x = layers.Reshape((h // 4, w // 4, 4 * width))(x)
    for i, filters in enumerate((2 * width, width), start=1):
        cond = layers.Concatenate(name=f"cond{i}")([shared, chunks[i]])
        x = _g_block(x, cond, filters, f"block{i}", spectral_norm, regularizer)
        if i == 1 and attention:
            x = SelfAttention2D(spectral_norm=spectral_norm, name="attention")(x)
    x = layers.ReLU()(layers.BatchNormalization(name="out_bn")(x))
    x = _conv(c, 3, "to_image", spectral_norm, regularizer)(x)
    return keras.Model([z, labels], layers.Activation("tanh", name="tanh")(x), name=name)


def _d_block(x, filters, name, spectral_norm, first=False, downsample=True):
    """BigGAN's down block: (ReLU →) conv 3×3 → ReLU → conv 3×3 → avg-pool, plus conv 1×1 and avg-pool."""
    h = x if first else layers.ReLU()(x)          # the first block sees the image itself
    h = _conv(filters, 3, f"{name}_conv1", spectral_norm)(h)
    h = _conv(filters, 3, f"{name}_conv2", spectral_norm)(layers.ReLU()(h))
    skip = x
    if downsample:
        h = layers.AveragePooling2D(2)(h)
        skip = layers.AveragePooling2D(2)(skip) if first else skip   # the first block pools before its 1×1 conv
    skip = _conv(filters, 1, f"{name}_skip", spectral_norm)(skip)
    if downsample and not first:
        skip = layers.AveragePooling2D(2)(skip)
    return layers.Add(name=name)([h, skip])


def biggan_discriminator(image_shape=(28, 28, 1), num_classes=10, width=32, attention=True, spectral_norm=True,
                         name="biggan_discriminator"):
    """[images, labels] → one logit: BigGAN's projection discriminator, small.

    block₁(w, down) → **SelfAttention2D at H/2** → block₂(2w, down) → block₃(4w) → ReLU → global *sum* pool
    φ(x) → ProjectionHead: ψ(φ(x)) + ⟨embed(y), φ(x)⟩ (SN on ψ and the embedding).

    Args: as :func:`biggan_generator` (`width`: channels of the first block).
    """
    image_shape = check_three_scales(image_shape, "BigGAN discriminator")
    width = checks.positive_int(width, "width", fix="e.g. 32 (channels of the first block).")
    num_classes = checks.integer(num_classes, "num_classes", low=2, fix="MNIST has 10.")
    images = keras.Input(image_shape, name="images")
    labels = keras.Input((), dtype="int32", name="labels")
    x = _d_block(images, width, "block1", spectral_norm, first=True)
    if attention:
        x = SelfAttention2D(spectral_norm=spectral_norm, name="attention")(x)
    x = _d_block(x, 2 * width, "block2", spectral_norm)
    x = _d_block(x, 4 * width, "block3", spectral_norm, downsample=False)
    features = ops.sum(layers.ReLU()(x), axis=(1, 2))                          # φ(x): ReLU, then a global sum
    logit = ProjectionHead(num_classes, spectral_norm=spectral_norm, name="projection")([features, labels])
    return keras.Model([images, labels], logit, name=name)
