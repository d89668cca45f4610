"""A GGUF's own chat template, rendered in a Jinja sandbox: a model file must not be able to run
code or read files, nor loop without end (template_limits.py)."""

from __future__ import annotations

import json
from datetime import datetime

from jinja2 import TemplateError, nodes
from jinja2.ext import Extension, loopcontrols
from jinja2.sandbox import SecurityError

from jarvis_desktop.core.errors import ModelError
from jarvis_desktop.core.template_limits import BoundedSandbox, OverBudget, render_budget

__all__ = ["ChatTemplate", "CONVERT_HINT"]

CONVERT_HINT = "convert it with `jarvis-convert gguf`, which embeds the chat template it was tuned with"


class _UnsafeTemplate(ModelError):
    pass


class _CostlyTemplate(ModelError):
    """The template went over its work budget (template_limits.py)."""


class _Refused(Exception):
    """raise_exception() called by a template (e.g. "roles must alternate")."""


class _Sandbox(BoundedSandbox):
    # Jinja's sandbox turns a forbidden attribute into a silent empty value; fail loudly
    # instead, so a template that probes for a way out is refused rather than half-run.
    def unsafe_undefined(self, obj, attribute):
        raise SecurityError(f"access to {attribute!r} of a {type(obj).__name__} object")


class _GenerationTag(Extension):
    """HF's ``{% generation %}`` marker (for training masks): rendered as its plain content."""

    tags = {"generation"}

    def parse(self, parser):
        parser.stream.skip(1)
        return parser.parse_statements(("name:endgeneration",), drop_needle=True)


class ChatTemplate:
    """A GGUF's own Jinja chat template, rendered in a sandbox that cannot run code or read files.

    Refused up front: include/import/extends and any ``_private`` attribute or key; at render
    time the sandbox stops the rest (names built at run time, unsafe calls, mutating
    ``messages``).  Either way: a ModelError saying "unsafe chat template".  A render that
    loops or builds text without end stops at a work budget (template_limits.py): a ModelError
    saying it "takes too long to render", at load already when the probe below hits it.
    ``stop_strings`` are the markers the template writes between a reply and the next user message.
    """

    def __init__(self, source: str, bos_token: str = "", eos_token: str = "", origin: str = "the model"):
        self.origin, self.bos_token, self.eos_token = origin, bos_token, eos_token
        # The settings transformers renders chat templates with, but no loader: nothing to include.
        env = _Sandbox(loader=None, trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols, _GenerationTag])
        env.filters["tojson"] = lambda x, ensure_ascii=False, indent=None, separators=None, sort_keys=False: \
            json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)
        env.globals.update(raise_exception=_refuse, strftime_now=lambda f: datetime.now().strftime(f))
        try:
            tree = env.parse(source)
        except (TemplateError, RecursionError) as exc:  # RecursionError: nested beyond reason
            raise ModelError(f"{origin}: its chat template is not valid Jinja ({exc}); {CONVERT_HINT}") from None
        for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
            self._unsafe(f"it tries to load another file (line {node.lineno})")
        for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
            name = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
            if isinstance(name, str) and name.startswith("_"):
                self._unsafe(f"it reaches for the internal attribute {name!r} (line {node.lineno})")
        try:
            self._template = env.from_string(env.limit(tree))
        except (TemplateError, RecursionError) as exc:
            raise ModelError(f"{origin}: its chat template is not valid Jinja ({exc}); {CONVERT_HINT}") from None
        self.stop_strings = self._probe_stops()

    def _unsafe(self, why: str):
        raise _UnsafeTemplate(f"{self.origin}: unsafe chat template: {why}. Jarvis will not run it; use a "
                              f"model from a source you trust, or {CONVERT_HINT}")

    def render(self, messages: list[dict], add_generation_prompt: bool = True) -> str:
        """The prompt text for ``messages``; ModelError if the template is unsafe, refuses, fails
        or goes over its work budget."""
        chars = sum(len(str(m.get("content") or "")) for m in messages)
        try:
            with render_budget(chars):
                return self._template.render(messages=[dict(m) for m in messages], bos_token=self.bos_token,
                                             eos_token=self.eos_token, add_generation_prompt=add_generation_prompt)
        except OverBudget as exc:
            raise _CostlyTemplate(f"The chat template of {self.origin} takes too long to render ({exc.why}): Jarvis "
                                  f"stopped it. Use a model from a source you trust, or {CONVERT_HINT}") from None
        except SecurityError as exc:
            self._unsafe(f"it tried to escape the sandbox ({exc})")
        except _Refused as exc:
            raise ModelError(f"The chat template of {self.origin} refused this conversation: {exc}") from None
        except Exception as exc:  # a template bug must not take the worker thread down
            raise ModelError(f"The chat template of {self.origin} failed: {type(exc).__name__}: {exc}") from None

    def _probe_stops(self) -> tuple[str, ...]:
        # What the template writes between a reply and the next user text closes a turn:
        # each of its lines is a stop string (ChatML: "<|im_end|>", "<|im_start|>user").
        reply, nxt = "JarvisProbeReply", "JarvisProbeNext"
        chat = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": reply},
                {"role": "user", "content": nxt}]
        for probe in (chat, [{"role": "system", "content": "hi"}, *chat]):  # some demand a system message
            try:
                text = self.render(probe, add_generation_prompt=False)
            except (_UnsafeTemplate, _CostlyTemplate):  # not this probe's fault: every render would do it
                raise
            except ModelError:
                continue
            between = text[text.find(reply) + len(reply):text.find(nxt)] if reply in text and nxt in text else ""
            return tuple(dict.fromkeys(line.strip() for line in between.splitlines() if line.strip()))
        return ()


def _refuse(message: str):
    raise _Refused(message)
