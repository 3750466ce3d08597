"""Where presets are found: built-in folders, extra folders, and remote entries.

A preset name resolves, in this order, to:

1. a folder named `NAME` (holding `metadata.json`) in one of the folders of `$KERAS_GANS_ZOO`
   (`os.pathsep`-separated);
2. a folder `NAME` in the built-in presets, `keras_gans/presets/` (:data:`BUILTIN_DIR`): package
   data, so a checkout, an editable install, a wheel and an sdist install all have them;
3. a remote entry (URL + sha256 of a preset archive), from `keras_gans/zoo/remote.json` or
   added at run time with :func:`register_remote`; it is downloaded into the cache once.

The built-in presets are pinned: `keras_gans/zoo/builtin_hashes.json`, shipped inside the
package, lists `{name: {file: sha256}}` for every file of every folder in `presets/` (metadata.json
included). A folder `NAME` in one of :func:`zoo_dirs` whose name is pinned must hold exactly
those files with exactly those hashes (:func:`pinned_files`), so editing `config.json` and
re-hashing it in `metadata.json` is caught. `scripts/pin_presets.py` rewrites the pins after
the presets are re-published.
"""
import json
import os

_REMOTE = {}
PINS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "builtin_hashes.json")
# keras_gans/presets/: the built-in presets, shipped as package data (setup.cfg [options.package_data]).
BUILTIN_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "presets")


def zoo_dirs():
    """The folders searched for built-in presets, in priority order (existing ones only)."""
    dirs = [d for d in os.environ.get("KERAS_GANS_ZOO", "").split(os.pathsep) if d]
    dirs.append(BUILTIN_DIR)
    return [os.path.abspath(d) for d in dirs if os.path.isdir(d)]


def builtin_presets():
    """`{name: folder}` of every preset folder found in :func:`zoo_dirs` (first one wins)."""
    found = {}
    for root in zoo_dirs():
        for name in sorted(os.listdir(root)):
            folder = os.path.join(root, name)
            if name not in found and os.path.isfile(os.path.join(folder, "metadata.json")):
                found[name] = folder
    return found


def pinned_presets():
    """`{name: {file: sha256}}` of the built-in presets, from the package's `builtin_hashes.json`."""
    if not os.path.exists(PINS_FILE):
        return {}
    with open(PINS_FILE) as f:
        return json.load(f)


def pinned_files(folder):
    """`(name, {file: sha256})` when `folder` is a built-in preset folder (a pinned name in one of
    :func:`zoo_dirs`), else None (a user's own folder, checked against its own metadata.json)."""
    real = os.path.realpath(folder)
    parent, name = os.path.split(real)
    pins = pinned_presets()
    if name in pins and any(os.path.realpath(root) == parent for root in zoo_dirs()):
        return name, pins[name]
    return None


def pin_folder(folder):
    """`{file: sha256}` of every entry of a preset folder (what `builtin_hashes.json` records)."""
    from keras_gans.zoo.download import sha256_file

    return {f: sha256_file(os.path.join(folder, f)) for f in sorted(os.listdir(folder))}


def _packaged_remote():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "remote.json")
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return json.load(f)


def remote_presets():
    """`{name: entry}` of remote presets: the packaged `remote.json` plus :func:`register_remote`."""
    entries = dict(_packaged_remote())
    entries.update(_REMOTE)
    return entries


def register_remote(name, url, sha256, **card):
    """Adds (or replaces) a remote preset: `url` of a preset archive and its hex `sha256`.

    Extra keywords (`model`, `dataset`, `resolution`, `parameters`, `metric`, `description`)
    are shown by :func:`keras_gans.zoo.list` before the preset is downloaded.

    >>> import keras_gans as kg
    >>> kg.zoo.register_remote("dcgan_faces", "https://example.org/dcgan_faces.tar.gz",
    ...                        sha256="0" * 64, model="DCGAN", dataset="faces")
    """
    from keras_gans.zoo.download import _check_sha256, is_url

    if not is_url(url):
        raise ValueError(f"url must be an http(s):// or file:// address; got {url!r}.")
    if _check_sha256(sha256) is None:
        raise ValueError("A remote preset needs its sha256 (the hex digest of the archive).")
    _REMOTE[name] = dict(card, url=url, sha256=sha256.lower())
    return _REMOTE[name]


def unregister_remote(name):
    """Removes a preset added with :func:`register_remote` (no error if absent)."""
    _REMOTE.pop(name, None)
