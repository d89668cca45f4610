"""Apps, files and places: open an application, a folder, a file or a web address, find files.

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
import heapq
import ipaddress
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time
import webbrowser
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from jarvis_desktop.core.skills import format_number
from jarvis_desktop.core.tools.base import Context, Param, Tool, ToolFailed, ToolResult

__all__ = ["TOOLS", "DesktopEntry", "application_dirs", "load_entries", "find_app", "exec_argv",
           "user_dir", "search_home", "Search", "find_reply", "web_address"]

SEARCH_S = 1.5  # how long a search of the home folder may take before it stops and says so
TOP_N = 3


def _join(items: list[str]) -> str:
    """["a"] -> "a"; ["a", "b", "c"] -> "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _shown(path: Path) -> str:
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


def _open_with_handler(target: str, what: str, context: Context) -> str:
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
    entries = load_entries()
    entry = find_app(spoken, entries)
    if entry is None:
        names = {e.name.casefold(): e.name for e in entries}
        close = difflib.get_close_matches(spoken.casefold(), list(names), n=TOP_N, cutoff=0.5)
        hint = f"; the closest I have are {_join([names[c] for c in close])}" if close else ""
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


# --- open_folder: the XDG user folders and paths ------------------------------------------------

_PLACES = {"home": "", "desktop": "DESKTOP", "documents": "DOCUMENTS", "downloads": "DOWNLOAD",
           "music": "MUSIC", "pictures": "PICTURES", "videos": "VIDEOS", "templates": "TEMPLATES",
           "public": "PUBLICSHARE"}
_ALIASES = {"download": "downloads", "document": "documents", "docs": "documents",
            "picture": "pictures", "photos": "pictures", "photo": "pictures", "images": "pictures",
            "video": "videos", "movies": "videos", "films": "videos", "template": "templates"}
_DEFAULT_DIRS = {"DESKTOP": "Desktop", "DOWNLOAD": "Downloads", "DOCUMENTS": "Documents",
                 "MUSIC": "Music", "PICTURES": "Pictures", "TEMPLATES": "Templates",
                 "PUBLICSHARE": "Public", "VIDEOS": "Movies" if sys.platform == "darwin" else "Videos"}
_USER_DIR_LINE = re.compile(r'\s*XDG_([A-Z]+)_DIR\s*=\s*"(.*)"\s*$')


def user_dir(key: str) -> Path:
    """A user folder ("DOWNLOAD", "MUSIC", ...) as ~/.config/user-dirs.dirs names it (the
    folders have local names: "Téléchargements"), else its usual English name."""
    home = Path.home()
    config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config") / "user-dirs.dirs"
    try:
        lines = config.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        lines = []
    for line in lines:
        m = _USER_DIR_LINE.match(line)
        if m and m[1] == key:
            value = m[2]
            if value == "$HOME" or value.startswith("$HOME/"):
                return home / value.removeprefix("$HOME").lstrip("/")
            if os.path.isabs(value):
                return Path(value)
    return home / _DEFAULT_DIRS[key]


def _place(spoken: str) -> str | None:
    """"my downloads folder" -> "downloads"; None where it is not one of the user folders."""
    words = [w for w in re.findall(r"[^\W_]+", spoken.casefold())
             if w not in {"my", "the", "your", "folder", "directory", "dir"}]
    text = " ".join(words) or "home"
    text = _ALIASES.get(text, text)
    return text if text in _PLACES else None


def _looks_like_path(text: str) -> bool:
    return text.startswith(("~", "/", ".")) or "/" in text or "\\" in text or bool(
        re.match(r"[A-Za-z]:", text))


def _as_path(text: str) -> Path:
    """A spoken path: "~" expanded, a relative one taken from the home folder."""
    path = Path(os.path.expanduser(text))
    return path if path.is_absolute() else Path.home() / path


def _child_folder(name: str) -> Path | None:
    """A folder directly in the home folder called ``name`` (any case): "projects"."""
    home = Path.home()
    exact = home / name
    if exact.is_dir():
        return exact
    try:
        return next((p for p in home.iterdir() if p.name.casefold() == name.casefold() and p.is_dir()),
                    None)
    except OSError:
        return None


