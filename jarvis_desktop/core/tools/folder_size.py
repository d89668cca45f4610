"""The ``folder_size`` tool: how much room a folder takes, and what in it takes the most.

"How much space is my home folder using?" is not the disk's free space (``disk_free``): it is
the folder's own size, counted as ``du -sx`` counts it: the blocks its files hold on disk
(a sparse file counts what it holds, a hard-linked file once), hidden files and caches
included (they are often the most of it), symbolic links not followed, and other disks
mounted inside it left out (a network share under the home folder is not this disk).  The
count is bounded in time, so a folder of a million files costs the reply a few seconds and
says it stopped, with what it had counted so far.
"""

from __future__ import annotations

import os
import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from jarvis_desktop.core.skills import format_number
from jarvis_desktop.core.tools.slots_words import OPENING, one_line
from jarvis_desktop.core.tools.base import Context, Param, Tool, ToolResult
from jarvis_desktop.core.tools.desktop import join_words
from jarvis_desktop.core.tools.files import folder_named
from jarvis_desktop.core.tools.units import round_significant

__all__ = ["TOOLS", "Usage", "measure", "size_words", "folder_size_asked", "COUNT_S"]

COUNT_S = 3.0  # how long a count may take before it stops and says what it has so far
BIGGEST = 3  # the largest things in the folder that are named


@dataclass(frozen=True)
class Usage:
    """A folder's size: ``bytes`` on disk, ``files`` counted, what each thing directly in it
    holds (``parts``: name -> bytes), whether the count finished, and how many folders inside it
    were on another disk and left out."""

    bytes: int
    files: int
    parts: dict[str, int]
    complete: bool
    other_disks: int = 0


def _on_disk(stat: os.stat_result) -> int:
    blocks = getattr(stat, "st_blocks", None)  # Windows has none: the size is the nearest
    return blocks * 512 if blocks is not None else stat.st_size


def measure(root: Path, budget_s: float = COUNT_S) -> Usage:
    """What ``root`` holds on disk, counted for at most ``budget_s`` seconds."""
    deadline = time.monotonic() + budget_s
    top = root.stat()
    device = top.st_dev
    parts: Counter[str] = Counter()
    seen: set[tuple[int, int]] = set()
    total, files, other_disks, complete = _on_disk(top), 0, 0, True
    stack: list[tuple[str, str | None]] = [(str(root), None)]
    checked = 0
    while stack:
        folder, part = stack.pop()
        try:
            listing = os.scandir(folder)
        except OSError:  # unreadable, or gone since it was listed
            continue
        with listing:
            for item in listing:
                checked += 1
                if checked % 512 == 0 and time.monotonic() >= deadline:
                    complete = False
                    break
                try:
                    stat = item.stat(follow_symlinks=False)
                except OSError:
                    continue
                if stat.st_dev != device:
                    other_disks += 1
                    continue
                if stat.st_nlink > 1 and not item.is_dir(follow_symlinks=False):
                    if (stat.st_dev, stat.st_ino) in seen:
                        continue
                    seen.add((stat.st_dev, stat.st_ino))
                size = _on_disk(stat)
                name = part or item.name
                total += size
                parts[name] += size
                if item.is_dir(follow_symlinks=False):
                    stack.append((item.path, name))
                else:
                    files += 1
        if not complete:
            break
    return Usage(total, files, dict(parts), complete, other_disks)


def size_words(n: int) -> str:
    """Bytes as said, decimal as the file managers count: "4.12 GB", "512 MB", "3 KB"."""
    for unit, scale in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if n >= scale:
            return f"{format_number(round_significant(n / scale, 3))} {unit}"
    return f"{format_number(n)} byte{'' if n == 1 else 's'}"


