"""The desktop tools against a real home folder, real menu entries and real programs.

Each test builds a home folder and an XDG data folder in tmp_path (HOME and the XDG variables
are the tools' inputs).  Apps are ``.desktop`` files whose Exec runs a small Python script that
writes a marker file: the tool really starts it, detached, and the test waits for the marker.
The default handler is a real ``xdg-open`` script first on PATH that records what it was given.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from jarvis_desktop.core.tools.base import Context, ToolFailed, ToolResult
from jarvis_desktop.core.tools.call import check, format_call, parse
from jarvis_desktop.core.paths import asset
from jarvis_desktop.core.tools import Toolbox, desktop, files
from jarvis_desktop.core.tools.desktop import DesktopEntry, exec_argv, find_app, load_entries, web_address
from jarvis_desktop.core.tools.files import find_reply, search_home
from tests.tool_checks import assert_numbers_from_data

TOOLS = (*desktop.TOOLS, *files.TOOLS)
BY_NAME = {tool.name: tool for tool in TOOLS}
LINUX_DESKTOP = os.name == "posix" and sys.platform != "darwin"  # where xdg-open is the handler
MARK = "import sys\nopen(sys.argv[1], 'w').write('\\n'.join(sys.argv[2:]) + '\\n')\n"


def run(name: str, args: dict, honorific: str = "sir") -> ToolResult:
    result = BY_NAME[name].run(args, Context(honorific=honorific))
    assert_butler_sentence(result, honorific)
    return result


def assert_butler_sentence(result: ToolResult, honorific: str) -> None:
    reply = result.reply
    assert result.ok and reply.endswith(f", {honorific}."), reply
    assert not re.search(r"[.!?]\s+[A-Z]", reply), f"more than one sentence: {reply}"
    assert_numbers_from_data(result)


def wait_for(path: Path, lines: int = 1, seconds: float = 20.0) -> str:
    """The file's text once detached programs have written ``lines`` whole lines to it (a
    generous wait: the machine may be busy; no test asserts how long it took)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        text = path.read_text() if path.exists() else ""
        if text.count("\n") >= lines and text.endswith("\n"):
            return text
        time.sleep(0.05)
    raise AssertionError(f"{path} did not get {lines} line(s) within {seconds} s")


def script(path: Path, body: str) -> Path:
    path.write_text(f"#!{sys.executable}\n{body}")
    path.chmod(0o755)
    return path


@pytest.fixture
def desk(tmp_path, monkeypatch):
    """A home folder, an empty menu (user and system folders), a recording xdg-open first on
    PATH, and a display to open windows on."""
    home, data, system, tools = (tmp_path / n for n in ("home", "data", "system", "bin"))
    for folder in (home, data / "applications", system / "applications", tools):
        folder.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.setenv("XDG_DATA_DIRS", str(system))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("DISPLAY", os.environ.get("DISPLAY") or ":0")
    monkeypatch.setenv("PATH", str(tools) + os.pathsep + os.environ.get("PATH", ""))
    monkeypatch.delenv("BROWSER", raising=False)
    opened = tmp_path / "opened.txt"
    script(tools / "xdg-open", f"import sys\nopen({str(opened)!r}, 'a').write(sys.argv[1] + '\\n')\n")
    return {"home": home, "user_apps": data / "applications", "system_apps": system / "applications",
            "opened": opened, "tmp": tmp_path, "mark": script(tmp_path / "mark.py", MARK)}


def desktop_file(folder: Path, stem: str, **keys: str) -> Path:
    """A real menu entry; an action group follows the main one, as in most real files."""
    lines = ["# written by a test", "[Desktop Entry]", "Version=1.0"]
    lines += [f"{key}={value}" for key, value in {"Type": "Application", **keys}.items()]
    lines += ["", "[Desktop Action new-window]", "Name=Wrong Group", "Exec=/bin/false"]
    path = folder / f"{stem}.desktop"
    path.write_text("\n".join(lines) + "\n")
    return path


def marking_exec(desk, marker: Path, extra: str = "") -> str:
    return f"{sys.executable} {desk['mark']} {marker} {extra}".strip()


# --- the tools' declarations ------------------------------------------------------------------

