"""The ``shortcut`` tool: the keys for an everyday thing on this computer's desktop.

"How do I take a screenshot?", "what's the shortcut for undo", "how do I switch between windows":
a 270M model answered such questions with confident nonsense ("Use the Command Line Tools, or
Ctrl + X for Mac and Windows"), or said it was not sure.  The answer depends on the desktop, so
code gives it:

- on GNOME (and desktops built on it: Ubuntu's, Budgie, Pop) the keys are read from the user's
  own settings with ``gsettings`` (``org.gnome.shell.keybindings``,
  ``org.gnome.desktop.wm.keybindings``, ``org.gnome.settings-daemon.plugins.media-keys``), so a
  key the user changed is the one Jarvis says, and one GNOME leaves unset is said to be unset;
- elsewhere (KDE Plasma, Xfce, Cinnamon, MATE, Windows, macOS) from a table of each desktop's
  defaults; a desktop the table does not know for an action is said so, with where its settings
  list every shortcut, never a guess;
- the keys of applications (copy, paste, undo, a new tab) are the same on every desktop but
  macOS, where Command takes Control's place.

Which desktop: the one a question names ("on a mac", "in windows"), else this one
(``XDG_CURRENT_DESKTOP``, the platform).  On a Linux machine with no desktop named (a server, a
container) the answer is said for "most Linux desktops".
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field

from jarvis_desktop.core.tools.base import Context, Param, Tool, ToolFailed, ToolResult

__all__ = ["TOOLS", "ACTIONS", "DESKTOPS", "desktop_named", "shortcut_asked", "this_desktop", "key_names", "gnome_keys"]

GSETTINGS_TIMEOUT_S = 2.0

# Desktops as the tool names them, with what users call them.
DESKTOPS = {
    "gnome": r"gnome|ubuntu|pop(?:!_| )?os|fedora",
    "kde": r"kde(?: plasma)?|plasma|kubuntu",
    "xfce": r"xfce|xubuntu",
    "cinnamon": r"cinnamon|(?:linux )?mint",
    "mate": r"mate",
    "windows": r"windows(?: 1[01])?|(?:a |my )?pc",
    "macos": r"(?:a |my |the )?mac(?:book(?: pro| air)?)?|macos|os x|osx|apple",
    "linux": r"linux",
}
_NAMED_DESKTOP = [(name, re.compile(r"\b(?:on|in|with|for|using|under) (?:" + words + r")\b", re.I))
                  for name, words in DESKTOPS.items()]
_SAID = {"gnome": "GNOME", "kde": "KDE Plasma", "xfce": "Xfce", "cinnamon": "Cinnamon", "mate": "MATE",
         "windows": "Windows", "macos": "a Mac", "linux": "most Linux desktops"}
_SETTINGS = {"gnome": "Settings, under Keyboard, then View and Customise Shortcuts",
             "kde": "System Settings, under Shortcuts", "xfce": "Settings, under Keyboard, then Application Shortcuts",
             "cinnamon": "System Settings, under Keyboard, then Shortcuts",
             "mate": "the Control Centre, under Keyboard Shortcuts", "windows": "Settings, under Accessibility, then Keyboard",
             "macos": "System Settings, under Keyboard, then Keyboard Shortcuts",
             "linux": "your desktop's keyboard settings"}


@dataclass(frozen=True)
class Action:
    """One everyday thing done by keys.  ``keys``: desktop -> [(keys, what they do)], where
    "linux" is what most Linux desktops share and "apps" what every desktop's applications
    share (Command for Control on a Mac); ``gnome``: [(schema, key, what it does)] read from
    the user's settings; ``offer``: what Jarvis can do himself instead ("lock_screen")."""

    name: str
    what: str  # "to take a screenshot"
    words: str  # how users name it, as a regular expression
    keys: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    gnome: tuple[tuple[str, str, str], ...] = ()
    apps: list[tuple[str, str]] = field(default_factory=list)
    mac_apps: list[tuple[str, str]] = field(default_factory=list)
    offer: str = ""


