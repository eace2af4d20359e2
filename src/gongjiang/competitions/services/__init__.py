"""Everything that writes competitions: one function per use case, one transaction each, audited.

Split by phase: :mod:`.setup` (competition, stages, events, schemes, delegations, quotas, judges,
reward rules), :mod:`.registration` (entries), :mod:`.judging` (marks, moderation, lock,
publish, corrections, appeals, advancement) and :mod:`.rewards` (以赛代评 into the registry).
"""

from gongjiang.competitions.services.judging import (
    appeal_decide,
    appeal_submit,
    compute_results,
    entry_record_scores,
    lock_problems,
    mark_correct,
    marks_save,
    moderation_accept,
    round_advance,
    round_lock,
    round_publish,
    sheet_reopen,
    sheet_submit,
)
from gongjiang.competitions.services.registration import (
    entry_confirm,
    entry_disqualify,
    entry_register,
    entry_withdraw,
)
from gongjiang.competitions.services.rewards import reward_plan, reward_problems, rewards_apply
from gongjiang.competitions.services.setup import (
    competition_create,
    competition_set_status,
    competition_update,
    delegation_create,
    event_create,
    event_update,
    judge_assign,
    judge_remove,
    marking_scheme_set,
    quota_set,
    require_organizer,
    reward_rule_create,
    reward_rule_delete,
    stage_create,
)

__all__ = [
    "appeal_decide", "appeal_submit", "competition_create", "competition_set_status", "competition_update",
    "compute_results", "delegation_create", "entry_confirm", "entry_disqualify", "entry_record_scores",
    "entry_register", "entry_withdraw", "event_create", "event_update", "judge_assign", "judge_remove",
    "lock_problems", "mark_correct", "marking_scheme_set", "marks_save", "moderation_accept", "quota_set",
    "require_organizer", "reward_plan", "reward_problems", "reward_rule_create", "reward_rule_delete",
    "rewards_apply", "round_advance", "round_lock", "round_publish", "sheet_reopen", "sheet_submit",
    "stage_create",
]
