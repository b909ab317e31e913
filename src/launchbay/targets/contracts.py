"""`contracts`: a contract deployment pipeline only (build, test, deploy through CI with the
deployer key in a KMS-backed signer) — no servers."""

from __future__ import annotations

from launchbay.models.design import CostLine
from launchbay.planning.context import PlanContext
from launchbay.targets.base import Fit, Parts


class ContractsTarget:
    id = "contracts"
    label = "Contract deployment pipeline"
    pros: tuple[str, ...] = ("deploys are reproducible CI jobs, not laptop commands",)
    cons: tuple[str, ...] = ("mainnet deploys still need a human approval and the multisig",)
    fits_when = "Foundry / Hardhat / Anchor projects"

    def fit(self, ctx: PlanContext) -> Fit:
        return Fit(True, "contracts are built and deployed by CI")

    def cost(self, ctx: PlanContext, env: str, parts: Parts) -> list[CostLine]:
        return []  # the deployer key's KMS key is counted with the environment's keys
