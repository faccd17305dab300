"""`make run`'s runner: a line per notebook and section, plain text on failure, the partial notebook written."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from helpers.run_notebooks import NotebookFailed, execute, last_shown, main


def notebook(path: Path, *cells: tuple[str, str]) -> Path:
    made = nbformat.v4.new_notebook()
    made.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    made.cells = [
        nbformat.v4.new_markdown_cell(source) if kind == "markdown" else nbformat.v4.new_code_cell(source)
        for kind, source in cells
    ]
    nbformat.write(made, path)
    return path


def test_a_notebook_runs_in_its_folder_section_by_section_into_the_output_directory(tmp_path):
    (tmp_path / "data.txt").write_text("found\n")
    path = notebook(
        tmp_path / "ok.ipynb",
        ("markdown", "# Title\n\n## 1. Setup"),
        ("code", "print(open('data.txt').read().strip())"),
        ("markdown", "## 2. Sums"),
        ("code", "1+1"),
    )
    lines = []
    runs = execute(path, tmp_path / "build", lines.append)
    assert [line.split(maxsplit=1)[1] for line in lines] == ["1. Setup", "2. Sums"]  # each after its time so far
    assert [(run.index, run.first_line) for run in runs] == [(1, "print(open('data.txt').read().strip())"), (3, "1+1")]
    written = nbformat.read(tmp_path / "build" / "ok.ipynb", as_version=4)
    assert written.cells[1].outputs[0].text == "found\n"
    assert written.cells[3].outputs[0].data["text/plain"] == "2"


def test_a_failing_cell_is_reported_in_plain_text_and_the_notebook_is_written_as_far_as_it_ran(tmp_path, capsys):
    path = notebook(
        tmp_path / "broken.ipynb",
        ("code", "print('before')"),
        ("code", "# a comment first\n{}['missing']"),
        ("code", "print('never')"),
    )
    with pytest.raises(NotebookFailed) as failed:
        execute(path, tmp_path / "build", lambda line: None)
    message = str(failed.value)
    assert message.startswith("broken.ipynb failed in cell 1 (`{}['missing']`):\nKeyError: 'missing'")
    assert "\x1b" not in message and "----> 2 {}['missing']" in message  # IPython's traceback, uncoloured
    written = nbformat.read(tmp_path / "build" / "broken.ipynb", as_version=4)
    assert written.cells[0].outputs[0].text == "before\n"
    assert written.cells[1].outputs[-1].output_type == "error" and written.cells[2].execution_count is None

    assert main([str(path), "--output-dir", str(tmp_path / "again")]) == 1
    out = capsys.readouterr().out
    assert "[1/1] FAILED after " in out and "KeyError: 'missing'" in out and "\x1b" not in out
    assert f"as far as it ran is in {tmp_path / 'again' / 'broken.ipynb'}" in out


def test_a_long_cell_is_described_by_the_last_line_it_showed():
    cell = nbformat.v4.new_code_cell("wait()")
    assert last_shown(cell) is None
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="a\nb\n"),
        nbformat.v4.new_output("display_data", data={"text/plain": "solution/x/1: CREATE IN_PROGRESS (40 s)"}),
    ]
    assert last_shown(cell) == "solution/x/1: CREATE IN_PROGRESS (40 s)"
    cell.outputs.append(nbformat.v4.new_output("stream", name="stderr", text="\x1b[31mred\x1b[0m\n"))
    assert last_shown(cell) == "red"
