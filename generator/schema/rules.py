"""Load rules.yaml, check it, and build the rules boardpack validates against.

The file is read with ruamel.yaml's round-trip loader, which builds only plain mappings,
lists and scalars (never Python objects) and remembers where every key stands, so a mistake
in the file is reported with its line. The file's own shape is checked with a Cerberus
schema; every Cerberus snippet inside it is checked by Cerberus too.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cerberus import SchemaError

from generator.common.files import read_bytes_or_raise
from generator.common.matching import fold
from generator.common.resources import default_rules_path
from generator.errors import BadRulesFile
from generator.findings import NOT_CHECKED_RULES, Severity
from generator.schema.derived import EFFECTIVE_DUE
from generator.schema.fields import (
    ACTIONS,
    BINDINGS,
    RECOMMENDATIONS,
    report_field_kinds,
)
from generator.schema.linear_regex import (
    LinearValidator,
    PatternError,
    compile_pattern,
    patterns_in,
)
from generator.schema.status import Status, StatusKey
from generator.version import __version__

COLUMN_TYPES = ("text", "date", "status", "number")
COMPARE_OPS = ("<", "<=", ">", ">=")
AS_OF = "as_of"

# A rules file is written by hand: the shipped one is about 10 KB and 600 values. These caps
# are far above any real one and far below what would keep a laptop busy (a YAML "billion
# laughs" of aliases, a file nested thousands deep, a 50 MB file of pure-Python parsing).
MAX_RULES_BYTES = 1024 * 1024
MAX_ALIASES = 100
MAX_DEPTH = 64
MAX_VALUES = 100_000

_SEVERITY = {"type": "string", "allowed": ["error", "warning"], "required": True}
_RULE_BASE = {
    "id": {"type": "string", "required": True, "regex": r"[a-z0-9][a-z0-9-]*"},
    "severity": _SEVERITY,
    "message": {"type": "string", "required": True, "empty": False},
    "enabled": {"type": "boolean"},
    "description": {"type": "string"},
}
_CERBERUS_SNIPPET = {"type": "dict", "keysrules": {"type": "string"}}
_COLUMN = {
    "type": "dict",
    "schema": {
        "type": {"type": "string", "allowed": list(COLUMN_TYPES), "required": True},
        "required": {"type": "boolean"},
        "aliases": {"type": "list", "schema": {"type": "string"}},
        "checks": {
            "type": "list",
            "schema": {
                "type": "dict",
                "schema": {**_RULE_BASE, "schema": {**_CERBERUS_SNIPPET, "required": True}},
            },
        },
    },
}
_SHEET = {
    "type": "dict",
    "schema": {
        "required": {"type": "boolean"},
        "aliases": {"type": "list", "schema": {"type": "string"}},
        "columns": {
            "type": "dict",
            "required": True,
            "keysrules": {"type": "string"},
            "valuesrules": _COLUMN,
        },
    },
}
#: The shape of rules.yaml itself.
META_SCHEMA: dict[str, Any] = {
    "version": {"type": "integer", "allowed": [1], "required": True},
    "status": {
        "type": "list",
        "required": True,
        "minlength": 1,
        "schema": {
            "type": "dict",
            "schema": {
                "name": {"type": "string", "required": True, "empty": False},
                "letter": {"type": "string", "required": True},
                "meaning": {"type": "string", "required": True},
                "colour": {"type": "string", "required": True, "regex": "#?[0-9A-Fa-f]{6}"},
                "text_colour": {"type": "string", "regex": "#?[0-9A-Fa-f]{6}"},
                "complete": {"type": "boolean"},
                "aliases": {"type": "list", "schema": {"type": "string"}},
            },
        },
    },
    "no_date_words": {"type": "list", "schema": {"type": "string"}},
    "report_fields": {
        "type": "dict",
        "keysrules": {"type": "string"},
        "valuesrules": {"type": "list", "schema": {"type": "string", "empty": False}},
    },
    "sheets": {
        "type": "dict",
        "required": True,
        "keysrules": {"type": "string"},
        "valuesrules": _SHEET,
    },
    "row_rules": {
        "type": "list",
        "schema": {
            "type": "dict",
            "schema": {
                **_RULE_BASE,
                "sheet": {"type": "string"},
                "column": {"type": "string"},
                "when": _CERBERUS_SNIPPET,
                "require": _CERBERUS_SNIPPET,
                "compare": {
                    "type": "dict",
                    "schema": {
                        "column": {"type": "string", "required": True},
                        "op": {"type": "string", "allowed": list(COMPARE_OPS), "required": True},
                        "than": {"type": "string", "required": True},
                        "minus_days": {"type": "integer", "min": 0},
                    },
                },
            },
        },
    },
    "table_rules": {
        "type": "list",
        "schema": {
            "type": "dict",
            "schema": {
                **_RULE_BASE,
                "sheet": {"type": "string"},
                "unique": {"type": "string"},
                "lookup": {
                    "type": "dict",
                    "schema": {
                        "column": {"type": "string", "required": True},
                        "sheet": {"type": "string", "required": True},
                        "sheet_column": {"type": "string", "required": True},
                    },
                },
            },
        },
    },
    "reading": {"type": "list", "schema": {"type": "dict", "schema": dict(_RULE_BASE)}},
    "coverage": {"type": "list", "schema": {"type": "dict", "schema": dict(_RULE_BASE)}},
}

#: Rules about the Recommendations sheet and the actions that answer it, raised by the code;
#: rules.yaml sets their severity and words.
COVERAGE_RULE_IDS = (
    "recommendation-without-action",
    "unknown-recommendation",
    "recommendation-done-without-impact",
)

#: Rules about reading cells that the code raises; rules.yaml sets their severity and words.
READING_RULE_IDS = (
    "impossible-date",
    "not-a-date",
    "date-as-text",
    "no-date",
    "unknown-status",
    "status-from-colour",
    "formula-without-value",
    "not-a-number",
    "illegal-characters",
    "missing-optional-column",
    "error-value",
    "sheet-left-out",
    "unknown-report-field",
    *NOT_CHECKED_RULES,
)
#: Reading rules added after rules files were first written: a team's older copy without
#: one gets the shipped rule, rather than being refused.
_LATER_READING_RULE_IDS = ("unknown-report-field", *NOT_CHECKED_RULES)


@dataclass(frozen=True)
class Rule:
    """What every rule has: an id, a severity, a message template, and a switch."""

    id: str
    severity: Severity
    message: str
    enabled: bool = True


@dataclass(frozen=True)
class CellCheck:
    """A Cerberus snippet applied to one column's parsed value."""

    rule: Rule
    schema: Mapping[str, Any]


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    checks: tuple[CellCheck, ...] = ()


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: dict[str, ColumnSpec]
    required: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Compare:
    column: str
    op: str
    than: str
    minus_days: int = 0