def test_only_find_files_is_read_only_and_every_example_is_a_canonical_call_of_its_tool():
    assert sorted(BY_NAME) == ["find_files", "open_app", "open_file", "open_folder", "open_url"]
    assert [t.name for t in TOOLS if t.read_only] == ["find_files"]
    for tool in TOOLS:
        assert tool.doc and tool.timeout_s <= 10 and len(tool.examples) >= 10, tool.name
        requests = [request for request, _ in tool.examples]
        assert len(set(requests)) == len(requests), f"{tool.name}: a request is repeated"
        assert any(r == r.lower() and not re.search(r"[.,?!]", r) for r in requests), tool.name
        assert any(r != r.lower() for r in requests), tool.name
        for request, text in tool.examples:
            call = parse(text)
            assert call.name == tool.name and check(call, tool), (request, text)
            assert format_call(call.name, call.args) == text, text


# --- open_app ---------------------------------------------------------------------------------

def test_open_app_starts_the_entrys_program_without_its_field_codes(desk):
    marker = desk["tmp"] / "started.txt"
    path = desktop_file(desk["user_apps"], "firefox", Name="Firefox", GenericName="Web Browser",
                        Exec=marking_exec(desk, marker, "--new-window 100%% %U"))
    result = run("open_app", {"name": "firefox"})
    assert result.reply == "Opening Firefox, sir."
    assert result.data["app"] == "Firefox" and result.data["desktop_file"] == str(path)
    assert wait_for(marker).splitlines() == ["--new-window", "100%"]  # %U gone, %% a plain %


def test_open_app_finds_an_app_by_what_it_is_and_prefers_the_user_s_own_entry(desk):
    user, system = desk["user_apps"], desk["system_apps"]
    desktop_file(system, "firefox", Name="Firefox", GenericName="Web Browser", Exec="firefox %u")
    desktop_file(user, "firefox", Name="Firefox (mine)", GenericName="Web Browser", Exec="firefox")
    desktop_file(system, "org.gnome.TextEditor", Name="Text Editor", Keywords="write;notepad;",
                 Exec="gnome-text-editor %U")
    desktop_file(system, "gedit", Name="gedit", GenericName="Text Editor", Exec="gedit %U")
    desktop_file(system, "org.gnome.Nautilus", Name="Files", Keywords="folder;manager;explore;disk;",
                 Exec="nautilus --new-window %U")
    desktop_file(system, "org.gnome.Calculator", Name="Calculator", Keywords="calculation;arithmetic;",
                 Exec="gnome-calculator")
    desktop_file(system, "vim", Name="Vim", GenericName="Text Editor", Terminal="true", Exec="vim %F")
    entries = load_entries()
    assert [e.name for e in entries].count("Firefox (mine)") == 1
    assert "Firefox" not in [e.name for e in entries]  # the user's file of the same ID wins
    expected = {"firefox": "Firefox (mine)", "the web browser": "Firefox (mine)",
                "text editor": "Text Editor", "gedit": "gedit", "notepad": "Text Editor",
                "texteditor": "Text Editor", "files": "Files", "file manager": "Files",
                "nautilus": "Files", "the calculator app": "Calculator", "calculater": "Calculator",
                "vim": "Vim"}
    assert {spoken: find_app(spoken, entries).name for spoken in expected} == expected


def test_the_menu_is_read_again_only_when_an_entry_is_added_changed_or_removed(desk):
    system = desk["system_apps"]
    desktop_file(system, "firefox", Name="Firefox", Exec="firefox %u")
    first = desktop.installed_apps()
    assert desktop.installed_apps() is first  # nothing changed: not parsed again
    calc = desktop_file(system, "org.gnome.Calculator", Name="Calculator", Exec="gnome-calculator")
    assert [e.name for e in desktop.installed_apps()] == ["Firefox", "Calculator"]
    calc.write_text(calc.read_text().replace("Name=Calculator", "Name=Sums"))
    os.utime(calc, ns=(time.time_ns(), time.time_ns() + 1_000_000))  # a coarse clock can't hide it
    assert [e.name for e in desktop.installed_apps()] == ["Firefox", "Sums"]
    assert desktop.app_named("open sums").name == "Sums"
    calc.unlink()
    assert [e.name for e in desktop.installed_apps()] == ["Firefox"]
    assert desktop.app_named("open sums") is None


