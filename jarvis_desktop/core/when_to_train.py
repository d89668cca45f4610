"""Whether the machine suits a retrain now: not on battery power, not while it is busy.

The scheduled retrain (and one that Quit stopped, going on at the next start) is something the
user should never notice: a fine-tune on battery drains it in half an hour, and one started
while the user compiles or renders slows both.  ``Retrain now`` is the user's own choice and is
not held back.  Measured with psutil: the battery's "plugged in" flag (no battery: a desktop,
fine), and the 5-minute load average (the processes wanting a core, averaged), per core.
"""

from __future__ import annotations

import logging
import os

__all__ = ["why_not_now", "BUSY_LOAD"]

log = logging.getLogger(__name__)

# Load per core (5-minute average) from which the machine counts as busy: an idle desktop sits
# near 0.1-0.3, a browser playing video ~0.3-0.5; a build or an encode keeps every core (1.0+).
BUSY_LOAD = 0.6


def why_not_now(battery=..., load: float | None = None, cores: int | None = None) -> str:
    """"" when a retrain may start now, else why not, as a phrase for the user ("the computer is
    on battery power").  ``battery`` (a psutil battery or None for none), ``load`` (5-minute
    load average) and ``cores`` are read from the machine when not given."""
    import psutil

    if battery is ...:
        try:
            battery = psutil.sensors_battery()
        except Exception:  # noqa: BLE001 - an odd power driver must not stop the schedule
            log.debug("could not read the battery", exc_info=True)
            battery = None
    if battery is not None and battery.power_plugged is False:
        return f"the computer is on battery power ({battery.percent:.0f} %)"
    cores = cores or psutil.cpu_count() or os.cpu_count() or 1
    if load is None:
        try:
            load = psutil.getloadavg()[1]
        except (OSError, AttributeError):
            return ""
    if load / cores >= BUSY_LOAD:
        return f"the computer is busy (a load of {load:.1f} on {cores} cores over the last 5 minutes)"
    return ""
