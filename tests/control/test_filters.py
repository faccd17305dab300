import pytest
from botocore.exceptions import ClientError

from personalize_emulator import configure
from tests.builders import dataset, group, waited_for
from tests.conftest import ACCOUNT, REGION, error_of, wait_gone, wait_until

VALID = [
    'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click", "stream")',
    'INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("*")',
    "INCLUDE ItemID WHERE Items.GENRES IN ($GENRES)",
    "INCLUDE ItemID WHERE Items.CREATION_TIMESTAMP < $DATE",
    'EXCLUDE ItemID WHERE Items.GENRES IN ("horror") IF CurrentUser.NATIONALITY IN ("FR")',
    'INCLUDE ItemID WHERE Items.GENRES IN ("drama") | EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")',
]


def full_group(aws):
    """A dataset group with Interactions, Items (GENRES, CREATION_TIMESTAMP) and Users (NATIONALITY)."""
    group_arn = group(aws)
    for kind in ("INTERACTIONS", "ITEMS", "USERS"):
        dataset(aws, group_arn, kind)
    return group_arn


def create(aws, group_arn, expression, name="filter"):
    return aws.personalize.create_filter(name=name, datasetGroupArn=group_arn, filterExpression=expression)


@pytest.mark.parametrize("expression", VALID)
def test_create_filter_accepts_and_keeps_a_valid_expression(aws, expression):
    group_arn = full_group(aws)
    arn = create(aws, group_arn, expression)["filterArn"]
    assert arn == f"arn:aws:personalize:{REGION}:{ACCOUNT}:filter/filter"
    described = wait_until(lambda: aws.personalize.describe_filter(filterArn=arn)["filter"])
    assert described["filterExpression"] == expression


def test_a_filter_on_a_group_whose_datasets_are_being_created_waits_for_them(aws, visible_pace):
    group_arn = group(aws)
    configure(pace=visible_pace)
    items = dataset(aws, group_arn, "ITEMS", wait=False)
    arn = create(aws, group_arn, 'INCLUDE ItemID WHERE Items.GENRES IN ("drama")')["filterArn"]
    waited_for(
        lambda: aws.personalize.describe_filter(filterArn=arn)["filter"],
        lambda: aws.personalize.describe_dataset(datasetArn=items)["dataset"],
    )


def test_create_filter_names_the_character_where_the_syntax_breaks(aws):
    group_arn = full_group(aws)
    expression = 'EXCLUDE ItemID WERE Items.GENRES IN ("horror")'
    with pytest.raises(ClientError) as raised:
        create(aws, group_arn, expression)
    position = expression.index("WERE") + 1
    assert error_of(raised) == (
        "InvalidInputException",
        "Could not create filter. "
        f"Invalid filter expression at character {position}: expected WHERE, found 'WERE'. Expression: {expression}",
    )


def test_create_filter_says_when_the_expression_ends_too_soon(aws):
    group_arn = full_group(aws)
    expression = 'EXCLUDE ItemID WHERE Items.GENRES IN ("horror"'
    with pytest.raises(ClientError) as raised:
        create(aws, group_arn, expression)
    assert error_of(raised) == (
        "InvalidInputException",
        "Could not create filter. "
        f"Invalid filter expression at character {len(expression) + 1}: expected ',' or ')', but the expression "
        f"ended. Expression: {expression}",
    )


def test_create_filter_refuses_a_field_the_schema_lacks(aws):
    group_arn = full_group(aws)
    expression = "INCLUDE ItemID WHERE Items.PRICE < 20"
    with pytest.raises(ClientError) as raised:
        create(aws, group_arn, expression)
    assert error_of(raised) == (
        "InvalidInputException",
        "Could not create filter. The filter refers to Items.PRICE, which the ITEMS schema does not have "
        f"(it has CREATION_TIMESTAMP, GENRES, ITEM_ID). Expression: {expression}",
    )


