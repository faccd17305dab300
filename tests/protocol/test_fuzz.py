"""Hostile input on the wire: generated requests for every operation, and bodies too large to read.

The property: whatever a client sends with a `personalize` signature, the server answers an AWS-shaped error
(`{"__type", "message"}`, 4xx, or 501 for what the emulator does not implement) or a 2xx, never a 5xx, never a
dropped connection, and it still answers afterwards. The run is derandomized and bounded here; bench/fuzz.py runs
the same generators for longer.
"""

from __future__ import annotations

import http.client
import json
import logging
import socket
import time
from urllib.parse import urlparse

import pytest
import requests
from hypothesis import HealthCheck, Phase, given, settings

from bench import fuzzing
from personalize_emulator import configure
from personalize_emulator.adapters.http_server import MAX_REQUEST_BYTES
from tests.protocol.test_dispatch import control, error, post

EXAMPLES = 800
AUTHORIZATION = (
    "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/personalize/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date, Signature=" + "0" * 64
)


@pytest.fixture(scope="module")
def target(server_url):
    """A deployed dataset group on the session's server, and the strategy aimed at it."""
    configure(pace=0)
    requests.post(f"{server_url}/moto-api/reset", timeout=10)
    pool = fuzzing.deploy(server_url)
    yield server_url, fuzzing.hostile_requests(pool)
    requests.post(f"{server_url}/moto-api/reset", timeout=10)


def test_hostile_requests_get_aws_shaped_answers_never_a_5xx(target, caplog):
    url, strategy = target
    session = requests.Session()
    seen = fuzzing.Tally()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(request=strategy)
    def answer_is_shaped(request: fuzzing.FuzzRequest) -> None:
        outcome, response = fuzzing.fire(session, url, request)
        seen.add(outcome, request, response)
        detail = "no answer" if response is None else f"{response.status_code} {response.text[:500]}"
        assert outcome in ("2xx", "4xx", "501"), f"{outcome} for {request!r}: {detail}"
        if outcome == "501":  # an operation (or a member of one) the emulator does not serve, named as such
            prefix = f"personalize_emulator does not implement {request.service} {request.operation}"
            assert response.json()["message"].startswith(prefix)

    with caplog.at_level(logging.ERROR, logger="personalize_emulator"):
        answer_is_shaped()
    assert seen.counts["4xx"] > EXAMPLES // 3 and seen.counts["2xx"] > 0
    assert control(url, "ListRecipes", {}).status_code == 200
    # Background jobs the fuzz started (imports, exports, training) failed, if at all, for a reason, not a bug.
    assert [r.getMessage() for r in caplog.records] == []


# -- what the fuzzing found (a 500 each, before the fix) and what probing around it found ------------------
def test_json_nested_deeper_than_the_parser_goes_is_a_serialization_error(server_url):
    status, code, message = error(control(server_url, "ListRecipes", "[" * 100_000 + "]" * 100_000))
    assert (status, code, message) == (
        400,
        "SerializationException",
        "The request body is not valid JSON: it is nested too deeply.",
    )


def test_a_credential_scoped_to_a_region_aws_has_not_got_is_refused(server_url):
    headers = {
        "Authorization": AUTHORIZATION.replace("us-east-1", "mars-north-1"),
        "X-Amz-Target": "AmazonPersonalize.ListDatasetGroups",
        "Content-Type": "application/x-amz-json-1.1",
    }
    status, code, message = error(requests.post(server_url, data="{}", headers=headers, timeout=10))
    assert (status, code, message) == (
        403,
        "InvalidSignatureException",
        "Credential should be scoped to a valid region, not 'mars-north-1'.",
    )


def test_members_the_model_does_not_name_are_ignored(server_url):
    response = control(server_url, "ListRecipes", {"recipeProvider": "SERVICE", "noSuchMember": [1], "__type": "x"})
    assert response.status_code == 200
    assert response.json()["recipes"]


@pytest.mark.parametrize(
    ("path", "body", "where"),
    [
        (
            "/recommendations",
            {"campaignArn": "arn:aws:personalize:us-east-1:123456789012:campaign/c", "userId": "\ud800"},
            "userId",
        ),
        (
            "/items",
            {
                "datasetArn": "arn:aws:personalize:us-east-1:123456789012:dataset/g/ITEMS",
                "items": [{"itemId": "i\udfff"}],
            },
            "items.1.member.itemId",
        ),
        (
            "/users",
            {
                "datasetArn": "arn:aws:personalize:us-east-1:123456789012:dataset/g/USERS",
                "users": [{"userId": "u", "properties": '{"nationality": "\\ud800"}'}],
            },
            "users.1.member.properties",
        ),
    ],
    ids=["member", "list-member", "inside-properties"],
)
def test_a_lone_surrogate_is_refused_before_it_is_stored(server_url, path, body, where):
    # Python decodes an escaped lone surrogate but cannot encode it: once stored, it failed dataset exports with
    # "Internal error in personalize_emulator: UnicodeEncodeError".
    status, code, message = error(post(server_url, path, json.dumps(body)))
    assert (status, code) == (400, "SerializationException")
    assert message.startswith(f"The string at '{where}' holds a lone surrogate (\\u")


