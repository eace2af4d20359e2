"""Writes to organisations and memberships: one function per use case, one transaction each."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongjiang.core import audit
from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.rules import RuleError, normalize_text, validate_credit_code
from gongjiang.orgs import roles
from gongjiang.orgs.models import Membership, Organization
from gongjiang.orgs.scope import organization_queryset, scope_for

ERR_CREDIT_CODE_TAKEN = gettext_noop("统一社会信用代码 {code} 已被单位“{name}”使用。")
ERR_CREDIT_CODE_REQUIRED = gettext_noop("境内单位须填写统一社会信用代码（政府部门、联盟可不填）。")
ERR_FOREIGN_NEEDS_COUNTRY = gettext_noop("境外合作机构须填写所在国家/地区（不能是 CN）。")
ERR_PARENT_CYCLE = gettext_noop("上级单位不能是本单位或其下级单位。")
ERR_SEPARATED_ROLES = gettext_noop("系统管理员、安全管理员、审计管理员须由不同账号担任（三权分立），该用户已有角色：{role}。")
ERR_ROLE_NEEDS_ORG = gettext_noop("角色“{role}”须指定所属单位。")
ERR_REGION_ROLE_NEEDS_GOVERNMENT = gettext_noop("人社管理员角色须指定一个设有所在地区的政府部门。")
ERR_PARENT_OUT_OF_SCOPE = gettext_noop("上级单位不在您的管理范围内。")

# Kinds that may lack a credit code (bureaus may use their own; alliances often have none).
_CREDIT_CODE_OPTIONAL = {Organization.Kind.GOVERNMENT, Organization.Kind.ALLIANCE, Organization.Kind.FOREIGN_PARTNER}

EDITABLE_FIELDS = (
    "name", "short_name", "kind", "credit_code", "country", "foreign_registration", "region",
    "industry", "parent", "contact_name", "contact_phone", "address", "is_active",
)


def _clean(data: dict[str, Any], *, instance: Organization | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned = dict(data)
    if "name" in cleaned:
        cleaned["name"] = normalize_text(cleaned["name"] or "")
        if not cleaned["name"]:
            errors.setdefault("name", []).append(_("请填写单位名称。"))
    kind = cleaned.get("kind", instance.kind if instance else None)
    country = (cleaned.get("country") or (instance.country if instance else "CN") or "CN").upper()
    cleaned["country"] = country
    code = cleaned.get("credit_code", instance.credit_code if instance else None)
    if code:
        try:
            code = validate_credit_code(code)
        except RuleError as exc:
            errors.setdefault("credit_code", []).append(str(exc.message))
        else:
            clash = Organization.objects.filter(credit_code=code)
            if instance is not None:
                clash = clash.exclude(pk=instance.pk)
            other = clash.first()
            if other is not None:
                errors.setdefault("credit_code", []).append(
                    _(ERR_CREDIT_CODE_TAKEN).format(code=code, name=other.name)
                )
        cleaned["credit_code"] = code
    else:
        cleaned["credit_code"] = None
        if kind not in _CREDIT_CODE_OPTIONAL and country == "CN":
            errors.setdefault("credit_code", []).append(_(ERR_CREDIT_CODE_REQUIRED))
    if kind == Organization.Kind.FOREIGN_PARTNER and country == "CN":
        errors.setdefault("country", []).append(_(ERR_FOREIGN_NEEDS_COUNTRY))
    parent = cleaned.get("parent")
    if instance is not None and parent is not None and (
        parent.pk == instance.pk or parent.path.startswith(instance.path)
    ):
        errors.setdefault("parent", []).append(_(ERR_PARENT_CYCLE))
    if errors:
        raise ApplicationError(_("单位信息有误，请按提示修改。"), errors=errors)
    return cleaned


def _refresh_paths(org: Organization) -> None:
    """Recompute the materialised path of ``org`` and every organisation below it."""
    new_path = (org.parent.path if org.parent_id and org.parent else "/") + f"{org.pk}/"
    old_path = org.path
    if new_path == old_path:
        return
    org.path = new_path
    org.save(update_fields=["path"])
    if old_path:
        for child in Organization.objects.filter(path__startswith=old_path).exclude(pk=org.pk):
            child.path = new_path + child.path[len(old_path):]
            child.save(update_fields=["path"])


def _check_parent_in_scope(user: Any, parent: Organization | None) -> None:
    if parent is None or user is None:
        return
    # A bureau may attach a new organisation to one it can see but not write (e.g. a group HQ).
    if not scope_for(user).everything and not organization_queryset(user).filter(pk=parent.pk).exists():
        raise ApplicationError(_(ERR_PARENT_OUT_OF_SCOPE), field="parent")


@transaction.atomic
def organization_create(*, actor: Any, **data: Any) -> Organization:
    """Create an organisation inside the actor's scope (actor=None: a system job, e.g. the demo)."""
    cleaned = _clean(data, instance=None)
    if actor is not None:
        scope = scope_for(actor)
        if not scope.can_write:
            raise PermissionDeniedError()
        _check_parent_in_scope(actor, cleaned.get("parent"))
        region = cleaned.get("region")
        parent = cleaned.get("parent")
        in_scope = scope.write_everything or (
            region is not None and any(region.code.startswith(p) for p in scope.write_region_prefixes)
        ) or (parent is not None and any(parent.path.startswith(p) for p in scope.write_org_paths))
        if not in_scope:
            raise PermissionDeniedError(_("新单位须位于您管理的地区内，或挂在您管理的单位之下。"))
    org = Organization(**{k: v for k, v in cleaned.items() if k in EDITABLE_FIELDS})
    org.full_clean(exclude=["path", "credit_code"])
    org.save()
    _refresh_paths(org)
    audit.record("orgs.organization.created", obj=org, changes=audit.snapshot(org), actor=actor)
    return org


