"""keras_gans.utils.online: the one "am I online" probe, and the offline paths that use it."""
import socket

import pytest

from keras_gans.utils import online


class _Connection:
    def close(self):
        pass


def test_offline_env_answers_without_touching_the_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("probed the network although KERAS_GANS_OFFLINE is set")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setenv("KERAS_GANS_OFFLINE", "1")
    assert online.offline() is True
    assert online.can_reach() is False
    monkeypatch.setenv("KERAS_GANS_OFFLINE", "")  # empty means not set
    assert online.offline() is False


def test_can_reach_opens_and_closes_one_connection(monkeypatch):
    calls = []

    def connect(address, timeout):
        calls.append((address, timeout))
        return _Connection()

    monkeypatch.delenv("KERAS_GANS_OFFLINE", raising=False)
    monkeypatch.setattr(socket, "create_connection", connect)
    assert online.can_reach() is True
    assert online.can_reach("example.org", port=80, timeout=0.5) is True
    assert calls == [(("storage.googleapis.com", 443), 3.0), (("example.org", 80), 0.5)]


def test_can_reach_is_false_when_the_connection_fails(monkeypatch):
    def fail(address, timeout):
        raise OSError("no route to host")

    monkeypatch.delenv("KERAS_GANS_OFFLINE", raising=False)
    monkeypatch.setattr(socket, "create_connection", fail)
    assert online.can_reach() is False


def test_a_closed_loopback_port_is_unreachable(monkeypatch):
    monkeypatch.delenv("KERAS_GANS_OFFLINE", raising=False)
    with socket.socket() as s:  # a port that was free a moment ago: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert online.can_reach("127.0.0.1", port=port, timeout=1.0) is False


@pytest.mark.parametrize("probe", ["keras_gans.data.core", "keras_gans.data.translation",
                                   "keras_gans.metrics.extractors", "keras_gans.networks.vgg"])
def test_every_online_path_uses_the_one_probe(probe):
    import importlib

    assert importlib.import_module(probe).can_reach is online.can_reach


def test_zoo_downloads_share_the_offline_switch():
    from keras_gans.zoo import download

    assert download.offline is online.offline