@dataclass(frozen=True)
class RowRule:
    """A rule over one row: ``when`` matches, then ``require`` or ``compare`` must hold.

    With neither ``require`` nor ``compare`` the rule fires whenever ``when`` matches. The
    rule is about the rows of ``sheet`` (Actions unless rules.yaml says otherwise).
    """

    rule: Rule
    column: str  # where a finding is located
    sheet: str = ACTIONS.sheet
    when: Mapping[str, Any] | None = None
    require: Mapping[str, Any] | None = None
    compare: Compare | None = None

    @property
    def columns(self) -> set[str]:
        """Columns the rule reads (the effective due date needs Due date)."""
        needed = {self.column}
        for schema in (self.when, self.require):
            needed.update(schema or {})
        if self.compare:
            needed.add(self.compare.column)
            if self.compare.than != AS_OF:
                needed.add(self.compare.than)
        if EFFECTIVE_DUE in needed:
            needed.discard(EFFECTIVE_DUE)
            needed.add(ACTIONS.due_date.name)
        return needed


@dataclass(frozen=True)
class TableRule:
    """A rule across rows: ``unique`` column, or ``lookup`` of a column in another sheet.

    Its column is in ``sheet`` (Actions unless rules.yaml says otherwise).
    """

    rule: Rule
    column: str
    sheet: str = ACTIONS.sheet
    unique: bool = False
    lookup_sheet: str = ""
    lookup_column: str = ""


