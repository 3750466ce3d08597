"""Checks of the arguments where they enter: one line naming the argument, the value, the valid range and the fix.

Model constructors, network builders, data loaders and `generate` check their sizes, counts and
rates here before they build a weight or write a file; the command line's flags use the same
checks on their text (:func:`flag`). Integer-like numpy scalars count as integers (`np.int64(8)`
works where `8` works); a float (`8.0`) or a bool (`True`) is refused for a count.

>>> positive_int(8, "latent_dim")
8
>>> positive_int(0, "latent_dim")
Traceback (most recent call last):
ValueError: latent_dim must be a positive integer; got 0.
>>> fraction(0.5, "dropout", low_open=False, high_closed=False)
0.5

This module imports no numpy, TensorFlow or Keras, so that `keras-gans --help` stays instant.
"""
import argparse
import math
import numbers


def _shown(value):
    """`value` as the message shows it: numpy scalars as their Python value (`0`, not `np.int64(0)`)."""
    item = getattr(value, "item", None)
    if callable(item) and isinstance(value, numbers.Number):
        value = item()
    return repr(value)


def refuse(name, value, expected, fix=None, error=ValueError):
    """Raises `error("NAME must be EXPECTED; got VALUE. FIX")`: the one wording of every check here."""
    error = error(f"{name} must be {expected}; got {_shown(value)}." + (f" {fix}" if fix else ""))
    error.expected = expected  # what `flag` tells the command line
    raise error


def _is_bool(value):
    return isinstance(value, bool) or type(value).__name__ in ("bool_", "bool")


def integer(value, name, low=None, high=None, fix=None, expected=None):
    """`value` as an `int` if it is an integer (Python or numpy) in [`low`, `high`] (None: unbounded).

    `TypeError` for a float, bool, string or None; `ValueError` outside the range. `expected`
    replaces the range's wording in the message (e.g. "a positive integer").
    """
    if expected is None:
        bounds = [f"≥ {low}" if low is not None else "", f"≤ {high}" if high is not None else ""]
        expected = "an integer " + " and ".join(b for b in bounds if b) if low is not None or high is not None \
            else "an integer"
    if _is_bool(value) or not isinstance(value, numbers.Integral):
        refuse(name, value, expected, fix, TypeError)
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        refuse(name, value, expected, fix, ValueError)
    return value


def positive_int(value, name, fix=None):
    """`value` as an `int` ≥ 1 (sizes and counts); `TypeError`/`ValueError` naming `name` otherwise."""
    return integer(value, name, low=1, fix=fix, expected="a positive integer")


def non_negative_int(value, name, fix=None):
    """`value` as an `int` ≥ 0 (e.g. a number of images, which may be 0)."""
    return integer(value, name, low=0, fix=fix, expected="an integer ≥ 0")


def number(value, name, low=None, high=None, low_open=False, high_open=False, fix=None, expected=None):
    """`value` as a finite `float` in the interval from `low` to `high` (open ends where `*_open`).

    `TypeError` for a bool, string or None; `ValueError` for NaN, ±Inf or a value outside the interval.
    """
    if expected is None:
        if low is not None and high is not None:
            expected = f"a number in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        elif low is not None:
            expected = f"a number {'>' if low_open else '≥'} {low:g}"
        elif high is not None:
            expected = f"a number {'<' if high_open else '≤'} {high:g}"
        else:
            expected = "a finite number"
    if _is_bool(value) or not isinstance(value, numbers.Real):
        refuse(name, value, expected, fix, TypeError)
    result = float(value)
    inside = math.isfinite(result)
    if inside and low is not None:
        inside = result > low if low_open else result >= low
    if inside and high is not None:
        inside = result < high if high_open else result <= high
    if not inside:
        refuse(name, value, expected, fix, ValueError)
    return result


def non_negative(value, name, fix=None):
    """`value` as a finite `float` ≥ 0 (loss weights, noise standard deviations)."""
    return number(value, name, low=0.0, fix=fix)


def positive(value, name, fix=None):
    """`value` as a finite `float` > 0 (learning rates, clip values)."""
    return number(value, name, low=0.0, low_open=True, fix=fix)


