"""Where services run: an explicit registry of targets (one module each)."""

from __future__ import annotations

from launchbay.targets.base import Target
from launchbay.targets.containers import ContainersTarget
from launchbay.targets.contracts import ContractsTarget
from launchbay.targets.kubernetes import KubernetesTarget
from launchbay.targets.library import LibraryTarget
from launchbay.targets.static import StaticTarget
from launchbay.targets.vm import VmTarget

TARGETS: dict[str, Target] = {
    "vm": VmTarget(),
    "containers": ContainersTarget(),
    "kubernetes": KubernetesTarget(),
    "static": StaticTarget(),
    "contracts": ContractsTarget(),
    "library": LibraryTarget(),
}
PLATFORMS = ("vm", "containers", "kubernetes")