def _open_folder(args: dict, context: Context) -> ToolResult:
    spoken = args["name"].strip()
    place = _place(spoken) if not _looks_like_path(spoken) else None
    if place is not None:
        folder = Path.home() if place == "home" else user_dir(_PLACES[place])
        label = "your home folder" if place == "home" else f"your {folder.name} folder"
        if not folder.is_dir():
            raise ToolFailed(f"You don't have a {place} folder, {context.honorific}; "
                             f"I looked for {_shown(folder)}.")
    elif _looks_like_path(spoken):
        folder = _as_path(spoken)
        label = _shown(folder)
        if folder.is_file():
            raise ToolFailed(f"I can't open {label} as a folder, {context.honorific}: it's a file.")
        if not folder.is_dir():
            raise ToolFailed(f"There's no folder at {label}, {context.honorific}.")
    else:
        found = _child_folder(spoken)
        if found is None:
            raise ToolFailed(f"I can't find a folder called \"{spoken}\" in your home folder, "
                             f"{context.honorific}.")
        folder, label = found, _shown(found)
    handler = _open_with_handler(str(folder), "folders", context)
    data = {"folder": str(folder), "place": place, "handler": handler}
    return ToolResult(f"Opening {label}, {context.honorific}.", data)


# --- find_files and open_file: a bounded search of the home folder ---------------------------------

_SKIP_DIRS = {"node_modules", "__pycache__", "site-packages", "venv", "dist-packages", "Trash"}
_SKIP_AT_HOME = {"Library", "AppData", "snap"}  # macOS's and Windows's app data, snaps' own


def _skipped(name: str, at_home: bool) -> bool:
    """Hidden folders, caches and packages' trees hold nobody's invoice; they are skipped."""
    return (name.startswith(".") or name in _SKIP_DIRS or "cache" in name.casefold()
            or (at_home and name in _SKIP_AT_HOME))


@dataclass(frozen=True)
class Search:
    """What a search found: ``count`` matching files, the ``best`` few (newest first, paths with
    their modification times), and whether it looked everywhere before ``budget_s`` ran out."""

    words: tuple[str, ...]
    count: int
    best: tuple[tuple[Path, float], ...]
    complete: bool
    budget_s: float


def search_home(words: list[str], root: Path | None = None, budget_s: float = SEARCH_S,
                keep: int = TOP_N, exact: str = "") -> Search:
    """Files under ``root`` (the home folder) whose name holds every word, case aside.

    Breadth first, so shallow files (the likelier ones) are found before the time runs out;
    symbolic links to folders are not followed (no loops, no wandering off the disk).  A file
    named exactly ``exact`` ranks before newer near-misses.
    """
    root = root or Path.home()
    wanted = [w.casefold() for w in words]
    deadline = time.monotonic() + budget_s
    queue, heap, count, complete = deque([root]), [], 0, True
    while queue and complete:
        if time.monotonic() >= deadline:
            complete = False
            break
        folder = queue.popleft()
        try:
            listing = os.scandir(folder)
        except OSError:  # unreadable, or gone since it was listed
            continue
        with listing:
            for i, item in enumerate(listing):
                if i % 256 == 255 and time.monotonic() >= deadline:
                    complete = False
                    break
                name = item.name
                try:
                    if item.is_dir(follow_symlinks=False):
                        if not _skipped(name, folder == root):
                            queue.append(Path(item.path))
                        continue
                    low = name.casefold()
                    if name.startswith(".") or not all(w in low for w in wanted) or not item.is_file():
                        continue
                    mtime = item.stat().st_mtime
                except OSError:
                    continue
                count += 1
                is_exact = bool(exact) and exact.casefold() in (low, os.path.splitext(low)[0])
                ranked = (is_exact, mtime, item.path)
                if len(heap) < keep:
                    heapq.heappush(heap, ranked)
                elif keep:
                    heapq.heappushpop(heap, ranked)
    best = tuple((Path(p), mtime) for _, mtime, p in sorted(heap, reverse=True))
    return Search(tuple(words), count, best, complete and not queue, budget_s)


def _search_words(spoken: str) -> list[str]:
    return [w for w in re.split(r"[\s*?]+", spoken) if w]


def _folder_label(path: Path) -> str:
    """Where a file is, as said: "Documents/tax", or "your home folder"."""
    shown = _shown(path.parent)
    return "your home folder" if shown == "~" else shown.removeprefix("~/")


def _file_data(path: Path, mtime: float) -> dict:
    return {"name": path.name, "folder": _folder_label(path), "path": str(path),
            "modified": datetime.fromtimestamp(mtime).isoformat(timespec="seconds")}


def _count(n: int) -> str:
    return f"{format_number(n)} file{'' if n == 1 else 's'}"


