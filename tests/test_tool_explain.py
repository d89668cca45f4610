"""explain_command (core/tools/explain.py) against real manual pages: a small manual written and
indexed with man-db's own mandb in a temporary folder (MANPATH points whatis at it), and, where
this machine has its manual installed, the system's own page for ls.  man-db (Debian's package
of that name) provides whatis and mandb; without it the tests that need it are skipped and the
tool is tested to say how to install it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from jarvis_desktop.core.tools.base import Context, ToolFailed, ToolResult
from jarvis_desktop.core.tools.call import check, parse
from jarvis_desktop.core.tools.explain import TOOLS, spoken_summary
from tests.tool_checks import assert_figures_stored

TOOL = TOOLS[0]
NEEDS_MAN_DB = pytest.mark.skipif(shutil.which("whatis") is None or shutil.which("mandb") is None,
                                  reason="man-db (whatis, mandb) is not installed: apt install man-db")

# name, section, NAME line: what each test page says of itself.
PAGES = [
    ("frob", "1", r"frob \- turns the widget"),
    ("frob", "8", r"frob \- administer the widget's colour"),
    ("widgetd", "8", r"widgetd \- Serve widgets over the network"),
    ("frobcount", "3", r"frobcount \- count, sort and summarise the frobs"),
    ("gadget", "1", r"gadget \- GNU gadget organiser"),
    ("shelf", "1", r"shelf \- an archive organiser with colour output"),
    ("oddpage", "1", r"odd page \- named otherwise"),  # names no page of its file: no summary
]


def explain(command: str, honorific: str = "sir") -> ToolResult:
    return TOOL.run({"command": command}, Context(honorific))


@pytest.fixture
def manual(tmp_path, monkeypatch):
    """A manual of PAGES in tmp_path, indexed by mandb; whatis reads it through MANPATH."""
    if shutil.which("whatis") is None or shutil.which("mandb") is None:
        pytest.skip("man-db (whatis, mandb) is not installed: apt install man-db")
    root = tmp_path / "man"
    for name, section, line in PAGES:
        folder = root / f"man{section}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.{section}").write_text(
            f'.TH {name.upper()} {section}\n.SH NAME\n{line}\n.SH DESCRIPTION\nA test page.\n')
    done = subprocess.run(["mandb", "-q", str(root)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert (root / "index.db").exists(), "mandb wrote no index.db"
    monkeypatch.setenv("MANPATH", str(root))
    monkeypatch.setenv("MANPAGER", "false")  # the tool unsets it: whatis must never page
    return root


# -- a manual of our own ----------------------------------------------------------------------

def test_answers_from_the_manual_preferring_section_1(manual):
    result = explain("frob")
    assert result.reply == "frob turns the widget, sir (manual section 1)."
    assert result.data == {"command": "frob", "section": "1", "description": "turns the widget",
                           "sections": ["1", "8"]}
    assert_figures_stored(result)


def test_section_8_verb_put_in_the_third_person(manual):
    result = explain("widgetd", "madam")
    assert result.reply == "widgetd serves widgets over the network, madam (manual section 8)."
    assert result.data["description"] == "Serve widgets over the network"


def test_other_sections_when_nothing_better_keeping_british_spelling(manual):
    result = explain("frobcount")
    assert result.reply == "frobcount counts, sorts and summarises the frobs, sir (manual section 3)."
    assert_figures_stored(result)


def test_article_and_noun_phrases(manual):
    assert explain("shelf").reply == "shelf is an archive organiser with colour output, sir (manual section 1)."
    assert explain("gadget").reply == 'The manual describes gadget as "GNU gadget organiser", sir (section 1).'


def test_a_page_with_no_summary_says_where_it_is(manual):
    result = explain("oddpage")
    assert result.data["description"] == "(unknown subject)"
    assert result.reply == ("There's a manual page for oddpage in section 1, sir, but it gives no summary; "
                            "man oddpage will show it.")
    assert_figures_stored(result)


def test_names_are_found_whatever_their_case(manual):
    assert explain("FROB").data["description"] == "turns the widget"


def test_no_page_for_the_name(manual):
    with pytest.raises(ToolFailed) as caught:
        explain("frobnicate")
    assert str(caught.value) == "I don't find a manual page for frobnicate on this computer, sir."


# -- names that are not names -----------------------------------------------------------------

@pytest.mark.parametrize("name", ["-h", "--version", "rm -rf /", "a;b", "$(reboot)", "../etc/passwd",
                                  "x" * 41, "", "   ", "ls\nrm", "chmod*"])
def test_anything_but_a_plain_name_is_refused_before_whatis_runs(name, monkeypatch):
    monkeypatch.setenv("PATH", "")  # whatis is out of reach: a refusal cannot have come from it
    with pytest.raises(ToolFailed) as caught:
        explain(name)
    message = str(caught.value)
    assert "isn't a command name I can look up, sir" in message
    assert "40 letters, digits, dots, dashes, underscores or pluses" in message


@pytest.mark.parametrize("name", ["g++", "mkfs.ext4", "x86_64-linux-gnu-gcc", "7z", "python3.11", "a" * 40])
def test_plain_names_pass_the_check(name, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no whatis: getting that far is passing
    with pytest.raises(ToolFailed, match="manual"):
        explain(name)


# -- no manual at all -------------------------------------------------------------------------

def test_without_whatis_it_says_how_to_get_the_manual(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(ToolFailed) as caught:
        explain("chmod")
    if sys.platform == "win32":
        assert "Windows keeps no manual pages" in str(caught.value)
    else:
        assert str(caught.value) == ("I'm afraid the manual isn't installed on this computer, sir; "
                                     "on Debian or Ubuntu, sudo apt install man-db manpages puts it in.")


# -- this machine's own manual ----------------------------------------------------------------

@NEEDS_MAN_DB
def test_the_systems_own_page_for_ls():
    shown = subprocess.run(["whatis", "-l", "ls"], capture_output=True, text=True, timeout=10,
                           env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"})
    lines = [line for line in shown.stdout.splitlines() if line.startswith("ls (1)")]
    if shown.returncode != 0 or not lines:
        pytest.skip(f"whatis ls finds no section 1 page here (exit {shown.returncode}): "
                    "the manual pages are not installed (apt install coreutils man-db, unminimize)")
    result = explain("ls")
    assert result.data["command"] == "ls" and result.data["section"] == "1"
    assert result.data["description"] == lines[0].split(" - ", 1)[1].strip()
    assert result.reply.startswith("ls ") and result.reply.endswith(", sir (manual section 1).")
    assert_figures_stored(result)


# -- how a summary is said --------------------------------------------------------------------

@pytest.mark.parametrize("name, line, said", [
    ("chmod", "change file mode bits", "chmod changes file mode bits"),
    ("printf", "format and print data", "printf formats and prints data"),
    ("cp", "copy files and directories", "cp copies files and directories"),
    ("find", "search for files in a directory hierarchy", "find searches for files in a directory hierarchy"),
    ("shutdown", "Halt, power off or reboot the machine", "shutdown halts, powers off or reboots the machine"),
    ("zramctl", "set up and control zram devices", "zramctl sets up and controls zram devices"),
    ("top", "display Linux processes", "top displays Linux processes"),
    ("whatis", "displays one-line manual page descriptions", "whatis displays one-line manual page descriptions"),
    ("git", "the stupid content tracker", "git is the stupid content tracker"),
    ("tar", "an archiving utility", "tar is an archiving utility"),
    ("ls", "List directory contents", "ls lists directory contents"),
])
def test_spoken_summary(name, line, said):
    assert spoken_summary(name, line, "1", "sir") == f"{said}, sir (manual section 1)."


def test_lines_that_open_with_no_known_verb_are_quoted_as_they_are():
    assert spoken_summary("ssh", "OpenSSH remote login client", "1", "sir") == \
        'The manual describes ssh as "OpenSSH remote login client", sir (section 1).'
    assert spoken_summary("python3", "Python interpreter.", "1", "madam") == \
        'The manual describes python3 as "Python interpreter", madam (section 1).'


# -- the examples -----------------------------------------------------------------------------

def test_examples_parse_and_check():
    assert len(TOOL.examples) >= 10
    assert len({request.lower() for request, _ in TOOL.examples}) == len(TOOL.examples)
    for request, text in TOOL.examples:
        call = parse(text)
        args = check(call, TOOL)
        assert re.fullmatch(r"[a-z0-9._+-]+", args["command"]), request
        assert args["command"].split(".")[0] in request.lower(), request
    assert TOOL.read_only
