"""How long each tutorial notebook takes end to end against the local emulator, and on what machine: the one
source of the run times that the notebooks and docs/tutorials.md quote.

Each run starts a fresh kernel and runs every cell, as `make run` does (`helpers.run_notebooks.execute`); the
notebooks on disk are not modified. Prints the machine (cores, CPU, memory, load average before and after: other
work on the machine slows training, which is nearly all of a notebook's time), then a Markdown table: the median
and the slowest of the runs, and the slowest cell of the median run.

With --write, the same figures go into docs/tutorials.md (between `<!-- run-times -->` markers) and into the
sentence of each notebook's introduction that quotes its time (between `<!-- run-time -->` markers).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import time
from pathlib import Path

import nbformat

from helpers.run_notebooks import execute

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
DOCS = ROOT / "docs" / "tutorials.md"
DOCS_MARKERS = ("<!-- run-times -->", "<!-- /run-times -->")
NOTEBOOK_MARKERS = ("<!-- run-time -->", "<!-- /run-time -->")


def machine() -> str:
    """Cores, CPU model, memory, Python and PyTorch's thread setting, as one line."""
    cpu = _proc("/proc/cpuinfo", "model name") or platform.processor() or platform.machine()
    memory = _proc("/proc/meminfo", "MemTotal")  # "24000000 kB"
    ram = f", {int(memory.split()[0]) / 1024**2:.0f} GB" if memory else ""
    threads = os.environ.get("OMP_NUM_THREADS", "unset")
    return (
        f"{os.cpu_count()} cores ({cpu}){ram}, {platform.system()}, Python {platform.python_version()}, "
        f"OMP_NUM_THREADS {threads}"
    )


def _proc(path: str, key: str) -> str | None:
    """The value of the first `key: value` line of a /proc file (None off Linux)."""
    try:
        lines = Path(path).read_text().splitlines()
    except OSError:
        return None
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith(key)), None)


def run_once(path: Path) -> tuple[float, float, str]:
    """Seconds for the whole notebook (kernel start included), and its slowest cell with that cell's first line."""
    started = time.perf_counter()
    runs = execute(path, report=lambda line: None)
    total = time.perf_counter() - started
    slowest = max(runs, key=lambda run: run.seconds)
    return total, slowest.seconds, slowest.first_line[:60]


def table(rows: list[tuple[str, float, float, tuple[float, float, str]]], runs: int, where: str) -> str:
    lines = [
        f"Measured by `bench/notebook_bench.py`: {runs} run{'s' if runs > 1 else ''} of each notebook, a fresh kernel "
        f"each, on {where}.",
        "",
        "| notebook | median (s) | slowest run (s) | slowest cell of the median run |",
        "|---|---|---|---|",
    ]
    for name, median, worst, (_, cell_seconds, cell) in rows:
        lines.append(f"| {name} | {median:.0f} | {worst:.0f} | `{cell}` ({cell_seconds:.0f} s) |")
    return "\n".join(lines)


def quote(median: float) -> str:
    """How a notebook's introduction quotes its median run time."""
    minutes = round(median / 60)
    span = "under a minute" if median < 60 else f"about {minutes} minute{'s' if minutes > 1 else ''}"
    source = "the median `bench/notebook_bench.py` measured on the machine docs/tutorials.md describes"
    return f"{span} ({median:.0f} s: {source})"


def between(text: str, markers: tuple[str, str], new: str | None = None) -> str:
    """The text between the two markers, or (with `new`) `text` with that part replaced."""
    start, end = (re.escape(m) for m in markers)
    found = re.search(f"{start}(.*?){end}", text, re.S)
    if found is None:
        raise ValueError(f"no {markers[0]} ... {markers[1]} in the text")
    if new is None:
        return found.group(1)
    return text[: found.start(1)] + new + text[found.end(1) :]


def quoted_in_notebook(path: Path) -> str:
    """The run time the notebook's introduction quotes (its line breaks, which Markdown ignores, as spaces)."""
    return " ".join(between(nbformat.read(path, as_version=4).cells[0].source, NOTEBOOK_MARKERS).split())


def quoted_in_docs() -> dict[str, float]:
    """Each notebook's median in seconds, as docs/tutorials.md quotes it."""
    block = between(DOCS.read_text(), DOCS_MARKERS)
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"^\| (\S+\.ipynb) \| (\d+) \|", block, re.M)}


def write(rows: list[tuple[str, float, float, tuple[float, float, str]]], measured: str) -> None:
    DOCS.write_text(between(DOCS.read_text(), DOCS_MARKERS, f"\n{measured}\n"))
    for name, median, _, _ in rows:
        path = ROOT / "notebooks" / name
        notebook = nbformat.read(path, as_version=4)
        notebook.cells[0].source = between(notebook.cells[0].source, NOTEBOOK_MARKERS, quote(median))
        nbformat.write(notebook, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="put the figures into docs/ and the notebooks")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    rows = []
    for path in NOTEBOOKS:
        runs = [run_once(path) for _ in range(args.runs)]
        totals = [total for total, _, _ in runs]
        median_run = sorted(runs)[len(runs) // 2]
        rows.append((path.name, statistics.median(totals), max(totals), median_run))
    where = f"{machine()}; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    measured = table(rows, args.runs, where)
    print(measured)
    if args.write:
        write(rows, measured)


if __name__ == "__main__":
    main()
