"""The model registry: versions appear whole, switch atomically, roll back, prune safely."""

from __future__ import annotations

import json

import pytest

from convert.cli import main as convert_main
from convert.registry import Registry
from jarvis_desktop.errors import ConfigError, ModelError


def _add(reg: Registry, tmp_path, n: int):
    src = tmp_path / f"m{n}.gguf"
    src.write_bytes(b"GGUF" + bytes([n]) * 16)
    return reg.add(src, {"base": "tiny", "quant": "Q8_0", "n": n})


def test_add_promote_rollback(tmp_path):
    reg = Registry(tmp_path / "models")
    assert reg.current() is None and reg.versions() == []
    v1, v2 = _add(reg, tmp_path, 1), _add(reg, tmp_path, 2)
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
