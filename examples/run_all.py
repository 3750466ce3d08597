"""Runs example scripts in one Python process (TensorFlow imported once), by default in --quick mode.

    python examples/run_all.py                        # every example, --quick
    python examples/run_all.py ch02_vae ch10_adversarial --out /tmp/ex
    python examples/run_all.py --full ch04_dcgan      # full mode (slow)

Exits non-zero if any example fails; prints one line per example with its wall time.
"""
import argparse
import importlib
import os
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))

#: Every example, in chapter order.
EXAMPLES = ("ch02_vae", "ch03_mlp_gan", "ch04_dcgan", "ch05_losses", "ch06_progan", "ch07_sgan", "ch08_cgan",
            "ch09_cyclegan", "ch09_pix2pix", "ch09_cogan", "ch10_adversarial", "ch11_augmentation",
            "style_transfer", "latent_tools",
            "sagan", "biggan", "acgan", "infogan")
EXAMPLES += ("srgan", "discogan", "stylegan2")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("names", nargs="*", help=f"examples to run (default: all): {', '.join(EXAMPLES)}")
    p.add_argument("--out", default=os.path.join("runs", "examples"))
    p.add_argument("--full", action="store_true", help="full mode instead of --quick")
    args = p.parse_args(argv)
    names = args.names or list(EXAMPLES)
    unknown = sorted(set(names) - set(EXAMPLES))
    if unknown:
        p.error(f"unknown examples {unknown}; choose from {', '.join(EXAMPLES)}")
    if HERE not in sys.path:
        sys.path.insert(0, HERE)
    failures = []
    for name in names:
        t0 = time.time()
        try:
            module = importlib.import_module(name)
            module.main(([] if args.full else ["--quick"]) + ["--out", os.path.join(args.out, name)])
            status = "ok"
        except Exception:  # noqa: BLE001 - report and continue with the next example
            traceback.print_exc()
            failures.append(name)
            status = "FAILED"
        print(f"== {name}: {status} ({time.time() - t0:.1f} s)", flush=True)
    if failures:
        print(f"failed: {', '.join(failures)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
