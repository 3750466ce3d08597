"""MkDocs hook: render doctest-style lines (`>>> ...`) as Python code blocks, in pages and docstrings.

Many docstrings of the package show a runnable example as bare `>>>` lines outside a Google-style
"Examples:" section; Markdown would otherwise read them as a quote and `[...]` outputs as links.
The extension is appended to the site's Markdown extensions in `on_config`, so mkdocstrings (which
shares that list) applies it to the API reference too.
"""
import re

from markdown import Extension
from markdown.preprocessors import Preprocessor

_FENCE = re.compile(r"^\s*(```|~~~)")
_PROMPT = re.compile(r"^(\s*)>>> ?")


class _DoctestFence(Preprocessor):
    def run(self, lines):
        out, in_fence, i = [], False, 0
        while i < len(lines):
            line = lines[i]
            if _FENCE.match(line):
                in_fence = not in_fence
                out.append(line)
                i += 1
                continue
            match = None if in_fence else _PROMPT.match(line)
            if not match:
                out.append(line)
                i += 1
                continue
            indent = match.group(1)
            block = []
            while i < len(lines) and lines[i].strip() and not _FENCE.match(lines[i]):
                block.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i].lstrip())
                i += 1
            if out and out[-1].strip():
                out.append("")
            out.extend([indent + "```pycon"] + [indent + b for b in block] + [indent + "```", ""])
        return out


class DoctestFenceExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 (Markdown API)
        md.preprocessors.register(_DoctestFence(md), "doctest_fence", 40)


def on_config(config, **kwargs):
    config.markdown_extensions.append(DoctestFenceExtension())
    return config


# ----------------------------------------------------------------------------------------------
# The zoo: every preset folder under keras_gans/presets/ gets a page (its model card) and a row on docs/zoo.md.
# ----------------------------------------------------------------------------------------------
import glob  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402

ZOO_MARKER = "<!-- ZOO_PRESETS -->"


def _zoo_dir(config):
    return os.path.join(os.path.dirname(config.config_file_path), "keras_gans", "presets")


def _presets(config):
    presets = []
    for meta_path in sorted(glob.glob(os.path.join(_zoo_dir(config), "*", "metadata.json"))):
        folder = os.path.dirname(meta_path)
        with open(meta_path) as f:
            meta = json.load(f)
        presets.append((os.path.basename(folder), folder, meta))
    return presets


def on_files(files, config, **kwargs):
    from mkdocs.structure.files import File

    for name, folder, _ in _presets(config):
        card = os.path.join(folder, "README.md")
        if os.path.exists(card):
            with open(card) as f:
                files.append(File.generated(config, f"zoo/{name}/index.md", content=f.read()))
        for image in sorted(glob.glob(os.path.join(folder, "*.png"))):
            files.append(File.generated(config, f"zoo/{name}/{os.path.basename(image)}", abs_src_path=image))
    return files


def _fmt(value):
    if isinstance(value, dict):
        value = value.get("value")
    if isinstance(value, float):
        return f"{value:.4g}"
    return "" if value is None else str(value)


def on_page_markdown(markdown, page, config, **kwargs):
    if page.file.src_uri != "zoo.md" or ZOO_MARKER not in markdown:
        return markdown
    rows = ["| Preset | Model | Dataset | Resolution | Parameters | Metrics (protocol on the card) | Trained with |",
            "|---|---|---|---|---|---|---|"]
    for name, folder, meta in _presets(config):
        metrics = ", ".join(f"{k} {_fmt(v)}" for k, v in (meta.get("metrics") or {}).items())
        resolution = "×".join(str(d) for d in meta.get("resolution") or [])
        params = meta.get("parameter_count")
        link = f"[`{name}`](zoo/{name}/index.md)" if os.path.exists(os.path.join(folder, "README.md")) else f"`{name}`"
        command = meta.get("training_command") or ""
        rows.append(f"| {link} | `{meta.get('model', '')}` | {meta.get('dataset', '')} | {resolution} | "
                    f"{params:,} | {metrics} | `{command}` |" if isinstance(params, int) else
                    f"| {link} | `{meta.get('model', '')}` | {meta.get('dataset', '')} | {resolution} | | {metrics} | `{command}` |")
    if len(rows) == 2:
        rows.append("| (no presets found in keras_gans/presets/) | | | | | | |")
    return markdown.replace(ZOO_MARKER, "\n".join(rows))
