"""Pure rules of international cooperation: agreement content hashes and status, terms,
recognition of foreign qualifications, country codes. No database.

An agreement is approved by each party for one exact version, identified by a SHA-256 hash of
its canonical content (the agreed fields and the SHA-256 of the signed document), as the
Erasmus Without Paper IIA approval API does with its ``iia-hash``. Any change to the content
gives a new hash, and approvals of the old hash no longer count.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from gongjiang.core.rules import RuleError
from gongjiang.training.rules import add_months

# A short list of the countries the seeds and typical partners name; any ISO 3166-1 alpha-2 code
# is accepted and shown as the code when it has no Chinese name here.
COUNTRY_NAMES: dict[str, str] = {
    "AT": "奥地利", "AU": "澳大利亚", "BY": "白俄罗斯", "CA": "加拿大", "CH": "瑞士", "CZ": "捷克",
    "DE": "德国", "DK": "丹麦", "ES": "西班牙", "FI": "芬兰", "FR": "法国", "GB": "英国", "HK": "中国香港",
    "HU": "匈牙利", "ID": "印度尼西亚", "IT": "意大利", "JP": "日本", "KH": "柬埔寨", "KR": "韩国",
    "KZ": "哈萨克斯坦", "LA": "老挝", "LK": "斯里兰卡", "MM": "缅甸", "MO": "中国澳门", "MY": "马来西亚",
    "NL": "荷兰", "NZ": "新西兰", "PH": "菲律宾", "PK": "巴基斯坦", "PL": "波兰", "RS": "塞尔维亚",
    "RU": "俄罗斯", "SE": "瑞典", "SG": "新加坡", "TH": "泰国", "TW": "中国台湾", "US": "美国",
    "UZ": "乌兹别克斯坦", "VN": "越南",
}

ERR_COUNTRY = _("国家/地区应为 ISO 3166-1 两位字母代码（如 DE 德国、SG 新加坡），不能是 CN。")
ERR_HASH_MISMATCH = _("确认的版本（{presented}…）与协议当前版本（{current}…）不一致，请重新查看协议后再确认。")
ERR_HASH_FORMAT = _("版本哈希应为 64 位十六进制 SHA-256 值。")
ERR_AGREEMENT_INCOMPLETE = _("协议信息不完整，不能提交确认：{missing}。")
ERR_TERM = _("协议期限应为 1–240 个月。")
ERR_RECOGNITION_DATE = _("作出认可决定须填写决定日期。")
ERR_RECOGNITION_MAPPING = _("认可为“比照对应”时须填写对应的国内职业技能等级或职称。")

HEX64 = re.compile(r"^[0-9a-f]{64}$")


def normalize_country(code: str) -> str:
    """Upper-case ISO alpha-2; refuses CN (a foreign partner is foreign) and malformed codes."""
    text = (code or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", text) or text == "CN":
        raise RuleError(str(ERR_COUNTRY), "country")
    return text


def country_name(code: str) -> str:
    return COUNTRY_NAMES.get((code or "").upper(), code or "")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class AgreementContent:
    """The fields both sides agree to. Party ids are sorted, so their order does not matter."""

    title: str
    kind: str
    party_ids: tuple[int, ...]
    signed_date: dt.date | None
    term_months: int | None
    document_sha256: str
    summary: str = ""


def canonical_content(content: AgreementContent) -> bytes:
    payload = {
        "title": content.title.strip(),
        "kind": content.kind,
        "parties": sorted(set(content.party_ids)),
        "signed_date": content.signed_date.isoformat() if content.signed_date else None,
        "term_months": content.term_months,
        "document_sha256": content.document_sha256.lower(),
        "summary": content.summary.strip(),
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def content_hash(content: AgreementContent) -> str:
    return sha256_hex(canonical_content(content))


def missing_for_approval(content: AgreementContent) -> list[str]:
    """What must be filled in before parties can approve (like EWP's 'not-yet-defined')."""
    missing = []
    if not content.title.strip():
        missing.append(str(_("协议名称")))
    if len(set(content.party_ids)) < 2:
        missing.append(str(_("至少两个签约方")))
    if not HEX64.match(content.document_sha256 or ""):
        missing.append(str(_("协议文本文件")))
    if content.term_months is None:
        missing.append(str(_("协议期限")))
    return missing


def check_approval(*, presented_hash: str, current_hash: str) -> None:
    presented = (presented_hash or "").strip().lower()
    if not HEX64.match(presented):
        raise RuleError(str(ERR_HASH_FORMAT), "hash_format")
    if presented != current_hash:
        raise RuleError(str(ERR_HASH_MISMATCH).format(presented=presented[:12], current=current_hash[:12]),
                        "hash_mismatch")


def check_term(term_months: int | None) -> None:
    if term_months is not None and not 1 <= term_months <= 240:
        raise RuleError(str(ERR_TERM), "term")


# --- Agreement status -------------------------------------------------------------------------
DRAFT = "draft"
PENDING = "pending"  # content complete, waiting for every party to approve this version
IN_FORCE = "in_force"
EXPIRED = "expired"
TERMINATED = "terminated"


def agreement_end_date(signed_date: dt.date | None, term_months: int | None) -> dt.date | None:
    if signed_date is None or term_months is None:
        return None
    return add_months(signed_date, term_months) - dt.timedelta(days=1)


def agreement_status(
    *,
    terminated: bool,
    complete: bool,
    approved_hashes: Mapping[int, str | None],
    current_hash: str,
    signed_date: dt.date | None,
    term_months: int | None,
    today: dt.date,
) -> str:
    """The status an agreement has today, derived from its facts (never typed in)."""
    if terminated:
        return TERMINATED
    if not complete:
        return DRAFT
    all_approved = bool(approved_hashes) and all(h == current_hash for h in approved_hashes.values())
    if not all_approved or signed_date is None or signed_date > today:
        return PENDING
    end = agreement_end_date(signed_date, term_months)
    if end is not None and today > end:
        return EXPIRED
    return IN_FORCE


# --- Recognition of foreign qualifications ------------------------------------------------------
RECOGNISED = "recognised"
MAPPED = "mapped"  # recognised and 比照对应 to a domestic level or title
NOT_RECOGNISED = "not_recognised"
PENDING_DECISION = "pending"


def check_recognition(*, decision: str, decision_date: dt.date | None, domestic_level: int | None,
                      domestic_title: str) -> None:
    if decision != PENDING_DECISION and decision_date is None:
        raise RuleError(str(ERR_RECOGNITION_DATE), "decision_date")
    if decision == MAPPED and domestic_level is None and not domestic_title.strip():
        raise RuleError(str(ERR_RECOGNITION_MAPPING), "mapping")


def count_by(values: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts
