"""The `answered` summary of the external evaluations (a pure function over evidence)."""
from retrieval.evaluate.external import answered
from retrieval.refusal import Evidence


def test_answered_with_and_without_the_answer_type_rule():
    evidence = [Evidence(0.9, 0.8), Evidence(0.9, 0.8, typed=False), Evidence(0.1, 0.5), Evidence(0.1, 0.9)]
    assert answered(evidence) == {"answered": 0.5, "answered_without_answer_type_rule": 0.75}
    assert answered([]) == {"answered": 0.0, "answered_without_answer_type_rule": 0.0}
