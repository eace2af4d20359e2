"""The bulk writer's foreign keys: a row that names a missing parent never commits, on either
database; on PostgreSQL the check is made set-wise by bulkwrite (triggers off) where the role
may, with the same FOR KEY SHARE lock on each parent, and by PostgreSQL's triggers otherwise."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from gongjiang.imports import bulkwrite
from gongjiang.people.models import Employment
from tests import factories

ON_POSTGRESQL = connection.vendor == "postgresql"
# SQLite's test database lives in memory: no second connection can reach it to test the lock
# (there, the import's transaction holds SQLite's one write lock throughout anyway).
postgresql_only = pytest.mark.skipif(
    not ON_POSTGRESQL, reason="needs a second connection to the test database; CI runs the suite on PostgreSQL too"
)
COLUMNS = ("id", "person_id", "organization_id", "post", "start_date", "end_date")


@pytest.fixture(autouse=True)
def _fresh_fast_path_memo() -> Iterator[None]:
    connection.__dict__.pop("_gongjiang_fk_fast_path", None)
    yield
    connection.__dict__.pop("_gongjiang_fk_fast_path", None)


def _jobs(person: Any, organization_id: int, count: int = 3) -> list[tuple[Any, ...]]:
    ids = bulkwrite.allocate_ids(Employment, count)
    return [(pk, person.pk, organization_id, f"岗位{n}", dt.date(2020, 1, 1 + n).isoformat(), None)
            for n, pk in enumerate(ids)]


@pytest.mark.django_db(transaction=True)
def test_rows_with_existing_parents_are_written() -> None:
    org = factories.organization("越城机械有限公司")
    person = factories.person("张三")
    with transaction.atomic():
        assert bulkwrite.insert_rows(Employment, COLUMNS, _jobs(person, org.pk)) == 3
    assert sorted(Employment.objects.filter(person=person).values_list("post", flat=True)) == ["岗位0", "岗位1", "岗位2"]
    assert set(Employment.objects.filter(person=person).values_list("organization_id", flat=True)) == {org.pk}


@pytest.mark.django_db(transaction=True)
def test_a_missing_parent_never_commits() -> None:
    factories.organization("越城机械有限公司")
    person = factories.person("张三")
    before = Employment.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        bulkwrite.insert_rows(Employment, COLUMNS, _jobs(person, organization_id=987654))
    assert Employment.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_the_check_of_a_missing_parent_names_it_where_postgresql_is_checked_set_wise() -> None:
    person = factories.person("张三")
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        # PostgreSQL (the suite's role is a superuser): bulkwrite checks set-wise, at the insert
        # itself. SQLite: its own deferred check, at commit; it never needs the fast path.
        assert bulkwrite._may_skip_fk_triggers(Employment) is ON_POSTGRESQL
        try:
            bulkwrite.insert_rows(Employment, COLUMNS, _jobs(person, organization_id=987654))
        except IntegrityError:
            assert ON_POSTGRESQL, "SQLite should only refuse at commit"
            raise
        assert not ON_POSTGRESQL, "PostgreSQL should refuse at the insert"
    if ON_POSTGRESQL:
        message = str(caught.value)
        assert "people_employment.organization_id" in message
        assert "orgs_organization" in message and "987654" in message
    assert not Employment.objects.filter(person=person).exists()


@pytest.mark.django_db(transaction=True)
def test_with_the_fast_path_off_the_database_checks_at_commit(settings: Any) -> None:
    settings.IMPORT_PG_FAST_FOREIGN_KEYS = False
    person = factories.person("张三")
    with pytest.raises(IntegrityError), transaction.atomic():
        assert not bulkwrite._may_skip_fk_triggers(Employment)
        # The deferred trigger (PostgreSQL) or check (SQLite) only fires at commit.
        assert bulkwrite.insert_rows(Employment, COLUMNS, _jobs(person, organization_id=987654)) == 3
    assert not Employment.objects.filter(person=person).exists()


_TRIGGER_SQL = {
    "postgresql": (
        ["CREATE FUNCTION gongjiang_test_mark() RETURNS trigger LANGUAGE plpgsql AS "
         "$$ BEGIN NEW.post := NEW.post || '*'; RETURN NEW; END $$",
         "CREATE TRIGGER gongjiang_test_mark BEFORE INSERT ON people_employment "
         "FOR EACH ROW EXECUTE FUNCTION gongjiang_test_mark()"],
        ["DROP TRIGGER gongjiang_test_mark ON people_employment", "DROP FUNCTION gongjiang_test_mark()"],
    ),
    "sqlite": (
        ["CREATE TRIGGER gongjiang_test_mark AFTER INSERT ON people_employment "
         "BEGIN UPDATE people_employment SET post = NEW.post || '*' WHERE id = NEW.id; END"],
        ["DROP TRIGGER gongjiang_test_mark"],
    ),
}


@pytest.mark.django_db(transaction=True)
def test_a_table_with_its_own_trigger_keeps_all_its_triggers() -> None:
    person = factories.person("张三")
    org = factories.organization("越城机械有限公司")
    create, drop = _TRIGGER_SQL[connection.vendor]
    with connection.cursor() as cursor:
        for sql in create:
            cursor.execute(sql)
    try:
        with transaction.atomic():
            assert not bulkwrite._may_skip_fk_triggers(Employment)
            bulkwrite.insert_rows(Employment, COLUMNS, _jobs(person, org.pk, count=1))
        # The table's own trigger ran for the copied row.
        assert Employment.objects.get(person=person).post == "岗位0*"
    finally:
        with connection.cursor() as cursor:
            for sql in drop:
                cursor.execute(sql)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_postgresql_parent_rows_stay_locked_until_commit() -> None:
    """As the trigger would: nobody may delete a parent the uncommitted rows point to."""
    import psycopg

    org = factories.organization("越城机械有限公司")
    person = factories.person("张三")
    settings_dict = connection.settings_dict
    other = psycopg.connect(
        host=settings_dict["HOST"] or "127.0.0.1", port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"], dbname=settings_dict["NAME"], autocommit=True,
    )
    try:
        with transaction.atomic():
            bulkwrite.insert_rows(Employment, COLUMNS, _jobs(person, org.pk))
            other.execute("SET lock_timeout = '300ms'")
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute("DELETE FROM orgs_organization WHERE id = %s", [org.pk])
            transaction.set_rollback(True)
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_tuning_for_bulk_does_not_hide_the_error_that_broke_the_transaction() -> None:
    class Original(Exception):
        pass

    with pytest.raises(Original), transaction.atomic(), bulkwrite.tuned_for_bulk():
        with pytest.raises(IntegrityError), transaction.atomic(savepoint=False):
            bulkwrite.insert_rows(Employment, COLUMNS, _jobs(factories.person("张三"), organization_id=987654))
            if not ON_POSTGRESQL:  # SQLite checks deferred keys at commit: fail the same way here
                raise IntegrityError("FOREIGN KEY constraint failed")
        assert connection.needs_rollback
        raise Original
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            assert cursor.fetchone()[0] == -2000  # restored to SQLite's default (2 MB)


@pytest.mark.parametrize("binary", [True, False], ids=["binary-copy", "text-copy"])
@pytest.mark.django_db(transaction=True)
def test_values_arrive_as_given_whatever_the_copy_format(settings: Any, binary: bool) -> None:
    """Text that COPY's text format must escape, ISO-text and date values, and NULLs, read back
    exactly; on PostgreSQL through the binary COPY or, with it off, the text one."""
    settings.IMPORT_PG_BINARY_COPY = binary
    org = factories.organization("越城机械有限公司")
    person = factories.person("张三")
    as_date = bulkwrite.date_converter()
    posts = ["车工\t二班", "钳工\\组长", "电工\n（夜班）", "'=SUM(A1)", ""]
    ids = bulkwrite.allocate_ids(Employment, len(posts))
    with transaction.atomic():
        assert (bulkwrite._binary_types(Employment, ["id", "person_id", "start_date"]) is not None) is (
            ON_POSTGRESQL and binary)
        rows = [(pk, person.pk, org.pk, post, as_date(f"2020-0{n + 1}-15") if n % 2 else f"2020-0{n + 1}-15",
                 dt.date(2021, 1, 1) if n == 4 else None)
                for n, (pk, post) in enumerate(zip(ids, posts, strict=True))]
        assert bulkwrite.insert_rows(Employment, COLUMNS, rows) == len(posts)
    stored = list(Employment.objects.filter(pk__in=ids).order_by("pk").values_list("post", "start_date", "end_date"))
    assert stored == [(post, dt.date(2020, n + 1, 15), dt.date(2021, 1, 1) if n == 4 else None)
                      for n, post in enumerate(posts)]


@pytest.mark.django_db
def test_binary_copy_only_for_column_types_it_is_known_to_carry() -> None:
    from gongjiang.imports.models import ImportRecord

    people_columns = [f.column for f in Employment._meta.concrete_fields]
    assert (bulkwrite._binary_types(Employment, people_columns) is not None) is ON_POSTGRESQL
    # A JSON column (the undo record's ids) is not one of them: such a table is copied as text.
    assert bulkwrite._binary_types(ImportRecord, [f.column for f in ImportRecord._meta.concrete_fields]) is None


@pytest.mark.django_db(transaction=True)
def test_fresh_parents_are_not_checked_again_but_every_other_key_is() -> None:
    """A job written right after its person (the same transaction inserted the person, so
    nobody else can see or delete that row): on PostgreSQL's fast path the person is neither
    looked up nor locked again, while the organisation still is, and a missing one still fails."""
    from django.test.utils import CaptureQueriesContext

    org = factories.organization("越城机械有限公司")
    person = factories.person("张三")
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        bulkwrite.insert_rows(Employment, COLUMNS, _jobs(person, org.pk), fresh_parents=("person_id",))
    locks = [q["sql"] for q in queries.captured_queries if "FOR KEY SHARE" in q["sql"]]
    if ON_POSTGRESQL:
        assert len(locks) == 1 and '"orgs_organization"' in locks[0], locks
    else:
        assert locks == []  # SQLite enforces every key itself
    assert Employment.objects.filter(person=person, organization=org).count() == 3
    with pytest.raises(IntegrityError), transaction.atomic():
        bulkwrite.insert_rows(Employment, COLUMNS, _jobs(person, organization_id=987654), fresh_parents=("person_id",))
    assert Employment.objects.filter(person=person).count() == 3


@pytest.mark.django_db(transaction=True)
def test_default_values_written_into_the_statement_arrive_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    """On SQLite the columns left to their defaults go into the INSERT as literals: quotes and
    percent signs in a default must arrive as they are, as through the copy on PostgreSQL."""
    org = factories.organization("越城机械有限公司")
    person = factories.person("张三")
    tricky = "O'Brien 100%s %% \"引号\" --"  # (no NUL: PostgreSQL text cannot hold one)
    plan = bulkwrite._column_plan

    def tricky_default(model: Any, given: Any) -> tuple[list[str], list[Any]]:
        names, values = plan(model, [*given, "post"])
        return [*names, "post"], [*values, tricky]

    monkeypatch.setattr(bulkwrite, "_column_plan", tricky_default)
    ids = bulkwrite.allocate_ids(Employment, 2)
    with transaction.atomic():
        rows = [(pk, person.pk, org.pk, "2020-01-01") for pk in ids]
        assert bulkwrite.insert_rows(Employment, ("id", "person_id", "organization_id", "start_date"), rows) == 2
    stored = list(Employment.objects.filter(pk__in=ids).values_list("post", "end_date", "occupation_id"))
    assert stored == [(tricky, None, None)] * 2
    assert all(job.created_at is not None for job in Employment.objects.filter(pk__in=ids))


@pytest.mark.django_db
def test_null_binds_through_a_registered_adapter_on_sqlite() -> None:
    import sqlite3

    # core.apps registers it: the driver's adapter search for None is the slow path.
    assert sqlite3.adapters.get((type(None), sqlite3.PrepareProtocol)) is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s IS NULL, %s", [None, None])
        assert cursor.fetchone() == (1 if connection.vendor == "sqlite" else True, None)


@given(value=st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1), st.text(max_size=20), st.floats(),
                       st.binary(max_size=8), st.booleans()))
@hypothesis_settings(max_examples=100)
def test_a_literal_reads_back_as_the_value_sqlite_would_bind(value: Any) -> None:
    """The defaults written into SQLite's INSERT as literals (bulkwrite._sqlite_literal) are
    what binding them would have stored: the same value, of the same type. Floats (and
    booleans) have no such literal and stay parameters."""
    import sqlite3

    literal = bulkwrite._sqlite_literal(value)
    if isinstance(value, float | bool):
        assert literal is None
        return
    assert literal is not None
    cursor = sqlite3.connect(":memory:").cursor()
    cursor.execute("SELECT " + literal + ", ?", [value])  # noqa: S608 - the literal under test
    from_literal, bound = cursor.fetchone()
    assert from_literal == bound and type(from_literal) is type(bound)


@pytest.mark.django_db(transaction=True)
def test_defaults_without_an_exact_literal_stay_parameters() -> None:
    """Booleans (like floats) are bound on every row rather than written into the statement;
    the JSON and text defaults around them are literals. All arrive as their defaults."""
    from gongjiang.catalog.models import Occupation

    ids = bulkwrite.allocate_ids(Occupation, 2)
    with transaction.atomic():
        rows = [(pk, f"6-18-01-0{n}", f"测试工种{n}", "", "") for n, pk in enumerate(ids, start=1)]
        assert bulkwrite.insert_rows(Occupation, ("id", "code", "name", "source", "standard_title"), rows) == 2
    stored = list(Occupation.objects.filter(pk__in=ids).order_by("pk").values_list(
        "code", "edition", "national_grades", "is_verified", "is_active", "source"))
    assert stored == [("6-18-01-01", "2022", [], False, True, ""), ("6-18-01-02", "2022", [], False, True, "")]
