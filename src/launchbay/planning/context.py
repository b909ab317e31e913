"""What every planning step reads: the profile, the answers (with their sources), the price tables,
the stated capacity assumptions — and helpers that turn an answer into provenance."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import yaml

from launchbay.answersfile import AnswersDocument
from launchbay.models.design import Provenance
from launchbay.models.profile import Component, ProjectProfile
from launchbay.pricing import PriceTable, load_prices


@cache
def capacity_data() -> dict[str, Any]:
    text = resources.files("launchbay").joinpath("data", "capacity.yaml").read_text(encoding="utf-8")
    return dict(yaml.safe_load(text))


@dataclass
class PlanContext:
    profile: ProjectProfile
    doc: AnswersDocument
    rps_override: dict[str, int] = field(default_factory=dict)  # component path ("*" = all) → RPS/replica
    assumptions: list[str] = field(default_factory=list)

    @property
    def answers(self) -> Any:
        return self.doc.answers

    def answer(self, key: str) -> Any:
        return self.doc.answers.get(key)

    def prov(self, key: str) -> Provenance:
        """Provenance of an answer; accepted recommendations are assumptions."""
        source = self.doc.sources.get(key, "user")
        return Provenance(kind="answer", ref=key, assumption=source == "accepted-recommendation")

    @property
    def cloud(self) -> str:
        return str(self.answer("deployment.cloud"))

    @property
    def region(self) -> str:
        return str(self.answer("deployment.primary_region") or "")

    @property
    def prices(self) -> PriceTable:
        return load_prices("aws" if self.cloud == "aws" else "vps")

    @property
    def capacity(self) -> dict[str, Any]:
        return capacity_data()

    @property
    def environments(self) -> tuple[str, ...]:
        envs = self.answer("deployment.environments") or ("production",)
        return tuple(e for e in ("dev", "preview", "staging", "production") if e in envs)

    @property
    def peak_rps(self) -> Decimal:
        value = self.answer("scale.peak_rps")
        return Decimal(str(value)) if value is not None else Decimal(0)

    @property
    def uptime(self) -> Decimal:
        value = self.answer("scale.uptime_target")
        return Decimal(str(value)) if value is not None else Decimal("99.0")

    def assume(self, text: str) -> None:
        if text not in self.assumptions:
            self.assumptions.append(text)

    def services(self) -> tuple[Component, ...]:
        return self.profile.services


def money(value: Decimal) -> Decimal:
    """Round to cents (half up, as invoices do)."""
    return value.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