_SHELL, _WM, _MEDIA = "org.gnome.shell.keybindings", "org.gnome.desktop.wm.keybindings", \
    "org.gnome.settings-daemon.plugins.media-keys"


def _app(keys: str, does: str, mac: str = "") -> dict:
    """An application's shortcut: ``keys`` with Ctrl, and on a Mac ``mac`` (Command for Ctrl)."""
    return {"apps": [(keys, does)], "mac_apps": [(mac or keys.replace("Ctrl+", "Command+"), does)]}


ACTIONS: tuple[Action, ...] = (
    Action("screenshot", "to take a screenshot",
           r"(?:take|grab|get|make|do|capture) (?:a |an )?(?:screen ?shot|screen grab|print ?screen|snip)s?"
           r"(?: of (?:the|my|just (?:the|one|a)|one|a|this) (?:whole |entire |current |active |open )?"
           r"(?:screen|desktop|window|area|part of the screen))?|screen ?shot(?:ting)?|"
           r"(?:capture|snip) (?:the|my) screen|print ?screen",
           keys={"kde": [("Print Screen", "opens Spectacle"), ("Meta+Shift+Print Screen", "takes a rectangle"),
                         ("Meta+Print Screen", "the window")],
                 "xfce": [("Print Screen", "takes the whole screen"), ("Alt+Print Screen", "the window")],
                 "cinnamon": [("Print Screen", "takes the whole screen"), ("Shift+Print Screen", "an area"),
                              ("Alt+Print Screen", "the window")],
                 "mate": [("Print Screen", "takes the whole screen"), ("Alt+Print Screen", "the window")],
                 "windows": [("Windows+Shift+S", "lets you snip any part of the screen"),
                             ("Windows+Print Screen", "saves the whole screen to Pictures")],
                 "macos": [("Shift+Command+3", "takes the whole screen"), ("Shift+Command+4", "a part you drag out"),
                           ("Shift+Command+5", "opens the screenshot toolbar")],
                 "linux": [("Print Screen", "takes a screenshot")]},
           gnome=((_SHELL, "show-screenshot-ui", "opens the screenshot tool"),
                  (_SHELL, "screenshot", "takes the whole screen"), (_SHELL, "screenshot-window", "the window"))),
    Action("lock_screen", "to lock the screen",
           r"lock (?:the |my )?(?:screen|computer|pc|laptop|desktop|session|machine)",
           keys={"kde": [("Meta+L", "locks the screen")], "xfce": [("Ctrl+Alt+L", "locks the screen")],
                 "cinnamon": [("Super+L", "locks the screen")], "mate": [("Ctrl+Alt+L", "locks the screen")],
                 "windows": [("Windows+L", "locks the screen")], "macos": [("Control+Command+Q", "locks the screen")],
                 "linux": [("Super+L", "locks the screen")]},
           gnome=((_MEDIA, "screensaver", "locks the screen"),), offer="or just ask me to lock it"),
    Action("switch_windows", "to switch between windows",
           r"(?:switch|swap|flick|move|go|change|jump|cycle|alt[ -]?tab) (?:between|through|across|to (?:another|the other"
           r"|the next|a different)) ?(?:open )?(?:windows?|apps?|applications?|programs?)|switch (?:windows|apps|"
           r"applications|programs)",
           keys={**{d: [("Alt+Tab", "switches between windows")] for d in ("kde", "xfce", "cinnamon", "mate", "linux")},
                 "windows": [("Alt+Tab", "switches between windows"), ("Windows+Tab", "shows them all")],
                 "macos": [("Command+Tab", "switches between apps"), ("Command+`", "between one app's windows")]},
           gnome=((_WM, "switch-applications", "switches between applications"),
                  (_WM, "switch-group", "between one application's windows"))),
    Action("close_window", "to close a window",
           r"close (?:a |the |this |my )?(?:window|app|application|program)",
           keys={**{d: [("Alt+F4", "closes the window")] for d in ("kde", "xfce", "cinnamon", "mate", "windows", "linux")},
                 "macos": [("Command+W", "closes the window"), ("Command+Q", "quits the app")]},
           gnome=((_WM, "close", "closes the window"),)),
    Action("minimise", "to minimise a window",
           r"minimi[sz]e (?:a |the |this |my )?(?:window|app|application|program)|hide (?:a |the |this )?window",
           keys={"windows": [("Windows+Down", "minimises the window")], "macos": [("Command+M", "minimises the window")]},
           gnome=((_WM, "minimize", "minimises the window"),)),
    Action("maximise", "to maximise a window",
           r"maximi[sz]e (?:a |the |this |my )?(?:window|app|application|program)",
           keys={"windows": [("Windows+Up", "maximises the window")], "kde": [("Meta+Page Up", "maximises the window")]},
           gnome=((_WM, "maximize", "maximises the window"),)),
    Action("show_desktop", "to show the desktop",
           r"(?:show|see|get to|go to) (?:the |my )?desktop|hide (?:all )?(?:the |my )?windows",
           keys={"windows": [("Windows+D", "shows the desktop")], "kde": [("Meta+D", "shows the desktop")],
                 "xfce": [("Ctrl+Alt+D", "shows the desktop")], "cinnamon": [("Super+D", "shows the desktop")]},
           gnome=((_WM, "show-desktop", "shows the desktop"),)),
    Action("all_windows", "to see all your windows",
           r"(?:see|show|view) (?:all )?(?:the |my )?(?:open )?windows(?: at once)?|(?:open |see )?(?:the )?"
           r"(?:activities|overview|task view|mission control)",
           keys={"windows": [("Windows+Tab", "shows all your windows")], "kde": [("Meta+W", "opens the overview")],
                 "macos": [("Control+Up Arrow", "opens Mission Control")]},
           gnome=((_SHELL, "toggle-overview", "opens the overview"),)),
    Action("switch_workspace", "to switch desktops",
           r"(?:switch|move|go|change|jump) (?:to )?(?:another|the next|a different|between|the other) "
           r"(?:virtual )?(?:desktops?|workspaces?)|switch (?:virtual )?(?:desktops|workspaces)",
           keys={"windows": [("Ctrl+Windows+Right", "goes to the next desktop"), ("Ctrl+Windows+Left", "the one before")],
                 "macos": [("Control+Right Arrow", "goes to the next space"), ("Control+Left Arrow", "the one before")],
                 "kde": [("Ctrl+F1", "goes to the first desktop"), ("Ctrl+F2", "the second")]},
           gnome=((_WM, "switch-to-workspace-right", "goes to the next workspace"),
                  (_WM, "switch-to-workspace-left", "the one before"))),
    Action("run_command", "to run a program by name",
           r"(?:open )?(?:the )?run (?:dialog|box|command)|run a (?:program|command) by (?:its )?name",
           keys={**{d: [("Alt+F2", "opens a box to run a program by name")] for d in ("kde", "xfce", "cinnamon", "mate",
                                                                                         "linux")},
                 "windows": [("Windows+R", "opens the Run box")], "macos": [("Command+Space", "opens Spotlight")]},
           gnome=((_WM, "panel-run-dialog", "opens a box to run a program by name"),)),
    Action("task_manager", "to open the task manager",
           r"(?:open |bring up |get )?(?:the )?(?:task manager|system monitor|activity monitor)|force quit(?: an app)?",
           keys={"windows": [("Ctrl+Shift+Esc", "opens the Task Manager")], "kde": [("Ctrl+Esc", "opens the system monitor")],
                 "macos": [("Option+Command+Esc", "opens Force Quit")]}),
    Action("log_out", "to log out", r"log (?:out|off)|sign (?:out|off)",
           keys={"windows": [("Ctrl+Alt+Delete", "offers to sign out")], "kde": [("Ctrl+Alt+Delete", "offers to log out")],
                 "macos": [("Shift+Command+Q", "logs you out")]},
           gnome=((_MEDIA, "logout", "offers to log out"),)),
    Action("emoji", "to type an emoji", r"(?:type|insert|add|get|use|put in) (?:an )?emojis?|(?:open )?(?:the )?emoji "
           r"(?:picker|keyboard|panel|menu)",
           keys={"windows": [("Windows+.", "opens the emoji panel")], "macos": [("Control+Command+Space", "opens the emoji viewer")],
                 "gnome": [("Ctrl+.", "opens the emoji picker in a text box of GNOME's own apps")]}),
    Action("copy", "to copy", r"copy(?: (?:text|something|this|that|it|a word|words|a bit of text))?",
           **_app("Ctrl+C", "copies")),
    Action("cut", "to cut", r"cut(?: (?:text|something|this|that|it))?", **_app("Ctrl+X", "cuts")),
    Action("paste", "to paste", r"paste(?: (?:text|something|this|that|it))?", **_app("Ctrl+V", "pastes")),
    Action("copy_paste", "to copy and paste", r"copy (?:and|&|n) paste(?: (?:text|something|this|that|it))?",
           apps=[("Ctrl+C", "copies"), ("Ctrl+V", "pastes")], mac_apps=[("Command+C", "copies"), ("Command+V", "pastes")]),
    Action("paste_plain", "to paste without the formatting",
           r"paste (?:as |in )?(?:plain text|without (?:the )?formatting|unformatted)",
           apps=[("Ctrl+Shift+V", "pastes without the formatting in most apps")],
           mac_apps=[("Option+Shift+Command+V", "pastes without the formatting in most apps")]),
    Action("undo", "to undo", r"undo(?: (?:something|that|it|a mistake|the last thing|what i (?:just )?did))?",
           **_app("Ctrl+Z", "undoes")),
    Action("redo", "to redo", r"redo(?: (?:something|that|it))?",
           apps=[("Ctrl+Shift+Z", "redoes"), ("Ctrl+Y", "in many Windows apps")], mac_apps=[("Shift+Command+Z", "redoes")]),
    Action("select_all", "to select everything", r"select (?:all|everything)(?: (?:the )?text)?|highlight everything",
           **_app("Ctrl+A", "selects everything")),
    Action("find", "to find a word on the page",
           r"(?:find|search for|look for) (?:a |some )?(?:word|text|something) (?:on|in) (?:the |a |this )?(?:page|document|"
           r"web ?page)|search (?:the |a |this )?(?:page|document)", **_app("Ctrl+F", "finds a word on the page")),
    Action("save", "to save", r"save(?: (?:a |the |my |this )?(?:file|document|work|page))?", **_app("Ctrl+S", "saves")),
    Action("print", "to print", r"print(?: (?:a |the |this )?(?:page|document|file))?", **_app("Ctrl+P", "prints")),
    Action("new_tab", "to open a new tab", r"(?:open |make |get )?(?:a )?new (?:browser )?tab", **_app("Ctrl+T",
                                                                                                      "opens a new tab")),
    Action("close_tab", "to close a tab", r"close (?:a |the |this )?(?:browser )?tab", **_app("Ctrl+W", "closes the tab")),
    Action("reopen_tab", "to reopen a closed tab",
           r"(?:re-?open|bring back|get back|restore|undo closing) (?:a |the |that |my )?(?:closed )?tab(?: (?:i|I) (?:just )?"
           r"closed(?: by (?:mistake|accident))?)?", **_app("Ctrl+Shift+T", "reopens the last tab you closed", "Shift+Command+T")),
    Action("private_window", "to open a private window",
           r"(?:open |start |get )?(?:a |an )?(?:private|incognito) (?:window|tab|browsing|mode)|go incognito",
           apps=[("Ctrl+Shift+N", "opens one in Chrome and Edge"), ("Ctrl+Shift+P", "in Firefox")],
           mac_apps=[("Shift+Command+N", "opens one in Chrome and Safari"), ("Shift+Command+P", "in Firefox")]),
    Action("reload", "to reload the page", r"(?:reload|refresh) (?:the |a |this )?(?:page|web ?page|browser|tab)",
           apps=[("F5", "reloads the page"), ("Ctrl+R", "does too")], mac_apps=[("Command+R", "reloads the page")]),
    Action("zoom", "to zoom in or out",
           r"zoom (?:in|out)(?: (?:and|or) (?:in|out))?(?: on (?:a |the |this )?(?:web ?page|page|screen|text))?|make (?:the )?(?:text|page|writing) (?:bigger|smaller|larger)",
           apps=[("Ctrl+Plus", "zooms in"), ("Ctrl+Minus", "out"), ("Ctrl+0", "back to normal")],
           mac_apps=[("Command+Plus", "zooms in"), ("Command+Minus", "out"), ("Command+0", "back to normal")]),
    Action("full_screen", "to go full screen", r"(?:go|make (?:it|this|the window)|switch to|make the window) full ?screen|"
           r"full ?screen (?:mode|a window)", apps=[("F11", "goes full screen")],
           mac_apps=[("Control+Command+F", "goes full screen")]),
    Action("rename_file", "to rename a file", r"rename (?:a |the |this )?(?:file|folder)",
           apps=[("F2", "renames the selected file")], mac_apps=[("Return", "renames the selected file in Finder")]),
)
_BY_NAME = {a.name: a for a in ACTIONS}

