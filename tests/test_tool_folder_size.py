"""The ``folder_size`` tool (jarvis_desktop/core/tools/folder_size.py): how much room a folder
takes, counted on a real folder in tmp_path as ``du -sx`` counts it, bounded in time; and the
question asked in so many words, answered without the model."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from jarvis_desktop.core.assistant import EVAL_NOW
from jarvis_desktop.core.tools import Toolbox, default_tools
from jarvis_desktop.core.tools.base import Context, ToolFailed
from jarvis_desktop.core.tools.call import parse
from jarvis_desktop.core.tools.folder_size import folder_size_asked, measure, size_words
from tests.tool_checks import said_in_data

TOOL = {t.name: t for t in default_tools()}["folder_size"]
CONTEXT = Context("sir", EVAL_NOW)
MB = 1_000_000


def write(path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(os.urandom(size))  # random: no file system compresses it away


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A home folder: a user folder named by user-dirs.dirs, hidden caches, a hard link, a
    symbolic link to a big folder outside it, and a sparse file."""
    home = tmp_path / "home"
    write(home / "Downloads" / "film.mkv", 3 * MB)
    write(home / "Downloads" / "old" / "setup.iso", 2 * MB)
    write(home / ".cache" / "thumbnails" / "a.png", 1 * MB)
    write(home / "Documents" / "letter.odt", 200_000)
    os.link(home / "Documents" / "letter.odt", home / "Documents" / "letter (copy).odt")
    write(tmp_path / "elsewhere" / "huge.bin", 5 * MB)
    (home / "elsewhere").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with open(home / "sparse.img", "wb") as f:  # 50 MB long, nothing in it
        f.truncate(50 * MB)
    (home / ".config").mkdir()
    (home / ".config" / "user-dirs.dirs").write_text('XDG_DOWNLOAD_DIR="$HOME/Downloads"\n')
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    return home


def run(**args):
    return TOOL.run(args, CONTEXT)


def test_a_folder_is_counted_as_du_counts_it(home):
    usage = measure(home)
    assert usage.complete and usage.other_disks == 0
    assert usage.files == 7  # the hard link once, the symbolic link itself, the sparse file
    if shutil.which("du"):
        du = subprocess.run(["du", "-sx", "--block-size=1", str(home)], capture_output=True, text=True,
                            check=True)
        assert usage.bytes == int(du.stdout.split()[0])
    # what each thing in it holds: the link to 5 MB elsewhere and the sparse 50 MB hold next to nothing
    assert usage.parts["Downloads"] >= 5 * MB and usage.parts[".cache"] >= MB
    assert usage.parts["elsewhere"] < 10_000 and usage.parts["sparse.img"] < 100_000
    assert 6.2 * MB < usage.bytes < 6.6 * MB


def test_the_reply_says_the_size_files_and_the_biggest_parts(home):
    result = run(name="home")
    data = result.data
    assert data["complete"] and data["files"] == 7 and data["folder"] == str(home)
    assert [b["name"] for b in data["biggest"]] == ["Downloads", ".cache", "Documents"]
    assert result.reply == (f"Your home folder takes up {data['size']} in 7 files, sir; the most is in "
                            f"Downloads ({data['biggest'][0]['size']}), .cache ({data['biggest'][1]['size']}) "
                            f"and Documents ({data['biggest'][2]['size']}).")
    downloads = run(name="my downloads folder")
    assert downloads.data["folder"] == str(home / "Downloads") and downloads.data["files"] == 2
    assert downloads.reply.startswith("Your Downloads folder takes up 5")
    assert run(name="~/Documents").reply.startswith("~/Documents takes up 2")


def test_a_count_that_runs_out_of_time_says_it_stopped_with_what_it_had(home, monkeypatch):
    for i in range(1200):
        (home / "many" / f"{i // 100}").mkdir(parents=True, exist_ok=True)
        (home / "many" / f"{i // 100}" / f"{i}.txt").write_text("x")
    monkeypatch.setattr("jarvis_desktop.core.tools.folder_size.COUNT_S", 0.0)
    usage = measure(home, budget_s=0.0)
    assert not usage.complete and usage.files < 1200
    result = run(name="home")
    assert not result.data["complete"]
    assert "takes up at least" in result.reply and "in 0 seconds and stopped there" in result.reply


