"""FID, KID and IS as streaming `keras.metrics.Metric`s.

Each metric takes images batch by batch (`update_state(real, fake)`), turns them into features
with a pluggable extractor (see :mod:`keras_gans.metrics.extractors`) and gives the score with
`result()`. `extractor=None` means the inputs already are feature vectors (or, for IS,
probabilities). Updates run eagerly (they are meant for evaluation loops and callbacks, not for
a compiled `train_step`).
"""
import numpy as np
import keras
from keras import ops

from keras_gans.metrics import stats
from keras_gans.metrics.extractors import FeatureExtractor, get_extractor


def _extractor_config(spec):
    if spec is None or isinstance(spec, str):
        return spec
    if isinstance(spec, FeatureExtractor):
        return spec.get_config()
    return get_extractor(spec).get_config()


class _ExtractorMixin:
    """Lazily resolves the extractor (so constructing a metric does not load InceptionV3)."""

    def _init_extractor(self, extractor):
        self._extractor_spec = extractor
        self._extractor = None

    @property
    def extractor(self):
        if self._extractor_spec is None:
            return None
        if self._extractor is None:
            self._extractor = get_extractor(self._extractor_spec)
        return self._extractor

    def _spec_dim(self, attribute):
        spec = self._extractor_spec
        if spec is None:
            return None
        if isinstance(spec, str):
            from keras_gans.metrics.extractors import ALIASES, EXTRACTORS

            return getattr(EXTRACTORS.get(ALIASES.get(spec, spec)), attribute, None)
        return getattr(self.extractor, attribute, None)

    def _features(self, images):
        if self.extractor is None:
            x = ops.cast(ops.convert_to_tensor(images), "float32")
            if len(x.shape) != 2:
                raise ValueError(f"With extractor=None the inputs must be (N, d) feature arrays; got shape "
                                 f"{tuple(x.shape)}. Pass extractor='mnist' (or another) to score images.")
            return x
        return self.extractor.features(images)

    def _probabilities(self, images):
        if self.extractor is None:
            return self._features(images)
        return self.extractor.probabilities(images)

    @property
    def protocol(self):
        if self.extractor is None:
            return {"extractor": "none (inputs are features)"}
        return dict(self.extractor.protocol)


@keras.saving.register_keras_serializable(package="keras_gans")
class FrechetInceptionDistance(_ExtractorMixin, keras.metrics.Metric):
    """Fréchet Inception Distance (Heusel et al., 2017), streamed over batches.

    FID = ‖μ_r − μ_f‖² + Tr(Σ_r + Σ_f − 2 (Σ_r Σ_f)^{1/2}) between Gaussians fitted to the
    features of real and generated images. Lower is better; 0 for identical statistics.
    The metric keeps running float64 sums (Σx, Σxxᵀ, n) per side, so any batching gives the
    same result as one pass over all images. The matrix square root is taken through a
    symmetric eigendecomposition (see :func:`keras_gans.metrics.stats.trace_sqrt_product`):
    real-valued and finite even for rank-deficient covariances.

    FID is biased upwards for small sample counts: compare numbers with the same counts only
    (the `protocol` dict of :func:`keras_gans.metrics.evaluate_images` records them).

    Args:
        extractor: `"mnist"` (the shipped classifier, offline: FID-MNIST), `"mnistm"` (the shipped
            MNIST-M classifier, offline: FID-MNIST-M, for colour digits), `"inception_v3"`
            (ImageNet InceptionV3, downloads its weights), a `keras.Model`/callable, or None when
            the inputs already are (N, d) features.
        feature_dim: d, needed only for a callable whose output size cannot be read.
        name, dtype: as for `keras.metrics.Metric`.

    >>> import keras_gans as kg
    >>> real, _ = kg.data.load_arrays("mnist-5k", split="test")
    >>> fid = kg.metrics.FrechetInceptionDistance(extractor="mnist")
    >>> for start in range(0, 500, 100):
    ...     fid.update_state(real[start:start + 100], gan.generate(100, seed=start))
    >>> float(fid.result())
    """

    def __init__(self, extractor="mnist", feature_dim=None, name="fid", dtype="float32", **kwargs):
        super().__init__(name=name, dtype=dtype, **kwargs)
        self._init_extractor(extractor)
        self.feature_dim = int(feature_dim) if feature_dim is not None else self._spec_dim("feature_dim")
        self._sums = None
        if self.feature_dim is not None:
            self._build_sums(self.feature_dim)

    def _build_sums(self, d):
        self.feature_dim = int(d)
        sums = {}
        for side in ("real", "fake"):
            sums[side] = (
                self.add_variable((), initializer="zeros", dtype="float64", name=f"{side}_count"),
                self.add_variable((d,), initializer="zeros", dtype="float64", name=f"{side}_sum"),
                self.add_variable((d, d), initializer="zeros", dtype="float64", name=f"{side}_outer"),
            )
        self._sums = sums

    def _accumulate(self, side, features):
        f = ops.cast(features, "float64")
        if self._sums is None:
            self._build_sums(f.shape[-1])
        if f.shape[-1] != self.feature_dim:
            raise ValueError(f"Got {f.shape[-1]}-d features; this metric accumulates {self.feature_dim}-d ones.")
        count, total, outer = self._sums[side]
        count.assign(count + ops.cast(ops.shape(f)[0], "float64"))
        total.assign(total + ops.sum(f, axis=0))
        outer.assign(outer + ops.matmul(ops.transpose(f), f))

    def update_state(self, real=None, fake=None, sample_weight=None):
        """Adds a batch of real and/or generated images (either may be None)."""
        if sample_weight is not None:
            raise ValueError("FID does not support sample_weight.")
        if real is None and fake is None:
            raise ValueError("Pass real and/or fake images to update_state.")
        if real is not None:
            self._accumulate("real", self._features(real))
        if fake is not None:
            self._accumulate("fake", self._features(fake))

    def statistics(self, side):
        """(mean, covariance, count) accumulated for `side` ("real" or "fake")."""
        if self._sums is None:
            raise ValueError("No features yet: call update_state(real, fake) first.")
        count, total, outer = self._sums[side]
        n = float(ops.convert_to_numpy(count))
        if n < 2:
            raise ValueError(f"FID needs at least 2 {side} images; got {int(n)}. Call update_state with more images.")
        mu = total / n
        sigma = (outer - n * ops.outer(mu, mu)) / (n - 1.0)
        return mu, sigma, int(n)

    def result(self):
        mu_r, sigma_r, _ = self.statistics("real")
        mu_f, sigma_f, _ = self.statistics("fake")
        return ops.cast(stats.frechet_distance(mu_r, sigma_r, mu_f, sigma_f), self.dtype)

    def reset_state(self):
        if self._sums is not None:
            for variables in self._sums.values():
                for v in variables:
                    v.assign(ops.zeros(v.shape, dtype=v.dtype))

    def reset_fake(self):
        """Forgets the generated images only (keep the real statistics between evaluations)."""
        if self._sums is not None:
            for v in self._sums["fake"]:
                v.assign(ops.zeros(v.shape, dtype=v.dtype))

    def counts(self):
        """{"real": n_real, "fake": n_fake} accumulated so far."""
        if self._sums is None:
            return {"real": 0, "fake": 0}
        return {side: int(ops.convert_to_numpy(self._sums[side][0])) for side in ("real", "fake")}

    def get_config(self):
        config = super().get_config()
        config.update(extractor=_extractor_config(self._extractor_spec), feature_dim=self.feature_dim)
        return config


