"""A hostile rules file, or a hostile cell under an honest one, can neither hang nor exhaust.

Every regex runs in RE2 (linear in the cell text); rules files are capped in size, aliases,
nesting and expanded size; and a user's mistake in one (a bad regex, a colour with a newline)
gets the usual one-line message naming the file and line, never "This is a bug".
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, action_row, write_plan

from generator.cli import main
from generator.errors import BadRulesFile
from generator.schema.linear_regex import LinearValidator, full_match
from generator.schema.rules import MAX_RULES_BYTES, load_rules

DEFAULT = (ROOT / "rules.yaml").read_text(encoding="utf-8")
REF_CHECKS = "      Ref:\n        type: text\n        required: true\n"


def rules_with_ref_regex(tmp_path: Path, pattern: str) -> Path:
    """The shipped rules with a team's own regex on the Ref column."""
    checks = "        checks:\n"
    assert DEFAULT.count(checks) >= 1
    text = DEFAULT.replace(
        checks,
        checks + "          - id: ref-shape\n            severity: error\n"
        '            message: "{value} is not a reference"\n'
        f"            schema: {{regex: '{pattern}'}}\n",
        1,
    )
    path = tmp_path / "team-rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def one_line_failure(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 2, result.output
    assert "This is a bug" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    return line


# --- Regexes on cell text: linear -------------------------------------------------------


def test_the_shipped_email_check_is_linear_on_a_cell_of_dots(run_cli, tmp_path: Path) -> None:
    # 32,000 dots between two @ signs took Python's re about 10 s a cell.
    plan = write_plan(tmp_path / "plan.xlsx", [action_row()])
    import openpyxl

    book = openpyxl.load_workbook(plan)
    sheet = book.create_sheet("Distribution")
    sheet.append(["Name", "Email"])
    for n in range(3):
        sheet.append([f"Member {n}", "a@" + "." * 32_000 + "@N"])
    book.save(plan)
    result = run_cli("validate", str(plan), "--as-of", "2026-11-23", timeout=60)
    assert result.returncode == 1, result.stderr
    assert result.stdout.count("is not an email address") == 3


def test_a_teams_backtracking_regex_cannot_hang_validate(run_cli, tmp_path: Path) -> None:
    # (a+)+$ on 31 letters and a "!" took Python's re about 60 s.
    rules = rules_with_ref_regex(tmp_path, "(a+)+$")
    plan = write_plan(tmp_path / "plan.xlsx", [action_row(Ref="a" * 31 + "!")])
    result = run_cli(
        "validate", str(plan), "--rules", str(rules), "--as-of", "2026-11-23", timeout=60
    )
    assert result.returncode == 1, result.stderr
    assert "is not a reference" in result.stdout


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("(unclosed", "missing )"),
        ("(a)\\1", "no backreferences"),
        ("(?=a)b", "no backreferences or lookaround"),
    ],
)
def test_a_regex_boardpack_cannot_run_is_refused_with_its_line(
    tmp_path: Path, pattern: str, why: str
) -> None:
    rules = rules_with_ref_regex(tmp_path, pattern)
    line = one_line_failure("validate", str(ROOT / "workbooks/example-plan.xlsx"),
                            "--rules", str(rules))  # fmt: skip
    assert line.startswith(f"boardpack: {rules}, line ")
    assert "schema.regex: the regex" in line and why in line


def test_a_regex_matches_the_whole_value_and_not_before_a_final_newline() -> None:
    assert full_match("[A-Z]{2}-[0-9]{2}", "QP-01")
    assert not full_match("[A-Z]{2}-[0-9]{2}", "QP-01\n")
    assert not full_match("[A-Z]{2}-[0-9]{2}", "xQP-01")
    validator = LinearValidator({"ref": {"regex": "QP|LM"}})
    assert validator.validate({"ref": "LM"})
    assert not validator.validate({"ref": "QPx"})  # Cerberus's own "QP|LM$" lets this through


