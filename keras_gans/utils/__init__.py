"""Small shared helpers (atomic file writes, image grids)."""
from keras_gans.utils.io import atomic_path, check_parent_dir, replace_marked_block, write_marked_block
from keras_gans.utils.images import make_grid, save_image, to_uint8

__all__ = ["atomic_path", "check_parent_dir", "make_grid", "replace_marked_block", "save_image", "to_uint8",
           "write_marked_block"]