def find_reply(search: Search, spoken: str, honorific: str) -> ToolResult:
    """The sentence for a search: how many, the newest few and where, and whether it stopped."""
    files = [_file_data(path, mtime) for path, mtime in search.best]
    data: dict = {"name": spoken, "count": search.count, "complete": search.complete, "files": files}
    stopped = ""
    if not search.complete:
        data["searched_s"] = search.budget_s
        stopped = f"I searched for {format_number(search.budget_s)} seconds and stopped: "
    if not files:
        where = "so far" if stopped else "in your home folder"
        return ToolResult(f"{stopped}I found no files matching \"{spoken}\" {where}, {honorific}.", data)
    listed = _join([f"{f['name']} in {f['folder']}" for f in files])
    found = f"{stopped}I found {_count(search.count)} matching \"{spoken}\""
    if search.count == 1:
        return ToolResult(f"{found}, {listed}, {honorific}.", data)
    newest = "the newest being" if len(files) > 1 else "the newest is"
    return ToolResult(f"{found}, {newest} {listed}, {honorific}.", data)


def _find_files(args: dict, context: Context) -> ToolResult:
    spoken = args["name"].strip()
    words = _search_words(spoken)
    if not words:
        raise ToolFailed(f"I need part of the file's name to look for, {context.honorific}.")
    return find_reply(search_home(words), spoken, context.honorific)


def _open_file(args: dict, context: Context) -> ToolResult:
    spoken = args["name"].strip()
    if _looks_like_path(spoken):
        path = _as_path(spoken)
        if not path.exists():
            raise ToolFailed(f"There's nothing at {_shown(path)}, {context.honorific}.")
        handler = _open_with_handler(str(path), "files", context)
        return ToolResult(f"Opening {_shown(path)}, {context.honorific}.",
                          {"name": spoken, "count": 1, "handler": handler, "path": str(path)})
    words = _search_words(spoken)
    if not words:
        raise ToolFailed(f"I need the file's name to open it, {context.honorific}.")
    search = search_home(words, keep=1, exact=spoken)
    if not search.best:
        cut = (f" in the {format_number(search.budget_s)} seconds I searched" if not search.complete
               else " in your home folder")
        raise ToolFailed(f"I can't find a file matching \"{spoken}\"{cut}, {context.honorific}.")
    path, mtime = search.best[0]
    handler = _open_with_handler(str(path), "files", context)
    data = {"name": spoken, "count": search.count, "handler": handler, "file": _file_data(path, mtime)}
    opened = f"Opening {path.name} in {data['file']['folder']}"
    if search.count > 1:
        opened += f", the likeliest of {_count(search.count)} matching \"{spoken}\""
    return ToolResult(f"{opened}, {context.honorific}.", data)


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
        handler = _open_with_handler(url, "web pages", context)
    shown = url.split("://", 1)[1].rstrip("/")
    return ToolResult(f"Opening {shown}, {context.honorific}.", {"url": url, "handler": handler})


# --- the tools -------------------------------------------------------------------------------------

