"""What a command is for, from this machine's own manual pages.

``explain_command`` runs ``whatis -l <name>`` (man-db's one-line summary from the NAME section of
each manual page) and says it back: "chmod changes file mode bits, sir (manual section 1)."  The
answer is the installed manual's, so it fits the version on this computer and needs no internet.
whatis runs from an argument list (never a shell) with a short timeout, on a name checked first
to be a plain command name; it is not there on Windows or on minimal Linux installs, and the
reply then says how to get it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

from jarvis_desktop.core.tools.base import Context, Param, Tool, ToolFailed, ToolResult
from jarvis_desktop.core.tools.desktop_examples import EXAMPLES

__all__ = ["TOOLS", "WHATIS_TIMEOUT_S", "spoken_summary"]

WHATIS_TIMEOUT_S = 2.0
_NAME = re.compile(r"[A-Za-z0-9._+][A-Za-z0-9._+-]{0,39}")  # no leading "-": it would be an option
# "chmod (1)            - change file mode bits"; BSD's whatis writes "chmod(1) - ...".
_NO_SUMMARY = "(unknown subject)"
_LINE = re.compile(r"^(?P<name>\S+)\s*\((?P<section>[^()\s]+)\)\s+-+\s+(?P<desc>.+?)\s*$")

# Verbs that open manual pages' NAME lines ("list directory contents"), said in the third person
# after the command's name ("ls lists directory contents").  A line that opens with any other
# word is not conjugated (a guess would say "python3 pythons interpreter").
_VERBS = frozenset("""
    accept access add adjust administer allocate alter analyse analyze animate annotate append
    apply archive ask assemble assign attach authenticate bind block boot break browse build
    calculate call cancel capture change check choose clean clear clone close collect combine
    compare compile compose compress compute concatenate configure connect construct control
    convert copy count create cut debug decode decompress decrypt define delete describe
    detach detect determine diagnose disable discard dispatch display do download drop dump
    edit eject emulate enable encode encrypt enter erase evaluate examine exchange execute
    exit expand export extract fetch find fix flush fold follow force format generate
    get go grant halt handle hide identify import initialise initialize insert inspect install
    interpret invoke join keep kill launch link list load locate lock look maintain make
    manage manipulate mark measure merge migrate modify monitor mount move notify obtain open
    output pack parse partition patch pause perform play poll power prepare preprocess print
    probe produce provide prune query read reboot rebuild receive record recover reduce
    refresh register reload remove rename render reorder repair replace report request reset
    resize resolve restart restore resume retrieve return reverse revoke rewrite rotate run
    save scan schedule search select send serve set share show shrink shut sign simulate sort
    split start stop store strip submit summarise summarize suspend swap switch synchronise
    synchronize tell terminate trace track transfer transform translate trigger truncate tune
    turn undo uninstall unload unlock unmount unpack update upgrade upload use validate verify
    view wait watch wipe wrap write zip
