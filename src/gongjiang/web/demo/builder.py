"""Builds the demo city. See the package docstring for what it contains and the extension hook."""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from gongjiang.catalog.levels import (
    SkillLevel,
    is_high_skilled,
    level_from_national_grade,
    national_grade,
)
from gongjiang.catalog.models import Industry, Occupation, Region
from gongjiang.core import audit
from gongjiang.core.crypto import get_provider
from gongjiang.core.models import User
from gongjiang.core.rules import (
    mask_id_number,
    mask_mobile,
    parse_resident_id,
    resident_id_check_char,
    validate_credit_code,
)
from gongjiang.credentials.rules import format_national_number
from gongjiang.orgs.models import Membership, Organization
from gongjiang.orgs.services import membership_grant
from gongjiang.people.models import Certificate, Employment, Honor, Person
from gongjiang.people.services import ID_CIPHER_AAD, MOBILE_CIPHER_AAD, hash_id_number
from gongjiang.web.demo import names

DEMO_PASSWORD = "Demo-Pass-2026!"
BATCH_SIZE = 500

PROVINCE = ("330000", "浙江省")
CITY = ("330600", "绍兴市")
DISTRICTS = (
    ("330602", "越城区"), ("330603", "柯桥区"), ("330604", "上虞区"),
    ("330624", "新昌县"), ("330681", "诸暨市"), ("330683", "嵊州市"),
)
# Share of the city's workers and enterprises in each district.
DISTRICT_WEIGHTS = {"330602": 22, "330603": 24, "330604": 17, "330624": 8, "330681": 19, "330683": 10}

# The address code of a resident ID is the county's code when the number was first issued
# (about age 16, not before 1985), and the number never changes afterwards. So a 柯桥区
# resident born in 1985 carries 绍兴县's code 330621. (code, in use from year) per district.
ID_PREFIXES: dict[str, tuple[tuple[str, int], ...]] = {
    "330602": (("330602", 1983),),
    "330603": (("330621", 1983), ("330603", 2013)),
    "330604": (("330622", 1983), ("330682", 1992), ("330604", 2013)),
    "330624": (("330624", 1983),),
    "330681": (("330625", 1983), ("330681", 1989)),
    "330683": (("330623", 1983), ("330683", 1995)),
}

# Level mix of the registry (share of all people). High-skilled (高级工 and above) = 30 %,
# the 中办发〔2022〕58号 target; 8 % are registered without any certificate yet.
LEVEL_SHARES: tuple[tuple[int | None, float], ...] = (
    (None, 0.08),
    (SkillLevel.JUNIOR, 0.24),
    (SkillLevel.INTERMEDIATE, 0.38),
    (SkillLevel.SENIOR, 0.19),
    (SkillLevel.TECHNICIAN, 0.08),
    (SkillLevel.SENIOR_TECHNICIAN, 0.022),
    (SkillLevel.PRINCIPAL_TECHNICIAN, 0.005),
    (SkillLevel.CHIEF_TECHNICIAN, 0.003),
)
# Youngest plausible age for each level; everyone is 18–60.
MIN_AGE = {None: 18, 1: 18, 2: 20, 3: 23, 4: 27, 5: 31, 6: 36, 7: 38}
MAX_AGE = 60
NATIONAL_CERTIFICATES_FROM = 2020  # 职业技能等级证书; earlier ones are 职业资格证书 (16-digit)

EDUCATION_WEIGHTS = (
    ("junior_high", 18), ("high_school", 12), ("secondary_vocational", 20), ("technical_school", 14),
    ("senior_technical_school", 10), ("junior_college", 18), ("bachelor", 7), ("master", 1),
)

ROLE_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    # username, role, display name
    ("demo-admin", Membership.Role.PLATFORM_ADMIN, "演示 系统管理员"),
    ("demo-security", Membership.Role.SECURITY_ADMIN, "演示 安全管理员"),
    ("demo-audit", Membership.Role.AUDIT_ADMIN, "演示 审计管理员"),
    ("demo-city", Membership.Role.CITY_ADMIN, "演示 市人社局管理员"),
    ("demo-yuecheng", Membership.Role.DISTRICT_ADMIN, "演示 越城区人社局管理员"),
    ("demo-org", Membership.Role.ORG_ADMIN, "演示 企业管理员"),
    ("demo-staff", Membership.Role.ORG_STAFF, "演示 企业工作人员（只读）"),
    ("demo-worker", Membership.Role.WORKER, "演示 技能人才本人"),
)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# GB 32100 registration authority + kind: 9 1 enterprise, 1 2 public institution (事业单位),
# 5 2 private non-enterprise unit (民办非企业单位), 8 1 trade union, 1 1 government organ.
CREDIT_PREFIX: dict[str, str] = {
    Organization.Kind.ENTERPRISE: "91", Organization.Kind.TECHNICAL_COLLEGE: "12",
    Organization.Kind.VOCATIONAL_SCHOOL: "12", Organization.Kind.TRAINING_INSTITUTION: "52",
    Organization.Kind.EVALUATION_BODY: "91", Organization.Kind.TRADE_UNION: "81",
    Organization.Kind.GOVERNMENT: "11",
}


