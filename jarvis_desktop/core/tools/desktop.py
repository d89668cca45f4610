"""Apps and places: open an application or a web address (folders and files: tools/files.py).

Applications are the desktop's own menu entries, the freedesktop ``.desktop`` files, matched to
the spoken name forgivingly ("the web browser" finds Firefox through its GenericName) and
started from their Exec line, detached and never waited for.  Folders, files and web addresses
go to the desktop's default handler (``xdg-open``, macOS's ``open``, Windows's ``startfile``),
so they open in whatever the user has chosen.  Nothing runs through a shell and no command is
built from the user's words: an app's command is its entry's, and the handler gets one path or
one http(s) address.  Searching the home folder is bounded in time, so a huge disk costs the
reply a second and a half, never the conversation.
"""

from __future__ import annotations

import difflib
import ipaddress
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import webbrowser
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from jarvis_desktop.core.tools.base import Context, Param, Tool, ToolFailed, ToolResult
from jarvis_desktop.core.tools.desktop_examples import EXAMPLES

__all__ = ["TOOLS", "DesktopEntry", "application_dirs", "load_entries", "installed_apps", "find_app", "exec_argv", "web_address",
           "open_with_handler", "join_words", "shown_path", "TOP_N"]

TOP_N = 3


def join_words(items: list[str]) -> str:
    """["a"] -> "a"; ["a", "b", "c"] -> "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def shown_path(path: Path) -> str:
    """A path as Jarvis says it: "~/projects" under the home folder, absolute elsewhere."""
    home = Path.home()
    try:
        rest = path.relative_to(home)
    except ValueError:
        return str(path)
    return "~" if not rest.parts else "~/" + rest.as_posix()


# --- starting programs and the default handler -------------------------------------------------

def _spawn(argv: list[str], cwd: str | None = None) -> None:
    """Start ``argv`` detached (its own session, no terminal) and return at once.

    A daemon thread waits on it only to reap it when it exits, so a long-running Jarvis does
    not collect zombie processes; the reply never waits.
    """
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True,
                            cwd=cwd)
    threading.Thread(target=proc.wait, name="jarvis-reap", daemon=True).start()


def _uses_x11_or_wayland() -> bool:
    return os.name == "posix" and sys.platform != "darwin"


def _need_display(what: str, context: Context) -> None:
    """On Linux and the BSDs a window needs a display: say so rather than start into nothing."""
    if _uses_x11_or_wayland() and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise ToolFailed(f"I can't open {what}, {context.honorific}: no desktop display is running.")


def open_with_handler(target: str, what: str, context: Context) -> str:
    """Hand ``target`` (a path or an http(s) address) to the desktop's default handler; the
    handler's name for ``data``.  ToolFailed where there is none."""
    if os.name == "nt":
        try:
            os.startfile(target)  # type: ignore[attr-defined]  # Windows only
        except OSError as err:
            raise ToolFailed(f"Windows couldn't open {what}, {context.honorific}: "
                             f"{err.strerror or err}.") from err
        return "startfile"
    _need_display(what, context)
    command = "open" if sys.platform == "darwin" else "xdg-open"
    exe = shutil.which(command)
    if exe is None:
        raise ToolFailed(f"I can't open {what}, {context.honorific}: {command} isn't installed "
                         "(the xdg-utils package provides it).")
    try:
        _spawn([exe, target])
    except OSError as err:
        raise ToolFailed(f"I couldn't run {command} to open {what}, {context.honorific}: "
                         f"{err.strerror or err}.") from err
    return command


# --- open_app: the freedesktop menu entries -----------------------------------------------------

@dataclass(frozen=True)
class DesktopEntry:
    """One application of the desktop's menu, as its ``.desktop`` file describes it."""

    id: str  # the desktop file ID, e.g. "org.gnome.TextEditor.desktop"
    path: Path
    name: str
    exec: str  # the Exec line, string escapes undone, field codes still in
    generic_name: str = ""
    keywords: tuple[str, ...] = ()
    terminal: bool = False
    workdir: str = ""


def application_dirs() -> list[Path]:
    """The ``applications`` folders in the XDG order: XDG_DATA_HOME first, then XDG_DATA_DIRS.

    Flatpak's exports are added only where XDG_DATA_DIRS is unset: a desktop session with
    flatpak installed already lists them there (flatpak's profile script adds them).
    """
    home = Path.home()
    data_home = os.environ.get("XDG_DATA_HOME") or str(home / ".local" / "share")
    data_dirs = os.environ.get("XDG_DATA_DIRS")
    roots = [data_home] + (data_dirs or "/usr/local/share:/usr/share").split(os.pathsep)
    if not data_dirs:
        roots += [str(home / ".local/share/flatpak/exports/share"), "/var/lib/flatpak/exports/share"]
    found: list[Path] = []
    for root in roots:
        folder = Path(root) / "applications"
        if Path(root).is_absolute() and folder.is_dir() and folder not in found:
            found.append(folder)
    return found


