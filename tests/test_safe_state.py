"""Saved state is plain data: it loads back equal, and nothing in a file can make the loader run code."""

from __future__ import annotations

import io
import os
import threading

import numpy as np
import pytest
import torch

from personalize_emulator.data.avro import AvroSchema, Field
from personalize_emulator.data.tables import Table
from personalize_emulator.recipes.popularity import PopularityModel
from personalize_emulator.store import safe_state
from personalize_emulator.store.sqlite import RecordSink, Store


def test_plain_data_arrays_and_package_objects_round_trip():
    schema = AvroSchema("Items", (Field("ITEM_ID", "string"), Field("GENRE", "string", nullable=True)))
    value = {
        1: (np.arange(3, dtype=np.int64), np.array(["a", None], dtype=object)),
        "floats": np.array([0.5, np.nan]),
        "tensor": torch.ones(2, 2),
        "schema": schema,
        "set": {3, 1},
        "lock": threading.Lock(),
    }
    back = safe_state.loads(safe_state.dumps(value))
    np.testing.assert_array_equal(back[1][0], value[1][0])
    assert back[1][1].tolist() == ["a", None]
    assert np.isnan(back["floats"][1]) and back["floats"][0] == 0.5
    assert torch.equal(back["tensor"], value["tensor"])
    assert back["schema"] == schema and back["set"] == {1, 3}
    assert back["lock"].acquire(blocking=False)  # a fresh lock, not a copy of a held one


def test_a_model_loads_back_and_answers_the_same():
    model = PopularityModel(np.array(["a", "b", "c"]), np.array([1.0, 5.0, 3.0]))
    back = safe_state.loads(safe_state.dumps(model))
    assert back.recommend("anyone", 3) == model.recommend("anyone", 3)


class Exploit:
    def __reduce__(self):
        return (os.system, ("echo pwned > /tmp/personalize-emulator-exploit",))


def test_a_pickle_that_would_run_code_is_refused():
    buffer = io.BytesIO()
    torch.save({"model": Exploit()}, buffer)
    with pytest.raises(Exception, match="Weights only load failed|Unsupported global"):
        safe_state.loads(buffer.getvalue())
    assert not os.path.exists("/tmp/personalize-emulator-exploit")


@pytest.mark.parametrize(
    "name",
    [
        "os:system",
        "builtins:eval",
        "personalize_emulator.store.safe_state:np.load",
        "personalize_emulator.adapters.http_server:Request",
    ],
)
def test_a_state_naming_a_class_outside_the_package_is_refused(name):
    buffer = io.BytesIO()
    torch.save({"$object": name, "attributes": {}}, buffer)
    with pytest.raises(safe_state.UnsafeState):
        safe_state.loads(buffer.getvalue())


def test_saving_something_foreign_is_refused():
    with pytest.raises(TypeError, match="only this package's classes"):
        safe_state.dumps({"f": open})


def test_a_full_import_replaces_bulk_records_on_disk_and_keeps_records_put_one_by_one(tmp_path):
    schema = AvroSchema("Items", (Field("ITEM_ID", "string"), Field("GENRE", "string", nullable=True)))
    store = Store(tmp_path)
    table = Table(schema, "ITEMS", RecordSink(store, "items"))
    import pandas as pd

    table.replace(pd.DataFrame({"ITEM_ID": ["a", "b"], "GENRE": ["x", "y"]}))
    table.append_rows([{"ITEM_ID": "c", "GENRE": None}, {"ITEM_ID": "a", "GENRE": "put"}])
    table.replace(pd.DataFrame({"ITEM_ID": ["d"], "GENRE": ["z"]}))
    reloaded = Table(schema, "ITEMS")
    reloaded.restore(Store(tmp_path).records("items"))
    expected = table.frame().sort_values("ITEM_ID").reset_index(drop=True)
    got = reloaded.frame().sort_values("ITEM_ID").reset_index(drop=True)
    assert (
        got[["ITEM_ID", "GENRE"]].astype(str).values.tolist()
        == expected[["ITEM_ID", "GENRE"]].astype(str).values.tolist()
    )
    assert sorted(got["ITEM_ID"]) == ["a", "c", "d"]
