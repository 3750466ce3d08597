#!/usr/bin/env bash
# The commands that produced the presets in keras_gans/presets/ (run from the repository root).
#
#   scripts/train_presets.sh                 # every preset, one after another
#   scripts/train_presets.sh dcgan_mnist     # only the named ones
#
# Each preset is trained with the package's own CLI (`keras-gans train`), timed, then
# published with `keras-gans zoo publish --eval`, which measures FID/KID/IS-MNIST (or a
# classifier's test accuracy) with keras_gans.metrics and writes keras_gans/presets/NAME/ (config.json,
# metadata.json with hashes, model.weights.h5, README.md card, samples.png).
# Runs go to runs/NAME/ (not committed). CPU only; times are wall-clock on a shared 2-core machine.
# At the end scripts/pin_presets.py pins every preset's files and regenerates the "Shipped presets" tables of
# keras_gans/presets/README.md from the cards (scripts/presets_readme.py); after a publish by hand, run it too.
set -euo pipefail
cd "$(dirname "$0")/.."
KG=${KG:-.venv/bin/keras-gans}
mkdir -p runs

train_and_publish() {  # NAME "TRAIN ARGS" PART "DESCRIPTION" ["NOTES"] [WEIGHTS_DTYPE]
  local name=$1 train_args=$2 part=$3 description=$4 notes=${5:-} dtype=${6:-float32}
  local cmd="keras-gans train $train_args --out runs/$name"
  echo "== $name: $cmd"
  local start end
  start=$(date +%s)
  # shellcheck disable=SC2086
  $KG train $train_args --out "runs/$name" --verbose 2
  end=$(date +%s)
  echo "$((end - start))" > "runs/$name/train_seconds.txt"
  publish "$name" "$cmd" "$part" "$description" "$notes" "$dtype"
}

publish() {  # NAME "TRAINING COMMAND" PART "DESCRIPTION" ["NOTES"] [WEIGHTS_DTYPE]  (alone: re-publish a run)
  local name=$1 cmd=$2 part=$3 description=$4 notes=${5:-} dtype=${6:-float32}
  $KG zoo publish "runs/$name/model.keras" "keras_gans/presets/$name" --overwrite --eval --part "$part" \
      --training-command "$cmd" --training-time "$(cat "runs/$name/train_seconds.txt")" \
      --description "$description" --weights-dtype "$dtype" ${notes:+--notes "$notes"}
}

publish_mnist_classifier() {  # the metric classifier of keras_gans.metrics (trained by its own script)
  .venv/bin/python - <<'PY'
import json
import numpy as np
import keras_gans as kg
from keras_gans.metrics.mnist import weights_path
record = json.load(open(weights_path().replace(".weights.h5", ".json")))
clf = kg.metrics.mnist_classifier()
x, y = kg.data.load_arrays("mnist-5k", "test")
acc = float((clf.predict(x.astype("float32") / 127.5 - 1.0, verbose=0).argmax(-1) == y).mean())
kg.zoo.publish(
    clf, "keras_gans/presets/mnist_classifier", name="mnist_classifier", dataset="mnist-5k",
    model_name="MNISTClassifier",
    description="The digit classifier behind FID/KID/IS-MNIST (keras_gans.metrics), as a preset",
    training_command="python scripts/train_mnist_classifier.py --epochs 40 --out DIR",
    seed=record["seed"], epochs=record["epochs"], training_time=record["train_seconds"], overwrite=True,
    metrics={"test_accuracy": {"value": acc, "protocol": "top-1 accuracy on the mnist-5k test split (500 images, "
                               "keras_gans.data.load_arrays('mnist-5k', 'test'), pixels / 127.5 - 1)"}},
    notes="Same weights as keras_gans/assets/mnist_classifier.weights.h5; see keras_gans/assets/MNIST_CLASSIFIER.md.")
print("mnist_classifier test accuracy", acc)
PY
}

