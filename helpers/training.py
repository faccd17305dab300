"""The local emulator's trainings as a reader sees them: one status line while a version trains, a small loss
chart afterwards (instead of a printed line per epoch).

The emulator announces each training of a version on the `personalize_emulator.training` logger ("training 1 of
2: metrics model ...") and then logs its epochs; `TrainingLog` keeps them, per thread, since versions may train
side by side. Only the local (in-process) target sees these records: a server logs them in its own terminal.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

LOGGER = "personalize_emulator.training"


@dataclass
class Training:
    """One training of a version: what it trains (`label`), which of the version's trainings it is, its losses."""

    label: str
    part: tuple[int, int]
    losses: list[float] = field(default_factory=list)
    epochs: int = 0

    def status(self) -> str:
        (part, parts), what = self.part, self.label.split(" (")[0]  # the label's gist, before its explanation
        return (
            f"training {part} of {parts} ({what}): epoch {len(self.losses)}/{self.epochs}, loss {self.losses[-1]:.2f}"
        )


class TrainingLog(logging.Handler):
    """Every training announced on the emulator's training logger, with the loss of each of its epochs."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.trainings: list[Training] = []
        self._current: dict[int, Training] = {}  # thread id -> the training that thread runs

    def emit(self, record: logging.LogRecord) -> None:
        if hasattr(record, "training"):
            training = Training(record.training, tuple(record.part))
            self.trainings.append(training)
            self._current[record.thread] = training
        elif hasattr(record, "epoch") and record.thread in self._current:
            training = self._current[record.thread]
            training.losses.append(float(record.loss))
            training.epochs = int(record.epochs)

    def status(self) -> str | None:
        """The newest training still running its epochs, as one line (None when no training is)."""
        running = [t for t in self.trainings if 0 < len(t.losses) < t.epochs]
        return running[-1].status() if running else None

    def losses(self) -> pd.DataFrame:
        """The loss per epoch (rows from 1) of each training of the latest version that trained epochs (a column
        per training, named by its label)."""
        runs = [t for t in self.trainings if t.losses]
        if not runs:
            return pd.DataFrame()
        version = [runs[-1]]
        for training in reversed(runs[:-1]):  # back through the same version's earlier trainings
            part, parts = version[0].part
            if training.part != (part - 1, parts):
                break
            version.insert(0, training)
        frame = pd.DataFrame({t.label: pd.Series(t.losses, index=range(1, len(t.losses) + 1)) for t in version})
        frame.index.name = "epoch"
        return frame


TRAINING_LOG = TrainingLog()


def record_trainings() -> TrainingLog:
    """Attach `TRAINING_LOG` to the emulator's training logger (once per kernel) and return it."""
    logger = logging.getLogger(LOGGER)
    if TRAINING_LOG not in logger.handlers:
        logger.addHandler(TRAINING_LOG)
        logger.setLevel(logging.INFO)
    return TRAINING_LOG


def training_losses() -> pd.DataFrame:
    """The loss per epoch of each training of the latest version the local emulator trained (see `TrainingLog`)."""
    return TRAINING_LOG.losses()


def plot_training_losses() -> Axes | None:
    """`training_losses()` as a small chart, a line per training; on a target that trains out of sight (a server,
    AWS), a sentence saying so instead."""
    losses = training_losses()
    if losses.empty:
        print("This target trains out of sight: no epochs to show here.")
        return None
    ax = losses.plot(figsize=(6, 2.4), color=["#9ab", "#d62", "#444"][: losses.shape[1]], marker=".")
    ax.set(xlabel="epoch", ylabel="training loss", title="Loss per epoch, each training")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend([label.split(" (")[0] for label in losses.columns], fontsize=8)
    return ax
