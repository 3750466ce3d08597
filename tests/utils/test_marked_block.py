"""keras_gans.utils.write_marked_block: the docs-table writer of benchmarks/zoo_metrics.py, benchmarks/quality.py and
scripts/presets_readme.py; replace_marked_block, its pure part (the new text, nothing written)."""
import os

import pytest

from keras_gans.utils import replace_marked_block, write_marked_block

S, E = "<!-- t:start -->", "<!-- t:end -->"


def test_replaces_only_the_block_and_keeps_the_rest_byte_identical(tmp_path):
    path = tmp_path / "page.md"
    path.write_bytes(f"head\r\n{S}\nold\n{E}\r\ntail".encode())
    write_marked_block(str(path), S, E, "new\n\n")
    assert path.read_bytes() == f"head\r\n{S}\nnew\n{E}\r\ntail".encode()
    assert os.listdir(tmp_path) == ["page.md"]  # no temporary file left


def test_appends_a_block_only_when_asked(tmp_path):
    path = tmp_path / "page.md"
    path.write_text("text")
    with pytest.raises(ValueError, match="0 <!-- t:start --> and 0 <!-- t:end -->.*Nothing written"):
        write_marked_block(str(path), S, E, "x")
    assert path.read_text() == "text"
    write_marked_block(str(path), S, E, "x", append=True)
    assert path.read_text() == f"text\n\n{S}\nx\n{E}\n"


@pytest.mark.parametrize("doc", [f"{S}\n{S}\n{E}\n", f"{E}\n{S}\n", f"{S} only\n"])
def test_broken_markers_raise_and_write_nothing(tmp_path, doc):
    path = tmp_path / "page.md"
    path.write_text(doc)
    with pytest.raises(ValueError, match="expected one of each, in order"):
        write_marked_block(str(path), S, E, "x", append=True)
    assert path.read_text() == doc


def test_replace_marked_block_is_the_text_write_marked_block_writes(tmp_path):
    doc = f"head\r\n{S}\nold\n{E}\r\ntail"
    assert replace_marked_block(doc, S, E, "new\n\n") == f"head\r\n{S}\nnew\n{E}\r\ntail"
    assert replace_marked_block("text", S, E, "x", append=True) == f"text\n\n{S}\nx\n{E}\n"
    with pytest.raises(ValueError, match=r"^page\.md has 2 <!-- t:start --> and 1 <!-- t:end -->"):
        replace_marked_block(f"{S}\n{S}\n{E}\n", S, E, "x", name="page.md")
