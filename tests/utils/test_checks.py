"""keras_gans.utils.checks: one wording, numpy integers accepted, floats and bools refused for counts."""
import argparse

import numpy as np
import pytest

from keras_gans.utils import checks


@pytest.mark.parametrize("value", [8, np.int64(8), np.int32(8), np.uint8(8)])
def test_integer_like_values_are_counts(value):
    assert checks.positive_int(value, "latent_dim") == 8
    assert type(checks.positive_int(value, "latent_dim")) is int


@pytest.mark.parametrize("value", [8.0, np.float32(8), True, np.bool_(True), "8", None, [8]])
def test_non_integers_are_refused_for_a_count(value):
    with pytest.raises(TypeError, match=r"^latent_dim must be a positive integer; got .*\.$"):
        checks.positive_int(value, "latent_dim")


@pytest.mark.parametrize("value", [0, -1, np.int64(0)])
def test_counts_below_one_are_refused_with_the_value(value):
    with pytest.raises(ValueError, match=rf"^n_critic must be a positive integer; got {int(value)}\. Use 5\.$"):
        checks.positive_int(value, "n_critic", fix="Use 5.")


def test_integer_ranges_name_both_bounds():
    assert checks.integer(3, "k", low=1, high=3) == 3
    with pytest.raises(ValueError, match=r"k must be an integer ≥ 1 and ≤ 3; got 4\."):
        checks.integer(4, "k", low=1, high=3)
    assert checks.non_negative_int(np.int64(0), "n") == 0


def test_fraction_is_open_at_zero_and_closed_at_one_by_default():
    assert checks.fraction(1, "rate") == 1.0 and checks.fraction(np.float32(0.5), "rate") == 0.5
    for bad in (0, 1.5, -0.1, float("nan"), float("inf")):
        with pytest.raises(ValueError, match=r"rate must be a number in \(0, 1\]"):
            checks.fraction(bad, "rate")
    assert checks.rate(0, "dropout") == 0.0
    with pytest.raises(ValueError, match=r"dropout must be a number in \[0, 1\); got 1\.0\."):
        checks.rate(1.0, "dropout")
    with pytest.raises(TypeError):
        checks.fraction(True, "rate")


def test_numbers_refuse_nan_inf_and_say_the_bound():
    assert checks.non_negative(0, "w") == 0.0
    with pytest.raises(ValueError, match=r"w must be a number ≥ 0; got -1\."):
        checks.non_negative(-1, "w")
    with pytest.raises(ValueError, match=r"lr must be a number > 0; got nan\."):
        checks.positive(float("nan"), "lr")
    with pytest.raises(ValueError, match=r"custom words; got 2\."):
        checks.number(2, "x", high=1, expected="custom words")


def test_image_shape_and_power_of_two():
    assert checks.image_shape([np.int64(28), 28, 1]) == (28, 28, 1)
    assert checks.image_shape((8, 9), "image_size", channels=False) == (8, 9)
    for bad in ((28, 28), (28, 0, 1), (28, 28.5, 1), 28, None):
        with pytest.raises(ValueError, match=r"image_shape must be \(height, width, channels\) with positive sizes"):
            checks.image_shape(bad)
    assert checks.power_of_two(np.int64(32), "resolution") == 32
    with pytest.raises(ValueError, match=r"resolution must be a power of two ≥ 4 \(4, 8, 16, 32, \.\.\.\); got 12"):
        checks.power_of_two(12, "resolution")


def test_optional_seed_and_latent_dim():
    assert checks.seed(None) is None and checks.seed(np.int64(3)) == 3
    assert checks.latent_dim(None) is None
    with pytest.raises(ValueError, match=r"seed must be an integer ≥ 0; got -1\. Pass an integer"):
        checks.seed(-1)
    with pytest.raises(ValueError, match=r"latent_dim must be a positive integer; got 0\. Pass the size of z"):
        checks.latent_dim(0)


def test_flag_types_word_the_command_line_alike():
    count = checks.flag(checks.positive_int)
    assert count("8") == 8
    for text in ("0", "-3", "8.0", "x", ""):
        with pytest.raises(argparse.ArgumentTypeError, match=rf"^must be a positive integer, not {text!r}$"):
            count(text)
    share = checks.flag(checks.fraction, float)
    assert share("0.5") == 0.5
    with pytest.raises(argparse.ArgumentTypeError, match=r"^must be a number in \(0, 1\], not 'nan'$"):
        share("nan")


def test_messages_are_one_line():
    with pytest.raises(ValueError) as info:
        checks.integer(10**6, "num_labeled", high=4500, fix="Class 3 has only 450 examples; lower num_labeled.")
    assert "\n" not in str(info.value) and "num_labeled" in str(info.value) and "1000000" in str(info.value)


def test_names_are_one_or_more_of_the_choices_and_empty_is_not_unknown():
    assert checks.names("fid", "metrics", ("fid", "kid"), "metric") == ("fid",)
    assert checks.names(["kid", "fid"], "metrics", {"fid": 1, "kid": 2}, "metric") == ("kid", "fid")
    with pytest.raises(ValueError, match=r"^metrics=\(\) selects no metric; at least one is needed: "
                                         r"choose from \('fid', 'kid'\)\.$"):
        checks.names((), "metrics", ("fid", "kid"), "metric")
    with pytest.raises(ValueError, match=r"^Unknown metric\(s\) \['fd', 'x'\]; choose from \('fid', 'kid'\)\.$"):
        checks.names(("fid", "fd", "x"), "metrics", ("fid", "kid"), "metric")
