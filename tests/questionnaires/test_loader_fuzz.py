"""Whatever a file holds, loading it either works or raises QuestionnaireError: never a crash."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questionnaires import QuestionnaireError, parse_questionnaire

from .conftest import demo_doc, dump

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 10), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", " ", "q1", "q5", "q4.r1", "sat5", "是", "其他", "single", "matrix", "text", "r1",
                     "5"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["id", "code", "label", "q5", "text", "x"]), inner, max_size=3)),
    max_leaves=6,
)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


DEMO_PATHS = [p for p in _paths(demo_doc()) if p]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.lists(st.tuples(st.sampled_from(DEMO_PATHS), values), min_size=1, max_size=3))
def test_any_replaced_value_loads_or_raises_questionnaire_error(changes):
    doc = demo_doc()
    for path, value in changes:
        node = doc
        try:
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
        except (KeyError, IndexError, TypeError):  # an earlier change removed this place
            continue
    text = dump(doc)
    try:
        parse_questionnaire(text, "fuzz.yaml")
    except QuestionnaireError as exc:
        assert exc.source == "fuzz.yaml" and exc.problems


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab:-[]{}\n #'\"&*!|>q1是,%@`")), max_size=60))
def test_arbitrary_text_loads_or_raises_questionnaire_error(text):
    try:
        parse_questionnaire(text, "fuzz.yaml")
    except QuestionnaireError as exc:
        assert exc.message.startswith("fuzz.yaml: ")


def test_fuzz_helper_reaches_deep_places():
    # the replaced places include option, row and show_if entries
    assert ("questions", 3, "rows", 1, "id") in DEMO_PATHS
    assert ("questions", 5, "show_if", "q5", 0) in DEMO_PATHS
    assert yaml.safe_load(dump(demo_doc())) == demo_doc()
