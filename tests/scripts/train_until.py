"""Runs `keras-gans ARGS...` but stops dead after training step STEP, to be killed with SIGKILL.

    python train_until.py STEP MARKER_FILE train dcgan ... --out OUT

After step STEP (counted over the whole run, 1-based) has finished and every callback of the
command has seen it, the process writes MARKER_FILE and sleeps; tests/callbacks/test_resume.py then sends
SIGKILL. The command itself is unchanged: the pause is a callback appended to `fit`'s list.
"""
import os
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def main():
    stop_at, marker, argv = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    import keras

    from keras_gans import cli
    from keras_gans.models.gan import GAN

    class Pause(keras.callbacks.Callback):
        steps = 0

        def on_train_batch_end(self, batch, logs=None):
            Pause.steps += 1
            if Pause.steps == stop_at:
                with open(marker, "w") as f:
                    f.write(str(os.getpid()))
                while True:
                    time.sleep(60)

    fit = GAN.fit

    def fit_then_pause(self, *args, callbacks=None, **kwargs):
        return fit(self, *args, callbacks=list(callbacks or []) + [Pause()], **kwargs)

    GAN.fit = fit_then_pause
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())
