"""Every handler takes exactly its operation's input members: nothing a client sends is dropped by a handler that
forgot a member, and no handler waits for a member the model does not have."""

import inspect

import pytest
from botocore import xform_name

import personalize_emulator  # noqa: F401  (registers every handler)
from personalize_emulator.protocol.registry import handler_for, implemented
from personalize_emulator.protocol.service_models import SERVICES, service_model

OPERATIONS = {name: service for service in SERVICES for name in service_model(service).operation_names}


@pytest.mark.parametrize("name", sorted(implemented()))
def test_a_handler_takes_its_operations_input_members(name):
    operation = service_model(OPERATIONS[name]).operation_model(name)
    members = operation.input_shape.members if operation.input_shape else {}
    parameters = list(inspect.signature(handler_for(name)).parameters)
    assert parameters[0] == "backend"
    assert sorted(parameters[1:]) == sorted(xform_name(member) for member in members)
    required = set(operation.input_shape.required_members) if operation.input_shape else set()
    for parameter in inspect.signature(handler_for(name)).parameters.values():
        if parameter.name != "backend":
            optional = parameter.default is not inspect.Parameter.empty
            member = next(m for m in members if xform_name(m) == parameter.name)
            assert optional == (member not in required), f"{name}.{parameter.name}: required in the model?"


def test_every_registered_handler_names_an_operation_of_the_models():
    assert implemented() <= set(OPERATIONS)


LISTS = sorted(name for name in service_model("personalize").operation_names if name.startswith("List"))


def test_every_list_operation_answers_so_that_clean_up_code_can_page_them_all(aws):
    """AWS's clean-up samples page every list; until a family is served, its list is empty (and a 200)."""
    for name in LISTS:
        method = xform_name(name)
        if name in ("ListTagsForResource", "ListMetricAttributionMetrics"):
            continue  # each lists what one resource holds: tests/control/test_tags.py, test_metric_attributions.py
        if aws.personalize.can_paginate(method):
            pages = list(aws.personalize.get_paginator(method).paginate())
        else:
            pages = [getattr(aws.personalize, method)()]
        assert all(page["ResponseMetadata"]["HTTPStatusCode"] == 200 for page in pages), name


@pytest.mark.parametrize("name", sorted(set(LISTS) - implemented()))
def test_a_list_operation_not_served_yet_answers_an_empty_list(aws, name):
    answer = getattr(aws.personalize, xform_name(name))()
    lists = [key for key, value in answer.items() if isinstance(value, list)]
    assert lists and all(answer[key] == [] for key in lists)
    assert "nextToken" not in answer
