"""Chat templates (Jinja, as transformers and llama.cpp render them) for bases that ship none.

Each template renders a system message (if any), alternating user/assistant turns, and
closes *every* assistant turn with the preset's end-of-turn marker, so a tuned model learns
to stop by itself.  They are prefix-stable: rendering the first k messages with
``add_generation_prompt=True`` gives a prefix of rendering k+1 messages.  The trainer relies
on that to find the assistant spans (the only tokens that carry loss).
"""

from __future__ import annotations

__all__ = ["GEMMA", "CHATML", "MISTRAL", "LLAMA2", "PHI", "PLAIN"]

# Gemma's turn format (<start_of_turn>/<end_of_turn> are single tokens in its vocabulary).
# Gemma has no system role: the system text opens the first user turn.
GEMMA = (
    "{{ bos_token }}"
    "{% if messages and messages[0]['role'] == 'system' %}"
    "{% set system = messages[0]['content'] | trim %}{% set turns = messages[1:] %}"
    "{% else %}{% set system = '' %}{% set turns = messages %}{% endif %}"
    "{% for m in turns %}"
    "{% if m['role'] == 'assistant' %}<start_of_turn>model\n{{ m['content'] | trim }}<end_of_turn>\n"
    "{% else %}<start_of_turn>user\n"
    "{% if loop.first and system %}{{ system }}\n\n{% endif %}"
    "{{ m['content'] | trim }}<end_of_turn>\n{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}<start_of_turn>model\n{% endif %}"
)

# ChatML, for tokenizers that have <|im_start|>/<|im_end|> (Qwen, our tiny test model).
CHATML = (
    "{% for m in messages %}"
    "<|im_start|>{{ m['role'] }}\n{{ m['content'] | trim }}<|im_end|>\n"
    "{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)

# Mistral's [INST] format; the system text joins the first instruction.
MISTRAL = (
    "{{ bos_token }}"
    "{% if messages and messages[0]['role'] == 'system' %}"
    "{% set system = messages[0]['content'] | trim %}{% set turns = messages[1:] %}"
    "{% else %}{% set system = '' %}{% set turns = messages %}{% endif %}"
    "{% for m in turns %}"
    "{% if m['role'] == 'assistant' %}{{ m['content'] | trim }}{{ eos_token }}"
    "{% else %}[INST] {% if loop.first and system %}{{ system }}\n\n{% endif %}"
    "{{ m['content'] | trim }} [/INST]{% endif %}"
    "{% endfor %}"
)

# Llama 2 chat: <<SYS>> block inside the first [INST].
LLAMA2 = (
    "{% if messages and messages[0]['role'] == 'system' %}"
    "{% set system = messages[0]['content'] | trim %}{% set turns = messages[1:] %}"
    "{% else %}{% set system = '' %}{% set turns = messages %}{% endif %}"
    "{% for m in turns %}"
    "{% if m['role'] == 'assistant' %} {{ m['content'] | trim }} {{ eos_token }}"
    "{% else %}{{ bos_token }}[INST] "
    "{% if loop.first and system %}<<SYS>>\n{{ system }}\n<</SYS>>\n\n{% endif %}"
    "{{ m['content'] | trim }} [/INST]{% endif %}"
    "{% endfor %}"
)

# Phi-2's documented "Instruct:/Output:" format, closed with its <|endoftext|> EOS.
PHI = (
    "{% for m in messages %}"
    "{% if m['role'] == 'system' %}{{ m['content'] | trim }}\n"
    "{% elif m['role'] == 'user' %}Instruct: {{ m['content'] | trim }}\n"
    "{% else %}Output: {{ m['content'] | trim }}{{ eos_token }}\n{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}Output:{% endif %}"
)

# Fallback for a local base whose tokenizer has no template and no turn tokens.
PLAIN = (
    "{% for m in messages %}"
    "{% if m['role'] == 'system' %}{{ m['content'] | trim }}\n\n"
    "{% elif m['role'] == 'user' %}User: {{ m['content'] | trim }}\n"
    "{% else %}Jarvis: {{ m['content'] | trim }}{{ eos_token }}\n{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}Jarvis:{% endif %}"
)
