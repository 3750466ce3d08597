"""hf:// and kaggle:// preset handles through huggingface_hub and kagglehub, offline: the clients' endpoints point
at a loopback server (tests/helpers.serve) that answers the paths they request and records every call."""
import base64
import hashlib
import http.server
import json
import os
import shutil
import time
import urllib.parse

import numpy as np
import pytest

import helpers
import keras_gans as kg
from keras_gans import zoo

pytest.importorskip("huggingface_hub")
pytest.importorskip("kagglehub")

COMMIT = "a" * 40          # the commit the fake Hugging Face Hub serves
UPLOAD_COMMIT = "b" * 40   # the commit it answers to an upload


class FakeHubs(http.server.SimpleHTTPRequestHandler):
    """The Hugging Face Hub and Kaggle Models, as far as hf_hub_download, create_repo, upload_folder and
    kagglehub.model_download go. `repos` maps "owner/repo" (HF) and "owner/model/framework/variant" (Kaggle) to a
    preset folder; `calls` records (method, path); `uploads` maps "owner/repo" to {file: bytes} committed."""

    repos, calls, uploads, tamper = {}, [], {}, {}

    def log_message(self, *args):
        pass

    def _send(self, code, body=b"", headers=None, head=False):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            headers = {"Content-Type": "application/json", **(headers or {})}
        self.send_response(code)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _file(self, key, fname):
        folder = self.repos.get(key)
        path = os.path.join(folder, fname) if folder else None
        if path is None or not os.path.isfile(path):
            return None
        data = open(path, "rb").read()
        return self.tamper.get(fname, data)

    # -------------------------------------------------------------------- Hugging Face: /{repo}/resolve/{rev}/{file}
    def _hf_resolve(self, head):
        parts = urllib.parse.urlsplit(self.path).path.strip("/").split("/")
        if len(parts) < 5 or parts[2] != "resolve":
            return self._send(404, {"error": "not found"}, head=head)
        repo, rev, fname = "/".join(parts[:2]), parts[3], "/".join(parts[4:])
        if repo not in self.repos:
            return self._send(404, {"error": "Repository not found"}, {"X-Error-Code": "RepoNotFound"}, head=head)
        if rev not in ("main", COMMIT):
            return self._send(404, {"error": "Invalid rev id"}, {"X-Error-Code": "RevisionNotFound"}, head=head)
        data = self._file(repo, fname)
        if data is None:
            return self._send(404, {"error": "Entry not found"}, {"X-Error-Code": "EntryNotFound"}, head=head)
        return self._send(200, data, {"X-Repo-Commit": COMMIT, "ETag": f'"{hashlib.sha256(data).hexdigest()}"',
                                      "Content-Type": "application/octet-stream"}, head=head)

    def do_HEAD(self):  # noqa: N802
        self.calls.append(("HEAD", self.path))
        self._hf_resolve(head=True)

    def do_GET(self):  # noqa: N802
        self.calls.append(("GET", self.path))
        self._hf_resolve(head=False)

    def do_POST(self):  # noqa: N802
        self.calls.append(("POST", self.path))
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = urllib.parse.urlsplit(self.path).path
        if path == "/api/repos/create":
            spec = json.loads(body)
            return self._send(200, {"url": f"http://127.0.0.1/{spec['organization']}/{spec['name']}"})
        if path == "/api/validate-yaml":
            return self._send(200, {})
        if "/preupload/" in path:
            files = json.loads(body)["files"]
            return self._send(200, {"files": [{"path": f["path"], "uploadMode": "regular", "shouldIgnore": False}
                                              for f in files]})
        if "/commit/" in path:
            repo = path.split("/api/models/", 1)[1].split("/commit/")[0]
            store = self.uploads.setdefault(repo, {})
            for line in body.splitlines():
                item = json.loads(line)
                if item["key"] == "file":
                    store[item["value"]["path"]] = base64.b64decode(item["value"]["content"])
            return self._send(200, {"commitUrl": f"http://127.0.0.1/{repo}/commit/{UPLOAD_COMMIT}",
                                    "commitOid": UPLOAD_COMMIT, "pullRequestUrl": None})
        if path.startswith("/api/v1/models.ModelApiService/"):
            return self._kaggle(path.rsplit("/", 1)[1], json.loads(body or b"{}"))
        return self._send(404, {"error": f"no route {path}"})

    # -------------------------------------------------------------------- Kaggle: POST /api/v1/{service}/{rpc}
    def _kaggle(self, rpc, request):
        key = "/".join([request.get("ownerSlug", ""), request.get("modelSlug", ""), "keras",
                        request.get("instanceSlug", "")])
        if key not in self.repos:
            return self._send(404, {"code": 404, "message": f"Model {key} not found"})
        if rpc == "GetModelInstance":
            return self._send(200, {"versionNumber": 3, "slug": request.get("instanceSlug")})
        if rpc == "DownloadModelInstanceVersion":
            data = self._file(key, request.get("path", ""))
            if data is None:
                return self._send(404, {"code": 404, "message": "file not found"})
            return self._send(200, data, {"Content-Type": "application/octet-stream"})
        return self._send(404, {"code": 404, "message": f"no rpc {rpc}"})


