"""The ``shortcut`` tool (jarvis_desktop/core/tools/shortcuts.py): the keys for an everyday thing,
read from GNOME's own settings with the real gsettings (a keyfile backend in a temporary folder
stands for the user's settings), or from each desktop's defaults; asked in so many words, it is
answered without the model."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from jarvis_desktop.core.assistant import EVAL_NOW
from jarvis_desktop.core.tools import Toolbox, default_tools
from jarvis_desktop.core.tools.base import Context
from jarvis_desktop.core.tools.call import parse
from jarvis_desktop.core.tools.shortcuts import ACTIONS, DESKTOPS, gnome_keys, key_names, shortcut_asked, this_desktop
from tests.tool_checks import said_in_data

TOOL = {t.name: t for t in default_tools()}["shortcut"]
CONTEXT = Context("sir", EVAL_NOW)


def run(**args):
    return TOOL.run(args, CONTEXT)


def _has_schema(schema: str) -> bool:
    if shutil.which("gsettings") is None:
        return False
    listed = subprocess.run(["gsettings", "list-schemas"], capture_output=True, text=True).stdout.split()
    return schema in listed


needs_gnome_schemas = pytest.mark.skipif(
    not (_has_schema("org.gnome.shell.keybindings") and _has_schema("org.gnome.settings-daemon.plugins.media-keys")),
    reason="GNOME's schemas are not installed (bash .ci/setup.sh installs them)")


@pytest.fixture
def gnome_settings(tmp_path, monkeypatch):
    """A GNOME session whose settings live in a keyfile of its own; returns a setter."""
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "ubuntu:GNOME")
    monkeypatch.setenv("GSETTINGS_BACKEND", "keyfile")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))

    def set_key(schema, key, value):
        subprocess.run(["gsettings", "set", schema, key, value], check=True, capture_output=True)
    return set_key


@pytest.mark.parametrize("message, args", [
    ("How do I take a screenshot?", {"action": "screenshot"}),
    ("how do i take a screenshot on linux", {"action": "screenshot", "desktop": "linux"}),
    ("um jarvis how do you screenshot on a mac", {"action": "screenshot", "desktop": "macos"}),
    ("What's the keyboard shortcut for copy?", {"action": "copy"}),
    ("keyboard shortcut for undo", {"action": "undo"}),
    ("how can I switch between windows", {"action": "switch_windows"}),
    ("How do I lock my screen in Windows?", {"action": "lock_screen", "desktop": "windows"}),
    ("what keys do I press to copy and paste", {"action": "copy_paste"}),
    ("keyboard shortcut to reopen a tab i just closed", {"action": "reopen_tab"}),
    ("quickest way to see all my open windows", {"action": "all_windows"}),
    ("How do I go full screen in Firefox?", {"action": "full_screen"}),
    ("how do I grab a screenshot of just one window", {"action": "screenshot"}),
    ("is there a quick way to copy text with the keyboard", {"action": "copy"}),
    ("is there a quick way to copy files to a usb stick", None),
    # a how-to about something else: the action must be all that is asked
    ("how do I copy files to a usb stick", None),
    ("how do I copy a file in linux", None),
    ("how do I save money", None),
    ("how do you undo a git commit", None),
    ("how do I lock the door", None),
    ("how do I log out of facebook", None),
    ("take a screenshot", None),  # a request, not a question: beyond him (tools/beyond.py)
])
def test_a_question_of_keys_is_read_with_the_desktop_it_names(message, args):
    assert shortcut_asked(message) == args


@pytest.mark.parametrize("environ, platform, desktop", [
    ({"XDG_CURRENT_DESKTOP": "ubuntu:GNOME"}, "linux", "gnome"),
    ({"XDG_CURRENT_DESKTOP": "KDE"}, "linux", "kde"),
    ({"XDG_CURRENT_DESKTOP": "XFCE"}, "linux", "xfce"),
    ({"XDG_CURRENT_DESKTOP": "X-Cinnamon"}, "linux", "cinnamon"),
    ({"DESKTOP_SESSION": "mate"}, "linux", "mate"),
    ({"XDG_CURRENT_DESKTOP": "Budgie:GNOME"}, "linux", "gnome"),
    ({}, "linux", "linux"),  # no desktop session: "most Linux desktops"
    ({"XDG_CURRENT_DESKTOP": "sway"}, "linux", "linux"),
    ({}, "darwin", "macos"),
    ({}, "win32", "windows"),
])
def test_this_desktop_is_the_sessions(environ, platform, desktop):
    assert this_desktop(environ, platform) == desktop


@pytest.mark.parametrize("accelerator, said", [
    ("<Super>l", "Super+L"), ("<Shift>Print", "Shift+Print Screen"), ("<Control><Alt>Delete", "Ctrl+Alt+Delete"),
    ("<Super>Page_Down", "Super+Page Down"), ("<Alt>Above_Tab", "Alt+`"), ("<Primary><Alt>t", "Ctrl+Alt+T"),
])
def test_gtk_accelerators_are_said_as_people_write_keys(accelerator, said):
    assert key_names(accelerator) == said


@needs_gnome_schemas
def test_on_gnome_the_keys_are_the_users_own_settings(gnome_settings):
    # GNOME's defaults where the user changed nothing
    reply = run(action="screenshot").reply
    assert reply == ("Print Screen opens the screenshot tool, sir; Shift+Print Screen takes the whole screen; "
                     "Alt+Print Screen the window.")
    assert run(action="lock_screen").data == {"action": "lock_screen", "desktop": "gnome", "from_settings": True,
                                              "keys": ["Super+L"]}
    # a key the user changed is the one said
    gnome_settings("org.gnome.settings-daemon.plugins.media-keys", "screensaver", "['<Control><Alt>l']")
    assert run(action="lock_screen").reply == "Ctrl+Alt+L locks the screen, sir, or just ask me to lock it."
    # one GNOME leaves unset is said to be unset, with where to set it
    out = run(action="show_desktop")
    assert out.data["keys"] == [] and out.reply.startswith("GNOME has no key to show the desktop unless you set one, sir")
    gnome_settings("org.gnome.desktop.wm.keybindings", "show-desktop", "['<Super>d']")
    assert run(action="show_desktop").reply == "Super+D shows the desktop, sir."


def test_gnome_keys_say_none_where_gsettings_cannot_read_them(monkeypatch):
    if shutil.which("gsettings") is not None:
        assert gnome_keys("org.example.no.such.schema", "key") is None
    monkeypatch.setenv("PATH", "/nonexistent")
    assert gnome_keys("org.gnome.desktop.wm.keybindings", "close") is None


def test_without_gnomes_settings_its_defaults_are_said(monkeypatch):
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "GNOME")
    monkeypatch.setenv("PATH", "/nonexistent")  # no gsettings
    assert run(action="lock_screen").data["keys"] == ["Super+L"]
    assert run(action="switch_windows").data["keys"] == ["Alt+Tab", "Alt+`"]


@pytest.mark.parametrize("desktop", [d for d in DESKTOPS if d != "gnome"])
def test_every_desktop_answers_or_says_where_its_shortcuts_are(desktop, monkeypatch):
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "")
    for action in ACTIONS:
        out = run(action=action.name, desktop=desktop)
        assert out.data["action"] == action.name and out.data["desktop"] == desktop
        if out.ok:
            assert out.data["keys"] and ", sir" in out.reply
            assert all(keys in out.reply for keys in out.data["keys"])
        else:  # never a guess
            assert out.data["keys"] == [] and "for certain" in out.reply and "every shortcut" in out.reply


def test_the_keys_of_applications_are_commands_on_a_mac():
    assert run(action="copy", desktop="windows").reply == "Ctrl+C copies, sir."
    assert run(action="copy", desktop="macos").reply == "On a Mac, Command+C copies, sir."
    assert run(action="reopen_tab", desktop="macos").data["keys"] == ["Shift+Command+T"]
    assert run(action="screenshot", desktop="macos").data["keys"] == ["Shift+Command+3", "Shift+Command+4",
                                                                      "Shift+Command+5"]
    # what Jarvis can do himself is offered for this computer only
    assert run(action="lock_screen", desktop="macos").reply == "On a Mac, Control+Command+Q locks the screen, sir."


def test_a_question_of_keys_is_the_shortcut_tool_beyond_doubt_and_nothing_else_in_the_data():
    toolbox = Toolbox(act=False, clock=lambda: EVAL_NOW)
    assert toolbox.beyond_doubt("How do I take a screenshot on a Mac?") == \
        'call:shortcut{action:"screenshot",desktop:"macos"}'
    read = [(m, r) for m, r in said_in_data() if shortcut_asked(m.rsplit("\n", 1)[-1])]
    assert len(read) >= 10
    assert [(m, r) for m, r in read if not r.startswith("call:shortcut")] == []


def test_examples_are_calls_the_tool_answers():
    assert len(TOOL.examples) >= 10
    for request, call in TOOL.examples:
        parsed = parse(call)
        assert parsed.name == "shortcut", call
        assert TOOL.run(dict(parsed.args), CONTEXT).data["action"] == parsed.args["action"]


def test_through_the_assistant_a_question_of_keys_is_answered_by_the_tool(tiny_engine, monkeypatch):
    """The app's path with the tiny (untrained) model: the keys come from the tool, whatever the
    model would write."""
    from jarvis_desktop.core.assistant import Assistant, Persona

    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "KDE")
    assistant = Assistant(tiny_engine, None, Persona("madam"), clock=lambda: EVAL_NOW, tools=Toolbox(act=False))
    answer = assistant.ask("How do I lock the screen?").result()
    assert answer.source == "tool" and answer.tool.name == "shortcut"
    assert answer.text == "Meta+L locks the screen, madam, or just ask me to lock it."