publish_cgan_mnist() {  # CMD: FID/KID/IS-MNIST as `zoo publish --eval`, plus the label accuracy of a CGAN
  CMD=$1 .venv/bin/python - <<'PY'
import os
import keras_gans as kg
from keras_gans import metrics as kgm
from keras_gans.cli.common import load_gan
run = "runs/cgan_mnist"
from keras_gans.training.precision import model_in_policy
gan = load_gan(f"{run}/model.keras")
with model_in_policy(gan, "float32"):  # the preset loads in float32 by default: score what users get
    scores = kgm.evaluate_generator(gan, n_samples=4500, seed=0)   # labels 0..9 cycling: 450 per class
    labelled = kgm.evaluate_label_accuracy(gan, n_samples=1000, seed=0)   # what `keras-gans eval cgan_mnist` prints
protocol = kgm.format_protocol(scores["protocol"])
metrics = {
    "fid_mnist": {"value": scores["fid"], "protocol": "FID-MNIST (keras_gans.metrics.evaluate_generator, "
                  "CGAN.generate's labels 0..9 cycling): " + protocol},
    "label_accuracy": {"value": labelled["label_accuracy"], "worst_class": labelled["worst_class"],
                       "protocol": "fraction of 1,000 samples (100 per label, z seed 0, CGAN.generate(labels=...)) that "
                       "the shipped MNIST classifier (kg.metrics.mnist_classifier) reads as the requested label"},
}
for key in ("kid", "is"):
    if key in scores:
        metrics[f"{key}_mnist"] = {"value": scores[key], "std": float(scores[f"{key}_std"]),
                                   "protocol": f"{key.upper()}-MNIST: " + protocol}
from keras_gans.cli.zoo import _fid_curve_from_run
with open(f"{run}/history.csv") as f:
    epochs = sum(1 for line in f.read().splitlines()[1:] if line.strip())
steps = int(gan.g_optimizer.iterations.numpy())
kg.zoo.publish(
    gan, "keras_gans/presets/cgan_mnist", name="cgan_mnist", dataset="mnist-5k", training_command=os.environ["CMD"],
    description="Conditional GAN (book ch. 8): z and a digit label to a 28x28 digit of that class",
    seed=gan.seed, steps=steps, epochs=epochs, **_fid_curve_from_run(run, steps, epochs),
    training_time=float(open(f"{run}/train_seconds.txt").read()), metrics=metrics, overwrite=True,
    notes="Inputs: z (N, 100) ~ N(0, I) and int labels (N,) in [0, 9]. samples.png: one class per column "
          "(0-9). keras_gans.models.CGAN's defaults (book networks with unit-scale label embeddings, "
          "matching-aware D, Adam(2e-4, 0.5), batch 64) in bfloat16, sampled from the EMA generator (0.99).")
print({k: round(v["value"], 4) for k, v in metrics.items()}, "worst class", labelled["worst_class"])
PY
}

