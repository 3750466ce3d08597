"""Semi-supervised GAN (Salimans et al. 2016; Odena 2016; GANs in Action, chapter 7)."""
import keras
import tensorflow as tf
from keras import layers, ops

from keras_gans.export import check_format, export_classifier
from keras_gans.models.common import check_fixed_option
from keras_gans.models.gan import GAN
from keras_gans.networks import mnist_nets
from keras_gans.training.ema import check_decay, ema_copy, ema_counter, ema_follow
from keras_gans.training.schedules import HalfLinearDecay
from keras_gans.training.tricks import TricksMixin, check_trick_options
from keras_gans.utils import checks

__all__ = ["SGAN", "HalfLinearDecay", "build_classifier", "real_logit", "supervised_baseline"]

GENERATOR_OBJECTIVES = ("non_saturating", "feature_matching")


def real_logit(class_logits):
    """The real-vs-fake logit of an N-class discriminator: log Z with Z = Σₖ exp(lₖ).

    With the fake class's logit fixed at 0 (Salimans et al. 2016), P(real) = Z / (Z + 1) =
    σ(log Z), so log Z is a logit for the usual GAN losses (computed stably by logsumexp).
    """
    return ops.logsumexp(ops.cast(class_logits, "float32"), axis=-1, keepdims=True)


