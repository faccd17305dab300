"""Reading and writing the caller's S3 data through moto's S3 backend, with the permission checks AWS makes.

Personalize reads S3 as the service principal `personalize.amazonaws.com`, through the job's role: the role
must exist and trust that principal, and the bucket policy must grant it the S3 actions the job needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from moto.iam.models import iam_backends
from moto.s3.models import s3_backends
from moto.utilities.utils import get_partition

from personalize_emulator.data.policies import allows

_S3_URL = re.compile(r"s3://(?P<bucket>[^/]+)/?(?P<key>.*)")
_HTTP_URL = re.compile(r"https?://(?P<bucket>[^./]+)\.s3[.-][^/]*amazonaws\.com/?(?P<key>.*)")


class S3AccessError(Exception):
    """Personalize cannot reach the data: the message says what is missing."""


@dataclass(frozen=True)
class S3Location:
    bucket: str
    key: str

    @property
    def is_folder(self) -> bool:
        return self.key == "" or self.key.endswith("/")

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def parse_location(url: str, invalid: str = "") -> S3Location:
    """`url` as a bucket and key; otherwise `S3AccessError`, opening with AWS's words `invalid` where it has some."""
    match = _S3_URL.fullmatch(url) or _HTTP_URL.fullmatch(url)
    if not match:
        detail = f"{url} is not an S3 location; use s3://bucket/key or s3://bucket/folder/."
        raise S3AccessError(f"{invalid} {detail}" if invalid else detail)
    return S3Location(match["bucket"], match["key"])


def _s3(account: str, region: str):
    return s3_backends[account][get_partition(region)]


def _iam(account: str, region: str):
    return iam_backends[account][get_partition(region)]


def check_role(account: str, region: str, role_arn: str | None) -> None:
    """The role must exist in IAM and its trust policy must let Personalize assume it."""
    if not role_arn:
        raise S3AccessError("A roleArn is required so that Amazon Personalize can read your S3 data.")
    try:
        role = _iam(account, region).get_role_by_arn(role_arn)
    except Exception:
        raise S3AccessError(f"The role {role_arn} does not exist in IAM.") from None
    if not allows(role.assume_role_policy_document, "sts:AssumeRole"):
        raise S3AccessError(
            f"The role {role_arn} does not trust personalize.amazonaws.com: its trust policy must allow that "
            "service principal sts:AssumeRole."
        )


def check_bucket(account: str, region: str, location: S3Location, actions: tuple[str, ...]) -> None:
    """The bucket must exist and its policy must grant `personalize.amazonaws.com` each of `actions`."""
    s3 = _s3(account, region)
    try:
        bucket = s3.get_bucket(location.bucket)
    except Exception:
        raise S3AccessError(f"The S3 bucket {location.bucket} does not exist.") from None
    partition = get_partition(region)
    bucket_arn = f"arn:{partition}:s3:::{location.bucket}"
    missing = []
    for action in actions:
        resource = bucket_arn if action == "s3:ListBucket" else f"{bucket_arn}/{location.key or '*'}"
        if action != "s3:ListBucket" and location.is_folder:
            resource = f"{bucket_arn}/{location.key}*"
        if not allows(bucket.policy, action, resource):
            missing.append(f"{action} on {resource}")
    if missing:
        raise S3AccessError(
            bucket_policy_message(location.bucket)
            + " It must allow the service principal personalize.amazonaws.com "
            + " and ".join(missing)
            + "."
        )


def bucket_policy_message(bucket: str) -> str:
    """AWS's words when the bucket policy does not let Personalize in (quoted from a real answer); ours follow."""
    return (
        "Insufficient privileges for accessing data in S3. Please look at "
        "https://docs.aws.amazon.com/personalize/latest/dg/granting-personalize-s3-access.html#attach-bucket-policy "
        f"and fix bucket policy on {bucket}."
    )


def reach(
    account: str, region: str, role_arn: str | None, url: str, actions: tuple[str, ...], invalid: str = ""
) -> S3Location:
    """The location `url`, once the role and the bucket policy let Personalize perform `actions` there."""
    location = parse_location(url, invalid)
    check_role(account, region, role_arn)
    check_bucket(account, region, location, actions)
    return location


def _bucket(s3, location: S3Location):
    try:
        return s3.get_bucket(location.bucket)
    except Exception:
        raise S3AccessError(f"The S3 bucket {location.bucket} does not exist.") from None


def _read(s3, location: S3Location, names: list[str]) -> list[tuple[str, bytes]]:
    found = [(name, s3.get_object(location.bucket, name)) for name in sorted(names)]
    objects = [(f"s3://{location.bucket}/{name}", key.value) for name, key in found if key is not None]
    if not objects:
        raise S3AccessError(f"There are no objects under {location}.")
    return objects


def read_objects(account: str, region: str, location: S3Location) -> list[tuple[str, bytes]]:
    """The object at `location`, or every object under it when it names a folder (`prefix/`)."""
    s3 = _s3(account, region)
    bucket = _bucket(s3, location)
    if location.is_folder:
        # Personalize reads only the first level of a folder, none of its sub folders.
        keys = list(bucket.keys.keys())
        return _read(
            s3, location, [k for k in keys if k.startswith(location.key) and "/" not in k[len(location.key) :]]
        )
    key = s3.get_object(location.bucket, location.key)
    if key is None:
        raise S3AccessError(f"There is no object at {location}.")
    return [(str(location), key.value)]


def read_prefix(account: str, region: str, location: S3Location, suffix: str = "") -> list[tuple[str, bytes]]:
    """Every object whose key starts with `location.key` (and ends with `suffix`), at any depth, as batch jobs read
    their input: S3 is prefix based, so `s3://bucket/in` reads `in.json` and `in_test/a.json` alike (folder markers
    aside)."""
    s3 = _s3(account, region)
    keys = list(_bucket(s3, location).keys.keys())
    wanted = [k for k in keys if k.startswith(location.key) and k.endswith(suffix) and not k.endswith("/")]
    return _read(s3, location, wanted)


def write_object(account: str, region: str, location: S3Location, body: bytes) -> None:
    _s3(account, region).put_object(location.bucket, location.key, body)
