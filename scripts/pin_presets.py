"""Rewrites keras_gans/zoo/builtin_hashes.json from the preset folders in keras_gans/presets/ (run after
re-publishing).

    python scripts/pin_presets.py          # from the repository root

Every file of every preset folder (metadata.json included) is pinned; `kg.zoo.load` refuses a
built-in preset whose files differ in any way (tests/zoo/test_cache_integrity.py checks the pins
match keras_gans/presets/). It then regenerates the "Shipped presets" tables of keras_gans/presets/README.md from
the cards (scripts/presets_readme.py; tests/zoo/test_presets_readme.py fails when they are stale).
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(1, os.path.join(ROOT, "scripts"))

import presets_readme  # noqa: E402
from keras_gans.zoo.registry import BUILTIN_DIR, PINS_FILE, pin_folder  # noqa: E402


def main():
    zoo = BUILTIN_DIR
    pins = {name: pin_folder(os.path.join(zoo, name)) for name in sorted(os.listdir(zoo))
            if os.path.isfile(os.path.join(zoo, name, "metadata.json"))}
    with open(PINS_FILE, "w") as f:
        json.dump(pins, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"pinned {len(pins)} presets in {os.path.relpath(PINS_FILE, ROOT)}")
    if presets_readme.main([]):  # the README's presets tables follow the cards
        sys.exit("scripts/presets_readme.py failed: keras_gans/presets/README.md not regenerated")


if __name__ == "__main__":
    main()
