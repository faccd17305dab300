import pandas as pd
import pytest
from botocore.exceptions import ClientError

from personalize_emulator import configure
from personalize_emulator.adapters.moto_backends import personalize_backends
from tests.builders import (
    INTERACTIONS_FIELDS,
    ITEMS_FIELDS,
    USERS_FIELDS,
    avro,
    bucket_and_role,
    dataset,
    group,
    import_frame,
    planted_interactions,
    solution,
    start_import,
    tracker,
    trained_group,
    upload,
)
from tests.conftest import ACCOUNT, REGION, error_of, wait_gone, wait_until

ITEMS = pd.DataFrame({"ITEM_ID": ["i1", "i2"], "GENRES": ["a|b", ""], "CREATION_TIMESTAMP": [1_700_000_000, ""]})


def describe(aws, arn):
    return aws.personalize.describe_dataset(datasetArn=arn)["dataset"]


def schema(aws, name, record, fields):
    return aws.personalize.create_schema(name=name, schema=avro(record, fields))["schemaArn"]


def stored(dataset_arn):
    """The records the emulator holds for a dataset (both adapters share this process's backend)."""
    return personalize_backends[ACCOUNT][REGION].resources[dataset_arn].table.frame()


def exists(aws, arn):
    return any(d["datasetArn"] == arn for d in aws.personalize.list_datasets()["datasets"])


def metadata(count):
    return [{"name": f"EXTRA_{index}", "type": ["null", "string"], "categorical": True} for index in range(count)]


def test_create_dataset_takes_the_type_in_any_case_and_moves_to_active(aws, visible_pace):
    configure(pace=0)
    group_arn = group(aws, "movies")
    schema_arn = schema(aws, "clicks", "Interactions", INTERACTIONS_FIELDS)
    configure(pace=visible_pace)
    arn = aws.personalize.create_dataset(
        name="clicks", datasetGroupArn=group_arn, datasetType="Interactions", schemaArn=schema_arn
    )["datasetArn"]
    assert arn == f"arn:aws:personalize:{REGION}:{ACCOUNT}:dataset/movies/INTERACTIONS"
    assert describe(aws, arn)["status"] == "CREATE PENDING"
    wait_until(lambda: describe(aws, arn), "CREATE IN_PROGRESS")
    described = wait_until(lambda: describe(aws, arn))
    assert described["datasetType"] == "INTERACTIONS"
    assert described["datasetGroupArn"] == group_arn
    assert described["schemaArn"] == schema_arn


def test_create_dataset_of_an_unknown_type_is_refused(aws):
    group_arn = group(aws)
    schema_arn = schema(aws, "clicks", "Interactions", INTERACTIONS_FIELDS)
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_dataset(name="d", datasetGroupArn=group_arn, datasetType="Clicks", schemaArn=schema_arn)
    assert error_of(raised) == (
        "InvalidInputException",
        "Invalid dataset type Clicks; it must be one of INTERACTIONS, ITEMS, USERS, ACTIONS, ACTION_INTERACTIONS "
        "(case-insensitive).",
    )


def test_a_group_has_one_dataset_of_each_type(aws):
    group_arn = group(aws)
    existing = dataset(aws, group_arn)
    other_schema = schema(aws, "other", "Interactions", INTERACTIONS_FIELDS)
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_dataset(
            name="second", datasetGroupArn=group_arn, datasetType="interactions", schemaArn=other_schema
        )
    assert error_of(raised) == (
        "ResourceAlreadyExistsException",
        f"Another resource with Arn {existing} already exists.",
    )
    dataset(aws, group_arn, "ITEMS")
    dataset(aws, group_arn, "USERS")
    assert len(aws.personalize.list_datasets(datasetGroupArn=group_arn)["datasets"]) == 3


@pytest.mark.parametrize(
    ("kind", "fields", "missing"),
    [
        pytest.param("INTERACTIONS", INTERACTIONS_FIELDS[:1] + INTERACTIONS_FIELDS[2:], "ITEM_ID", id="interactions"),
        pytest.param("INTERACTIONS", INTERACTIONS_FIELDS[:2], "TIMESTAMP", id="interactions-timestamp"),
        pytest.param("ITEMS", USERS_FIELDS, "ITEM_ID", id="items"),
        pytest.param("USERS", ITEMS_FIELDS, "USER_ID", id="users"),
    ],
)
def test_create_dataset_needs_the_required_fields_of_its_type(aws, kind, fields, missing):
    group_arn = group(aws)
    schema_arn = schema(aws, "lacking", kind.title(), fields)
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_dataset(name="d", datasetGroupArn=group_arn, datasetType=kind, schemaArn=schema_arn)
    assert error_of(raised) == (
        "InvalidInputException",
        f"The schema lacks the field {missing}, which a dataset of type {kind} requires.",
    )


