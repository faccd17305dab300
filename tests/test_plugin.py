"""The moto plug-in: it takes effect on import, and fails loudly when moto no longer works as it relies on."""

import re

import boto3
import moto.backend_index as backend_index
import moto.backends as backends
import pytest

import personalize_emulator
from personalize_emulator.adapters.moto_backends import personalize_backends
from personalize_emulator.adapters.moto_plugin import PluginError, verify


def test_moto_routes_all_three_personalize_apis_to_the_emulator():
    verify()
    assert backends.get_backend("personalize") is personalize_backends


def test_mock_aws_as_a_decorator_serves_personalize():
    @personalize_emulator.mock_aws
    def count_recipes() -> int:
        return len(boto3.client("personalize", region_name="eu-west-1").list_recipes()["recipes"])

    assert count_recipes() > 10


def test_state_resets_when_moto_resets():
    with personalize_emulator.mock_aws():
        boto3.client("personalize", region_name="us-east-1").create_dataset_group(name="kept")
        assert boto3.client("personalize", region_name="us-east-1").list_dataset_groups()["datasetGroups"]
    with personalize_emulator.mock_aws():
        assert boto3.client("personalize", region_name="us-east-1").list_dataset_groups()["datasetGroups"] == []


def test_regions_and_accounts_are_separate(monkeypatch):
    with personalize_emulator.mock_aws():
        boto3.client("personalize", region_name="us-east-1").create_dataset_group(name="east")
        assert boto3.client("personalize", region_name="eu-west-1").list_dataset_groups()["datasetGroups"] == []
        monkeypatch.setenv("MOTO_ACCOUNT_ID", "111122223333")
        assert boto3.client("personalize", region_name="us-east-1").list_dataset_groups()["datasetGroups"] == []


def test_verify_fails_loudly_when_moto_routes_a_personalize_host_elsewhere(monkeypatch):
    patterns = [("s3", re.compile(r"https?://personalize-runtime\..*"))] + backend_index.backend_url_patterns
    monkeypatch.setattr(backend_index, "backend_url_patterns", patterns)
    with pytest.raises(PluginError) as raised:
        verify()
    assert "https://personalize-runtime.us-east-1.amazonaws.com/ is routed by moto to 's3'" in str(raised.value)


def test_verify_fails_loudly_when_moto_finds_backends_elsewhere(monkeypatch):
    monkeypatch.setattr(backends, "get_backend", lambda name: {})
    with pytest.raises(PluginError) as raised:
        verify()
    assert "does not return our backends" in str(raised.value)