_ESCAPES = {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}


def _unescape(value: str) -> str:
    """The spec's string escapes (\\s \\n \\t \\r \\\\); others stay for Exec's own quoting."""
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], m[0]), value)


def _main_group(path: Path) -> dict[str, str]:
    """The keys of the file's [Desktop Entry] group (unlocalised and localised, as written)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    keys: dict[str, str] = {}
    group = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            if group == "Desktop Entry":
                break  # the actions' groups follow the main one
            group = line[1:-1]
        elif group == "Desktop Entry" and "=" in line:
            key, value = line.split("=", 1)
            keys.setdefault(key.strip(), value.strip())
    return keys


def _installed(try_exec: str) -> bool:
    if os.path.isabs(try_exec):
        return os.access(try_exec, os.X_OK)
    return shutil.which(try_exec) is not None


def _entry(desktop_id: str, path: Path, keys: dict[str, str]) -> DesktopEntry | None:
    """The entry, or None where the menu would not show it: not an application, Hidden,
    NoDisplay, no Name or Exec, or a TryExec program that is not installed."""
    if keys.get("Type") != "Application" or "true" in (keys.get("Hidden"), keys.get("NoDisplay")):
        return None
    name, command = _unescape(keys.get("Name", "")), _unescape(keys.get("Exec", ""))
    if not name or not command:
        return None
    if keys.get("TryExec") and not _installed(_unescape(keys["TryExec"])):
        return None
    keywords = tuple(_unescape(k).strip() for k in re.split(r"(?<!\\);", keys.get("Keywords", "")))
    return DesktopEntry(desktop_id, path, name, command, _unescape(keys.get("GenericName", "")),
                        tuple(k for k in keywords if k), keys.get("Terminal") == "true",
                        _unescape(keys.get("Path", "")))


def load_entries(dirs: list[Path] | None = None) -> list[DesktopEntry]:
    """Every application the menu shows, in precedence order.  A desktop file ID found in an
    earlier folder hides the same ID in later ones, even where the earlier is Hidden (that is
    how a user removes a system-wide entry)."""
    seen: set[str] = set()
    entries: list[DesktopEntry] = []
    for folder in application_dirs() if dirs is None else dirs:
        for path in sorted(folder.rglob("*.desktop")):
            desktop_id = path.relative_to(folder).as_posix().replace("/", "-")
            if desktop_id in seen:
                continue
            seen.add(desktop_id)
            entry = _entry(desktop_id, path, _main_group(path))
            if entry is not None:
                entries.append(entry)
    return entries


_menu_lock = threading.Lock()
_menu: tuple[tuple, list[DesktopEntry]] = ((), [])


def installed_apps() -> list[DesktopEntry]:
    """The menu as :func:`load_entries` reads it, read again only when a ``.desktop`` file was
    added, removed or changed since (a listing and a stat per file, not a parse of every one):
    every "open firefox" asks, and a menu holds hundreds of entries."""
    global _menu
    dirs = application_dirs()
    stamp: list[tuple[str, int, int]] = []
    for folder in dirs:
        for path in sorted(folder.rglob("*.desktop")):
            try:
                info = path.stat()
                stamp.append((str(path), info.st_mtime_ns, info.st_size))
            except OSError:  # removed while listed: the next ask reads the menu anew
                stamp.append((str(path), -1, -1))
    key = (tuple(map(str, dirs)), tuple(stamp))
    with _menu_lock:
        if _menu[0] != key:
            _menu = (key, load_entries(dirs))
        return _menu[1]


_FILLER = {"the", "a", "an", "my", "app", "application", "program", "programme", "please"}


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.casefold())


def _stems(words: list[str]) -> list[str]:
    """Words without a plural "s", so "Files" and "file" meet."""
    return [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words]


def _commands(entry: DesktopEntry) -> set[str]:
    """What the app is called on the command line: its program's name and the last part of its
    desktop file ID ("org.gnome.TextEditor" -> "texteditor", "firefox")."""
    names = {entry.id.removesuffix(".desktop").split(".")[-1].casefold()}
    try:
        names.add(os.path.basename(shlex.split(entry.exec)[0]).casefold())
    except (ValueError, IndexError):  # an Exec line that can't be read is refused at launch
        pass
    return {re.sub(r"[\W_]", "", n) for n in names}


def _score(query: list[str], entry: DesktopEntry) -> float:
    """How well the spoken name fits the entry, 0 for not at all: the whole Name best, then its
    command, the whole GenericName, the words of either, any of its Keywords, a near spelling."""
    stems = _stems(query)
    joined, compact = " ".join(stems), "".join(stems)
    name, generic = _stems(_words(entry.name)), _stems(_words(entry.generic_name))
    commands = _commands(entry)
    if joined == " ".join(name) or compact == "".join(name):
        return 100
    if "".join(query) in commands:  # unstemmed: "nautilus"
        return 95
    if generic and (joined == " ".join(generic) or compact == "".join(generic)):
        return 90
    if set(stems) <= set(name):
        return 80
    if generic and set(stems) <= set(generic):
        return 70
    known = set(name) | set(generic) | {w for k in entry.keywords for w in _stems(_words(k))}
    if all(s in known or w in commands for s, w in zip(stems, query)):
        return 60
    ratio = difflib.SequenceMatcher(None, compact, "".join(name)).ratio()
    return 50 * ratio if ratio >= 0.8 else 0  # a slip of the tongue or the transcript: "firfox"


def find_app(spoken: str, entries: list[DesktopEntry]) -> DesktopEntry | None:
    """The entry that best fits ``spoken``; among equals, a windowed app before a terminal one,
    the shorter name, then the earlier folder.  None where nothing fits."""
    query = [w for w in _words(spoken) if w not in _FILLER] or _words(spoken)
    if not query:
        return None
    scored = [(_score(query, e), not e.terminal, -len(e.name), -i) for i, e in enumerate(entries)]
    best = max(range(len(entries)), key=lambda i: scored[i], default=None)
    return entries[best] if best is not None and scored[best][0] > 0 else None


_OPEN_AN_APP = re.compile(
    r"(?:(?:hey |ok )?jarvis[, ]+)?(?:(?:please|can you|could you|would you|will you)[, ]+)?"
    r"(?:open|launch|start|run|fire up|load)(?: up)? (?:the )?(?P<name>[^\W_][\w .+-]{0,40}?)"
    r"(?: app| application| program| programme)?(?:,? (?:please|for me|jarvis|would you|thanks|now))*[\s.!?]*")


_PLACES = {"home", "desktop", "documents", "downloads", "music", "pictures", "photos", "videos", "movies",
           "templates", "public"}


def app_named(message: str, entries: list[DesktopEntry] | None = None) -> DesktopEntry | None:
    """The installed application ``message`` asks to open by its very name ("open firefox",
    "jarvis, launch the calculator please"): the request is nothing but an opening verb and a
    name that is the entry's Name or its command, word for word.  None for anything less sure
    ("open the door", "run a bath", "open my documents", "open music": folder or player)."""
    m = _OPEN_AN_APP.fullmatch(message.strip().casefold())
    if not m:
        return None
    said = re.sub(r"[\W_]", "", m["name"])
    if said in _PLACES:
        return None  # "open music": the folder or the player, the model's to choose
    for entry in installed_apps() if entries is None else entries:
        if said and (said == re.sub(r"[\W_]", "", entry.name.casefold()) or said in _commands(entry)):
            return entry
    return None


_FIELD_CODE = re.compile(r"%[a-zA-Z]")


def exec_argv(entry: DesktopEntry) -> list[str]:
    """The command of an Exec line: quoted as a shell would (but never run by one), field codes
    (%f %F %u %U %i %c %k and the deprecated ones) dropped, "%%" a plain "%"."""
    try:
        parts = shlex.split(entry.exec)
    except ValueError as err:
        raise ValueError(f"{entry.path}: its Exec line can't be read ({err})") from err
    argv = [re.sub(r"%(.)", lambda m: "%" if m[1] == "%" else "", part)
            for part in parts if not _FIELD_CODE.fullmatch(part)]
    if not argv or not argv[0]:
        raise ValueError(f"{entry.path}: its Exec line names no program")
    return argv


def _open_app(args: dict, context: Context) -> ToolResult:
    spoken = args["name"].strip()
    entries = installed_apps()
    entry = find_app(spoken, entries)
    if entry is None:
        names = {e.name.casefold(): e.name for e in entries}
        close = difflib.get_close_matches(spoken.casefold(), list(names), n=TOP_N, cutoff=0.5)
        hint = f"; the closest I have are {join_words([names[c] for c in close])}" if close else ""
        raise ToolFailed(f"I can't find an application called \"{spoken}\", {context.honorific}{hint}.")
    if entry.terminal:
        raise ToolFailed(f"{entry.name} runs in a terminal, {context.honorific}; "
                         "I can only open windowed applications.")
    _need_display(entry.name, context)
    try:
        argv = exec_argv(entry)
        _spawn(argv, entry.workdir if os.path.isdir(entry.workdir) else None)
    except ValueError as err:
        raise ToolFailed(f"I couldn't start {entry.name}, {context.honorific}: {err}.") from err
    except OSError as err:
        raise ToolFailed(f"I couldn't start {entry.name}, {context.honorific}: "
                         f"{err.strerror or err} (its entry is {entry.path}).") from err
    data = {"app": entry.name, "desktop_file": str(entry.path), "command": argv}
    return ToolResult(f"Opening {entry.name}, {context.honorific}.", data)


# --- open_url --------------------------------------------------------------------------------------

# "localhost:8080" and "bbc.co.uk:443" are a host and a port, not a scheme
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+-]*):(?!\d)")
_LABEL = re.compile(r"[^\W_](?:[\w-]{0,61}[^\W_])?")
_TOP_LEVEL = re.compile(r"[^\W\d_]{2,63}|xn--[a-z0-9-]{1,59}")


def _is_host(host: str) -> bool:
    """A domain with a real-looking top level ("bbc.co.uk"), an IP address, or localhost."""
    if host == "localhost":
        return True
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    labels = host.split(".")
    return (len(labels) >= 2 and all(_LABEL.fullmatch(label) for label in labels)
            and bool(_TOP_LEVEL.fullmatch(labels[-1])))


def web_address(text: str, honorific: str) -> str:
    """The http(s) address ``text`` means ("bbc.co.uk" -> "https://bbc.co.uk"); ToolFailed for
    another scheme (javascript:, file:) or for words that are not an address ("bbc news")."""
    given = text.strip()
    refusal = ToolFailed(f"\"{given}\" isn't a web address, {honorific}; I need one such as bbc.co.uk.")
    if not given or any(ch.isspace() for ch in given):
        raise refusal
    m = _SCHEME.match(given)
    if m and m[1].casefold() not in ("http", "https"):
        raise ToolFailed(f"I only open http and https web addresses, {honorific}, "
                         f"not {m[1].casefold()}: links.")
    url = given if m else "https://" + given.removeprefix("//")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        host = parts.hostname or ""
    except ValueError:
        host = ""
    if not _is_host(host.rstrip(".")):
        raise refusal
    return url


def _browser_fallback(url: str, context: Context) -> str:
    """Python's webbrowser where xdg-open is missing, only for a windowed browser that is on
    PATH now: a text browser (lynx, w3m) would take over Jarvis's terminal and wait."""
    missing = ToolFailed(f"I can't open web pages here, {context.honorific}: xdg-open isn't "
                         "installed and I can't find a web browser.")
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        raise missing from None
    in_terminal = type(browser) is webbrowser.GenericBrowser or getattr(browser, "terminal", False)
    if in_terminal or shutil.which(browser.name) is None:
        raise missing
    if not browser.open(url, new=2):
        raise ToolFailed(f"{browser.name} wouldn't open {url}, {context.honorific}.")
    return browser.name


def _open_url(args: dict, context: Context) -> ToolResult:
    url = web_address(args["url"], context.honorific)
    if _uses_x11_or_wayland() and shutil.which("xdg-open") is None:
        _need_display("web pages", context)
        handler = _browser_fallback(url, context)
    else:
        handler = open_with_handler(url, "web pages", context)
    shown = url.split("://", 1)[1].rstrip("/")
    return ToolResult(f"Opening {shown}, {context.honorific}.", {"url": url, "handler": handler})


# --- the tools -------------------------------------------------------------------------------------

TOOLS: tuple[Tool, ...] = (
    Tool("open_app", "Open an application from the desktop's menu by its name or what it is.",
         (Param("name", str, 'the app\'s name or kind, e.g. "firefox", "text editor"'),),
         _open_app, read_only=False, timeout_s=5.0, examples=EXAMPLES["open_app"]),
    Tool("open_url", "Open a web address (http or https) in the default browser.",
         (Param("url", str, 'a web address, e.g. "bbc.co.uk"'),),
         _open_url, read_only=False, timeout_s=8.0, examples=EXAMPLES["open_url"]),
)