@keras.saving.register_keras_serializable(package="keras_gans")
class KernelInceptionDistance(_ExtractorMixin, keras.metrics.Metric):
    """Kernel Inception Distance (Bińkowski et al., 2018), over batches.

    KID is the squared maximum mean discrepancy between real and generated features under the
    polynomial kernel k(x, y) = (x·y / d + 1)³, estimated without bias (it is ≈ 0, possibly
    slightly negative, for identical distributions). It is averaged over `num_subsets` random
    subsets of `subset_size` (≤ the smaller set); `result()` is the mean, `result_with_std()`
    also gives the standard deviation over subsets. Unlike FID it is unbiased, so numbers from
    different sample counts are comparable.

    The kernel needs every feature vector, so this metric keeps them (in host memory).

    Args:
        extractor: as for :class:`FrechetInceptionDistance`.
        num_subsets, subset_size: the subset protocol (defaults 100 × 1000 as in the paper's code).
        seed: seed of the subset sampling (results are deterministic given the features).

    >>> kid = kg.metrics.KernelInceptionDistance(extractor="mnist")
    >>> kid.update_state(real_images, generated_images)
    >>> mean, std = kid.result_with_std()
    """

    def __init__(self, extractor="mnist", num_subsets=100, subset_size=1000, seed=0, name="kid",
                 dtype="float32", **kwargs):
        super().__init__(name=name, dtype=dtype, **kwargs)
        self._init_extractor(extractor)
        self.num_subsets, self.subset_size, self.seed = int(num_subsets), int(subset_size), seed
        if self.num_subsets < 1 or self.subset_size < 2:
            raise ValueError("num_subsets must be ≥ 1 and subset_size ≥ 2.")
        self._store = {"real": [], "fake": []}

    def update_state(self, real=None, fake=None, sample_weight=None):
        """Adds a batch of real and/or generated images (either may be None)."""
        if sample_weight is not None:
            raise ValueError("KID does not support sample_weight.")
        if real is None and fake is None:
            raise ValueError("Pass real and/or fake images to update_state.")
        for side, images in (("real", real), ("fake", fake)):
            if images is not None:
                self._store[side].append(np.asarray(ops.convert_to_numpy(self._features(images)), "float64"))

    def features(self, side):
        parts = self._store[side]
        if not parts:
            raise ValueError(f"No {side} images yet: call update_state(real, fake) first.")
        return np.concatenate(parts, axis=0)

    def result_with_std(self):
        """(mean, std) of the unbiased MMD² over the subsets, as Python floats."""
        return stats.kernel_distance(self.features("real"), self.features("fake"),
                                     num_subsets=self.num_subsets, subset_size=self.subset_size, seed=self.seed)

    def result(self):
        return ops.cast(self.result_with_std()[0], self.dtype)

    def reset_state(self):
        self._store = {"real": [], "fake": []}

    def reset_fake(self):
        """Forgets the generated images only."""
        self._store["fake"] = []

    def counts(self):
        return {side: int(sum(len(p) for p in parts)) for side, parts in self._store.items()}

    def get_config(self):
        config = super().get_config()
        config.update(extractor=_extractor_config(self._extractor_spec), num_subsets=self.num_subsets,
                      subset_size=self.subset_size, seed=self.seed)
        return config