def test_a_required_field_cannot_be_nullable(aws):
    group_arn = group(aws)
    fields = [{"name": "ITEM_ID", "type": ["null", "string"]}, *ITEMS_FIELDS[1:]]
    schema_arn = schema(aws, "nullable-id", "Items", fields)
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_dataset(name="d", datasetGroupArn=group_arn, datasetType="ITEMS", schemaArn=schema_arn)
    assert error_of(raised) == (
        "InvalidInputException",
        "The field ITEM_ID cannot be nullable in a dataset of type ITEMS.",
    )


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        pytest.param("INTERACTIONS", INTERACTIONS_FIELDS, id="interactions"),
        pytest.param("USERS", USERS_FIELDS[:1], id="users"),
    ],
)
def test_create_dataset_refuses_more_than_five_metadata_fields(aws, kind, fields):
    group_arn = group(aws)
    reserved = [{"name": "EVENT_VALUE", "type": ["null", "float"]}] if kind == "INTERACTIONS" else []
    within = schema(aws, "five", kind.title(), fields + reserved + metadata(5))
    dataset_arn = aws.personalize.create_dataset(
        name="d", datasetGroupArn=group_arn, datasetType=kind, schemaArn=within
    )
    assert dataset_arn["datasetArn"].endswith(f"/{kind}")
    beyond = schema(aws, "six", kind.title(), fields + reserved + metadata(6))
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_dataset(
            name="e", datasetGroupArn=group(aws, "other"), datasetType=kind, schemaArn=beyond
        )
    assert error_of(raised) == (
        "InvalidInputException",
        f"A dataset of type {kind} can have at most 5 metadata fields; this schema has 6: "
        "EXTRA_0, EXTRA_1, EXTRA_2, EXTRA_3, EXTRA_4, EXTRA_5.",
    )


def test_create_dataset_in_a_group_or_with_a_schema_that_does_not_exist(aws):
    schema_arn = schema(aws, "clicks", "Interactions", INTERACTIONS_FIELDS)
    missing_group = f"arn:aws:personalize:{REGION}:{ACCOUNT}:dataset-group/missing"
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_dataset(
            name="d", datasetGroupArn=missing_group, datasetType="INTERACTIONS", schemaArn=schema_arn
        )
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {missing_group} does not exist.")
    missing_schema = f"arn:aws:personalize:{REGION}:{ACCOUNT}:schema/missing"
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_dataset(
            name="d", datasetGroupArn=group(aws), datasetType="INTERACTIONS", schemaArn=missing_schema
        )
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {missing_schema} does not exist.")


def test_describe_dataset_shows_the_tracking_id_once_an_event_tracker_exists(aws):
    group_arn = group(aws)
    arn = dataset(aws, group_arn)
    assert "trackingId" not in describe(aws, arn)
    tracking_id = tracker(aws, group_arn)["trackingId"]
    assert describe(aws, arn)["trackingId"] == tracking_id


def test_describe_dataset_that_does_not_exist(aws):
    arn = f"arn:aws:personalize:{REGION}:{ACCOUNT}:dataset/missing/INTERACTIONS"
    with pytest.raises(ClientError) as raised:
        describe(aws, arn)
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {arn} does not exist.")


def test_list_datasets_by_group_and_in_pages(aws):
    first = group(aws, "first")
    mine = {dataset(aws, first, kind) for kind in ("INTERACTIONS", "ITEMS", "USERS")}
    dataset(aws, group(aws, "second"))
    listed = aws.personalize.list_datasets(datasetGroupArn=first)["datasets"]
    assert {d["datasetArn"] for d in listed} == mine
    assert set(listed[0]) <= {
        "name",
        "datasetArn",
        "datasetType",
        "status",
        "creationDateTime",
        "lastUpdatedDateTime",
    }
    page = aws.personalize.list_datasets(maxResults=2)
    assert len(page["datasets"]) == 2 and "nextToken" in page
    pages = aws.personalize.get_paginator("list_datasets").paginate(PaginationConfig={"PageSize": 2})
    assert len([d for p in pages for d in p["datasets"]]) == 4


def test_update_dataset_adds_a_nullable_field_and_keeps_the_records(aws):
    items = dataset(aws, group(aws), "ITEMS")
    import_frame(aws, items, ITEMS, bucket_and_role(aws))
    wider = schema(aws, "wider", "Items", [*ITEMS_FIELDS, {"name": "PRICE", "type": ["null", "float"]}])
    assert aws.personalize.update_dataset(datasetArn=items, schemaArn=wider)["datasetArn"] == items
    described = describe(aws, items)
    assert described["schemaArn"] == wider
    assert described["latestDatasetUpdate"]["schemaArn"] == wider
    assert described["latestDatasetUpdate"]["status"] == "ACTIVE"
    frame = stored(items)
    assert sorted(frame["ITEM_ID"]) == ["i1", "i2"]
    assert frame["PRICE"].isna().all()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        pytest.param(
            ITEMS_FIELDS[:2],
            "The new schema must keep every field of the current one; it lacks CREATION_TIMESTAMP.",
            id="drops-a-field",
        ),
        pytest.param(
            [*ITEMS_FIELDS[:2], {"name": "CREATION_TIMESTAMP", "type": "long"}],
            "The new schema changes the field CREATION_TIMESTAMP; a replacement schema cannot change the type, "
            "nullability or attributes of an existing field.",
            id="changes-a-field",
        ),
        pytest.param(
            [*ITEMS_FIELDS, {"name": "PRICE", "type": "float"}],
            "Fields added by a replacement schema must be nullable; PRICE is not.",
            id="adds-a-required-field",
        ),
    ],
)
def test_update_dataset_refuses_a_schema_that_does_not_extend_the_current_one(aws, fields, message):
    items = dataset(aws, group(aws), "ITEMS")
    replacement = schema(aws, "replacement", "Items", fields)
    with pytest.raises(ClientError) as raised:
        aws.personalize.update_dataset(datasetArn=items, schemaArn=replacement)
    assert error_of(raised) == ("InvalidInputException", message)
    assert describe(aws, items)["schemaArn"] != replacement


