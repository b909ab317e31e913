"""Price tables shipped as data (`data/prices/*.yaml`), each figure with its source and date.

A missing figure is "no price known", never zero: lookups raise `MissingPrice`, which plan turns
into a clear refusal (or, for optional lines, a visible "not priced" note) instead of a wrong total.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import yaml

from launchbay.errors import LaunchbayError


class MissingPrice(LaunchbayError):
    """A cost line needs a figure the price table does not have."""

    def __init__(self, ref: str) -> None:
        super().__init__(f"no price known for {ref}",
                         hint="add it, with its source and date, to src/launchbay/data/prices/ (never guess one)")
        self.ref = ref


@dataclass(frozen=True)
class Price:
    """One figure: its value, what it is per, and where it came from."""

    value: Decimal
    ref: str
    source: str
    as_of: str


@dataclass(frozen=True)
class Instance:
    """A priced machine class (EC2 type, RDS class, cache node, VPS plan)."""

    name: str
    hourly: Price
    vcpu: Decimal
    memory_gib: Decimal


class PriceTable:
    """Typed access to one provider's price file."""

    def __init__(self, provider: str, data: dict[str, Any]) -> None:
        self.provider = provider
        self.data = data

    @property
    def hours_per_month(self) -> Decimal:
        return Decimal(str(self.data.get("hours_per_month", 730)))

    @property
    def compiled(self) -> str:
        return str(self.data.get("compiled", "undated"))

    def regions(self) -> tuple[str, ...]:
        return tuple(sorted(r for r, v in (self.data.get("regions") or {}).items() if v))

    def _region(self, region: str) -> dict[str, Any]:
        found = (self.data.get("regions") or {}).get(region)
        if not found:
            raise MissingPrice(f"{self.provider} region {region} (priced regions: {', '.join(self.regions())})")
        return dict(found)

    def price(self, region: str, *path: str, field: str = "price") -> Price:
        """A single figure, e.g. price("us-east-1", "alb", field="hourly")."""
        node: Any = self._region(region)
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
            if node is None:
                raise MissingPrice(f"{self.provider}/{region}/{'/'.join(path)}")
        value = node.get(field) if isinstance(node, dict) else None
        if value is None:
            raise MissingPrice(f"{self.provider}/{region}/{'/'.join(path)}.{field}")
        ref = f"{self.provider}/{region}/{'/'.join(path)}" + ("" if field == "price" else f".{field}")
        return Price(Decimal(str(value)), ref, str(node.get("source", "")), str(node.get("as_of", "undated")))

    def instances(self, region: str, family: str) -> tuple[Instance, ...]:
        """Priced classes of one family (ec2, rds_postgres, elasticache_redis), cheapest first."""
        table = self._region(region).get(family) or {}
        out = []
        for name, spec in table.items():
            if not isinstance(spec, dict) or spec.get("hourly") is None or spec.get("memory_gib") is None:
                continue
            out.append(Instance(
                name=name,
                hourly=Price(Decimal(str(spec["hourly"])), f"{self.provider}/{region}/{family}/{name}",
                             str(spec.get("source", "")), str(spec.get("as_of", "undated"))),
                vcpu=Decimal(str(spec.get("vcpu", 0))),
                memory_gib=Decimal(str(spec["memory_gib"])),
            ))
        return tuple(sorted(out, key=lambda i: (i.hourly.value, i.name)))

    def savings(self) -> dict[str, dict[str, Any]]:
        return {k: dict(v) for k, v in (self.data.get("savings") or {}).items() if isinstance(v, dict)}

    def never_discounted(self) -> tuple[str, ...]:
        raw = self.data.get("never_discounted") or []
        return tuple(str(x) for x in raw)


@cache
def load_prices(provider: str) -> PriceTable:
    """The shipped table for `provider` ("aws", "vps")."""
    text = resources.files("launchbay").joinpath("data", "prices", f"{provider}.yaml").read_text(encoding="utf-8")
    return PriceTable(provider, yaml.safe_load(text) or {})
