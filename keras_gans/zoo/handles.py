"""Preset handles on model hubs: `hf://owner/repo` and `kaggle://owner/model/keras/variant`, as keras-hub spells them.

A handle names a preset folder (the layout of :mod:`keras_gans.zoo.preset`) stored on a hub:

- `hf://owner/repo` or `hf://owner/repo@revision` (a branch, tag or 40-hex commit) on the Hugging Face
  Hub, through `huggingface_hub.hf_hub_download`; `$HF_ENDPOINT` (read at each call) names another server;
- `kaggle://owner/model/framework/variant` or `.../variant/version` on Kaggle Models, through
  `kagglehub.model_download` (its server is chosen by `$KAGGLE_API_ENVIRONMENT`).

The client libraries are optional: a missing one raises `ImportError` with the pip command.

What is downloaded, and how it is checked (:func:`resolve_handle`):

1. `metadata.json` first. With `sha256=` (the sha256 of that `metadata.json`, as for a local folder)
   it must match, else `ValueError` and nothing is cached. Since `metadata.json` lists the sha256 of
   every other file, this pins the whole preset.
2. Every file that `metadata.json` lists, and nothing else; then :func:`keras_gans.zoo.preset.verify`:
   the folder holds exactly those files, each with its listed sha256 (`ValueError` on a mismatch,
   nothing cached). Without `sha256=` this proves the files are the ones the metadata names (no
   truncated or mixed download), not who wrote the metadata.
3. A handle pinned to a commit (`hf://owner/repo@<40 hex>`) must be served from that commit: the
   commit the Hub reports (`X-Repo-Commit`) is compared. Kaggle reports no commit; its version number
   is part of the handle when you pin one.

Only then the files move, in one rename, to `presets/<sha256 of metadata.json>/` in the cache
(`$KERAS_GANS_CACHE`, :func:`keras_gans.zoo.download.cache_dir`), and `handles/<sha256 of the handle>.json`
remembers which folder the handle gave. Later calls reuse the folder (re-verified on load) without the
network when the handle is pinned (a commit, a Kaggle version, or `sha256=`), or when offline; an
unpinned handle asks the hub for its current `metadata.json` again and downloads the rest only when
that changed. Offline (`$KERAS_GANS_OFFLINE`) with nothing cached raises `ConnectionError` at once.

>>> import keras_gans as kg
>>> g = kg.zoo.load("hf://keras-gans/dcgan_mnist")                       # doctest: +SKIP
>>> gan = kg.models.DCGAN.from_preset("kaggle://keras-gans/dcgan/keras/mnist/1")   # doctest: +SKIP
>>> kg.zoo.publish(gan, "hf://me/my_dcgan", dataset="mnist")            # doctest: +SKIP
"""
import hashlib
import json
import os
import re
import shutil
import tempfile
import urllib.parse

from keras_gans.utils.online import offline

SCHEMES = ("hf", "kaggle")
#: The client of each scheme: (module, pinned pip requirement).
CLIENTS = {"hf": ("huggingface_hub", "huggingface_hub==2.4.0"), "kaggle": ("kagglehub", "kagglehub==1.0.3")}
_HF = re.compile(r"^hf://([\w.-]+)/([\w.-]+)(?:@([\w./-]+))?/?$")
_KAGGLE = re.compile(r"^kaggle://([\w.-]+)/([\w.-]+)/([\w.-]+)/([\w.-]+)(?:/(\d+))?/?$")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def is_handle(ref):
    """True for `hf://...` and `kaggle://...` strings."""
    return isinstance(ref, str) and ref.split("://", 1)[0] in SCHEMES and "://" in ref


def parse(handle):
    """`(scheme, id, revision)`: `("hf", "owner/repo", "main" or the @revision)` or
    `("kaggle", "owner/model/framework/variant[/version]", version or None)`; `ValueError` for a malformed handle."""
    handle = str(handle).strip()
    m = _HF.match(handle)
    if m:
        return "hf", f"{m.group(1)}/{m.group(2)}", m.group(3) or "main"
    m = _KAGGLE.match(handle)
    if m:
        return "kaggle", "/".join(g for g in m.groups() if g), m.group(5)
    raise ValueError(f"{handle!r} is not a preset handle. Use 'hf://owner/repo' (optionally '@revision') or "
                     "'kaggle://owner/model/keras/variant' (optionally '/version').")


def _pinned(scheme, revision):
    return bool(revision) and (scheme == "kaggle" or _COMMIT.match(revision) is not None)


def client(scheme):
    """Imports the client library of `scheme`; `ImportError` with the pip command when it is missing."""
    module, requirement = CLIENTS[scheme]
    try:
        return __import__(module)
    except ImportError as e:
        raise ImportError(f"{scheme}:// preset handles need the {module} package, which is not installed. Install it "
                          f"with `pip install {requirement}` (or `pip install 'keras-gans[hub]'`).") from e


