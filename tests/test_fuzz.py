"""Fuzzing: messy generated workbooks and damaged files never crash boardpack.

Every generated workbook either validates (exit 0 or 1, every finding pointing at a sheet
and a cell the workbook has) or is refused with a BoardpackError (exit 2). Damaged bytes are
refused in one line. Examples are derandomised, so CI runs the same cases every time; a case
that ever crashes is kept in tests/regressions/ and replayed by test_regressions.py.
"""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from conftest import AS_OF, ROOT, action_row, write_plan
from fuzzing import (
    TEMPLATE_DAMAGE,
    XML_DAMAGE,
    SheetPlan,
    mutated_rules_text,
    rezip,
    workbook_plans,
    write_workbook,
    zip_members,
)
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.common.a1 import column_number
from generator.errors import BadRulesFile, BadTemplate, BoardpackError
from generator.pipeline import check_workbook
from generator.render.house import open_template
from generator.schema.rules import Rules, load_rules
from tests import hostile

_FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def fuzz(examples: int, shrink: bool = True) -> settings:
    """Reproducible settings: the same ``examples`` cases on every run, no example database.

    ``shrink=False`` reports a failure as found: shrinking a slow test (a whole report per
    example) can take many minutes.
    """
    phases = tuple(Phase) if shrink else (Phase.explicit, Phase.generate)
    return settings(_FUZZ, max_examples=examples, phases=phases)


_A1 = re.compile(r"([A-Z]{1,3})([0-9]+)")


def assert_findings_point_into(plans: list[SheetPlan], findings: list) -> None:
    """Each finding names a sheet the workbook has and, if it names a cell, a real one."""
    sheets = {plan.name: plan for plan in plans}
    for finding in findings:
        assert finding.sheet in sheets, finding
        if not finding.cell:
            continue
        plan = sheets[finding.sheet]
        match = _A1.fullmatch(finding.cell)
        assert match is not None, finding
        row, column = int(match[2]), column_number(match[1])
        bottom = max([plan.height, *(merge[2] for merge in plan.merges)])
        right = max([plan.width, *(merge[3] for merge in plan.merges)])
        assert 1 <= row <= bottom, finding
        assert 1 <= column <= right, finding
        assert finding.row == row, finding


def check_quietly(path: Path, rules: Rules):
    # Nothing boardpack does may warn either: warnings are errors in this suite.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return check_workbook(path, rules, AS_OF)


@fuzz(120)
@given(plans=workbook_plans())
def test_generated_workbooks_validate_or_are_refused(
    tmp_path_factory: pytest.TempPathFactory, rules: Rules, plans: list[SheetPlan]
) -> None:
    path = write_workbook(tmp_path_factory.mktemp("fuzz") / "plan.xlsx", plans)
    try:
        checked = check_quietly(path, rules)
    except BoardpackError as error:
        assert str(error).startswith(f"{path}: ")  # the CLI makes it one line (one_line)
        return
    assert_findings_point_into(plans, checked.result.findings)
    assert checked.result.exit_code() in (0, 1)
    checked.plan  # noqa: B018 - building the plan must not fail either


def assert_clean_exit(result) -> None:
    """Exit 0, 1 or 2, and never through the last-resort "this is a bug" handler."""
    assert result.exit_code in (0, 1, 2), result.output
    assert isinstance(result.exception, SystemExit) or result.exception is None, repr(
        result.exception
    )
    assert "Traceback" not in result.output
    assert "This is a bug" not in result.output, result.output
    if result.exit_code == 2:
        assert all(line.startswith("boardpack: ") for line in result.stderr.splitlines())


@fuzz(15)
@given(plans=workbook_plans(), output_format=st.sampled_from(["text", "json", "github", "junit"]))
def test_generated_workbooks_through_the_command_line(
    tmp_path_factory: pytest.TempPathFactory, plans: list[SheetPlan], output_format: str
) -> None:
    folder = tmp_path_factory.mktemp("cli")
    path = write_workbook(folder / "plan.xlsx", plans)
    result = CliRunner().invoke(
        main,
        ["validate", str(path), "--as-of", "2026-11-23", "--format", output_format,
         "--annotate", str(folder / "checked.xlsx")],
    )  # fmt: skip
    assert_clean_exit(result)


# --- Damaged bytes ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def good_workbooks(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    """Two valid plans: openpyxl's shared strings and styles, and hand-written inline strings."""
    folder = tmp_path_factory.mktemp("good")
    rows = [
        action_row(Ref=f"QP-{n:02}", Status=status, **{"Progress update": "Slipped"})
        for n, status in enumerate(["Green", "Amber", "Red", "Blue"], 1)
    ]
    written = write_plan(folder / "openpyxl.xlsx", rows)
    plain = hostile.write_plain_xlsx(folder / "plain.xlsx")
    return [written.read_bytes(), plain.read_bytes()]


def validate_bytes(folder: Path, data: bytes) -> None:
    path = folder / "damaged.xlsx"
    path.write_bytes(data)
    assert_clean_exit(CliRunner().invoke(main, ["validate", str(path), "--as-of", "2026-11-23"]))


@fuzz(60)
@given(
    which=st.integers(0, 1),
    cut=st.floats(0.0, 1.0),
    flips=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255)), max_size=6),
)
def test_truncated_and_flipped_bytes(
    tmp_path_factory: pytest.TempPathFactory,
    good_workbooks: list[bytes],
    which: int,
    cut: float,
    flips: list[tuple[float, int]],
) -> None:
    data = bytearray(good_workbooks[which])
    for where, value in flips:
        data[int(where * (len(data) - 1))] = value
    if cut < 0.95:
        data = data[: int(len(data) * cut)]
    validate_bytes(tmp_path_factory.mktemp("bytes"), bytes(data))


