# Everything runs in a local virtualenv (.venv) that these targets create on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test test-slow bench clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,docs]'
	touch $(STAMP)

## demo: install, then train a conditional DCGAN (CGAN, book ch. 8) on the embedded MNIST subset for 8 epochs
## (--precision auto: bfloat16 where the CPU has AVX-512 BF16 or AMX, else float32; EMA generator, one-hot labels,
## Adam at 4e-4 for D and G), print its FID-MNIST and label accuracy, and say where the pictures are (each grid
## cycles the digits 0-9). Measured alone on 2 cores, 2026-12-06, on an AMD EPYC with AVX2 only (auto -> float32,
## load 1.0 -> 2.2): the whole `make demo` 167 s, FID-MNIST 8.10, label accuracy 0.961 (worst class 0.86).
## 12 epochs there (float32) gave FID 1.99 and 0.990 but its training and eval took 250 s; with bfloat16 (emulated on AVX2) about 7x
## longer. On the Intel VM with AVX-512 BF16 (2026-12-05), 12 bfloat16 epochs took 126 s: FID 2.26, 0.986.
DEMO_EPOCHS ?= 8
demo: $(STAMP)
	mkdir -p runs
	$(BIN)/keras-gans train cgan --dataset mnist-5k --epochs $(DEMO_EPOCHS) --batch-size 64 --precision auto \
	    --ema-decay 0.99 --conditioning one_hot --d-lr 4e-4 --g-lr 4e-4 --out runs/demo --overwrite
	$(BIN)/keras-gans eval runs/demo/model.keras --metric fid
	@echo "Samples: runs/demo/samples.png  Loss curves: runs/demo/samples/losses.png"

## test: install, then check the import layers (setup.cfg) and run the fast test suite on 2 processes
## (pytest-xdist; every test runs in its own tmp_path; --dist loadfile keeps a file's tests on one worker, so a
## module fixture such as the seeded runs' subprocess runs once: 526 s against 612 s for --dist loadgroup, alone
## on the 2-core machine, 2026-12-05)
test: $(STAMP)
	$(BIN)/lint-imports --no-cache --no-logo
	$(BIN)/python -m pytest -q -n 2 --dist loadfile -m "not slow"

## test-slow: the training-quality tests (minutes each)
test-slow: $(STAMP)
	$(BIN)/python -m pytest -q -m slow

## bench: throughput benchmarks against a reference measured in the same run
bench: $(STAMP)
	$(BIN)/python benchmarks/train_throughput.py

clean:
	rm -rf $(VENV) runs build *.egg-info
