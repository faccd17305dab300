"""How long each tutorial notebook takes to run end to end against the local emulator (issue #4: under 3 minutes
each on this 2-core machine). Each run starts a fresh kernel, as `make run` and nbval do; the notebooks on disk are
not modified. Prints a Markdown table: the median and the slowest of the runs, and the slowest cell of the median
run.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
TARGET_SECONDS = 180.0


def run_once(path: Path) -> tuple[float, float, str]:
    """Seconds for the whole notebook (kernel start included), and its slowest cell with that cell's first line."""
    notebook = nbformat.read(path, as_version=4)
    cell_times: list[tuple[float, str]] = []
    client = NotebookClient(notebook, timeout=900, kernel_name="python3", resources={"metadata": {"path": path.parent}})
    started = time.perf_counter()
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            begun = time.perf_counter()
            client.execute_cell(cell, index)
            if cell.cell_type == "code":
                first = next((line for line in cell.source.splitlines() if not line.startswith("#")), "")
                cell_times.append((time.perf_counter() - begun, first[:60]))
    total = time.perf_counter() - started
    slowest = max(cell_times)
    return total, slowest[0], slowest[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        runs = [run_once(path) for _ in range(args.runs)]
        totals = [total for total, _, _ in runs]
        median_run = sorted(runs)[len(runs) // 2]
        rows.append((path.name, statistics.median(totals), max(totals), median_run))
    print(f"Notebooks run end to end against the local emulator, {args.runs} runs each, fresh kernel per run.\n")
    print("| notebook | median (s) | slowest run (s) | slowest cell of the median run | under 3 min |")
    print("|---|---|---|---|---|")
    for name, median, worst, (_, cell_seconds, cell) in rows:
        met = "yes" if worst <= TARGET_SECONDS else "no"
        print(f"| {name} | {median:.0f} | {worst:.0f} | `{cell}` ({cell_seconds:.0f} s) | {met} |")


if __name__ == "__main__":
    main()
