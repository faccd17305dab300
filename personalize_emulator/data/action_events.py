"""The event types of action interactions. AWS's guide spells them `Taken`, `Not taken` and `Viewed` in its CSV
example, `TAKEN`, `NOT_TAKEN` and `VIEWED` in its prose and filters, and `Not Taken` in PutActionInteractions'
reference; they are taken here as one, whatever the case and whether a space or an underscore joins the words."""

from __future__ import annotations

TAKEN, NOT_TAKEN, VIEWED = "TAKEN", "NOT_TAKEN", "VIEWED"
EVENT_TYPES = (TAKEN, NOT_TAKEN, VIEWED)


def action_event_type(value: str | None) -> str | None:
    """TAKEN, NOT_TAKEN or VIEWED for any spelling of them; None for anything else."""
    if not isinstance(value, str):
        return None
    plain = "_".join(value.upper().split())
    return plain if plain in EVENT_TYPES else None
