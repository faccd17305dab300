"""`make run`: execute the tutorial notebooks into an output directory, telling the terminal what runs.

    python -m helpers.run_notebooks notebooks/*.ipynb --output-dir build

A line per notebook and per section (`## ` heading) it reaches, with the time so far; while one cell runs longer
than `--heartbeat` seconds, a line every so often with what the cell last displayed (a wait's status line: the
resource, its status and, while a version trains, the epoch). A failing cell is reported as plain text (no
terminal colours), the notebook is written as far as it ran (the failing cell's error included), the other
notebooks still run, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
HEARTBEAT = 30.0  # seconds between the lines about one long cell


@dataclass(frozen=True)
class CellRun:
    """One code cell as it ran: its index, its first line of code, and how long it took."""

    index: int
    first_line: str
    seconds: float


class NotebookFailed(RuntimeError):
    """A cell raised; the message is plain text: the notebook, the cell, the error and its traceback."""


def clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}:{seconds:02d}"


def plain(text: str) -> str:
    """`text` without terminal colour codes (IPython colours its tracebacks)."""
    return ANSI.sub("", text)


def last_shown(cell: nbformat.NotebookNode) -> str | None:
    """The last line the cell has shown so far (printed, or a display such as a wait's status line)."""
    for output in reversed(cell.get("outputs", [])):
        text = output.get("text") or output.get("data", {}).get("text/plain")
        lines = plain("".join(text)).strip().splitlines() if text else []
        if lines:
            return lines[-1][:160]
    return None


def execute(
    path: Path,
    output_dir: Path | None = None,
    report: Callable[[str], None] = print,
    heartbeat: float = HEARTBEAT,
) -> list[CellRun]:
    """Run every cell of the notebook at `path` in a fresh kernel whose working directory is the notebook's
    folder, as nbconvert does; write the result to `output_dir` (when given) even when a cell fails.

    Returns each code cell's run; raises NotebookFailed when a cell raises.
    """
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        # the kernel's own log (a warning that loopback traffic is unencrypted) is not the reader's concern;
        # what the cells print and raise still reaches the notebook
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    runs: list[CellRun] = []
    started = time.monotonic()
    try:
        with client.setup_kernel():
            for index, cell in enumerate(notebook.cells):
                heading = _section(cell)
                if heading:
                    report(f"  {clock(time.monotonic() - started)}  {heading}")
                if cell.cell_type != "code":
                    continue
                begun = time.monotonic()
                with _Heartbeat(cell, index, started, begun, heartbeat, report):
                    client.execute_cell(cell, index)
                runs.append(CellRun(index, _first_line(cell), time.monotonic() - begun))
    except (CellExecutionError, DeadKernelError) as exc:
        raise NotebookFailed(_failure(path, notebook, index, exc)) from None
    finally:
        if output_dir is not None:
            output_dir.mkdir(parents=True, exist_ok=True)
            nbformat.write(notebook, output_dir / path.name)
    return runs


def _section(cell: nbformat.NotebookNode) -> str | None:
    if cell.cell_type != "markdown":
        return None
    return next((line[3:].strip() for line in cell.source.splitlines() if line.startswith("## ")), None)


def _first_line(cell: nbformat.NotebookNode) -> str:
    return next((line for line in cell.source.splitlines() if line.strip() and not line.startswith("#")), "")


def _failure(path: Path, notebook: nbformat.NotebookNode, index: int, exc: Exception) -> str:
    cell = notebook.cells[index]
    error = next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)
    what = f"{error['ename']}: {error['evalue']}\n\n" + "\n".join(error["traceback"]) if error else str(exc)
    return f"{path.name} failed in cell {index} (`{_first_line(cell)}`):\n{plain(what)}"


class _Heartbeat:
    """While one cell runs, a line every `every` seconds: how long it has run, and what it last showed."""

    def __init__(self, cell, index: int, started: float, begun: float, every: float, report) -> None:
        self.cell, self.index, self.started, self.begun, self.every, self.report = (
            cell, index, started, begun, every, report
        )  # fmt: skip
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, name="run-notebooks-heartbeat", daemon=True)

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()

    def _beat(self) -> None:
        while not self.stop.wait(self.every):
            now = time.monotonic()
            shown = last_shown(self.cell)
            self.report(
                f"  {clock(now - self.started)}    cell {self.index} running for {clock(now - self.begun)}"
                + (f": {shown}" if shown else f": {_first_line(self.cell)}")
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--output-dir", type=Path, default=Path("build"))
    parser.add_argument("--heartbeat", type=float, default=HEARTBEAT, help="seconds between lines about a long cell")
    args = parser.parse_args(argv)

    def report(line: str) -> None:
        print(line, flush=True)

    failed = []
    for number, path in enumerate(args.notebooks, start=1):
        report(f"[{number}/{len(args.notebooks)}] {path.name}: running, written to {args.output_dir / path.name}")
        started = time.monotonic()
        try:
            execute(path, args.output_dir, report, args.heartbeat)
        except NotebookFailed as failure:
            failed.append(path.name)
            report(f"[{number}/{len(args.notebooks)}] FAILED after {clock(time.monotonic() - started)}: {failure}")
            report(f"The notebook as far as it ran is in {args.output_dir / path.name}.")
            continue
        report(f"[{number}/{len(args.notebooks)}] {path.name}: done in {clock(time.monotonic() - started)}")
    if failed:
        report(f"{len(failed)} of {len(args.notebooks)} notebooks failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
