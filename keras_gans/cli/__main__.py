"""`python -m keras_gans.cli ARGS...` is `keras-gans ARGS...`."""
import sys

from keras_gans.cli import main

sys.exit(main())
