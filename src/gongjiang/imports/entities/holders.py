"""The person a row is about (a certificate's holder, an honour's recipient), by ID number.

Rows name the person by name and ID number; the person must be registered (import people
first), the name must match the registry, and the actor must be allowed to write to them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongjiang.core import rules as core_rules
from gongjiang.core.rules import RuleError
from gongjiang.imports import rules
from gongjiang.imports.entities.base import Column, ImportContext, RowState
from gongjiang.imports.entities.people import ID_TYPES

ERR_HOLDER_NOT_FOUND = _("该证件号码的人员尚未登记。请先导入人员（技能人才），再导入其证书或荣誉。")
ERR_HOLDER_NAME = _("姓名与库中该证件号码登记的姓名（{masked}）不一致，请核对。")
ERR_HOLDER_OUT_OF_SCOPE = _("该人员不在您的管理范围内。")

CODE_HOLDER_NOT_FOUND = "holder_not_found"
CODE_HOLDER_NAME = "holder_name_differs"
CODE_OUT_OF_SCOPE = "out_of_scope"


def holder_columns() -> tuple[Column, ...]:
    return (
        Column("holder_name", _("姓名"), ("名字", "持证人", "持证人姓名", "获得者", "获奖人", "人员姓名", "职工姓名", "name"),
               rules.person_name, required=True, help=_("须与人员库中登记的姓名一致。"), example="张三", width=12),
        Column("holder_id_type", _("证件类型"), ("证件种类",), rules.choice_normalizer(ID_TYPES),
               help=_("不填即为居民身份证。"), example="居民身份证", width=14),
        Column("holder_id_number", _("身份证号码"),
               ("身份证号", "身份证", "公民身份号码", "证件号码", "证件号", "身份证件号码", "身分证号码", "持证人身份证号码",
                "持证人证件号码", "idnumber"),
               rules.id_number_text, required=True,
               help=_("持证人的证件号码（18 位身份证号码请把该列设为文本格式）。人员须已登记。"),
               example="330602199005170018", width=22),
    )


def check_holder(state: RowState, ctx: ImportContext) -> None:
    """Validate the ID number and store its keyed hash in ``values["_holder_hash"]``."""
    from gongjiang.people.services import ID_HASH_PURPOSE

    values = state.values
    id_type = values.get("holder_id_type") or core_rules.RESIDENT_ID
    text_number = values.get("holder_id_number") or ""
    values["_holder_hash"] = None
    if not text_number:
        return
    try:
        if id_type == core_rules.RESIDENT_ID:
            number = rules.resident_id(text_number, today=ctx.today).number
        else:
            number = rules.other_id(id_type, text_number)
    except RuleError as exc:
        state.error("holder_id_number", exc.code, exc.message)
        return
    values["_holder_hash"] = ctx.crypto.blind_index(f"{id_type}:{number}", purpose=ID_HASH_PURPOSE)


def resolve_holders(batch: list[RowState], ctx: ImportContext) -> None:
    """Set ``values["_holder"]`` (person pk) or add an error, for each row of the batch."""
    from gongjiang.people.models import Person
    from gongjiang.people.selectors import person_queryset

    hashes = {state.values["_holder_hash"] for state in batch if state.values.get("_holder_hash")}
    found = {
        row[0]: row[1:]
        for row in Person.objects.filter(id_number_hash__in=list(hashes)).values_list(
            "id_number_hash", "pk", "name", "id_number_masked"
        )
    }
    writable: set[int] | None = None
    if found and not ctx.unrestricted:
        writable = set(
            person_queryset(ctx.actor, write=True).filter(pk__in=[v[0] for v in found.values()]).values_list("pk", flat=True)
        )
    for state in batch:
        state.values["_holder"] = None
        match = found.get(state.values.get("_holder_hash") or "")
        if match is None:
            state.error("holder_id_number", CODE_HOLDER_NOT_FOUND, ERR_HOLDER_NOT_FOUND)
            continue
        pk, name, masked = match
        if writable is not None and pk not in writable:
            state.error("holder_id_number", CODE_OUT_OF_SCOPE, ERR_HOLDER_OUT_OF_SCOPE)
            continue
        if name != state.values.get("holder_name"):
            state.error("holder_name", CODE_HOLDER_NAME, str(ERR_HOLDER_NAME).format(masked=core_rules.mask_name(name)))
            continue
        state.values["_holder"] = pk
