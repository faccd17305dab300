"""Next-Best-Action requests (GetActionRecommendations): a campaign's actions for a user, from the data as it is at
the request: the Actions records (PutActions may have changed them), and the user's item and action interactions.

Before the model scores what is left, as the guide's Actions dataset page says:
- an action whose ACTION_EXPIRATION_TIMESTAMP (epoch seconds) has passed is never recommended ("If an action has
  expired, Amazon Personalize won't include it in recommendations"; AWS may take up to 2 hours, here it is at once);
- an action with a REPEAT_FREQUENCY of n days is not recommended to a user for n days after their latest interaction
  with it in the Action interactions dataset (the guide says "after a user interacts with it" and names no event
  type, so any counts);
- the request's filter of actions removes its own.
"""

from __future__ import annotations

import time

from personalize_emulator.data.interaction_history import events_of
from personalize_emulator.data.record_index import index_of
from personalize_emulator.recipes.next_best_action import DAY, NextBestActionModel
from personalize_emulator.resources.datasets import dataset_of
from personalize_emulator.resources.solutions import SolutionVersion
from personalize_emulator.serving import filtering


def recommend_actions(
    backend,
    version: SolutionVersion,
    user_id: str,
    num_results: int,
    filter_arn: str | None = None,
    filter_values: dict[str, str] | None = None,
) -> list[tuple[str, float]]:
    """The user's best `num_results` (action id, propensity), best first."""
    model = version.trained
    assert isinstance(model, NextBestActionModel)  # the runtime asked for a PERSONALIZED_ACTIONS version
    group = version.solution.dataset_group_arn
    actions = dataset_of(backend, group, "ACTIONS")
    if actions is None:
        return []
    index = index_of(actions.table)

    def column(name: str) -> list:
        return list(index.column(name)) if index.schema.field(name) is not None else [None] * len(index.ids)

    history = []
    action_interactions = dataset_of(backend, group, "ACTION_INTERACTIONS")
    if action_interactions is not None:
        history = events_of(action_interactions.table, user_id)
    latest = {action: when for action, _, when in history}  # oldest first, so the latest stays
    now = time.time()
    candidates = []
    for action, expires, every in zip(
        index.ids, column("ACTION_EXPIRATION_TIMESTAMP"), column("REPEAT_FREQUENCY"), strict=True
    ):
        if not model.may_recommend(action) or (expires is not None and expires <= now):
            continue
        if every is not None and action in latest and latest[action] + every * DAY > now:
            continue
        candidates.append(action)
    if filter_arn:
        removed = filtering.excluded(
            backend,
            filter_arn,
            filter_values,
            group_arn=group,
            candidates=filtering.Candidates(candidates),
            user_id=user_id,
            target=filtering.ACTIONS,
        )
        candidates = [action for action in candidates if action not in removed]
    interactions = dataset_of(backend, group, "INTERACTIONS")
    items = [item for item, _, _ in events_of(interactions.table, user_id)] if interactions is not None else []
    scores = model.scores(items, [(action, kind) for action, kind, _ in history], candidates)
    values = {a: float(v) for a, v in zip(index.ids, column("VALUE"), strict=True) if v is not None}
    return [(action, scores[action]) for action in model.order(scores, values)[:num_results]]
