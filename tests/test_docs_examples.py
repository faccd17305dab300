"""The boto3 examples of docs/domains-and-recommenders.md run as written against the emulator (they are meant to
run unchanged on AWS too): a Domain dataset group, a recommender through its lifecycle, Trending-Now."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import boto3
import pytest

from personalize_emulator import mock_aws
from personalize_emulator.testing import create_bucket_and_role
from tests.conftest import REGION
from tests.recipes.planted_domains import vod

DOCS = Path(__file__).resolve().parents[1] / "docs"


def examples(page: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", (DOCS / page).read_text(), re.S)


def test_the_domain_and_recommender_examples_run_as_written(monkeypatch: pytest.MonkeyPatch, capsys):
    polls = time.sleep
    monkeypatch.setattr(time, "sleep", lambda seconds: polls(0.01))  # the examples wait 30 s between polls, for AWS
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        s3 = boto3.client("s3")
        create_bucket_and_role(s3, boto3.client("iam"), "my-bucket", "PersonalizeS3")
        ratings = io.StringIO()
        vod().interactions.to_csv(ratings, index=False)
        s3.put_object(Bucket="my-bucket", Key="ratings.csv", Body=ratings.getvalue().encode())
        namespace: dict = {}
        for code in examples("domains-and-recommenders.md"):
            exec(compile(code, "docs/domains-and-recommenders.md", "exec"), namespace)  # noqa: S102
        top_pick_list, trending_list = (line for line in capsys.readouterr().out.splitlines() if "itemId" in line)
        runtime = namespace["runtime"]
        assert runtime.get_recommendations(campaignArn=namespace["campaign_arn"])["itemList"][0]["itemId"] == "rising"
    assert top_pick_list.count("'itemId'") == 10 and trending_list.startswith("[{'itemId': 'rising'")
