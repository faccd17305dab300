"""The whole workflow, as a script written for real AWS runs it: unchanged in-process, over HTTP, and by the CLI."""

import json
import os
import subprocess
import sys

import boto3
import pytest
import requests

from personalize_emulator import mock_aws
from personalize_emulator.demo import run_workflow, synthetic_interactions

REGION = "us-east-1"


@pytest.fixture
def credentials(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")


def check(result: dict) -> None:
    frame = synthetic_interactions()
    by_users = frame.groupby("ITEM_ID")["USER_ID"].nunique().sort_values(ascending=False, kind="stable")
    # Popularity recommends the items most users chose; the demo's Zipf data makes the head unambiguous.
    assert result["recommended"][:3] == list(by_users.index[:3])
    assert set(result["metrics"]) >= {"coverage", "precision_at_5", "normalized_discounted_cumulative_gain_at_10"}
    assert result["metrics"]["precision_at_25"] > 0


def test_the_workflow_runs_in_process(credentials):
    with mock_aws():
        check(run_workflow(boto3.session.Session(region_name=REGION), log=lambda _: None))


def test_the_workflow_runs_against_the_server(credentials, server_url):
    requests.post(f"{server_url}/moto-api/reset", timeout=10)
    check(run_workflow(boto3.session.Session(region_name=REGION), server_url, log=lambda _: None))


def aws_cli(server_url: str, *args: str) -> subprocess.CompletedProcess:
    env = os.environ | {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }
    command = [sys.executable, "-m", "awscli", "--endpoint-url", server_url, "--output", "json", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)


def test_the_aws_cli_works_against_the_server(server_url):
    requests.post(f"{server_url}/moto-api/reset", timeout=10)
    created = aws_cli(server_url, "personalize", "create-dataset-group", "--name", "cli-group")
    assert created.returncode == 0, created.stderr
    arn = json.loads(created.stdout)["datasetGroupArn"]
    listed = json.loads(aws_cli(server_url, "personalize", "list-dataset-groups").stdout)
    assert [g["datasetGroupArn"] for g in listed["datasetGroups"]] == [arn]
    recipes = json.loads(aws_cli(server_url, "personalize", "list-recipes").stdout)["recipes"]
    assert "arn:aws:personalize:::recipe/aws-popularity-count" in {r["recipeArn"] for r in recipes}

    missing = aws_cli(
        server_url,
        "personalize-runtime",
        "get-recommendations",
        "--user-id",
        "u1",
        "--campaign-arn",
        "arn:aws:personalize:us-east-1:123456789012:campaign/none",
    )
    assert missing.returncode != 0
    assert "ResourceNotFoundException" in missing.stderr
    bad = aws_cli(server_url, "personalize", "create-dataset-group", "--name", "bad name")
    assert bad.returncode != 0 and "InvalidInputException" in bad.stderr
