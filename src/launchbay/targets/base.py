"""The Target protocol: where services run. A target says whether it fits the project (and why),
describes its trade-offs, and prices one environment; it never renders files (generation reads the
Design later)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from launchbay.models.design import CostLine, DataStore, ServicePlan
from launchbay.planning.context import PlanContext


@dataclass(frozen=True)
class Fit:
    ok: bool
    reason: str


@dataclass(frozen=True)
class Parts:
    """What a target prices: the services it runs and the data stores they use."""

    services: tuple[ServicePlan, ...]
    stores: tuple[DataStore, ...]


class Target(Protocol):
    id: str
    label: str
    pros: tuple[str, ...]
    cons: tuple[str, ...]
    fits_when: str

    def fit(self, ctx: PlanContext) -> Fit: ...

    def cost(self, ctx: PlanContext, env: str, parts: Parts) -> list[CostLine]: ...
