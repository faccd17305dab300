"""What a recommender trains on: the events of its use case's type (case ignored), and the columns its
trainingDataConfig leaves in (https://docs.aws.amazon.com/personalize/latest/dg/create-recommender-configure-columns.html)."""

import pandas as pd

from personalize_emulator.data.avro import AvroSchema, Field
from personalize_emulator.recipes.base import TrainingData
from personalize_emulator.training.recommenders import columns_kept, of_event_type

INTERACTIONS = AvroSchema(
    "Interactions",
    (Field("USER_ID", "string"), Field("ITEM_ID", "string"), Field("TIMESTAMP", "long"),
     Field("EVENT_TYPE", "string"), Field("DEVICE", "string", categorical=True)),
)  # fmt: skip
ITEMS = AvroSchema(
    "Items",
    (Field("ITEM_ID", "string"), Field("GENRES", "string", categorical=True), Field("PRICE", "float"),
     Field("DURATION", "float")),
)  # fmt: skip


def data() -> TrainingData:
    interactions = pd.DataFrame(
        {"USER_ID": ["u1", "u1", "u2"], "ITEM_ID": ["i1", "i2", "i1"], "TIMESTAMP": [1, 2, 3],
         "EVENT_TYPE": ["watch", "Click", "WATCH"], "DEVICE": ["tv", "phone", "tv"]}
    )  # fmt: skip
    items = pd.DataFrame({"ITEM_ID": ["i1", "i2"], "GENRES": ["A", "B"], "PRICE": [1.0, 2.0], "DURATION": [90, 60]})
    return TrainingData(interactions, items, None, {"INTERACTIONS": INTERACTIONS, "ITEMS": ITEMS})


def test_a_use_case_learns_from_its_event_type_whatever_its_case():
    assert list(of_event_type(data().interactions, "Watch")["TIMESTAMP"]) == [1, 3]
    assert len(of_event_type(data().interactions, None)) == 3


def test_excluded_columns_go_and_included_ones_are_all_that_stays_besides_the_ids():
    kept = columns_kept(data(), {
        "excludedDatasetColumns": {"INTERACTIONS": ["device"]},
        "includedDatasetColumns": {"Items": ["GENRES"]},
    })  # fmt: skip
    assert list(kept.interactions.columns) == ["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE"]
    assert kept.schemas["INTERACTIONS"].names == ["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE"]
    assert list(kept.items.columns) == ["ITEM_ID", "GENRES"] and kept.schemas["ITEMS"].names == ["ITEM_ID", "GENRES"]
    assert columns_kept(data(), {}).schemas["ITEMS"].names == ["ITEM_ID", "GENRES", "PRICE", "DURATION"]
