"""Hostile requests for every operation of the three Personalize APIs, generated from botocore's input shapes.

Shared by bench/fuzz.py (long random runs) and tests/protocol/test_fuzz.py (a bounded, derandomized run in the
suite). A body starts from one that fits the operation's input shape, with the real ARNs of a deployed dataset
group where a member takes an ARN, so that hostile values reach the handlers and not only validation; then it is
spoilt: members of the wrong JSON type, required members dropped, unknown members added, huge strings (up to
about 100 KB), odd Unicode (escaped lone surrogates, NUL, RTL marks, emoji), deep nesting, numbers out of range.
Or the body is no JSON object at all: empty, another JSON value, broken or truncated JSON, nesting 100,000 deep,
not UTF-8.
"""

from __future__ import annotations

import json
import re
import string
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import boto3
import requests
from botocore.model import OperationModel, Shape
from hypothesis import strategies as st

from personalize_emulator.protocol.service_models import CONTROL_PLANE, SERVICES, service_model

REGION = "us-east-1"
ODD_TEXT = [
    "\x00",
    "\u200f",  # right-to-left mark
    "\u202e",  # right-to-left override
    "\u2028",
    "\ufeff",
    "\uffff",
    "\ud800",  # lone surrogates: json.dumps escapes them, so they reach the server as \ud800
    "\udfff",
    "😀",
    "👩‍👩‍👧",
    "\U0010ffff",
    "e\u0301",
    "../",
    "..\\",
    "/",
    "%00",
    "\n",
    "\r\n",
    "'\"",
    "${jndi:x}",
    "<script>",
    "name",
    "a",
]
OUT_OF_RANGE = [-1, 0, 2**31, -(2**31) - 1, 2**63, -(2**63) - 1, 10**30, 1e308, -1e308, 5e-324, -0.0, 0.5]


@dataclass
class Pool:
    """Real identifiers of a deployed dataset group, drawn where a member takes an ARN or a tracking id."""

    arns: list[str] = field(default_factory=list)
    tracking_ids: list[str] = field(default_factory=list)
    role_arns: list[str] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FuzzRequest:
    service: str
    operation: str
    path: str
    headers: dict[str, str]
    body: bytes

    def __repr__(self) -> str:
        shown = self.body[:300] + (b"..." if len(self.body) > 300 else b"")
        return f"FuzzRequest({self.service} {self.operation} {self.path} {self.headers!r} body={shown!r})"


def operations() -> list[tuple[str, OperationModel]]:
    """Every operation of the three service models, implemented here or not."""
    return [
        (service, service_model(service).operation_model(name))
        for service in SERVICES
        for name in service_model(service).operation_names
    ]


# -- hostile values ----------------------------------------------------------------------------------------
def _repeat(pieces: list[str], low: int, high: int) -> st.SearchStrategy[str]:
    return st.builds(lambda piece, n: piece * n, st.sampled_from(pieces), st.integers(low, high))


# About 100 KB on the wire at most: ASCII up to 100,000 characters, the rest (escaped as \uXXXX) fewer.
HUGE_STRINGS = st.one_of(_repeat(["a", "/"], 1_000, 100_000), _repeat(["é", "😀", "\x00", "\u202e"], 500, 8_000))
ODD_STRINGS = st.one_of(
    st.lists(st.sampled_from(ODD_TEXT), min_size=1, max_size=6).map("".join),
    st.text(st.characters(codec=None), max_size=30),
)


def _nest(depth: int, as_list: bool) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value] if as_list else {"a": value}
    return value


# Values that fit no member: each JSON type, huge or odd strings, numbers out of range, deep nesting.
HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(OUT_OF_RANGE),
    ODD_STRINGS,
    HUGE_STRINGS,
    st.lists(st.integers(), max_size=3),
    st.dictionaries(ODD_STRINGS, st.integers(), max_size=3),
    st.builds(_nest, st.integers(2, 200), st.booleans()),
)