def fraction(value, name, low_open=True, high_closed=True, fix=None):
    """`value` as a `float` in (0, 1] by default; `low_open=False` admits 0, `high_closed=False` refuses 1.

    Rates and probabilities: `fraction(p, "dropout", low_open=False, high_closed=False)` is [0, 1).
    """
    return number(value, name, low=0.0, high=1.0, low_open=low_open, high_open=not high_closed, fix=fix)


def rate(value, name, fix=None):
    """`value` as a `float` in [0, 1): a dropout rate or a probability that must leave something (0 = off)."""
    return fraction(value, name, low_open=False, high_closed=False, fix=fix)


def power_of_two(value, name, low=4, fix=None):
    """`value` as an `int` that is a power of two ≥ `low` (resolutions: 4, 8, 16, 32, ...)."""
    expected = f"a power of two ≥ {low} ({low}, {2 * low}, {4 * low}, {8 * low}, ...)"
    value = integer(value, name, low=low, fix=fix, expected=expected)
    if value & (value - 1):
        refuse(name, value, expected, fix)
    return value


def latent_dim(value, example=100):
    """`value` as the size of z (an `int` ≥ 1); None stays None (inferred from a generator)."""
    return optional(positive_int, value, "latent_dim", fix=f"Pass the size of z, e.g. {example}.")


def seed(value, name="seed"):
    """`value` as an integer seed ≥ 0, or None (random)."""
    return optional(non_negative_int, value, name, fix="Pass an integer such as 0, or None for random.")


def optional(check, value, *args, **kwargs):
    """None if `value` is None, else `check(value, *args, **kwargs)`."""
    return None if value is None else check(value, *args, **kwargs)


def image_shape(value, name="image_shape", channels=True, fix=None):
    """`value` as a tuple of positive ints: `(height, width, channels)` (or `(height, width)`: `channels=False`)."""
    length = 3 if channels else 2
    expected = "(height, width, channels) with positive sizes" if channels else "(height, width) with positive sizes"
    try:
        items = tuple(value)
    except TypeError:
        items = None
    if items is None or len(items) != length:
        refuse(name, value, expected, fix, ValueError)
    try:
        return tuple(positive_int(d, name) for d in items)
    except (TypeError, ValueError):
        refuse(name, value, expected, fix, ValueError)


def names(value, name, choices, what):
    """`value` (one string, or an iterable of them) as a tuple of names, each one of `choices`, at least one.

    ValueError naming the unknown ones, or, for an empty selection, saying that at least one is
    needed; both list `choices`. (Empty is not unknown: `metrics=()` asks for nothing.)

    >>> names("fid", "metrics", ("fid", "kid", "is"), "metric")
    ('fid',)
    >>> names((), "metrics", ("fid", "kid", "is"), "metric")
    Traceback (most recent call last):
    ValueError: metrics=() selects no metric; at least one is needed: choose from ('fid', 'kid', 'is').
    """
    selected = (value,) if isinstance(value, str) else tuple(value)
    choices = tuple(choices)
    if not selected:
        raise ValueError(f"{name}={_shown(value)} selects no {what}; at least one is needed: choose from {choices}.")
    unknown = [v for v in selected if v not in choices]
    if unknown:
        raise ValueError(f"Unknown {what}(s) {unknown}; choose from {choices}.")
    return selected


def flag(check, convert=int, **kwargs):
    """An argparse `type=` for a flag: converts the text with `convert` and applies `check(value, "", **kwargs)`.

    The parser then prints `argument --NAME: must be EXPECTED, not 'TEXT'`, the same wording as the API.

    >>> flag(positive_int)("8")
    8
    """
    def parse(text):
        try:
            value = convert(text)
            return check(value, "", **kwargs)
        except (TypeError, ValueError) as e:
            expected = getattr(e, "expected", None)
            if expected is None:  # `convert` refused the text: `check` words what it takes when given None
                try:
                    check(None, "", **kwargs)
                except TypeError as refused:
                    expected = refused.expected
            raise argparse.ArgumentTypeError(f"must be {expected}, not {text!r}") from None

    parse.__name__ = getattr(check, "__name__", "value")
    return parse
