"""Fill the configured database with N verifiable credentials (default 1,000,000) for the benchmark.

    GONGJIANG_DATA_DIR=... DATABASE_URL=... python bench/verify/seed.py 1000000 samples.json

Writes in bulk (the services would take hours for a million): 1,000 holders, one signing key,
credentials with unique national numbers and codes, each carrying a real signed JWT of the
usual size (500 distinct ones, reused). Writes ``samples.json``: 2,000 (number, name, code) triples to query. Idempotent:
an already seeded database is left as it is.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjiang.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from gongjiang.core.crypto import get_provider  # noqa: E402
from gongjiang.credentials import rules  # noqa: E402
from gongjiang.credentials.models import Credential  # noqa: E402
from gongjiang.credentials.signing import active_signer, encode_jws  # noqa: E402
from gongjiang.people.models import Person  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰凤春梅海波宇浩"
BATCH = 5000


def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def holders(count: int) -> list[Person]:
    provider = get_provider()
    existing = list(Person.objects.filter(notes="bench-verify")[:count])
    if len(existing) >= count:
        return existing
    cipher = provider.encrypt("bench", associated_data=b"people.person.id_number")
    Person.objects.bulk_create(
        [Person(name=f"持证人{i}", id_number_encrypted=cipher, id_number_hash=f"bench-verify-{i:08d}",
                id_number_masked="330602********0000", sex="male", birth_date=timezone.localdate().replace(year=1985),
                notes="bench-verify") for i in range(len(existing), count)],
        batch_size=BATCH,
    )
    return list(Person.objects.filter(notes="bench-verify")[:count])


FIELDS = {"occupation": "车工", "occupation_code": "6-18-01-01", "work_type": "--", "level": 2,
          "level_name": "四级/中级工"}


def token(signer: object, rng: random.Random, today: object) -> str:
    holder_name = name(rng)
    code = rules.new_verification_code()
    claims = rules.build_credential_claims(
        code=code, base_url="http://127.0.0.1:8000", kind="skill_level", title="职业技能等级证书",
        holder_name=holder_name, holder_name_masked=holder_name[0] + "**", number="S000033800000244000001",
        fields=FIELDS, issuer_id="urn:gongjiang:org:bench", issuer_name="绍兴技能评价中心", issued_on=today,
        valid_until=None, issued_at=timezone.now(), salt=f"{rng.getrandbits(64):016x}",
    )
    return encode_jws(claims, signer)  # type: ignore[arg-type]


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    samples_path = sys.argv[2] if len(sys.argv) > 2 else "samples.json"
    rng = random.Random(7)
    have = Credential.objects.count()
    if have < total:
        people = holders(1000)
        signer = active_signer()
        started = time.time()
        today = timezone.localdate()
        # Signing a million tokens would take most of an hour; 500 real ones of the usual size,
        # reused, make the rows as large as real ones (the API returns the stored token as is).
        tokens = [token(signer, rng, today) for _ in range(500)]
        for start in range(have, total, BATCH):
            rows = []
            for index in range(start, min(start + BATCH, total)):
                site = index // 999_999
                serial = index % 999_999 + 1
                number = rules.format_national_number(
                    category="S", institution_code="0000", province_code="33", site_code=f"{site + 800000:06d}",
                    year=2024, national_grade=4, serial=serial,
                )
                holder_name = name(rng)
                code = rules.new_verification_code()
                jwt = tokens[index % len(tokens)]
                rows.append(Credential(
                    code=code, kind="skill_level", holder=people[index % len(people)], holder_name=holder_name,
                    title="职业技能等级证书", number=number, fields=FIELDS,
                    issuer_name="绍兴技能评价中心", issued_on=today, signing_key_id=signer.key_row_id,
                    jwt=jwt,
                ))
            with transaction.atomic():
                Credential.objects.bulk_create(rows, batch_size=BATCH)
            done = start + len(rows)
            if done % 100_000 == 0 or done == total:
                print(f"  {done:,} credentials ({time.time() - started:.0f} s)", flush=True)
    # Every (total / 2000)-th credential by primary key: spread over the whole table.
    all_ids = list(Credential.objects.order_by("pk").values_list("pk", flat=True))
    ids = all_ids[:: max(1, len(all_ids) // 2000)][:2000]
    picks = Credential.objects.filter(pk__in=ids)
    samples = [{"number": c.number, "name": c.holder_name, "code": c.code} for c in picks]
    with open(samples_path, "w", encoding="utf-8") as handle:
        json.dump(samples, handle, ensure_ascii=False)
    print(f"{Credential.objects.count():,} credentials; {len(samples)} samples in {samples_path}")


if __name__ == "__main__":
    main()