# The question around an action: "how do I ...", "what's the shortcut for ...", "keyboard shortcut to ..."
_LEAD = (r"^(?:(?:um|uh|er|so|ok|okay|right|hey|jarvis|quick question|quick one)\W+)*(?:"
         r"how (?:do|can|would|should) (?:i|you|we|one)|how to|(?:what(?:'s| is) )?(?:the )?(?:quickest|fastest|easiest|best) "
         r"way to|what(?:'s| is) the way to|is there an? (?:quick|quicker|fast|faster|easy|easier|simple|keyboard) way to|"
         r"(?:what(?:'s| is|s| are)|which(?: are| is)?|tell me) the (?:keyboard )?(?:shortcut|short cut|keys?|hot ?keys?|"
         r"key combination|key combo)s? (?:for|to)(?: do)?|"
         r"(?:is there|what(?:'s| is)) an? (?:keyboard )?(?:shortcut|short cut|hot ?key|key) (?:for|to)|"
         r"(?:keyboard )?(?:shortcut|short cut|hot ?key|shortcut key)s? (?:for|to)|"
         r"what keys? (?:do (?:i|you) )?(?:press|hit|use) (?:for|to)|which keys? (?:do (?:i|you) )?(?:press|hit|use) "
         r"(?:for|to))\s+(?:an? |the )?")
