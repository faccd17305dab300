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
