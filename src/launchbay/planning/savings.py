"""Commitment alternatives computed line by line from the price table's stated discounts —
never for lines the table says are never discounted (a control plane, a NAT gateway)."""

from __future__ import annotations

from decimal import Decimal

from launchbay.models.design import EnvironmentCost, SavingsOption
from launchbay.planning.context import PlanContext, money


def savings_options(ctx: PlanContext, costs: tuple[EnvironmentCost, ...]) -> tuple[SavingsOption, ...]:
    """Production only: commitments are bought for what runs all year."""
    production = next((c for c in costs if c.environment == "production"), None)
    if production is None:
        return ()
    out = []
    for name, spec in sorted(ctx.prices.savings().items()):
        pct = spec.get("discount_pct")
        if pct is None:
            continue  # only "up to" figures known: nothing honest to compute
        applies = tuple(str(a) for a in spec.get("applies_to") or ())
        covered = [line for line in production.lines if line.discountable in applies]
        if not covered:
            continue
        saving = money(sum((line.monthly_usd for line in covered), Decimal(0)) * Decimal(str(pct)) / 100)
        excluded = tuple(sorted({line.category + ": " + line.item for line in production.lines
                                 if line.discountable not in applies}))
        term = "3 years" if "3y" in name else "1 year"
        source = f"{spec.get('source', '')} ({spec.get('as_of', 'undated')})"
        out.append(SavingsOption(name=name, term=term, applies_to=applies, discount_pct=Decimal(str(pct)),
                                 monthly_saving_usd=saving, source=source, excluded=excluded))
    return tuple(out)
