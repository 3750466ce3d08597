"""BigGAN's orthogonal regularisation (Brock et al., ICLR 2019, §3.1, eq. 3) as a Keras weight regulariser."""
import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_gans")
class BigGANOrthogonalRegularizer(keras.regularizers.Regularizer):
    """R_β(W) = β ‖WᵀW ⊙ (1 − I)‖²_F: pushes the filters of a layer towards pairwise orthogonality.

    `W` is the kernel reshaped to (fan_in, filters): a Dense kernel (in, out) as it is, a Conv2D
    kernel (k, k, in, out) as (k·k·in, out), so WᵀW is the Gram matrix of the filters. Only its
    off-diagonal entries are penalised: unlike ‖WᵀW − I‖², the filters' norms are left free
    (Brock et al. found the full constraint too limiting). β = 1e-4 in BigGAN.

    Not Keras' own `keras.regularizers.OrthogonalRegularizer`, which takes rank-2 weights only, normalises the
    rows or columns first and averages |·| of the off-diagonal entries. For a `Conv2DTranspose`
    kernel (k, k, out, in) the last axis is the *input* channels: W's columns are then input planes.

    >>> import numpy as np
    >>> w = np.array([[1.0, 1.0], [0.0, 1.0]], "float32")    # columns (1, 0) and (1, 1): dot product 1
    >>> float(BigGANOrthogonalRegularizer(0.5)(w))          # 0.5 · (1² + 1²)
    1.0
    """

    def __init__(self, strength=1e-4):
        strength = float(strength)
        if not strength >= 0.0 or strength == float("inf"):
            raise ValueError(f"strength must be a finite number ≥ 0 (BigGAN: 1e-4); got {strength!r}.")
        self.strength = strength

    def __call__(self, kernel):
        if len(kernel.shape) < 2:
            raise ValueError(f"BigGANOrthogonalRegularizer needs a kernel of rank ≥ 2 (Dense, Conv); got shape "
                             f"{tuple(kernel.shape)}. Do not put it on biases or scales.")
        w = ops.reshape(ops.cast(kernel, "float32"), (-1, kernel.shape[-1]))
        gram = ops.matmul(ops.transpose(w), w)
        off_diagonal = gram * (1.0 - ops.eye(kernel.shape[-1], dtype="float32"))
        return self.strength * ops.sum(ops.square(off_diagonal))

    def get_config(self):
        return {"strength": self.strength}