def _hf_endpoint():
    return os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")


def _endpoint_host(scheme):
    if scheme == "hf":
        return urllib.parse.urlsplit(_hf_endpoint()).hostname
    try:
        from kagglesdk.kaggle_env import get_endpoint, get_env

        return urllib.parse.urlsplit(get_endpoint(get_env())).hostname
    except Exception:  # kagglesdk missing or a bad KAGGLE_API_ENVIRONMENT: the client says so later
        return "www.kaggle.com"


def _check_online(handle, scheme):
    if offline() and _endpoint_host(scheme) not in _LOOPBACK:
        raise ConnectionError(
            f"Cannot download the preset {handle}: KERAS_GANS_OFFLINE is set (no network) and it is not in the cache "
            f"({_cache_root()}). Unset it on a machine with internet access, or download the preset folder elsewhere "
            "and pass its path.")


# ------------------------------------------------------------------------------------------------ the cache
def _cache_root():
    from keras_gans.zoo.download import cache_dir

    return cache_dir()


def _ref_path(handle):
    return os.path.join(_cache_root(), "handles", hashlib.sha256(handle.encode("utf-8")).hexdigest() + ".json")


def _slot(digest):
    return os.path.join(_cache_root(), "presets", digest)


def _read_ref(handle):
    try:
        with open(_ref_path(handle), encoding="utf-8") as f:
            ref = json.load(f)
        return ref if isinstance(ref, dict) and "metadata_sha256" in ref else None
    except (OSError, ValueError):
        return None


def _write_ref(handle, digest, revision):
    from keras_gans.utils.io import atomic_path

    path = _ref_path(handle)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as f:
        json.dump({"handle": handle, "metadata_sha256": digest, "revision": revision}, f)


def _cached(digest):
    """The verified folder of a cached preset whose metadata.json has sha256 `digest`, or None."""
    from keras_gans.zoo import preset
    from keras_gans.zoo.download import sha256_file

    folder = _slot(digest)
    if not os.path.isfile(os.path.join(folder, preset.METADATA_FILE)):
        return None
    try:
        if sha256_file(os.path.join(folder, preset.METADATA_FILE)) != digest:
            raise ValueError("metadata.json changed")
        preset.verify(folder)
    except (OSError, ValueError):
        shutil.rmtree(folder, ignore_errors=True)  # tampered or partial: fetch it again
        return None
    return folder