def test_hidden_no_display_other_types_and_uninstalled_entries_are_not_apps(desk):
    user, system = desk["user_apps"], desk["system_apps"]
    desktop_file(system, "quillpad", Name="Quillpad", Exec="quillpad")
    desktop_file(user, "quillpad", Name="Quillpad", Exec="quillpad", Hidden="true")  # removed by the user
    desktop_file(system, "ghostwriter", Name="Ghostwriter", Exec="ghostwriter", NoDisplay="true")
    desktop_file(system, "manual", Name="Manual", Exec="manual", Type="Link")
    desktop_file(system, "gone", Name="Gone Player", Exec="gone", TryExec=str(desk["tmp"] / "no-such"))
    desktop_file(system, "tool", Name="Tool Kit", Exec="python3", TryExec=sys.executable)
    assert [e.name for e in load_entries()] == ["Tool Kit"]
    for spoken in ("quillpad", "ghostwriter", "manual", "gone player"):
        with pytest.raises(ToolFailed, match=f'called "{spoken}", sir'):
            BY_NAME["open_app"].run({"name": spoken}, Context())


def test_an_unknown_app_is_said_with_up_to_three_close_names(desk):
    for stem, name in (("a", "Firefox"), ("b", "Firewall"), ("c", "Fireworks"), ("d", "Firefly"),
                       ("e", "Calculator")):
        desktop_file(desk["system_apps"], stem, Name=name, Exec="true")
    with pytest.raises(ToolFailed) as caught:
        BY_NAME["open_app"].run({"name": "firestorm"}, Context(honorific="madam"))
    message = str(caught.value)
    assert message.startswith('I can\'t find an application called "firestorm", madam; the closest')
    named = [n for n in ("Firefox", "Firewall", "Fireworks", "Firefly") if n in message]
    assert len(named) == 3 and "Calculator" not in message
    with pytest.raises(ToolFailed) as caught:
        BY_NAME["open_app"].run({"name": "zzz"}, Context())
    assert str(caught.value) == 'I can\'t find an application called "zzz", sir.'


def test_a_terminal_app_and_an_unreadable_exec_line_are_refused_with_a_reason(desk):
    desktop_file(desk["system_apps"], "vim", Name="Vim", Terminal="true", Exec="vim %F")
    desktop_file(desk["system_apps"], "broken", Name="Broken", Exec='"/opt/broken app %U')
    desktop_file(desk["system_apps"], "missing", Name="Missing", Exec=str(desk["tmp"] / "not-here"))
    with pytest.raises(ToolFailed, match="Vim runs in a terminal, sir; I can only open windowed"):
        BY_NAME["open_app"].run({"name": "vim"}, Context())
    with pytest.raises(ToolFailed, match=r"couldn't start Broken, sir: .*broken\.desktop: its Exec"):
        BY_NAME["open_app"].run({"name": "broken"}, Context())
    with pytest.raises(ToolFailed, match=r"couldn't start Missing, sir: No such file"):
        BY_NAME["open_app"].run({"name": "missing"}, Context())


def test_exec_lines_are_split_as_the_specification_quotes_them(tmp_path):
    def argv(line: str) -> list[str]:
        return exec_argv(DesktopEntry("x.desktop", tmp_path / "x.desktop", "X", line))

    assert argv('"/opt/My App/run" --file %f --icon %i %c %k') == ["/opt/My App/run", "--file", "--icon"]
    assert argv("env LANG=C app --rate=50%% %U") == ["env", "LANG=C", "app", "--rate=50%"]
    assert argv('sh -c "echo \\"hi\\""') == ["sh", "-c", 'echo "hi"']
    with pytest.raises(ValueError, match="names no program"):
        argv("%U")


@pytest.mark.skipif(not LINUX_DESKTOP, reason="a display is asked for on Linux and the BSDs only")
def test_without_a_display_nothing_is_started_and_jarvis_says_why(desk, monkeypatch):
    marker = desk["tmp"] / "started.txt"
    desktop_file(desk["user_apps"], "app", Name="Notes", Exec=marking_exec(desk, marker))
    (desk["home"] / "Music").mkdir()
    monkeypatch.delenv("DISPLAY")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    for name, args in (("open_app", {"name": "notes"}), ("open_folder", {"name": "music"}),
                       ("open_url", {"url": "bbc.co.uk"})):
        with pytest.raises(ToolFailed, match="sir: no desktop display is running"):
            BY_NAME[name].run(args, Context())
    assert not marker.exists() and not desk["opened"].exists()


