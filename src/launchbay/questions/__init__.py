"""The interview catalogue: one module per topic, in interview order (an explicit registry)."""

from __future__ import annotations

from launchbay.questions import (
    backup,
    blockchain,
    budget,
    cicd,
    deployment,
    monitoring,
    scale,
    security,
    team,
)
from launchbay.questions.base import Question

TOPIC_MODULES = (deployment, blockchain, scale, security, budget, team, monitoring, cicd, backup)

CATALOGUE: dict[str, Question] = {q.key: q for module in TOPIC_MODULES for q in module.QUESTIONS}