@transaction.atomic
def organization_update(*, actor: Any, organization: Organization, **data: Any) -> Organization:
    if actor is not None and not organization_queryset(actor, write=True).filter(pk=organization.pk).exists():
        raise PermissionDeniedError()
    cleaned = _clean(data, instance=organization)
    before = audit.snapshot(organization)
    fields = [k for k in cleaned if k in EDITABLE_FIELDS]
    parent_changed = "parent" in fields and (
        (cleaned["parent"].pk if cleaned["parent"] is not None else None) != organization.parent_id
    )
    for key in fields:
        setattr(organization, key, cleaned[key])
    organization.full_clean(exclude=["path", "credit_code"])
    organization.save(update_fields=[*fields, "updated_at"] if fields else None)
    if parent_changed:
        _check_parent_in_scope(actor, organization.parent)
        _refresh_paths(organization)
    changes = audit.diff(before, audit.snapshot(organization))
    audit.record("orgs.organization.updated", obj=organization, changes=changes, actor=actor)
    return organization


@transaction.atomic
def membership_grant(*, actor: Any, user: Any, role: str, organization: Organization | None = None) -> Membership:
    """Give ``user`` a role. Enforces 三权分立 and that organisation roles name an organisation."""
    if actor is not None and not scope_for(actor).has_role(
        Membership.Role.SECURITY_ADMIN, Membership.Role.PLATFORM_ADMIN
    ):
        raise PermissionDeniedError()
    role_label = Membership.Role(role).label
    if role in roles.ORGANIZATION_ROLES and organization is None:
        raise ApplicationError(_(ERR_ROLE_NEEDS_ORG).format(role=role_label), field="organization")
    if role in roles.REGION_ROLES and (
        organization is None or organization.kind != Organization.Kind.GOVERNMENT or not organization.region_id
    ):
        raise ApplicationError(_(ERR_REGION_ROLE_NEEDS_GOVERNMENT), field="organization")
    if role in roles.SEPARATED_ADMIN_ROLES:
        held = (
            Membership.objects.filter(user=user, role__in=roles.SEPARATED_ADMIN_ROLES, is_active=True)
            .exclude(role=role)
            .first()
        )
        if held is not None:
            raise ApplicationError(
                _(ERR_SEPARATED_ROLES).format(role=held.get_role_display()), field="role"
            )
        organization = None
    membership, _created = Membership.objects.update_or_create(
        user=user, organization=organization, role=role, defaults={"is_active": True}
    )
    if hasattr(user, "_gongjiang_scope"):
        del user._gongjiang_scope
    audit.record(
        "orgs.membership.granted", obj=membership,
        changes={"user": user.username, "role": role, "organization": organization.pk if organization else None},
        actor=actor,
    )
    return membership


@transaction.atomic
def membership_revoke(*, actor: Any, membership: Membership) -> None:
    if actor is not None and not scope_for(actor).has_role(
        Membership.Role.SECURITY_ADMIN, Membership.Role.PLATFORM_ADMIN
    ):
        raise PermissionDeniedError()
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    audit.record("orgs.membership.revoked", obj=membership, changes={"role": membership.role}, actor=actor)
