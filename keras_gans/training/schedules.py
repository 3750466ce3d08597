"""Learning-rate schedules of the papers, as serialisable Keras schedules.

Both are "constant, then linearly down to 0": :class:`LinearDecay` says when the decay starts and
how long it lasts (CycleGAN), :class:`HalfLinearDecay` decays over the second half of a run of
known length (the semi-supervised GAN).

>>> import keras
>>> optimizer = keras.optimizers.Adam(LinearDecay(2e-4, constant_steps=100, decay_steps=100), beta_1=0.5)
"""
import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_gans")
class LinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """The CycleGAN paper's schedule (Zhu et al. 2017, §4): `learning_rate` for `constant_steps`
    optimizer steps, then linearly down to 0 over the next `decay_steps` (0 from then on).

    The paper counts epochs (100 constant + 100 decaying at batch 1); give the equivalent steps.

    >>> schedule = LinearDecay(2e-4, constant_steps=500, decay_steps=500)
    >>> round(float(schedule(750)), 8)       # half-way through the decay
    0.0001
    """

    def __init__(self, learning_rate, constant_steps, decay_steps):
        if float(learning_rate) <= 0 or int(constant_steps) < 0 or int(decay_steps) < 1:
            raise ValueError(f"LinearDecay needs learning_rate > 0, constant_steps ≥ 0 and decay_steps ≥ 1; got "
                             f"{learning_rate}, {constant_steps}, {decay_steps}.")
        self.learning_rate = float(learning_rate)
        self.constant_steps = int(constant_steps)
        self.decay_steps = int(decay_steps)

    def __call__(self, step):
        step = ops.cast(step, "float32")
        done = ops.clip((step - self.constant_steps) / float(self.decay_steps), 0.0, 1.0)
        return self.learning_rate * (1.0 - done)

    def get_config(self):
        return {"learning_rate": self.learning_rate, "constant_steps": self.constant_steps,
                "decay_steps": self.decay_steps}


@keras.saving.register_keras_serializable(package="keras_gans")
class HalfLinearDecay(LinearDecay):
    """`learning_rate` for the first half of `total_steps`, then linearly down to 0 at `total_steps`.

    Salimans et al. (2016) train the semi-supervised GAN with a learning rate that decays linearly
    to zero at the end of training; the last, small steps settle the classifier. This is
    :class:`LinearDecay` with `constant_steps = decay_steps = total_steps / 2`.

    >>> round(float(HalfLinearDecay(3e-3, total_steps=100)(75)), 8)
    0.0015
    """

    def __init__(self, learning_rate, total_steps):
        self.learning_rate = float(learning_rate)
        self.total_steps = int(total_steps)
        # a half step when total_steps is odd: the decay ends exactly at total_steps
        self.constant_steps = self.decay_steps = self.total_steps / 2.0

    def get_config(self):
        return {"learning_rate": self.learning_rate, "total_steps": self.total_steps}