# --- Mistakes a user makes: one line, with the line number ---------------------------------


def test_a_status_colour_with_a_newline_is_refused_by_line(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(DEFAULT.replace('colour: "0070C0"', 'colour: "0070C0\\n"', 1), "utf-8")
    line = DEFAULT.splitlines().index('    colour: "0070C0"') + 1
    with pytest.raises(BadRulesFile, match=rf"line {line}, key status\.0\.colour"):
        load_rules(path)


def test_a_rule_id_with_a_newline_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(DEFAULT.replace("- id: ref-required", '- id: "ref-required\\n"', 1), "utf-8")
    with pytest.raises(BadRulesFile, match="id"):
        load_rules(path)


# --- Caps: size, aliases, nesting, expansion --------------------------------------------------


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    # Nine levels of ten aliases: a billion values from a file of under 1 KB.
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 10)]
    path = tmp_path / "bomb.yaml"
    path.write_text("version: 1\n" + "\n".join(lines) + "\n", "utf-8")
    line = one_line_failure("validate", str(ROOT / "workbooks/example-plan.xlsx"),
                            "--rules", str(path))  # fmt: skip
    assert "more than 100 YAML aliases" in line or "expands to more than" in line


def test_few_aliases_that_expand_hugely_are_refused(tmp_path: Path) -> None:
    # Under the alias cap, yet ten to the sixth values once expanded.
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 6)]
    path = tmp_path / "wide.yaml"
    path.write_text(DEFAULT + "\n".join(lines) + "\n", "utf-8")
    with pytest.raises(BadRulesFile, match="expands to more than 100,000 values"):
        load_rules(path)


def test_ordinary_anchors_and_aliases_still_work(tmp_path: Path) -> None:
    ref_aliases = (
        '        aliases: ["No.", "No", "ID", "Action ref", "Action no", "Reference", "Ref no"]'
    )
    assert ref_aliases in DEFAULT
    text = DEFAULT.replace(ref_aliases, ref_aliases.replace("aliases: [", "aliases: &refs ["), 1)
    section_aliases = next(
        line for line in text.splitlines() if line.startswith("        aliases: [Theme,")
    )
    text = text.replace(section_aliases, "        aliases: *refs", 1)
    path = tmp_path / "anchors.yaml"
    path.write_text(text, "utf-8")
    rules = load_rules(path)
    assert rules.actions.columns["Section"].aliases == rules.actions.columns["Ref"].aliases
    assert "Reference" in rules.actions.columns["Section"].aliases


def test_yaml_nested_thousands_deep_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("version: 1\nx: " + "[" * 5000 + "]" * 5000 + "\n", "utf-8")
    line = one_line_failure("validate", str(ROOT / "workbooks/example-plan.xlsx"),
                            "--rules", str(path))  # fmt: skip
    assert line == f"boardpack: {path}, line 2: nested more than 64 levels deep, which no " \
        "rules file needs; check the brackets and indentation"  # fmt: skip


def test_a_rules_file_over_the_size_cap_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text(DEFAULT + "#" * MAX_RULES_BYTES, "utf-8")
    line = one_line_failure("validate", str(ROOT / "workbooks/example-plan.xlsx"),
                            "--rules", str(path))  # fmt: skip
    assert line == f"boardpack: {path}: is larger than 1 MB, far more than any rules file " \
        "needs (the shipped one is about 10 KB); check it is the right file"  # fmt: skip


def test_an_anchor_defined_twice_is_one_line_not_a_warning_on_stderr(tmp_path: Path) -> None:
    # Found by fuzzing: ruamel.yaml warned over eight lines of stderr.
    path = tmp_path / "twice.yaml"
    path.write_text("x: &a [1]\ny: &a [2]\n" + DEFAULT, "utf-8")
    line = one_line_failure("validate", str(ROOT / "workbooks/example-plan.xlsx"),
                            "--rules", str(path))  # fmt: skip
    assert "found duplicate anchor 'a'" in line and "its own name" in line