@pytest.fixture
def hubs(tmp_path, monkeypatch):
    """(base URL, FakeHubs) with both clients pointed at it and an empty keras-gans cache."""
    FakeHubs.repos, FakeHubs.calls, FakeHubs.uploads, FakeHubs.tamper = {}, [], {}, {}
    monkeypatch.setenv("KERAS_GANS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_TOKEN", "hf_test_token")
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.setenv("KAGGLE_API_ENVIRONMENT", "LOCALHOST")
    monkeypatch.setenv("KAGGLEHUB_CACHE", str(tmp_path / "kagglehub"))
    from kagglesdk import kaggle_env

    with helpers.serve(tmp_path, FakeHubs) as base:
        monkeypatch.setenv("HF_ENDPOINT", base)  # read by keras_gans at each call, passed to hf_hub_download
        monkeypatch.setitem(kaggle_env._env_to_endpoint, kaggle_env.KaggleEnv.LOCAL, base)  # kagglesdk's LOCALHOST
        yield base, FakeHubs


@pytest.fixture(scope="module")
def preset(tmp_path_factory):
    """(gan, preset folder): a published 8×8 DCGAN (latent_dim 4), generator only."""
    import keras

    keras.utils.set_random_seed(0)
    gan = kg.models.DCGAN(image_shape=(8, 8, 1), latent_dim=4)
    folder = zoo.publish(gan, tmp_path_factory.mktemp("p") / "tiny_dcgan", dataset="none", samples=False,
                         training_command="(untrained)")
    return gan, folder


def _cache_files(root):
    return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs) \
        if os.path.exists(root) else []


def _sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def test_hf_handle_downloads_verifies_caches_and_loads(hubs, preset, tmp_path):
    base, server = hubs
    gan, folder = preset
    server.repos["me/tiny"] = folder
    g = zoo.load("hf://me/tiny")
    z = gan.latent(3, seed=0)
    np.testing.assert_array_equal(g(z).numpy(), gan.generator(z).numpy())
    files = {p.split("/resolve/")[1] for m, p in server.calls if m == "GET"}
    assert files == {f"main/metadata.json"} | {f"{COMMIT}/{f}" for f in json.load(
        open(os.path.join(folder, "metadata.json")))["files"]}   # metadata first, then the listed files at its commit
    meta_sha = _sha(os.path.join(folder, "metadata.json"))
    cached = zoo.resolve("hf://me/tiny@" + COMMIT, sha256=meta_sha)
    assert cached == str(tmp_path / "cache" / "presets" / meta_sha)
    assert sorted(os.listdir(cached)) == sorted(os.listdir(folder))
    assert not [f for f in _cache_files(tmp_path / "cache") if "/." in "/" + f or f.startswith(".")]  # no temp left
    # pinned by sha256 (or by commit): served from the cache without the server
    server.calls.clear()
    server.repos.clear()
    assert zoo.resolve("hf://me/tiny", sha256=meta_sha) == cached
    assert server.calls == []
    gan2 = kg.models.DCGAN.from_preset("hf://me/tiny@" + COMMIT)  # from the cache: the commit pins it
    np.testing.assert_array_equal(gan2.generate(3, seed=0), gan.generate(3, seed=0))
    assert server.calls == []


def test_kaggle_handle_downloads_and_loads(hubs, preset, tmp_path):
    base, server = hubs
    gan, folder = preset
    server.repos["me/tiny-dcgan/keras/8x8"] = folder
    g = zoo.load("kaggle://me/tiny-dcgan/keras/8x8")
    z = gan.latent(2, seed=1)
    np.testing.assert_array_equal(g(z).numpy(), gan.generator(z).numpy())
    assert ("POST", "/api/v1/models.ModelApiService/DownloadModelInstanceVersion") in server.calls
    assert os.listdir(tmp_path / "cache" / "presets") == [_sha(os.path.join(folder, "metadata.json"))]
    assert not (tmp_path / "kagglehub").exists()  # kagglehub's own cache is not used: ours is
    # a versioned handle is pinned: the second load needs no server
    assert zoo.resolve("kaggle://me/tiny-dcgan/keras/8x8/3")
    server.calls.clear()
    assert zoo.resolve("kaggle://me/tiny-dcgan/keras/8x8/3")
    assert server.calls == []


