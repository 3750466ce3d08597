"""The recipes by name: `register` adds one, `get` finds one, `names` lists them."""

#: name → :class:`~keras_gans.recipes.base.Recipe` instance, in the order of `keras-gans train --help`.
RECIPES = {}


def canonical(name):
    """`"WGAN-GP"` → `"wgan_gp"`: names are case-insensitive and take `-` or `_`."""
    return str(name).strip().lower().replace("-", "_")


def register(cls):
    """Class decorator: registers an instance of a :class:`Recipe` subclass under its `name`."""
    if not cls.name or canonical(cls.name) != cls.name:
        raise ValueError(f"A recipe needs a lower-case name with underscores; {cls.__name__} has {cls.name!r}.")
    if cls.name in RECIPES:
        raise ValueError(f"A recipe named {cls.name!r} is already registered ({type(RECIPES[cls.name]).__name__}).")
    RECIPES[cls.name] = cls()
    return cls


def names():
    """The registered names, in registration order."""
    return list(RECIPES)


def get(name):
    """The recipe called `name` (`wgan-gp` = `wgan_gp`); `KeyError` listing the choices otherwise."""
    recipe = RECIPES.get(canonical(name))
    if recipe is None:
        raise KeyError(f"Unknown model {name!r}. Choose one of {', '.join(RECIPES)}.")
    return recipe
