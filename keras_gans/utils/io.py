"""Atomic writes: every file this package writes appears whole or not at all."""
import contextlib
import os
import tempfile


def check_parent_dir(path):
    """Raises `FileNotFoundError` naming the missing folder if `path`'s parent does not exist."""
    parent = os.path.dirname(os.path.abspath(os.fspath(path)))
    if not os.path.isdir(parent):
        raise FileNotFoundError(
            f"Cannot write {os.fspath(path)!r}: the folder {parent!r} does not exist. "
            "Create it first (e.g. `mkdir -p`) or choose another output path."
        )
    return parent


@contextlib.contextmanager
def atomic_path(path):
    """Yields a temporary path beside `path`; renames it onto `path` only if the block succeeds.

    The temporary name keeps `path`'s suffix, so writers that look at the extension
    (Keras' `.keras` / `.weights.h5`, PIL's `.png`) still work.

    >>> with atomic_path("grid.png") as tmp:
    ...     image.save(tmp)
    """
    path = os.fspath(path)
    parent = check_parent_dir(path)
    base = os.path.basename(path)
    # Keep compound suffixes such as ".weights.h5".
    suffix = base[base.index("."):] if "." in base else ""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{base}.", suffix=".tmp" + suffix, dir=parent)
    except OSError as e:
        raise PermissionError(f"Cannot write {path!r}: the folder {parent!r} is not writable ({e.strerror}). "
                              "Choose another output path.") from e
    os.close(fd)
    os.remove(tmp)  # writers such as h5py want to create the file themselves
    try:
        yield tmp
        if os.path.isdir(tmp):
            if os.path.isdir(path):
                import shutil

                old = tmp + ".old"
                os.replace(path, old)
                os.replace(tmp, path)
                shutil.rmtree(old)
            else:
                os.replace(tmp, path)
        else:
            os.replace(tmp, path)
    finally:
        if os.path.isdir(tmp):
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
        elif os.path.exists(tmp):
            os.remove(tmp)
