"""Filters evaluated against a dataset group's current records, at the module level: small tables whose right answer
is known (CurrentItem, numeric comparisons, parameters, the 100 most recent interactions, ranking)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from personalize_emulator import configure
from personalize_emulator.api.control.datasets import Dataset
from personalize_emulator.api.control.filters import Filter
from personalize_emulator.data.avro import AvroSchema, Field
from personalize_emulator.data.filter_expressions import parse
from personalize_emulator.data.tables import Table
from personalize_emulator.errors import InvalidInputException
from personalize_emulator.recipes.base import PERSONALIZED_RANKING
from personalize_emulator.resources.backend import PersonalizeBackend
from personalize_emulator.resources.lifecycle import ACTIVE
from personalize_emulator.serving import answers, filtering
from tests.conftest import ACCOUNT, REGION

GROUP = f"arn:aws:personalize:{REGION}:{ACCOUNT}:dataset-group/shop"
SCHEMAS = {
    "ITEMS": AvroSchema(
        "Items",
        (Field("ITEM_ID", "string"), Field("GENRE", "string", nullable=True, categorical=True),
         Field("PRICE", "double", nullable=True), Field("BRAND", "string", nullable=True)),
    ),
    "USERS": AvroSchema("Users", (Field("USER_ID", "string"), Field("AGE", "int", nullable=True))),
    "INTERACTIONS": AvroSchema(
        "Interactions",
        (Field("USER_ID", "string"), Field("ITEM_ID", "string"), Field("TIMESTAMP", "long"),
         Field("EVENT_TYPE", "string")),
    ),
}  # fmt: skip
ITEMS = pd.DataFrame(
    {
        "ITEM_ID": ["comedy", "action-comedy", "drama", "cheap-drama", "bare"],
        "GENRE": ["Comedy", "Action|Comedy", "Drama", "Drama", None],
        "PRICE": [10.0, 25.0, 40.0, 5.0, None],
        "BRAND": ["acme", "acme", "globex", "Acme", None],
    }
)
USERS = pd.DataFrame({"USER_ID": ["adult", "child"], "AGE": [30, 10]})
CATALOGUE = [*ITEMS["ITEM_ID"], "unlisted"]  # "unlisted" has no Items record


@pytest.fixture
def shop():
    backend = PersonalizeBackend(REGION, ACCOUNT)
    tables = {}
    for kind, frame in (("ITEMS", ITEMS), ("USERS", USERS), ("INTERACTIONS", None)):
        table = Table(SCHEMAS[kind], kind)
        if frame is not None:
            table.replace(frame)
        arn = f"{GROUP.replace(':dataset-group/', ':dataset/')}/{kind}"
        backend.add(Dataset(arn=arn, name=kind.lower(), dataset_group_arn=GROUP, dataset_type=kind, table=table))
        tables[kind] = table
    return SimpleNamespace(backend=backend, tables=tables, filters=0)


def add_filter(shop, expression: str, group: str = GROUP, status: str = ACTIVE) -> str:
    shop.filters += 1
    arn = f"arn:aws:personalize:{REGION}:{ACCOUNT}:filter/f{shop.filters}"
    parsed = parse(expression)
    shop.backend.add(
        Filter(arn=arn, name=arn, status=status, dataset_group_arn=group, expression=expression, parsed=parsed)
    )
    return arn


def kept(shop, expression: str, values=None, user_id="adult", item_id=None, catalogue=CATALOGUE) -> list[str]:
    """The items of `catalogue` that the filter keeps, in order."""
    removed = filtering.excluded(
        shop.backend,
        add_filter(shop, expression),
        values,
        group_arn=GROUP,
        candidates=filtering.Candidates(catalogue),
        user_id=user_id,
        item_id=item_id,
    )
    return [item for item in catalogue if item not in removed]


def clicks(shop, user: str, items: list[str], event_type: str = "click", start: int = 1_700_000_000) -> None:
    rows = [
        {"USER_ID": user, "ITEM_ID": item, "TIMESTAMP": start + k, "EVENT_TYPE": event_type}
        for k, item in enumerate(items)
    ]
    shop.tables["INTERACTIONS"].append_rows(rows)


def test_include_by_a_categorical_value_matches_any_of_an_items_values(shop):
    assert kept(shop, 'INCLUDE ItemID WHERE Items.GENRE IN ("Comedy")') == ["comedy", "action-comedy"]


def test_values_match_exactly_and_case_sensitively(shop):
    assert kept(shop, 'INCLUDE ItemID WHERE Items.BRAND IN ("acme")') == ["comedy", "action-comedy"]
    assert kept(shop, 'INCLUDE ItemID WHERE Items.GENRE IN ("comedy")') == []


def test_not_in_keeps_items_with_another_value_and_never_items_without_one(shop):
    assert kept(shop, 'INCLUDE ItemID WHERE Items.GENRE NOT IN ("Comedy")') == ["drama", "cheap-drama"]


@pytest.mark.parametrize(
    "condition, expected",
    [
        ("Items.PRICE < 25", ["comedy", "cheap-drama"]),
        ("Items.PRICE <= 25", ["comedy", "action-comedy", "cheap-drama"]),
        ("Items.PRICE > 25", ["drama"]),
        ("Items.PRICE >= 40", ["drama"]),
        ("Items.PRICE = 10", ["comedy"]),
        ("Items.PRICE != 10", ["action-comedy", "drama", "cheap-drama"]),
        ("Items.PRICE IN (5, 40)", ["drama", "cheap-drama"]),
    ],
)
def test_numeric_comparisons_skip_items_without_a_value(shop, condition, expected):
    assert kept(shop, f"INCLUDE ItemID WHERE {condition}") == expected


def test_and_binds_tighter_than_or(shop):
    expression = 'INCLUDE ItemID WHERE Items.GENRE IN ("Drama") AND Items.PRICE < 10 OR Items.BRAND IN ("acme")'
    assert kept(shop, expression) == ["comedy", "action-comedy", "cheap-drama"]


def test_item_id_conditions_reach_items_without_a_record(shop):
    assert kept(shop, 'EXCLUDE ItemID WHERE Items.ITEM_ID IN ("unlisted", "drama")') == [
        "comedy", "action-comedy", "cheap-drama", "bare"]  # fmt: skip


def test_chained_expressions_unite_includes_and_subtract_excludes_in_any_order(shop):
    include_both = 'INCLUDE ItemID WHERE Items.GENRE IN ("Comedy") | INCLUDE ItemID WHERE Items.PRICE < 6'
    assert kept(shop, include_both) == ["comedy", "action-comedy", "cheap-drama"]
    include = 'INCLUDE ItemID WHERE Items.GENRE IN ("Comedy")'
    exclude = "EXCLUDE ItemID WHERE Items.PRICE > 20"
    assert kept(shop, f"{include} | {exclude}") == kept(shop, f"{exclude} | {include}") == ["comedy"]
    assert kept(shop, f'{exclude} | EXCLUDE ItemID WHERE Items.GENRE IN ("Comedy")') == [
        "cheap-drama", "bare", "unlisted"]  # fmt: skip


def test_parameters_bind_quoted_lists_and_numbers(shop):
    by_genre = "INCLUDE ItemID WHERE Items.GENRE IN ($GENRES)"
    assert kept(shop, by_genre, {"GENRES": '"Drama", "Action"'}) == ["action-comedy", "drama", "cheap-drama"]
    by_price = "INCLUDE ItemID WHERE Items.PRICE < $MAX"
    assert kept(shop, by_price, {"MAX": "11"}) == kept(shop, by_price, {"MAX": '"11"'}) == ["comedy", "cheap-drama"]


def test_a_missing_include_parameter_is_refused_and_names_are_case_sensitive(shop):
    with pytest.raises(InvalidInputException) as raised:
        kept(shop, "INCLUDE ItemID WHERE Items.GENRE IN ($GENRES)", {"genres": '"Drama"'})
    assert "needs a value for $GENRES in filterValues" in raised.value.message


def test_an_exclude_expression_without_its_values_is_not_used(shop):
    expression = 'EXCLUDE ItemID WHERE Items.GENRE IN ($GENRES) | EXCLUDE ItemID WHERE Items.ITEM_ID IN ("bare")'
    assert kept(shop, expression) == ["comedy", "action-comedy", "drama", "cheap-drama", "unlisted"]


def test_malformed_filter_values_are_refused(shop):
    with pytest.raises(InvalidInputException) as raised:
        kept(shop, "INCLUDE ItemID WHERE Items.GENRE IN ($GENRES)", {"GENRES": '"Drama" "Comedy"'})
    assert raised.value.message.startswith("filterValues[GENRES] must be values separated by commas")


def test_a_non_number_for_a_numeric_field_is_refused(shop):
    with pytest.raises(InvalidInputException) as raised:
        kept(shop, "INCLUDE ItemID WHERE Items.PRICE < $MAX", {"MAX": '"cheap"'})
    assert raised.value.message == "Items.PRICE is numeric; 'cheap' is not a number."


def test_if_current_user_applies_the_expression_only_to_users_who_satisfy_it(shop):
    expression = "EXCLUDE ItemID WHERE Items.PRICE > 20 IF CurrentUser.AGE < 18"
    assert kept(shop, expression, user_id="child") == ["comedy", "cheap-drama", "bare", "unlisted"]
    assert kept(shop, expression, user_id="adult") == CATALOGUE
    assert kept(shop, expression, user_id="no-record") == CATALOGUE


def test_current_item_compares_with_the_item_of_the_request(shop):
    expression = "INCLUDE ItemID WHERE Items.GENRE IN CurrentItem.GENRE"
    assert kept(shop, expression, item_id="action-comedy") == ["comedy", "action-comedy"]
    assert kept(shop, expression, item_id="drama") == ["drama", "cheap-drama"]
    assert kept(shop, expression, item_id="bare") == []
    cheaper = "INCLUDE ItemID WHERE Items.PRICE < CurrentItem.PRICE"
    assert kept(shop, cheaper, item_id="action-comedy") == ["comedy", "cheap-drama"]


def test_current_item_needs_an_item_in_the_request(shop):
    with pytest.raises(InvalidInputException) as raised:
        kept(shop, "INCLUDE ItemID WHERE Items.GENRE IN CurrentItem.GENRE")
    assert "applies only to requests for items related to an itemId" in raised.value.message


def test_interaction_filters_match_event_types_without_case_and_follow_new_rows(shop):
    expression = 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("CLICK")'
    assert kept(shop, expression) == CATALOGUE
    clicks(shop, "adult", ["drama"])
    clicks(shop, "adult", ["comedy"], event_type="purchase")
    clicks(shop, "child", ["bare"])
    assert kept(shop, expression) == ["comedy", "action-comedy", "cheap-drama", "bare", "unlisted"]
    assert kept(shop, 'INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("*")') == ["comedy", "drama"]
    assert kept(shop, 'INCLUDE ItemID WHERE Interactions.EVENT_TYPE NOT IN ("click")') == ["comedy"]


def test_interaction_filters_read_the_100_most_recent_interactions_of_each_event_type(shop):
    catalogue = [f"item-{k}" for k in range(150)]
    clicks(shop, "adult", catalogue)  # item-0 is the oldest
    clicks(shop, "adult", ["item-0"], event_type="purchase", start=1_600_000_000)
    assert kept(shop, 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")', catalogue=catalogue) == [
        f"item-{k}" for k in range(50)]  # fmt: skip
    assert "item-0" not in kept(shop, 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("*")', catalogue=catalogue)


def test_the_window_of_interactions_that_filters_read_is_an_adjustable_quota(shop):
    catalogue = [f"item-{k}" for k in range(150)]
    clicks(shop, "adult", catalogue)
    configure(quotas={"interactions_per_user_per_event_type_in_filters": 120})
    assert kept(shop, 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")', catalogue=catalogue) == [
        f"item-{k}" for k in range(30)]  # fmt: skip


def test_a_full_import_replaces_what_interaction_filters_read(shop):
    expression = 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")'
    clicks(shop, "adult", ["drama"])
    assert "drama" not in kept(shop, expression)
    shop.tables["INTERACTIONS"].replace(
        pd.DataFrame({"USER_ID": ["adult"], "ITEM_ID": ["comedy"], "TIMESTAMP": [1], "EVENT_TYPE": ["click"]})
    )  # records put through the events API stay, as on AWS
    assert [i for i in CATALOGUE if i not in kept(shop, expression)] == ["comedy", "drama"]


def test_item_records_put_later_are_filtered_at_once(shop):
    expression = 'INCLUDE ItemID WHERE Items.GENRE IN ("Horror")'
    assert kept(shop, expression) == []
    shop.tables["ITEMS"].append_rows([{"ITEM_ID": "unlisted", "GENRE": "Horror", "PRICE": None, "BRAND": None}])
    assert kept(shop, expression) == ["unlisted"]


@pytest.mark.parametrize(
    "expression, message",
    [
        ("INCLUDE UserID WHERE Users.AGE > 18", "chooses users (EXCLUDE/INCLUDE UserID)"),
        ("EXCLUDE ItemID WHERE Users.AGE > 18", "tests Users.AGE; an item filter can test Items"),
        ('EXCLUDE ItemID WHERE Items.BRAND > "a"', "Items.BRAND is not numeric"),
    ],
)
def test_what_cannot_filter_items_is_refused(shop, expression, message):
    with pytest.raises(InvalidInputException) as raised:
        kept(shop, expression)
    assert message in raised.value.message


def test_a_filter_must_be_active_and_of_the_same_dataset_group(shop):
    pending = add_filter(shop, "EXCLUDE ItemID WHERE Items.PRICE > 1", status="CREATE PENDING")
    other = add_filter(shop, "EXCLUDE ItemID WHERE Items.PRICE > 1", group=GROUP + "-other")
    catalogue = filtering.Candidates(CATALOGUE)
    with pytest.raises(InvalidInputException) as raised:
        filtering.excluded(shop.backend, pending, None, group_arn=GROUP, candidates=catalogue)
    assert raised.value.message == f"The filter {pending} is CREATE PENDING; a filter applies only when ACTIVE."
    with pytest.raises(InvalidInputException) as raised:
        filtering.excluded(shop.backend, other, None, group_arn=GROUP, candidates=catalogue)
    assert raised.value.message.startswith(f"The filter {other} belongs to the dataset group {GROUP}-other, not to")


class ListedModel:
    """A ranking model that keeps the order it is given: any change in the ranked list is the filter's."""

    def rank(self, user_id, item_ids, context=None):
        return [(item, 1.0 / len(item_ids)) for item in item_ids if item != "unlisted"]


