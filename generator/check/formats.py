"""Findings presented for people and for CI: text, JSON, GitHub annotations and JUnit XML.

Every function here takes a ``ValidationResult`` and returns text; the CLI chooses the
format, decides on colour and writes the text out. All formats list findings in the same
order: by workbook, then sheet, errors before warnings, then down and across the sheet.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from generator.common.plurals import plural
from generator.common.xmltext import xml_safe
from generator.findings import FINDING_KEYS, NOT_CHECKED_RULES, Finding, Severity, ValidationResult

if TYPE_CHECKING:  # JUnit's XML is imported only when asked for: most runs print text
    import xml.etree.ElementTree as ET

#: The names ``--format`` accepts, the default first.
FORMATS = ("text", "json", "github", "junit")

#: Rows in the GitHub step summary table; the page is capped at 1 MiB by GitHub.
SUMMARY_ROW_LIMIT = 1000
#: Characters kept per table cell and bytes per summary, so the page stays under the cap.
SUMMARY_CELL_LIMIT = 500
SUMMARY_BYTE_LIMIT = 800 * 1024

#: Above this many findings the text summary adds a count for each rule.
RULE_COUNTS_FROM = 10

_RED = "\033[31m"
_YELLOW = "\033[33m"
_GREEN = "\033[32m"
_BOLD = "\033[1m"
_RESET = "\033[0m"

# Cell text is data: a control character or a bidi override in a workbook must not reach
# a terminal or a log as a command, so these are shown as visible escapes instead.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def render(
    result: ValidationResult, name: str, *, colour: bool = False, strict: bool = False
) -> str:
    """The findings in the format called ``name`` (one of ``FORMATS``)."""
    if name == "text":
        return format_text(result, colour=colour)
    if name == "json":
        return format_json(result)
    if name == "github":
        return format_github(result)
    if name == "junit":
        return format_junit(result, strict=strict)
    raise ValueError(f"unknown format {name!r}; expected one of {', '.join(FORMATS)}")


# --- text -------------------------------------------------------------------------------


def format_text(result: ValidationResult, *, colour: bool = False) -> str:
    """Findings for a person: one line each, grouped by workbook and sheet, then a summary.

    Each line is the severity and ``Finding.describe()``, e.g.
    ``error: plan.xlsx: Actions!H14 (QP-07, Due date): "31/02/2020" is not a real date``.
    With ``colour`` the severity is red or yellow (the CLI turns it on only on a terminal
    and when NO_COLOR is unset). Long messages are never cut short.
    """
    paint = _painter(colour)
    files = result.file_names()
    if not result.findings:
        return paint(_no_problems(files), _GREEN) + "\n"

    lines: list[str] = []
    group: tuple[str, str] | None = None
    for finding in result.findings:
        if group is not None and group != (finding.file, finding.sheet):
            lines.append("")
        group = (finding.file, finding.sheet)
        label = paint(
            f"{finding.severity}:", _RED if finding.severity is Severity.ERROR else _YELLOW
        )
        lines.append(f"{label} {_visible(finding.describe())}")

    with_findings = {finding.file for finding in result.findings}
    clean_files = [name for name in files if name not in with_findings]
    if clean_files:
        lines.append("")
        lines.extend(f"No problems found in {_visible(name)}" for name in clean_files)

    if len(result.findings) > RULE_COUNTS_FROM:
        lines.append("")
        lines.append("By rule:")
        lines.extend(f"  {line}" for line in _rule_counts(result.findings))

    lines.append("")
    lines.append(paint(result.summary(), _BOLD + (_RED if result.errors else _YELLOW)))
    return "\n".join(lines) + "\n"


def _rule_counts(findings: Iterable[Finding]) -> list[str]:
    """``stale-update: 5,000 warnings`` for each rule, errors first, then the commonest."""
    counts = Counter((finding.rule, finding.severity) for finding in findings)
    ranked = sorted(counts.items(), key=lambda item: (item[0][1] is not Severity.ERROR, -item[1]))
    return [f"{rule}: {plural(count, str(severity))}" for (rule, severity), count in ranked]


def _painter(colour: bool) -> Callable[[str, str], str]:
    if not colour:
        return lambda text, _code: text
    return lambda text, code: f"{code}{text}{_RESET}"


def _visible(text: str, keep: str = "") -> str:
    """``text`` with control characters shown as escapes (``\\n``, ``\\x1b``), except ``keep``."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if char in keep:
            return char
        return char.encode("unicode_escape").decode("ascii")

    return _UNPRINTABLE.sub(escape, text)


