"""`serve`: moto's services and Personalize on one loopback port, for boto3, the AWS CLI and any SDK.

Point a client at it with `AWS_ENDPOINT_URL=http://127.0.0.1:4566`; requests are routed by their signature
(moto's server) and then, for Personalize, by `X-Amz-Target` or the REST path (our protocol layer).
"""

from __future__ import annotations

import io
import ipaddress
import logging
import re
import threading
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

from personalize_emulator import settings
from personalize_emulator.adapters.moto_backends import personalize_backends
from personalize_emulator.adapters.moto_plugin import configure_moto_server
from personalize_emulator.errors import InvalidInputException, PersonalizeError, RequestEntityTooLargeException
from personalize_emulator.protocol.dispatch import handle, refuse
from personalize_emulator.store.durable_state import DurableStore
from personalize_emulator.store.recovery import restore
from personalize_emulator.store.sqlite import Store

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 4566


class _QuietHandler(MotoRequestHandler):
    """Logs only server errors (501 is an answer: an operation not implemented yet). werkzeug answers every
    request with `Connection: close`, so clients open a connection per call; over loopback that is cheap."""

    def log_request(self, code="-", size="-") -> None:
        if str(code).startswith("5") and str(code) != "501":
            super().log_request(code, size)


_PERSONALIZE_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/personalize/")
# AWS documents no request size for Personalize. The largest request its models allow is PutItems or PutActions
# (10 records of 32,000-character properties), about 2 MB even with every character escaped as \uXXXX; 5 MiB
# refuses nothing valid and keeps a hostile body from being buffered whole. moto's services are not limited.
MAX_REQUEST_BYTES = 5 * 1024 * 1024
SEED_PATH = "/moto-api/seed"


class PersonalizeFirst:
    """WSGI app: requests signed for `personalize` go straight to our protocol layer, the rest to moto's server.

    moto would route them to us too (by the same signature), but through its per-service Flask app; going
    direct saves most of the HTTP overhead on the hot runtime path.
    """

    def __init__(self, moto_app: Callable[..., Iterable[bytes]]):
        self.moto_app = moto_app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == SEED_PATH and environ.get("REQUEST_METHOD") == "POST":
            refused = _seed(environ)
            if refused is not None:
                return refused(environ, start_response)
        if not _PERSONALIZE_SCOPE.search(environ.get("HTTP_AUTHORIZATION", "")):
            return self.moto_app(environ, start_response)
        try:
            _bound_body(environ)
        except PersonalizeError as error:
            status, headers, body = refuse(environ.get("PATH_INFO", "/"), environ.get("HTTP_X_AMZ_TARGET"), error)
            # The body was not read: the connection cannot carry another request.
            headers["Connection"] = "close"
            return Response(body, status=status, headers=headers)(environ, start_response)
        status, headers, body = handle(Request(environ), personalize_backends)
        return Response(body, status=status, headers=headers)(environ, start_response)


def _seed(environ: dict[str, Any]) -> Response | None:
    """`POST /moto-api/seed?a=<int>`, moto's own way to seed a server, seeds the emulator too (training, metrics
    splits, exploration draws); moto then answers it. A seed that is not an integer is refused here."""
    values = parse_qs(environ.get("QUERY_STRING", "")).get("a", [])
    try:
        seed = int(values[0])
    except (IndexError, ValueError):
        return Response(f"{SEED_PATH} takes the seed as an integer: ?a=42\n", status=400, mimetype="text/plain")
    settings.configure(seed=seed)
    return None


def _bound_body(environ: dict[str, Any]) -> None:
    """Refuse a Personalize request whose body is over `MAX_REQUEST_BYTES` before reading it.

    A Content-Length over the limit is refused at once. A chunked body (no length) is read up to the limit and
    no further, then handed on from memory, so no client can make the server buffer more than the limit.
    """
    declared = environ.get("CONTENT_LENGTH", "").strip()
    chunked = environ.get("wsgi.input_terminated") or "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    if declared and not chunked:
        if not declared.isdigit():
            raise InvalidInputException(f"The Content-Length header {declared[:40]!r} is not a number of bytes.")
        if int(declared) > MAX_REQUEST_BYTES:
            raise RequestEntityTooLargeException(_too_large(f"this one declares {int(declared):,}"))
        return
    if not chunked:
        return  # no body
    stream, data = environ["wsgi.input"], bytearray()
    try:
        while len(data) <= MAX_REQUEST_BYTES:
            piece = stream.read(min(65_536, MAX_REQUEST_BYTES + 1 - len(data)))
            if not piece:
                break
            data += piece
    except OSError as exc:  # werkzeug's reader of chunks: a chunk header that is not hexadecimal
        raise InvalidInputException(f"The chunked request body is malformed: {exc}.") from None
    if len(data) > MAX_REQUEST_BYTES:
        raise RequestEntityTooLargeException(_too_large("this chunked one is longer"))
    environ["wsgi.input"] = io.BytesIO(bytes(data))
    environ["CONTENT_LENGTH"] = str(len(data))
    environ.pop("wsgi.input_terminated", None)


def _too_large(what: str) -> str:
    return f"A request to Amazon Personalize must be at most {MAX_REQUEST_BYTES:,} bytes; {what}."


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def create_server(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> BaseWSGIServer:
    """A threaded WSGI server for moto plus Personalize; `port=0` picks a free port."""
    configure_moto_server()
    if not is_loopback(host):
        warnings.warn(
            f"personalize_emulator is listening on {host}, not only on loopback: anyone who can reach this "
            "machine can read and change its data. It has no authentication.",
            stacklevel=2,
        )
    app = PersonalizeFirst(DomainDispatcherApplication(create_backend_app))
    return make_server(host, port, app, threaded=True, request_handler=_QuietHandler)


class BackgroundServer:
    """A server on a thread of this process, for tests and notebooks: `with BackgroundServer() as url: ...`."""

    def __init__(self, host: str = DEFAULT_HOST, port: int = 0):
        self.server = create_server(host, port)
        self.thread = threading.Thread(target=self.server.serve_forever, name="personalize-server", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> str:
        self.thread.start()
        return self.url

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, data_dir: Path | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    server = create_server(host, port)
    if data_dir is not None:
        state = DurableStore(Store(data_dir))
        personalize_backends.make_durable(state)
        restored = restore(state, personalize_backends)
        print(f"state kept in {state.store.path}: {restored} resources restored", flush=True)
    url = f"http://{host}:{server.server_address[1]}"
    print(f"personalize_emulator serving moto and Amazon Personalize on {url}", flush=True)
    print("Point a client at it (any key pair will do):", flush=True)
    print(
        f"  export AWS_ENDPOINT_URL={url} AWS_DEFAULT_REGION=us-east-1 "
        "AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing",
        flush=True,
    )
    print(f"Same numbers every run (training, exploration): curl -X POST '{url}{SEED_PATH}?a=42'", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