class DemoNotAllowedError(Exception):
    """The demo may not run here (production) or not on this database (not empty)."""


@dataclass
class DemoAccount:
    username: str
    role: str
    role_label: str
    display_name: str
    scope: str
    user: Any = None


@dataclass
class DemoContext:
    """What an app's ``demo.build(context)`` receives. Read it; add your own data through services."""

    seed: int
    today: dt.date
    rng: random.Random
    province: Region
    city: Region
    districts: list[Region]
    organizations: dict[str, list[Organization]]  # by Organization.Kind value
    bureaus: dict[str, Organization]  # region code → 人社局 (city and districts)
    people: list[Person]
    users: dict[str, Any]  # by Membership.Role value
    occupations: list[Occupation]
    log: Callable[[str], None]
    accounts: list[DemoAccount] = field(default_factory=list)

    def derived_rng(self, label: str) -> random.Random:
        """A generator of its own for one part, so adding a part never changes another's output."""
        return random.Random(f"{self.seed}:{label}")


@dataclass
class DemoResult:
    context: DemoContext
    counts: dict[str, int]
    extensions: list[str]


def credit_code(rng: random.Random, *, prefix: str, region_code: str) -> str:
    """A GB 32100 code: authority+kind, region, a GB 11714 organisation code, check character."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    remainder = 11 - sum(int(c) * w for c, w in zip(body, ORG_CODE_WEIGHTS, strict=True)) % 11
    org_code = body + {10: "X", 11: "0"}.get(remainder, str(remainder))
    first17 = prefix + region_code + org_code
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return first17 + USCC_ALPHABET[(31 - total % 31) % 31]


def level_counts(people: int) -> list[tuple[int | None, int]]:
    """Exact head counts per level for ``people`` (largest remainder), so the mix never drifts."""
    raw = [share * people for _level, share in LEVEL_SHARES]
    counts = [int(value) for value in raw]
    short = people - sum(counts)
    by_remainder = sorted(range(len(raw)), key=lambda i: (-(raw[i] - counts[i]), i))
    for index in by_remainder[:short]:
        counts[index] += 1
    return [(level, count) for (level, _share), count in zip(LEVEL_SHARES, counts, strict=True)]


def years_after(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def id_prefix_for(district: str, birth: dt.date) -> str:
    issued = max(birth.year + 16, 1985)
    prefix = ID_PREFIXES[district][0][0]
    for code, since in ID_PREFIXES[district]:
        if since <= issued:
            prefix = code
    return prefix


class CityBuilder:
    """One run of the demo. ``build()`` writes everything in the caller's transaction."""

    def __init__(self, *, people: int, seed: int, today: dt.date, log: Callable[[str], None]) -> None:
        self.people_count = people
        self.seed = seed
        self.today = today
        self.log = log
        self.rng = random.Random(seed)
        self.counts: Counter[str] = Counter()
        self.organizations: dict[str, list[Organization]] = defaultdict(list)
        self.bureaus: dict[str, Organization] = {}
        self.districts: list[Region] = []
        self.used_credit_codes: set[str] = set()
        self.pending_organizations: list[Organization] = []
        self.used_names: set[str] = set()

    # --- regions ------------------------------------------------------------------------------

    def ensure_regions(self) -> None:
        province, _created = Region.objects.update_or_create(
            code=PROVINCE[0], defaults={"name": PROVINCE[1], "level": Region.Level.PROVINCE, "parent": None}
        )
        city, _created = Region.objects.update_or_create(
            code=CITY[0], defaults={"name": CITY[1], "level": Region.Level.PREFECTURE, "parent": province}
        )
        self.province, self.city = province, city
        for code, name in DISTRICTS:
            district, _created = Region.objects.update_or_create(
                code=code, defaults={"name": name, "level": Region.Level.COUNTY, "parent": city}
            )
            self.districts.append(district)
        self.district_by_code = {d.code: d for d in self.districts}

    def pick_district(self, rng: random.Random | None = None) -> Region:
        rng = rng or self.rng
        codes = list(DISTRICT_WEIGHTS)
        return self.district_by_code[rng.choices(codes, weights=[DISTRICT_WEIGHTS[c] for c in codes])[0]]

    # --- organisations ------------------------------------------------------------------------

    def _org(self, name: str, kind: str, *, region: Region | None, parent: Organization | None = None,
             industry: Industry | None = None, **extra: Any) -> Organization:
        """An organisation to be written by :meth:`flush_organizations` (parents before children)."""
        if kind in CREDIT_PREFIX and region is not None and "credit_code" not in extra:
            while True:
                code = credit_code(self.rng, prefix=CREDIT_PREFIX[kind], region_code=region.code)
                if code not in self.used_credit_codes:
                    break
            self.used_credit_codes.add(code)
            extra["credit_code"] = validate_credit_code(code)  # the registry's own rule agrees
        org = Organization(name=name, kind=kind, region=region, parent=parent, industry=industry, **extra)
        self.organizations[kind].append(org)
        self.pending_organizations.append(org)
        self.counts["organizations"] += 1
        return org

    def flush_organizations(self) -> None:
        """Write the organisations in bulk, wave by wave down the tree, with their materialised
        paths set exactly as orgs.services maintains them (``parent.path + "<id>/"``)."""
        pending = self.pending_organizations
        written: set[int] = set()
        wave = [o for o in pending if o.parent is None]
        while wave:
            Organization.objects.bulk_create(wave, batch_size=BATCH_SIZE)
            ids = [o.pk for o in wave]
            if all(o.parent is None for o in wave):
                prefix: Any = Value("/")
            else:
                prefix = Subquery(Organization.objects.filter(pk=OuterRef("parent_id")).values("path")[:1])
            Organization.objects.filter(pk__in=ids).update(
                path=Concat(prefix, Cast("id", output_field=CharField()), Value("/"), output_field=CharField())
            )
            for org in wave:
                org.path = (org.parent.path if org.parent else "/") + f"{org.pk}/"
                written.add(id(org))
            wave = [o for o in pending if id(o) not in written and o.parent is not None and id(o.parent) in written]
        self.pending_organizations = []

    def _short_district(self, district: Region) -> str:
        return district.name[:-1] if len(district.name) > 2 else district.name

    def _phone(self, district: Region) -> str:
        return f"0575-{self.rng.randint(8000, 8899)}{self.rng.randint(1000, 9999)}"

    def build_public_bodies(self) -> None:
        kind = Organization.Kind
        city_bureau = self._org("绍兴市人力资源和社会保障局", kind.GOVERNMENT, region=self.city,
                                short_name="绍兴市人社局", address="绍兴市越城区")
        self.bureaus[self.city.code] = city_bureau
        for district in self.districts:
            self.bureaus[district.code] = self._org(
                f"{district.name}人力资源和社会保障局", kind.GOVERNMENT, region=district, parent=city_bureau,
                short_name=f"{self._short_district(district)}人社局",
            )
        union = self._org("绍兴市总工会", kind.TRADE_UNION, region=self.city)
        for district in self.districts:
            self._org(f"{district.name}总工会", kind.TRADE_UNION, region=district, parent=union)
        education = Industry.objects.filter(code="P").first()
        for name, code in names.TECHNICAL_COLLEGES:
            self._org(name, kind.TECHNICAL_COLLEGE, region=self.district_by_code[code], industry=education)
        for name, code in names.VOCATIONAL_SCHOOLS:
            self._org(name, kind.VOCATIONAL_SCHOOL, region=self.district_by_code[code], industry=education)
        for _index in range(20):
            district = self.pick_district()
            name = self._unique_name("绍兴市{district}{trade}{word}", district=district.name,
                                     word=names.TRAINING_WORDS)
            self._org(name, kind.TRAINING_INSTITUTION, region=district, industry=education,
                      contact_phone=self._phone(district))
        services_industry = Industry.objects.filter(code="M").first()
        for _index in range(8):
            district = self.pick_district()
            name = self._unique_name("绍兴{trade}{word}", word=names.EVALUATION_WORDS)
            self._org(name, kind.EVALUATION_BODY, region=district, industry=services_industry)
        for name, country, registration in names.FOREIGN_PARTNERS:
            self._org(name, kind.FOREIGN_PARTNER, region=None, country=country, foreign_registration=registration)
        self._org(names.ALLIANCE, kind.ALLIANCE, region=self.city, parent=None)

    def _trade_name(self) -> str:
        return "".join(self.rng.sample(names.TRADE_NAME_CHARS, 2))

    def _unique_name(self, pattern: str, **parts: str | tuple[str, ...]) -> str:
        """``pattern`` filled with a fresh trade name ({trade}) and a choice from each tuple."""
        for _attempt in range(200):
            values = {key: value if isinstance(value, str) else self.rng.choice(value) for key, value in parts.items()}
            if "{trade}" in pattern:
                values["trade"] = self._trade_name()
            name = pattern.format(**values)
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        raise RuntimeError("ran out of demo organisation names")

    def build_enterprises(self, count: int = 220) -> None:
        kind = Organization.Kind
        industries = {i.code: i for i in Industry.objects.filter(code__in=names.INDUSTRY_WORDS)}
        codes = [c for c in names.INDUSTRY_WEIGHTS if c in industries] or []
        manufacturing = Industry.objects.filter(code="C").first()
        groups: list[Organization] = []
        self_evaluating: list[Organization] = []
        for index in range(count):
            # The first group is in 越城区: the demo organisation administrator's employer.
            district = self.district_by_code["330602"] if index == 0 else self.pick_district()
            code = self.rng.choices(codes, weights=[names.INDUSTRY_WEIGHTS[c] for c in codes])[0] if codes else ""
            industry = industries.get(code, manufacturing)
            word = self.rng.choice(names.INDUSTRY_WORDS.get(code, ("机械",)))
            is_group = index < 12
            form = "集团有限公司" if is_group else self.rng.choice(("有限公司", "有限公司", "有限公司", "股份有限公司"))
            place = self.rng.choice(("绍兴", self._short_district(district)))
            name = self._unique_name("{place}{trade}{word}{form}", place=place, word=word, form=form)
            org = self._org(name, kind.ENTERPRISE, region=district, industry=industry,
                            contact_phone=self._phone(district), address=f"绍兴市{district.name}")
            if is_group:
                groups.append(org)
            if index < 30:
                self_evaluating.append(org)  # 企业自主评价: the groups and some large firms
        # Branches and subsidiaries of the groups (the org tree the scope rules walk).
        for number, group in enumerate(groups):
            for branch_index in range(1 + number % 3):
                district = (group.region if branch_index == 0 else None) or self.pick_district()
                name = self._unique_name("{group}{suffix}", group=group.name, suffix=names.BRANCH_SUFFIXES)
                self._org(name, kind.ENTERPRISE, region=district, parent=group, industry=group.industry,
                          address=f"绍兴市{district.name}")
        self.demo_enterprise = groups[0]
        self.flush_organizations()
        self.self_evaluating = {org.pk for org in self_evaluating}

    # --- people -------------------------------------------------------------------------------

    def _name(self, sex: str, rng: random.Random) -> str:
        if rng.random() < 0.004:
            options = [n for n, s in names.DOTTED_NAMES if s == sex]
            return rng.choice(options)
        if rng.random() < 0.003:
            family = rng.choice(names.COMPOUND_FAMILY_NAMES)
        else:
            weights = [1 / (i + 8) for i in range(len(names.FAMILY_NAMES))]
            family = rng.choices(names.FAMILY_NAMES, weights=weights)[0]
        pool = names.GIVEN_MALE if sex == "male" else names.GIVEN_FEMALE
        first = rng.choice(pool + names.GIVEN_NEUTRAL)
        if rng.random() < 0.3:
            return family + first
        return family + first + rng.choice(pool)

    def _date_between(self, rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
        if end <= start:
            return start
        return start + dt.timedelta(days=rng.randint(0, (end - start).days))

    def _birth_date(self, rng: random.Random, level: int | None) -> dt.date:
        youngest = years_after(self.today, -MIN_AGE[level]) - dt.timedelta(days=1)
        oldest = years_after(self.today, -MAX_AGE - 1) + dt.timedelta(days=1)
        # Skilled workers cluster in their thirties and forties.
        a, b = rng.random(), rng.random()
        fraction = (a + b) / 2
        return oldest + dt.timedelta(days=int(fraction * (youngest - oldest).days))

    def _id_number(self, rng: random.Random, district: Region, birth: dt.date, sex: str) -> str:
        prefix = id_prefix_for(district.code, birth)
        while True:
            sequence = rng.randint(0, 998)
            if (sequence % 2 == 1) != (sex == "male"):
                sequence += 1
            first17 = f"{prefix}{birth:%Y%m%d}{sequence:03d}"
            number = first17 + resident_id_check_char(first17)
            if number not in self.used_id_numbers:
                self.used_id_numbers.add(number)
                return number

    def _mobile(self, rng: random.Random) -> str:
        return rng.choice(("13", "15", "17", "18", "19")) + "".join(str(rng.randint(0, 9)) for _ in range(9))

    def build_people(self) -> list[Person]:
        rng = random.Random(f"{self.seed}:people")
        provider = get_provider()
        occupations = self.occupations
        weights_by_code = {o.code: names.OCCUPATION_WEIGHTS.get(o.code, 1) for o in occupations}
        enterprises = self.organizations[Organization.Kind.ENTERPRISE]
        colleges = (self.organizations[Organization.Kind.TECHNICAL_COLLEGE]
                    + self.organizations[Organization.Kind.TRAINING_INSTITUTION])
        # Bigger firms (groups and their branches) employ more people.
        employer_weights = [6 if (e.pk in self.self_evaluating or e.parent_id) else 1 for e in enterprises]
        # The demo organisation administrator's firm always has a good number of people.
        demo_firm_ids = {e.pk for e in enterprises if e.pk == self.demo_enterprise.pk or e.parent_id == self.demo_enterprise.pk}
        levels: list[int | None] = [lvl for lvl, count in level_counts(self.people_count) for _ in range(count)]
        rng.shuffle(levels)
        self.used_id_numbers: set[str] = set()
        people: list[Person] = []
        self.person_plans: list[dict[str, Any]] = []
        for index, level in enumerate(levels):
            sex = "male" if rng.random() < 0.78 else "female"
            birth = self._birth_date(rng, level)
            if index == 0:
                employer = self.demo_enterprise
            elif index % 25 == 0:
                employer = rng.choice([e for e in enterprises if e.pk in demo_firm_ids])
            elif rng.random() < 0.03 and colleges:
                employer = rng.choice(colleges)
            else:
                employer = rng.choices(enterprises, weights=employer_weights)[0]
            district = employer.region if rng.random() < 0.8 and employer.region else self.pick_district(rng)
            number = self._id_number(rng, district, birth, sex)
            parsed = parse_resident_id(number, today=self.today)  # the registry's own rule agrees
            assert parsed.sex == sex and parsed.birth_date == birth
            mobile = self._mobile(rng) if rng.random() < 0.9 else ""
            grade_needed = national_grade(level) if level is not None else None
            candidates = [o for o in occupations if grade_needed is None or grade_needed in o.national_grades]
            if level is not None and level >= SkillLevel.PRINCIPAL_TECHNICIAN:
                candidates = [o for o in occupations if 1 in o.national_grades]
            occupation = rng.choices(candidates, weights=[weights_by_code[o.code] for o in candidates])[0]
            education = rng.choices([e for e, _w in EDUCATION_WEIGHTS], weights=[w for _e, w in EDUCATION_WEIGHTS])[0]
            person = Person(
                name=self._name(sex, rng),
                id_type=Person.IdType.RESIDENT_ID,
                id_number_encrypted=provider.encrypt(number, associated_data=ID_CIPHER_AAD),
                id_number_hash=hash_id_number(Person.IdType.RESIDENT_ID, number),
                id_number_masked=mask_id_number(number),
                sex=sex,
                birth_date=birth,
                mobile_encrypted=provider.encrypt(mobile, associated_data=MOBILE_CIPHER_AAD) if mobile else "",
                mobile_masked=mask_mobile(mobile) if mobile else "",
                education=education,
                residence_region=district,
            )
            people.append(person)
            self.person_plans.append({"level": level, "occupation": occupation, "employer": employer})
        # Careers are planned in memory first, so each person is written once, complete.
        employments, certificates, honors = self.plan_careers(people)
        for start in range(0, len(people), BATCH_SIZE):
            Person.objects.bulk_create(people[start:start + BATCH_SIZE])
            self.log(f"  人员 {min(start + BATCH_SIZE, len(people))}/{len(people)}")
        self._bulk(Employment, employments, "工作经历")
        self._bulk(Certificate, certificates, "证书")
        self._bulk(Honor, honors, "荣誉")
        self.counts.update(people=len(people), employments=len(employments), certificates=len(certificates),
                           honors=len(honors))
        return people

    # --- employment, certificates, honours ----------------------------------------------------

    def plan_careers(self, people: list[Person]) -> tuple[list[Employment], list[Certificate], list[Honor]]:
        """Jobs, certificates and honours for every person; sets the derived fields on each."""
        rng = random.Random(f"{self.seed}:careers")
        enterprises = self.organizations[Organization.Kind.ENTERPRISE]
        evaluation_bodies = self.organizations[Organization.Kind.EVALUATION_BODY]
        site_codes: dict[int, str] = {}
        for number, org in enumerate([*evaluation_bodies, *enterprises], start=1):
            site_codes[org.pk] = f"{600000 + number:06d}"
        serials: Counter[tuple[str, ...]] = Counter()
        employments: list[Employment] = []
        certificates: list[Certificate] = []
        honors: list[Honor] = []
        revoked_at = timezone.now()
        for person, plan in zip(people, self.person_plans, strict=True):
            level: int | None = plan["level"]
            occupation: Occupation = plan["occupation"]
            employer: Organization = plan["employer"]
            adult = years_after(person.birth_date, 18)
            career_start = self._date_between(rng, adult, adult + dt.timedelta(days=365 * 3))
            career_start = min(career_start, self.today - dt.timedelta(days=60))
            # Employment: the current job, and for some a previous one.
            current_start = self._date_between(rng, career_start, self.today - dt.timedelta(days=30))
            post = rng.choice(names.POSTS.get(occupation.code, (occupation.name,)))
            if rng.random() < 0.35 and (current_start - career_start).days > 400:
                previous = rng.choice(enterprises)
                if previous.pk != employer.pk:
                    employments.append(Employment(
                        person=person, organization=previous, occupation=occupation, post=post,
                        start_date=career_start, end_date=current_start - dt.timedelta(days=1),
                    ))
            employments.append(Employment(
                person=person, organization=employer, occupation=occupation, post=post, start_date=current_start,
            ))
            person.current_employer = employer
            if level is None:
                continue
            # Certificates: one per level held, issued in order over the career.
            top_grade_level = min(level, SkillLevel.SENIOR_TECHNICIAN)
            first = level_from_national_grade(max(occupation.national_grades))  # e.g. 四级 for robots
            if first < top_grade_level and rng.random() < 0.25:
                first = SkillLevel(first + 1)  # technical-school graduates start at 中级工
            held = list(range(first, top_grade_level + 1))
            post_levels = [lvl for lvl in (SkillLevel.PRINCIPAL_TECHNICIAN, SkillLevel.CHIEF_TECHNICIAN) if lvl <= level]
            steps = len(held) + len(post_levels)
            span_end = self.today - dt.timedelta(days=14)
            # Most certificates are recent (认定 grew fast after 2020): skew towards the end.
            span_days = max((span_end - career_start).days, 0)
            dates = sorted(career_start + dt.timedelta(days=int(span_days * rng.random() ** 0.5))
                           for _ in range(steps))
            types = {t.name: t for t in occupation.work_types.all()}
            work_type = None
            if types:
                preferred = types.get("数控车工") if rng.random() < 0.7 else None
                work_type = preferred or types[sorted(types)[rng.randrange(len(types))]]
            person_certificates: list[Certificate] = []
            for step, held_level in enumerate(held):
                issued = dates[step]
                certificates_for = self._certificate(
                    rng, person=person, occupation=occupation, level=held_level, issued=issued,
                    employer=employer, evaluation_bodies=evaluation_bodies, site_codes=site_codes,
                    serials=serials, work_type=work_type,
                )
                person_certificates.append(certificates_for)
            for offset, post_level in enumerate(post_levels):
                issued = dates[len(held) + offset]
                prefix = "TJ" if post_level == SkillLevel.PRINCIPAL_TECHNICIAN else "SX"
                serials[(prefix, str(issued.year))] += 1
                person_certificates.append(Certificate(
                    kind=Certificate.Kind.POST_APPOINTMENT, scheme=Certificate.Scheme.OTHER,
                    number=f"{prefix}3306{issued.year}{serials[(prefix, str(issued.year))]:05d}",
                    holder=person, occupation=occupation, occupation_name=occupation.name, level=post_level,
                    issuer=employer, issuer_name=employer.name, issue_date=issued,
                    source=Certificate.Source.APPOINTMENT,
                ))
            # A few hold a second occupation at a lower level, and a few had one revoked.
            if level >= SkillLevel.SENIOR and rng.random() < 0.12:
                others = [o for o in self.occupations if o.pk != occupation.pk and 4 in o.national_grades]
                if others:
                    other = rng.choice(others)
                    person_certificates.append(self._certificate(
                        rng, person=person, occupation=other, level=SkillLevel.INTERMEDIATE,
                        issued=self._date_between(rng, career_start, span_end), employer=employer,
                        evaluation_bodies=evaluation_bodies, site_codes=site_codes, serials=serials,
                    ))
            next_grade = national_grade(SkillLevel(level + 1)) if level < SkillLevel.SENIOR_TECHNICIAN else None
            if next_grade is not None and next_grade in occupation.national_grades and rng.random() < 0.01:
                revoked = self._certificate(
                    rng, person=person, occupation=occupation, level=SkillLevel(level + 1),
                    issued=self._date_between(rng, dates[-1], span_end), employer=employer,
                    evaluation_bodies=evaluation_bodies, site_codes=site_codes, serials=serials,
                )
                revoked.status = Certificate.Status.REVOKED
                revoked.revoked_reason = names.REVOKE_REASON
                revoked.revoked_at = revoked_at
                person_certificates.append(revoked)
            certificates.extend(person_certificates)
            self._derive_level(person, person_certificates)
            honors.extend(self._honors(rng, person, level, dates[0], employer))
        return employments, certificates, honors

    def _certificate(self, rng: random.Random, *, person: Person, occupation: Occupation, level: int,
                     issued: dt.date, employer: Organization, evaluation_bodies: list[Organization],
                     site_codes: dict[int, str], serials: Counter[tuple[str, ...]],
                     work_type: Any = None) -> Certificate:
        grade = national_grade(level)
        assert grade is not None
        if issued.year < NATIONAL_CERTIFICATES_FROM:
            # 职业资格证书 (legacy 16 digits): year, province 33, city 06, kind 2 (地方鉴定站),
            # station sequence, level digit, serial.
            issuer = rng.choice(evaluation_bodies)
            station = f"{evaluation_bodies.index(issuer) + 1:03d}"
            key = ("legacy", station, str(issued.year), str(grade))
            serials[key] += 1
            number = f"{issued.year % 100:02d}33062{station}{grade}{serials[key]:05d}"
            kind, scheme = Certificate.Kind.QUALIFICATION, Certificate.Scheme.LEGACY
        else:
            if employer.pk in self.self_evaluating and rng.random() < 0.6:
                issuer, category = employer, "Y"  # 企业自主评价
            else:
                issuer, category = rng.choice(evaluation_bodies), "S"
            site = site_codes[issuer.pk]
            key = (category, site, str(issued.year), str(grade))
            serials[key] += 1
            number = format_national_number(
                category=category, institution_code="0000", province_code="33", site_code=site,
                year=issued.year, national_grade=grade, serial=serials[key],
            )
            kind, scheme = Certificate.Kind.SKILL_LEVEL, Certificate.Scheme.NATIONAL
        return Certificate(
            kind=kind, scheme=scheme, number=number, holder=person, occupation=occupation,
            occupation_name=occupation.name, work_type=work_type, level=level, issuer=issuer,
            issuer_name=issuer.name, issue_date=issued, source=Certificate.Source.IMPORT,
            source_ref=f"demo:{self.seed}",
        )

    @staticmethod
    def _derive_level(person: Person, held: list[Certificate]) -> None:
        """Exactly what people.services.person_refresh_level derives, without the queries."""
        valid = [c for c in held if c.status == Certificate.Status.VALID and c.level is not None
                 and c.kind != Certificate.Kind.INTERNATIONAL and c.valid_until is None]
        best = max(((c.level, c.issue_date, index), c) for index, c in enumerate(valid))[1] if valid else None
        person.current_level = best.level if best else None
        person.primary_occupation = best.occupation if best else None

    def _honors(self, rng: random.Random, person: Person, level: int, since: dt.date,
                employer: Organization) -> list[Honor]:
        if not is_high_skilled(level):
            return []
        earliest = max(since.year, 1995)
        chosen: list[tuple[str, str, str, str]] = []
        top = level >= SkillLevel.TECHNICIAN
        if top and rng.random() < 0.035:
            chosen.append(names.HONOR_NATIONAL_EXPERT)
        if level >= SkillLevel.SENIOR_TECHNICIAN and rng.random() < 0.01:
            chosen.append(names.HONOR_CHINA_SKILL_AWARD)
        if rng.random() < (0.10 if top else 0.02):
            chosen.append(names.HONOR_PROVINCIAL_EXPERT)
        if rng.random() < (0.18 if top else 0.06):
            chosen.append(names.HONOR_CITY_EXPERT)
        if top and rng.random() < 0.08:
            chosen.append(names.HONOR_CRAFTSMAN)
        if level >= SkillLevel.SENIOR_TECHNICIAN and rng.random() < 0.2:
            chosen.append(names.HONOR_SKILL_MASTER)
        if top and rng.random() < 0.02:
            chosen.append(names.HONOR_MODEL_WORKER)
        if rng.random() < 0.03:
            chosen.append(names.HONOR_DISTRICT_CHAMPION)
        if level == SkillLevel.CHIEF_TECHNICIAN:
            chosen.append(names.HONOR_CHIEF_TECHNICIAN)
        district = person.residence_region.name if person.residence_region else ""
        honors = []
        for title, name, honor_level, awarded_by in chosen:
            honors.append(Honor(
                person=person, title=title, name=name.format(district=district), level=honor_level,
                year=rng.randint(min(earliest, self.today.year), self.today.year),
                awarded_by=awarded_by.format(district=district) or employer.name,
                source="import", source_ref=f"demo:{self.seed}",
            ))
        return honors

    def _bulk(self, model: Any, objects: list[Any], label: str) -> None:
        for start in range(0, len(objects), BATCH_SIZE):
            model.objects.bulk_create(objects[start:start + BATCH_SIZE])
        self.log(f"  {label} {len(objects)}")

    # --- logins -------------------------------------------------------------------------------

    def build_accounts(self, people: list[Person]) -> tuple[dict[str, Any], list[DemoAccount]]:
        validate_password(DEMO_PASSWORD)  # the demo password must pass the configured rules
        password_hash = make_password(DEMO_PASSWORD)
        demo_firm = self.demo_enterprise
        city_bureau = self.bureaus[self.city.code]
        district_bureau = self.bureaus["330602"]
        organization_for: dict[str, Organization] = {
            Membership.Role.CITY_ADMIN: city_bureau,
            Membership.Role.DISTRICT_ADMIN: district_bureau,
            Membership.Role.ORG_ADMIN: demo_firm,
            Membership.Role.ORG_STAFF: demo_firm,
        }
        scope_text: dict[str, str] = {
            Membership.Role.PLATFORM_ADMIN: "全部数据",
            Membership.Role.SECURITY_ADMIN: "账号、角色与锁定（不看人才数据）",
            Membership.Role.AUDIT_ADMIN: "审计日志（不看人才数据）",
            Membership.Role.CITY_ADMIN: f"{self.city.name}全市",
            Membership.Role.DISTRICT_ADMIN: "越城区",
            Membership.Role.ORG_ADMIN: f"{demo_firm.name}及下属单位",
            Membership.Role.ORG_STAFF: f"{demo_firm.name}及下属单位（只读）",
        }
        at_firm = [(p, plan) for p, plan in zip(people, self.person_plans, strict=True)
                   if p.current_employer_id == demo_firm.pk]
        worker = next(
            (p for p, plan in at_firm if is_high_skilled(plan["level"]) and "·" not in p.name),
            next((p for p, plan in at_firm if plan["level"] is not None), at_firm[0][0]),
        )
        users: dict[str, Any] = {}
        accounts: list[DemoAccount] = []
        for username, role, display_name in ROLE_ACCOUNTS:
            user, _created = User.objects.update_or_create(
                username=username,
                defaults={
                    "display_name": display_name, "password": password_hash, "is_active": True,
                    "password_changed_at": timezone.now(), "must_change_password": False,
                },
            )
            membership_grant(actor=None, user=user, role=role, organization=organization_for.get(role))
            users[role] = user
            scope = scope_text.get(role) or f"本人档案（{worker.name}）"
            accounts.append(DemoAccount(username, role, str(Membership.Role(role).label), display_name, scope, user))
        worker.user = users[Membership.Role.WORKER]
        worker.save(update_fields=["user", "updated_at"])
        self.counts["users"] = len(accounts)
        return users, accounts

    # --- the whole city -----------------------------------------------------------------------

    def build(self) -> DemoResult:
        self.log(f"绍兴演示城市：{self.people_count} 人，随机种子 {self.seed}，基准日期 {self.today:%Y-%m-%d}")
        self.ensure_regions()
        self.occupations = list(
            Occupation.objects.filter(is_active=True, code__in=names.OCCUPATION_WEIGHTS).prefetch_related("work_types")
            .order_by("code")
        )
        if not self.occupations:
            raise DemoNotAllowedError(
                "职业目录中没有演示所用的职业（如 6-31-01-03 电工）：请先运行 gongjiang migrate 装入参考数据。"
            )
        self.log("单位 …")
        self.build_public_bodies()
        self.build_enterprises()
        self.log(f"  单位 {self.counts['organizations']}")
        self.log("人员 …")
        people = self.build_people()
        users, accounts = self.build_accounts(people)
        context = DemoContext(
            seed=self.seed, today=self.today, rng=random.Random(f"{self.seed}:extensions"),
            province=self.province, city=self.city, districts=self.districts,
            organizations=dict(self.organizations), bureaus=self.bureaus, people=people, users=users,
            occupations=self.occupations, log=self.log, accounts=accounts,
        )
        extensions = run_extensions(context)
        counts = dict(self.counts)
        high = sum(1 for plan in self.person_plans if is_high_skilled(plan["level"]))
        audit.record(
            "web.demo.built",
            object_type="web.demo",
            object_repr=f"{self.city.name}演示城市",
            changes={"seed": self.seed, "today": self.today.isoformat(), **counts, "high_skilled": high,
                     "extensions": extensions, "accounts": [a.username for a in accounts]},
        )
        return DemoResult(context=context, counts=counts, extensions=extensions)


def run_extensions(context: DemoContext) -> list[str]:
    """Call ``<app>.demo.build(context)`` for every installed Gongjiang app that has one."""
    ran: list[str] = []
    for app_config in apps.get_app_configs():
        if not app_config.name.startswith("gongjiang.") or app_config.name == "gongjiang.web":
            continue
        module_name = f"{app_config.name}.demo"
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        build = getattr(module, "build", None)
        if not callable(build):
            continue
        context.log(f"扩展 {module_name} …")
        context.rng = context.derived_rng(app_config.label)
        build(context)
        ran.append(module_name)
    return ran


def check_allowed() -> None:
    if not getattr(settings, "DEMO_ALLOWED", False):
        raise DemoNotAllowedError(
            "本环境不允许装入演示数据（DEMO_ALLOWED=False，生产环境）：演示账号使用公开的默认密码，"
            "等保要求生产环境不得存在默认账号。"
        )


def build_city(*, people: int, seed: int, today: dt.date | None = None,
               log: Callable[[str], None] = lambda _message: None) -> DemoResult:
    """Build the demo city in one transaction: all of it, or nothing."""
    check_allowed()
    if people < 20:
        raise DemoNotAllowedError("演示城市至少需要 20 人（--people）。")
    with transaction.atomic():
        return CityBuilder(people=people, seed=seed, today=today or timezone.localdate(), log=log).build()
