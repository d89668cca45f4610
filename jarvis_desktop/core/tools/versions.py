"""The ``program_version`` tool: which version of a program this computer has ("how do I check my
python version": v4 answered "Run python3 -m os.").

Only the programs of ``PROGRAMS`` are asked, each with the one argument that prints its version
and does nothing else, from an argument list (never a shell), with stdin closed and a short time
limit: nothing else is run, whatever the name asked.  The reply says the version the program
printed and the command that shows it, so the user can check it themselves; a program not on the
PATH is said to be not installed (with the name looked for).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

from jarvis_desktop.core.tools.slots_words import OPENING, one_line
from jarvis_desktop.core.tools.base import Context, Param, Tool, ToolFailed, ToolResult

__all__ = ["TOOLS", "PROGRAMS", "VERSION_TIMEOUT_S", "program_named", "version_asked"]

VERSION_TIMEOUT_S = 3.0


@dataclass(frozen=True)
class Program:
    """A program whose version may be asked: how it is said, the commands to try in order (the
    first on the PATH is run), and the names people call it by."""

    said: str
    commands: tuple[tuple[str, ...], ...]
    names: tuple[str, ...]


PROGRAMS: tuple[Program, ...] = (
    Program("Python", (("python3", "--version"), ("python", "--version")), ("python", "python3", "python 3")),
    Program("pip", (("pip3", "--version"), ("pip", "--version")), ("pip", "pip3")),
    Program("Git", (("git", "--version"),), ("git",)),
    Program("Node.js", (("node", "--version"), ("nodejs", "--version")), ("node", "nodejs", "node.js", "node js")),
    Program("npm", (("npm", "--version"),), ("npm",)),
    Program("Java", (("java", "-version"),), ("java", "the jdk", "jdk", "the jre", "jre")),
    Program("GCC", (("gcc", "--version"),), ("gcc", "the c compiler", "gnu c compiler")),
    Program("Docker", (("docker", "--version"),), ("docker",)),
    Program("Go", (("go", "version"),), ("go", "golang")),
    Program("Rust", (("rustc", "--version"),), ("rust", "rustc")),
    Program("Ruby", (("ruby", "--version"),), ("ruby",)),
    Program("Bash", (("bash", "--version"),), ("bash",)),
    Program("Firefox", (("firefox", "--version"),), ("firefox",)),
    Program("LibreOffice", (("libreoffice", "--version"), ("soffice", "--version")), ("libreoffice", "libre office")),
    Program("VS Code", (("code", "--version"),), ("vs code", "vscode", "visual studio code")),
    Program("CMake", (("cmake", "--version"),), ("cmake",)),
    Program("curl", (("curl", "--version"),), ("curl",)),
    Program("ffmpeg", (("ffmpeg", "-version"),), ("ffmpeg",)),
)
_BY_NAME = {name: program for program in PROGRAMS for name in program.names}
_VERSION = re.compile(r"(?<![\d.])(\d+(?:\.\d+)+(?:[A-Za-z][A-Za-z0-9]*)?)")  # 115.5.0esr, not 12.2.0-14


def program_named(text: str) -> Program | None:
    """The program of PROGRAMS that ``text`` names ("python", "Node.js", "my python"), or None."""
    key = re.sub(r"\s+", " ", text.strip().lower()).removesuffix(" version").strip()
    return _BY_NAME.get(key) or _BY_NAME.get(re.sub(r"^(?:my|the|your) ", "", key))


def _version_of(output: str) -> str | None:
    """The first version number in a program's output ("Python 3.11.2" -> "3.11.2";
    'openjdk version "17.0.9" 2023-10-17' -> "17.0.9"; "v20.10.0" -> "20.10.0")."""
    for line in output.splitlines():
        m = _VERSION.search(line)
        if m:
            return m.group(1)
    return None


def _program_version(args: dict, context: Context) -> ToolResult:
    h = context.honorific
    asked = args["program"].strip()
    program = program_named(asked)
    if program is None:
        known = ", ".join(p.said for p in PROGRAMS[:8])
        raise ToolFailed(f"I can only check the versions of a few programs, {h}: {known} and the like; "
                         f"not \"{asked[:40]}\".")
    command = next((c for c in program.commands if shutil.which(c[0])), None)
    if command is None:
        raise ToolFailed(f"{program.said} isn't installed on this computer, {h}: there's no "
                         f"{program.commands[0][0]} on the PATH.")
    try:
        done = subprocess.run([shutil.which(command[0]) or command[0], *command[1:]], capture_output=True,
                              text=True, timeout=VERSION_TIMEOUT_S, stdin=subprocess.DEVNULL, errors="replace")
    except subprocess.TimeoutExpired as exc:
        raise ToolFailed(f"{command[0]} didn't say its version within {VERSION_TIMEOUT_S:g} seconds, {h}.") from exc
    except OSError as exc:
        raise ToolFailed(f"I couldn't run {command[0]} to ask its version, {h}: {exc.strerror or exc}.") from exc
    version = _version_of(done.stdout) or _version_of(done.stderr)  # java writes it to stderr
    shown = " ".join(command)
    if version is None:
        raise ToolFailed(f"{shown} didn't print a version I could read, {h}.")
    data = {"program": program.said, "version": version, "command": shown}
    return ToolResult(f"You have {program.said} {version}, {h}; {shown} shows it in a terminal.", data)


# -- a question of a program's version in so many words ------------------------------------------

_NAMES = "|".join(re.escape(n) for n in sorted(_BY_NAME, key=len, reverse=True))
_MACHINE = r"(?:here|this (?:computer|machine|pc|laptop|box)|my (?:computer|machine|pc|laptop))"
_HAVE = rf"(?:i have|do i have|have i got|i've got|is installed|installed|am i (?:on|running|using)|is on {_MACHINE}|is installed on {_MACHINE})"
_V = r"\d+(?:\.\d+)*"
_ASKED = re.compile(
    rf"^{OPENING}(?:"
    rf"how (?:do|can|would) (?:i|you) (?:check|see|find|find out|tell|get|know) (?:what |which )?(?:my |the )?"
    rf"(?:version of (?P<a>{_NAMES})|(?P<b>{_NAMES}) version)(?: (?:i have|i've got|is installed|installed))?"
    rf"|what(?:'?s| is) (?:my |the )?(?:(?P<c>{_NAMES}) version|version of (?P<d>{_NAMES}))(?: {_HAVE})?"
    rf"|which (?:version of (?P<e>{_NAMES})|(?P<f>{_NAMES}) version) {_HAVE}"
    rf"|what (?:version of (?P<g>{_NAMES})|(?P<h>{_NAMES}) version) {_HAVE}"
    # "is the python on this computer version 3 or 2", "is my node 18 or later"
    rf"|is (?:the |my )?(?P<i>{_NAMES})(?: on {_MACHINE})? (?:version |v)?{_V}"
    rf"(?: or (?:{_V}|older|newer|later|earlier|above|below|higher|lower|something else))?"
    rf")(?: (?:on {_MACHINE}|on linux|on ubuntu))?(?: please| jarvis)?$", re.IGNORECASE)


def version_asked(message: str) -> dict | None:
    """The call's arguments where ``message`` asks in so many words which version of a program
    of PROGRAMS this computer has ("how do I check my python version", "what version of git do I
    have"), else None."""
    m = _ASKED.match(one_line(message))
    if m is None:
        return None
    named = next(g for g in m.groups() if g is not None)
    return {"program": program_named(named).names[0]}


TOOLS: tuple[Tool, ...] = (
    Tool("program_version", "Which version of a program this computer has: Python, pip, Git, Node.js, "
         "npm, Java, GCC, Docker, Go, Rust, Ruby, Bash, Firefox, LibreOffice, VS Code, CMake, curl, ffmpeg.",
         (Param("program", str, 'the program, e.g. "python", "git"'),),
         _program_version, timeout_s=VERSION_TIMEOUT_S + 1.0, examples=(
             ("how do I check my python version", 'call:program_version{program:"python"}'),
             ("What version of Git do I have?", 'call:program_version{program:"git"}'),
             ("which node version is installed", 'call:program_version{program:"node"}'),
             ("Is my Python 3.12 or older?", 'call:program_version{program:"python"}'),
             ("jarvis what java have I got", 'call:program_version{program:"java"}'),
             ("Check which version of Docker is on here.", 'call:program_version{program:"docker"}'),
             ("um what's the firefox version", 'call:program_version{program:"firefox"}'),
             ("Do I have an up to date pip?", 'call:program_version{program:"pip"}'),
             ("which gcc am I running", 'call:program_version{program:"gcc"}'),
             ("What version of LibreOffice is this?", 'call:program_version{program:"libreoffice"}'),
             ("how new is my copy of vs code", 'call:program_version{program:"vs code"}'),
             ("the tutorial needs Node 18 or later, what have I got", 'call:program_version{program:"node"}'),
         )),
)