# Bodies that are not a JSON object: empty, other JSON values, broken JSON, deep nesting, other encodings.
_DEPTH = st.integers(10, 100_000)
RAW_BODIES = st.one_of(
    st.sampled_from([b"", b" ", b"\r\n", b"null", b"[]", b"123", b'"text"', b"true", b"{", b"}", b"{}}", b"NaN"]),
    st.sampled_from([b'{"a":NaN}', b'{"a":Infinity}', b'{"name":"g","name":5}', b"\xef\xbb\xbf{}", b'{"\\ud800":1}']),
    st.builds(lambda n: b"[" * n + b"]" * n, _DEPTH),
    st.builds(lambda n: b'{"a":' * n + b"1" + b"}" * n, _DEPTH),
    st.builds(lambda n: b"[" * n, _DEPTH),
    st.binary(max_size=300),
    st.builds(lambda text: text.encode("utf-16"), st.sampled_from(['{"name": "g"}', "{}"])),
    st.builds(lambda raw: b'{"name":"' + raw + b'"}', st.sampled_from([b"\xff\xfe", b"\xc3", b"\xed\xa0\x80"])),
    st.builds(lambda n: b'{"maxResults":' + b"9" * n + b"}", st.integers(20, 10_000)),
)


# -- values that fit the shapes ----------------------------------------------------------------------------
def _regex(pattern: str) -> st.SearchStrategy[str] | None:
    try:
        re.compile(pattern)
    except re.error:  # \p{...} classes: Python's re does not know them
        return None
    return st.from_regex(pattern, fullmatch=True)


def _arns(member: str, pool: Pool) -> st.SearchStrategy[str]:
    """An ARN of the pool, of the kind the member names most of the time (`campaignArn`: a campaign)."""
    kind = re.sub(r"(?<!^)([A-Z])", r"-\1", member[: -len("Arn")]).lower()  # solutionVersionArn -> solution-version
    if kind == "solution-version":
        kinds = [a for a in pool.arns if a.count("/") == 2 and ":solution/" in a]
    else:
        kinds = [a for a in pool.arns if f":{kind}/" in a]
    anything = st.sampled_from(pool.arns)
    return (
        st.one_of(st.sampled_from(kinds), st.sampled_from(kinds), st.sampled_from(kinds), anything)
        if kinds
        else anything
    )


def _string(shape: Shape, member: str, pool: Pool) -> st.SearchStrategy[str]:
    if shape.enum:
        return st.sampled_from(shape.enum)
    lowered = member.lower()
    if lowered == "rolearn" and pool.role_arns:
        return st.sampled_from(pool.role_arns)
    if lowered.endswith("arn") and pool.arns:
        return _arns(member, pool)
    if lowered == "trackingid" and pool.tracking_ids:
        return st.sampled_from(pool.tracking_ids)
    if lowered in ("datalocation", "path") and pool.locations:
        return st.sampled_from(pool.locations)
    if lowered in ("userid", "itemid", "sessionid"):
        return st.sampled_from(["u1", "u2", "i1", "i2", "user-00", "item-0001"])
    if lowered == "properties":
        return st.sampled_from(['{"genres": "drama"}', '{"nationality": "FR"}', "{}", "[]", "[" * 600, "not json"])
    if lowered == "schema":
        return st.sampled_from(['{"type": "record", "name": "Interactions", "fields": []}', "{}", "[]", "null"])
    if lowered == "filterexpression":
        return st.sampled_from(["EXCLUDE ItemID WHERE Items.GENRES IN ($G)", "INCLUDE", "(((((", "ItemID"])
    low, high = shape.metadata.get("min", 0), min(shape.metadata.get("max", 30), 30)
    plain = st.text(string.ascii_letters + string.digits + "-_", min_size=low, max_size=max(high, low))
    by_pattern = _regex(shape.metadata["pattern"]) if shape.metadata.get("pattern") else None
    return st.one_of(by_pattern, plain) if by_pattern is not None else plain


