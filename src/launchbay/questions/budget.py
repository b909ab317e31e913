"""Placeholder: the budget questions are being written."""

from __future__ import annotations

from launchbay.questions.base import Question

QUESTIONS: tuple[Question, ...] = ()
