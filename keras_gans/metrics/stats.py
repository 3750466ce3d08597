"""The statistics behind FID, KID and IS, on feature / probability arrays.

These functions take features (or class probabilities) already extracted; the metric classes in
:mod:`keras_gans.metrics.streaming` and :func:`keras_gans.metrics.evaluate_images` extract them.
They use `keras.ops` in float64 and return Python floats.
"""
import numpy as np
from keras import ops

FLOAT = "float64"


def _as64(x, name, ndim=2):
    x = ops.convert_to_tensor(x)
    x = ops.cast(x, FLOAT)
    if len(x.shape) != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array; got shape {tuple(x.shape)}.")
    return x


def mean_and_covariance(features):
    """Mean (d,) and unbiased covariance (d, d) of an (n, d) feature array, in float64."""
    x = _as64(features, "features")
    n = int(x.shape[0])
    if n < 2:
        raise ValueError(f"A covariance needs at least 2 feature vectors; got {n}. Pass more images.")
    mu = ops.mean(x, axis=0)
    centred = x - mu
    sigma = ops.matmul(ops.transpose(centred), centred) / (n - 1)
    return mu, sigma


def _psd_sqrt(matrix):
    """Square root of a symmetric positive semi-definite matrix by eigendecomposition.

    Negative eigenvalues (round-off on rank-deficient matrices) are clipped to zero, so the
    result is real and finite.
    """
    matrix = (matrix + ops.transpose(matrix)) / 2.0
    eigenvalues, eigenvectors = ops.eigh(matrix)
    root = ops.sqrt(ops.maximum(eigenvalues, 0.0))
    return ops.matmul(eigenvectors * root[None, :], ops.transpose(eigenvectors))


def trace_sqrt_product(sigma1, sigma2):
    """Tr((Σ1 Σ2)^{1/2}) for symmetric PSD Σ1, Σ2, computed without complex numbers.

    Σ1 Σ2 is not symmetric, but it is similar to the symmetric PSD matrix S Σ2 S with
    S = Σ1^{1/2} (same eigenvalues, all ≥ 0). So the trace of its square root is the sum of the
    square roots of the eigenvalues of S Σ2 S, from a symmetric eigendecomposition (`eigh`).
    This is exact for rank-deficient covariances (fewer samples than feature dimensions),
    where `scipy.linalg.sqrtm(Σ1 @ Σ2)` returns complex parts or NaN.
    """
    sigma1 = _as64(sigma1, "sigma1")
    sigma2 = _as64(sigma2, "sigma2")
    root1 = _psd_sqrt(sigma1)
    inner = ops.matmul(ops.matmul(root1, sigma2), root1)
    inner = (inner + ops.transpose(inner)) / 2.0
    eigenvalues = ops.eigh(inner)[0]
    return ops.sum(ops.sqrt(ops.maximum(eigenvalues, 0.0)))


def frechet_distance(mu1, sigma1, mu2, sigma2):
    """Fréchet distance between Gaussians N(μ1, Σ1) and N(μ2, Σ2) (Heusel et al., 2017):

        ‖μ1 − μ2‖² + Tr(Σ1) + Tr(Σ2) − 2 Tr((Σ1 Σ2)^{1/2})

    the squared 2-Wasserstein distance between the Gaussians. Clipped at 0 (round-off).

    >>> import numpy as np
    >>> round(frechet_distance(np.zeros(2), np.eye(2), np.ones(2), 4 * np.eye(2)), 6)
    4.0
    """
    mu1 = _as64(mu1, "mu1", 1)
    mu2 = _as64(mu2, "mu2", 1)
    sigma1 = _as64(sigma1, "sigma1")
    sigma2 = _as64(sigma2, "sigma2")
    if mu1.shape != mu2.shape or sigma1.shape != sigma2.shape or sigma1.shape[0] != mu1.shape[0]:
        raise ValueError(
            f"Mismatched statistics: mu {tuple(mu1.shape)} / {tuple(mu2.shape)}, sigma {tuple(sigma1.shape)} / "
            f"{tuple(sigma2.shape)}. Extract both sets of features with the same extractor."
        )
    diff = mu1 - mu2
    value = (ops.sum(diff * diff) + ops.trace(sigma1) + ops.trace(sigma2)
             - 2.0 * trace_sqrt_product(sigma1, sigma2))
    return max(float(ops.convert_to_numpy(value)), 0.0)


def frechet_distance_from_features(features1, features2):
    """FID of two (n, d) feature arrays (e.g. Inception pool3 or MNIST-classifier features)."""
    return frechet_distance(*mean_and_covariance(features1), *mean_and_covariance(features2))


