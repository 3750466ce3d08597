import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_GANS_OFFLINE", "1")
if os.environ.get("PYTEST_XDIST_WORKER"):
    # `make test` runs one xdist worker per core; TensorFlow's default of one intra-op thread per core in each
    # worker oversubscribes the cores (two workers x two threads on two cores). One intra-op thread per worker;
    # inter-op threads stay at the default, which the two-device tf.distribute tests need.
    os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest

#: Test files that take minutes, run first: `pytest -n 2 --dist loadfile` hands each file whole to one worker in
#: collection order, so a long file collected late (tests/test_seeded_runs.py, about 180 s, was the 70th of 89)
#: ran while the other worker had nothing left to do.
RUN_FIRST = ("tests/test_seeded_runs.py",)


def pytest_collection_modifyitems(config, items):
    """Puts the items of :data:`RUN_FIRST` before the others (a stable sort: each group keeps its collected order)."""
    items.sort(key=lambda item: item.nodeid.split("::")[0] not in RUN_FIRST)


# pytest puts tests/ on sys.path for this conftest, so every test folder can `from helpers import ...`
from helpers import tiny_networks


@pytest.fixture
def tiny_gan():
    import keras

    import keras_gans as kg

    keras.utils.set_random_seed(1)
    g, d = tiny_networks()
    gan = kg.models.DCGAN(generator=g, discriminator=d, latent_dim=8, seed=1)
    gan.compile()
    return gan


@pytest.fixture(scope="module")
def gan():
    """A compiled 8×8 DCGAN (latent_dim 4), one per test module; files that need another define their own."""
    import keras

    import keras_gans as kg

    keras.utils.set_random_seed(0)
    model = kg.models.DCGAN(image_shape=(8, 8, 1), latent_dim=4)
    model.compile()
    return model


@pytest.fixture(scope="session")
def small_ds():
    """256 real mnist-5k digits in batches of 32 (8 steps per epoch)."""
    import keras_gans as kg

    x, y = kg.data.load_arrays("mnist-5k", "train")
    return kg.data.make_pipeline((x[:256], y[:256]), 32, seed=0)
