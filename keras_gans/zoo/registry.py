"""Where presets are found: built-in folders, extra folders, and remote entries.

A preset name resolves, in this order, to:

1. a folder named `NAME` (holding `metadata.json`) in one of the folders of `$KERAS_GANS_ZOO`
   (`os.pathsep`-separated);
2. a folder `NAME` in the repository's top-level `zoo/`. The package finds it next to the
   `keras_gans/` package folder, which is where it is both in a source checkout and in an
   editable install (`pip install -e .` keeps the package in the checkout). A regular
   (non-editable) wheel does not carry `zoo/`: point `$KERAS_GANS_ZOO` at a copy of it, or
   load the presets by URL;
3. a remote entry (URL + sha256 of a preset archive), from `keras_gans/zoo/remote.json` or
   added at run time with :func:`register_remote`; it is downloaded into the cache once.
"""
import json
import os

_REMOTE = {}


def zoo_dirs():
    """The folders searched for built-in presets, in priority order (existing ones only)."""
    dirs = [d for d in os.environ.get("KERAS_GANS_ZOO", "").split(os.pathsep) if d]
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # .../keras_gans
    dirs.append(os.path.join(os.path.dirname(package), "zoo"))
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
