"""The control plane (`personalize`): one module per resource family, each registering its operations."""

from personalize_emulator.api.control import (  # noqa: F401  (imported for their @operation registrations)
    batch_inference_jobs,
    batch_segment_jobs,
    campaigns,
    data_deletion_jobs,
    dataset_groups,
    datasets,
    event_trackers,
    export_jobs,
    filters,
    import_jobs,
    metric_attributions,
    recipes,
    recommenders,
    schemas,
    solution_versions,
    solutions,
    tags,
)