_TAIL = (r"(?:\s+(?:on|in|with|for|using|under) (?:the |a |my |this )?(?:keyboard|computer|laptop|desktop|browser|"
         r"firefox|chrome|edge|safari|word|" + "|".join(DESKTOPS.values()) + r"))*"
         r"(?:\s+(?:with|using|from) (?:the )?keyboard)?(?:\s+(?:quickly|again|please|then))*[\s?.!]*$")
_ASKED = [(a.name, re.compile(_LEAD + r"(?:" + a.words + r")" + _TAIL, re.I)) for a in ACTIONS]


def shortcut_asked(message: str) -> dict | None:
    """The ``shortcut`` call's arguments that ``message`` asks for in so many words ("how do I take
    a screenshot on a mac" -> {"action": "screenshot", "desktop": "macos"}), or None: the action
    must be the whole of what follows the question ("how do I copy files to a USB stick" is not
    the copy shortcut)."""
    text = " ".join(message.split())
    for name, pattern in _ASKED:
        if pattern.match(text):
            args = {"action": name}
            if desktop := desktop_named(text):
                args["desktop"] = desktop
            return args
    return None


def desktop_named(message: str) -> str | None:
    """The desktop ``message`` asks about by name ("... on a Mac", "in KDE", "for Windows 11"), as the
    tool names them, or None: the shortcut asked is then this computer's."""
    for desktop, named in _NAMED_DESKTOP:
        if named.search(message):
            return desktop
    return None


