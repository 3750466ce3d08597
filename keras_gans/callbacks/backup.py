"""Exact resume: a backup that restarts a killed run at the step it reached, with the same batches after it.

:class:`ExactBackupAndRestore` is what `keras-gans train` uses (`--save-freq N` backs up every N steps).
"""
import contextlib
import glob
import json
import os
import shutil
import warnings

import keras


@keras.saving.register_keras_serializable(package="keras_gans")
class ExactBackupAndRestore(keras.callbacks.BackupAndRestore):
    """`keras.callbacks.BackupAndRestore` that resumes *exactly*, also from the middle of an epoch.

    Keras' callback (3.15) writes mid-epoch backups (`save_freq=N` steps) but restarts the
    interrupted epoch from its first batch, so batches are trained twice; after one resume its
    mid-epoch backups record epoch 0; and the weights file and the metadata are written one after
    the other, so a kill between the two pairs weights with the wrong position. This callback:

    - writes the weights to a new file, then the metadata naming it (each atomically, by rename),
      then deletes older weights: at any kill, the metadata points at complete weights of its step;
    - on restart, restores the weights (networks, both optimizers, the latent `SeedGenerator`),
      starts at the saved epoch and has the model pass over the batches of that epoch already
      trained (:meth:`keras_gans.models.GAN.skip_batches`), so every later step sees the batch it
      would have seen (a model without that hook restarts the epoch from its first batch, as
      Keras' callback does, with a warning);
    - given `dataset=` (the one passed to `fit`), advances its reshuffling seed past the iterators
      `fit` made in the finished epochs (two per epoch in Keras 3.15, see `_iterators_per_epoch`),
      so a `shuffle(..., reshuffle_each_iteration=True)` pipeline yields the same order in each
      epoch as in an uninterrupted run.

    A model whose networks change between `fit` calls of one run (ProGAN grows them: one `fit` per
    phase) names its current stage in a `backup_stage` attribute, a dict whose `"index"` only grows
    during a run (:attr:`keras_gans.models.ProGAN.backup_stage`). The backup records it; a `fit` of a
    model at a later stage does not restore it (that run has moved on: its first backup replaces it),
    and a model at an earlier stage gets a `ValueError` (bring it to the backup's stage first, as
    :meth:`ProGAN.fit_schedule <keras_gans.models.ProGAN.fit_schedule>` does, which also keeps the
    backup from one phase's `fit` to the next, see :meth:`spanning_fits`).

    With `keras.utils.set_random_seed(s)` and `tf.config.experimental.enable_op_determinism()`
    a run killed at any point (even with SIGKILL) and restarted with the same command ends with
    the weights of an uninterrupted run. Exactness assumes that an epoch is one pass over the
    dataset (no `steps_per_epoch` shorter than the data; within :meth:`spanning_fits`, a stream
    over all of `fit`'s epochs instead) and one device; the epoch's logged means after a mid-epoch
    resume cover the steps trained since the restart.

    Args:
        backup_dir: folder of the backup (created; deleted after a finished run unless
            `delete_checkpoint=False`, in which case it then holds the state at the end of the
            last epoch, so a later `fit` with more `epochs` continues from there: `keras-gans train`
            keeps it).
        save_freq: `"epoch"` or a number of training steps between backups.
        dataset: the training dataset, to replay its reshuffling on restore (optional).
        delete_checkpoint: delete the backup when training finishes.

    Example:

    >>> ds = kg.data.load("mnist-5k", batch_size=64)
    >>> gan.fit(ds, epochs=20, callbacks=[kg.callbacks.ExactBackupAndRestore("runs/b", save_freq=50, dataset=ds)])
    """

    METADATA = "training_metadata.json"

    def __init__(self, backup_dir, save_freq="epoch", dataset=None, delete_checkpoint=True):
        if save_freq != "epoch" and (not isinstance(save_freq, int) or isinstance(save_freq, bool) or save_freq < 1):
            raise ValueError(f"save_freq must be 'epoch' or a positive number of steps; got {save_freq!r}.")
        super().__init__(backup_dir, save_freq=save_freq, delete_checkpoint=delete_checkpoint)
        self.dataset = dataset
        self._epoch = 0
        self._steps_in_epoch = 0
        self._global_step = 0
        self._last_saved = None
        self._spanning = False

    def get_config(self):
        return {"backup_dir": self.backup_dir, "save_freq": self.save_freq, "delete_checkpoint": self.delete_checkpoint}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    # ------------------------------------------------------------------ restore
    def _metadata_path(self):
        return os.path.join(self.backup_dir, self.METADATA)

    def saved_position(self):
        """The metadata of the backup in `backup_dir`, or None when there is none.

        A dict with the `"epoch"` it resumes at, the `"batch"` of that epoch trained before it, the
        `"step"` of the `fit` it was written in, the `"weights"` file, and the model's `"stage"` when
        the model has a `backup_stage`. A `keras.callbacks.BackupAndRestore` backup reads as one at
        the start of its epoch, with no stage.
        """
        return self._read_metadata(announce=False)

    def _read_metadata(self, announce):
        path = self._metadata_path()
        if not os.path.exists(path):
            return None
        with open(path) as f:
            meta = json.load(f)
        return meta if "weights" in meta else self._keras_backup(meta, announce=announce)

    @contextlib.contextmanager
    def spanning_fits(self):
        """Within this block the backup belongs to a run made of several `fit` calls on one model.

        For a driver that trains in several `fit` calls and positions the data itself
        (:meth:`ProGAN.fit_schedule <keras_gans.models.ProGAN.fit_schedule>`: one `fit` per phase, each on
        a stream it makes from the dataset): the end of a `fit` keeps the backup, so that a run killed
        between two of them still resumes; with `delete_checkpoint` it is deleted when the block ends
        without an error. Each `fit` is given a new stream (an infinite dataset with `steps_per_epoch`, one
        iterator over all its epochs), so a restore takes the batches of the epochs before the backup's from it
        again, besides those of its epoch (:meth:`~keras_gans.models.GAN.skip_batches`), and leaves `dataset`
        alone (it is not what `fit` iterates).
        """
        self._spanning = True
        try:
            yield self
        finally:
            self._spanning = False
        if self.delete_checkpoint and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)

    def on_train_begin(self, logs=None):
        self._epoch, self._steps_in_epoch, self._global_step = 0, 0, 0
        self._last_saved = None
        if hasattr(self.model, "skip_batches"):
            self.model.skip_batches(0)  # nothing left over from an earlier, interrupted resume
        if self._spanning:  # Keras' fit keeps a restored epoch on the model after it ends: not for the next fit's
            self.model._initial_epoch = None
        meta = self._read_metadata(announce=True)
        if meta is None or self._superseded(meta):
            return
        weights = os.path.join(self.backup_dir, meta["weights"])
        if not os.path.exists(weights):
            raise FileNotFoundError(f"The backup in {self.backup_dir!r} names {meta['weights']!r}, which is "
                                    "missing; delete the folder to start over.")
        self.model.load_weights(weights)
        self._epoch, batch, step = int(meta["epoch"]), int(meta["batch"]), int(meta.get("step", 0))
        # spanning fits: fit's data is a new stream, one iterator over all its epochs; their batches are drawn again
        earlier = self._epoch * int((self.params or {}).get("steps") or 0) if self._spanning else 0
        if batch and not hasattr(self.model, "skip_batches"):
            warnings.warn(f"{type(self.model).__name__} has no skip_batches() hook (a keras_gans GAN has): "
                          f"epoch {self._epoch + 1} restarts from its first batch, so its first {batch} "
                          "batches are trained twice.", stacklevel=2)
            batch, step = 0, step - batch
        elif (batch or earlier) and hasattr(self.model, "skip_batches"):
            # trained before the backup: taken from the data, not trained on
            self.model.skip_batches(batch, uncounted=earlier)
        self._steps_in_epoch, self._global_step = batch, step
        self._last_saved = (self._epoch, batch)
        self.model._initial_epoch = self._epoch  # as keras.callbacks.BackupAndRestore does
        if self.dataset is not None and not self._spanning:
            for _ in range(self._epoch * self._iterators_per_epoch()):
                iter(self.dataset)  # each new iterator draws the next reshuffling seed

    def _superseded(self, meta):
        """True when the backup is of an earlier stage of the model than the current one (see the class'
        docstring); a `ValueError` when it is of a later one."""
        saved, current = meta.get("stage"), getattr(self.model, "backup_stage", None)
        if saved is None or current is None or int(saved["index"]) == int(current["index"]):
            return False
        if int(saved["index"]) < int(current["index"]):
            return True
        raise ValueError(
            f"The backup in {self.backup_dir!r} was written at {_stage_text(saved)}, but the "
            f"{type(self.model).__name__} is at {_stage_text(current)}: bring the model to the backup's stage "
            "before fit (ProGAN.fit_schedule, and so ProGAN.fit on data at the target resolution, does it), or "
            "delete the folder to start over.")

    def _keras_backup(self, meta, announce=True):
        """The metadata of a backup written by `keras.callbacks.BackupAndRestore` (this package's CLI
        used it before this callback; the two share `training_metadata.json`, but Keras' names no
        weights file: it is `latest.weights.h5`). Resumed as Keras would: its epoch restarts from
        its first batch."""
        if "epoch" not in meta or not os.path.exists(os.path.join(self.backup_dir, "latest.weights.h5")):
            raise ValueError(f"The backup in {self.backup_dir!r} is not one this callback or "
                             "keras.callbacks.BackupAndRestore wrote; delete the folder to start over.")
        if announce:
            print(f"Resuming from a keras.callbacks.BackupAndRestore backup in {self.backup_dir!r}: epoch "
                  f"{int(meta['epoch']) + 1} restarts from its first batch.")
        return {"epoch": int(meta["epoch"]), "batch": 0, "step": 0, "weights": "latest.weights.h5"}

    def _iterators_per_epoch(self):
        """How many iterators `fit` makes over the dataset per epoch (Keras 3.15, `EpochIterator`).

        With a known number of batches and no `steps_per_epoch`, each epoch starts a fresh iterator
        and the end of each epoch makes one more (unused); with an unknown number, one per epoch.
        When `steps_per_epoch` is shorter than the data the iterator outlives the epoch: no replay.
        """
        cardinality = int(self.dataset.cardinality())
        steps = (self.params or {}).get("steps")
        if cardinality > 0:
            return 2 if steps == cardinality else 0
        return 1 if cardinality == -2 else 0  # -2 unknown; -1 infinite (repeat): nothing to replay

    # ------------------------------------------------------------------ save
    def on_epoch_begin(self, epoch, logs=None):
        if epoch != self._epoch:
            self._epoch, self._steps_in_epoch = epoch, 0

    def on_train_batch_end(self, batch, logs=None):
        done = batch + 1
        if done <= self._steps_in_epoch:
            return  # a batch consumed without training on resume
        self._global_step += done - self._steps_in_epoch
        previous = self._global_step - (done - self._steps_in_epoch)
        self._steps_in_epoch = done
        if self.save_freq != "epoch" and self._global_step // self.save_freq > previous // self.save_freq:
            self._save(self._epoch, done)

    def on_epoch_end(self, epoch, logs=None):
        self._epoch, self._steps_in_epoch = epoch + 1, 0
        if self.save_freq == "epoch":
            self._save(epoch + 1, 0)

    def on_train_end(self, logs=None):
        if not getattr(self.model, "stop_training", False) and self._epoch == (self.params or {}).get("epochs"):
            self.save_end()  # the fit ran all its epochs (a callback that stopped it leaves the backup as it is)
        if not self._spanning:
            super().on_train_end(logs)  # with delete_checkpoint, deletes the backup

    def save_end(self):
        """Backs up the state at the end of the `fit` that just ended, as (its epoch, batch 0), when the backup is
        kept (`delete_checkpoint=False`) and does not hold it in that form yet.

        With save_freq=N steps the last step need not fall on a backup; a kept backup ends at the end of the
        run, in the form of an epoch's end, so that more epochs later continue from the final state. Called
        by :meth:`on_train_end` after a `fit` that ran all its epochs, and by a driver whose `fit` ends when
        a callback stops it at a planned step (ProGAN's :func:`~keras_gans.training.progressive_fit.fit_schedule`
        at the end of each phase), which :meth:`on_train_end` cannot tell from an early stop.
        """
        if not self.delete_checkpoint and self._steps_in_epoch == 0 and self._last_saved != (self._epoch, 0):
            self._save(self._epoch, 0)

    def _save(self, epoch, batch):
        from keras_gans.utils.io import atomic_path

        os.makedirs(self.backup_dir, exist_ok=True)
        name = f"epoch{epoch:05d}-batch{batch:07d}.weights.h5"
        final = os.path.join(self.backup_dir, name)
        # written under a temporary name and renamed; temporary files of killed runs are deleted
        with atomic_path(final) as tmp:
            self.model.save_weights(tmp, overwrite=True)
        meta = {"epoch": epoch, "batch": batch, "step": self._global_step, "weights": name}
        stage = getattr(self.model, "backup_stage", None)
        if stage is not None:
            meta["stage"] = dict(stage)
        with atomic_path(self._metadata_path()) as tmp_meta:
            with open(tmp_meta, "w") as f:
                json.dump(meta, f)
                f.flush()
                os.fsync(f.fileno())
        self._last_saved = (epoch, batch)
        for old in glob.glob(os.path.join(self.backup_dir, "epoch*-batch*.weights.h5")):
            if os.path.basename(old) != name:
                os.remove(old)


def _stage_text(stage):
    """`{"index": 3, "resolution": 8, "phase": "stable"}` → "stage 3 (resolution 8, phase stable)"."""
    rest = ", ".join(f"{k} {v}" for k, v in stage.items() if k != "index")
    return f"stage {stage['index']}" + (f" ({rest})" if rest else "")
