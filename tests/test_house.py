"""The house: data flows one way, click stays in cli.py, and the README lists every module.

Read from the code's own imports (every import statement, inside functions too), so a lazy
import that runs back up a layer is caught as surely as one at the top of a module.
"""

from __future__ import annotations

import ast
import re
from importlib import metadata
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGE = ROOT / "generator"

# Each part of the house and its floor: a module may import only its own part or a lower
# floor. read → check → model → render → deliver, on common ground; the jobs above them,
# then the Python API, the package's face and the command line.
FLOORS: dict[str, int] = {
    "version": 0, "errors": 0,
    "common": 1,
    "findings": 2,
    "schema": 3,
    "read": 4,
    "check": 5,
    "model": 6,
    "render": 7, "deliver": 7,
    "pipeline": 8, "scaffold": 8, "rules_copy": 8,
    "earlier_boards": 9, "explain": 9,
    "board_report": 10, "cycle": 10,
    "api": 11,
    "__init__": 12,
    "cli": 13,
    "__main__": 14,
}  # fmt: skip


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _part(path: Path) -> str:
    """The part of the house a module of generator/ belongs to ("read", "cli", "__init__")."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def _part_of_name(name: str) -> str | None:
    """The part an imported dotted name lands in, or None outside generator."""
    pieces = name.split(".")
    if pieces[0] != "generator":
        return None
    return pieces[1] if len(pieces) > 1 else "__init__"


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every (line, dotted name) a module imports, names taken from a package included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            if node.module == "generator":  # from generator import read: the part is read
                found += [
                    (node.lineno, f"generator.{alias.name}")
                    for alias in node.names
                    if alias.name in FLOORS
                ]
    return found


def test_every_module_is_on_a_floor() -> None:
    assert sorted({_part(path) for path in _modules()} - set(FLOORS)) == []


def test_no_import_runs_back_up_the_house() -> None:
    upward = []
    for path in _modules():
        here = _part(path)
        for line, name in _imports(path):
            there = _part_of_name(name)
            if there is None or there == here:
                continue
            if FLOORS[there] >= FLOORS[here]:
                upward.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert upward == []


def test_only_the_command_line_imports_click() -> None:
    importers = [
        str(path.relative_to(ROOT))
        for path in _modules()
        if any(name == "click" or name.startswith("click.") for _, name in _imports(path))
    ]
    assert importers == ["generator/cli.py"]


def test_the_version_is_written_once() -> None:
    from generator import __version__
    from generator.version import __version__ as written

    assert __version__ == written
    assert metadata.version("boardpack") == written  # the installed package's metadata
    project = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^dynamic = \["version"\]$', project, re.M)
    assert not re.search(r"^version = ", project, re.M)
    assert '[tool.hatch.version]\npath = "generator/version.py"' in project


def _readme_module_table() -> dict[str, str]:
    """The README's module table: each module's path in generator/ and its line."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    start = readme.index("| Where | Module | Job |")
    table: dict[str, str] = {}
    folder = ""
    for line in readme[start + 2 :]:
        if not line.startswith("|"):
            break
        where, module, job = (cell.strip() for cell in line.strip("|").split("|", 2))
        folder = where.strip("`") if where else folder if module else ""
        names = re.findall(r"`([\w.]+\.py)`", module)
        assert len(names) == 1, f"one module a line, not {module!r}"
        assert job, f"{names[0]} has no line saying what it is for"
        table[f"{folder}{names[0]}"] = job
    return table


def test_the_readme_lists_every_module_once() -> None:
    table = _readme_module_table()
    on_disk = {
        str(path.relative_to(PACKAGE))
        for path in _modules()
        if path.name != "__init__.py" or path.parent == PACKAGE
    }
    assert sorted(on_disk - set(table)) == [], "modules the README's table leaves out"
    assert sorted(set(table) - on_disk) == [], "the README's table names modules that are gone"


@pytest.mark.parametrize(
    "module", ["generator/schema/rules.py", "generator/board_report.py", "generator/cli.py"]
)
def test_the_version_is_taken_from_its_own_module(module: str) -> None:
    # Not from the package's face, which sits above everything and imports the API.
    names = [name for _, name in _imports(ROOT / module)]
    assert "generator.version" in names
    assert "generator" not in names


def _declared_dependencies() -> list[str]:
    """Every distribution pyproject.toml names: the package's and the development ones."""
    project = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    names = []
    for block in re.findall(r"^(?:dependencies|dev) = \[\n(.*?)^\]", project, re.M | re.S):
        names += re.findall(r'^\s*"([A-Za-z0-9_.-]+)', block, re.M)
    return names


def test_the_design_notes_say_why_each_library_is_there() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    notes = readme[readme.index("Libraries beyond the core five") :]
    notes = notes[: notes.index("\n## ")]
    declared = _declared_dependencies()
    assert {"openpyxl", "olefile", "google-re2", "openxml-audit", "freezegun"} <= set(declared)
    unexplained = [name for name in declared if name.casefold() not in notes.casefold()]
    assert unexplained == []


_OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]+|\bBOARDPACK_[A-Z_]+")


def _raised_texts(path: Path) -> list[tuple[int, str]]:
    """Every piece of literal text inside a ``raise`` statement's exception: its message."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Raise) and node.exc is not None:
            found += [
                (part.lineno, part.value)
                for part in ast.walk(node.exc)
                if isinstance(part, ast.Constant) and isinstance(part.value, str)
            ]
    return found


def test_the_core_never_names_an_option_or_a_variable_in_a_message() -> None:
    """cli.py maps each error kind to the option or variable that mends it; the core's
    exceptions name the setting (``settings=("host",)``), so the Python API's messages are
    true too."""
    naming = [
        f"{path.relative_to(ROOT)}:{line}: {text!r}"
        for path in _modules()
        if path.name not in ("cli.py", "__main__.py")
        for line, text in _raised_texts(path)
        if _OPTION.search(text)
    ]
    assert naming == []


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_modules_import_each_other_in_a_circle() -> None:
    """Not even for type checkers only (``if TYPE_CHECKING:``): a circle makes two modules
    one, whichever of them a reader opens first."""
    modules = {_module_name(path): path for path in _modules()}
    graph = {
        name: {
            imported
            for _, imported in _imports(path)
            # A package's own face (generator/check/__init__.py for check/validate.py) is
            # imported with any module of it: that is Python's doing, not a circle.
            if imported in modules and imported != name and not name.startswith(imported + ".")
        }
        for name, path in modules.items()
    }
    circles = []
    for start in graph:  # the graph is small: a search from each module is quick enough
        seen, stack = set(), [(start, [start])]
        while stack:
            node, route = stack.pop()
            for following in graph[node]:
                if following == start:
                    circles.append(" -> ".join([*route, start]))
                elif following not in seen:
                    seen.add(following)
                    stack.append((following, [*route, following]))
    assert circles == []