def fitting(shape: Shape, member: str, pool: Pool, spoil: bool, depth: int = 0) -> st.SearchStrategy[Any]:
    """A value of the member's shape, within its constraints; with `spoil`, any nested value may be hostile."""

    def nested(inner: Shape, name: str) -> st.SearchStrategy[Any]:
        value = fitting(inner, name, pool, spoil, depth + 1)
        return st.one_of(value, value, value, value, HOSTILE) if spoil else value

    kind = shape.type_name
    if depth > 6:
        return st.none()
    if kind == "structure":
        members = shape.members.items()
        required = {n: nested(s, n) for n, s in members if n in shape.required_members}
        optional = {n: nested(s, n) for n, s in members if n not in shape.required_members}
        return st.fixed_dictionaries(required, optional=optional)
    if kind == "list":
        return st.lists(nested(shape.member, member), max_size=min(shape.metadata.get("max", 4), 4))
    if kind == "map":
        return st.dictionaries(
            fitting(shape.key, member, pool, False, depth + 1), nested(shape.value, member), max_size=3
        )
    if kind == "string":
        return _string(shape, member, pool)
    if kind in ("integer", "long"):
        return st.integers(shape.metadata.get("min", -(2**31)), shape.metadata.get("max", 2**31))
    if kind in ("float", "double"):
        return st.floats(shape.metadata.get("min"), shape.metadata.get("max"), allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return st.one_of(st.integers(0, 2_000_000_000), st.floats(0, 2e9))
    return st.text(max_size=10)


# -- bodies ------------------------------------------------------------------------------------------------
_ACTIONS = st.sampled_from(["keep", "keep", "keep", "drop", "hostile"])
# Unknown members: odd names, a member's name in another case, the error's own key.
_EXTRAS = st.dictionaries(st.one_of(ODD_STRINGS, st.sampled_from(["Name", "NAME", "__type"])), HOSTILE, max_size=2)
_KINDS = st.sampled_from(["raw", "spoilt", "spoilt", "nearly-valid", "nearly-valid"])


@st.composite
def _spoilt(draw: st.DrawFn, body: st.SearchStrategy[dict], names: st.SearchStrategy[list[str]]) -> dict:
    """Members replaced by hostile values or dropped (required ones too), unknown members added."""
    value = dict(draw(body))
    for name in list(value):
        action = draw(_ACTIONS)
        if action == "drop":
            del value[name]
        elif action == "hostile":
            value[name] = draw(HOSTILE)
    for name in draw(names):
        value.pop(name, None)
    return value | draw(_EXTRAS)


@st.composite
def _nearly_valid(draw: st.DrawFn, body: st.SearchStrategy[dict]) -> dict:
    """A body that fits, but for at most one hostile member or one unknown member: it reaches the handler."""
    value = dict(draw(body))
    change = draw(st.sampled_from(["none", "member", "extra"]))
    if change == "member" and value:
        value[draw(st.sampled_from(sorted(value)))] = draw(HOSTILE)
    elif change == "extra":
        value |= draw(_EXTRAS)
    return value


def _encode(body: dict, ascii_only: bool) -> bytes:
    # Without ensure_ascii, lone surrogates go out raw: bytes that are not UTF-8.
    return json.dumps(body, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


@st.composite
def _bodies(draw: st.DrawFn, spoilt: st.SearchStrategy[dict], nearly_valid: st.SearchStrategy[dict]) -> bytes:
    kind = draw(_KINDS)
    if kind == "raw":
        return draw(RAW_BODIES)
    encoded = _encode(draw(spoilt if kind == "spoilt" else nearly_valid), draw(st.booleans()))
    if kind == "spoilt" and draw(st.integers(0, 9)) == 0:  # cut short
        encoded = encoded[: draw(st.integers(0, max(len(encoded) - 1, 0)))]
    return encoded


# -- requests ----------------------------------------------------------------------------------------------
_ACCESS_KEYS = st.one_of(
    st.just("testing"), st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", min_size=16, max_size=16).map("AKIA".__add__)
)
# Credential scopes a client could send: this region, another, and regions AWS has not got.
_REGIONS = st.sampled_from([REGION] * 25 + ["eu-west-1", "mars-north-1", "..", "US-EAST-1", " "])
_REST_CONTENT_TYPES = st.sampled_from(["application/json", "text/plain", "application/x-amz-json-1.1"])


def hostile_requests(pool: Pool) -> st.SearchStrategy[FuzzRequest]:
    """One request to one operation of the three APIs, with a plausible `personalize` signature.

    Each operation's strategy is built once: building it for each example would cost more than sending it."""
    by_operation = []
    # Deletes aim beside the pool (the same ARNs, renamed): a run that deleted its campaign early would test
    # the runtime on a campaign that is gone.
    beside = Pool([arn + "-gone" for arn in pool.arns], pool.tracking_ids, pool.role_arns, pool.locations)
    for service, operation in operations():
        shape = operation.input_shape
        aim = beside if operation.name.startswith("Delete") else pool
        if shape is None:
            spoilt = nearly_valid = st.just({})
        else:
            names = st.lists(st.sampled_from(sorted(shape.members)), max_size=2)
            spoilt = _spoilt(fitting(shape, "", aim, spoil=True), names)
            nearly_valid = _nearly_valid(fitting(shape, "", aim, spoil=False))
        by_operation.append((service, operation, _bodies(spoilt, nearly_valid)))
    return _requests(st.sampled_from(by_operation))


@st.composite
def _requests(draw: st.DrawFn, by_operation: st.SearchStrategy[tuple]) -> FuzzRequest:
    service, operation, body = draw(by_operation)
    headers = {
        "Authorization": f"AWS4-HMAC-SHA256 Credential={draw(_ACCESS_KEYS)}/20260101/{draw(_REGIONS)}/personalize/"
        f"aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature={'0' * 64}",
        "X-Amz-Date": "20260101T000000Z",
    }
    if service == CONTROL_PLANE:
        path = "/"
        headers["X-Amz-Target"] = f"AmazonPersonalize.{operation.name}"
        headers["Content-Type"] = "application/x-amz-json-1.1"
    else:
        path = operation.http["requestUri"]
        headers["Content-Type"] = draw(_REST_CONTENT_TYPES)
    return FuzzRequest(service, operation.name, path, headers, draw(body))


# -- sending and judging -----------------------------------------------------------------------------------
OUTCOMES = ("2xx", "4xx", "501", "5xx", "malformed", "crash")
FAILURES = ("5xx", "malformed", "crash")


def judge(response: requests.Response | None) -> str:
    """An AWS-shaped error (`4xx`, `501`), a `2xx` with a JSON object, a `5xx`; anything else is `malformed`."""
    if response is None:
        return "crash"
    status = response.status_code
    if status >= 500 and status != 501:
        return "5xx"
    try:
        body = response.json()
    except ValueError:
        return "malformed"
    if not isinstance(body, dict):
        return "malformed"
    if 200 <= status < 300:
        return "2xx"
    if set(body) != {"__type", "message"} or not all(isinstance(v, str) for v in body.values()):
        return "malformed"
    if status == 501:
        return "501" if body["__type"] == "NotImplementedException" else "malformed"
    return "4xx" if 400 <= status < 500 else "malformed"


def fire(session: requests.Session, url: str, request: FuzzRequest) -> tuple[str, requests.Response | None]:
    """Send `request`; its outcome, and the answer unless the connection dropped or timed out."""
    try:
        response = session.post(url + request.path, data=request.body, headers=request.headers, timeout=30)
    except requests.RequestException:
        return "crash", None
    return judge(response), response


@dataclass
class Tally:
    counts: Counter = field(default_factory=Counter)
    failures: list[tuple[str, FuzzRequest, str]] = field(default_factory=list)

    def add(self, outcome: str, request: FuzzRequest, response: requests.Response | None) -> None:
        self.counts[outcome] += 1
        if outcome in FAILURES and len(self.failures) < 20:
            detail = "no answer" if response is None else f"{response.status_code} {response.text[:300]}"
            self.failures.append((outcome, request, detail))


# -- a deployed dataset group to aim at --------------------------------------------------------------------
def clients(url: str) -> SimpleNamespace:
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
    return SimpleNamespace(
        adapter="server",
        url=url,
        **{
            attr: session.client(name, endpoint_url=url)
            for attr, name in [
                ("personalize", "personalize"),
                ("runtime", "personalize-runtime"),
                ("events", "personalize-events"),
                ("s3", "s3"),
                ("iam", "iam"),
            ]
        },
    )


def deploy(url: str) -> Pool:
    """Interactions, Items and Users datasets, a popularity campaign, an event tracker and a filter, built through
    the public API of the server at `url`; their identifiers, for the generators to aim at."""
    from tests import builders

    aws = clients(url)
    built = builders.deployed(aws)
    items = builders.dataset(aws, built.group, "ITEMS")
    users = builders.dataset(aws, built.group, "USERS")
    tracker = builders.tracker(aws, built.group)
    filter_arn = aws.personalize.create_filter(
        name="fuzz-filter",
        datasetGroupArn=built.group,
        filterExpression='EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")',
    )["filterArn"]
    schemas = [s["schemaArn"] for s in aws.personalize.list_schemas()["schemas"]]
    return Pool(
        arns=[built.group, built.interactions, items, users, built.solution, built.version, built.campaign]
        + [filter_arn, tracker["eventTrackerArn"], builders.POPULARITY, *schemas]
        + ["arn:aws:personalize:::recipe/aws-user-personalization"],
        tracking_ids=[tracker["trackingId"]],
        role_arns=[built.role],
        locations=[f"s3://{builders.BUCKET}/import.csv", f"s3://{builders.BUCKET}/", f"s3://{builders.BUCKET}/out/"],
    )
