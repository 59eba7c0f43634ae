"""The monthly cycle before the board: chase each lead for updates, then collect them.

``chase`` writes one small workbook and one draft email per lead with open actions;
``collect`` reads what comes back and writes a new plan with the returned values applied.
"""
