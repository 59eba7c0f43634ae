"""Earlier boards from git: a repository made here, with three commits of the plan."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from history_boards import AS_OF, EXPECTED_COUNTS, write_board, write_boards

from generator.board_report import make_report
from generator.errors import BoardpackError
from generator.schema.rules import Rules
from tests.report_reading import caption_of, open_report, rows_of, table_captioned

PROGRESS = "Actions by status at each board"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Programme Office",
    "GIT_AUTHOR_EMAIL": "pmo@example.org",
    "GIT_COMMITTER_NAME": "Programme Office",
    "GIT_COMMITTER_EMAIL": "pmo@example.org",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *arguments: str, date: str = "2026-10-26T12:00:00+00:00") -> str:
    done = subprocess.run(
        ["git", *arguments],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date},
    )
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Commits of the August, September and October boards; November in the working tree.

    The same three workbooks are kept in ``folder`` beside the repository, byte for byte.
    """
    repo = tmp_path / "repo"
    (repo / "plans").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    plan = repo / "plans" / "plan.xlsx"
    earlier = write_boards(tmp_path / "folder")
    for board, day in enumerate(("2026-08-17", "2026-09-21", "2026-10-19")):
        plan.write_bytes(earlier[board].read_bytes())
        git(repo, "add", "plans/plan.xlsx")
        git(repo, "commit", "-q", "-m", f"Board {board + 1}", date=f"{day}T18:00:00+01:00")
    write_board(plan, 3)  # this month's plan, not yet committed
    return repo


def report(repo: Path, rules: Rules, previous: object, name: str) -> tuple[bytes, list[str]]:
    output = repo.parent / name
    run = make_report(
        repo / "plans" / "plan.xlsx",
        output,
        rules=rules,
        as_of=AS_OF,
        previous=previous,  # type: ignore[arg-type]
    )
    assert run.written == output
    return output.read_bytes(), run.earlier_warnings


def counts(data: bytes) -> list[list[str]]:
    """The progress-over-time table's counts; none when the report has no such table."""
    document = open_report(data)
    if not any(caption_of(table) == PROGRESS for table in document.tables):
        return []
    return [row[1:] for row in rows_of(table_captioned(document, PROGRESS))[1:]]


EXPECTED = [list(map(str, row)) for row in EXPECTED_COUNTS]


def test_the_last_three_versions_give_the_same_report_as_the_same_files_in_a_folder(
    repo: Path, rules: Rules, tmp_path: Path
) -> None:
    status_before = git(repo, "status", "--porcelain")
    from_git, warnings = report(repo, rules, "git:3", "git.docx")
    assert warnings == []
    assert counts(from_git) == EXPECTED
    # Read from the repository, not a checkout: the working tree and index are untouched.
    assert git(repo, "status", "--porcelain") == status_before
    from_folder, _ = report(repo, rules, tmp_path / "folder", "folder.docx")
    assert from_git == from_folder


def test_a_revision_range_takes_the_versions_in_it(repo: Path, rules: Rules) -> None:
    data, warnings = report(repo, rules, "git:HEAD~1..", "range.docx")
    assert warnings == []
    # One earlier board: the changes since the last report, and no history.
    assert counts(data) == []
    changed = table_captioned(
        open_report(data), "Actions whose status has changed since the last report"
    )
    assert rows_of(changed)[1][0] == "QP-02"
    data, _ = report(repo, rules, "git:HEAD~2..HEAD", "range2.docx")
    assert counts(data) == EXPECTED[1:]
    data, _ = report(repo, rules, "git:main", "all.docx")
    assert counts(data) == EXPECTED


def test_a_committed_current_plan_is_not_its_own_earlier_board(repo: Path, rules: Rules) -> None:
    git(repo, "commit", "-q", "-am", "Board 4", date="2026-11-23T09:00:00+00:00")
    data, warnings = report(repo, rules, "git:3", "committed.docx")
    assert warnings == []
    assert counts(data) == EXPECTED