def test_update_dataset_of_interactions_is_refused(aws):
    interactions = dataset(aws, group(aws))
    replacement = schema(aws, "wider", "Interactions", [*INTERACTIONS_FIELDS, *metadata(1)])
    with pytest.raises(ClientError) as raised:
        aws.personalize.update_dataset(datasetArn=interactions, schemaArn=replacement)
    assert error_of(raised) == (
        "InvalidInputException",
        "The schema of an INTERACTIONS dataset cannot be replaced; "
        "only ITEMS and USERS datasets can take a new schema.",
    )


def test_a_dataset_in_a_group_still_being_created_is_refused(aws, held_pace):
    # "You must wait until the status of the dataset group is ACTIVE before adding a dataset to the group."
    # (API reference, CreateDatasetGroup)
    schema_arn = schema(aws, "users", "Users", USERS_FIELDS)
    held_pace()
    group_arn = aws.personalize.create_dataset_group(name="young")["datasetGroupArn"]
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_dataset(name="u", datasetGroupArn=group_arn, datasetType="USERS", schemaArn=schema_arn)
    assert error_of(raised) == (
        "ResourceInUseException",
        f"The dataset group {group_arn} is not in ACTIVE state; its status is CREATE PENDING. You must wait until "
        "the status of the dataset group is ACTIVE before adding a dataset to the group.",
    )


def test_update_dataset_that_is_not_active_is_refused(aws, visible_pace):
    configure(pace=0)
    group_arn = group(aws)
    current = schema(aws, "users", "Users", USERS_FIELDS)
    wider = schema(aws, "wider", "Users", [*USERS_FIELDS, *metadata(1)])
    configure(pace=visible_pace)
    users = aws.personalize.create_dataset(name="u", datasetGroupArn=group_arn, datasetType="USERS", schemaArn=current)
    with pytest.raises(ClientError) as raised:
        aws.personalize.update_dataset(datasetArn=users["datasetArn"], schemaArn=wider)
    assert error_of(raised) == (
        "ResourceInUseException",
        f"The dataset {users['datasetArn']} is not in ACTIVE state; its status is CREATE PENDING.",
    )


def test_delete_dataset_passes_through_delete_pending_and_frees_its_type(aws, visible_pace):
    configure(pace=0)
    group_arn = group(aws)
    arn = dataset(aws, group_arn)
    configure(pace=visible_pace)
    aws.personalize.delete_dataset(datasetArn=arn)
    assert describe(aws, arn)["status"] == "DELETE PENDING"
    wait_until(lambda: describe(aws, arn), "DELETE IN_PROGRESS")
    wait_gone(lambda: exists(aws, arn))
    configure(pace=0)
    assert dataset(aws, group_arn, name="again") == arn
    assert describe(aws, arn)["name"] == "again"


def test_delete_dataset_is_refused_while_an_import_job_is_pending(aws, visible_pace):
    configure(pace=0)
    built = trained_group(aws, planted_interactions({}, users=2, per_user=2))
    location = upload(aws, "more.csv", planted_interactions({}, users=2, per_user=2))
    configure(pace=visible_pace)
    job = start_import(aws, built.interactions, location, built.role, name="pending")
    with pytest.raises(ClientError) as raised:
        aws.personalize.delete_dataset(datasetArn=built.interactions)
    assert error_of(raised) == (
        "ResourceInUseException",
        f"{built.interactions} cannot be deleted while {job} is CREATE PENDING.",
    )


def test_delete_dataset_is_refused_while_a_solution_version_trains(aws, visible_pace):
    configure(pace=0)
    built = trained_group(aws, planted_interactions({}, users=2, per_user=2))
    solution_arn = solution(aws, built.group)
    configure(pace=visible_pace)
    version = aws.personalize.create_solution_version(solutionArn=solution_arn)["solutionVersionArn"]
    with pytest.raises(ClientError) as raised:
        aws.personalize.delete_dataset(datasetArn=built.interactions)
    assert error_of(raised) == (
        "ResourceInUseException",
        f"{built.interactions} cannot be deleted while {version} is CREATE PENDING.",
    )


def test_delete_dataset_that_does_not_exist(aws):
    arn = f"arn:aws:personalize:{REGION}:{ACCOUNT}:dataset/missing/ITEMS"
    with pytest.raises(ClientError) as raised:
        aws.personalize.delete_dataset(datasetArn=arn)
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {arn} does not exist.")