# --- open_folder --------------------------------------------------------------------------------

def opened(desk, n: int = 1) -> list[str]:
    """What the recording xdg-open was given, once it has been run ``n`` times."""
    return wait_for(desk["opened"], n).splitlines()


def test_open_folder_hands_the_user_folder_to_the_default_handler(desk):
    downloads = desk["home"] / "Downloads"
    downloads.mkdir()
    result = run("open_folder", {"name": "my downloads folder"}, "madam")
    assert result.reply == "Opening your Downloads folder, madam."
    assert result.data["folder"] == str(downloads) and result.data["place"] == "downloads"
    assert opened(desk) == [str(downloads)]


def test_user_dirs_dirs_names_the_folders_and_home_is_home(desk):
    config = desk["home"] / ".config"
    config.mkdir()
    (config / "user-dirs.dirs").write_text('# from xdg-user-dirs-update\n'
                                           'XDG_DOWNLOAD_DIR="$HOME/Téléchargements"\n'
                                           f'XDG_PICTURES_DIR="{desk["tmp"] / "photos 2024"}"\n')
    for folder in (desk["home"] / "Téléchargements", desk["tmp"] / "photos 2024"):
        folder.mkdir()
    assert run("open_folder", {"name": "downloads"}).reply == "Opening your Téléchargements folder, sir."
    assert run("open_folder", {"name": "photos"}).reply == "Opening your photos 2024 folder, sir."
    assert run("open_folder", {"name": "home"}).reply == "Opening your home folder, sir."
    assert sorted(opened(desk, 3)) == sorted([str(desk["home"] / "Téléchargements"),
                                           str(desk["tmp"] / "photos 2024"), str(desk["home"])])


def test_open_folder_takes_paths_in_and_outside_home(desk):
    projects = desk["home"] / "projects"
    projects.mkdir()
    assert run("open_folder", {"name": "~/projects"}).reply == "Opening ~/projects, sir."
    assert opened(desk) == [str(projects)]
    desk["opened"].unlink()
    elsewhere = desk["tmp"] / "elsewhere"
    elsewhere.mkdir()
    assert run("open_folder", {"name": str(elsewhere)}).reply == f"Opening {elsewhere}, sir."
    assert opened(desk) == [str(elsewhere)]
    desk["opened"].unlink()
    assert run("open_folder", {"name": "Projects"}).data["folder"] == str(projects)  # a home child
    assert opened(desk) == [str(projects)]


def test_a_spoken_path_in_lower_case_opens_the_folder_it_names(desk):
    """Speech recognition writes paths in lower case ("slash home slash ..."): the one folder
    they name up to capitals is opened, and where two differ only in capitals, neither is."""
    website = desk["home"] / "Projects" / "Website"
    website.mkdir(parents=True)
    result = run("open_folder", {"name": "~/projects/website"})
    assert result.data["folder"] == str(website) and opened(desk) == [str(website)]
    desk["opened"].unlink()
    (desk["home"] / "projects").mkdir()  # now "~/projects" is exactly a folder without "Website" in it
    (desk["home"] / "Notes").mkdir()
    (desk["home"] / "NOTES").mkdir()
    for name in ("~/projects/website", "~/notes"):
        with pytest.raises(ToolFailed, match="There's no folder at"):
            BY_NAME["open_folder"].run({"name": name}, Context())
    assert not desk["opened"].exists()


def test_a_missing_folder_is_said_clearly_and_nothing_is_opened(desk):
    (desk["home"] / "notes.txt").write_text("tea\n")
    cases = {"~/nowhere": "There's no folder at ~/nowhere, sir.",
             "music": "You don't have a music folder, sir; I looked for ~/Music.",
             "~/notes.txt": "I can't open ~/notes.txt as a folder, sir: it's a file.",
             "holiday snaps": 'I can\'t find a folder called "holiday snaps" in your home folder, sir.'}
    for name, message in cases.items():
        with pytest.raises(ToolFailed) as caught:
            BY_NAME["open_folder"].run({"name": name}, Context())
        assert str(caught.value) == message
    assert not desk["opened"].exists()


