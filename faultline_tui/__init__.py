"""faultline-tui: tells a developer why their CI build failed."""

__version__ = "0.1.0"
