"""Background jobs of accounts (django-tasks; see docs/adr/0001-background-jobs.md): the audit
chain's verification, which on a log of millions of entries takes longer than a request."""

from __future__ import annotations

from django_tasks import task

from gongjiang.core.models import AuditVerification


@task()
def audit_verify_task(verification_id: int) -> str:
    from gongjiang.accounts import services

    verification = services.audit_verification_run(verification_id=verification_id)
    return verification.status if verification is not None else "skipped"


def enqueue_audit_verification(verification: AuditVerification) -> None:
    audit_verify_task.enqueue(verification.pk)
