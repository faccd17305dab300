"""For test suites that use the emulator (and for its own demo): the S3 bucket and IAM role that Personalize needs,
with the policies AWS documents, and a poll that waits for a status. Plain boto3, so it works on AWS too.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

READ_ACTIONS = ("s3:GetObject", "s3:ListBucket")
ROLE_POLICY = "personalize-s3"  # the name of the role's inline policy


def bucket_policy(bucket: str, actions: tuple[str, ...] = READ_ACTIONS) -> dict[str, Any]:
    """The bucket policy AWS documents: the Personalize service principal may perform `actions` on the bucket."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "personalize.amazonaws.com"},
                "Action": list(actions),
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            }
        ],
    }


def trust_policy(service: str = "personalize.amazonaws.com") -> dict[str, Any]:
    """A role trust policy that lets `service` assume the role."""
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
    }


def create_bucket_and_role(
    s3: Any, iam: Any, bucket: str, role_name: str, actions: tuple[str, ...] = READ_ACTIONS
) -> str:
    """A bucket Personalize may use and a role it can assume for it (an inline policy, so no AWS managed policy is
    needed); the role's ARN. Call in us-east-1, or create the bucket yourself elsewhere."""
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(bucket_policy(bucket, actions)))
    role = iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(trust_policy()))["Role"]
    grant = {k: v for k, v in bucket_policy(bucket, actions)["Statement"][0].items() if k != "Principal"}
    iam.put_role_policy(
        RoleName=role_name,
        PolicyName=ROLE_POLICY,
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [grant]}),
    )
    return role["Arn"]


def wait_for_status(
    describe: Callable[[], dict[str, Any]], status: str = "ACTIVE", timeout: float = 3600, poll: float = 0.05
) -> dict[str, Any]:
    """Poll `describe()` (which returns the resource) until its status is `status`; `RuntimeError` with the
    failure reason if it fails, `TimeoutError` if it takes longer than `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        resource = describe()
        if resource.get("status") == status:
            return resource
        if resource.get("status") in ("CREATE FAILED", "CREATE STOPPED"):
            raise RuntimeError(f"ended {resource['status']}: {resource.get('failureReason')}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"still {resource.get('status')} after {timeout} s")
        time.sleep(poll)


def wait_until_gone(describe: Callable[[], Any], timeout: float = 3600, poll: float = 0.05) -> None:
    """Poll `describe()` until it raises `ResourceNotFoundException` (the resource is deleted)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            describe()
        except ClientError as error:
            if error.response["Error"]["Code"] == "ResourceNotFoundException":
                return
            raise
        if time.monotonic() > deadline:
            raise TimeoutError(f"not deleted after {timeout} s")
        time.sleep(poll)
