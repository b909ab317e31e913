"""launchbay: from a finished repository to production infrastructure, deterministically."""

__version__ = "0.1.0"
