"""The control plane (`personalize`): one module per resource family, each registering its operations."""

from personalize_emulator.api.control import (  # noqa: F401  (imported for their @operation registrations)
    batch_inference_jobs,
    batch_segment_jobs,
    campaigns,
    dataset_groups,
    datasets,
    event_trackers,
    export_jobs,
    filters,
    import_jobs,
    recipes,
    schemas,
    solution_versions,
    solutions,
    tags,
)
