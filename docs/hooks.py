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
