"""The command exists, answers --help and --version."""

from click.testing import CliRunner

from generator import __version__
from generator.cli import main


def test_version_is_printed() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output
