"""recsim: agent-based simulation of diplomatic recognition cascades (Mesa 3)."""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
