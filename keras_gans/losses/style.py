"""PLACEHOLDER (branch h3 only): helper H2 creates the real `keras_gans/losses/style.py` (the functions
moved out of models/style_transfer.py); take H2's file at merge. These wrappers only keep
`keras_gans.losses` importable on this branch; they import the model lazily (an upward import that
H2's file does not have).
"""


def gram_matrix(features):
    from keras_gans.models import style_transfer

    return style_transfer.gram_matrix(features)


def content_loss(*args, **kwargs):
    from keras_gans.models import style_transfer

    return style_transfer.content_loss(*args, **kwargs)


def style_loss(*args, **kwargs):
    from keras_gans.models import style_transfer

    return style_transfer.style_loss(*args, **kwargs)


def total_variation_loss(*args, **kwargs):
    from keras_gans.models import style_transfer

    return style_transfer.total_variation_loss(*args, **kwargs)