if [ $# -eq 0 ]; then
  set -- dcgan_mnist cgan_mnist wgan_gp_mnist sgan_mnist_100labels pix2pix_mnist_mnistm cogan_mnist cyclegan_mnist_mnistm \
    progan_mnist_32 acgan_mnist sagan_mnist biggan_mnist stylegan2_mnist_32 \
    infogan_mnist srgan_mnistm discogan_mnist_mnistm mnist_classifier
fi
for WANTED in "$@"; do
  case $WANTED in
    dcgan_mnist)
      train_and_publish dcgan_mnist \
        "dcgan --dataset mnist-5k --epochs 180 --update simultaneous --precision bfloat16 --ema-decay 0.999 --fid-every 10" \
        generator "DCGAN (book ch. 4 networks) on mnist-5k: simultaneous updates, bfloat16, EMA generator (0.999)" \
        "" float16 ;;  # float16 since srgan_mnistm and discogan_mnist_mnistm landed (the zoo under 60 MB); FID as stored
    cgan_mnist)  # trained like the others; published with its label accuracy next to FID-MNIST
      start=$(date +%s)
      $KG train cgan --dataset mnist-5k --epochs 60 --precision bfloat16 --ema-decay 0.99 --fid-every 10 \
        --out runs/cgan_mnist --verbose 2
      echo "$(($(date +%s) - start))" > runs/cgan_mnist/train_seconds.txt
      publish_cgan_mnist "keras-gans train cgan --dataset mnist-5k --epochs 60 --precision bfloat16 --ema-decay 0.99 --fid-every 10 --out runs/cgan_mnist" ;;
    wgan_gp_mnist)  # 2 critic steps per G step, Adam 2e-4 for both (the model's default: 5 and 1e-4), bf16, EMA 0.999
      train_and_publish wgan_gp_mnist "wgan_gp --dataset mnist-5k --epochs 240 --n-critic 2 --d-lr 2e-4 --g-lr 2e-4 --precision bfloat16 --ema-decay 0.999 --fid-every 10" generator \
        "WGAN-GP (Gulrajani et al. 2017) on mnist-5k: 2 critic steps per generator step, Adam 2e-4 (beta 0, 0.9) for both, bfloat16, EMA generator (0.999)" ;;
    sgan_mnist_100labels)
      train_and_publish sgan_mnist_100labels "sgan --dataset mnist-5k --epochs 60 --batch-size 32 --precision bfloat16" classifier \
        "Semi-supervised GAN classifier (book ch. 7 + Salimans et al. 2016) trained with 100 labels" ;;
    pix2pix_mnist_mnistm)
      train_and_publish pix2pix_mnist_mnistm "pix2pix --dataset mnist2mnistm-paired --epochs 16 --batch-size 16 --filters 32 --ema-decay 0.99" generator \
        "pix2pix (book ch. 9 companion): a 32x32 digit to its MNIST-M version (U-Net, PatchGAN; EMA generator, 0.99)" \
        "" float16 ;;  # 4.2 M parameters: float16 keeps the presets under 40 MB; --eval scores the rounded weights
    cogan_mnist)  # float32, EMA 0.999, --fid-every 5 (2026-12-06: FID 17.12 -> 15.62); seed 1 (the slow test in tests/models/test_cogan.py trains 15 float32 epochs with seed 0)
      start=$(date +%s)
      $KG train cogan --dataset mnist2negative-unpaired --latent-dim 64 --epochs 100 --batch-size 64 --seed 1 --ema-decay 0.999 \
        --fid-every 5 --out runs/cogan_mnist --verbose 2
      echo "$(($(date +%s) - start))" > runs/cogan_mnist/train_seconds.txt
      $KG zoo publish runs/cogan_mnist/model.keras keras_gans/presets/cogan_mnist --overwrite --eval --part generator \
        --training-command "keras-gans train cogan --dataset mnist2negative-unpaired --latent-dim 64 --epochs 100 --batch-size 64 --seed 1 --ema-decay 0.999 --fid-every 5 --out runs/cogan_mnist" \
        --training-time "$(cat runs/cogan_mnist/train_seconds.txt)" \
        --description "CoGAN (Liu & Tuzel 2016): one z to the same digit as a plain and a negative 28x28 image (pairs side by side)" \
        --notes "The stored generator is CoGAN.pair_generator() of the EMA generators (decay 0.999): z (N, 64) -> (N, 28, 56, 1), domain A (white digit on black) in [:, :, :28], domain B (its negative) in [:, :, 28:]. fid/kid/is_mnist_a score domain A alone. Trained in float32 on a 2-core AMD EPYC (AVX2, no native bfloat16); the first ~15 minutes shared the cores with test runs." ;;
    cyclegan_mnist_mnistm)  # the whole CycleGAN (both generators: A->B and B->A); --eval scores both directions
      train_and_publish cyclegan_mnist_mnistm "cyclegan --dataset mnist2mnistm-unpaired --epochs 20 --batch-size 8 --filters 32 --lambda-cycle-b 0 --d-downsampling 3" gan \
        "CycleGAN (book ch. 9): unpaired 32x32 digits <-> MNIST-M, both directions (ResNet generators, PatchGAN)" \
        "" float16 ;;  # 3.9 M parameters
    progan_mnist_32)  # MNIST_32_RECIPE (keras_gans/recipes/progan.py) with --epochs 44: 4 -> 32 px, the last phase 22 passes longer; bf16, EMA generator
      train_and_publish progan_mnist_32 \
        "progan --dataset mnist-5k --target-resolution 32 --epochs 44 --batch-size 32 --latent-dim 64 --precision bfloat16 --fid-every 4" generator \
        "ProGAN (Karras et al. 2018, book ch. 6): progressive growing 4 -> 32 px on mnist-5k, bfloat16, EMA generator" \
        "z (N, 64) ~ N(0, I) -> (N, 32, 32, 1) in [-1, 1]: mnist-5k digits resized to 32x32. MNIST_32_RECIPE's phases with --epochs 44: the last phase (stable at 32x32) gets the 22 extra passes. Steps count every phase (4 stable; 8, 16, 32 transition and stable) at batch 32; the optimizers restart at each phase, as in the paper." ;;
    acgan_mnist)  # issue 24: D with a real/fake head and a class head; --eval adds label accuracy (cgan_mnist's protocol)
      train_and_publish acgan_mnist "acgan --dataset mnist-5k --epochs 90 --precision bfloat16 --ema-decay 0.99 --fid-every 10 --conditioning one_hot --d-lr 4e-4 --g-lr 4e-4" \
        generator "AC-GAN (Odena et al. 2017) on mnist-5k: D with real/fake and class heads, one-hot labels, Adam 4e-4, bfloat16, EMA generator (0.99)" \
        "Trained as 60 epochs (322 s wall), then the same command with --epochs 90 continued the run exactly from its backup (177 s wall); training time is the sum, on the 2-core CPU at load about 1-2. One-hot labels and Adam at 4e-4 for D and G (twice the default) replaced the embedding and 2e-4 of the earlier preset (60 epochs: FID-MNIST 6.43, label accuracy 0.891)." \
        float16 ;;  # with biggan_mnist, float16 keeps the zoo under 60 MB
    sagan_mnist)  # issue 24: hinge loss, spectral norm in G and D, self-attention at 14x14; the preset: Adam 4e-4 for G too (the model's TTUR default is G 1e-4)
      train_and_publish sagan_mnist "sagan --dataset mnist-5k --epochs 120 --precision bfloat16 --ema-decay 0.99 --g-lr 4e-4 --fid-every 5" generator \
        "SAGAN (Zhang et al. 2019), small, on mnist-5k: hinge loss, spectral norm, self-attention, Adam 4e-4 for D and G, bfloat16, EMA generator (0.99)" \
        "" float16 ;;  # 1.8 M parameters
    biggan_mnist)  # issue 24: class-conditional BN from a shared embedding, hierarchical z, projection D, SN, orthogonal reg.; --eval adds label accuracy
      train_and_publish biggan_mnist "biggan --dataset mnist-5k --epochs 20 --precision bfloat16 --ema-decay 0.99 --d-lr 4e-4 --g-lr 4e-4 --fid-every 5" generator \
        "BigGAN (Brock et al. 2019), small, on mnist-5k: class-conditional BN from a shared embedding, hierarchical z, projection D, spectral norm, orthogonal regularisation, hinge loss, bfloat16, EMA generator (0.99)" \
        "Inputs: z (N, 120) ~ N(0, I) and int labels (N,) in [0, 9]; generate(truncation=...) draws truncated z. Adam 4e-4 for G and D (β 0, 0.9; the model's default TTUR is 1e-4 / 4e-4): with the default, 10 epochs in float32 gave label accuracy 0.278." \
        float16 ;;
    stylegan2_mnist_32)  # issue 24: mapping network, modulated convolutions, noise, style mixing, lazy R1 (gamma 10: the recipe's default), EMA generator
      train_and_publish stylegan2_mnist_32 "stylegan2 --dataset mnist-5k --epochs 40 --r1-gamma 10 --fid-every 5" generator \
        "StyleGAN2 (Karras et al. 2020), small, on mnist-5k at 32x32: mapping network, modulated convolutions with noise, style mixing, lazy R1 (gamma 10), EMA generator (0.999)" \
        "z (N, 64) ~ N(0, I) -> (N, 32, 32, 1) in [-1, 1]: mnist-5k digits resized to 32x32; FID-MNIST resizes the samples to 28x28 (the progan_mnist_32 protocol). generate(truncation_psi=...) truncates towards the stored w_avg." ;;
    infogan_mnist)  # issue 24: 10-way categorical + 2 continuous codes, no labels; --eval adds the code->digit accuracy
      train_and_publish infogan_mnist "infogan --dataset mnist-5k --epochs 60 --precision bfloat16 --ema-decay 0.99 --fid-every 10" generator \
        "InfoGAN (Chen et al. 2016) on mnist-5k without labels: a 10-way categorical and 2 continuous codes, EMA generator (0.99)" \
        "" float16 ;;  # 6.7 M parameters (a 1024 -> 6272 dense layer): float16 keeps the zoo under 60 MB
    srgan_mnistm)  # issue 24: SRResNet pre-training (pixel MSE, 30 epochs), then 10 GAN epochs from it; --eval: PSNR and digit accuracy vs bicubic
      start=$(date +%s)
      $KG train srgan --phase srresnet --epochs 30 --out runs/srresnet_mnistm --verbose 2
      $KG train srgan --init runs/srresnet_mnistm/model.keras --epochs 10 --out runs/srgan_mnistm --verbose 2
      echo "$(($(date +%s) - start))" > runs/srgan_mnistm/train_seconds.txt
      $KG zoo publish runs/srgan_mnistm/model.keras keras_gans/presets/srgan_mnistm --overwrite --eval --part generator \
        --training-command "keras-gans train srgan --phase srresnet --epochs 30 --out runs/srresnet_mnistm && keras-gans train srgan --init runs/srresnet_mnistm/model.keras --epochs 10 --out runs/srgan_mnistm" \
        --training-time "$(cat runs/srgan_mnistm/train_seconds.txt)" \
        --description "SRGAN (Ledig et al. 2017), small: 8x8 MNIST-M digits to 32x32 (x4), SRResNet pre-trained 30 epochs on the pixel MSE, then 10 GAN epochs" \
        --notes "Input: low-resolution images (N, 8, 8, 3) in [-1, 1] (bicubic, antialiased downscalings of 32x32 MNIST-M); output (N, 32, 32, 3) in [-1, 1]. Content loss: pixel MSE (SRGAN-MSE; offline, no VGG19), adversarial weight 1e-3, 8 residual blocks of 32 filters. The SRResNet alone (runs/srresnet_mnistm) scored PSNR +2.11 dB over bicubic and digit accuracy 0.496 (bicubic 0.100); the GAN phase trades PSNR (+1.10 dB) for digits the classifier reads (0.786). Training time: 132 + 360 s SRResNet, 285 s GAN." ;;
    discogan_mnist_mnistm)  # issue 24: both generators; --eval scores both directions (cyclegan_mnist_mnistm's protocol)
      train_and_publish discogan_mnist_mnistm "discogan --dataset mnist2mnistm-unpaired --epochs 20" gan \
        "DiscoGAN (Kim et al. 2017), small: unpaired 32x32 digits <-> MNIST-M, both directions (encoder-decoder generators, whole-image discriminators, no identity loss)" \
        "The recipe's defaults: 16 filters, depth 2 (an 8x8 code), L1 reconstruction weighted 10, batch 8, 20 epochs (5,620 steps); three of these differ from the paper (depth 4 at 64 px, MSE weighted 1), measured in docs/tutorials/discogan.md. Label preservation misses issue 24's 85 % goal A->B (0.756) and B->A (0.808)." ;;
    mnist_classifier)
      publish_mnist_classifier ;;
    *)
      echo "unknown preset $WANTED" >&2; exit 2 ;;
  esac
done
.venv/bin/python scripts/pin_presets.py  # the package pins every file of every preset (keras_gans/zoo/builtin_hashes.json)