@dataclass
class Rules:
    """Everything rules.yaml says, ready to validate with."""

    key: StatusKey
    sheets: dict[str, SheetSpec]
    row_rules: list[RowRule] = field(default_factory=list)
    table_rules: list[TableRule] = field(default_factory=list)
    reading: dict[str, Rule] = field(default_factory=dict)
    coverage: dict[str, Rule] = field(default_factory=dict)
    no_date_words: frozenset[str] = frozenset()
    #: ReportFields field -> the Report sheet's Field names that mean it.
    report_fields: dict[str, tuple[str, ...]] = field(default_factory=dict)
    path: Path | None = None
    sha256: str = ""

    @property
    def actions(self) -> SheetSpec:
        return self.sheets[ACTIONS.sheet]


def load_rules(path: Path | None = None) -> Rules:
    """Read and check a rules file (the shipped rules.yaml when ``path`` is None)."""
    source = Path(path) if path is not None else default_rules_path()
    raw = read_bytes_or_raise(source, BadRulesFile, "rules file", at_most=MAX_RULES_BYTES)
    if len(raw) > MAX_RULES_BYTES:
        raise BadRulesFile(
            f"{source}: is larger than {MAX_RULES_BYTES // (1024 * 1024)} MB, far more than any "
            "rules file needs (the shipped one is about 10 KB); check it is the right file"
        )
    digest = hashlib.sha256(raw).hexdigest()
    checked = _read_checked_copy(digest)
    if checked is not None:
        rules = _build(source, checked)
    else:
        document = _parse_and_check(source, raw)
        rules = _build(source, document)
        _keep_checked_copy(digest, _plain(document))
    rules.path = source
    rules.sha256 = digest
    return rules