""".split())
_IRREGULAR = {"do": "does", "go": "goes", "undo": "undoes"}
_ARTICLES = ("a", "an", "the")
_JOINERS = ("and", "or", "and/or", "&")
_PARTICLES = ("off", "on", "up", "down", "out")  # "power off", "set up"


def _third_person(verb: str) -> str:
    """"change" -> "changes", "copy" -> "copies", "search" -> "searches", "do" -> "does"."""
    if verb in _IRREGULAR:
        return _IRREGULAR[verb]
    if verb.endswith(("s", "x", "z", "ch", "sh")):
        return verb + "es"
    if verb.endswith("y") and verb[-2:-1] not in ("a", "e", "i", "o", "u"):
        return verb[:-1] + "ies"
    return verb + "s"


_CONJUGATED = frozenset(_third_person(v) for v in _VERBS)


def _lower_first(text: str) -> str:
    """"List directory contents" -> "list ..."; "GNU project ..." and "OpenSSH ..." stay as they are."""
    first = text.split(" ", 1)[0]
    return text[:1].lower() + text[1:] if first[1:] == first[1:].lower() else text


def _conjugate(words: list[str]) -> list[str] | None:
    """The verbs that open ``words`` in the third person ("format and print data" -> "formats
    and prints data"; "create, modify and extract" -> "creates, modifies and extracts"), or None
    where the first word is not a known verb."""
    if not words or words[0].rstrip(",;").lower() not in _VERBS | _CONJUGATED:
        return None
    out, expect_verb = list(words), True
    for i, word in enumerate(words):
        bare = word.rstrip(",;")
        low, tail = bare.lower(), word[len(bare):]
        if expect_verb and low in _VERBS:
            out[i] = _third_person(low) + tail
        elif expect_verb and low in _CONJUGATED:
            out[i] = low + tail
        elif not expect_verb and low in _JOINERS:
            expect_verb = True
            continue
        elif not expect_verb and low in _PARTICLES:
            pass  # stays as it is; a comma after it still leads to a verb
        else:
            break
        expect_verb = bool(tail)  # a comma after a verb leads to another
    return out


def spoken_summary(name: str, description: str, section: str, honorific: str) -> str:
    """The manual's one line as Jarvis says it.

    "change file mode bits" -> "chmod changes file mode bits, sir (manual section 1).";
    "an archiving utility" -> "tar is an archiving utility, ..."; a line that opens with neither
    a known verb nor an article is quoted as the manual has it.
    """
    desc = description.strip().rstrip(".")
    words = desc.split()
    where = f"{honorific} (manual section {section})"
    if words and words[0].lower() in _ARTICLES:
        return f"{name} is {_lower_first(desc)}, {where}."
    if conjugated := _conjugate(words):
        return f"{name} {' '.join(conjugated)}, {where}."
    return f'The manual describes {name} as "{desc}", {honorific} (section {section}).'


def _section_rank(section: str) -> tuple[int, str]:
    """Commands first (1, then 8 for administration), then 1p/8x variants, then the rest."""
    order = {"1": 0, "8": 1}
    if section in order:
        return order[section], section
    return (2 if section[:1] in ("1", "8") else 3), section


def _no_manual(h: str) -> ToolFailed:
    if sys.platform == "win32":
        return ToolFailed(f"I'm afraid there's no manual on this computer, {h}: Windows keeps no "
                          "manual pages; the command's own help, its name followed by /? or --help, "
                          "is the place to look.")
    return ToolFailed(f"I'm afraid the manual isn't installed on this computer, {h}; on Debian or "
                      "Ubuntu, sudo apt install man-db manpages puts it in.")


def _whatis(name: str, h: str) -> subprocess.CompletedProcess:
    """``whatis -l -- name`` in the C locale (English, as the pages' NAME lines are indexed)."""
    program = shutil.which("whatis")
    if program is None:
        raise _no_manual(h)
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    env.pop("MANPAGER", None)
    try:
        return subprocess.run([program, "-l", "--", name], capture_output=True, text=True,
                              errors="replace", env=env, stdin=subprocess.DEVNULL,
                              timeout=WHATIS_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise ToolFailed(f"The manual took too long to answer, {h}; its index may be being "
                         "rebuilt, so do ask again in a moment.") from None
    except OSError as exc:
        raise ToolFailed(f"I'm afraid I couldn't open the manual, {h}: {exc.strerror or exc}.") from None


def explain_command(args: dict, context: Context) -> ToolResult:
    """"chmod changes file mode bits, sir (manual section 1)."."""
    h = context.honorific
    name = args["command"].strip()
    if not _NAME.fullmatch(name):
        shown = " ".join(name.split())[:40]
        raise ToolFailed(f"I'm afraid \"{shown}\" isn't a command name I can look up, {h}; a name "
                         "is up to 40 letters, digits, dots, dashes, underscores or pluses.")
    done = _whatis(name, h)
    found = [m for line in done.stdout.splitlines()
             if (m := _LINE.match(line)) and m["name"].lower() == name.lower()]
    if not found:
        if done.returncode not in (0, 16):  # 16: "nothing appropriate"; anything else is trouble
            said = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1][:120]
            raise ToolFailed(f"I'm afraid I couldn't read the manual's index, {h} (whatis says: "
                             f"{said}); sudo mandb rebuilds it.")
        raise ToolFailed(f"I don't find a manual page for {name} on this computer, {h}.")
    # A page without a NAME line is indexed as "(unknown subject)": any page with one is better.
    best = min(found, key=lambda m: (m["desc"] == _NO_SUMMARY, _section_rank(m["section"])))
    data = {"command": best["name"], "section": best["section"], "description": best["desc"],
            "sections": sorted({m["section"] for m in found}, key=_section_rank)}
    if best["desc"] == _NO_SUMMARY:
        return ToolResult(f"There's a manual page for {best['name']} in section {best['section']}, "
                          f"{h}, but it gives no summary; man {best['name']} will show it.", data)
    return ToolResult(spoken_summary(best["name"], best["desc"], best["section"], h), data)


TOOLS: tuple[Tool, ...] = (
    Tool("explain_command", "What a command-line program does, from this computer's manual pages.",
         (Param("command", str, 'the command\'s name, e.g. "chmod", "tar"'),),
         explain_command, timeout_s=WHATIS_TIMEOUT_S + 1, examples=EXAMPLES["explain_command"]),
)
