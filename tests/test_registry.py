"""The model registry: versions appear whole, switch atomically, roll back, prune safely."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import time

import pytest

from convert.cli import main as convert_main
from jarvis_desktop.core.registry import Registry, verify_file
from jarvis_desktop.core.errors import ConfigError, ModelError
from tests.test_paths import remount_readonly, tmpfs


def _add(reg: Registry, tmp_path, n: int):
    src = tmp_path / f"m{n}.gguf"
    src.write_bytes(b"GGUF" + bytes([n]) * 16)
    return reg.add(src, {"base": "tiny", "quant": "Q8_0", "n": n})


def test_add_promote_rollback(tmp_path):
    reg = Registry(tmp_path / "models")
    assert reg.current() is None and reg.versions() == []
    v1, v2 = _add(reg, tmp_path, 1), _add(reg, tmp_path, 2)
    assert v1.name == "v1" and v2.name == "v2"
    assert [v.name for v in reg.versions()] == ["v1", "v2"]
    assert reg.current() is None  # adding does not switch
    reg.promote("v1")
    reg.promote("v2")
    assert reg.current().name == "v2" and reg.previous().name == "v1"
    assert json.loads((v2.path / "meta.json").read_text())["n"] == 2
    assert reg.rollback().name == "v1"
    assert reg.current().name == "v1"
    with pytest.raises(ConfigError, match="nothing to roll back to"):
        reg.rollback()
    with pytest.raises(ConfigError, match="no model version 'v9'"):
        reg.promote("v9")


def test_incomplete_versions_are_ignored(tmp_path):
    reg = Registry(tmp_path / "models")
    _add(reg, tmp_path, 1)
    (reg.root / "v2").mkdir()  # a crash before meta.json was written
    (reg.root / "v2" / "model.gguf").write_bytes(b"GGUF")
    (reg.root / "v3").mkdir()
    (reg.root / "v3" / "meta.json").write_text("{trunc")  # damaged meta
    assert [v.name for v in reg.versions()] == ["v1"]
    assert _add(reg, tmp_path, 4).name == "v4"  # never reuses a folder name


def test_prune_keeps_current_and_previous(tmp_path):
    reg = Registry(tmp_path / "models", keep=2)
    _add(reg, tmp_path, 1)
    _add(reg, tmp_path, 2)
    reg.promote("v1")
    reg.promote("v2")
    for n in (3, 4, 5):
        _add(reg, tmp_path, n)
    reg.promote("v5")  # current v5, previous v2 (old, but protected)
    assert [v.name for v in reg.versions()] == ["v2", "v4", "v5"]
    assert reg.rollback().name == "v2"


def test_missing_gguf_cannot_be_registered(tmp_path):
    with pytest.raises(ModelError, match="no such file"):
        Registry(tmp_path / "models").add(tmp_path / "none.gguf", {})


def test_models_cli(tmp_path, capsys, jarvis_home):
    reg = Registry()
    assert convert_main(["models", "list"]) == 0
    assert "no models registered" in capsys.readouterr().out
    _add(reg, tmp_path, 1)
    _add(reg, tmp_path, 2)
    assert convert_main(["models", "promote", "v1"]) == 0
    assert convert_main(["models", "promote", "v2"]) == 0
    capsys.readouterr()
    assert convert_main(["models", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("* v2") and lines[0].startswith("  v1")
    assert convert_main(["models", "rollback"]) == 0
    assert "rolled back to: v1" in capsys.readouterr().out
    assert convert_main(["models", "promote", "v7"]) == 1
    assert "no model version 'v7'" in capsys.readouterr().err


# -- a broken current pointer (issue 12, 2.3) ---------------------------------------------

def _two_promoted(reg, tmp_path):
    for n in (1, 2):
        _add(reg, tmp_path, n)
        reg.promote(f"v{n}")


def _pointer_missing(reg, tmp_path):
    (reg.root / "current").unlink()
    return "is missing while v1, v2 are registered; using v2"


def _pointer_garbage(reg, tmp_path):
    (reg.root / "current").write_bytes(b"\x00\xffnot json")
    return "cannot be read"  # not even text


def _pointer_truncated(reg, tmp_path):
    (reg.root / "current").write_text('{"version": "v')
    return "is not valid JSON (Unterminated string starting at: line 1 column 13 (char 12)); using v2"


def _pointer_list(reg, tmp_path):
    (reg.root / "current").write_text('["v2"]')
    return 'holds a list, not {"version": …}; using v2'


def _version_missing(reg, tmp_path):
    _add(reg, tmp_path, 3)
    reg.promote("v3")
    shutil.rmtree(reg.root / "v3")
    return "names v3, which is missing; using v2, the newest complete version"


def _meta_gone(reg, tmp_path):
    (reg.root / "v2" / "meta.json").unlink()
    return "names v2, whose meta.json is missing; using v1, the newest complete version"


def _gguf_gone(reg, tmp_path):
    (reg.root / "v2" / "model.gguf").unlink()
    return "names v2, whose model.gguf is missing; using v1"


@pytest.mark.parametrize("damage", [_pointer_missing, _pointer_garbage, _pointer_truncated, _pointer_list,
                                    _version_missing, _meta_gone, _gguf_gone])
def test_broken_pointer_falls_back_and_says_what_is_broken(tmp_path, damage):
    reg = Registry(tmp_path / "models")
    _two_promoted(reg, tmp_path)
    says = damage(reg, tmp_path)
    pointer = reg.root / "current"
    before = pointer.read_bytes() if pointer.exists() else None
    version, problem = reg.resolve()
    expected = "v1" if damage in (_meta_gone, _gguf_gone) else "v2"
    assert version.name == expected
    assert problem.startswith(f"the current-model pointer {pointer} ")
    assert says in problem and problem.endswith("(`jarvis-convert models repair` makes that permanent)")
    assert reg.current() is None  # the strict answer is unchanged
    assert (pointer.read_bytes() if pointer.exists() else None) == before  # resolve() alone never writes

    fixed, message = reg.resolve(fix=True)
    assert fixed.name == expected and message.endswith(f"; the pointer now names {expected}")
    assert reg.current().name == expected and reg.resolve() == (fixed, "")


def test_repair_keeps_the_history_that_still_exists(tmp_path):
    reg = Registry(tmp_path / "models")
    _two_promoted(reg, tmp_path)
    _version_missing(reg, tmp_path)
    assert json.loads((reg.root / "current").read_text())["history"] == ["v1", "v2"]
    assert reg.resolve(fix=True)[0].name == "v2"
    pointer = json.loads((reg.root / "current").read_text())
    assert pointer["version"] == "v2" and pointer["history"] == ["v1"]
    assert "names v3, which is missing" in pointer["repaired"]
    assert reg.previous().name == "v1" and reg.rollback().name == "v1"


def test_fallback_skips_rolled_back_and_turned_down_versions(tmp_path):
    reg = Registry(tmp_path / "models")
    _two_promoted(reg, tmp_path)
    reg.rollback()  # the user did not like v2
    src = tmp_path / "m3.gguf"
    src.write_bytes(b"GGUF3")
    reg.add(src, {"gate": {"promoted": False, "reason": "worse than v1"}})  # the gate turned v3 down
    (reg.root / "current").write_text("garbage")
    version, problem = reg.resolve()
    assert version.name == "v1"
    assert "using v1, the newest complete version not rolled back from or turned down" in problem


def test_broken_pointer_without_any_complete_version(tmp_path):
    reg = Registry(tmp_path / "models")
    assert reg.resolve() == (None, "")  # a fresh install: nothing is broken
    (reg.root / "v1").mkdir()  # half deleted
    (reg.root / "current").write_text('{"version": "v1", "history": []}')
    version, problem = reg.resolve(fix=True)
    assert version is None
    assert problem.endswith("names v1, whose meta.json is missing, and no complete model version is "
                            "registered: `jarvis-train retrain` trains one")


def test_models_cli_shows_and_repairs_a_broken_pointer(tmp_path, capsys, jarvis_home):
    reg = Registry()
    _two_promoted(reg, tmp_path)
    (reg.root / "current").write_text("{")
    assert convert_main(["models", "list"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[1].startswith("* v2")  # the version the app runs
    assert err.startswith(f"jarvis-convert: warning: the current-model pointer {reg.root / 'current'} "
                          "is not valid JSON")
    assert convert_main(["models", "repair"]) == 0
    assert capsys.readouterr().out.strip().endswith("; the pointer now names v2")
    assert convert_main(["models", "repair"]) == 0
    assert capsys.readouterr().out.strip() == "nothing to repair: the pointer names v2"


def test_check_fails_on_a_broken_pointer_but_tests_the_fallback(tmp_path, jarvis_home):
    from jarvis_desktop.cli import _model_to_check

    reg = Registry()
    _two_promoted(reg, tmp_path)
    assert _model_to_check() == (reg.get("v2"), None)
    _version_missing(reg, tmp_path)
    version, check = _model_to_check()
    assert version.name == "v2"  # the model check still runs, on the fallback
    assert check.name == "registry" and not check.ok and check.required
    assert "names v3, which is missing; using v2" in check.detail


def test_jarvis_check_and_ask_name_the_broken_pointer(tmp_path, capsys, jarvis_home):
    """The real self-test (about 2 s: it speaks and transcribes a sentence) fails on the
    pointer and still checks the fallback, whose damaged file it finds before loading it."""
    from jarvis_desktop.cli import main as jarvis_main

    reg = Registry()
    _two_promoted(reg, tmp_path)
    _version_missing(reg, tmp_path)
    with open(reg.get("v2").gguf, "r+b") as fh:
        fh.seek(5)
        fh.write(b"\x18\x18")
    assert jarvis_main(["--check"]) == 1
    lines = capsys.readouterr().out.splitlines()
    registry = next(line for line in lines if line.startswith("FAIL registry"))
    assert f"the current-model pointer {reg.root / 'current'} names v3, which is missing; using v2" in registry
    model = next(line for line in lines if line.startswith("FAIL model"))
    assert f"{reg.root / 'v2' / 'model.gguf'} is damaged" in model
    assert lines[-1].startswith("failed: registry, model in ")

    assert jarvis_main(["--ask", "hello"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("jarvis: warning: the current-model pointer") and "using v2" in err[0]
    assert err[1].startswith(f"jarvis: error: {reg.root / 'v2' / 'model.gguf'} is damaged") and len(err) == 2


# -- integrity: a SHA-256 recorded when registered (issue 12, 2.4) -----------------------------

def _fake_gguf(path, size=3 << 20):
    path.write_bytes(b"GGUF" + os.urandom(size - 4))  # several 1 MiB read blocks
    return path


@pytest.mark.parametrize("move", [True, False])
def test_sha256_is_recorded_and_checked(tmp_path, move):
    reg = Registry(tmp_path / "models")
    src = _fake_gguf(tmp_path / "final.gguf")
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    v = reg.add(src, {"base": "tiny"}, move=move)
    assert src.exists() is not move
    assert v.meta["sha256"] == digest == json.loads((v.path / "meta.json").read_text())["sha256"]
    assert verify_file(reg.get("v1")) >= 0.0 and reg.check("v1") >= 0.0


def test_damaged_model_is_detected(tmp_path, capsys, jarvis_home):
    reg = Registry()
    v = reg.add(_fake_gguf(tmp_path / "final.gguf"), {"base": "tiny"})
    with open(v.gguf, "r+b") as fh:  # 200 KB of random bytes inside the tensor data
        fh.seek(1 << 20)
        fh.write(os.urandom(200_000))
    with pytest.raises(ModelError, match=r"v1/model.gguf is damaged: its SHA-256 differs from the one recorded "
                                         r"when v1 was registered.*roll back.*retrain"):
        reg.check(v)
    with pytest.raises(ModelError, match="v1/model.gguf is damaged"):
        verify_file(str(v.gguf))  # what a loader thread holding only the path calls
    assert convert_main(["models", "check"]) == 1
    assert "v1/model.gguf is damaged" in capsys.readouterr().out
    outside = shutil.copy(v.gguf, tmp_path / "model.gguf")
    assert verify_file(outside) == 0.0  # not registered: nothing recorded to compare with
    v.gguf.unlink()
    with pytest.raises(ModelError, match="model.gguf is missing"):
        verify_file(v)


def test_versions_registered_before_checksums_are_accepted(tmp_path, capsys, jarvis_home):
    reg = Registry()
    v = reg.add(_fake_gguf(tmp_path / "final.gguf", 1024), {"base": "tiny"})
    meta = json.loads((v.path / "meta.json").read_text())
    del meta["sha256"]
    (v.path / "meta.json").write_text(json.dumps(meta))
    assert reg.check("v1") == 0.0
    assert convert_main(["models", "check", "v1"]) == 0
    assert "no SHA-256 recorded" in capsys.readouterr().out


# -- leftovers of killed operations (issue 12, 2.11) -------------------------------------------

def _age(path, seconds=7200):
    when = time.time() - seconds
    for p in [path, *(path.iterdir() if path.is_dir() else [])]:
        os.utime(p, (when, when))


def test_clean_leftovers_removes_only_old_debris(tmp_path):
    reg = Registry(tmp_path / "models")
    _two_promoted(reg, tmp_path)
    root = reg.root
    (root / "v3").mkdir()  # a prune killed mid-way: model left, meta gone
    (root / "v3" / "model.gguf").write_bytes(b"GGUF")
    (root / "v4").mkdir()  # meta left, model gone
    (root / "v4" / "meta.json").write_text("{}")
    (root / "v5").mkdir()  # empty, and young: maybe being made now
    (root / "v6").mkdir()  # damaged meta but a model: kept for the user to rescue
    (root / "v6" / "model.gguf").write_bytes(b"GGUF")
    (root / "v6" / "meta.json").write_text("{trunc")
    (root / ".staging-v7-abc").mkdir()  # a killed add
    (root / ".staging-v7-abc" / "model.gguf").write_bytes(b"GGUF")
    (root / ".staging-v8-new").mkdir()  # a retrain registering right now
    (root / ".current.old.tmp").write_text("{")  # a killed write_atomic
    (root / ".current.new.tmp").write_text("{")
    (root / "v1" / ".eval-k.json.x.tmp").write_text("{")
    for name in ("v1", "v2", "v3", "v4", "v6", ".staging-v7-abc", ".current.old.tmp", "v1/.eval-k.json.x.tmp"):
        _age(root / name)
    removed = reg.clean_leftovers()
    assert sorted(removed) == [".current.old.tmp", ".staging-v7-abc", "v1/.eval-k.json.x.tmp", "v3", "v4"]
    assert sorted(p.name for p in root.iterdir()) == [
        ".current.new.tmp", ".staging-v8-new", "current", "v1", "v2", "v5", "v6"]
    assert [v.name for v in reg.versions()] == ["v1", "v2"] and reg.current().name == "v2"
    assert reg.clean_leftovers() == []
    _age(root / ".staging-v8-new")  # an hour later its writer is gone: prune cleans it too
    assert reg.prune() == [".staging-v8-new"]


# -- read-only and full disks (issue 12, 2.9 registry part) ------------------------------------

@pytest.fixture
def small_disk(tmp_path):
    """A registry on a real 256 KB file system, with v1 current and v2 registered."""
    with tmpfs(tmp_path / "disk") as mount:
        reg = Registry(mount / "models")
        for n in (1, 2):
            _add(reg, tmp_path, n)
        reg.promote("v1")
        yield reg


def _fill(folder):
    """Use up the disk's last byte, as a download or a log would."""
    with open(folder / "filler", "wb", buffering=0) as fh:
        with pytest.raises(OSError) as full:
            while True:
                fh.write(b"\0" * 4096)
    assert full.value.errno == errno.ENOSPC


