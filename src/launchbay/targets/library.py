"""`library`: package publishing only — nothing to deploy or pay for."""

from __future__ import annotations

from launchbay.models.design import CostLine
from launchbay.planning.context import PlanContext
from launchbay.targets.base import Fit, Parts


class LibraryTarget:
    id = "library"
    label = "Package publishing only"
    pros: tuple[str, ...] = ("nothing runs, nothing to operate",)
    cons: tuple[str, ...] = ("none",)
    fits_when = "shared packages and SDKs inside a monorepo"

    def fit(self, ctx: PlanContext) -> Fit:
        return Fit(True, "a library is published, not deployed")

    def cost(self, ctx: PlanContext, env: str, parts: Parts) -> list[CostLine]:
        return []