@pytest.mark.parametrize(
    "expression, problem",
    [
        ('INCLUDE ItemID WHERE Items.GENRES > "m"', "The filter compares Items.GENRES, a string field, with >"),
        ('EXCLUDE ItemID WHERE Interactions.EVENT_TYPE <= "click"', "The filter compares Interactions.EVENT_TYPE, a "
         "string field, with <="),
        ("INCLUDE ItemID WHERE Items.ON_SALE IN (1)", "Invalid Expression. The filter refers to Items.ON_SALE, a "
         "boolean field"),
    ],
)  # fmt: skip
def test_create_filter_refuses_comparisons_that_aws_refuses(aws, expression, problem):
    group_arn = group(aws)
    dataset(aws, group_arn, "INTERACTIONS")
    dataset(aws, group_arn, "ITEMS", [{"name": "ITEM_ID", "type": "string"},
                                      {"name": "GENRES", "type": "string", "categorical": True},
                                      {"name": "ON_SALE", "type": "boolean"}])  # fmt: skip
    with pytest.raises(ClientError) as raised:
        create(aws, group_arn, expression)
    code, message = error_of(raised)
    assert code == "InvalidInputException" and message.startswith(f"Could not create filter. {problem}")
    assert message.endswith(f"Expression: {expression}")


def test_create_filter_refuses_a_dataset_the_group_lacks(aws):
    group_arn = group(aws)
    dataset(aws, group_arn, "INTERACTIONS")
    expression = 'INCLUDE ItemID WHERE Items.GENRES IN ("drama")'
    with pytest.raises(ClientError) as raised:
        create(aws, group_arn, expression)
    assert error_of(raised) == (
        "InvalidInputException",
        "Could not create filter. "
        f"The filter refers to Items.GENRES, but the dataset group has no ITEMS dataset. Expression: {expression}",
    )


def test_create_filter_refuses_a_current_user_field_without_a_users_dataset(aws):
    group_arn = group(aws)
    dataset(aws, group_arn, "ITEMS")
    expression = 'EXCLUDE ItemID WHERE Items.GENRES IN ("horror") IF CurrentUser.AGE < 18'
    with pytest.raises(ClientError) as raised:
        create(aws, group_arn, expression)
    assert error_of(raised) == (
        "InvalidInputException",
        "Could not create filter. "
        f"The filter refers to CurrentUser.AGE, but the dataset group has no USERS dataset. Expression: {expression}",
    )


def test_create_filter_in_a_group_that_does_not_exist(aws):
    group_arn = f"arn:aws:personalize:{REGION}:{ACCOUNT}:dataset-group/missing"
    with pytest.raises(ClientError) as raised:
        create(aws, group_arn, 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")')
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {group_arn} does not exist.")


def test_describe_filter_that_does_not_exist(aws):
    arn = f"arn:aws:personalize:{REGION}:{ACCOUNT}:filter/missing"
    with pytest.raises(ClientError) as raised:
        aws.personalize.describe_filter(filterArn=arn)
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {arn} does not exist.")


def test_list_filters_answers_under_capital_f(aws):
    group_arn = full_group(aws)
    create(aws, group_arn, 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")', "clicked")
    create(aws, group_arn, "INCLUDE ItemID WHERE Items.GENRES IN ($GENRES)", "genre")
    listed = aws.personalize.list_filters(datasetGroupArn=group_arn)["Filters"]
    assert sorted(f["name"] for f in listed) == ["clicked", "genre"]
    assert set(listed[0]) <= {
        "name",
        "filterArn",
        "datasetGroupArn",
        "status",
        "creationDateTime",
        "lastUpdatedDateTime",
        "failureReason",
    }


def test_delete_filter(aws):
    group_arn = full_group(aws)
    arn = create(aws, group_arn, 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")')["filterArn"]
    wait_until(lambda: aws.personalize.describe_filter(filterArn=arn)["filter"])
    aws.personalize.delete_filter(filterArn=arn)
    wait_gone(lambda: bool(aws.personalize.list_filters(datasetGroupArn=group_arn)["Filters"]))
    with pytest.raises(ClientError) as raised:
        aws.personalize.describe_filter(filterArn=arn)
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {arn} does not exist.")
