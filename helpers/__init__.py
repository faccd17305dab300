"""Helpers for the tutorial notebooks: where calls go, create-or-reuse, waiting (with the training's epochs),
PutEvents and the clean-up.

They hide the waiting and the plumbing, not the API: every Personalize step still appears in the notebooks as
the plain boto3 call that runs on real AWS.
"""

from .cleanup import clean_up, delete_bucket, delete_role
from .deploy import deploy_campaign
from .events import make_event, send_events
from .resources import (
    bucket_policy,
    create_bucket,
    create_or_reuse,
    create_personalize_role,
    import_frame,
    trust_policy,
    upload_csv,
)
from .target import Target, select_target, stop_local
from .training import plot_training_losses, training_losses
from .waiting import ResourceFailed, describe, wait_for_active, wait_for_deleted

__all__ = [
    "ResourceFailed",
    "Target",
    "bucket_policy",
    "clean_up",
    "create_bucket",
    "create_or_reuse",
    "create_personalize_role",
    "delete_bucket",
    "deploy_campaign",
    "delete_role",
    "describe",
    "import_frame",
    "make_event",
    "plot_training_losses",
    "select_target",
    "send_events",
    "stop_local",
    "training_losses",
    "trust_policy",
    "upload_csv",
    "wait_for_active",
    "wait_for_deleted",
]
