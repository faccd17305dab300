import json

import pandas as pd

from personalize_emulator.data.avro import parse_schema
from personalize_emulator.data.tables import BULK, PUT, SOURCE, Table


def schema(name, *fields):
    return parse_schema(json.dumps({"type": "record", "name": name, "fields": list(fields)}))


ITEM_FIELDS = [
    {"name": "ITEM_ID", "type": "string"},
    {"name": "GENRES", "type": ["null", "string"], "categorical": True},
    {"name": "PRICE", "type": ["null", "float"]},
]
ITEMS = schema("Items", *ITEM_FIELDS)
INTERACTIONS = schema(
    "Interactions",
    {"name": "USER_ID", "type": "string"},
    {"name": "ITEM_ID", "type": "string"},
    {"name": "TIMESTAMP", "type": "long"},
)


def items(*rows):
    return pd.DataFrame(rows, columns=["ITEM_ID", "GENRES", "PRICE"])


def clicks(*rows):
    return pd.DataFrame(rows, columns=["USER_ID", "ITEM_ID", "TIMESTAMP"])


def by_id(table, column="ITEM_ID"):
    """The table's records as {id: (other columns..., SOURCE)}."""
    frame = table.frame()
    return {row[column]: tuple(row.drop(column)) for _, row in frame.iterrows()}


def test_a_new_table_has_the_schema_columns_typed_and_no_rows():
    table = Table(ITEMS, "ITEMS")
    frame = table.frame()
    assert list(frame.columns) == ["ITEM_ID", "GENRES", "PRICE", SOURCE]
    assert str(frame["PRICE"].dtype) == "float64"
    assert len(table) == 0


def test_replace_types_the_columns_and_marks_the_records_bulk():
    table = Table(INTERACTIONS, "INTERACTIONS")
    table.replace(clicks(("u1", "i1", 10), ("u1", "i1", 20)))
    frame = table.frame()
    assert str(frame["TIMESTAMP"].dtype) == "Int64"
    assert frame["TIMESTAMP"].tolist() == [10, 20]
    assert set(frame[SOURCE]) == {BULK}


def test_replace_drops_the_earlier_bulk_records():
    table = Table(INTERACTIONS, "INTERACTIONS")
    table.replace(clicks(("u1", "i1", 10)))
    table.replace(clicks(("u2", "i2", 20)))
    assert table.frame()["USER_ID"].tolist() == ["u2"]


def test_replace_keeps_records_put_one_by_one():
    table = Table(INTERACTIONS, "INTERACTIONS")
    table.replace(clicks(("u1", "i1", 10)))
    table.append_rows([{"USER_ID": "u9", "ITEM_ID": "i9", "TIMESTAMP": 99}])
    table.replace(clicks(("u2", "i2", 20)))
    frame = table.frame()
    assert sorted(zip(frame["USER_ID"], frame[SOURCE], strict=True)) == [("u2", BULK), ("u9", PUT)]


def test_replace_keeps_the_last_record_of_each_key_even_over_a_put_one():
    table = Table(ITEMS, "ITEMS")
    table.append_rows([{"ITEM_ID": "i1", "GENRES": "put", "PRICE": 1.0}])
    table.replace(items(("i1", "first", 2.0), ("i2", "x", None), ("i1", "second", 3.0)))
    frame = table.frame().set_index("ITEM_ID")
    assert sorted(frame.index) == ["i1", "i2"]
    assert tuple(frame.loc["i1"]) == ("second", 3.0, BULK)
    assert pd.isna(frame.loc["i2", "PRICE"])


def test_append_adds_interactions_without_replacing_any():
    table = Table(INTERACTIONS, "INTERACTIONS")
    table.replace(clicks(("u1", "i1", 10)))
    table.append(clicks(("u1", "i1", 10), ("u2", "i2", 20)))
    assert table.frame()["USER_ID"].tolist() == ["u1", "u1", "u2"]


def test_append_replaces_keyed_records_with_the_same_id():
    table = Table(ITEMS, "ITEMS")
    table.replace(items(("i1", "drama", 1.0), ("i2", "comedy", 2.0)))
    table.append(items(("i2", "horror", 5.0), ("i3", "kids", 3.0)))
    assert by_id(table) == {"i1": ("drama", 1.0, BULK), "i2": ("horror", 5.0, BULK), "i3": ("kids", 3.0, BULK)}


def test_rows_put_one_by_one_wait_until_read_and_then_upsert_by_key():
    table = Table(ITEMS, "ITEMS")
    table.replace(items(("i1", "drama", 1.0)))
    version = table.version
    table.append_rows([{"ITEM_ID": "i1", "GENRES": "comedy"}, {"ITEM_ID": "p1", "PRICE": 4.0}])
    assert len(table) == 3 and table.version > version
    frame = table.frame().set_index("ITEM_ID")
    assert len(table) == 2
    assert frame.loc["i1", "GENRES"] == "comedy" and pd.isna(frame.loc["i1", "PRICE"])
    assert frame.loc["p1", "PRICE"] == 4.0 and pd.isna(frame.loc["p1", "GENRES"])
    assert set(frame[SOURCE]) == {PUT}


def test_every_change_moves_the_version_on():
    table = Table(INTERACTIONS, "INTERACTIONS")
    versions = [table.version]
    table.replace(clicks(("u1", "i1", 10)))
    versions.append(table.version)
    table.append(clicks(("u2", "i2", 20)))
    versions.append(table.version)
    table.append_rows([{"USER_ID": "u3", "ITEM_ID": "i3", "TIMESTAMP": 30}])
    versions.append(table.version)
    assert versions == sorted(set(versions))


def test_reshape_adds_new_fields_empty_and_keeps_the_sources():
    table = Table(ITEMS, "ITEMS")
    table.replace(items(("i1", "drama", 1.0)))
    table.append_rows([{"ITEM_ID": "p1", "GENRES": "kids"}])
    wider = schema("Items", *ITEM_FIELDS, {"name": "COLOR", "type": ["null", "string"]})
    table.reshape(wider)
    frame = table.frame().set_index("ITEM_ID")
    assert list(frame.columns) == ["GENRES", "PRICE", "COLOR", SOURCE]
    assert frame["COLOR"].isna().all()
    assert frame[SOURCE].to_dict() == {"i1": BULK, "p1": PUT}
    table.append_rows([{"ITEM_ID": "p2", "COLOR": "red"}])
    assert table.frame().set_index("ITEM_ID").loc["p2", "COLOR"] == "red"
