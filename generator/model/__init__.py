"""The plan as the report sees it: actions, sections and measures, and changes over time."""
