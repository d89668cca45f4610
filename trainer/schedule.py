"""``jarvis-train schedule``: retrain on a timer for machines where the app is not always running.

Prints (or, with ``--install``, writes into the user's systemd config) a user service and
timer that run ``jarvis-train retrain --if-new-ratings``: the retrain only starts work when
the interaction log has ratings newer than the current model.  ``--cron`` prints a crontab
line instead, for systems without systemd.  Nothing runs as root, nothing listens.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from jarvis_desktop.core.errors import ConfigError
from jarvis_desktop.core.paths import write_atomic

__all__ = ["UNIT", "units", "cron_line", "run_schedule_command", "systemd_user_dir"]

UNIT = "jarvis-retrain"
_CALENDAR = {"monthly": "monthly", "weekly": "weekly", "daily": "daily"}
_CRON = {"monthly": "0 3 1 * *", "weekly": "0 3 * * 1", "daily": "0 3 * * *"}


def _command() -> list[str]:
    beside = Path(sys.executable).parent / "jarvis-train"
    program = [str(beside)] if beside.is_file() else [sys.executable, "-m", "trainer.cli"]
    return [*program, "retrain", "--if-new-ratings", "--progress", "json"]


def _check_every(every: str) -> str:
    if every not in _CALENDAR:
        raise ConfigError(f"--every must be one of {', '.join(_CALENDAR)}, not {every!r}")
    return every


def units(every: str = "monthly") -> dict[str, str]:
    """The systemd user service and timer, as file name -> text."""
    every = _check_every(every)
    env = "".join(f"Environment={k}={shlex.quote(os.environ[k])}\n"
                  for k in ("JARVIS_HOME", "JARVIS_CACHE") if os.environ.get(k))
    service = (
        "[Unit]\n"
        "Description=Jarvis: retrain the assistant's model from new ratings\n\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"{env}"
        "Nice=10\n"
        "IOSchedulingClass=idle\n"
        f"ExecStart={shlex.join(_command())}\n"
    )
    timer = (
        "[Unit]\n"
        f"Description=Jarvis: retrain {every} when there are new ratings\n\n"
        "[Timer]\n"
        f"OnCalendar={_CALENDAR[every]}\n"
        "Persistent=true\n"          # a machine that was off catches up at the next boot
        "RandomizedDelaySec=1h\n\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )
    return {f"{UNIT}.service": service, f"{UNIT}.timer": timer}


def cron_line(every: str = "monthly") -> str:
    every = _check_every(every)
    env = " ".join(f"{k}={shlex.quote(os.environ[k])}" for k in ("JARVIS_HOME", "JARVIS_CACHE") if os.environ.get(k))
    return f"{_CRON[every]} {env + ' ' if env else ''}nice -n 10 {shlex.join(_command())} >/dev/null 2>&1"


def systemd_user_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "systemd" / "user"


def _systemctl(*args: str) -> str | None:
    """Run ``systemctl --user``; None if it worked, else why not."""
    if shutil.which("systemctl") is None:
        return "systemctl is not installed"
    try:
        done = subprocess.run(["systemctl", "--user", *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    return None if done.returncode == 0 else (done.stderr.strip() or f"exit code {done.returncode}")


def run_schedule_command(args) -> int:
    every = _check_every(args.every)
    if args.cron:
        print("# add this line with `crontab -e`:")
        print(cron_line(every))
        return 0
    folder = systemd_user_dir()
    if args.remove:
        problem = _systemctl("disable", "--now", f"{UNIT}.timer")
        removed = [name for name in units(every) if (folder / name).is_file()]
        for name in removed:
            (folder / name).unlink()
        print(f"removed {', '.join(removed) or 'nothing (no Jarvis timer was installed)'} from {folder}")
        if problem and removed:
            print(f"note: could not stop the timer ({problem}); run: systemctl --user disable --now {UNIT}.timer")
        return 0
    files = units(every)
    if not args.install:
        for name, text in files.items():
            print(f"# {folder / name}\n{text}")
        print(f"# then: systemctl --user daemon-reload && systemctl --user enable --now {UNIT}.timer")
        print("# (or run `jarvis-train schedule --install`; without systemd: `jarvis-train schedule --cron`)")
        return 0
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        write_atomic(folder / name, text)
    print(f"wrote {', '.join(files)} to {folder}")
    problem = _systemctl("daemon-reload") or _systemctl("enable", "--now", f"{UNIT}.timer")
    if problem:
        print(f"could not enable the timer here ({problem}); in your desktop session run:\n"
              f"  systemctl --user daemon-reload && systemctl --user enable --now {UNIT}.timer")
    else:
        print(f"enabled: Jarvis retrains {every} when there are new ratings "
              f"(`systemctl --user list-timers {UNIT}.timer` shows the next run)")
    return 0

