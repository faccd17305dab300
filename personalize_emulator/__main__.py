"""Command line: `python -m personalize_emulator serve|demo`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from personalize_emulator.adapters.http_server import DEFAULT_HOST, DEFAULT_PORT
from personalize_emulator.adapters.http_server import serve as serve_http
from personalize_emulator.demo import main as run_demo
from personalize_emulator.settings import configure


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m personalize_emulator", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve moto and Amazon Personalize on one port")
    serve.add_argument(
        "--host", default=DEFAULT_HOST, help=f"interface to bind (default {DEFAULT_HOST}, loopback only)"
    )
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    serve.add_argument(
        "--data-dir", type=Path, help="keep state in this directory (SQLite), so a restart or kill -9 loses nothing"
    )
    serve.add_argument(
        "--legacy-recipes",
        action="store_true",
        help="offer the legacy HRNN recipes, which AWS no longer offers (to replay old notebooks)",
    )
    demo = commands.add_parser("demo", help="run the end-to-end demo in-process and print what it got")
    demo.add_argument("--endpoint-url", help="run against a server (or real AWS) instead of in-process")
    args = parser.parse_args(argv)
    if args.command == "serve":
        if args.legacy_recipes:
            configure(legacy_recipes=True)
        serve_http(args.host, args.port, args.data_dir)
    else:
        run_demo(args.endpoint_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