# --- JSON -------------------------------------------------------------------------------


def format_json(result: ValidationResult) -> str:
    """A JSON array of findings, each with exactly ``FINDING_KEYS`` in order.

    The schema is documented in docs/findings-json.md. Non-ASCII text is written as
    ``\\u`` escapes so the output is safe on any console encoding.
    """
    records = [finding.as_dict() for finding in result.findings]
    if not records:
        return "[]\n"
    # The same bytes as json.dumps(records, indent=2), whose indenting runs in pure Python
    # (about 80 µs a finding); each value is encoded by the C encoder instead.
    return "[\n" + ",\n".join(map(_record_json, records)) + "\n]\n"


def _record_json(record: dict[str, object]) -> str:
    encode = _encode_text
    return _RECORD_TEMPLATE % tuple(
        [
            encode(value) if type(value) is str else "null" if value is None else str(value)
            for value in record.values()
        ]
    )


# One finding as json.dumps(indent=2) lays it out inside the array, a slot per key.
_RECORD_TEMPLATE = (
    "  {\n" + ",\n".join(f"    {json.dumps(key)}: %s" for key in FINDING_KEYS) + "\n  }"
)
_encode_text = json.encoder.encode_basestring_ascii


# --- GitHub Actions ---------------------------------------------------------------------


def format_github(result: ValidationResult) -> str:
    """One GitHub Actions workflow command per finding (``::error`` or ``::warning``).

    The title names the rule and cell; the message is the whole ``describe()`` line, so
    the location survives in the job log. GitHub shows only the first few annotations of
    a step on the summary page; ``write_step_summary`` lists the rest.
    """
    lines = []
    for finding in result.findings:
        properties = {"file": finding.file, "title": _github_title(finding)}
        encoded = ",".join(f"{key}={_escape_property(value)}" for key, value in properties.items())
        message = _escape_data(_visible(finding.describe(), keep="\r\n"))
        lines.append(f"::{finding.severity} {encoded}::{message}")
    return "".join(f"{line}\n" for line in lines)


def _github_title(finding: Finding) -> str:
    place = f"{finding.sheet}!{finding.cell}" if finding.cell else finding.sheet
    title = f"boardpack {finding.rule}"
    return _visible(f"{title} at {place}" if place else title)


def _escape_data(text: str) -> str:
    """Escape a workflow command message, as GitHub's toolkit ``escapeData`` does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """Escape a workflow command property, as GitHub's toolkit ``escapeProperty`` does."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write_step_summary(
    result: ValidationResult, path: Path, *, row_limit: int = SUMMARY_ROW_LIMIT
) -> None:
    """Append a Markdown table of the findings to the GitHub step summary file at ``path``.

    The CLI passes ``$GITHUB_STEP_SUMMARY``. The file belongs to the runner and other
    steps append to it too, so it is appended to, not replaced. At most ``row_limit``
    rows (and well under GitHub's 1 MiB) are written; a line says how many were left out.
    """
    with path.open("a", encoding="utf-8") as summary:
        summary.write(step_summary_markdown(result, row_limit=row_limit))


