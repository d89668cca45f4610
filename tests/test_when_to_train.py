"""When the machine suits a retrain: mains power and a quiet machine."""

from __future__ import annotations

from collections import namedtuple

import psutil

from jarvis_desktop.core.when_to_train import BUSY_LOAD, why_not_now

# psutil.sensors_battery()'s documented shape (its own type lives in a private module)
sbattery = namedtuple("sbattery", ["percent", "secsleft", "power_plugged"])


def test_on_battery_it_waits_and_says_how_full():
    assert why_not_now(sbattery(41.6, 3600, False), load=0.1, cores=2) == "the computer is on battery power (42 %)"


def test_plugged_in_or_no_battery_at_all_is_fine_when_quiet():
    assert why_not_now(sbattery(80, psutil.POWER_TIME_UNLIMITED, True), load=0.2, cores=2) == ""
    assert why_not_now(None, load=0.2, cores=2) == ""  # a desktop


def test_a_busy_machine_waits():
    busy = BUSY_LOAD * 4
    assert why_not_now(None, load=busy, cores=4) == \
        f"the computer is busy (a load of {busy:.1f} on 4 cores over the last 5 minutes)"
    assert why_not_now(None, load=BUSY_LOAD * 4 - 0.1, cores=4) == ""


def test_this_machine_gives_an_answer():
    assert isinstance(why_not_now(), str)  # the real battery and load, whatever they are now