def _folder_size(args: dict, context: Context) -> ToolResult:
    h = context.honorific
    folder, label, _ = folder_named((args.get("name") or "home").strip() or "home", h, "measure")
    usage = measure(folder, COUNT_S)
    biggest = [(name, size) for name, size in sorted(usage.parts.items(), key=lambda p: (-p[1], p[0]))
               if size > 0][:BIGGEST]
    data = {"folder": str(folder), "bytes": usage.bytes, "size": size_words(usage.bytes),
            "files": usage.files, "complete": usage.complete, "other_disks": usage.other_disks,
            "biggest": [{"name": name, "bytes": size, "size": size_words(size)} for name, size in biggest]}
    files = f"{format_number(usage.files)} file{'' if usage.files == 1 else 's'}"
    label = label[:1].upper() + label[1:]
    if usage.complete:
        said = f"{label} takes up {data['size']} in {files}, {h}"
    else:
        said = (f"{label} takes up at least {data['size']}, {h}: I counted {files} in "
                f"{format_number(COUNT_S)} seconds and stopped there")
    if len(biggest) > 1 and usage.bytes:
        most = join_words([f"{name} ({item['size']})" for (name, _), item in zip(biggest, data["biggest"])])
        said += f"; the most is in {most}"
    if usage.other_disks:
        said += (f"; {format_number(usage.other_disks)} folder{'' if usage.other_disks == 1 else 's'} "
                 f"on another disk not counted")
    return ToolResult(f"{said}.", data)


# -- a question of a folder's size in so many words --------------------------------------------

def _folder(i: int) -> str:
    return rf"(?:my |the |your )?(?P<name{i}>[\w~./ -]{{1,60}}?) (?:folder|directory|dir)"


# the user's own folders, named without "folder" ("what's hogging the room in my downloads")
_PLACES = "downloads|documents|pictures|photos|music|videos|desktop|home folder|home directory"
_SIZE_ASKED = re.compile(
    rf"^{OPENING}(?:"
    rf"how (?:big|large) is {_folder(1)}(?: (?:now|these days|at the moment|on disk))?"
    rf"|what(?:'s| is) the size of {_folder(2)}"
    rf"|how much (?:space|room|disk space|disk|storage) (?:is|does) {_folder(3)} "
    r"(?:take up|taking up|use|using|occupy|occupying)(?: on (?:the|my) (?:disk|drive))?"
    r"|what(?:'s| is) (?:taking up|using up|using|eating up|eating|hogging|chewing up|gobbling up) (?:all )?(?:the |my |so much )?"
    rf"(?:space|room|storage|disk space) in (?:{_folder(4)}|(?:my |the )?(?P<name5>{_PLACES}))"
    r")(?: please| jarvis)?$", re.IGNORECASE)


def folder_size_asked(message: str) -> dict | None:
    """The call's arguments where ``message`` asks for a folder's size in so many words ("how
    much space is my home folder using", "how big is my downloads folder", "what's taking up
    the space in my documents folder"), else None.  Questions of free space are disk_free's."""
    text = one_line(message.replace(",", " "))
    m = _SIZE_ASKED.match(text)
    if m is None:
        return None
    name = next(g for g in m.groups() if g is not None).strip()
    return {"name": name}


TOOLS: tuple[Tool, ...] = (
    Tool("folder_size", "How much room a folder takes on disk (default: the home folder), and what "
         "in it takes the most.",
         (Param("name", str, 'a place ("downloads", "home") or a folder\'s path ("~/projects")',
                required=False, default="home"),),
         _folder_size, timeout_s=COUNT_S + 3.0, examples=(
             ("How much space is my home folder using?", 'call:folder_size{name:"home"}'),
             ("how big is my downloads folder", 'call:folder_size{name:"downloads"}'),
             ("What's taking up all the space in my documents folder?", 'call:folder_size{name:"documents"}'),
             ("jarvis how much room do my pictures take up", 'call:folder_size{name:"pictures"}'),
             ("What's the size of the ~/projects folder?", 'call:folder_size{name:"~/projects"}'),
             ("Is my Videos folder very big?", 'call:folder_size{name:"videos"}'),
             ("um how many gigs is my music folder", 'call:folder_size{name:"music"}'),
             ("Which folders in my home are eating the disk?", 'call:folder_size{name:"home"}'),
             ("how much have I got in downloads", 'call:folder_size{name:"downloads"}'),
             ("What's using up my disk space?", 'call:folder_size{name:"home"}'),
             ("Tell me the size of my desktop folder, please.", 'call:folder_size{name:"desktop"}'),
             ("how large is the photos directory", 'call:folder_size{name:"pictures"}'),
             ("My home folder feels bloated. How big is it?", 'call:folder_size{name:"home"}'),
             ("how much space do my documents take", 'call:folder_size{name:"documents"}'),
             ("What takes up the most room in /var/log?", 'call:folder_size{name:"/var/log"}'),
         )),
)
