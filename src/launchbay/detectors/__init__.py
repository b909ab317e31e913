"""The detector registry: an explicit, ordered dict (no import-time self-registration).

Order matters only for readability of the output; the assembler decides between sources by
each fact's priority, not by detector order.
"""

from __future__ import annotations

from launchbay.detectors import (
    backing,
    chains,
    deployfiles,
    docs,
    envvars,
    golang,
    node,
    python,
    rust,
)
from launchbay.detectors.base import Detector

REGISTRY: dict[str, Detector] = {
    "node": node.NodeDetector(),
    "python": python.PythonDetector(),
    "go": golang.GoDetector(),
    "rust": rust.RustDetector(),
    "envvars": envvars.EnvVarDetector(),
    "backing": backing.BackingDetector(),
    "deployfiles": deployfiles.DeployFileDetector(),
    "chains": chains.ChainDetector(),
    "docs": docs.DocsDetector(),
}
