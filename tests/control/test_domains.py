"""Domain dataset groups: the domain on groups, schemas and recipes, and each domain's dataset rules at CreateDataset
(https://docs.aws.amazon.com/personalize/latest/dg/VIDEO-ON-DEMAND-datasets-and-schemas.html and
https://docs.aws.amazon.com/personalize/latest/dg/ECOMMERCE-datasets-and-schemas.html)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.builders import DOMAIN_FIELDS, avro
from tests.conftest import error_of, wait_until

VOD_ITEMS = DOMAIN_FIELDS["VIDEO_ON_DEMAND"]["ITEMS"]


def domain_group(aws, domain: str | None = "VIDEO_ON_DEMAND", name: str = "group") -> str:
    arn = aws.personalize.create_dataset_group(name=name, **({"domain": domain} if domain else {}))["datasetGroupArn"]
    wait_until(lambda: aws.personalize.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"])
    return arn


def create_dataset(aws, group_arn: str, kind: str, fields: list[dict], domain: str | None = "VIDEO_ON_DEMAND"):
    schema = aws.personalize.create_schema(
        name=f"schema-{len(aws.personalize.list_schemas()['schemas'])}",
        schema=avro(kind.title(), fields),
        **({"domain": domain} if domain else {}),
    )["schemaArn"]
    return aws.personalize.create_dataset(name="data", datasetGroupArn=group_arn, datasetType=kind, schemaArn=schema)


def refused(aws, group_arn: str, kind: str, fields: list[dict], domain: str | None = "VIDEO_ON_DEMAND") -> str:
    with pytest.raises(ClientError) as raised:
        create_dataset(aws, group_arn, kind, fields, domain)
    code, message = error_of(raised)
    assert code == "InvalidInputException"
    return message


def test_a_domain_group_reads_back_its_domain_and_takes_aws_default_schemas(aws):
    created = aws.personalize.create_dataset_group(name="movies", domain="VIDEO_ON_DEMAND")
    assert created["domain"] == "VIDEO_ON_DEMAND"
    group_arn = created["datasetGroupArn"]
    described = wait_until(lambda: aws.personalize.describe_dataset_group(datasetGroupArn=group_arn)["datasetGroup"])
    assert described["domain"] == "VIDEO_ON_DEMAND"
    assert aws.personalize.list_dataset_groups()["datasetGroups"][0]["domain"] == "VIDEO_ON_DEMAND"
    for kind in ("INTERACTIONS", "ITEMS"):  # the defaults, `"type": ["string"]` for GENRES included
        create_dataset(aws, group_arn, kind, DOMAIN_FIELDS["VIDEO_ON_DEMAND"][kind])
    users = [
        {"name": "USER_ID", "type": "string"},
        {"name": "SUBSCRIPTION_MODEL", "type": "string", "categorical": True},
    ]
    create_dataset(aws, group_arn, "USERS", users)
    schemas = aws.personalize.list_schemas()["schemas"]
    assert {s["domain"] for s in schemas} == {"VIDEO_ON_DEMAND"}


@pytest.mark.parametrize(
    ("kind", "fields", "message"),
    [
        pytest.param(
            "INTERACTIONS",
            DOMAIN_FIELDS["VIDEO_ON_DEMAND"]["INTERACTIONS"][:3],
            "The schema lacks the field EVENT_TYPE (a string), which VIDEO_ON_DEMAND INTERACTIONS datasets require.",
            id="interactions-without-event-type",
        ),
        pytest.param(
            "ITEMS",
            [VOD_ITEMS[0], VOD_ITEMS[2]],
            "The schema lacks the field GENRES (a categorical string), which VIDEO_ON_DEMAND ITEMS datasets require.",
            id="items-without-genres",
        ),
        pytest.param(
            "ITEMS",
            [VOD_ITEMS[0], {"name": "GENRES", "type": "string"}, VOD_ITEMS[2]],
            "The required field GENRES of VIDEO_ON_DEMAND ITEMS datasets must be a categorical string.",
            id="genres-not-categorical",
        ),
        pytest.param(
            "ITEMS",
            [*VOD_ITEMS, {"name": "GENRE_L2", "type": ["null", "string"]}],
            "The reserved field GENRE_L2 of VIDEO_ON_DEMAND ITEMS datasets must be a categorical string.",
            id="reserved-categorical",
        ),
        pytest.param(
            "ITEMS",
            [*VOD_ITEMS, {"name": "DURATION", "type": ["null", "string"]}],
            "The reserved field DURATION of VIDEO_ON_DEMAND ITEMS datasets must be a double or float.",
            id="reserved-float",
        ),
        pytest.param(
            "INTERACTIONS",
            [
                *DOMAIN_FIELDS["VIDEO_ON_DEMAND"]["INTERACTIONS"],
                {"name": "EVENT_ATTRIBUTION_SOURCE", "type": ["null", "string"], "categorical": True},
            ],
            "The reserved field EVENT_ATTRIBUTION_SOURCE of VIDEO_ON_DEMAND INTERACTIONS datasets must be a string.",
            id="reserved-string-not-categorical",
        ),  # fmt: skip
        pytest.param(
            "USERS",
            [{"name": "USER_ID", "type": "string"}, {"name": "NAME", "type": "string"}],
            "VIDEO_ON_DEMAND USERS datasets need at least one metadata field besides USER_ID, either a categorical "
            "string or a number.",
            id="users-without-metadata",
        ),
    ],
)
def test_each_domain_requires_its_fields_and_types_its_reserved_keywords(aws, kind, fields, message):
    assert refused(aws, domain_group(aws), kind, fields) == message


def test_ecommerce_items_need_price_and_a_categorical_category(aws):
    group_arn = domain_group(aws, "ECOMMERCE")
    fields = [{"name": "ITEM_ID", "type": "string"}, {"name": "CATEGORY_L1", "type": "string", "categorical": True}]
    assert refused(aws, group_arn, "ITEMS", fields, "ECOMMERCE") == (
        "The schema lacks the field PRICE (a double or float), which ECOMMERCE ITEMS datasets require."
    )
    # retail-demo-store's schemas: extra metadata of any kind besides the domain's own
    create_dataset(aws, group_arn, "ITEMS", [
        *DOMAIN_FIELDS["ECOMMERCE"]["ITEMS"], {"name": "PRODUCT_NAME", "type": "string"},
        {"name": "PRODUCT_DESCRIPTION", "type": ["null", "string"], "textual": True},
    ], "ECOMMERCE")  # fmt: skip
    create_dataset(aws, group_arn, "USERS", [{"name": "USER_ID", "type": "string"}, {"name": "AGE", "type": "int"}],
                   "ECOMMERCE")  # fmt: skip


def test_a_schema_serves_only_groups_of_its_own_domain(aws):
    movies, custom = domain_group(aws), domain_group(aws, None, "custom")
    fields = DOMAIN_FIELDS["VIDEO_ON_DEMAND"]["INTERACTIONS"]
    message = refused(aws, movies, "INTERACTIONS", fields, "ECOMMERCE")
    assert message.endswith(
        f"is for the ECOMMERCE domain; the dataset group {movies} is for the VIDEO_ON_DEMAND domain. Create the "
        "schema with the domain of the dataset group."
    )
    assert "is for no domain (Custom); the dataset group" in refused(aws, movies, "INTERACTIONS", fields, None)
    assert "is for the VIDEO_ON_DEMAND domain; the dataset group" in refused(aws, custom, "INTERACTIONS", fields)


def test_a_domain_group_holds_no_next_best_action_datasets(aws):
    fields = [{"name": "ACTION_ID", "type": "string"}, {"name": "VALUE", "type": ["null", "long"]}]
    assert refused(aws, domain_group(aws), "ACTIONS", fields) == (
        "You can't create next best action resources, including Actions and Action Interactions datasets, in a "
        "domain dataset group; this one is a VIDEO_ON_DEMAND dataset group."
    )


def test_list_recipes_by_domain_gives_its_five_use_cases(aws):
    listed = aws.personalize.list_recipes(domain="VIDEO_ON_DEMAND")["recipes"]
    assert sorted(r["name"] for r in listed) == [
        "aws-vod-because-you-watched-x", "aws-vod-more-like-x", "aws-vod-most-popular", "aws-vod-top-picks",
        "aws-vod-trending-now",
    ]  # fmt: skip
    recipe = aws.personalize.describe_recipe(recipeArn=listed[0]["recipeArn"])["recipe"]
    assert recipe["description"].startswith(("Because you watched X:", "More like X:", "Most popular:", "Top picks"))
