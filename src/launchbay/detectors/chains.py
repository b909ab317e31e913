"""Blockchain facts: ecosystems and SDKs, contract toolchains, indexers, chains and chain ids, RPC
env vars and signing keys.

Three passes, in this order because later ones use what earlier ones learned:
1. manifests (chain_manifests): which components use a chain SDK, and which are applications;
2. tool configs (chain_configs): toolchains, indexers, networks they name, committed key files;
3. code and service configs (chain_code): env reads, signers, chain ids, imports, RPC hosts.
"""

from __future__ import annotations

from collections.abc import Iterator

from launchbay.detectors.base import DetectorContext
from launchbay.detectors.chain_code import scan_code
from launchbay.detectors.chain_configs import scan_configs
from launchbay.detectors.chain_emit import DETECTOR, Emitter, Survey
from launchbay.detectors.chain_manifests import scan_manifests
from launchbay.models.profile import Fact


class ChainDetector:
    name = DETECTOR

    def detect(self, ctx: DetectorContext) -> Iterator[Fact]:
        em = Emitter(ctx)
        survey = Survey()
        scan_manifests(em, survey)
        scan_configs(em, survey)
        scan_code(em, survey)
        yield from em.facts
