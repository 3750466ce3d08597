"""benchmarks/equal_cpu.py: a tiny equal-CPU run of dcgan and sagan writes its json and md; bad configs write nothing.

The run is shrunk with --set (16-image batches, latent 16, SAGAN width 8, 20 steps an epoch) and a 3-second
CPU budget per configuration: about 40 s of wall time in all, most of it tracing and the quick FIDs.
"""
import json
import os
import pathlib

import pytest
from helpers import load_script

ROOT = pathlib.Path(__file__).resolve().parents[2]
TINY = ["--cpu-budget", "3", "--n-samples", "200", "--eval-every", "1", "--set", "steps_per_epoch=20",
        "--set", "batch_size=16", "--set", "latent_dim=16", "--set", "sagan:width=8"]


@pytest.fixture(scope="module")
def equal_cpu():
    return load_script("benchmarks/equal_cpu.py", "equal_cpu_bench")  # imports only: training starts in main()


@pytest.mark.slow   # 30-43 s in the parallel fast suite (tracing, quick FIDs, emulated bfloat16 on AVX2 CPUs)
def test_a_tiny_run_writes_the_table_json_and_the_goal_line(equal_cpu, tmp_path, capsys):
    out = tmp_path / "bench"
    assert equal_cpu.main(["--configs", "dcgan,sagan", *TINY, "--out", str(out)]) == 0
    assert sorted(os.listdir(out)) == ["equal_cpu.json", "equal_cpu.md"]
    record = json.loads((out / "equal_cpu.json").read_text())
    assert {"command", "cpu_budget_s", "eval_every", "n_samples", "seed", "configs", "results", "sagan_goal",
            "protocol", "versions", "date", "loadavg_start", "loadavg_end"} <= set(record)
    assert record["configs"] == ["dcgan", "sagan"] and record["cpu_budget_s"] == 3.0
    assert record["protocol"]["n_fake"] == 200 and record["protocol"]["sample_seed"] == 0
    for name, r in record["results"].items():
        assert {"recipe", "flags", "given_flags", "steps", "epochs", "train_cpu_s", "wall_s", "best_quick_fid",
                "best_step", "final", "ratio", "curve"} <= set(r), name
        assert r["steps"] >= 1 and r["epochs"] >= 1 and r["train_cpu_s"] >= 3.0 and r["curve"]
        assert r["ema"] and r["final"]["fid"] > 0 and r["best_step"] in [c[1] for c in r["curve"]]
        assert all(c[2] <= r["train_cpu_s"] for c in r["curve"])  # the curve's CPU excludes the quick FIDs
        assert r["flags"]["batch_size"] == 16 and r["flags"]["latent_dim"] == 16
    dcgan, sagan = record["results"]["dcgan"], record["results"]["sagan"]
    assert dcgan["ratio"] == 1.0
    assert sagan["ratio"] == pytest.approx(sagan["final"]["fid"] / dcgan["final"]["fid"])
    # the preset's training command, plus the --set changes
    assert dcgan["given_flags"] == {"dataset": "mnist-5k", "update": "simultaneous", "precision": "bfloat16",
                                    "ema_decay": 0.999, "steps_per_epoch": 20, "batch_size": 16, "latent_dim": 16}
    assert sagan["flags"]["width"] == 8 and sagan["flags"]["precision"] == "bfloat16" and "width" not in dcgan["flags"]
    assert record["sagan_goal"] == {"sagan": {"ratio_to_dcgan": round(sagan["ratio"], 4),
                                              "met": sagan["ratio"] <= 0.9}}
    printed = capsys.readouterr().out
    md = (out / "equal_cpu.md").read_text()
    verdict = "met" if sagan["ratio"] <= 0.9 else "not met"
    for text in (printed, md):
        assert "| config | steps | epochs | train CPU s | train wall s |" in text
        assert f"| dcgan | {dcgan['steps']} | {dcgan['epochs']} | {dcgan['train_cpu_s']} |" in text
        assert f"SAGAN goal (≤ 0.9 × dcgan): {verdict} — sagan" in text
        assert "load average (1 / 5 / 15 min) at start" in text


@pytest.mark.parametrize("argv, message", [
    (["--configs", "dcgan,nosuch"], "unknown configuration(s) 'nosuch' in --configs; the configurations are: dcgan"),
    (["--configs", "dcgan", "--set", "width=8"], "no recipe of --configs (dcgan) has a flag width"),
    (["--configs", "dcgan", "--set", "sagan:width=8"], "'sagan' is not in --configs"),
    (["--configs", "sagan", "--set", "width=zero"], "configuration 'sagan': --width must be"),
    (["--configs", "sagan", "--set", "epochs=3"], "--set epochs: not settable here"),
])
def test_a_bad_config_stops_with_a_clear_message_and_writes_nothing(equal_cpu, tmp_path, argv, message):
    out = tmp_path / "bench"
    with pytest.raises(SystemExit) as err:
        equal_cpu.main([*argv, "--out", str(out)])
    assert isinstance(err.value.code, str) and err.value.code.startswith("equal_cpu.py: ")
    assert message in err.value.code, err.value.code
    assert not out.exists() and os.listdir(tmp_path) == []