def step_summary_markdown(result: ValidationResult, *, row_limit: int = SUMMARY_ROW_LIMIT) -> str:
    """The Markdown that ``write_step_summary`` appends."""
    parts = ["## boardpack validation\n\n"]
    if not result.findings:
        parts.append(f"{_markdown_cell(_no_problems(result.file_names()))}\n\n")
        return "".join(parts)
    parts.append(f"**{result.summary()}**\n\n")
    parts.append("| File | Sheet | Cell | Ref | Column | Rule | Severity | Message |\n")
    parts.append("| --- | --- | --- | --- | --- | --- | --- | --- |\n")
    size = sum(len(part.encode()) for part in parts)
    findings = result.findings
    shown = 0
    for finding in findings[:row_limit]:
        cells = (
            finding.file,
            finding.sheet,
            finding.cell,
            finding.ref,
            finding.column,
            finding.rule,
            str(finding.severity),
            finding.message,
        )
        row = "| " + " | ".join(_markdown_cell(cell) for cell in cells) + " |\n"
        size += len(row.encode())
        if size > SUMMARY_BYTE_LIMIT:
            break
        parts.append(row)
        shown += 1
    left_out = len(findings) - shown
    if left_out:
        parts.append(
            f"\n{plural(left_out, 'more finding', 'more findings')} left out of this table; "
            "the job log lists every one.\n"
        )
    parts.append("\n")
    return "".join(parts)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def _markdown_cell(text: str) -> str:
    """``text`` safe inside a GitHub Markdown table cell: one line, no live markup."""
    if len(text) > SUMMARY_CELL_LIMIT:
        text = text[: SUMMARY_CELL_LIMIT - 1] + "…"
    text = html.escape(text, quote=False)
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    text = text.replace("\r\n", "<br>").replace("\n", "<br>").replace("\r", "<br>")
    return _visible(text)


# --- JUnit XML --------------------------------------------------------------------------


def format_junit(result: ValidationResult, *, strict: bool = False) -> str:
    """JUnit XML: one ``testsuite`` per workbook, one ``testcase`` per finding.

    A testcase is named ``Actions!H14 due-date`` with classname ``plan.xlsx.Actions``
    (Jenkins shows the workbook as the package and the sheet as the class). Errors are
    ``<failure>``s. Warnings are passing testcases with the message in ``<system-out>``,
    because they do not fail the run; with ``strict`` they are failures too, matching the
    exit code. A workbook that could not be checked at all is an ``<error>``: the test could
    not run. A workbook with no findings gets one passing testcase, so CI lists it.
    """
    import xml.etree.ElementTree as ET

    by_file: dict[str, list[Finding]] = {name: [] for name in result.file_names()}
    for finding in result.findings:
        by_file[finding.file].append(finding)

    root = ET.Element("testsuites", name="boardpack")
    totals = Counter[str]()
    for name, findings in by_file.items():
        suite = ET.SubElement(root, "testsuite", name=xml_safe(name))
        outcomes = Counter(_add_testcase(suite, finding, strict) for finding in findings)
        if not findings:
            ET.SubElement(suite, "testcase", classname=xml_safe(name), name="no problems found")
        outcomes["tests"] = max(len(findings), 1)
        for key in ("tests", "failures", "errors", "skipped"):
            suite.set(key, str(outcomes[key]))
        totals.update(outcomes)
    for key in ("tests", "failures", "errors"):
        root.set(key, str(totals[key]))
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


def _add_testcase(suite: ET.Element, finding: Finding, strict: bool) -> str:
    """Add ``finding`` as a testcase; return "errors", "failures" or "passed" for it."""
    import xml.etree.ElementTree as ET

    classname = f"{finding.file}.{finding.sheet}" if finding.sheet else finding.file
    place = f"{finding.sheet}!{finding.cell}" if finding.cell else finding.sheet
    name = f"{place} {finding.rule}" if place else finding.rule
    case = ET.SubElement(suite, "testcase", classname=xml_safe(classname), name=xml_safe(name))
    detail = finding.describe()
    if finding.value:
        detail += f"\nValue found: {finding.value}"
    if finding.rule in NOT_CHECKED_RULES or finding.severity is Severity.ERROR or strict:
        outcome = "errors" if finding.rule in NOT_CHECKED_RULES else "failures"
        failure = ET.SubElement(
            case,
            outcome.removesuffix("s"),
            message=xml_safe(finding.describe()),
            type=xml_safe(f"{finding.severity}: {finding.rule}"),
        )
        failure.text = xml_safe(detail)
        return outcome
    ET.SubElement(case, "system-out").text = xml_safe(f"warning: {detail}")
    return "passed"


# --- shared -----------------------------------------------------------------------------


def _no_problems(files: list[str]) -> str:
    if len(files) == 1:
        return f"No problems found in {_visible(files[0])}"
    return f"No problems found in {len(files):,} workbooks" if files else "No problems found"