def _parse_and_check(source: Path, raw: bytes) -> Any:
    """The YAML document, its shape checked against META_SCHEMA; errors name the line."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadRulesFile(f"{source}: not a text file; rules files are UTF-8 YAML") from None
    # Imported here: a rules file checked before is read from its JSON copy, without YAML.
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError, YAMLWarning

    yaml = YAML(typ="rt", pure=True)
    yaml.Composer = _bounded_composer(source)
    try:
        # ruamel.yaml warns (on stderr, over several lines) about a reused anchor; here it is
        # a mistake in the file like any other.
        with warnings.catch_warnings():
            warnings.simplefilter("error", YAMLWarning)
            document = yaml.load(text)
    except YAMLWarning as warning:
        problem = str(warning).strip().splitlines()[0]
        hint = "; give each anchor (&name) its own name" if "anchor" in problem else ""
        raise BadRulesFile(
            f"{source}: YAML that may not mean what it says ({problem}){hint}"
        ) from None
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "somewhere"
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise BadRulesFile(f"{source}, {where}: broken YAML ({problem})") from None
    if not isinstance(document, Mapping):
        raise BadRulesFile(f"{source}: expected a YAML mapping with version, status and sheets")
    _check_expanded_size(source, document)
    _check_shape(source, document)
    return document


def _bounded_composer(source: Path) -> Any:
    """ruamel.yaml's composer, refusing a document nested too deep or with too many aliases.

    Both are checked as the document is built, so neither Python's recursion limit nor the
    memory of an exponential expansion is ever reached.
    """
    from ruamel.yaml.composer import Composer
    from ruamel.yaml.events import AliasEvent

    class BoundedComposer(Composer):
        aliases = 0
        nesting = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.parser.peek_event()
            line = event.start_mark.line + 1 if event.start_mark is not None else 0
            if isinstance(event, AliasEvent):
                self.aliases += 1
                if self.aliases > MAX_ALIASES:
                    raise BadRulesFile(
                        f"{source}, line {line}: more than {MAX_ALIASES} YAML aliases (*name); "
                        "a rules file needs few, if any: write the values out"
                    )
            self.nesting += 1
            try:
                if self.nesting > MAX_DEPTH:
                    raise BadRulesFile(
                        f"{source}, line {line}: nested more than {MAX_DEPTH} levels deep, "
                        "which no rules file needs; check the brackets and indentation"
                    )
                return super().compose_node(parent, index)
            finally:
                self.nesting -= 1

    return BoundedComposer


def _check_expanded_size(source: Path, document: Any) -> None:
    """Refuse a document whose aliases expand it to more values than any rules file has.

    Walked without recursion and stopped as soon as the budget is spent, so an alias that
    refers to itself, or one repeated at every level, costs no more than the budget.
    """
    budget = MAX_VALUES
    pending = [document]
    while pending:
        node = pending.pop()
        budget -= 1
        if budget < 0:
            raise BadRulesFile(
                f"{source}: expands to more than {MAX_VALUES:,} values (YAML aliases repeated "
                "inside each other?), far more than any rules file needs; write the values out"
            )
        if isinstance(node, Mapping):
            pending.extend(node.keys())
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)


def _cache_dir() -> Path:
    configured = os.environ.get("BOARDPACK_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "boardpack"


def _cache_file(digest: str) -> Path:
    return _cache_dir() / f"rules-{__version__}-{digest}.json"


def _read_checked_copy(digest: str) -> dict[str, Any] | None:
    """A rules file's data as checked before (keyed by its SHA-256), or None.

    Parsing YAML in pure Python and checking its shape cost more than the rest of a small
    validate run; a file already found good need not be judged again. The copy is JSON:
    reading it can never run code, and a damaged copy is simply ignored.
    """
    try:
        data = json.loads(_cache_file(digest).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _keep_checked_copy(digest: str, plain: dict[str, Any]) -> None:
    """Best effort: a read-only home or a full disk only costs the next run some time."""
    target = _cache_file(digest)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_suffix(f".{os.getpid()}.part")
        temp.write_text(json.dumps(plain), encoding="utf-8")
        os.replace(temp, target)
    except OSError:
        pass


def _check_shape(source: Path, document: Mapping[str, Any]) -> None:
    validator = LinearValidator(META_SCHEMA)
    if validator.validate(_plain(document)):
        return
    path, problem = _first_error(validator.errors)
    raise BadRulesFile(f"{source}, {_where(document, path)}: {problem}")


def _first_error(errors: Mapping[Any, Any], path: tuple[Any, ...] = ()) -> tuple[tuple, str]:
    """Walk Cerberus's nested error tree down to the first concrete complaint."""
    key = sorted(errors, key=str)[0]
    detail = errors[key]
    path = (*path, key)
    while isinstance(detail, list):
        nested = [item for item in detail if isinstance(item, Mapping)]
        if nested:
            return _first_error(nested[0], path)
        message = str(detail[0])
        if message == "unknown field":
            message = f"unknown key '{key}'"
            close = _suggest_key(path)
            if close:
                message += f" (did you mean '{close}'?)"
        else:
            message = f"'{key}': {message}"
        return path, message
    return path, f"'{key}': {detail}"


def _suggest_key(path: tuple[Any, ...]) -> str:
    """The known key closest to the unknown one at the end of ``path``."""
    rules: Mapping[str, Any] = {"type": "dict", "schema": META_SCHEMA}
    for part in path[:-1]:
        if isinstance(part, int):
            rules = rules.get("schema", {})
        elif rules.get("type") == "dict" and "schema" in rules:
            rules = rules["schema"].get(part, {})
        else:
            rules = rules.get("valuesrules", {})
    keys = list(rules.get("schema", {})) if rules.get("type") == "dict" else []
    found = difflib.get_close_matches(str(path[-1]), keys, n=1)
    return found[0] if found else ""


def _where(document: Any, path: Sequence[Any]) -> str:
    """'line 12, key sheets.Actions.columns.Ref' for a path into the YAML document."""
    node = document
    line = None
    for part in path:
        lc = getattr(node, "lc", None)
        try:
            if lc is not None and isinstance(node, Mapping) and part in node:
                line = lc.key(part)[0] + 1
            elif lc is not None and isinstance(node, list) and isinstance(part, int):
                line = lc.item(part)[0] + 1
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
    dotted = ".".join(str(part) for part in path)
    return f"line {line}, key {dotted}" if line else f"key {dotted}"


