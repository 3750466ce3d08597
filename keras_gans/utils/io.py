"""Safe writes: every file or folder this package writes appears whole or not at all, replaces nothing
it was not asked to, and leaves nothing behind, even when the process is killed.

The one rule, used by `save`, `export`, `zoo.publish`, `zoo.export` and every command that writes:

- :func:`check_target` refuses an existing file, or a non-empty existing folder, unless
  `overwrite=True` (`--overwrite` on the command line); it runs before any work, and creates nothing.
- :func:`atomic_path` writes beside the target under a temporary name and renames it into place; a
  missing parent folder is created (and removed again if the write fails).
- Temporary names carry the writer's process id (`.NAME.PID-XXXX.tmp...`): a write killed with
  SIGKILL leaves its temporary file, and the next write of the same target deletes every such file
  whose process is gone (:func:`sweep_temporaries`).
"""
import contextlib
import os
import re
import shutil
import tempfile


def check_parent_dir(path):
    """Raises an `OSError` naming the problem if `path` could not be written: its nearest existing
    ancestor is a file or not writable. Missing folders are fine (:func:`atomic_path` creates them)."""
    path = os.path.abspath(os.fspath(path))
    parent = os.path.dirname(path)
    existing = parent
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise FileExistsError(f"Cannot write {path!r}: {existing!r} is a file, not a folder. "
                              "Choose another output path.")
    if not os.access(existing, os.W_OK):
        raise PermissionError(f"Cannot write {path!r}: the folder {existing!r} is not writable. "
                              "Choose another output path.")
    return parent


def check_target(path, overwrite=False, kind="file"):
    """Refuses to replace what is at `path` unless `overwrite`; returns the path as a string.

    `kind="file"`: an existing file is refused (a folder there always is). `kind="folder"`: an
    existing non-empty folder is refused (an empty one is replaced; a file there always is refused).
    Nothing is created or deleted here; the writer (:func:`atomic_path`) creates missing parents.
    """
    path = os.fspath(path)
    stripped = path.rstrip(os.sep) or os.sep
    check_parent_dir(stripped)
    if kind == "folder":
        if os.path.exists(stripped) and not os.path.isdir(stripped):
            raise FileExistsError(f"{path!r} is a file, not a folder. Choose another folder.")
        if os.path.isdir(stripped) and os.listdir(stripped) and not overwrite:
            n = len(os.listdir(stripped))
            raise FileExistsError(
                f"{path!r} already exists and is not empty ({n} entr{'y' if n == 1 else 'ies'}). Pass "
                "overwrite=True (--overwrite on the command line) to replace it, or choose another folder.")
    else:
        if os.path.isdir(stripped):
            raise IsADirectoryError(f"{path!r} is a folder, not a file. Choose another file name.")
        if os.path.exists(stripped) and not overwrite:
            raise FileExistsError(f"{path!r} already exists. Pass overwrite=True (--overwrite on the command "
                                  "line) to replace it, or choose another file name.")
    return stripped


def _pid_alive(pid):
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def sweep_temporaries(path):
    """Deletes the temporary files and folders left beside `path` by writers that were killed
    (their process is gone); returns what it deleted."""
    path = os.fspath(path).rstrip(os.sep)
    parent, base = os.path.split(os.path.abspath(path))
    pattern = re.compile(r"^\." + re.escape(base) + r"\.(\d+)-[^/]*\.tmp")
    removed = []
    try:
        names = os.listdir(parent)
    except OSError:
        return removed
    for name in names:
        match = pattern.match(name)
        if not match or _pid_alive(int(match.group(1))):
            continue
        full = os.path.join(parent, name)
        try:
            if os.path.isdir(full) and not os.path.islink(full):
                shutil.rmtree(full)
            else:
                os.remove(full)
            removed.append(full)
        except OSError:
            pass
    return removed


def _make_parents(parent):
    """Creates `parent` and its missing ancestors; returns the ones it created, deepest first."""
    created = []
    folder = parent
    while not os.path.exists(folder):
        created.append(folder)
        folder = os.path.dirname(folder)
    os.makedirs(parent, exist_ok=True)
    return created