def test_a_missing_folder_or_a_file_is_said_clearly(home):
    with pytest.raises(ToolFailed, match="There's no folder at ~/nowhere, sir."):
        run(name="~/nowhere")
    with pytest.raises(ToolFailed, match="I can't measure ~/sparse.img as a folder, sir: it's a file."):
        run(name="~/sparse.img")
    with pytest.raises(ToolFailed, match="You don't have a music folder, sir"):
        run(name="music")


@pytest.mark.parametrize("n, said", [(0, "0 bytes"), (1, "1 byte"), (999, "999 bytes"), (1500, "1.5 KB"),
                                     (512_300_000, "512 MB"), (4_123_456_789, "4.12 GB"),
                                     (2 * 10**12, "2 TB")])
def test_sizes_are_said_as_file_managers_count_them(n, said):
    assert size_words(n) == said


@pytest.mark.parametrize("message, name", [
    ("How much space is my home folder using?", "home"),
    ("how big is my downloads folder", "downloads"),
    ("um jarvis how large is the Pictures directory", "Pictures"),
    ("What's the size of my ~/projects folder?", "~/projects"),
    ("What's taking up all the space in my documents folder?", "documents"),
    ("how much room does my videos folder take up", "videos"),
    ("what's hogging the room in my downloads", "downloads"),
    ("What's eating up all the space in my Music folder?", "Music"),
])
def test_a_question_of_a_folders_size_is_read_in_so_many_words(message, name):
    assert folder_size_asked(message) == {"name": name}


@pytest.mark.parametrize("message", [
    "How much space is left on my drive?",  # the disk's free space
    "check the space in my downloads folder",
    "how much free space is there where my videos folder is",
    "open my downloads folder",
    "what's using the space in my car",
    "How big is the Pacific?",
    "how big is my folder of wedding photos going to get if I keep this up, do you think, given the rate",
])
def test_other_questions_are_not_a_folders_size(message):
    assert folder_size_asked(message) is None


def test_a_question_of_a_folders_size_is_the_tool_beyond_doubt_and_nothing_else_in_the_data():
    toolbox = Toolbox(act=False, clock=lambda: EVAL_NOW)
    assert toolbox.beyond_doubt("how big is my downloads folder") == 'call:folder_size{name:"downloads"}'
    read = [(m, r) for m, r in said_in_data() if folder_size_asked(m.rsplit("\n", 1)[-1])]
    assert read and [(m, r) for m, r in read if not r.startswith("call:folder_size")] == []


def test_examples_are_calls_the_tool_answers(home):
    (home / "Pictures").mkdir()
    (home / "Videos").mkdir()
    (home / "Music").mkdir()
    (home / "Desktop").mkdir()
    (home / "projects").mkdir()
    assert len(TOOL.examples) >= 10
    for request, call in TOOL.examples:
        parsed = parse(call)
        assert parsed.name == "folder_size", call
        if parsed.args["name"].startswith("/"):
            continue  # a system folder: not in the test's home
        assert TOOL.run(dict(parsed.args), CONTEXT).data["bytes"] >= 0, request


def test_through_the_assistant_a_folders_size_and_a_cup_of_flour_come_from_the_tools(home, tiny_engine):
    """The app's path with the tiny (untrained) model: the figures come from the tools, whatever
    the model would write."""
    from jarvis_desktop.core.assistant import Assistant, Persona

    assistant = Assistant(tiny_engine, None, Persona("madam"), clock=lambda: EVAL_NOW, tools=Toolbox(act=False))
    answer = assistant.ask("How big is my Downloads folder?").result()
    assert answer.source == "tool" and answer.tool.name == "folder_size"
    assert answer.text.startswith("Your Downloads folder takes up 5") and "in 2 files, madam" in answer.text
    answer = assistant.ask("how many grams in 2 cups of flour").result()
    assert answer.source == "tool" and answer.text == "2 cups of flour is about 250 grams, madam."
