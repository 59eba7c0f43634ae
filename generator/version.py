"""boardpack's version: the one place it is written (pyproject.toml reads it from here too).

A module of its own, at the bottom of the house, so that the modules that stamp the version
on what they write (the report's properties, the rules cache's name) import it without
importing the package's face, ``generator/__init__.py``, which sits above everything.
"""

__version__ = "0.1.0"
