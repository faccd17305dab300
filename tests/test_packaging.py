"""The package as a user installs it: a wheel, into a fresh virtual environment, with nothing from this checkout.

`pip install` resolves the dependencies the wheel declares (pinned by requirements.txt, as CI installs them), and
the demo runs from a directory outside the checkout, so an undeclared dependency or a missing file fails here.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*command: str | Path, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # nothing of this checkout on the path
    done = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def test_the_wheel_installs_into_a_fresh_environment_and_runs_the_demo(tmp_path):
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "--wheel-dir",
        tmp_path / "dist",
        ROOT,
        cwd=tmp_path,
    )
    (wheel,) = (tmp_path / "dist").glob("personalize_emulator-*.whl")
    run(sys.executable, "-m", "venv", tmp_path / "venv", cwd=tmp_path)
    python = tmp_path / "venv" / "bin" / "python"
    # CI's pins, as constraints (which take no extras): the same versions as .venv, torch's CPU build among them.
    pins = [re.sub(r"\[.*?\]", "", line) for line in (ROOT / "requirements.txt").read_text().splitlines()]
    (tmp_path / "constraints.txt").write_text("\n".join(pins))
    run(python, "-m", "pip", "install", "--quiet", "--constraint", tmp_path / "constraints.txt", wheel, cwd=tmp_path)
    output = run(python, "-m", "personalize_emulator", "demo", cwd=tmp_path)
    assert "recommendations for u1:" in output
    assert "cleaned up" in output
    where = run(python, "-c", "import personalize_emulator; print(personalize_emulator.__file__)", cwd=tmp_path)
    assert str(tmp_path / "venv") in where  # the installed copy ran, not this checkout
