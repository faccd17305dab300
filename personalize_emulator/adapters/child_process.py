"""`python -m personalize_emulator serve` in a child process: started, killed (`kill -9`) and restarted at will.

For test suites that want the server in its own process, and for the soak script, which kills it on purpose.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """A server on 127.0.0.1, keeping its state in `data_dir` when given; its log (stderr) goes to `log_path`,
    by default next to the data directory, else into a new temporary directory."""

    def __init__(
        self, data_dir: Path | None = None, port: int | None = None, pace: float = 0.0, log_path: Path | None = None
    ):
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.pace = pace
        self.process: subprocess.Popen | None = None
        if log_path is None:
            folder = self.data_dir.parent if self.data_dir else Path(tempfile.mkdtemp(prefix="personalize-server-"))
            log_path = folder / f"{self.data_dir.name if self.data_dir else 'emulator'}-server.log"
        self.log_path = Path(log_path)
        self.restored: str = ""

    def start(self, timeout: float = 600.0) -> None:
        """Start and wait until it answers; `restored` keeps the first line it printed (with a data directory,
        the one about the state it loaded). The wait is long because a restart loads every saved model, which on
        a busy machine takes minutes; it ends at once if the process exits."""
        env = os.environ | {"PERSONALIZE_EMULATOR_PACE": str(self.pace)}
        command = [sys.executable, "-m", "personalize_emulator", "serve", "--port", str(self.port)]
        if self.data_dir is not None:
            command += ["--data-dir", str(self.data_dir)]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}; see {self.log_path}")
            try:
                requests.get(f"{self.url}/moto-api/", timeout=10)
                assert self.process.stdout is not None  # started with stdout=PIPE
                self.restored = self.process.stdout.readline().decode().strip()
                return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError(f"the server did not answer within {timeout} s; see {self.log_path}")

    def kill(self) -> None:
        """`kill -9`: no chance to flush or close anything."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def restart(self) -> None:
        self.kill()
        self.start()
