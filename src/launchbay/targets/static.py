"""`static`: a frontend served from object storage behind a CDN (S3 + CloudFront with origin access
control). Vercel and Cloudflare Pages fit too; launchbay generates the AWS variant."""

from __future__ import annotations

from decimal import Decimal

from launchbay.models.design import CostLine
from launchbay.planning.context import PlanContext
from launchbay.planning.costing import Lines, egress_gb
from launchbay.targets.base import Fit, Parts

SITE_GB = Decimal(1)


class StaticTarget:
    id = "static"
    label = "Static hosting (S3 + CloudFront)"
    pros: tuple[str, ...] = ("no server at all; the CDN absorbs traffic spikes", "pennies a month for a small site")
    cons: tuple[str, ...] = ("only for frontends that build to files (no server-side rendering)",)
    fits_when = "single-page apps and static exports (Vite, CRA, Astro static, next export)"

    def fit(self, ctx: PlanContext) -> Fit:
        return Fit(ctx.cloud == "aws", "S3 + CloudFront on AWS")

    def cost(self, ctx: PlanContext, env: str, parts: Parts) -> list[CostLine]:
        lines = Lines(ctx, env)
        p, r = ctx.prices, ctx.region
        for svc in parts.services:
            lines.add("static", f"{svc.name}: S3 storage", SITE_GB, "GB-month", p.price(r, "s3_standard_gb_month"))
            gb = egress_gb(ctx, env)
            if gb > 0:
                lines.add("static", f"{svc.name}: CloudFront transfer (estimated)", gb, "GB",
                          p.price(r, "cloudfront_gb_out"))
        return lines.lines