def this_desktop(environ: dict | None = None, platform: str | None = None) -> str:
    """The desktop of this session as the tool names them ("gnome", "kde", ..., "windows",
    "macos"), or "linux" where it cannot tell (no desktop session, or one not in the table)."""
    env = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if platform == "darwin":
        return "macos"
    if platform.startswith("win"):
        return "windows"
    said = (env.get("XDG_CURRENT_DESKTOP", "") + ":" + env.get("DESKTOP_SESSION", "")).lower()
    for name in ("kde", "xfce", "cinnamon", "mate"):
        if name in said:
            return name
    if any(word in said for word in ("gnome", "ubuntu", "budgie", "pop", "unity")):
        return "gnome"
    return "linux"


_KEY_NAMES = {"print": "Print Screen", "page_up": "Page Up", "page_down": "Page Down", "above_tab": "`",
              "escape": "Esc", "delete": "Delete", "return": "Return", "space": "Space", "tab": "Tab",
              "up": "Up", "down": "Down", "left": "Left", "right": "Right", "home": "Home", "end": "End"}
_MODIFIERS = {"super": "Super", "primary": "Ctrl", "control": "Ctrl", "ctrl": "Ctrl", "alt": "Alt", "shift": "Shift",
              "meta": "Meta", "hyper": "Hyper"}


