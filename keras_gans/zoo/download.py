"""Hash-checked downloads into the keras-gans cache.

Every download goes through `keras.utils.get_file` into a private temporary folder inside
the cache, is checked against its sha256 there, and only then is renamed into place. A
failed download (HTTP error, no network, truncated body, wrong hash) therefore leaves no
file, partial or otherwise, where a later call would find it.

A cache slot only ever returns the content its name says:

- `downloads/<sha256>-<name>`: a download whose sha256 was given and matched (re-hashed
  each time it is reused);
- `downloads/url-<sha256 of the whole URL>-<name>`: a download without a sha256, keyed by
  its whole URL (two URLs ending in the same file name get two slots), with a warning that
  its content is not verified;
- `presets/<sha256>/`: an extracted archive, named by the sha256 of the archive's bytes,
  computed (and compared with the claimed one, for local files too) before extraction.

The cache is `$KERAS_GANS_CACHE` when set, else `~/.keras/keras_gans`.

>>> from keras_gans.zoo import download
>>> path = download.fetch("https://example.org/dcgan_mnist.tar.gz",
...                       sha256="3f0c...")                       # doctest: +SKIP
"""
import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import warnings
import zipfile

from keras_gans.utils.online import offline

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def cache_dir():
    """The cache root: `$KERAS_GANS_CACHE`, or `~/.keras/keras_gans` (created on demand)."""
    root = os.environ.get("KERAS_GANS_CACHE") or os.path.join(os.path.expanduser("~"), ".keras", "keras_gans")
    os.makedirs(root, exist_ok=True)
    return root


def sha256_file(path, chunk_size=1 << 20):
    """The hex sha256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(chunk_size), b""):
            digest.update(block)
    return digest.hexdigest()


def is_url(text):
    """True for `http://`, `https://` and `file://` addresses."""
    return isinstance(text, str) and urllib.parse.urlsplit(text).scheme in ("http", "https", "file")


def check_reachable(url):
    """Raises `ConnectionError` at once for a remote URL when running offline.

    Offline (`$KERAS_GANS_OFFLINE` set, see :func:`keras_gans.utils.online.offline`), only
    loopback and `file://` URLs are fetched.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme in ("http", "https") and parts.hostname not in LOOPBACK_HOSTS and offline():
        raise ConnectionError(
            f"Cannot download {url}: KERAS_GANS_OFFLINE is set (no network). Unset it on a machine with internet "
            "access, or download the file elsewhere and pass its local path."
        )


def _check_sha256(sha256):
    if sha256 is None:
        return None
    sha256 = str(sha256).lower().strip()
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError(f"sha256 must be 64 hexadecimal characters; got {sha256!r}.")
    return sha256


