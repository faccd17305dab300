"""Batch segment jobs: a USER_SEGMENTATION solution version answering, for each line of JSON-lines input in S3 (an
item, or item attributes), the users most likely to interact with it."""

from __future__ import annotations

from dataclasses import dataclass

from personalize_emulator.resources.batch_inference_jobs import BatchJob

# AWS's quotas (Amazon Personalize endpoints and quotas, "Batch segment jobs").
MAX_QUERIES = {"aws-item-affinity": 500, "aws-item-attribute-affinity": 10}
MAX_USERS = 5_000_000
MAX_RUNNING = 5  # pending or in progress, per region


@dataclass(eq=False)
class BatchSegmentJob(BatchJob):
    kind = "batch-segment-job"
    arn_member = "batchSegmentJobArn"