def key_names(accelerator: str) -> str:
    """A GTK accelerator as people write keys: "<Super>l" -> "Super+L", "<Shift>Print" ->
    "Shift+Print Screen", "<Control><Alt>Delete" -> "Ctrl+Alt+Delete"."""
    mods = re.findall(r"<([^>]+)>", accelerator)
    key = re.sub(r"<[^>]+>", "", accelerator).strip()
    said = _KEY_NAMES.get(key.lower(), key.upper() if len(key) == 1 else key.replace("_", " "))
    return "+".join([_MODIFIERS.get(m.lower(), m) for m in mods] + [said])


def gnome_keys(schema: str, key: str, run=subprocess.run) -> list[str] | None:
    """The accelerators GNOME's setting ``schema`` ``key`` holds (["<Super>l"]; [] where none is
    set), or None where it cannot be read (no gsettings, no such schema or key)."""
    gsettings = shutil.which("gsettings")
    if gsettings is None:
        return None
    try:
        done = run([gsettings, "get", schema, key], capture_output=True, text=True, timeout=GSETTINGS_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return [k for k in re.findall(r"'([^']*)'", done.stdout) if k and k != "disabled"]


def _sentence(pairs: list[tuple[str, str]], honorific: str, after: str = "") -> str:
    """[("Print Screen", "opens the tool"), ("Shift+Print Screen", "takes the whole screen")] ->
    "Print Screen opens the tool, sir; Shift+Print Screen takes the whole screen."."""
    first, *rest = [f"{keys} {does}" for keys, does in pairs]
    text = f"{first}, {honorific}" + "".join(f"; {part}" for part in rest)
    return text + (f", {after}" if after else "") + "."


def _shortcut(args: dict, context: Context) -> ToolResult:
    action = _BY_NAME.get(str(args.get("action", "")).lower())
    if action is None:
        raise ToolFailed(f"I don't know a shortcut for that, {context.honorific}.")
    here = this_desktop()
    desktop = str(args.get("desktop") or "") or here
    if desktop == "linux" and here not in ("linux", "windows", "macos"):
        desktop = here  # "on linux", asked on KDE: KDE's keys
    h = context.honorific
    data: dict = {"action": action.name, "desktop": desktop}
    if action.apps:  # the same in every application, Command for Ctrl on a Mac
        pairs = action.mac_apps if desktop == "macos" else action.apps
        data["keys"] = [keys for keys, _ in pairs]
        return ToolResult((_where(desktop, here) if desktop == "macos" else "") + _sentence(pairs, h), data)
    pairs: list[tuple[str, str]] = []
    if desktop == "gnome" and action.gnome:
        read = [(gnome_keys(schema, key), does) for schema, key, does in action.gnome]
        if all(found is not None for found, _ in read):  # else not readable here: GNOME's defaults below
            data["from_settings"] = True
            pairs = [(" or ".join(key_names(k) for k in found[:2]), does) for found, does in read if found]
            if not pairs:  # the user's GNOME has none set
                data["keys"] = []
                return ToolResult(f"GNOME has no key {action.what} unless you set one, {h}; you can in "
                                  f"{_SETTINGS['gnome']}.", data)
    if not pairs:
        pairs = (_GNOME_DEFAULTS.get(action.name) if desktop == "gnome" else None) or action.keys.get(desktop) \
            or (action.keys.get("linux") if desktop == "gnome" else None) or []
    if not pairs:
        data["keys"] = []
        where = _SAID[desktop]
        return ToolResult(f"I don't know a key {action.what} on {where} for certain, {h}; "
                          f"you'll find every shortcut in {_SETTINGS[desktop]}.", data, ok=False)
    data["keys"] = [keys for keys, _ in pairs]
    # "or just ask me to lock it": only of this computer
    return ToolResult(_where(desktop, here) + _sentence(pairs, h, action.offer if desktop == here else ""), data)


def _where(desktop: str, here: str) -> str:
    """"On a Mac, " where the answer is for a desktop other than ``here`` (this one), or for most
    Linux desktops; "" for this one."""
    return "" if desktop == here and desktop != "linux" else f"On {_SAID[desktop]}, "


# GNOME's own defaults (GNOME 43-47), said where its settings cannot be read.
_GNOME_DEFAULTS = {
    "screenshot": [("Print Screen", "opens the screenshot tool"), ("Shift+Print Screen", "takes the whole screen"),
                   ("Alt+Print Screen", "the window")],
    "lock_screen": [("Super+L", "locks the screen")],
    "switch_windows": [("Alt+Tab", "switches between applications"), ("Alt+`", "between one application's windows")],
    "close_window": [("Alt+F4", "closes the window")],
    "minimise": [("Super+H", "minimises the window")],
    "maximise": [("Super+Up", "maximises the window")],
    "all_windows": [("Super", "opens the overview")],
    "switch_workspace": [("Super+Page Down", "goes to the next workspace"), ("Super+Page Up", "the one before")],
    "run_command": [("Alt+F2", "opens a box to run a program by name")],
    "log_out": [("Ctrl+Alt+Delete", "offers to log out")],
}


EXAMPLES = (
    ("How do I take a screenshot?", 'call:shortcut{action:"screenshot"}'),
    ("what's the shortcut for a screenshot on a mac", 'call:shortcut{action:"screenshot",desktop:"macos"}'),
    ("Is there a keyboard shortcut to lock the screen?", 'call:shortcut{action:"lock_screen"}'),
    ("how do i switch between windows with the keyboard", 'call:shortcut{action:"switch_windows"}'),
    ("What keys do I press to copy and paste?", 'call:shortcut{action:"copy_paste"}'),
    ("whats the shortcut for redo", 'call:shortcut{action:"redo"}'),
    ("What's the shortcut to select everything?", 'call:shortcut{action:"select_all"}'),
    ("how do I bring back a tab I closed by mistake", 'call:shortcut{action:"reopen_tab"}'),
    ("What's the hotkey for the task manager in Windows?", 'call:shortcut{action:"task_manager",desktop:"windows"}'),
    ("how do you paste without the formatting", 'call:shortcut{action:"paste_plain"}'),
    ("Which keys close a window?", 'call:shortcut{action:"close_window"}'),
    ("um how do I open an incognito window", 'call:shortcut{action:"private_window"}'),
    ("How can I type an emoji on my laptop?", 'call:shortcut{action:"emoji"}'),
    ("quickest way to see all my open windows", 'call:shortcut{action:"all_windows"}'),
    ("How do I zoom in on a web page?", 'call:shortcut{action:"zoom"}'),
)

TOOLS: tuple[Tool, ...] = (
    Tool("shortcut", "The keys for an everyday thing on this computer's desktop (a screenshot, locking the "
         "screen, switching windows, copy and paste, a new tab), read from the desktop's own settings where it "
         "can, or for the desktop named.",
         (Param("action", str, "what to do", choices=tuple(a.name for a in ACTIONS)),
          Param("desktop", str, "the desktop asked about (this one if absent)", required=False,
                choices=tuple(DESKTOPS))),
         _shortcut, examples=EXAMPLES),
)