@contextlib.contextmanager
def atomic_path(path):
    """Yields a temporary path beside `path`; renames it onto `path` only if the block succeeds.

    The writer creates a file or a folder at the temporary path. The temporary name keeps `path`'s
    suffix, so writers that look at the extension (Keras' `.keras` / `.weights.h5`, PIL's `.png`)
    still work. A missing parent folder is created (and removed again if the block fails); the
    temporary files of earlier writers that were killed are deleted first. It does not check whether
    `path` exists: call :func:`check_target` before the work for that.

    >>> with atomic_path("grid.png") as tmp:
    ...     image.save(tmp)
    """
    path = os.fspath(path).rstrip(os.sep) or os.sep
    check_parent_dir(path)
    parent = os.path.dirname(os.path.abspath(path))
    try:
        created = _make_parents(parent)
    except OSError as e:
        raise PermissionError(f"Cannot write {path!r}: cannot create the folder {parent!r} ({e.strerror}). "
                              "Choose another output path.") from e
    base = os.path.basename(path)
    # Keep compound suffixes such as ".weights.h5".
    stem = base.lstrip(".")
    suffix = stem[stem.index("."):] if "." in stem else ""
    sweep_temporaries(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{base}.{os.getpid()}-", suffix=".tmp" + suffix, dir=parent)
    except OSError as e:
        _remove_created(created)
        raise PermissionError(f"Cannot write {path!r}: the folder {parent!r} is not writable ({e.strerror}). "
                              "Choose another output path.") from e
    os.close(fd)
    os.remove(tmp)  # writers such as h5py want to create the file themselves
    done = False
    try:
        yield tmp
        if os.path.isdir(tmp) and os.path.isdir(path) and not os.path.islink(path):
            old = tmp + ".old"
            os.replace(path, old)
            os.replace(tmp, path)
            shutil.rmtree(old)
        else:
            os.replace(tmp, path)
        done = True
    finally:
        if os.path.isdir(tmp):
            shutil.rmtree(tmp, ignore_errors=True)
        elif os.path.exists(tmp):
            os.remove(tmp)
        if not done:
            _remove_created(created)


def _remove_created(created):
    for folder in created:  # deepest first; only if still empty
        try:
            os.rmdir(folder)
        except OSError:
            break


def replace_marked_block(doc, start, end, text, append=False, name="the text"):
    """`doc` with what lies between the `start` and `end` markers replaced by `text` (the pure part of
    :func:`write_marked_block`, e.g. for a `--check` that compares without writing).

    Everything outside the block stays byte-identical; `text` is put between the marker lines with one
    newline after it. With `append=True` a `doc` without the markers gets the block at its end; otherwise,
    or when the markers are broken (one of them, several, or `end` before `start`), a ValueError naming
    `name` says so.

    >>> replace_marked_block("a\n<!-- t:start -->\nold\n<!-- t:end -->\nb\n", "<!-- t:start -->", "<!-- t:end -->", "new")
    'a\n<!-- t:start -->\nnew\n<!-- t:end -->\nb\n'
    """
    starts, ends = doc.count(start), doc.count(end)
    block = start + "\n" + text.rstrip("\n") + "\n" + end
    if starts == 0 and ends == 0 and append:
        return doc + ("" if doc.endswith("\n") or not doc else "\n") + ("\n" if doc else "") + block + "\n"
    if starts == 1 and ends == 1 and doc.index(start) < doc.index(end):
        head, rest = doc.split(start, 1)
        return head + block + rest.split(end, 1)[1]
    raise ValueError(f"{name} has {starts} {start} and {ends} {end} marker(s) (or the end before the start); "
                     f"expected one of each, in order{', or none' if append else ''}. Nothing written.")


def write_marked_block(path, start, end, text, append=False):
    """Replaces what lies between the `start` and `end` marker lines of a text file with `text`, atomically.

    Everything outside the block stays byte-identical. With `append=True` a file without the markers gets the
    block at its end; otherwise, or when the markers are broken (one of them, several, or `end` before
    `start`), a ValueError says so and nothing is written. Used by the scripts that regenerate docs tables
    (benchmarks/zoo_metrics.py, benchmarks/quality.py, scripts/presets_readme.py); the new text alone, without
    writing: :func:`replace_marked_block`.

    >>> write_marked_block("report.md", "<!-- table:start -->", "<!-- table:end -->", "| a | b |\n")
    """
    with open(path, encoding="utf-8", newline="") as f:
        doc = f.read()
    new = replace_marked_block(doc, start, end, text, append=append, name=path)
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            f.write(new)
