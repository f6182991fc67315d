"""The README is the user's manual: it must not drift from the commands."""

import re

from typer.main import get_command

from cli import app
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def cli_commands():
    return set(get_command(app).commands)  # type: ignore[attr-defined]


def test_readme_opens_with_the_two_commands():
    code = re.search(r"```(?:bash|sh)?\n(.*?)```", README, re.S)
    assert code, "README needs a code block first"
    lines = [ln.split("#")[0].strip() for ln in code.group(1).splitlines() if ln.split("#")[0].strip()]
    assert lines == ["make demo", "make test"]
    assert README.index(code.group(0)) < 600  # in the first lines
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def test_every_command_in_the_readme_exists():
    used = set(re.findall(r"(?:bin/|`)policykg ([a-z][a-z0-9-]*)", README))
    assert used, "README shows no commands"
    assert used <= cli_commands(), used - cli_commands()


def test_every_command_is_documented():
    for command in cli_commands():
        assert f"policykg {command}" in README, f"README does not show `policykg {command}`"


def test_makefile_targets_exist():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