def _plain(node: Any) -> Any:
    """Round-trip YAML containers as plain dicts and lists, for Cerberus."""
    if isinstance(node, Mapping):
        return {str(key): _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(item) for item in node]
    return node


def _rule(entry: Mapping[str, Any]) -> Rule:
    return Rule(
        id=entry["id"],
        severity=Severity(entry["severity"]),
        message=entry["message"],
        enabled=entry.get("enabled", True),
    )


def _check_snippet(
    source: Path, document: Any, path: tuple, schema: Mapping[str, Any], *, one_field: bool
) -> None:
    """Let Cerberus itself judge a snippet: field rules (``one_field``) or a row schema.

    Every ``regex`` in it must compile with RE2, which runs in time linear in the cell text.
    """
    try:
        LinearValidator({"value": dict(schema)} if one_field else dict(schema))
    except (SchemaError, TypeError, ValueError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else "invalid"
        raise BadRulesFile(
            f"{source}, {_where(document, path)}: not a valid Cerberus rule ({first})"
        ) from None
    for where, pattern in patterns_in(schema):
        try:
            compile_pattern(pattern)
        except PatternError as error:
            raise BadRulesFile(
                f"{source}, {_where(document, (*path, *where))}: the regex {pattern!r} "
                f"cannot be used ({error})"
            ) from None


def _build(source: Path, document: Mapping[str, Any]) -> Rules:
    plain = _plain(document)
    statuses = tuple(
        Status(
            name=item["name"],
            letter=item["letter"],
            meaning=item["meaning"],
            colour=item["colour"].lstrip("#").upper(),
            text_colour=item.get("text_colour", "000000").lstrip("#").upper(),
            complete=item.get("complete", False),
            aliases=tuple(item.get("aliases", ())),
        )
        for item in plain["status"]
    )
    seen_ids: dict[str, tuple] = {}

    def register(rule: Rule, path: tuple) -> Rule:
        if rule.id in seen_ids:
            raise BadRulesFile(
                f"{source}, {_where(document, path)}: rule id '{rule.id}' is used twice"
            )
        seen_ids[rule.id] = path
        return rule

    sheets: dict[str, SheetSpec] = {}
    for sheet_name, sheet in plain["sheets"].items():
        columns: dict[str, ColumnSpec] = {}
        for column_name, column in sheet["columns"].items():
            checks = []
            for index, check in enumerate(column.get("checks", [])):
                path: tuple[Any, ...] = (
                    "sheets",
                    sheet_name,
                    "columns",
                    column_name,
                    "checks",
                    index,
                )
                _check_snippet(source, document, (*path, "schema"), check["schema"], one_field=True)
                checks.append(CellCheck(register(_rule(check), path), check["schema"]))
            columns[column_name] = ColumnSpec(
                name=column_name,
                type=column["type"],
                required=column.get("required", False),
                aliases=tuple(column.get("aliases", ())),
                checks=tuple(checks),
            )
        sheets[sheet_name] = SheetSpec(
            name=sheet_name,
            columns=columns,
            required=sheet.get("required", False),
            aliases=tuple(sheet.get("aliases", ())),
        )
    if RECOMMENDATIONS.sheet not in sheets and source.resolve() != default_rules_path().resolve():
        # Described after rules files were first written: an older copy gets the shipped one.
        sheets[RECOMMENDATIONS.sheet] = load_rules(default_rules_path()).sheets[
            RECOMMENDATIONS.sheet
        ]
    _check_bindings(source, document, sheets)

    def rule_sheet(entry: Mapping[str, Any], path: tuple) -> str:
        """The sheet a row or table rule is about: Actions unless it names another."""
        name = entry.get("sheet", ACTIONS.sheet)
        if name not in sheets:
            close = difflib.get_close_matches(name, sorted(sheets), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise BadRulesFile(
                f"{source}, {_where(document, (*path, 'sheet'))}: no sheet '{name}' is "
                f"described{hint}"
            )
        return str(name)

    def known_column(name: str, path: tuple, sheet: str = ACTIONS.sheet) -> str:
        # The effective due date is derived from the Actions sheet's two due dates.
        columns = set(sheets[sheet].columns) | (
            {EFFECTIVE_DUE} if sheet == ACTIONS.sheet else set()
        )
        if name not in columns:
            close = difflib.get_close_matches(name, sorted(columns), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise BadRulesFile(
                f"{source}, {_where(document, path)}: no {sheet} column called '{name}'{hint}"
            )
        return name

    row_rules = []
    for index, entry in enumerate(plain.get("row_rules", [])):
        path = ("row_rules", index)
        rule = register(_rule(entry), path)
        sheet = rule_sheet(entry, path)
        for part in ("when", "require"):
            if part in entry:
                _check_snippet(source, document, (*path, part), entry[part], one_field=False)
                for name in entry[part]:
                    known_column(name, (*path, part, name), sheet)
        compare = None
        if "compare" in entry:
            spec = entry["compare"]
            known_column(spec["column"], (*path, "compare", "column"), sheet)
            if spec["than"] != AS_OF:
                known_column(spec["than"], (*path, "compare", "than"), sheet)
            compare = Compare(spec["column"], spec["op"], spec["than"], spec.get("minus_days", 0))
        if "require" in entry and compare is not None:
            raise BadRulesFile(
                f"{source}, {_where(document, path)}: a rule has require or compare, not both"
            )
        column = entry.get("column") or (
            compare.column
            if compare
            else next(iter(entry.get("require") or entry.get("when") or {}), "")
        )
        if not column:
            raise BadRulesFile(
                f"{source}, {_where(document, path)}: the rule needs when, require or compare"
            )
        row_rules.append(
            RowRule(
                rule=rule,
                column=known_column(column, (*path, "column"), sheet),
                sheet=sheet,
                when=entry.get("when"),
                require=entry.get("require"),
                compare=compare,
            )
        )

    table_rules = []
    for index, entry in enumerate(plain.get("table_rules", [])):
        path = ("table_rules", index)
        rule = register(_rule(entry), path)
        sheet = rule_sheet(entry, path)
        if "unique" in entry:
            column = known_column(entry["unique"], (*path, "unique"), sheet)
            table_rules.append(TableRule(rule=rule, column=column, sheet=sheet, unique=True))
        elif "lookup" in entry:
            spec = entry["lookup"]
            column = known_column(spec["column"], (*path, "lookup", "column"), sheet)
            target = sheets.get(spec["sheet"])
            if target is None or spec["sheet_column"] not in target.columns:
                raise BadRulesFile(
                    f"{source}, {_where(document, (*path, 'lookup'))}: "
                    f"no sheet '{spec['sheet']}' with a column "
                    f"'{spec['sheet_column']}' is described"
                )
            table_rules.append(
                TableRule(
                    rule=rule,
                    column=column,
                    sheet=sheet,
                    lookup_sheet=spec["sheet"],
                    lookup_column=spec["sheet_column"],
                )
            )
        else:
            raise BadRulesFile(
                f"{source}, {_where(document, path)}: a table rule needs unique or lookup"
            )

    shipped = source.resolve() == default_rules_path().resolve()

    def raised_by_code(
        section: str, known: tuple[str, ...], later: tuple[str, ...]
    ) -> dict[str, Rule]:
        """A section of rules the code raises: each known id once, none left out; an older
        rules file without one added ``later`` gets the shipped rule."""
        found: dict[str, Rule] = {}
        for index, entry in enumerate(plain.get(section, [])):
            path = (section, index)
            if entry["id"] not in known:
                close = difflib.get_close_matches(entry["id"], known, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise BadRulesFile(
                    f"{source}, {_where(document, (*path, 'id'))}: "
                    f"'{entry['id']}' is not a {section} rule boardpack knows{hint}"
                )
            found[entry["id"]] = register(_rule(entry), path)
        if not shipped:
            for rule_id in later:
                if rule_id not in found:
                    default = load_rules(default_rules_path())
                    found[rule_id] = getattr(default, section)[rule_id]
        missing = [rule_id for rule_id in known if rule_id not in found]
        if missing:
            raise BadRulesFile(
                f"{source}, key {section}: missing {', '.join(missing)}; "
                "switch a rule off with enabled: false rather than deleting it"
            )
        return found

    reading = raised_by_code("reading", READING_RULE_IDS, _LATER_READING_RULE_IDS)
    coverage = raised_by_code("coverage", COVERAGE_RULE_IDS, COVERAGE_RULE_IDS)

    return Rules(
        key=StatusKey(statuses),
        sheets=sheets,
        row_rules=row_rules,
        table_rules=table_rules,
        reading=reading,
        coverage=coverage,
        no_date_words=frozenset(fold(word) for word in plain.get("no_date_words", [])),
        report_fields=_report_fields(source, document, plain.get("report_fields", {})),
    )


def _check_bindings(source: Path, document: Any, sheets: Mapping[str, SheetSpec]) -> None:
    """Refuse a rules file that drops or retypes a sheet or column the plan is built from."""
    for binding in BINDINGS:
        spec = sheets.get(binding.sheet)
        if spec is None:
            close = difflib.get_close_matches(binding.sheet, list(sheets), n=1)
            renamed = f" (it seems renamed '{close[0]}')" if close else ""
            raise BadRulesFile(
                f"{source}, {_where(document, ('sheets',))}: the {binding.sheet} sheet is "
                f"missing{renamed}; the plan is built from it, so keep it under that name "
                "and give the name your workbook uses as one of its aliases"
            )
        for _, column in binding.columns():
            found = spec.columns.get(column.name)
            path: tuple[Any, ...] = ("sheets", binding.sheet, "columns")
            if found is None:
                renamed_to = _renamed(column.name, spec, binding.column_names())
                renamed = f" (it seems renamed '{renamed_to}')" if renamed_to else ""
                where = _where(document, (*path, renamed_to) if renamed_to else path)
                raise BadRulesFile(
                    f"{source}, {where}: the {binding.sheet} column "
                    f"'{column.name}' is missing{renamed}; the plan reads it, so keep it under "
                    "that name and add the header your workbook uses to its aliases"
                )
            if found.type != column.type:
                raise BadRulesFile(
                    f"{source}, {_where(document, (*path, column.name, 'type'))}: "
                    f"'{column.name}' must be of type {column.type}, not {found.type}; "
                    "the plan reads it that way"
                )


def _renamed(missing: str, spec: SheetSpec, bound: list[str]) -> str:
    """The column a team seems to have renamed ``missing`` to: a close spelling, or the
    unbound column standing where it stood (after the bound column before it)."""
    names = list(spec.columns)
    spare = [name for name in names if name not in bound]
    close = difflib.get_close_matches(missing, spare, n=1, cutoff=0.6)
    if close:
        return close[0]
    before = bound[: bound.index(missing)]
    present = [names.index(name) for name in before if name in spec.columns]
    place = (max(present) + 1) if present else 0
    if place < len(names) and names[place] in spare:
        return names[place]
    return ""


def _report_fields(
    source: Path, document: Any, entries: Mapping[str, list[str]]
) -> dict[str, tuple[str, ...]]:
    """The Report sheet's Field names for each field of ReportFields, each name used once."""
    kinds = report_field_kinds()
    owner: dict[str, str] = {}
    for key, names in entries.items():
        where = _where(document, ("report_fields", key))
        if key not in kinds:
            close = difflib.get_close_matches(key, list(kinds), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise BadRulesFile(f"{source}, {where}: the report has no field '{key}'{hint}")
        for name in names:
            if owner.setdefault(fold(name), key) != key:
                raise BadRulesFile(
                    f"{source}, {where}: the Field name '{name}' is also listed for "
                    f"'{owner[fold(name)]}'; a name can mean only one field"
                )
    missing = [key for key in kinds if key not in entries]
    if not missing:
        return {key: tuple(entries[key]) for key in kinds}
    shipped = default_rules_path()
    if source.resolve() == shipped.resolve():
        raise BadRulesFile(
            f"{source}, {_where(document, ('report_fields',))}: no Field names for "
            f"{', '.join(missing)}; list at least one name for each field of the report"
        )
    # A rules file written before a field existed keeps working: the shipped names stand in.
    defaults = load_rules(shipped).report_fields
    return {key: tuple(entries[key]) if key in entries else defaults[key] for key in kinds}
