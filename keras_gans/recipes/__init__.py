"""Recipes: what `keras-gans train NAME` builds, for the command line, the examples and the scripts.

A recipe owns the flags of a name (their defaults, help and checks), its data and the settings
of its model; the model owns the algorithm. `keras-gans train NAME` parses exactly the flags of
the recipe NAME, and Python code gets the same model, data and settings:

>>> import keras_gans as kg
>>> kg.recipes.names()
['gan', 'dcgan', 'wgan', 'wgan_gp', 'cgan', 'sgan', 'progan', 'cyclegan', 'pix2pix', 'cogan', 'discogan', 'srgan', 'sagan', 'biggan', 'stylegan2',
 'acgan', 'infogan']
>>> recipe = kg.recipes.get("cyclegan")
>>> args = recipe.args(epochs=1, batch_size=8, filters=8, steps_per_epoch=2)
>>> model, ds, callbacks = recipe.build(args)        # compiled, with the paper's learning-rate decay
>>> history = model.fit(ds, epochs=args.epochs, steps_per_epoch=args.steps_per_epoch, callbacks=callbacks,
...                     verbose=0)

Modules: `base` (Flag, Recipe, ImageModelRecipe, value checks), `registry` (register, get, names), and the recipes
themselves: `unconditional` (gan, dcgan, wgan, wgan_gp), `conditional` (cgan, sgan), `progan`,
`image_to_image` (cyclegan, pix2pix, cogan, discogan), `super_resolution` (srgan), `attention` (sagan, biggan),
`stylegan2`, `auxiliary` (acgan, infogan). None imports TensorFlow until `build`.
"""
from keras_gans.recipes.base import COMMON_FLAGS, Flag, Recipe
from keras_gans.recipes.registry import RECIPES, canonical, get, names, register

# Importing the recipe modules registers them, in the order `keras-gans train --help` lists them.
from keras_gans.recipes import unconditional, conditional, progan, image_to_image  # noqa: E402,F401  isort: skip
from keras_gans.recipes import super_resolution  # noqa: E402,F401  isort: skip
from keras_gans.recipes import attention  # noqa: E402,F401  isort: skip
from keras_gans.recipes import stylegan2  # noqa: E402,F401  isort: skip
from keras_gans.recipes import auxiliary  # noqa: E402,F401  isort: skip

__all__ = ["COMMON_FLAGS", "Flag", "RECIPES", "Recipe", "canonical", "get", "names", "register"]
