"""Which registration questions apply to a person, from their attendance and answers.

A question may be asked of one kind of attendance only (``Question.attendance``) and
only after given answers to an earlier question (``Question.depends_on`` and
``Question.shown_for``, keys of that question's choices, or "yes"/"no"). It applies when
both hold and the question it depends on applies too, so chains (C after B after A)
follow the first link: a question whose controlling question does not apply does not
apply either, whatever was answered to it.

One definition for every reader: the form (what was posted), the services (what is
stored: answers to questions that do not apply are not kept), the exports, the check-in
page, the admin and the statistics (what is shown and counted). Nothing here queries
the database: the callers hand over the questions they have.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol, TypeVar


class Conditional(Protocol):
    pk: int
    attendance: str
    depends_on_id: int | None
    shown_for: list[str]


def answer_lines(value) -> list[str]:
    """An answer as its keys: a stored value (one key a line), a posted one (a string
    or a list), a yes/no one (True or False) or None."""
    if value is None:
        return []
    if isinstance(value, bool):
        return ["yes" if value else "no"]
    if isinstance(value, list | tuple):
        return [str(item) for item in value if item]
    return [line for line in str(value).splitlines() if line]


def applicable(
    questions: Iterable[Conditional],
    *,
    attendance: str | None,
    answers: Mapping[int, object],
) -> set[int]:
    """The ids of ``questions`` that apply to someone attending as ``attendance`` (None
    or empty: not chosen yet, so no question limited to one kind applies) who gave
    ``answers`` (question id -> value, as ``answer_lines`` reads it). A question whose
    controlling question is not among ``questions`` does not apply; nor does one caught
    in a circle of conditions (the admin refuses those)."""
    by_pk = {question.pk: question for question in questions}
    decided: dict[int, bool] = {}

    def applies(question: Conditional, path: frozenset[int]) -> bool:
        if question.pk in decided:
            return decided[question.pk]
        if question.attendance and question.attendance != attendance:
            result = False
        elif question.depends_on_id is None:
            result = True
        else:
            controller = by_pk.get(question.depends_on_id)
            result = (
                controller is not None
                and controller.pk not in path
                and applies(controller, path | {question.pk})
                and bool(set(answer_lines(answers.get(controller.pk))) & set(question.shown_for))
            )
        decided[question.pk] = result
        return result

    return {question.pk for question in by_pk.values() if applies(question, frozenset())}


class _Answered(Protocol):
    question: Conditional
    question_id: int
    value: str


AnswerT = TypeVar("AnswerT", bound=_Answered)


def applicable_answers(answers: Iterable[AnswerT], attendance: str) -> list[AnswerT]:
    """The answers of one registration that apply, in their order. An answer's question
    comes with it (``select_related``), and the answers to the questions a condition
    names are among them when they were given: a controlling question nobody answered
    reveals nothing, so the answers alone decide."""
    answers = list(answers)
    shown = applicable(
        [answer.question for answer in answers],
        attendance=attendance,
        answers={answer.question_id: answer.value for answer in answers},
    )
    return [answer for answer in answers if answer.question_id in shown]