@keras.saving.register_keras_serializable(package="keras_gans")
class InceptionScore(_ExtractorMixin, keras.metrics.Metric):
    """Inception Score (Salimans et al., 2016), streamed over batches.

    IS = exp(E_x KL(p(y|x) ‖ p(y))) with p(y|x) a classifier's softmax and p(y) its mean over
    the samples. It rewards confident predictions (each sample looks like one class) spread over
    all classes (no missing modes); it ranges from 1 to the number of classes, higher is better.
    It ignores the real data entirely: compare with the IS of real images (the ceiling).

    The metric keeps Σ p(y|x), Σ Σ_y p log p and n, so streaming equals one pass over all
    samples as a single split (`splits=1` of :func:`keras_gans.metrics.stats.inception_score`;
    the 10-split mean ± std of the paper is what :func:`keras_gans.metrics.evaluate_images`
    reports).

    `update_state(real, fake)` scores `fake` (`real` is ignored, so the call matches FID's);
    `update_state(images)` scores `images`.

    Args:
        extractor: a classifier extractor: `"mnist"` (IS-MNIST, offline), `"mnistm"` (IS-MNIST-M), `"inception_v3"`, a
            `keras.Model` returning softmax probabilities, or None when the inputs already are
            probabilities.
        num_classes: needed only for a callable whose output size cannot be read.

    >>> is_metric = kg.metrics.InceptionScore(extractor="mnist")
    >>> is_metric.update_state(fake=gan.generate(1000, seed=0))
    >>> float(is_metric.result())          # 1 (collapsed) ... 10 (every digit, confidently)
    """

    def __init__(self, extractor="mnist", num_classes=None, eps=1e-12, name="inception_score", dtype="float32",
                 **kwargs):
        super().__init__(name=name, dtype=dtype, **kwargs)
        if extractor is not None and not isinstance(extractor, (str, FeatureExtractor)):
            from keras_gans.metrics.extractors import CallableExtractor

            extractor = CallableExtractor(extractor, feature_dim=num_classes, is_classifier=True)
        self._init_extractor(extractor)
        self.eps = float(eps)
        self.num_classes = int(num_classes) if num_classes is not None else self._spec_dim("num_classes")
        self._vars = None
        if self.num_classes is not None:
            self._build_vars(self.num_classes)

    def _build_vars(self, k):
        self.num_classes = int(k)
        self._vars = (
            self.add_variable((), initializer="zeros", dtype="float64", name="count"),
            self.add_variable((k,), initializer="zeros", dtype="float64", name="sum_p"),
            self.add_variable((), initializer="zeros", dtype="float64", name="sum_plogp"),
        )

    def update_state(self, real=None, fake=None, sample_weight=None):
        images = fake if fake is not None else real
        if images is None:
            raise ValueError("Pass the images to score: update_state(fake=images) or update_state(images).")
        if sample_weight is not None:
            raise ValueError("InceptionScore does not support sample_weight.")
        p = ops.cast(self._probabilities(images), "float64")
        if self._vars is None:
            self._build_vars(p.shape[-1])
        if self.extractor is None:
            row_sums = ops.convert_to_numpy(ops.sum(p, axis=-1))
            if np.any(ops.convert_to_numpy(ops.min(p)) < -1e-6) or not np.allclose(row_sums, 1.0, atol=1e-3):
                raise ValueError("With extractor=None, InceptionScore takes softmax probabilities (rows summing to 1), "
                                 "not logits: apply keras.ops.softmax first.")
        count, sum_p, sum_plogp = self._vars
        count.assign(count + ops.cast(ops.shape(p)[0], "float64"))
        sum_p.assign(sum_p + ops.sum(p, axis=0))
        sum_plogp.assign(sum_plogp + ops.sum(p * ops.log(p + self.eps)))

    def result(self):
        if self._vars is None or float(ops.convert_to_numpy(self._vars[0])) < 1:
            raise ValueError("No images scored yet: call update_state(fake=images) first.")
        count, sum_p, sum_plogp = self._vars
        marginal = sum_p / count
        mean_kl = sum_plogp / count - ops.sum(marginal * ops.log(marginal + self.eps))
        return ops.cast(ops.exp(mean_kl), self.dtype)

    def reset_state(self):
        if self._vars is not None:
            for v in self._vars:
                v.assign(ops.zeros(v.shape, dtype=v.dtype))

    def get_config(self):
        config = super().get_config()
        config.update(extractor=_extractor_config(self._extractor_spec), num_classes=self.num_classes, eps=self.eps)
        return config