@pytest.mark.skipif(not LINUX_DESKTOP, reason="xdg-open is the handler on Linux and the BSDs")
def test_without_xdg_open_jarvis_says_it_is_missing(desk, monkeypatch):
    empty = desk["tmp"] / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    (desk["home"] / "Documents").mkdir()
    (desk["home"] / "report.pdf").write_text("%PDF\n")
    for name, args in (("open_folder", {"name": "documents"}), ("open_file", {"name": "report.pdf"})):
        with pytest.raises(ToolFailed, match="sir: xdg-open isn't installed"):
            BY_NAME[name].run(args, Context())
    with pytest.raises(ToolFailed, match="xdg-open isn't installed and I can't find a web browser"):
        BY_NAME["open_url"].run({"url": "bbc.co.uk"}, Context())


# --- find_files and open_file ---------------------------------------------------------------------

def make_file(path: Path, age_s: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x\n")
    stamp = time.time() - age_s
    os.utime(path, (stamp, stamp))
    return path


@pytest.fixture
def invoices(desk):
    home = desk["home"]
    make_file(home / "Downloads" / "Invoice.pdf", 10)
    make_file(home / "Documents" / "invoice-march-2024.pdf", 100)
    make_file(home / "a" / "b" / "c" / "old invoice.txt", 500)
    make_file(home / "invoice notes.txt", 1000)
    # Hidden folders and files, caches and package trees are not searched.
    for skipped in (".hidden/invoice.pdf", ".invoice.pdf", "node_modules/invoice.js",
                    "code/__pycache__/invoice.pyc", "thumbnails-cache/invoice.png",
                    "venv/lib/invoice.py"):
        make_file(home / skipped, 1)
    (home / "invoices").mkdir()  # a folder is not a file
    return home


def test_find_files_counts_matches_and_names_the_newest_three_with_their_folders(invoices):
    result = run("find_files", {"name": "invoice"})
    assert result.reply == ('I found 4 files matching "invoice", the newest being Invoice.pdf in '
                            "Downloads, invoice-march-2024.pdf in Documents and old invoice.txt in a/b/c, sir.")
    assert result.data["count"] == 4 and result.data["complete"] is True
    assert [f["path"] for f in result.data["files"]] == [
        str(invoices / p) for p in ("Downloads/Invoice.pdf", "Documents/invoice-march-2024.pdf",
                                    "a/b/c/old invoice.txt")]


def test_find_files_needs_every_word_and_says_when_nothing_matches(invoices):
    result = run("find_files", {"name": "march invoice"}, "madam")
    assert result.reply == ('I found 1 file matching "march invoice", invoice-march-2024.pdf in '
                            "Documents, madam.")
    result = run("find_files", {"name": "notes"})
    assert result.reply == 'I found 1 file matching "notes", invoice notes.txt in your home folder, sir.'
    result = run("find_files", {"name": "passport"})
    assert result.reply == 'I found no files matching "passport" in your home folder, sir.'
    assert result.data["count"] == 0 and result.data["files"] == []


def test_a_search_that_finds_no_file_says_what_the_memory_holds_near_the_question(invoices, tmp_path):
    """"Where are the Christmas decs stored?" was read as a search of the home folder, and the
    user heard that no file matched though they had told Jarvis where the decorations are."""
    from jarvis_desktop.core.memory import MemoryStore

    with MemoryStore(tmp_path / "memory.sqlite3") as store:
        box = Toolbox(memory=store)
        question = "where is my passport kept"
        alone = 'I found no files matching "passport" in your home folder, sir.'
        assert box.run('call:find_files{name:"passport"}', "sir", question).result.reply == alone  # nothing kept
        store.add("the boiler was serviced in March")
        assert box.run('call:find_files{name:"passport"}', "sir", question).result.reply == alone  # nothing near
        store.add("my passport is in the top drawer of the desk")
        out = box.run('call:find_files{name:"passport"}', "sir", question)  # the memory surely answers: first
        assert out.result.reply == f"Your passport is in the top drawer of the desk, sir; you told me today. {alone}"
        assert out.result.data["count"] == 0 and out.result.data["noted"]["facts"] == [
            "my passport is in the top drawer of the desk"]
        assert_numbers_from_data(out.result)
        # only the nearest noted: the files' answer first
        out = box.run('call:find_files{name:"desk key"}', "sir", "where's the key to the desk")
        assert out.result.reply == ('I found no files matching "desk key" in your home folder, sir. The nearest I '
                                    'have noted, sir: your passport is in the top drawer of the desk; you told me today.')
        # files found: the files' answer alone
        out = box.run('call:find_files{name:"invoice"}', "sir", "where are my invoices")
        assert "noted" not in out.result.data and out.result.reply.startswith("I found 4 files")


def test_a_search_stops_when_its_time_is_up_and_says_so(invoices):
    cut = search_home(["invoice"], root=invoices, budget_s=0)
    assert not cut.complete and cut.count == 0 and cut.best == ()
    reply = find_reply(cut, "invoice", "sir")
    assert reply.reply == 'I searched for 0 seconds and stopped: I found no files matching "invoice" so far, sir.'
    whole = search_home(["invoice"], root=invoices, keep=2)
    assert whole.complete and whole.count == 4 and len(whole.best) == 2
    said = find_reply(replace(whole, complete=False, budget_s=1.5), "invoice", "sir")  # as if cut short
    assert_butler_sentence(said, "sir")
    assert said.reply.startswith('I searched for 1.5 seconds and stopped: I found 4 files matching "invoice"')
    assert said.data["searched_s"] == 1.5


def test_open_file_opens_the_likeliest_match_and_says_which(invoices, desk):
    result = run("open_file", {"name": "invoice"})
    assert result.reply == ('Opening Invoice.pdf in Downloads, the likeliest of 4 files matching '
                            '"invoice", sir.')
    assert opened(desk) == [str(invoices / "Downloads" / "Invoice.pdf")]
    desk["opened"].unlink()
    # A file of exactly the name said comes before a newer near-miss.
    make_file(invoices / "Documents" / "report.pdf", 5000)
    make_file(invoices / "Downloads" / "old-report.pdf", 1)
    result = run("open_file", {"name": "report.pdf"})
    assert result.reply == 'Opening report.pdf in Documents, the likeliest of 2 files matching "report.pdf", sir.'
    assert opened(desk) == [str(invoices / "Documents" / "report.pdf")]
    desk["opened"].unlink()
    assert run("open_file", {"name": "march"}).reply == "Opening invoice-march-2024.pdf in Documents, sir."
    assert opened(desk) == [str(invoices / "Documents" / "invoice-march-2024.pdf")]
    desk["opened"].unlink()
    assert run("open_file", {"name": "~/invoice notes.txt"}).reply == "Opening ~/invoice notes.txt, sir."
    assert opened(desk) == [str(invoices / "invoice notes.txt")]


def test_open_file_says_when_there_is_no_such_file(invoices, desk):
    with pytest.raises(ToolFailed) as caught:
        BY_NAME["open_file"].run({"name": "passport scan"}, Context())
    assert str(caught.value) == 'I can\'t find a file matching "passport scan" in your home folder, sir.'
    with pytest.raises(ToolFailed, match="There's nothing at ~/Documents/gone.odt, sir."):
        BY_NAME["open_file"].run({"name": "~/Documents/gone.odt"}, Context())
    assert not desk["opened"].exists()


# --- open_url --------------------------------------------------------------------------------------

def test_open_url_adds_https_and_hands_the_address_to_the_handler(desk):
    result = run("open_url", {"url": "bbc.co.uk/sport"})
    assert result.reply == "Opening bbc.co.uk/sport, sir." and result.data["url"] == "https://bbc.co.uk/sport"
    assert opened(desk) == ["https://bbc.co.uk/sport"]
    desk["opened"].unlink()
    result = run("open_url", {"url": "http://192.168.1.1"})
    assert result.reply == "Opening 192.168.1.1, sir."
    assert opened(desk) == ["http://192.168.1.1"]


def test_web_addresses_are_http_or_https_and_look_like_one():
    good = {"bbc.co.uk": "https://bbc.co.uk", "HTTPS://GitHub.com/x": "HTTPS://GitHub.com/x",
            "localhost:8080": "https://localhost:8080", "www.bbc.co.uk:443/news": "https://www.bbc.co.uk:443/news",
            "https://[::1]:8000/": "https://[::1]:8000/", "müller.de": "https://müller.de"}
    assert {text: web_address(text, "sir") for text in good} == good
    for text, scheme in (("javascript:alert(1)", "javascript"), ("file:///etc/passwd", "file"),
                         ("data:text/html,hi", "data"), ("mailto:a@b.com", "mailto")):
        with pytest.raises(ToolFailed) as caught:
            web_address(text, "sir")
        assert str(caught.value) == f"I only open http and https web addresses, sir, not {scheme}: links."
    for text in ("bbc news", "bbc", "bbc.co.uk:port", "https://", "1.2.3", "-bad-.com", "example.c0m", ""):
        with pytest.raises(ToolFailed) as caught:
            web_address(text, "madam")
        assert str(caught.value) == f"\"{text}\" isn't a web address, madam; I need one such as bbc.co.uk."


def test_open_url_refuses_before_anything_is_opened(desk):
    for url in ("javascript:alert(1)", "bbc news"):
        with pytest.raises(ToolFailed):
            BY_NAME["open_url"].run({"url": url}, Context())
    assert not desk["opened"].exists()


# --- an installed app asked for by its very name ------------------------------------------------

MENU = {"firefox": "Firefox", "org.gnome.Nautilus": "Files", "org.gnome.Calculator": "Calculator",
        "org.gnome.Terminal": "Terminal", "org.gnome.Settings": "Settings", "org.gnome.TextEditor": "Text Editor",
        "org.gnome.Music": "Music", "org.gnome.Totem": "Videos", "spotify": "Spotify", "vlc": "VLC media player",
        "libreoffice-writer": "LibreOffice Writer", "gimp": "GNU Image Manipulation Program",
        "thunderbird": "Thunderbird", "code": "Visual Studio Code", "org.gnome.clocks": "Clocks"}


@pytest.fixture
def menu(desk):
    for stem, name in MENU.items():
        command = stem.split(".")[-1].lower()
        desktop_file(desk["system_apps"], stem, Name=name, Exec=f"{command} %U")
    return desk


@pytest.mark.parametrize("message, call", [
    ("open firefox", 'call:open_app{name:"Firefox"}'),
    ("Open Firefox.", 'call:open_app{name:"Firefox"}'),
    ("jarvis, launch the calculator please", 'call:open_app{name:"Calculator"}'),
    ("can you start spotify for me", 'call:open_app{name:"Spotify"}'),
    ("open up thunderbird", 'call:open_app{name:"Thunderbird"}'),
    ("open text editor", 'call:open_app{name:"Text Editor"}'),
    ("fire up vlc", 'call:open_app{name:"VLC media player"}'),  # its command
    ("open the door", None),  # no such app
    ("open music", None),  # the folder or the player: the model's to choose
    ("open my documents", None),
    ("run a bath", None),
    ("open firefox and play some jazz", None),  # more than an app's name
    ("is firefox any good", None),
    ("open chrome", None),  # not installed: the model's (the tool then says what there is)
])
def test_an_installed_app_asked_for_by_name_is_opened_whatever_the_model_makes_of_it(menu, message, call):
    assert Toolbox(act=False).beyond_doubt(message) == call


def test_no_request_of_the_data_but_an_apps_is_read_as_opening_an_installed_app(menu):
    from jarvis_desktop.core.tools.desktop import app_named

    entries = load_entries()
    requests = []
    for name in ("tools.jsonl", "tools_negative.jsonl", "memory_context.jsonl", "casual.jsonl", "technical.jsonl"):
        path = asset("data", "persona", name)
        if path.is_file():
            for line in path.read_text().splitlines():
                turns = json.loads(line)["messages"]
                requests += [(a["content"], b["content"]) for a, b in zip(turns, turns[1:]) if a["role"] == "user"]
    requests += [(r["request"], f"call:{r['tool']}" if r.get("tool") else "")
                 for r in map(json.loads, asset("data", "dev", "routing_dev.jsonl").read_text().splitlines())]
    requests += [(r["request"], r.get("call", "")) for r in
                 map(json.loads, asset("data", "eval", "tools_heldout.jsonl").read_text().splitlines())]
    read = [(m, label) for m, label in requests if app_named(m, entries)]
    assert len(read) >= 10
    assert [(m, label) for m, label in read if not label.startswith("call:open_app")] == []