@fuzz(60)
@given(
    which=st.integers(0, 1),
    member=st.integers(0, 20),
    action=st.sampled_from(["delete", "duplicate", "empty", "damage", "cut", "swap"]),
    damage=st.sampled_from(XML_DAMAGE),
    cut=st.floats(0.0, 1.0),
)
def test_damaged_zip_members(
    tmp_path_factory: pytest.TempPathFactory,
    good_workbooks: list[bytes],
    which: int,
    member: int,
    action: str,
    damage: tuple[bytes, bytes],
    cut: float,
) -> None:
    members = [(info.filename, content) for info, content in zip_members(good_workbooks[which])]
    index = member % len(members)
    name, content = members[index]
    if action == "delete":
        del members[index]
    elif action == "duplicate":
        members.insert(0, (name, content.replace(b">", b"> ", 3)))
    elif action == "empty":
        members[index] = (name, b"")
    elif action == "damage":
        # Damage every member that has the pattern, so the sheet XML is reached too.
        members = [(n, c.replace(damage[0], damage[1], 1)) for n, c in members]
    elif action == "cut":
        members[index] = (name, content[: int(len(content) * cut)])
    else:
        other = (index + 1) % len(members)
        members[index], members[other] = (name, members[other][1]), (members[other][0], content)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile: "Duplicate name"
        data = rezip(members)
    validate_bytes(tmp_path_factory.mktemp("zip"), data)


@fuzz(8, shrink=False)
@given(plans=workbook_plans())
def test_generated_workbooks_through_report(
    tmp_path_factory: pytest.TempPathFactory, plans: list[SheetPlan]
) -> None:
    folder = tmp_path_factory.mktemp("report")
    path = write_workbook(folder / "plan.xlsx", plans)
    output = folder / "report.docx"
    result = CliRunner().invoke(
        main, ["report", str(path), "-o", str(output), "--as-of", "2026-11-23", "--allow-errors"]
    )
    assert_clean_exit(result)
    if result.exit_code == 0:
        docx.Document(str(output))  # opens: a real Word document
    else:
        assert result.exit_code == 2 and not output.exists()


# --- Rules files ---------------------------------------------------------------------------

_SHIPPED_RULES = (ROOT / "rules.yaml").read_text(encoding="utf-8")


@fuzz(25)
@given(text=mutated_rules_text(_SHIPPED_RULES))
def test_mutated_rules_files_load_or_are_refused_in_one_line(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    path = tmp_path_factory.mktemp("rules") / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_rules(path)
    except BadRulesFile as error:
        assert str(error).startswith(str(path)), error
        assert "\n" not in str(error) or "\\n" in repr(error)


@fuzz(3, shrink=False)
@given(text=mutated_rules_text(_SHIPPED_RULES))
def test_mutated_rules_files_through_validate(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    folder = tmp_path_factory.mktemp("rules-cli")
    path = folder / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    plan = write_plan(folder / "plan.xlsx", [action_row()])
    result = CliRunner().invoke(
        main, ["validate", str(plan), "--rules", str(path), "--as-of", "2026-11-23"]
    )
    assert_clean_exit(result)


# --- Templates -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def good_template() -> list[tuple[str, bytes]]:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Borsetshire County Council"
    document.add_paragraph("Sample text")
    buffer = io.BytesIO()
    document.save(buffer)
    return [(info.filename, content) for info, content in zip_members(buffer.getvalue())]


@fuzz(40)
@given(
    member=st.integers(0, 30),
    action=st.sampled_from(["damage", "damage", "delete", "cut", "flip"]),
    damage=st.sampled_from(TEMPLATE_DAMAGE),
    where=st.floats(0.0, 1.0),
)
def test_damaged_templates_open_or_are_refused_in_one_line(
    tmp_path_factory: pytest.TempPathFactory,
    good_template: list[tuple[str, bytes]],
    member: int,
    action: str,
    damage: tuple[bytes, bytes],
    where: float,
) -> None:
    members = list(good_template)
    index = member % len(members)
    name, content = members[index]
    if action == "damage":
        members = [(n, c.replace(damage[0], damage[1], 1)) for n, c in members]
    elif action == "delete":
        del members[index]
    elif action == "cut":
        members[index] = (name, content[: int(len(content) * where)])
    data = rezip(members)
    if action == "flip":
        flipped = bytearray(data)
        flipped[int(where * (len(flipped) - 1))] ^= 0x55
        data = bytes(flipped)
    path = tmp_path_factory.mktemp("template") / "council.docx"
    path.write_bytes(data)
    try:
        open_template(path)
    except BadTemplate as error:
        assert str(error).startswith(f"{path}: "), error


@fuzz(5, shrink=False)
@given(damage=st.sampled_from(TEMPLATE_DAMAGE))
def test_damaged_templates_through_report(
    tmp_path_factory: pytest.TempPathFactory,
    good_template: list[tuple[str, bytes]],
    damage: tuple[bytes, bytes],
) -> None:
    folder = tmp_path_factory.mktemp("template-report")
    template = folder / "council.docx"
    template.write_bytes(rezip([(n, c.replace(damage[0], damage[1], 1)) for n, c in good_template]))
    plan = write_plan(folder / "plan.xlsx", [action_row()])
    output = folder / "report.docx"
    result = CliRunner().invoke(
        main, ["report", str(plan), "-o", str(output), "--template", str(template),
               "--as-of", "2026-11-23"],
    )  # fmt: skip
    assert_clean_exit(result)
    if result.exit_code == 0:
        docx.Document(str(output))
    else:
        assert not output.exists()