def test_full_disk_says_so_and_changes_nothing(small_disk, tmp_path, capsys, monkeypatch):
    reg = small_disk
    before = (reg.root / "current").read_bytes()
    big = _fake_gguf(tmp_path / "final.gguf", 512 << 10)  # larger than the whole disk
    with pytest.raises(ModelError) as info:
        reg.add(big, {"base": "tiny"})
    assert str(info.value).startswith(f"cannot register {big} as v3 (nothing was registered): cannot write ")
    assert str(info.value).endswith("the disk is full; free some space on it and try again")
    assert big.exists() and sorted(p.name for p in reg.root.iterdir()) == ["current", "v1", "v2"]

    _fill(reg.root.parent)
    monkeypatch.setenv("JARVIS_HOME", str(reg.root.parent))
    assert convert_main(["models", "promote", "v2"]) == 1
    err = capsys.readouterr().err
    assert err == (f"jarvis-convert: error: cannot make v2 current (v1 stays): cannot write {reg.root / 'current'}: "
                   "the disk is full; free some space on it and try again\n")
    assert "damaged" not in err
    assert (reg.root / "current").read_bytes() == before and [p.name for p in reg.root.glob(".*")] == []


def test_full_disk_reported_by_fsync(tmp_path, monkeypatch):
    """Where no tmpfs can be mounted (and on file systems that report a full disk only when
    flushing: delayed allocation, NFS), the error comes from fsync: same message, same safety."""
    reg = Registry(tmp_path / "models")
    for n in (1, 2):
        _add(reg, tmp_path, n)
    reg.promote("v1")
    before = (reg.root / "current").read_bytes()

    def fsync_full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", fsync_full)
    src = _fake_gguf(tmp_path / "final.gguf", 4096)
    with pytest.raises(ModelError, match=r"^cannot register .* as v3 \(nothing was registered\): cannot write .*"
                                         r"the disk is full; free some space on it and try again$"):
        reg.add(src, {}, move=False)
    with pytest.raises(ModelError, match=r"^cannot make v2 current \(v1 stays\): cannot write .*/current: the disk "
                                         r"is full; free some space on it and try again$"):
        reg.promote("v2")
    assert (reg.root / "current").read_bytes() == before
    assert sorted(p.name for p in reg.root.iterdir()) == ["current", "v1", "v2"]