def test_versions_since_the_last_board_stand_for_this_board(repo: Path, rules: Rules) -> None:
    """Weekly commits while this month's report is prepared carry this board's Meeting date:
    they are this board, not earlier ones."""
    plan = repo / "plans" / "plan.xlsx"
    git(repo, "commit", "-q", "-am", "Board 4, first week", date="2026-11-09T09:00:00+00:00")
    write_board(plan, 3, recommendations=True)  # edited again since
    data, warnings = report(repo, rules, "git:HEAD~3..", "weekly.docx")
    assert warnings == []
    assert counts(data) == EXPECTED[1:]


def test_a_damaged_version_is_named_by_its_commit(repo: Path, rules: Rules) -> None:
    plan = repo / "plans" / "plan.xlsx"
    current = plan.read_bytes()
    plan.write_bytes(b"PK\x03\x04 this is not a whole workbook")
    git(repo, "commit", "-q", "-am", "Broken save", date="2026-10-20T09:00:00+01:00")
    commit = git(repo, "rev-parse", "--short=7", "HEAD").strip()
    plan.write_bytes(current)
    data, warnings = report(repo, rules, "git:4", "damaged.docx")
    assert len(warnings) == 1
    assert warnings[0].startswith(
        f"earlier workbook left out: plan.xlsx@{commit} (committed 20 October 2026): "
    )
    assert "boardpack-" not in warnings[0]  # no temporary path leaks out
    assert counts(data) == EXPECTED


def test_a_git_lfs_pointer_is_named_as_such(repo: Path, rules: Rules) -> None:
    plan = repo / "plans" / "plan.xlsx"
    current = plan.read_bytes()
    plan.write_text("version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n")
    git(repo, "commit", "-q", "-am", "Moved to LFS", date="2026-10-20T09:00:00+01:00")
    plan.write_bytes(current)
    _, warnings = report(repo, rules, "git:1", "lfs.docx")
    assert len(warnings) == 1 and "a Git LFS pointer" in warnings[0], warnings


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("git:", "git:: say which versions, e.g. git:HEAD~3.. (the commits since HEAD~3) or "
                 "git:5 (the last five versions)"),
        ("git:0", "git:0: ask for at least one version, e.g. git:3"),
        ("git:--output=x.txt", "git:--output=x.txt: not a revision range git can read; use a "
                                "form such as git:HEAD~3.. or git:v2026-06..main"),
        ("git:HEAD; rm -rf /", "git:HEAD; rm -rf /: not a revision range git can read; use a "
                               "form such as git:HEAD~3.. or git:v2026-06..main"),
        ("git:no-such-tag..", "git:no-such-tag..: the repository has no revision "
                              "'no-such-tag..'; name a branch, tag or commit it has, e.g. "
                              "git:HEAD~3.."),
    ],
)  # fmt: skip
def test_a_bad_git_source_stops_with_one_line(
    repo: Path, rules: Rules, source: str, message: str
) -> None:
    with pytest.raises(BoardpackError) as raised:
        report(repo, rules, source, "bad.docx")
    assert str(raised.value) == message


def test_outside_a_repository_the_command_says_so(tmp_path: Path, run_cli) -> None:
    plan = write_board(tmp_path / "plan.xlsx", 3)
    done = run_cli("report", str(plan), "-o", "out.docx", "--previous", "git:3")
    assert done.returncode == 2
    assert done.stderr == (
        f"boardpack: git:3: {tmp_path} is not in a git repository, so there are no earlier "
        "versions to read\n"
    )


def test_the_command_line_takes_several_git_sources_and_counts_each_version_once(
    repo: Path, run_cli
) -> None:
    done = run_cli(
        "report", "plans/plan.xlsx", "-o", "out.docx", "--as-of", "2026-11-23",
        "--previous", "git:HEAD~1..", "--previous", "git:2",
        cwd=repo,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert counts((repo / "out.docx").read_bytes()) == EXPECTED[1:]
