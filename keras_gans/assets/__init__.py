"""Files shipped with keras_gans (the MNIST classifier weights and card)."""
