"""`python -m personalize_emulator serve` in a child process: started, killed (`kill -9`) and restarted at will.

For test suites that want the server in its own process, and for the soak script, which kills it on purpose.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """A server on 127.0.0.1 keeping its state in `data_dir`; its output goes to `data_dir/../server.log`."""

    def __init__(self, data_dir: Path, port: int | None = None, pace: float = 0.0):
        self.data_dir = Path(data_dir)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.pace = pace
        self.process: subprocess.Popen | None = None
        self.log_path = self.data_dir.parent / f"{self.data_dir.name}-server.log"
        self.restored: str = ""

    def start(self, timeout: float = 60.0) -> None:
        """Start and wait until it answers; `restored` keeps the line it printed about the state it loaded."""
        env = os.environ | {"PERSONALIZE_EMULATOR_PACE": str(self.pace)}
        command = [sys.executable, "-m", "personalize_emulator", "serve", "--port", str(self.port)]
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [*command, "--data-dir", str(self.data_dir)], env=env, stdout=subprocess.PIPE, stderr=log
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}; see {self.log_path}")
            try:
                requests.get(f"{self.url}/moto-api/", timeout=10)
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
