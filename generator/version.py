"""boardpack's version, in a module of its own so that any layer can name it without
importing the package's face (``generator/__init__.py``, which opens onto the whole API)."""

__version__ = "0.1.0"
