"""The agent-based model: Mesa agents on the ladder, deciding month by month.

Holds the hazards (``hazards``), the structural types rules and shocks see the model
through (``world``), the agents (``agents``), decision rules (``rules``; the logit rule's
one pass a month in ``logit``), the shock engine (``shocks``), the influence network
(``network``), the part of Mesa it imports (``mesa_core``) and the Mesa model that advances
many replicates in lockstep (``model``). May import :mod:`sim.scenario` only.
"""