TOOLS: tuple[Tool, ...] = (
    Tool("open_app", "Open an application from the desktop's menu by its name or what it is.",
         (Param("name", str, 'the app\'s name or kind, e.g. "firefox", "text editor"'),),
         _open_app, read_only=False, timeout_s=5.0, examples=(
             ("open firefox", 'call:open_app{name:"firefox"}'),
             ("Fire up the terminal, would you?", 'call:open_app{name:"terminal"}'),
             ("Could you launch the calculator?", 'call:open_app{name:"calculator"}'),
             ("start spotify", 'call:open_app{name:"spotify"}'),
             ("I need to jot something down.", 'call:open_app{name:"text editor"}'),
             ("bring up the file manager", 'call:open_app{name:"file manager"}'),
             ("Let me browse the internet.", 'call:open_app{name:"web browser"}'),
             ("open thunderbird i want to check my email", 'call:open_app{name:"thunderbird"}'),
             ("Pop the settings open.", 'call:open_app{name:"settings"}'),
             ("Launch LibreOffice Writer, please.", 'call:open_app{name:"libreoffice writer"}'),
             ("i'd like to touch up a photo in gimp", 'call:open_app{name:"gimp"}'),
             ("What's hogging everything? Show me the system monitor.",
              'call:open_app{name:"system monitor"}'),
             ("jarvis open files", 'call:open_app{name:"files"}'),
         )),
    Tool("open_folder", "Open a folder in the file manager: home, desktop, documents, downloads, "
         "music, pictures, videos, or a path.",
         (Param("name", str, 'a place ("downloads") or a folder\'s path ("~/projects")'),),
         _open_folder, read_only=False, timeout_s=3.0, examples=(
             ("show me my downloads", 'call:open_folder{name:"downloads"}'),
             ("Open my Documents folder.", 'call:open_folder{name:"documents"}'),
             ("take me to my pictures", 'call:open_folder{name:"pictures"}'),
             ("Pull up my photos, would you?", 'call:open_folder{name:"pictures"}'),
             ("open the desktop folder", 'call:open_folder{name:"desktop"}'),
             ("Open my home folder, please.", 'call:open_folder{name:"home"}'),
             ("i want to have a look through my music", 'call:open_folder{name:"music"}'),
             ("Show me the videos folder.", 'call:open_folder{name:"videos"}'),
             ("open the projects folder in my home", 'call:open_folder{name:"~/projects"}'),
             ("Can you open ~/Downloads/receipts?", 'call:open_folder{name:"~/Downloads/receipts"}'),
             ("let me see what ive saved off the web lately", 'call:open_folder{name:"downloads"}'),
             ("Open /mnt/backup in the file manager.", 'call:open_folder{name:"/mnt/backup"}'),
         )),
    Tool("open_file", "Open a file from the home folder (found by name; the newest if several) "
         "in its usual program.",
         (Param("name", str, 'the file\'s name or words from it, e.g. "report.pdf"'),),
         _open_file, read_only=False, timeout_s=5.0, examples=(
             ("open report.pdf", 'call:open_file{name:"report.pdf"}'),
             ("Could you open my CV?", 'call:open_file{name:"cv"}'),
             ("open the budget spreadsheet", 'call:open_file{name:"budget"}'),
             ("Open the invoice I saved yesterday.", 'call:open_file{name:"invoice"}'),
             ("show me the tax return pdf", 'call:open_file{name:"tax return pdf"}'),
             ("Open notes.txt, please.", 'call:open_file{name:"notes.txt"}'),
             ("could you open the wedding speech", 'call:open_file{name:"wedding speech"}'),
             ("Open ~/Documents/letter.odt.", 'call:open_file{name:"~/Documents/letter.odt"}'),
             ("i want to read the boarding pass again", 'call:open_file{name:"boarding pass"}'),
             ("Bring up the minutes from the meeting.", 'call:open_file{name:"minutes"}'),
             ("pull up my lasagne recipe", 'call:open_file{name:"lasagne"}'),
         )),
    Tool("open_url", "Open a web address (http or https) in the default browser.",
         (Param("url", str, 'a web address, e.g. "bbc.co.uk"'),),
         _open_url, read_only=False, timeout_s=8.0, examples=(
             ("go to bbc.co.uk", 'call:open_url{url:"bbc.co.uk"}'),
             ("Open github.com.", 'call:open_url{url:"github.com"}'),
             ("put youtube on", 'call:open_url{url:"youtube.com"}'),
             ("Take me to the Guardian's website.", 'call:open_url{url:"theguardian.com"}'),
             ("Open https://docs.python.org/3/ for me.", 'call:open_url{url:"https://docs.python.org/3/"}'),
             ("whats the met office saying check their site", 'call:open_url{url:"metoffice.gov.uk"}'),
             ("Open Wikipedia, please.", 'call:open_url{url:"wikipedia.org"}'),
             ("load up amazon", 'call:open_url{url:"amazon.co.uk"}'),
             ("Can you open news.ycombinator.com?", 'call:open_url{url:"news.ycombinator.com"}'),
             ("visit gov dot uk", 'call:open_url{url:"gov.uk"}'),
             ("I'd like the BBC Sport pages.", 'call:open_url{url:"bbc.co.uk/sport"}'),
             ("open the router page at 192.168.1.1", 'call:open_url{url:"http://192.168.1.1"}'),
         )),
    Tool("find_files", "Find files in the home folder whose names contain the given words: how "
         "many, and the newest three with their folders.",
         (Param("name", str, 'words from the file\'s name, e.g. "invoice"'),),
         _find_files, timeout_s=4.0, examples=(
             ("where's that invoice pdf I saved", 'call:find_files{name:"invoice"}'),
             ("Find my CV.", 'call:find_files{name:"cv"}'),
             ("Have I got any files called budget?", 'call:find_files{name:"budget"}'),
             ("search my files for holiday", 'call:find_files{name:"holiday"}'),
             ("Where did I put the tax return?", 'call:find_files{name:"tax return"}'),
             ("look for anything named report 2024", 'call:find_files{name:"report 2024"}'),
             ("Can you find the screenshots I took?", 'call:find_files{name:"screenshot"}'),
             ("do i have a copy of my passport scan", 'call:find_files{name:"passport"}'),
             ("Which folder is the lease agreement in?", 'call:find_files{name:"lease"}'),
             ("hunt down that spreadsheet of expenses", 'call:find_files{name:"expenses"}'),
             ('Is there a file with "minutes" in its name?', 'call:find_files{name:"minutes"}'),
         )),
)
