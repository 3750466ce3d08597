"""Is the network there? The one probe behind every online path of the package.

TFDS downloads (`kg.data`), ImageNet weights (VGG19 for style transfer, InceptionV3 for FID)
and remote presets (`kg.zoo`) ask here before they try, so that an offline machine fails at
once with a clear message instead of retrying DNS for minutes. Setting the environment
variable `KERAS_GANS_OFFLINE` (to any non-empty value) declares the machine offline without
probing: the build and test machines do.

>>> import os
>>> from keras_gans.utils.online import can_reach, offline
>>> os.environ["KERAS_GANS_OFFLINE"] = "1"
>>> offline(), can_reach("storage.googleapis.com")
(True, False)
"""
import os
import socket

#: The environment variable that declares the machine offline.
OFFLINE_ENV = "KERAS_GANS_OFFLINE"
#: The host probed by default: Keras weights and TFDS archives are served from it.
DEFAULT_HOST = "storage.googleapis.com"


def offline():
    """True when `$KERAS_GANS_OFFLINE` is set (non-empty): nothing remote should be tried."""
    return bool(os.environ.get(OFFLINE_ENV))


def can_reach(host=DEFAULT_HOST, port=443, timeout=3.0):
    """True when a TCP connection to `host:port` opens within `timeout` seconds.

    Always False, without touching the network, when :func:`offline` is True.
    """
    if offline():
        return False
    try:
        socket.create_connection((host, port), timeout=timeout).close()
        return True
    except OSError:
        return False
