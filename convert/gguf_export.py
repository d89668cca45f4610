"""HF folder -> GGUF with llama.cpp's own converter, of the same version as our runtime.

The converter (``convert_hf_to_gguf.py`` with its ``conversion/`` and ``gguf-py/``) is not
in the installed llama_cpp package; it lives in the llama-cpp-python sdist.  We extract it
once, at set-up, into the cache dir and run it in a child process with its own ``gguf-py``
first on ``PYTHONPATH`` (PyPI's ``gguf`` is a different version and breaks it).  Using the
converter that matches the runtime avoids "the GGUF differs from the tuned model" bugs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from jarvis_desktop.core.errors import JarvisError, ModelError
from jarvis_desktop.core.paths import cache_dir

__all__ = ["ensure_converter", "hf_to_gguf", "llama_cpp_version"]

_WANTED = ("vendor/llama.cpp/convert_hf_to_gguf.py", "vendor/llama.cpp/conversion/",
           "vendor/llama.cpp/gguf-py/", "vendor/llama.cpp/LICENSE")


def llama_cpp_version() -> str:
    from importlib.metadata import version

    return version("llama-cpp-python")


def converter_dir(version: str | None = None) -> Path:
    return cache_dir() / f"llama.cpp-converter-{version or llama_cpp_version()}"


def ensure_converter(sdist: Path | None = None) -> Path:
    """Return the folder holding the converter, extracting it from the sdist if needed."""
    version = llama_cpp_version()
    target = converter_dir(version)
    if (target / ".complete").is_file():
        return target
    with tempfile.TemporaryDirectory() as tmp:
        if sdist is None:
            sdist = _download_sdist(version, Path(tmp))
        _extract(Path(sdist), target)
    return target


def _download_sdist(version: str, dest: Path) -> Path:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
           f"llama-cpp-python=={version}", "-d", str(dest)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    found = sorted(dest.glob("llama_cpp_python-*.tar.gz"))
    if done.returncode != 0 or not found:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise JarvisError(
            f"could not fetch the llama-cpp-python {version} source to get llama.cpp's HF->GGUF "
            f"converter: {tail[0]}. Check that PyPI is reachable and run the install again."
        )
    return found[0]


def _extract(sdist: Path, target: Path) -> None:
    partial = target.with_name(target.name + ".partial")
    import shutil

    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    with tarfile.open(sdist) as tar:
        for member in tar.getmembers():
            rel = member.name.split("/", 1)[-1]  # drop "llama_cpp_python-X.Y.Z/"
            if not any(rel == w or rel.startswith(w) for w in _WANTED):
                continue
            if not (member.isfile() or member.isdir()):
                continue
            member.name = rel.removeprefix("vendor/llama.cpp/")
            tar.extract(member, partial, filter="data")
    if not (partial / "convert_hf_to_gguf.py").is_file():
        raise JarvisError(f"{sdist} holds no vendor/llama.cpp/convert_hf_to_gguf.py")
    (partial / ".complete").write_text(sdist.name + "\n")
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)


def hf_to_gguf(hf_dir: Path, out: Path, outtype: str = "f16") -> Path:
    """Convert a merged HF folder to a GGUF file (``f16``, ``bf16`` or ``f32``)."""
    if outtype not in ("f16", "bf16", "f32"):
        raise JarvisError(f"GGUF output type must be f16, bf16 or f32, not {outtype!r}")
    hf_dir, out = Path(hf_dir), Path(out)
    if not (hf_dir / "config.json").is_file():
        raise ModelError(f"{hf_dir} is not a Hugging Face model folder (no config.json)")
    conv = ensure_converter()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(conv / "gguf-py"), str(conv), env.get("PYTHONPATH", "")])
    tmp = out.with_name(out.name + ".partial")
    cmd = [sys.executable, str(conv / "convert_hf_to_gguf.py"), str(hf_dir),
           "--outfile", str(tmp), "--outtype", outtype]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        tmp.unlink(missing_ok=True)
        lines = [ln for ln in (done.stderr + done.stdout).strip().splitlines() if ln.strip()]
        reason = lines[-1] if lines else f"exit code {done.returncode}"
        raise ModelError(f"llama.cpp's converter failed on {hf_dir}: {reason}")
    os.replace(tmp, out)
    return out


def copy_with_template(src: Path, dst: Path, template: str | None) -> Path:
    """A copy of the GGUF ``src`` at ``dst`` with every tensor and metadata key, but ``template``
    as its chat template (None: no template at all)."""
    from gguf import GGUFReader, GGUFValueType, GGUFWriter

    reader = GGUFReader(src)
    writer = GGUFWriter(dst, arch=reader.fields["general.architecture"].contents())
    for f in reader.fields.values():
        if f.name == "general.architecture" or f.name.startswith(("GGUF.", "tokenizer.chat_template")):
            continue
        sub = f.types[-1] if f.types[0] == GGUFValueType.ARRAY else None
        writer.add_key_value(f.name, f.contents(), f.types[0], sub_type=sub)
    if template is not None:
        writer.add_chat_template(template)
    for t in reader.tensors:
        writer.add_tensor_info(t.name, t.data.shape, t.data.dtype, t.data.nbytes, t.tensor_type)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    for t in reader.tensors:
        writer.write_tensor_data(t.data, tensor_endianess=reader.endianess)
    writer.close()
    return dst
