"""The filter expression language: parse trees, parameters, and errors that say where."""

import pytest

from personalize_emulator.data.filter_expressions import Condition, Value, check_fields, parse
from personalize_emulator.errors import InvalidInputException

REFUSED = "Could not create filter. "  # AWS's opening words (the guide's "Common error messages")

SCHEMAS = {
    "INTERACTIONS": {"USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE"},
    "ITEMS": {"ITEM_ID", "GENRE", "PRICE"},
    "USERS": {"USER_ID", "AGE"},
}


def failure(expression: str) -> str:
    """What follows AWS's opening words ("Could not create filter. ") in the refusal of `expression`."""
    with pytest.raises(InvalidInputException) as raised:
        parse(expression)
    return after_aws_words(raised.value.message)


def after_aws_words(message: str) -> str:
    assert message.startswith(REFUSED)
    return message.removeprefix(REFUSED)


def at(expression: str, fragment: str) -> int:
    """The 1-based character position of `fragment` in `expression`."""
    return expression.index(fragment) + 1


def test_an_interactions_filter_parses_into_one_statement():
    (statement,) = parse('EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click", "stream")').statements
    assert (statement.action, statement.target) == ("EXCLUDE", "ItemID")
    assert statement.where == [
        ("AND", Condition("Interactions", "EVENT_TYPE", "IN", (Value("string", "click"), Value("string", "stream"))))
    ]
    assert statement.when == []


def test_keywords_are_case_insensitive():
    (statement,) = parse('exclude itemid where Items.GENRE not in ("horror")').statements
    assert (statement.action, statement.target) == ("EXCLUDE", "ItemID")
    assert statement.where[0][1].op == "NOT IN"


def test_conditions_keep_their_connectives_and_the_if_clause():
    expression = (
        "EXCLUDE ItemID WHERE Items.PRICE < 20 OR Items.GENRE IN ($GENRE) "
        "IF CurrentUser.AGE > 18 AND CurrentUser.AGE < 30"
    )
    (statement,) = parse(expression).statements
    assert [(connective, c.field, c.op) for connective, c in statement.where] == [
        ("AND", "PRICE", "<"),
        ("OR", "GENRE", "IN"),
    ]
    assert statement.where[0][1].values == (Value("number", "20"),)
    assert [(c.dataset, c.field, c.op, c.values) for _, c in statement.when] == [
        ("CurrentUser", "AGE", ">", (Value("number", "18"),)),
        ("CurrentUser", "AGE", "<", (Value("number", "30"),)),
    ]


def test_expressions_chain_with_a_pipe():
    expression = 'INCLUDE ItemID WHERE Items.GENRE IN ("drama") | EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("*")'
    first, second = parse(expression).statements
    assert (first.action, second.action) == ("INCLUDE", "EXCLUDE")
    assert second.where[0][1].values == (Value("string", "*"),)


@pytest.mark.parametrize(
    "expression, values",
    [
        ("INCLUDE ItemID WHERE Items.PRICE < CurrentItem.PRICE", (Value("current", "PRICE"),)),
        ("INCLUDE ItemID WHERE Items.GENRE IN CurrentItem.GENRE", (Value("current", "GENRE"),)),
        ("INCLUDE ItemID WHERE Items.PRICE != 3.5", (Value("number", "3.5"),)),
        ("INCLUDE ActionID WHERE Actions.VALUE > ($VALUE)", (Value("param", "$VALUE"),)),
        ("EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN (*)", (Value("any", "*"),)),
    ],
)
def test_the_forms_of_values_in_aws_examples(expression, values):
    assert parse(expression).statements[0].where[0][1].values == values


def test_user_and_action_targets():
    assert parse("EXCLUDE UserID WHERE Users.AGE < $AGE").statements[0].target == "UserID"
    action = parse("INCLUDE ActionID WHERE Action_Interactions.EVENT_TYPE IN ($EVENT_TYPE)").statements[0]
    assert (action.target, action.where[0][1].dataset) == ("ActionID", "Action_Interactions")


def test_parameters_are_collected_without_the_dollar():
    expression = "INCLUDE ItemID WHERE Items.GENRE IN ($GENRE, $OTHER) | EXCLUDE ItemID WHERE Items.PRICE > $PRICE"
    assert parse(expression).parameters == {"GENRE", "OTHER", "PRICE"}
    assert parse('EXCLUDE ItemID WHERE Items.GENRE IN ("$NOT_A_PARAMETER")').parameters == set()


def test_a_misspelt_keyword_is_reported_where_it_stands():
    expression = 'EXCLUDE ItemID WHERE Items.GENRE IN ("a") ANDD Items.PRICE < 3'
    assert failure(expression) == (
        f"Invalid filter expression at character {at(expression, 'ANDD')}: expected '|', AND, OR or IF, "
        f"found 'ANDD'. Expression: {expression}"
    )


