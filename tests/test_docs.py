"""The documentation site: `mkdocs build --strict` passes, pages and pictures are in place."""
import importlib.util
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(ROOT, "docs")

_MISSING = [m for m in ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python")
            if importlib.util.find_spec(m.split(".")[0]) is None
            or (m == "mkdocstrings_handlers.python" and importlib.util.find_spec(m) is None)]


def _nav_pages():
    with open(os.path.join(ROOT, "mkdocs.yml")) as f:
        return re.findall(r":\s*([\w./-]+\.md)\s*$", f.read(), flags=re.M)


def test_every_nav_page_exists_and_every_page_is_in_the_nav():
    nav = _nav_pages()
    assert {"index.md", "getting-started.md", "zoo.md", "metrics.md", "serving.md", "distributed.md",
            "bad_inputs.md", "migration.md"} <= set(nav)
    for page in nav:
        assert os.path.exists(os.path.join(DOCS, page)), page
    pages = {os.path.relpath(os.path.join(d, f), DOCS) for d, _, fs in os.walk(DOCS) for f in fs if f.endswith(".md")}
    assert pages - set(nav) <= {"images/README.md"}, pages - set(nav)


def test_images_are_small_and_referenced():
    images_dir = os.path.join(DOCS, "images")
    total = 0
    text = "".join(open(os.path.join(d, f)).read() for d, _, fs in os.walk(DOCS) for f in fs if f.endswith(".md"))
    for name in os.listdir(images_dir):
        if name.endswith(".png") or name.endswith(".gif"):
            size = os.path.getsize(os.path.join(images_dir, name))
            total += size
            assert size < 300_000, f"{name} is {size} bytes; keep docs images small"
    assert total < 2_000_000


def _presets_with_cards():
    zoo_dir = os.path.join(ROOT, "keras_gans", "presets")
    if not os.path.isdir(zoo_dir):
        return []
    return sorted(d for d in os.listdir(zoo_dir)
                  if os.path.exists(os.path.join(zoo_dir, d, "metadata.json"))
                  and os.path.exists(os.path.join(zoo_dir, d, "README.md")))


def test_zoo_page_has_the_generated_table_marker():
    with open(os.path.join(DOCS, "zoo.md")) as f:
        assert "<!-- ZOO_PRESETS -->" in f.read()  # docs/hooks.py fills it from keras_gans/presets/*/metadata.json


def test_readme_commands_are_in_getting_started():
    with open(os.path.join(ROOT, "README.md")) as f:
        readme = f.read()
    commands = re.findall(r"^(make \w+)", readme, flags=re.M)[:2]
    assert commands == ["make demo", "make test"]
    with open(os.path.join(DOCS, "getting-started.md")) as f:
        page = f.read()
    for command in commands:
        assert command in page


@pytest.mark.skipif(bool(_MISSING), reason=f"docs tools not installed ({', '.join(_MISSING)}): pip install -e '.[docs]'")
def test_mkdocs_build_strict(tmp_path):
    site = tmp_path / "site"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    for page in ("index.html", "tutorials/latent/index.html", "api/latent/index.html", "serving/index.html",
                 "migration/index.html", "distributed/index.html"):
        assert (site / page).exists(), page
    api = (site / "api" / "latent" / "index.html").read_text()
    for name in ("slerp", "interpolation_gif", "truncated_latent", "vector_arithmetic", "invert", "edit"):
        assert f'id="keras_gans.latent.{name}"' in api, name
    zoo_page = (site / "zoo" / "index.html").read_text()
    assert "ZOO_PRESETS" not in zoo_page
    for preset in _presets_with_cards():  # every preset's model card is a page, linked from the zoo page
        assert (site / "zoo" / preset / "index.html").exists(), preset
        assert f'href="{preset}/"' in zoo_page, preset
    models = (site / "api" / "models" / "index.html").read_text()
    assert 'id="keras_gans.models.VAE"' in models and 'id="keras_gans.models.DCGAN"' in models
