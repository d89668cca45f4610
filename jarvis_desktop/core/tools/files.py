"""Folders and files: open a folder (the XDG user folders or a path), find files by name under
the home folder, open one.

Folders and files go to the desktop's default handler (tools/desktop.py ``open_with_handler``),
so they open in whatever the user has chosen.  Searching the home folder is bounded in time, so
a huge disk costs the reply a second and a half, never the conversation.
"""

from __future__ import annotations

import heapq
import os
import re
import sys
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from jarvis_desktop.core.skills import format_number
from jarvis_desktop.core.tools.base import Context, Param, Tool, ToolFailed, ToolResult
from jarvis_desktop.core.tools.desktop import TOP_N, join_words, open_with_handler, shown_path
from jarvis_desktop.core.tools.desktop_examples import EXAMPLES

__all__ = ["TOOLS", "user_dir", "folder_named", "search_home", "Search", "find_reply", "SEARCH_S"]

SEARCH_S = 1.5  # how long a search of the home folder may take before it stops and says so


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
    """A spoken path: "~" expanded, a relative one taken from the home folder, and where no such
    path exists, the one whose names differ only in capitals (speech recognition writes
    "~/projects/website" for ~/Projects/website), where there is exactly one."""
    path = Path(os.path.expanduser(text))
    path = path if path.is_absolute() else Path.home() / path
    return path if path.exists() else _any_case(path) or path


def _any_case(path: Path) -> Path | None:
    """The one existing path that is ``path`` up to capitals, or None (none, or several)."""
    found = Path(path.anchor)
    for name in path.parts[1:]:
        if (found / name).exists():
            found = found / name
            continue
        try:
            same = [p for p in found.iterdir() if p.name.casefold() == name.casefold()]
        except OSError:
            return None
        if len(same) != 1:
            return None
        found = same[0]
    return found


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


def folder_named(spoken: str, honorific: str, verb: str = "open") -> tuple[Path, str, str | None]:
    """The folder ``spoken`` names: a user folder ("downloads", "my home folder"), a path, or a
    folder directly in the home folder; with how it is said ("your Downloads folder", "~/src")
    and the user folder's place (None for others).  ToolFailed saying what was looked for where
    there is none, or it is a file."""
    place = _place(spoken) if not _looks_like_path(spoken) else None
    if place is not None:
        folder = Path.home() if place == "home" else user_dir(_PLACES[place])
        label = "your home folder" if place == "home" else f"your {folder.name} folder"
        if not folder.is_dir():
            raise ToolFailed(f"You don't have a {place} folder, {honorific}; "
                             f"I looked for {shown_path(folder)}.")
    elif _looks_like_path(spoken):
        folder = _as_path(spoken)
        label = shown_path(folder)
        if folder.is_file():
            raise ToolFailed(f"I can't {verb} {label} as a folder, {honorific}: it's a file.")
        if not folder.is_dir():
            raise ToolFailed(f"There's no folder at {label}, {honorific}.")
    else:
        found = _child_folder(spoken)
        if found is None:
            raise ToolFailed(f"I can't find a folder called \"{spoken}\" in your home folder, "
                             f"{honorific}.")
        folder, label = found, shown_path(found)
    return folder, label, place


def _open_folder(args: dict, context: Context) -> ToolResult:
    folder, label, place = folder_named(args["name"].strip(), context.honorific)
    handler = open_with_handler(str(folder), "folders", context)
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
    shown = shown_path(path.parent)
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
    listed = join_words([f"{f['name']} in {f['folder']}" for f in files])
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
            raise ToolFailed(f"There's nothing at {shown_path(path)}, {context.honorific}.")
        handler = open_with_handler(str(path), "files", context)
        return ToolResult(f"Opening {shown_path(path)}, {context.honorific}.",
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
    handler = open_with_handler(str(path), "files", context)
    data = {"name": spoken, "count": search.count, "handler": handler, "file": _file_data(path, mtime)}
    opened = f"Opening {path.name} in {data['file']['folder']}"
    if search.count > 1:
        opened += f", the likeliest of {_count(search.count)} matching \"{spoken}\""
    return ToolResult(f"{opened}, {context.honorific}.", data)


# --- the tools -------------------------------------------------------------------------------------

TOOLS: tuple[Tool, ...] = (
    Tool("open_folder", "Open a folder in the file manager: home, desktop, documents, downloads, "
         "music, pictures, videos, or a path.",
         (Param("name", str, 'a place ("downloads") or a folder\'s path ("~/projects")'),),
         _open_folder, read_only=False, timeout_s=3.0, examples=EXAMPLES["open_folder"]),
    Tool("open_file", "Open a file from the home folder (found by name; the newest if several) "
         "in its usual program.",
         (Param("name", str, 'the file\'s name or words from it, e.g. "report.pdf"'),),
         _open_file, read_only=False, timeout_s=5.0, examples=EXAMPLES["open_file"]),
    Tool("find_files", "Find files in the home folder whose names contain the given words: how "
         "many, and the newest three with their folders.",
         (Param("name", str, 'words from the file\'s name, e.g. "invoice"'),),
         _find_files, timeout_s=4.0, examples=EXAMPLES["find_files"]),
)
