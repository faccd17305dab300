"""The local emulator's trainings as a reader sees them: one status line while a version trains, a small loss
chart afterwards (instead of a printed line per step).

A solution version trains once: on AWS's metrics split first (the model `get_solution_metrics` scores), then on
the interactions the split held out (the model the campaign serves). The emulator logs its progress at each tenth
on the `personalize_emulator.training` logger, with the figures on the record (`training`: the version's name and
id, plus "HPO job i/n" for a tuning candidate; `percent`, `stage`, `loss`); `TrainingLog` keeps them. Only the
local (in-process) target sees these records: a server logs them in its own terminal.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import pandas as pd
from matplotlib.axes import Axes

LOGGER = "personalize_emulator.training"
HPO_JOB = " HPO job "  # how a tuning candidate's label continues its version's


@dataclass
class Training:
    """One training: its label, and its loss at each tenth reported so far."""

    label: str
    losses: dict[int, float] = field(default_factory=dict)  # percent of the training -> loss
    stage: str = ""

    @property
    def version(self) -> str:
        return self.label.split(HPO_JOB)[0]

    @property
    def finished(self) -> bool:
        return max(self.losses, default=0) >= 100

    def status(self) -> str:
        percent = max(self.losses)
        return f"training {self.label}: {percent}% ({self.stage}), loss {self.losses[percent]:.2f}"


class TrainingLog(logging.Handler):
    """Every training reported on the emulator's training logger, with its loss at each tenth."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.trainings: dict[str, Training] = {}
        self.latest: Training | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if not hasattr(record, "percent"):
            return
        training = self.trainings.setdefault(record.training, Training(record.training))
        training.losses[int(record.percent)] = float(record.loss)
        training.stage, self.latest = record.stage, training

    def status(self) -> str | None:
        """The training that reported last, as one line, while it runs (None when it has finished)."""
        return self.latest.status() if self.latest is not None and not self.latest.finished else None

    def losses(self) -> pd.DataFrame:
        """The loss at each tenth (rows: percent of the training) of the latest version's trainings: one column,
        or one per HPO candidate (a candidate stopped early ends early)."""
        if self.latest is None:
            return pd.DataFrame()
        version = [t for t in self.trainings.values() if t.version == self.latest.version]
        frame = pd.DataFrame({t.label: pd.Series(t.losses) for t in version}).sort_index()
        frame.index.name = "percent of the training"
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
    """The loss at each tenth of the latest version the local emulator trained (see `TrainingLog`)."""
    return TRAINING_LOG.losses()


def plot_training_losses() -> Axes | None:
    """`training_losses()` as a small chart, a line per training; on a target that trains out of sight (a server,
    AWS), a sentence saying so instead."""
    losses = training_losses()
    if losses.empty:
        print("This target trains out of sight: no progress to show here.")
        return None
    names = [label[len(label.split(HPO_JOB)[0]) :].strip() or "the version's training" for label in losses.columns]
    ax = losses.set_axis(names, axis=1).plot(figsize=(6, 2.4), marker=".", legend=len(names) > 1)
    ax.set(xlabel="share of the training (%)", ylabel="training loss", title="Training loss as the version trains")
    return ax
