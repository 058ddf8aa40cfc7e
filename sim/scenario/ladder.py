"""The engagement ladder: the four rungs a state's relations with Kabul can stand on."""

from __future__ import annotations

from enum import IntEnum

__all__ = ["DE_FACTO", "DE_JURE", "FACTORS", "LEVEL_NAMES", "TOP", "Level"]


class Level(IntEnum):
    """Rungs of the ladder, in order; a state moves at most one rung a month."""

    NONE = 0  # no engagement
    CONTACTS = 1  # working contacts: delisting, official visits
    DE_FACTO = 2  # accepts a Taliban envoy or credentials
    DE_JURE = 3  # formal recognition


TOP = int(Level.DE_JURE)
DE_FACTO = int(Level.DE_FACTO)
DE_JURE = int(Level.DE_JURE)
LEVEL_NAMES = ("none", "contacts", "de facto", "de jure")

# Incentive factors named in the seed article (Castillo & Birch, CPC, 17 July 2025).
# A state's value of each factor is an intensity >= 0; its sign comes from the weight.
FACTORS = ("connectivity", "minerals", "security", "water", "opposition", "western_pressure")
