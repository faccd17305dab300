"""Dataset groups: the container of datasets, solutions, event trackers and filters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from personalize_emulator.resources.base import Resource


@dataclass(eq=False)
class DatasetGroup(Resource):
    kind = "dataset-group"
    arn_member = "datasetGroupArn"

    role_arn: str | None = None
    kms_key_arn: str | None = None
    domain: str | None = None

    def details(self) -> dict[str, Any]:
        return {"roleArn": self.role_arn, "kmsKeyArn": self.kms_key_arn, "domain": self.domain}
