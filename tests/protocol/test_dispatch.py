"""The wire: raw signed HTTP requests against the server, for what boto3 would never send."""

import json

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from personalize_emulator.protocol.registry import implemented
from personalize_emulator.protocol.service_models import CONTROL_PLANE, EVENTS, RUNTIME, service_model

CREDENTIALS = Credentials("testing", "testing")


def post(url: str, path: str, body: bytes | str, target: str | None = None) -> requests.Response:
    """A POST signed as `personalize` (all three APIs sign so), like any SDK would send it."""
    headers = {"Content-Type": "application/x-amz-json-1.1" if target else "application/json"}
    if target:
        headers["X-Amz-Target"] = target
    request = AWSRequest("POST", url + path, data=body, headers=headers)
    SigV4Auth(CREDENTIALS, "personalize", "us-east-1").add_auth(request)
    return requests.post(url + path, data=body, headers=dict(request.headers), timeout=10)


def control(url: str, operation: str, body: dict | str) -> requests.Response:
    payload = body if isinstance(body, str) else json.dumps(body)
    return post(url, "/", payload, f"AmazonPersonalize.{operation}")


def error(response: requests.Response) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["__type"], body["message"]


def test_a_control_plane_call_answers_json_1_1(server_url):
    response = control(server_url, "ListRecipes", {})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/x-amz-json-1.1"
    assert "x-amzn-RequestId" in response.headers
    assert any(r["name"] == "aws-user-personalization" for r in response.json()["recipes"])


def test_malformed_json_is_a_serialization_error(server_url):
    status, code, message = error(control(server_url, "CreateDatasetGroup", '{"name": "g",'))
    assert (status, code) == (400, "SerializationException")
    assert message.startswith("The request body is not valid JSON")


def test_a_json_array_body_is_refused(server_url):
    status, code, message = error(control(server_url, "CreateDatasetGroup", "[1, 2]"))
    assert (status, code, message) == (400, "SerializationException", "The request body must be a JSON object.")


def test_an_unknown_target_names_the_operation(server_url):
    status, code, message = error(control(server_url, "CreateMagic", {}))
    assert (status, code) == (400, "UnknownOperationException")
    assert message == "CreateMagic is not an operation of Amazon Personalize."


def test_an_unknown_runtime_path_is_refused_as_json(server_url):
    status, code, message = error(post(server_url, "/nowhere", "{}"))
    assert (status, code) == (400, "UnknownOperationException")
    assert message == "No Amazon Personalize operation answers POST /nowhere."


def test_runtime_resource_not_found_is_404(server_url):
    arn = "arn:aws:personalize:us-east-1:123456789012:campaign/none"
    status, code, message = error(post(server_url, "/recommendations", json.dumps({"campaignArn": arn, "userId": "u"})))
    assert (status, code, message) == (404, "ResourceNotFoundException", f"Resource Arn {arn} does not exist.")


def test_control_plane_resource_not_found_is_400(server_url):
    arn = "arn:aws:personalize:us-east-1:123456789012:campaign/none"
    status, code, _ = error(control(server_url, "DescribeCampaign", {"campaignArn": arn}))
    assert (status, code) == (400, "ResourceNotFoundException")


def _unimplemented():
    """The operations not served yet, but `List*` ones, which answer an empty list (see test_registry.py)."""
    for service in (CONTROL_PLANE, RUNTIME, EVENTS):
        model = service_model(service)
        for name in model.operation_names:
            if name not in implemented() and not name.startswith("List"):
                yield service, model.operation_model(name)


@pytest.mark.parametrize("service, operation", list(_unimplemented()), ids=lambda v: getattr(v, "name", v))
def test_every_unimplemented_operation_says_so_with_a_501(server_url, service, operation):
    if service == CONTROL_PLANE:
        response = control(server_url, operation.name, {})
    else:
        response = post(server_url, operation.http["requestUri"], "{}")
    status, code, message = error(response)
    assert (status, code) == (501, "NotImplementedException")
    assert message.startswith(f"personalize_emulator does not implement {service} {operation.name} yet")


def _implemented():
    for service in (CONTROL_PLANE, RUNTIME, EVENTS):
        model = service_model(service)
        for name in sorted(set(model.operation_names) & implemented()):
            yield service, model.operation_model(name)


@pytest.mark.parametrize("service, operation", list(_implemented()), ids=lambda v: getattr(v, "name", v))
def test_every_implemented_operation_answers_garbage_with_a_4xx(server_url, service, operation):
    garbage = (
        {member: {"nested": ["garbage"]} for member in operation.input_shape.members} if operation.input_shape else {}
    )
    if service == CONTROL_PLANE:
        response = control(server_url, operation.name, garbage)
    else:
        response = post(server_url, operation.http["requestUri"], json.dumps(garbage))
    assert 400 <= response.status_code < 500, response.text
    assert set(response.json()) == {"__type", "message"}
