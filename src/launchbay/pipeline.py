"""The whole flow on one screen. Stages arrive issue by issue; each is one verb function."""

from __future__ import annotations

from launchbay.review import review_project

__all__ = ["review_project"]
