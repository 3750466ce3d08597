"""Subcommands of the `keras-gans` CLI (imported lazily by `keras_gans.cli`)."""