def test_hash_mismatches_are_refused_and_nothing_is_cached(hubs, preset, tmp_path):
    base, server = hubs
    gan, folder = preset
    server.repos["me/tiny"] = folder
    with pytest.raises(ValueError, match="not the expected"):
        zoo.load("hf://me/tiny", sha256="0" * 64)
    assert _cache_files(tmp_path / "cache" / "presets") == []
    server.tamper["model.weights.h5"] = b"not the weights"  # served, but not what metadata.json hashes
    with pytest.raises(ValueError, match="does not match its metadata.json.*Nothing was cached"):
        zoo.load("hf://me/tiny")
    server.repos["me/tiny/keras/v"] = folder
    with pytest.raises(ValueError, match="does not match"):
        zoo.load("kaggle://me/tiny/keras/v")
    assert _cache_files(tmp_path / "cache" / "presets") == []
    assert not os.path.exists(tmp_path / "cache" / "handles")


def test_404s_are_file_not_found(hubs, preset, tmp_path):
    base, server = hubs
    with pytest.raises(FileNotFoundError, match="hf://nobody/nothing.*404"):
        zoo.load("hf://nobody/nothing")
    server.repos["me/empty"] = str(tmp_path)  # a repository without a preset
    with pytest.raises(FileNotFoundError, match="metadata.json was not found"):
        zoo.load("hf://me/empty")
    with pytest.raises(FileNotFoundError, match="kaggle://nobody/nothing/keras/v.*404"):
        zoo.load("kaggle://nobody/nothing/keras/v")
    assert _cache_files(tmp_path / "cache" / "presets") == []


def test_offline_and_unreachable_give_connection_errors(preset, tmp_path, monkeypatch):
    import socket

    monkeypatch.setenv("KERAS_GANS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("KERAS_GANS_OFFLINE", "1")
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    monkeypatch.delenv("KAGGLE_API_ENVIRONMENT", raising=False)
    for handle in ("hf://keras-gans/dcgan_mnist", "kaggle://keras-gans/dcgan/keras/mnist"):
        start = time.time()
        with pytest.raises(ConnectionError, match="KERAS_GANS_OFFLINE"):
            zoo.load(handle)
        assert time.time() - start < 5
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    from huggingface_hub.utils import _http

    monkeypatch.setattr(_http.time, "sleep", lambda seconds: None)  # its 5 retries with backoff, without the waits
    with pytest.raises(ConnectionError, match="Could not download metadata.json"):
        zoo.load("hf://me/tiny")
    assert _cache_files(tmp_path / "cache" / "presets") == []


def test_missing_client_says_how_to_install(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "kagglehub", None)  # `import kagglehub` raises ImportError
    monkeypatch.delenv("KERAS_GANS_OFFLINE", raising=False)
    with pytest.raises(ImportError, match=r"pip install kagglehub==1\.0\.3"):
        zoo.handles.client("kaggle")
    with pytest.raises(ValueError, match="not a preset handle"):
        zoo.handles.parse("hf://only-an-owner")


def test_publish_to_hf_uploads_the_preset_folder(hubs, preset, tmp_path):
    base, server = hubs
    gan, folder = preset
    handle = zoo.publish(gan, "hf://me/published", dataset="none", samples=False, training_command="(untrained)")
    assert handle == f"hf://me/published@{UPLOAD_COMMIT}"
    posts = [p.split("?")[0] for m, p in server.calls if m == "POST"]
    assert posts[0] == "/api/repos/create" and posts[-1] == "/api/models/me/published/commit/main"
    uploaded = server.uploads["me/published"]
    assert set(uploaded) == {"config.json", "metadata.json", "model.weights.h5", "README.md"}
    meta = json.loads(uploaded["metadata.json"])
    assert meta["name"] == "published" and meta["model"] == "DCGAN"
    for fname, digest in meta["files"].items():  # the bytes that arrived are those metadata.json hashes
        assert hashlib.sha256(uploaded[fname]).hexdigest() == digest
    # and the uploaded preset loads back through the same server
    up = tmp_path / "uploaded"
    up.mkdir()
    for fname, data in uploaded.items():
        (up / fname).write_bytes(data)
    server.repos["me/published"] = str(up)
    z = gan.latent(2, seed=0)
    np.testing.assert_array_equal(zoo.load("hf://me/published")(z).numpy(), gan.generator(z).numpy())