def test_properties_nested_too_deeply_are_refused_with_aws_words(server_url):
    body = {
        "datasetArn": "arn:aws:personalize:us-east-1:123456789012:dataset/g/ITEMS",
        "items": [{"itemId": "i", "properties": "[" * 16_000 + "]" * 16_000}],
    }
    status, code, message = error(post(server_url, "/items", json.dumps(body)))
    assert (status, code, message) == (400, "InvalidInputException", "Error parsing properties json")


# -- bodies over the limit -----------------------------------------------------------------------------------
def _raw(url: str, head: str, body: bytes = b"", timeout: float = 5) -> tuple[float, int, dict]:
    """Send `head` (and `body`) on a fresh socket; the time to the answer, its status and its JSON body."""
    parts = urlparse(url)
    started = time.monotonic()
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(head.encode() + b"\r\n" + body)
        response = http.client.HTTPResponse(sock)
        response.begin()
        payload = json.loads(response.read())
        return time.monotonic() - started, response.status, payload


def _head(target: str, *lines: str) -> str:
    return "\r\n".join(
        ["POST / HTTP/1.1", "Host: localhost", f"Authorization: {AUTHORIZATION}", f"X-Amz-Target: {target}", *lines, ""]
    )


def test_a_body_over_the_limit_is_refused_from_its_content_length_without_being_read(server_url):
    # No byte of the body is sent: a server that tried to read it would wait out the socket's timeout.
    head = _head("AmazonPersonalize.CreateDatasetGroup", f"Content-Length: {MAX_REQUEST_BYTES + 1}")
    elapsed, status, body = _raw(server_url, head)
    assert (status, body) == (
        413,
        {
            "__type": "RequestEntityTooLargeException",
            "message": "A request to Amazon Personalize must be at most 5,242,880 bytes; this one declares 5,242,881.",
        },
    )
    assert elapsed < 2
    assert control(server_url, "ListRecipes", {}).status_code == 200


def test_a_content_length_that_is_not_a_number_is_refused(server_url):
    _, status, body = _raw(server_url, _head("AmazonPersonalize.ListRecipes", "Content-Length: 2x"), b"{}")
    assert (status, body) == (
        400,
        {"__type": "InvalidInputException", "message": "The Content-Length header '2x' is not a number of bytes."},
    )


def _chunked(url: str, target: str, chunks) -> tuple[int, dict]:
    parts = urlparse(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        headers = {"Authorization": AUTHORIZATION, "X-Amz-Target": target, "Transfer-Encoding": "chunked"}
        connection.request("POST", "/", body=chunks, headers=headers, encode_chunked=True)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def test_a_chunked_body_is_read_up_to_the_limit_and_no_further(server_url):
    # Without a Content-Length, nothing tells the size in advance: 6 MiB in 1 MiB chunks is cut off at the limit.
    status, body = _chunked(server_url, "AmazonPersonalize.ListRecipes", (b" " * 2**20 for _ in range(6)))
    assert (status, body) == (
        413,
        {
            "__type": "RequestEntityTooLargeException",
            "message": "A request to Amazon Personalize must be at most 5,242,880 bytes; this chunked one is longer.",
        },
    )
    status, body = _chunked(
        server_url, "AmazonPersonalize.ListRecipes", iter([b"{", b'"recipeProvider"', b':"SERVICE"}'])
    )
    assert status == 200 and body["recipes"]


def test_a_body_at_the_limit_is_served(server_url):
    padding = b" " * (MAX_REQUEST_BYTES - 2)
    response = control(server_url, "ListRecipes", (b"{" + padding + b"}").decode())
    assert response.status_code == 200


def test_the_limit_is_personalize_s_alone_moto_s_s3_takes_larger_uploads(server_url):
    aws = fuzzing.clients(server_url)
    aws.s3.create_bucket(Bucket="large-uploads")
    aws.s3.put_object(Bucket="large-uploads", Key="big.csv", Body=b"x" * (MAX_REQUEST_BYTES + 1024))
    size = aws.s3.head_object(Bucket="large-uploads", Key="big.csv")["ContentLength"]
    requests.post(f"{server_url}/moto-api/reset", timeout=10)
    assert size == MAX_REQUEST_BYTES + 1024
