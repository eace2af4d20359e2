"""Writes of skill evaluation: one function per use case, one transaction each, audited.

Split by subject: bodies (filing, scope, rosters), batches (state machine, evaluators),
applications (eligibility, bulk, 破格), scoring (sheets, corrections, re-checks, Excel),
publicity (objections), issuance (numbers, certificates, re-issue, 评聘, reporting).
"""

from gongjiang.evaluation.services.applications import (
    application_approve_exception,
    application_bulk_submit,
    application_submit,
    application_withdraw,
    eligibility_preview,
)
from gongjiang.evaluation.services.batches import (
    assignment_problems,
    batch_assign_evaluator,
    batch_create,
    batch_transition,
    batch_unassign_evaluator,
    batch_update,
)
from gongjiang.evaluation.services.bodies import (
    body_extend_validity,
    body_file,
    body_scope_remove,
    body_scope_set,
    body_set_status,
    evaluator_add,
    evaluator_deactivate,
    scope_problems,
)
from gongjiang.evaluation.services.issuance import (
    assign_number,
    batch_issue,
    evaluation_certificate_reissue,
    evaluation_certificate_revoke,
    post_appoint,
    post_end,
    report_export,
)
from gongjiang.evaluation.services.publicity import objection_record, objection_resolve
from gongjiang.evaluation.services.rule_sets import rule_set_save
from gongjiang.evaluation.services.scoring import (
    application_mark_absent,
    recheck_record,
    recheck_sample,
    score_enter,
    sheet_correct,
    sheet_return,
    sheet_submit,
    sheets_lock,
)

__all__ = [
    "application_approve_exception", "application_bulk_submit", "application_mark_absent", "application_submit",
    "application_withdraw", "assign_number", "assignment_problems", "batch_assign_evaluator", "batch_create",
    "batch_issue", "batch_transition", "batch_unassign_evaluator", "batch_update", "body_extend_validity", "body_file",
    "body_scope_remove", "body_scope_set", "body_set_status", "eligibility_preview", "evaluation_certificate_reissue",
    "evaluation_certificate_revoke", "evaluator_add", "evaluator_deactivate", "objection_record", "objection_resolve",
    "post_appoint", "post_end", "rule_set_save", "recheck_record", "recheck_sample", "report_export", "scope_problems", "score_enter",
    "sheet_correct", "sheet_return", "sheet_submit", "sheets_lock",
]
