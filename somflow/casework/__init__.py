"""What every procedure that keeps a child's case shares: its history of steps, the shared forms, letters, support plans.

- :mod:`.steps`: the kinds of step a procedure has, which steps count, which must come first,
  finding a case by its short reference (``NK-2026/3``, ``INT-2026/1``);
- :mod:`.support_plan`: the support plan's tasks and reviews as deadlines;
- :mod:`.letters`: letters to the police/prosecutor and the family court, from a case's facts;
- ``forms/``: the forms both the Blue Card procedure and the other interventions print (service
  note, intervention card, support plan, the letters), registered by :mod:`.plugin`.

The procedures themselves stay in their plugins (``niebieska_karta``, ``incidents``).
"""
