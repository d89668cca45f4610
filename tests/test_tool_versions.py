"""The ``program_version`` tool (jarvis_desktop/core/tools/versions.py): the version a program on
this computer prints, from its own version command (real programs, and small ones put first on
PATH where a test needs a program to misbehave); asked in so many words, it is answered without
the model."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from jarvis_desktop.core.assistant import EVAL_NOW
from jarvis_desktop.core.tools import Toolbox, default_tools
from jarvis_desktop.core.tools.base import Context, ToolFailed
from jarvis_desktop.core.tools.call import parse
from jarvis_desktop.core.tools.versions import PROGRAMS, program_named, version_asked
from tests.tool_checks import said_in_data

TOOL = {t.name: t for t in default_tools()}["program_version"]
CONTEXT = Context("sir", EVAL_NOW)


def run(program: str):
    return TOOL.run({"program": program}, CONTEXT)


@pytest.fixture
def path_first(tmp_path, monkeypatch):
    """A folder put first on PATH, and a way to write a program into it."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder) + os.pathsep + os.environ.get("PATH", ""))

    def program(name: str, body: str):
        path = folder / name
        path.write_text(f"#!{sys.executable}\nimport sys, time\n{body}\n")
        path.chmod(0o755)
        return path
    return program


def test_the_version_is_the_one_the_program_prints():
    printed = subprocess.run(["python3", "--version"], capture_output=True, text=True, check=True).stdout
    result = run("python")
    assert result.data["version"] in printed and result.data["command"] == "python3 --version"
    assert result.reply == f"You have Python {result.data['version']}, sir; python3 --version shows it in a terminal."


def test_a_version_written_to_stderr_or_after_words_is_read(path_first):
    path_first("java", 'print(\'openjdk version "17.0.9" 2023-10-17\', file=sys.stderr)')
    path_first("git", 'print("git version 9.8.7")')
    path_first("gcc", 'print("gcc (Debian 12.2.0-14) 12.2.0")')
    assert run("java").data["version"] == "17.0.9"
    assert run("Git").reply == "You have Git 9.8.7, sir; git --version shows it in a terminal."
    assert run("the c compiler").data["version"] == "12.2.0"


def test_the_version_argument_alone_is_passed(path_first, tmp_path):
    args = tmp_path / "args.txt"
    path_first("docker", f"open({str(args)!r}, 'w').write(repr(sys.argv[1:]))\nprint('Docker version 24.0.5, build ced0996')")
    assert run("docker").data["version"] == "24.0.5"
    assert args.read_text() == "['--version']"


def test_a_program_not_installed_one_that_hangs_or_prints_no_version_is_said(path_first, monkeypatch):
    monkeypatch.setenv("PATH", os.environ["PATH"].split(os.pathsep)[0])  # only the test's programs
    with pytest.raises(ToolFailed, match="Docker isn't installed on this computer, sir: there's no docker on the PATH."):
        run("docker")
    path_first("ruby", "time.sleep(30)")
    monkeypatch.setattr("jarvis_desktop.core.tools.versions.VERSION_TIMEOUT_S", 0.5)
    with pytest.raises(ToolFailed, match="ruby didn't say its version within 0.5 seconds, sir."):
        run("ruby")
    path_first("curl", 'print("no idea")')
    with pytest.raises(ToolFailed, match="curl --version didn't print a version I could read, sir."):
        run("curl")


def test_only_the_known_programs_are_asked():
    with pytest.raises(ToolFailed, match="I can only check the versions of a few programs, sir"):
        run("rm -rf /")
    with pytest.raises(ToolFailed, match='not "cobol"'):
        run("cobol")
    assert program_named("my Python").said == "Python" and program_named("node.js").said == "Node.js"
    assert all(c[0].isalnum() and not any(a.startswith(("-c", "-e")) and len(a) > 2 for a in c[1:])
               for p in PROGRAMS for c in p.commands)


@pytest.mark.parametrize("message, program", [
    ("how do I check my python version", "python"),
    ("whats my python version", "python"),
    ("What version of Git do I have?", "git"),
    ("which node version is installed", "node"),
    ("how can I see which version of java I have", "java"),
    ("um what version of firefox am I running", "firefox"),
    ("What Python version is on this laptop?", "python"),
    ("is the python on this computer version 3 or 2", "python"),  # development set: v2 asked os_info
    ("is my node 18 or later", "node"),
    ("hey jarvis, which java version is installed on here", "java"),
])
def test_a_question_of_a_programs_version_is_read_in_so_many_words(message, program):
    assert version_asked(message) == {"program": program}


@pytest.mark.parametrize("message", ["what version of the game is this", "how do I update python",
                                     "what version of python should I learn", "python or java for a beginner?",
                                     "what's the latest version of firefox", "is python 3 better than 2",
                                     "what python version should I learn"])
def test_other_questions_are_not_a_programs_version(message):
    assert version_asked(message) is None


def test_a_question_of_a_version_is_the_tool_beyond_doubt_and_nothing_else_in_the_data():
    toolbox = Toolbox(act=False, clock=lambda: EVAL_NOW)
    assert toolbox.beyond_doubt("how do I check my python version") == 'call:program_version{program:"python"}'
    read = [(m, r) for m, r in said_in_data() if version_asked(m.rsplit("\n", 1)[-1])]
    assert read and [(m, r) for m, r in read if not r.startswith("call:program_version")] == []


def test_examples_are_calls_of_known_programs():
    assert len(TOOL.examples) >= 10
    for request, call in TOOL.examples:
        parsed = parse(call)
        assert parsed.name == "program_version" and program_named(parsed.args["program"]), call