def test_rank_leaves_out_what_the_filter_removes(shop):
    version = SimpleNamespace(trained=ListedModel(), dataset_group_arn=GROUP, recipe_type=PERSONALIZED_RANKING, arn="v")
    drama_over_5 = 'INCLUDE ItemID WHERE Items.GENRE IN ("Drama") | EXCLUDE ItemID WHERE Items.PRICE < 6'
    ranked = answers.rank(
        shop.backend,
        version,
        user_id="adult",
        input_list=["unlisted", "drama", "comedy", "cheap-drama"],
        filter_arn=add_filter(shop, drama_over_5),
    )
    assert [item for item, _ in ranked] == ["drama"]
    assert ranked[0][1] == 1.0


def test_the_excluded_sets_cached_for_a_model_stay_bounded_by_the_ids_they_hold(monkeypatch):
    monkeypatch.setattr(filtering, "_CACHED_IDS", 100)
    candidates = filtering.Candidates(f"i{n}" for n in range(60))
    rng = np.random.default_rng(0)
    for _ in range(50):
        allowed = rng.random(60) < 0.2  # most items left out, a different mask each time
        assert candidates.excluded_by(allowed) == {f"i{n}" for n in np.flatnonzero(~allowed)}
        assert sum(map(len, candidates._excluded.values())) <= 100