def polynomial_kernel(x, y, degree=3, gamma=None, coef0=1.0):
    """k(x, y) = (γ x·y + c)^degree with γ = 1/d by default (the KID kernel)."""
    x = _as64(x, "x")
    y = _as64(y, "y")
    gamma = 1.0 / int(x.shape[1]) if gamma is None else gamma
    return (gamma * ops.matmul(x, ops.transpose(y)) + coef0) ** degree


def mmd2_unbiased(x, y, degree=3, gamma=None, coef0=1.0):
    """Unbiased estimate of the squared MMD between samples x (m, d) and y (n, d).

        MMD² = Σ_{i≠j} k(x_i, x_j) / (m(m−1)) + Σ_{i≠j} k(y_i, y_j) / (n(n−1)) − 2 Σ_{i,j} k(x_i, y_j) / (mn)

    It can be slightly negative when the two distributions are equal.
    """
    x = _as64(x, "x")
    y = _as64(y, "y")
    m, n = int(x.shape[0]), int(y.shape[0])
    if m < 2 or n < 2:
        raise ValueError(f"The unbiased MMD needs at least 2 samples on each side; got {m} and {n}.")
    k_xx = polynomial_kernel(x, x, degree, gamma, coef0)
    k_yy = polynomial_kernel(y, y, degree, gamma, coef0)
    k_xy = polynomial_kernel(x, y, degree, gamma, coef0)
    xx = (ops.sum(k_xx) - ops.trace(k_xx)) / (m * (m - 1))
    yy = (ops.sum(k_yy) - ops.trace(k_yy)) / (n * (n - 1))
    return float(ops.convert_to_numpy(xx + yy - 2.0 * ops.mean(k_xy)))


def kernel_distance(features1, features2, num_subsets=100, subset_size=1000, seed=0):
    """Kernel Inception Distance (Bińkowski et al., 2018): the unbiased polynomial-kernel MMD²
    (k(x, y) = (x·y / d + 1)³) averaged over random subsets.

    Each of `num_subsets` subsets draws `min(subset_size, n1, n2)` vectors without replacement
    from each set. Returns `(mean, std)` over the subsets (std = 0 for one subset).
    """
    f1 = np.asarray(ops.convert_to_numpy(_as64(features1, "features1")))
    f2 = np.asarray(ops.convert_to_numpy(_as64(features2, "features2")))
    if f1.shape[1] != f2.shape[1]:
        raise ValueError(f"Feature sizes differ ({f1.shape[1]} vs {f2.shape[1]}); use the same extractor for both sets.")
    if num_subsets < 1:
        raise ValueError(f"num_subsets must be at least 1; got {num_subsets}.")
    size = min(int(subset_size), len(f1), len(f2))
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(int(num_subsets)):
        a = f1[rng.choice(len(f1), size, replace=False)]
        b = f2[rng.choice(len(f2), size, replace=False)]
        values.append(mmd2_unbiased(a, b))
    values = np.asarray(values)
    return float(values.mean()), float(values.std())


def inception_score(probabilities, splits=10, eps=1e-12, shuffle=True, seed=0):
    """Inception Score (Salimans et al., 2016): exp(E_x KL(p(y|x) ‖ p(y))), with p(y) the mean
    prediction, computed on `splits` equal parts of the samples.

    Ranges from 1 (every prediction the same) to the number of classes (confident predictions,
    all classes equally often). Returns `(mean, std)` over the splits.

    The samples are shuffled (seeded) before splitting: on data stored in class order (such as
    mnist-5k, sorted by digit), contiguous splits would each hold one class and score ≈ 1.

    >>> import numpy as np
    >>> inception_score(np.eye(10)[np.arange(100) % 10], splits=1)
    (10.0, 0.0)
    """
    p = np.asarray(ops.convert_to_numpy(_as64(probabilities, "probabilities")))
    if splits < 1 or len(p) < splits:
        raise ValueError(f"Need 1 ≤ splits ≤ number of samples; got splits={splits} for {len(p)} samples.")
    if (p < -1e-6).any() or not np.allclose(p.sum(axis=1), 1.0, atol=1e-3):
        raise ValueError("probabilities must be non-negative rows that sum to 1 (a softmax output), not logits.")
    if shuffle:
        p = p[np.random.default_rng(seed).permutation(len(p))]
    scores = []
    for part in np.array_split(p, splits):
        marginal = part.mean(axis=0, keepdims=True)
        kl = (part * (np.log(part + eps) - np.log(marginal + eps))).sum(axis=1)
        scores.append(float(np.exp(kl.mean())))
    scores = np.asarray(scores)
    return float(scores.mean()), float(scores.std())
