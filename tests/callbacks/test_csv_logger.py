"""`StableCSVLogger`: a column logged on some epochs only is there from the first row; appended rows keep the header."""
import csv

import keras_gans as kg


def _rows(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def _train(logger, epochs, every):
    logger.on_train_begin()
    for epoch in epochs:
        logs = {"d_loss": 1.0 / (epoch + 1)}
        if (epoch + 1) % every == 0:
            logs["fid"] = 100.0 - epoch
        logger.on_epoch_end(epoch, logs)
    logger.on_train_end()


def test_a_column_logged_on_some_epochs_is_there_from_the_first_row(tmp_path):
    path = tmp_path / "history.csv"
    _train(kg.callbacks.StableCSVLogger(path, append=True, columns=("fid",)), range(3), every=2)
    rows = _rows(path)
    assert rows[0][:3] == ["epoch", "d_loss", "fid"]
    assert [r[2] for r in rows[1:]] == ["NA", "99.0", "NA"]
    # a resumed run appends rows that line up with the file's header, whatever its first epoch logs
    _train(kg.callbacks.StableCSVLogger(path, append=True, columns=("fid",)), range(3, 5), every=2)
    rows = _rows(path)
    assert len(rows) == 6 and all(len(r) == len(rows[0]) for r in rows)
    assert [r[2] for r in rows[1:]] == ["NA", "99.0", "NA", "97.0", "NA"]


def test_without_columns_it_is_keras_csvlogger(tmp_path):
    path = tmp_path / "history.csv"
    _train(kg.callbacks.StableCSVLogger(path), range(2), every=2)
    assert _rows(path)[0][:2] == ["epoch", "d_loss"] and "fid" not in _rows(path)[0]