def test_an_unknown_dataset_is_reported_where_it_stands():
    expression = 'EXCLUDE ItemID WHERE Products.GENRE IN ("a")'
    assert failure(expression) == (
        f"Invalid filter expression at character {at(expression, 'Products')}: expected a field such as Items.GENRE "
        f"or Interactions.EVENT_TYPE, found 'Products.GENRE'. Expression: {expression}"
    )


def test_an_unexpected_character_is_reported_where_it_stands():
    expression = "EXCLUDE ItemID WHERE Items.PRICE ~ 3"
    assert failure(expression) == (
        f"Invalid filter expression at character {at(expression, '~')}: unexpected character '~'. "
        f"Expression: {expression}"
    )


def test_a_missing_list_is_reported():
    expression = 'EXCLUDE ItemID WHERE Items.GENRE IN "a"'
    position = at(expression, '"a"')
    assert failure(expression) == (
        f"Invalid filter expression at character {position}: expected '(' opening a list of values, "
        f"""found '"a"'. Expression: {expression}"""
    )


def test_an_expression_that_ends_early_is_reported_at_its_end():
    expression = "INCLUDE ItemID WHERE"
    assert failure(expression) == (
        f"Invalid filter expression at character 21: expected a field such as Items.GENRE, but the expression "
        f"ended. Expression: {expression}"
    )


def test_if_takes_only_the_current_user():
    expression = 'EXCLUDE ItemID WHERE Items.GENRE IN ("a") IF Users.AGE > 18'
    assert failure(expression) == (
        f"Invalid filter expression at character {at(expression, 'Users.AGE')}: expected a field of the user asking, "
        f"such as CurrentUser.AGE, after IF, found 'Users.AGE'. Expression: {expression}"
    )


def test_a_parameter_cannot_follow_not_in():
    expression = "INCLUDE ItemID WHERE Items.GENRE NOT IN ($GENRE)"
    # AWS's words (the guide's "Common error messages"), then where and what to do instead.
    assert failure(expression) == (
        "Invalid input symbol: $GENRE. Placeholders are not allowed with NOT_IN operator. "
        f"At character {at(expression, '$GENRE')}: use IN with the opposite action (EXCLUDE instead of INCLUDE, or "
        f"the reverse). Expression: {expression}"
    )


def test_conditions_joined_by_and_keep_to_the_dataset_of_the_first():
    expression = 'EXCLUDE ItemID WHERE Items.GENRE IN ("a") AND Interactions.EVENT_TYPE IN ("click")'
    assert failure(expression) == (
        f"Invalid filter expression at character {at(expression, 'Interactions')}: a condition on Interactions "
        "cannot join one on Items with AND; chain a second expression with '|' instead. "
        f"Expression: {expression}"
    )


def test_interactions_are_filtered_only_by_event_type():
    expression = 'EXCLUDE ItemID WHERE Interactions.ITEM_ID IN ("a")'
    assert failure(expression) == (
        f"Invalid filter expression at character {at(expression, 'Interactions')}: expected Interactions.EVENT_TYPE "
        f"(interactions are filtered only by event type), found 'Interactions.ITEM_ID'. Expression: {expression}"
    )


def test_check_fields_accepts_fields_of_the_schemas():
    expression = 'EXCLUDE ItemID WHERE Items.GENRE IN ("a") IF CurrentUser.AGE > 18'
    check_fields(parse(expression), SCHEMAS, expression)


def test_check_fields_accepts_event_type_without_the_field_in_the_schema():
    expression = 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")'
    check_fields(parse(expression), {"INTERACTIONS": {"USER_ID", "ITEM_ID", "TIMESTAMP"}}, expression)


def test_check_fields_refuses_a_current_item_field_the_items_schema_lacks():
    expression = "INCLUDE ItemID WHERE Items.PRICE < CurrentItem.COST"
    with pytest.raises(InvalidInputException) as raised:
        check_fields(parse(expression), SCHEMAS, expression)
    assert after_aws_words(raised.value.message) == (
        f"CurrentItem.COST is not a field of the ITEMS schema. Expression: {expression}"
    )


def test_check_fields_refuses_a_current_user_field_the_users_schema_lacks():
    expression = 'EXCLUDE ItemID WHERE Items.GENRE IN ("a") IF CurrentUser.INCOME > 18'
    with pytest.raises(InvalidInputException) as raised:
        check_fields(parse(expression), SCHEMAS, expression)
    assert after_aws_words(raised.value.message) == (
        "The filter refers to CurrentUser.INCOME, which the USERS schema does not have (it has AGE, USER_ID). "
        f"Expression: {expression}"
    )