# ------------------------------------------------------------------------------------------------ download
def resolve_handle(handle, sha256=None):
    """The local, verified preset folder of a hub handle (downloaded into the cache once; see the module doc).

    Raises:
        ValueError: a malformed handle, a `sha256=` or file hash mismatch, a commit other than the pinned one
            (nothing is cached).
        FileNotFoundError: the hub answers that the repository, revision or a file does not exist (HTTP 404).
        ConnectionError: offline, unreachable or another HTTP error, with nothing cached for the handle.
        ImportError: the client library is not installed (the message gives the pip command).
    """
    from keras_gans.zoo.download import _check_sha256

    handle = str(handle).strip()
    scheme, repo, revision = parse(handle)
    expected = _check_sha256(sha256)
    ref = _read_ref(handle)
    known = expected or (ref["metadata_sha256"] if ref else None)
    if known and (expected or _pinned(scheme, revision) or offline()):
        folder = _cached(known)
        if folder is not None:
            return folder
    _check_online(handle, scheme)
    root = os.path.join(_cache_root(), "presets")
    os.makedirs(root, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".handle-", dir=root)  # the client's own cache lives here, and goes with it
    try:
        get = _hf_getter(repo, revision, tmp) if scheme == "hf" else _kaggle_getter(repo, tmp)
        return _download(handle, get, expected, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _download(handle, get, expected, tmp):
    from keras_gans.zoo import preset
    from keras_gans.zoo.download import sha256_file

    staged = os.path.join(tmp, "preset")
    os.mkdir(staged)
    meta_path = os.path.join(staged, preset.METADATA_FILE)
    shutil.copyfile(get(preset.METADATA_FILE), meta_path)
    digest = sha256_file(meta_path)
    if expected is not None and digest != expected:
        raise ValueError(f"The {preset.METADATA_FILE} of {handle} has sha256 {digest}, not the expected {expected}: "
                         "the preset on the hub is not the one you pinned (changed or replaced). Nothing was cached; "
                         "check the handle and the hash.")
    folder = _cached(digest)
    if folder is None:
        metadata = preset.read_metadata(staged)
        for fname in sorted(metadata["files"]):
            shutil.copyfile(get(fname), os.path.join(staged, fname))
        try:
            preset.verify(staged, metadata)
        except (OSError, ValueError) as e:
            raise type(e)(f"The preset downloaded from {handle} does not match its {preset.METADATA_FILE}: {e} "
                          "Nothing was cached.") from None
        folder = _slot(digest)
        try:
            os.replace(staged, folder)
        except OSError:  # another process cached the same content first
            if _cached(digest) is None:
                raise
    commit = getattr(get, "revision", None)
    _write_ref(handle, digest, commit)
    if commit and handle.startswith("hf://"):  # the handle pinned to the commit it came from answers offline too
        _write_ref(handle.split("@")[0].rstrip("/") + "@" + commit, digest, commit)
    return folder


def _hf_getter(repo, revision, workdir):
    hub = client("hf")
    from huggingface_hub import errors

    endpoint = _hf_endpoint()
    pinned = _COMMIT.match(revision) is not None

    def get(fname):
        rev = get.revision or revision
        try:
            path = hub.hf_hub_download(repo, fname, revision=rev, endpoint=endpoint, cache_dir=workdir)
        except errors.LocalEntryNotFoundError as e:  # the client's "could not connect, nothing cached"
            raise ConnectionError(f"Could not download {fname} of hf://{repo}@{rev} from {endpoint} ({e}). Check the "
                                  "network; nothing was cached.") from None
        except (errors.RepositoryNotFoundError, errors.RevisionNotFoundError, errors.RemoteEntryNotFoundError) as e:
            raise FileNotFoundError(f"hf://{repo}@{rev}: {fname} was not found on {endpoint} (HTTP 404, "
                                    f"{type(e).__name__}). Check the repository name, the revision and that it holds "
                                    "a keras-gans preset.") from None
        except OSError as e:  # HfHubHTTPError (other HTTP errors) is an OSError too
            raise ConnectionError(f"Could not download {fname} of hf://{repo}@{rev} from {endpoint} "
                                  f"({type(e).__name__}: {e}). Check the network; nothing was cached.") from None
        commit = os.path.basename(os.path.dirname(path)) if "snapshots" in path else None
        if pinned and commit != revision:
            raise ValueError(f"hf://{repo}@{revision} was served from commit {commit}, not the pinned one. Nothing "
                             "was cached.")
        get.revision = get.revision or commit  # every later file from the commit metadata.json came from
        return path

    get.revision = None
    return get


def _kaggle_getter(repo, workdir):
    kagglehub = client("kaggle")
    import requests

    def get(fname):
        try:
            return kagglehub.model_download(repo, path=fname, output_dir=tempfile.mkdtemp(prefix="kaggle-", dir=workdir))
        except requests.exceptions.HTTPError as e:
            status = getattr(e.response, "status_code", None)
            if status == 404:
                raise FileNotFoundError(f"kaggle://{repo}: {fname} was not found (HTTP 404). Check the handle "
                                        "(owner/model/framework/variant[/version]).") from None
            raise ConnectionError(f"Could not download {fname} of kaggle://{repo} (HTTP {status}: {e}). Nothing was "
                                  "cached.") from None
        except (requests.exceptions.RequestException, OSError) as e:
            raise ConnectionError(f"Could not download {fname} of kaggle://{repo} ({type(e).__name__}: {e}). Check "
                                  "the network; nothing was cached.") from None

    get.revision = None
    return get


# ------------------------------------------------------------------------------------------------ upload
def upload_target(handle):
    """`(repo, revision)` of an `hf://` handle to upload to; `ValueError` for any other handle."""
    scheme, repo, revision = parse(handle)
    if scheme != "hf":
        raise ValueError(f"publish() uploads to hf:// handles only; got {handle!r}. For Kaggle, publish to a folder "
                         "and upload it with kagglehub.model_upload.")
    return repo, revision


def upload(folder, handle, private=None, commit_message=None):
    """Uploads a preset folder to `hf://owner/repo` (create_repo, then upload_folder); returns the handle pinned
    to the new commit (`hf://owner/repo@<commit>`). Needs a write token (`HF_TOKEN` or `huggingface-cli login`)."""
    repo, revision = upload_target(handle)
    if offline() and _endpoint_host("hf") not in _LOOPBACK:
        raise ConnectionError(f"Cannot upload to {handle}: KERAS_GANS_OFFLINE is set (no network). The preset folder "
                              f"is written; upload it later.")
    client("hf")
    from huggingface_hub import HfApi

    api = HfApi(endpoint=_hf_endpoint())
    try:
        api.create_repo(repo, private=private, exist_ok=True)
        info = api.upload_folder(repo_id=repo, folder_path=os.fspath(folder), revision=revision,
                                 commit_message=commit_message or f"Upload keras-gans preset {os.path.basename(folder)}")
    except OSError as e:
        raise ConnectionError(f"Could not upload the preset to {handle} ({type(e).__name__}: {e}).") from e
    oid = getattr(info, "oid", None)
    return f"hf://{repo}@{oid}" if oid else f"hf://{repo}"