def fetch(url, sha256=None, fname=None, subdir="downloads", force=False):
    """Downloads `url` into the cache (once) and returns the local path.

    Args:
        url: an `http(s)://` or `file://` address.
        sha256: the expected hex sha256 of the file. With it, a cached copy is reused only if
            it matches, and a download that does not match raises `ValueError` and is deleted.
            Without it the file is not verified (a `UserWarning` says so; pass one for
            anything you did not make) and is cached under a key of the whole URL.
        fname: file name in the cache (default: the URL's last path component). Only a
            suffix of the slot's name: the slot is keyed by the sha256, or by the whole URL
            when there is none.
        subdir: folder inside the cache.
        force: download again even when a verified copy is cached.

    Raises:
        FileNotFoundError: the server answered 404 (or the `file://` path does not exist).
        ConnectionError: no network, connection refused, another HTTP error, or a body shorter
            than its `Content-Length` (a truncated transfer).
        ValueError: the sha256 does not match.
    """
    import keras

    if not is_url(url):
        raise ValueError(f"{url!r} is not an http(s):// or file:// URL.")
    sha256 = _check_sha256(sha256)
    fname = fname or os.path.basename(urllib.parse.urlsplit(url).path)
    if not fname or os.sep in fname:
        raise ValueError(f"Cannot name the download of {url!r}; pass fname='something.tar.gz'.")
    folder = os.path.join(cache_dir(), subdir)
    os.makedirs(folder, exist_ok=True)
    if sha256:  # stored under its hash and re-hashed on reuse: only that content answers
        final = os.path.join(folder, f"{sha256}-{fname}")
    else:  # keyed by the whole URL, never its file name alone
        final = os.path.join(folder, f"url-{hashlib.sha256(url.encode('utf-8')).hexdigest()[:32]}-{fname}")
    if os.path.exists(final) and not force:
        if sha256 is None or sha256_file(final) == sha256:
            return _unverified(url, final) if sha256 is None else final
        os.remove(final)  # stale or tampered copy: fetch again
    check_reachable(url)
    if url.startswith("file://"):
        local = urllib.request.url2pathname(urllib.parse.urlsplit(url).path)
        if not os.path.exists(local):
            raise FileNotFoundError(f"{url} does not exist. Check the path.")

    tmp = tempfile.mkdtemp(prefix=".download-", dir=folder)
    try:
        try:
            path = keras.utils.get_file(fname=fname, origin=url, file_hash=sha256, hash_algorithm="sha256",
                                        cache_dir=tmp, cache_subdir="")
        except ValueError as e:
            if "hash" in str(e).lower():
                raise ValueError(
                    f"The file downloaded from {url} does not have the expected sha256 {sha256} (it is corrupted, "
                    "truncated or was replaced). Nothing was cached; check the URL and hash, then retry."
                ) from None
            raise
        except Exception as e:  # keras re-raises urllib errors as a bare Exception
            raise _translate(url, e) from e
        os.replace(path, final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return _unverified(url, final) if sha256 is None else final


def _unverified(url, path):
    warnings.warn(f"{url} is used without a sha256, so its content is not verified (cached under a key of the whole "
                  "URL). Pass sha256= for anything you did not make.", UserWarning, stacklevel=3)
    return path


def _translate(url, error):
    cause = error.__context__ if isinstance(error.__context__, urllib.error.URLError) else error
    text = str(error)
    if isinstance(cause, urllib.error.ContentTooShortError) or "retrieval incomplete" in text:
        return ConnectionError(f"The download of {url} was truncated (fewer bytes than announced). "
                               "Nothing was cached; retry, or check the server.")
    if isinstance(cause, urllib.error.HTTPError) and cause.code == 404 or " 404 " in text:
        return FileNotFoundError(f"{url} was not found (HTTP 404). Check the URL or the preset name.")
    if isinstance(cause, urllib.error.HTTPError) or "URL fetch failure" in text:
        return ConnectionError(f"Could not download {url}: {text}. Check your network connection and the URL; "
                               "nothing was cached.")
    return ConnectionError(f"Could not download {url} ({type(error).__name__}: {text}); nothing was cached.")


def extract(archive, sha256=None, subdir="presets"):
    """Unpacks a `.tar.gz`/`.tgz`/`.tar`/`.zip` into the cache (atomically) and returns the folder.

    The archive's sha256 is always computed; with `sha256` given it must match (`ValueError`
    otherwise, before anything is extracted). The folder is named by that digest alone, so a
    cached folder is only ever the content of the archive whose hash names it. An archive
    holding a single top-level folder yields that folder. Members with absolute paths or `..`
    are refused.
    """
    archive = os.fspath(archive)
    expected = _check_sha256(sha256)
    if not archive.endswith((".tar.gz", ".tgz", ".tar", ".zip")):
        raise ValueError(f"{archive!r} is not a .tar.gz, .tgz, .tar or .zip archive.")
    digest = sha256_file(archive)
    if expected is not None and digest != expected:
        raise ValueError(f"{archive!r} has sha256 {digest}, not the expected {expected}: it is corrupted or was "
                         "replaced. Nothing was extracted or cached; check the file and the hash.")
    folder = os.path.join(cache_dir(), subdir)
    os.makedirs(folder, exist_ok=True)
    final = os.path.join(folder, digest)
    if not os.path.isdir(final):
        tmp = tempfile.mkdtemp(prefix=".extract-", dir=folder)
        try:
            try:
                if zipfile.is_zipfile(archive):
                    with zipfile.ZipFile(archive) as z:
                        _check_members(archive, z.namelist())
                        z.extractall(tmp)
                else:
                    with tarfile.open(archive) as t:
                        _check_members(archive, t.getnames())
                        t.extractall(tmp, filter="data")
            except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError) as e:
                raise ValueError(f"{archive!r} is not a readable archive ({e}). Delete it and download again.") from e
            try:
                os.replace(tmp, final)
            except OSError:  # another process finished first
                pass
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    entries = [e for e in os.listdir(final) if not e.startswith(".")]
    if len(entries) == 1 and os.path.isdir(os.path.join(final, entries[0])):
        return os.path.join(final, entries[0])
    return final


def _check_members(archive, names):
    for name in names:
        if name.startswith("/") or ".." in name.replace("\\", "/").split("/"):
            raise ValueError(f"{archive!r} contains an unsafe path {name!r}; refusing to extract it.")

