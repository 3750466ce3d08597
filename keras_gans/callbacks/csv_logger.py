"""`StableCSVLogger`: Keras' CSVLogger whose columns do not depend on what the first epoch happened to log."""
import csv
import os

import keras


class StableCSVLogger(keras.callbacks.CSVLogger):
    """`keras.callbacks.CSVLogger` with fixed columns: what `keras-gans train` writes as history.csv.

    Keras' logger takes its columns from the first epoch's logs. A value logged only on some
    epochs, such as the `"fid"` of `FIDCallback(every=2)`, would then never get a column; here
    `columns` are there from the first row, `NA` on the epochs that do not log them. Appending to
    a file that has a header (a resumed run) writes the header's columns, so every row lines up
    with it.

    >>> logger = kg.callbacks.StableCSVLogger("runs/dcgan/history.csv", append=True, columns=("fid",))
    """

    def __init__(self, filename, separator=",", append=False, columns=()):
        super().__init__(filename, separator=separator, append=append)
        self.columns = tuple(columns)

    def _existing_header(self):
        if not (self.append and os.path.isfile(self.filename)):
            return None
        with open(self.filename, newline="") as f:
            header = next(csv.reader(f, delimiter=self.sep), None)
        return header if header and header[0] == "epoch" else None

    def on_train_begin(self, logs=None):
        header = self._existing_header()
        super().on_train_begin(logs)
        if header is not None:
            self.keys = header[1:]  # the rows appended line up with the file's header

    def on_epoch_end(self, epoch, logs=None):
        if self.keys is None and self.columns:  # the first row fixes the columns: include ours
            logs = dict(logs or {})
            for name in self.columns:
                logs.setdefault(name, "NA")
        super().on_epoch_end(epoch, logs)
