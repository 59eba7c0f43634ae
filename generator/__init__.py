"""boardpack: validate improvement-plan workbooks and turn them into board reports.

The Python API (docs/python-api.md) is ``generator.validate``, ``generator.report``,
``generator.annotate`` and ``generator.init``: the names in ``generator.api.__all__``. Each
is loaded the first time it is used, so ``import generator`` (which every command does)
imports nothing else but the one-line ``generator.version``.
"""

from generator.version import __version__ as __version__

# Not typing.TYPE_CHECKING: importing typing would add milliseconds to every command's start.
TYPE_CHECKING = False
if TYPE_CHECKING:  # type checkers and editors see the real signatures
    from generator.api import *  # noqa: F403


def __getattr__(name: str) -> object:
    """A name of the Python API, imported on first use and kept (PEP 562)."""
    if not name.startswith("_"):
        from importlib import import_module

        api = import_module("generator.api")
        if name in api.__all__:
            globals()[name] = getattr(api, name)
        if name in globals():  # a name of the API, or generator.api itself
            return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    from importlib import import_module

    return sorted({*globals(), *import_module("generator.api").__all__})