def build_classifier(discriminator, name="sgan_classifier"):
    """A compiled Keras classifier (softmax over D's class logits) sharing `discriminator`'s weights."""
    probabilities = layers.Softmax(name="probabilities")(discriminator.output)
    model = keras.Model(discriminator.input, probabilities, name=name)
    model.compile(optimizer=keras.optimizers.Adam(), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def supervised_baseline(image_shape=(28, 28, 1), num_classes=10, dropout=0.5, input_noise=0.0, hidden_noise=0.0,
                        d_normalization="batch", translate=0.0):
    """The SGAN discriminator network as a plain supervised classifier (the book's ch. 7 baseline).

    Compiled with sparse categorical cross-entropy, Adam() and accuracy; train it on the same
    labelled examples as the SGAN to measure what the unlabelled data and the GAN add. Pass the
    SGAN's network options (`dropout`, `input_noise`, `hidden_noise`, `d_normalization`, `translate`) to compare
    the same network, regularisation included.
    """
    network = mnist_nets.sgan_discriminator(image_shape, num_classes, dropout=dropout, input_noise=input_noise,
                                            hidden_noise=hidden_noise, normalization=d_normalization,
                                            translate=translate)
    return build_classifier(network, name="supervised_classifier")


@keras.saving.register_keras_serializable(package="keras_gans")
class SGAN(TricksMixin, GAN):
    """Semi-supervised GAN: a discriminator that is also a `num_classes`-way classifier.

    Salimans et al. (2016, "Improved Techniques for Training GANs", §5), GANs in Action ch. 7.
    D outputs `num_classes` logits l. Its classifier is softmax(l); its probability that an image
    is real is Z/(Z + 1) with Z = Σ exp(lₖ) (the fake class's logit is fixed at 0), i.e. the logit
    log Z (:func:`real_logit`). Per training step:

    1. D: supervised cross-entropy on a labelled batch + the GAN loss on log Z for an
       unlabelled real batch ("real") and a generated batch ("fake");
    2. G: fresh fakes, either towards "real" (`generator_objective="non_saturating"`, the book)
       or matching the mean of D's "features" layer on real data (`"feature_matching"`, Salimans et al.).

    After training, :attr:`classifier` is the product: a compiled Keras classifier (images in
    [-1, 1] → class probabilities) that evaluates, saves and exports on its own.

    Data: :func:`kg.data.semi_supervised_dataset` (dicts of `images`, `labeled_images`,
    `labels`); the labels of the unlabelled images never enter the pipeline.

    Args:
        image_shape, latent_dim, num_classes: sizes.
        num_labeled: the number of labelled examples the model is meant for (recorded in the
            config and used by `keras-gans train sgan`).
        generator, discriminator: optional networks (D: images → `num_classes` logits). The
            default G is :func:`keras_gans.networks.sgan_generator`, 10× cheaper than the book's
            chapter 4 DCGAN generator (pass `generator=kg.networks.book_dcgan_generator(latent_dim)`
            for the book's); the default D is the book's chapter 7 network
            (:func:`keras_gans.networks.sgan_discriminator`) with the options below.
        dropout: dropout before D's last layer (0.5, the book).
        input_noise, hidden_noise: std of the Gaussian noise D adds to its input images and after
            each hidden layer in training (Salimans et al. §5: 0.3 and 0.5 on MNIST). Default 0.3 and 0.
        d_normalization: `None` (default), `"batch"` (the book) or `"layer"`. D sees labelled,
            unlabelled and fake batches in separate calls, so batch norm normalises each with its
            own statistics (and tests with averages of all three); Salimans et al. use none (weight norm).
        translate: random translation of D's inputs in training, up to this fraction of the size (default
            0.1; 0 = off, the book). Not in the paper: a differentiable augmentation (DiffAugment) of
            labelled, unlabelled and fake images alike; the supervised baseline gets it too.
        generator_objective: `"feature_matching"` (default; Salimans et al.: G matches the mean of
            D's "features" layer on real data, which is what helps the classifier) or
            `"non_saturating"` (the book: G tries to be called real).
        supervised_weight, unsupervised_weight: weights of the two parts of D's loss (1 and 1).
        classifier_ema: decay β of an exponential moving average of D's weights that becomes the
            :attr:`classifier` (Polyak averaging; default 0.99, warmed up as min(β, (1 + n) / (10 + n)) at
            the n-th D step, :mod:`keras_gans.training.ema`; None: the classifier is D itself).
        learning_rate: Adam learning rate of both networks (default 3e-3, Salimans et al.'s; β1 = 0.5).
        lr_decay_steps: if set, the learning rates stay constant for the first half of this many
            steps and decay linearly to 0 at the end (:class:`HalfLinearDecay`; set it to the
            number of training steps). `keras-gans train sgan` sets it from `--epochs`.
        d_batch: `"separate"` only (the default; `"joint"` of :class:`~keras_gans.models.GAN` is refused): D's
            step judges the labelled, the unlabelled and the fake batch in calls of their own, as the book and
            Salimans et al. do (with `d_normalization="batch"`, the classifier's labelled batch is normalised
            by its own statistics in training, never with fakes).
        update: `"alternating"` only (the default; `"simultaneous"` of :class:`~keras_gans.models.GAN` is
            refused): D's step on the three batches, then the classifier's moving average follows D, then G's
            step on new fakes.
        **kwargs: `seed`, tricks (`label_smoothing`, `instance_noise`, `ema_decay`) and Keras arguments.

    The book's chapter 7 networks and objective are `SGAN(generator=book_dcgan_generator(100),
    d_normalization="batch", input_noise=0,
    translate=0, classifier_ema=None, generator_objective="non_saturating")` (the book trains with
    Adam() at 1e-3; this class's earlier defaults used Adam(2e-4, β1 = 0.5)). The measured effect
    of the defaults, on mnist-5k with 100 labels, is in `benchmarks/sgan_accuracy.py`'s docstring.

    Example:

    >>> import keras_gans as kg
    >>> sgan = kg.models.SGAN(num_labeled=100)
    >>> sgan.compile()
    >>> sgan.fit(kg.data.semi_supervised_dataset("mnist-5k", num_labeled=100, batch_size=32), epochs=1, verbose=0)
    >>> x, y = kg.data.load_arrays("mnist-5k", split="test")
    >>> loss, accuracy = sgan.classifier.evaluate(x / 127.5 - 1, y, verbose=0)
    """

    metric_names = ("d_loss", "g_loss", "supervised_loss", "unsupervised_loss", "labeled_acc",
                    "d_acc_real", "d_acc_fake")
    fixed_options = ("update", "d_steps")

    def __init__(self, image_shape=(28, 28, 1), latent_dim=100, num_classes=10, num_labeled=None, generator=None,
                 discriminator=None, dropout=0.5, input_noise=0.3, hidden_noise=0.0, d_normalization=None,
                 translate=0.1, generator_objective="feature_matching", supervised_weight=1.0,
                 unsupervised_weight=1.0, classifier_ema=0.99, learning_rate=3e-3, lr_decay_steps=None, **kwargs):
        if generator_objective not in GENERATOR_OBJECTIVES:
            raise ValueError(f"generator_objective must be one of {GENERATOR_OBJECTIVES}; got {generator_objective!r}.")
        check_decay(classifier_ema, "classifier_ema", 0.99)
        image_shape, latent_dim = checks.image_shape(image_shape), checks.latent_dim(latent_dim)
        num_classes = checks.integer(num_classes, "num_classes", low=2, fix="MNIST has 10.")
        num_labeled = checks.optional(checks.positive_int, num_labeled, "num_labeled",
                                      fix="The labelled examples the data holds (100 in the book), or None.")
        dropout = checks.rate(dropout, "dropout")
        input_noise = checks.non_negative(input_noise, "input_noise", fix="It is a standard deviation; 0 adds none.")
        hidden_noise = checks.non_negative(hidden_noise, "hidden_noise", fix="It is a standard deviation; 0 adds none.")
        translate = checks.rate(translate, "translate", fix="It is the largest shift as a fraction of the image.")
        supervised_weight = checks.non_negative(supervised_weight, "supervised_weight")
        unsupervised_weight = checks.non_negative(unsupervised_weight, "unsupervised_weight")
        learning_rate = checks.positive(learning_rate, "learning_rate", fix="The default is 3e-3.")
        lr_decay_steps = checks.optional(checks.integer, lr_decay_steps, "lr_decay_steps", low=2,
                                         fix="The training steps of the run (epochs × steps per epoch), or None.")
        if kwargs.get("d_steps", 1) != 1:
            raise ValueError("SGAN takes one discriminator step per generator step; d_steps must be 1.")
        check_fixed_option(kwargs, "d_batch", "separate", "SGAN", "its D step judges three batches in calls of their "
                           "own, as the book and Salimans et al. do: labelled images for the supervised classifier, "
                           "unlabelled reals, fakes")
        check_fixed_option(kwargs, "update", "alternating", "SGAN", "its D step judges three batches, labelled, "
                           "unlabelled and fake, and its classifier's moving average follows D's step, before G's "
                           "step on new fakes; it has no simultaneous step")
        check_trick_options(kwargs)
        if generator is None:
            generator = mnist_nets.sgan_generator(latent_dim, image_shape)
        if discriminator is None:
            discriminator = mnist_nets.sgan_discriminator(image_shape, num_classes, dropout=dropout,
                                                          input_noise=input_noise, hidden_noise=hidden_noise,
                                                          normalization=d_normalization, translate=translate)
        if int(discriminator.output_shape[-1]) != int(num_classes):
            raise ValueError(f"The discriminator outputs {discriminator.output_shape[-1]} logits; SGAN needs one per "
                             f"class (num_classes={num_classes}).")
        super().__init__(generator, discriminator, latent_dim=latent_dim, **kwargs)
        self.n_classes = int(num_classes)  # not `num_classes`: SampleGrid would lay out an unconditional G by class
        self.num_labeled = None if num_labeled is None else int(num_labeled)
        self.dropout = dropout
        self.input_noise = float(input_noise)
        self.hidden_noise = float(hidden_noise)
        self.d_normalization = d_normalization
        self.translate = float(translate)
        self.generator_objective = generator_objective
        self.supervised_weight = float(supervised_weight)
        self.unsupervised_weight = float(unsupervised_weight)
        self.classifier_ema = None if classifier_ema is None else float(classifier_ema)
        self.learning_rate = float(learning_rate)
        self.lr_decay_steps = None if lr_decay_steps is None else int(lr_decay_steps)
        #: The moving average of D's weights behind :attr:`classifier` (None without `classifier_ema`).
        self.ema_discriminator = None if self.classifier_ema is None else ema_copy(discriminator)
        #: Updates of :attr:`ema_discriminator` made so far (saved with the weights; the warm-up of its decay).
        self.classifier_ema_updates = None if self.classifier_ema is None else ema_counter("classifier_ema_updates")
        self._image_shape = tuple(int(d) for d in generator.output_shape[1:])
        if generator_objective == "feature_matching":
            try:
                features = discriminator.get_layer("features").output
            except ValueError:
                raise ValueError("generator_objective='feature_matching' needs a discriminator layer named "
                                 "'features' (the built-in one has it).") from None
            self.feature_extractor = keras.Model(discriminator.input, features, name="sgan_features")
        # Not tracked as a sub-model (it only shares D's weights); built on first use.
        self.__dict__["_classifier"] = None

    @property
    def image_shape(self):
        return self._image_shape

    def default_optimizers(self):
        """Adam(`learning_rate`, β1 = 0.5) for D and G, decaying to 0 (:class:`HalfLinearDecay`) if `lr_decay_steps`."""
        def rate():
            if self.lr_decay_steps is None:
                return self.learning_rate
            return HalfLinearDecay(self.learning_rate, self.lr_decay_steps)

        return keras.optimizers.Adam(rate(), beta_1=0.5), keras.optimizers.Adam(rate(), beta_1=0.5)

    @property
    def classifier_network(self):
        """The network behind :attr:`classifier`: D, or its moving average when `classifier_ema` is set."""
        return self.ema_discriminator if self.ema_discriminator is not None else self.discriminator

    @property
    def classifier(self):
        """The trained classifier: images in [-1, 1] → class probabilities.

        It shares the weights of :attr:`classifier_network`: the discriminator, or with
        `classifier_ema=β` the exponential moving average of D's weights.
        """
        if self.__dict__.get("_classifier") is None:
            self.__dict__["_classifier"] = build_classifier(self.classifier_network)
        return self.__dict__["_classifier"]

    def train_step(self, data):
        """One SGAN iteration (GANs in Action ch. 7): supervised + unsupervised D update, then G."""
        unlabeled, labeled, labels = self.unpack_semi_supervised(data)
        m = ops.shape(unlabeled)[0]
        fake = self.generator(self.sample_latent(m), training=True)
        # 1. Discriminator: classify the labelled batch; tell unlabelled reals (log Z high) from fakes.
        with tf.GradientTape() as tape:
            class_logits = self.discriminator(self.d_input(labeled), training=True)
            supervised_loss = ops.mean(keras.losses.sparse_categorical_crossentropy(labels, class_logits,
                                                                                    from_logits=True))
            real_logits = real_logit(self.discriminator(self.d_input(unlabeled), training=True))
            fake_logits = real_logit(self.discriminator(self.d_input(fake), training=True))
            unsupervised_loss = self.discriminator_loss(real_logits, fake_logits)
            d_loss = self.supervised_weight * supervised_loss + self.unsupervised_weight * unsupervised_loss
        self.apply_update(self.d_optimizer, tape, d_loss, self.d_weights)
        if self.ema_discriminator is not None:  # Polyak averaging of the classifier's weights, after D's step
            ema_follow(self.ema_discriminator.weights, self.discriminator.weights, self.classifier_ema,
                       self.classifier_ema_updates, self.d_optimizer)

        # 2. Generator: fool D's real/fake head, or match D's mean features on real data.
        with tf.GradientTape() as tape:
            fake = self.generator(self.sample_latent(m), training=True)
            if self.generator_objective == "feature_matching":
                real_features = ops.stop_gradient(ops.mean(self.feature_extractor(self.d_input(unlabeled),
                                                                                  training=True), axis=0))
                fake_features = ops.mean(self.feature_extractor(self.d_input(fake), training=True), axis=0)
                g_loss = ops.mean(ops.square(real_features - fake_features))
            else:
                g_loss = self.gan_loss.generator(real_logit(self.discriminator(self.d_input(fake), training=True)),
                                                 ops.stop_gradient(real_logits))
        self.apply_update(self.g_optimizer, tape, g_loss, self.g_weights)
        self.update_ema()

        predicted = ops.cast(ops.argmax(class_logits, axis=-1), "int32")
        labeled_acc = ops.mean(ops.cast(ops.equal(predicted, ops.cast(labels, "int32")), "float32"))
        acc_real, acc_fake = self.accuracy(real_logits, fake_logits)
        return self.track(d_loss=d_loss, g_loss=g_loss, supervised_loss=supervised_loss,
                          unsupervised_loss=unsupervised_loss, labeled_acc=labeled_acc,
                          d_acc_real=acc_real, d_acc_fake=acc_fake)

    @staticmethod
    def unpack_semi_supervised(data):
        if isinstance(data, (tuple, list)) and len(data) == 1:
            data = data[0]
        return data["images"], data["labeled_images"], ops.reshape(ops.cast(data["labels"], "int32"), (-1,))

    def check_data(self, x):
        """The data must be a dataset of `{"images", "labeled_images", "labels"}` dicts."""
        if isinstance(x, tf.data.Dataset):
            spec = x.element_spec
            if not (isinstance(spec, dict) and {"images", "labeled_images", "labels"} <= set(spec)):
                raise ValueError("SGAN trains on dicts of unlabelled 'images' plus 'labeled_images' and 'labels'; "
                                 "build the data with kg.data.semi_supervised_dataset(name, num_labeled=...).")
            if not spec["labels"].dtype.is_integer:
                raise ValueError(f"SGAN labels must be integer class indices; got {spec['labels'].dtype.name}.")
            batch = next(iter(x.take(1)))
            labels = batch["labels"].numpy()
            if labels.size and (labels.min() < 0 or labels.max() >= self.n_classes):
                raise ValueError(f"Labels must be in [0, {self.n_classes - 1}] (num_classes={self.n_classes}); "
                                 f"found {int(labels.min())}..{int(labels.max())}.")
        elif x is not None:
            raise ValueError("SGAN.fit needs a tf.data.Dataset from kg.data.semi_supervised_dataset(...).")
        super().check_data(x)

    def export(self, filepath, format="tf_saved_model", verbose=True, overwrite=False, **kwargs):
        """Exports the classifier (SGAN's product) as a SavedModel.

        Endpoint `serve` (also `serving_default`): `images` float32 (batch, H, W, C) in [-1, 1] →
        `{"probabilities": (batch, num_classes), "classes": int32 (batch,)}`.
        """
        check_format(format)
        return export_classifier(self, self.classifier, filepath, verbose=verbose, overwrite=overwrite)

    def get_config(self):
        config = super().get_config()
        config.update(image_shape=self._image_shape, num_classes=self.n_classes, num_labeled=self.num_labeled,
                      dropout=self.dropout, input_noise=self.input_noise, hidden_noise=self.hidden_noise,
                      d_normalization=self.d_normalization, translate=self.translate,
                      generator_objective=self.generator_objective, supervised_weight=self.supervised_weight, unsupervised_weight=self.unsupervised_weight,
                      classifier_ema=self.classifier_ema, learning_rate=self.learning_rate,
                      lr_decay_steps=self.lr_decay_steps)
        return config
