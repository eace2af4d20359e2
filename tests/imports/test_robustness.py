"""Any row, however malformed, gives either clean values or row errors — never an exception."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongjiang.imports import pipeline
from gongjiang.imports.entities.base import ImportContext, all_entities

cells = st.one_of(
    st.none(), st.text(max_size=25), st.integers(min_value=-(10**19), max_value=10**19), st.floats(),
    st.booleans(), st.dates(), st.datetimes(), st.timedeltas(),
    st.sampled_from(["越城机械有限公司", "330602", "2023年10月12日", "3.30602E+17", "男", "本科", "三级/高级工",
                     "Y000033000001213100001", "浙江省技术能手", "'=1+1", "２０２３"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_entity_turns_any_row_into_values_or_errors(city, data):
    ctx = ImportContext(actor=None, today=dt.date(2025, 6, 1))
    for entity in all_entities():
        plan = [(index, column.key, column.normalize) for index, column in enumerate(entity.columns)]
        row = data.draw(st.lists(cells, min_size=len(plan), max_size=len(plan)))
        state, again = pipeline._normalise_batch(plan, entity.required, [(2, row), (3, list(row))])
        assert state.errors == again.errors  # a row's outcome does not depend on its neighbours
        if not (state.errors and state.errors[0][1] == pipeline.CODE_INTERNAL):
            entity.check_row(state, ctx)
        for column, code, message in state.errors:
            assert column == "" or column in entity.by_key
            assert isinstance(code, str) and code and str(message)


@given(st.lists(st.one_of(st.integers(min_value=1, max_value=2**64 - 1), st.integers(min_value=1, max_value=50),
                          st.text(max_size=3), st.tuples(st.integers(0, 3), st.text(max_size=2))), max_size=3000))
def test_first_rows_agrees_with_a_dict(keys):
    """The compact duplicate index answers exactly as a dict would, before and after its
    integer keys move from its own dict into the arrays, and through the arrays' growth."""
    from gongjiang.imports.pipeline import FirstRows

    for limit in (0, 5, 1 << 17):
        index, reference = FirstRows(capacity=8, dict_limit=limit), {}
        for row, key in enumerate(keys, start=2):
            expected = reference.get(key)
            if expected is None:
                reference[key] = row
            assert index.first(key, row) == expected


repeating = st.sampled_from(["越城机械有限公司", " 越城机械有限公司 ", "本科", "大专/高职", "博士后", "2015-03-01",
                             "2015年3月1日", "2099-01-01", "330602", "", None, True, 1, 1.0, "1", "数控车工"])


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_batch_normalises_each_row_as_if_it_were_alone(city, data):
    """Repeated cells are normalised once per batch (pipeline._normalise_column): every row
    still gets exactly the values and errors it gets on its own, valid and invalid alike,
    and True, 1, 1.0 and "1" — equal as keys, not as cells — stay apart. Rows may stop short
    of the last columns (a CSV line may): such a batch is read cell by cell instead of
    transposed at once, with the same outcome as the row padded with empty cells."""
    for entity in all_entities():
        plan = [(index, column.key, column.normalize) for index, column in enumerate(entity.columns)]
        shortest = data.draw(st.sampled_from([len(plan), max(len(plan) - 3, 0)]))
        rows = data.draw(st.lists(st.lists(repeating, min_size=shortest, max_size=len(plan)), min_size=4,
                                  max_size=12))
        chunk = [(number, row) for number, row in enumerate(rows, start=2)]
        together = pipeline._normalise_batch(plan, entity.required, chunk)
        for state, (number, row) in zip(together, chunk, strict=True):
            padded = list(row) + [None] * (len(plan) - len(row))
            (alone,) = pipeline._normalise_batch(plan, entity.required, [(number, padded)])
            assert (state.number, state.values, state.errors) == (alone.number, alone.values, alone.errors)
