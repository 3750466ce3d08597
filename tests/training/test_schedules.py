"""keras_gans.training.schedules: LinearDecay and HalfLinearDecay, one implementation, registered names kept."""
import keras
import numpy as np
import pytest

from keras_gans.training.schedules import HalfLinearDecay, LinearDecay


@pytest.mark.parametrize("total", [10, 11, 100])
def test_half_linear_decay_is_constant_then_linear_to_zero(total):
    schedule = HalfLinearDecay(3e-3, total)
    half = total / 2.0
    for step in range(total + 3):
        expected = 3e-3 * (1.0 - np.clip((step - half) / half, 0.0, 1.0))
        assert float(schedule(step)) == pytest.approx(expected, rel=1e-6, abs=1e-12)
    assert isinstance(schedule, LinearDecay)


def test_linear_decay_values_and_validation():
    schedule = LinearDecay(2e-4, constant_steps=100, decay_steps=50)
    assert [round(float(schedule(s)), 8) for s in (0, 100, 125, 150, 1000)] == [2e-4, 2e-4, 1e-4, 0.0, 0.0]
    with pytest.raises(ValueError, match="decay_steps ≥ 1"):
        LinearDecay(2e-4, 10, 0)


@pytest.mark.parametrize("schedule", [LinearDecay(2e-4, 3, 4), HalfLinearDecay(1e-3, 9)])
def test_schedules_round_trip_under_their_registered_names(schedule):
    config = keras.saving.serialize_keras_object(schedule)
    assert config["registered_name"] == f"keras_gans>{type(schedule).__name__}"
    restored = keras.saving.deserialize_keras_object(config)
    assert type(restored) is type(schedule) and restored.get_config() == schedule.get_config()
    assert float(restored(5)) == float(schedule(5))