def test_unwritable_registry_gives_one_line(tmp_path, capsys, monkeypatch):
    """Root ignores permissions, so as root the registry sits on a real read-only file system."""
    with contextlib.ExitStack() as stack:
        if os.geteuid() == 0:
            home = stack.enter_context(tmpfs(tmp_path / "disk"))
        else:
            home = tmp_path / "home"
        monkeypatch.setenv("JARVIS_HOME", str(home))
        reg = Registry()
        for n in (1, 2):
            _add(reg, tmp_path, n)
        reg.promote("v1")
        (reg.root / ".current.old.tmp").write_text("{")  # a leftover it will not be able to remove
        if os.geteuid() == 0:
            remount_readonly(home)
            why = "the file system is read-only; remount it writable or set JARVIS_HOME to a writable folder"
        else:
            os.chmod(reg.root, 0o555)
            stack.callback(os.chmod, reg.root, 0o755)
            why = (f"permission denied; give your user write access to {reg.root} or set JARVIS_HOME to a "
                   "folder you can write")
        assert convert_main(["models", "promote", "v2"]) == 1
        assert capsys.readouterr().err == (
            f"jarvis-convert: error: cannot make v2 current (v1 stays): cannot write {reg.root / 'current'}: {why}\n")
        assert reg.current().name == "v1"  # reading still works: the app runs v1
        assert reg.resolve(fix=True) == (reg.get("v1"), "")
        assert reg.clean_leftovers(min_age_s=0) == []  # logged, not raised: the app still starts
        assert (reg.root / ".current.old.tmp").exists()
