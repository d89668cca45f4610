"""The computer's own state: disk space, memory, processor, battery, uptime, name, network.

Every tool here only looks (psutil, shutil, socket, platform) and answers at once; none reaches
the internet.  Sizes are spoken in "GB" of 1024**3 bytes, the unit ``df -h``, ``free -h`` and
Windows's Task Manager show, so Jarvis's figure matches what the user sees on screen.  Each
reply is phrased from ``data`` with ``format_number``, so every number said is one stored.
"""

from __future__ import annotations

import os
import platform
import shutil
import socket
import time
from datetime import datetime

import psutil

from jarvis_desktop.core.skills import format_number
from jarvis_desktop.core.tools.base import Context, Param, Tool, ToolFailed, ToolResult

__all__ = ["TOOLS", "spoken_span"]

GIB = 1024 ** 3
CPU_SAMPLE_S = 0.3  # long enough to be a fair reading, short enough to answer at once
TOP_N = 3


def _gb(n_bytes: int) -> float:
    return round(n_bytes / GIB, 1)


def _join(items: list[str]) -> str:
    """["a"] -> "a"; ["a", "b", "c"] -> "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def spoken_span(seconds: float) -> tuple[str, dict]:
    """A long span in days, hours and minutes ("3 days, 4 hours and 12 minutes") and its parts.

    Unlike ``timers.spoken_duration`` it counts days and never seconds: nobody wants to hear
    the seconds of a machine's uptime or of a battery's charge.
    """
    minutes_total = max(0, int(seconds // 60))
    days, rest = divmod(minutes_total, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = {"days": days, "hours": hours, "minutes": minutes}
    words = [f"{format_number(n)} {unit[:-1] if n == 1 else unit}"
             for unit, n in parts.items() if n]
    return (_join(words) if words else "less than a minute"), parts


# --- disk_free ---------------------------------------------------------------------------------

def _mount_of(path: str) -> str:
    """The mount point (Linux, macOS) or drive root (Windows) of the disk holding ``path``."""
    current = os.path.realpath(path)
    while not os.path.ismount(current):
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    return current


def _disk_name(mount: str) -> str:
    drive = os.path.splitdrive(mount)[0]  # "C:" on Windows, "" elsewhere
    if drive and mount.rstrip("\\/") == drive:
        return f"drive {drive[0].upper()}"
    if mount == "/":
        return "the main disk"
    return f"the disk mounted at {mount}"


def _disk_free(args: dict, context: Context) -> ToolResult:
    given = (args.get("path") or "").strip()
    path = os.path.expanduser(given or "~")
    if not os.path.exists(path):
        raise ToolFailed(f"I can't find {given or 'your home folder'}, {context.honorific}; "
                         "please check the folder's name.")
    try:
        usage = shutil.disk_usage(path)
    except OSError as err:
        raise ToolFailed(f"I can't read the disk holding {given or 'your home folder'}, "
                         f"{context.honorific}: {err.strerror or err}.") from err
    mount = _mount_of(path)
    data = {"path": path, "mount": mount, "free_gb": _gb(usage.free), "total_gb": _gb(usage.total),
            "free_bytes": usage.free, "total_bytes": usage.total}
    where = _disk_name(mount)
    if not given or os.path.realpath(path) == os.path.realpath(os.path.expanduser("~")):
        where += ", which holds your home folder"
    elif os.path.realpath(path) != mount:
        where += f", which holds {given}"
    reply = (f"You have {format_number(data['free_gb'])} GB free of "
             f"{format_number(data['total_gb'])} GB on {where}, {context.honorific}.")
    return ToolResult(reply, data)


# --- memory, cpu_load, battery, uptime ----------------------------------------------------------

def _memory(args: dict, context: Context) -> ToolResult:
    vm = psutil.virtual_memory()
    used = vm.total - vm.available  # as psutil's percent: cache the system can drop counts as free
    data = {"used_gb": _gb(used), "total_gb": _gb(vm.total), "percent": round(vm.percent)}
    reply = (f"You're using {format_number(data['percent'])} per cent of your memory, "
             f"{format_number(data['used_gb'])} GB of {format_number(data['total_gb'])} GB, "
             f"{context.honorific}.")
    return ToolResult(reply, data)


def _cpu_load(args: dict, context: Context) -> ToolResult:
    data: dict = {"percent": round(psutil.cpu_percent(interval=CPU_SAMPLE_S)),
                  "cores": psutil.cpu_count(logical=True)}
    reply = f"The processor is at {format_number(data['percent'])} per cent"
    if data["cores"]:
        reply += f" across {format_number(data['cores'])} cores"
    if hasattr(os, "getloadavg"):  # not on Windows, where psutil's stand-in starts at zero
        data["load_1min"] = round(os.getloadavg()[0], 2)
        reply += f", with a load average of {format_number(data['load_1min'])} over the last minute"
    return ToolResult(f"{reply}, {context.honorific}.", data)


def battery_reply(percent: float, plugged: bool | None, secs_left: float | None,
                  honorific: str) -> ToolResult:
    """A battery reading in words; ``secs_left`` None where the system cannot tell."""
    data: dict = {"percent": round(percent), "plugged_in": plugged}
    level = f"The battery is at {format_number(data['percent'])} per cent"
    if plugged and data["percent"] >= 100:
        return ToolResult(f"The battery is full and plugged in, {honorific}.", data)
    if plugged:
        return ToolResult(f"{level} and charging, {honorific}.", data)
    if secs_left is None:
        return ToolResult(f"{level} and not plugged in, {honorific}.", data)
    words, parts = spoken_span(secs_left)
    data.update(seconds_left=int(secs_left), **parts)
    return ToolResult(f"{level} with about {words} left, {honorific}.", data)


def _battery(args: dict, context: Context) -> ToolResult:
    reading = psutil.sensors_battery() if hasattr(psutil, "sensors_battery") else None
    if reading is None:
        raise ToolFailed(f"This computer has no battery, {context.honorific}.")
    secs: float | None = reading.secsleft
    if secs in (psutil.POWER_TIME_UNLIMITED, psutil.POWER_TIME_UNKNOWN) or secs is None or secs < 0:
        secs = None
    return battery_reply(reading.percent, reading.power_plugged, secs, context.honorific)


def _uptime(args: dict, context: Context) -> ToolResult:
    boot = psutil.boot_time()
    seconds = max(0.0, time.time() - boot)
    words, parts = spoken_span(seconds)
    data = {"booted": datetime.fromtimestamp(boot).isoformat(timespec="seconds"),
            "seconds": int(seconds), **parts}
    return ToolResult(f"Your computer has been running for {words}, {context.honorific}.", data)


# --- hostname, os_info -----------------------------------------------------------------------

def _hostname(args: dict, context: Context) -> ToolResult:
    name = socket.gethostname()
    return ToolResult(f"This computer is called {name}, {context.honorific}.", {"hostname": name})


def _os_name() -> tuple[str, str, str]:
    """(the system as people name it, its version, how Jarvis adds the version), e.g.
    ("Debian GNU/Linux 12 (bookworm)", "6.1.0-18", " with Linux kernel 6.1.0-18")."""
    system, release = platform.system(), platform.release()
    if system == "Linux":
        try:
            pretty = platform.freedesktop_os_release().get("PRETTY_NAME", "")
        except OSError:  # no /etc/os-release (a minimal container)
            pretty = ""
        return (pretty or "Linux"), release, f" with Linux kernel {release}"
    if system == "Darwin":
        version = platform.mac_ver()[0]
        return f"macOS {version}".strip(), version, ""
    if system == "Windows":
        version = platform.version()
        return f"Windows {release}", version, f", build {version}"
    return f"{system} {release}".strip(), release, ""


def _os_info(args: dict, context: Context) -> ToolResult:
    name, version, detail = _os_name()
    data = {"name": name, "version": version, "system": platform.system(),
            "release": platform.release(), "machine": platform.machine()}
    return ToolResult(f"This computer runs {name}{detail}, {context.honorific}.", data)


# --- local_ip, network ---------------------------------------------------------------------------

def _connected_interfaces() -> dict[str, list[str]]:
    """Interfaces other than loopback that are up and have an address: name -> addresses.

    IPv6 link-local addresses (fe80::) do not count: every up interface has one, cable or not.
    """
    stats = psutil.net_if_stats()
    found: dict[str, list[str]] = {}
    for name, addrs in psutil.net_if_addrs().items():
        st = stats.get(name)
        flags = getattr(st, "flags", "") if st else ""
        if not st or not st.isup or "loopback" in flags.split(","):
            continue
        if flags and "running" not in flags.split(","):  # up but no carrier: cable out
            continue
        ips = [a.address for a in addrs
               if (a.family == socket.AF_INET and not a.address.startswith("127."))
               or (a.family == socket.AF_INET6 and not a.address.lower().startswith("fe80")
                   and a.address != "::1")]
        if ips:
            found[name] = ips
    return found


def _routed_ip() -> str | None:
    """The address the system would send from: a UDP "connect" only picks a route, it sends
    nothing, and the target is a private address, so nothing leaves the machine."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.connect(("10.254.254.254", 1))
            ip = sock.getsockname()[0]
    except OSError:  # no route at all
        return None
    return None if ip.startswith(("127.", "0.")) else ip


def _local_ip(args: dict, context: Context) -> ToolResult:
    interfaces = _connected_interfaces()
    ip = _routed_ip()
    if ip is None:  # fall back to the first IPv4 address of a connected interface
        ip = next((a for addrs in interfaces.values() for a in addrs if ":" not in a), None)
    if ip is None:
        raise ToolFailed(f"I can't find a local IP address, {context.honorific}; "
                         "this computer doesn't seem to be on a network.")
    interface = next((name for name, addrs in interfaces.items() if ip in addrs), None)
    data = {"ip": ip, "interface": interface}
    on = f" on {interface}" if interface else ""
    return ToolResult(f"Your local IP address is {ip}{on}, {context.honorific}.", data)


def _network(args: dict, context: Context) -> ToolResult:
    interfaces = _connected_interfaces()
    data = {"up": bool(interfaces), "interfaces": sorted(interfaces)}
    if not interfaces:
        return ToolResult(f"You don't seem to be connected to any network, {context.honorific}.",
                          data)
    # Only the local network is checked: whether the internet answers is another question.
    return ToolResult(f"You're connected to the local network through "
                      f"{_join(data['interfaces'])}, {context.honorific}.", data)


# --- top_processes -------------------------------------------------------------------------------

def _memory_shares() -> dict[str, float]:
    shares: dict[str, float] = {}
    for proc in psutil.process_iter(["name", "memory_percent"]):
        name, share = proc.info["name"], proc.info["memory_percent"]  # None where access is denied
        if name and share is not None:
            shares[name] = shares.get(name, 0.0) + share
    return shares


def _cpu_shares() -> dict[str, float]:
    """Each program's share of the whole processor (all cores) over a short sample."""
    procs = []
    for proc in psutil.process_iter(["name"]):
        try:
            proc.cpu_percent(None)  # the first call starts the process's sample
            procs.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    time.sleep(CPU_SAMPLE_S)
    cores = psutil.cpu_count(logical=True) or 1
    shares: dict[str, float] = {}
    for proc in procs:
        try:
            share = proc.cpu_percent(None) / cores
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        name = proc.info["name"]
        if name:
            shares[name] = shares.get(name, 0.0) + share
    return shares


def _top_processes(args: dict, context: Context) -> ToolResult:
    by = args.get("by") or "memory"
    shares = _memory_shares() if by == "memory" else _cpu_shares()
    ranked = sorted(shares.items(), key=lambda item: item[1], reverse=True)
    # min(): a process's sample can straddle the machine's by a few milliseconds.
    top = [{"name": name, "percent": round(min(share, 100.0), 1)}
           for name, share in ranked[:TOP_N]]
    top = [p for p in top if p["percent"] > 0]
    data = {"by": by, "processes": top}
    what = "memory" if by == "memory" else "the processor"
    if not top:
        return ToolResult(f"Nothing is using {what} noticeably just now, {context.honorific}.",
                          data)
    listed = _join([f"{p['name']} at {format_number(p['percent'])} per cent" for p in top])
    subject = "The biggest users" if len(top) > 1 else "The biggest user"
    verb = "are" if len(top) > 1 else "is"
    return ToolResult(f"{subject} of {what} {verb} {listed}, {context.honorific}.", data)


# --- the tools -----------------------------------------------------------------------------------

TOOLS: tuple[Tool, ...] = (
    Tool("disk_free", "Free and total space on the disk holding a folder (default: home).",
         (Param("path", str, "a folder on the disk; the home folder if absent", required=False),),
         _disk_free, examples=(
             ("How much space is left on my drive?", "call:disk_free{}"),
             ("how much disk space have i got left", "call:disk_free{}"),
             ("Am I running out of storage?", "call:disk_free{}"),
             ("is my hard drive nearly full", "call:disk_free{}"),
             ("What's the free space on /mnt/backup?", 'call:disk_free{path:"/mnt/backup"}'),
             ("how much room is there on the external drive at /media/usb",
              'call:disk_free{path:"/media/usb"}'),
             ("How full is drive D?", r'call:disk_free{path:"D:\\"}'),
             ("Have I got room for a few more films?", "call:disk_free{}"),
             ("check the space in my downloads folder", 'call:disk_free{path:"~/Downloads"}'),
             ("Jarvis, gigabytes remaining?", "call:disk_free{}"),
             ("could you tell me how much storage is free on the root partition",
              'call:disk_free{path:"/"}'),
             ("Is there enough room to download a fifty gig game?", "call:disk_free{}"),
             ("how many gigabytes are free on slash home", 'call:disk_free{path:"/home"}'),
             ("Check the free space on /var, the logs might have filled it.",
              'call:disk_free{path:"/var"}'),
             ("the laptop keeps saying storage almost full how bad is it", "call:disk_free{}"),
             ("How much space is there on the C drive?", r'call:disk_free{path:"C:\\"}'),
             ("Can I fit another backup on /mnt/nas?", 'call:disk_free{path:"/mnt/nas"}'),
             ("how much free space is there where my videos folder is", 'call:disk_free{path:"~/Videos"}'),
             ("Not the RAM, the hard disk: how much of it is free?", "call:disk_free{}"),
             ("Will this film I'm downloading fit on the disk?", "call:disk_free{}"),
             ("um jarvis how much room is left on the hard disk", "call:disk_free{}"),
             ("What's the storage situation looking like?", "call:disk_free{}"),
             ("jarvis check my free space", "call:disk_free{}"),
             ("The installer says there isn't enough space. How much is actually free?", "call:disk_free{}"),
             ("is the ssd getting full", "call:disk_free{}"),
             ("How many gigs are left on /mnt/photos?", 'call:disk_free{path:"/mnt/photos"}'),
             ("has the disk with my documents folder got much room left", 'call:disk_free{path:"~/Documents"}'),
             ("Is there still space on drive E for the holiday photos?", r'call:disk_free{path:"E:\\"}'),
             ("before i copy the music over how much storage have i got", "call:disk_free{}"),
             ("Tell me how much free disk space remains, please.", "call:disk_free{}"),
             ("jarvis whats left on the usb stick at /media/stick", 'call:disk_free{path:"/media/stick"}'),
         )),
    Tool("memory", "RAM in use, total RAM and the percentage used.", (), _memory, examples=(
        ("How much memory am I using?", "call:memory{}"),
        ("how much ram is free", "call:memory{}"),
        ("What's my RAM usage like?", "call:memory{}"),
        ("is the memory full", "call:memory{}"),
        ("How much RAM has this machine got?", "call:memory{}"),
        ("are we short on memory at the moment", "call:memory{}"),
        ("Check the RAM, would you?", "call:memory{}"),
        ("how many gigs of ram are in use", "call:memory{}"),
        ("Is something hogging all the memory?", "call:memory{}"),
        ("jarvis memory usage please", "call:memory{}"),
        ("How much of my RAM is taken up right now?", "call:memory{}"),
        ("what percentage of the memory is used", "call:memory{}"),
        ("Have I got enough free memory to run a virtual machine?", "call:memory{}"),
        ("total ram and how much of it is left", "call:memory{}"),
        ("How much RAM is the computer using at the moment?", "call:memory{}"),
        ("um jarvis hows the ram looking", "call:memory{}"),
        ("Is the RAM close to maxed out?", "call:memory{}"),
        ("jarvis how much memory is the pc using", "call:memory{}"),
        ("Have I run out of RAM? Everything's stuttering.", "call:memory{}"),
        ("What's the memory usage on this machine?", "call:memory{}"),
        ("how much system memory is available right now", "call:memory{}"),
        ("Could you check how much memory the computer has free?", "call:memory{}"),
        ("ram check please", "call:memory{}"),
        ("Is there enough RAM spare to open another browser?", "call:memory{}"),
        ("how much of the sixteen gigs of ram is being used", "call:memory{}"),
        ("What's the computer's memory at right now, percentage-wise?", "call:memory{}"),
        ("um jarvis is the laptop low on ram", "call:memory{}"),
        ("Give me a reading of the RAM, would you.", "call:memory{}"),
        ("how much working memory has the computer got left", "call:memory{}"),
        ("Is my machine running short of memory?", "call:memory{}"),
        ("jarvis are we swapping is the ram full", "call:memory{}"),
    )),
    Tool("cpu_load", "How busy the processor is now, its cores and load average.", (), _cpu_load,
         examples=(
             ("How busy is the CPU?", "call:cpu_load{}"),
             ("whats the cpu usage", "call:cpu_load{}"),
             ("Is the processor working hard right now?", "call:cpu_load{}"),
             ("how many cores have i got", "call:cpu_load{}"),
             ("What's the load average?", "call:cpu_load{}"),
             ("why is everything so sluggish", "call:cpu_load{}"),
             ("Is the machine under strain at the moment?", "call:cpu_load{}"),
             ("check the processor load please", "call:cpu_load{}"),
             ("The fans are roaring, is the computer flat out?", "call:cpu_load{}"),
             ("jarvis cpu", "call:cpu_load{}"),
             ("What percentage is the processor running at?", "call:cpu_load{}"),
             ("is the cpu maxed out", "call:cpu_load{}"),
             ("How hard is the computer working at the moment?", "call:cpu_load{}"),
             ("load average over the last few minutes please", "call:cpu_load{}"),
             ("What's the processor load like at the moment?", "call:cpu_load{}"),
             ("um jarvis how hard is the cpu working", "call:cpu_load{}"),
             ("Is the computer's processor busy?", "call:cpu_load{}"),
             ("jarvis processor usage", "call:cpu_load{}"),
             ("The machine feels slow. Is the CPU pegged?", "call:cpu_load{}"),
             ("whats the cpu at right now", "call:cpu_load{}"),
             ("How much CPU is being used?", "call:cpu_load{}"),
             ("is my processor struggling", "call:cpu_load{}"),
             ("Tell me the CPU utilisation, please.", "call:cpu_load{}"),
             ("um jarvis the fan keeps revving up is the cpu busy", "call:cpu_load{}"),
             ("Are all the cores busy or is it idling?", "call:cpu_load{}"),
             ("how heavily loaded is the processor", "call:cpu_load{}"),
             ("Give me the load on the processor.", "call:cpu_load{}"),
             ("jarvis is the computer working hard or just sitting idle", "call:cpu_load{}"),
             ("What's the current CPU percentage?", "call:cpu_load{}"),
             ("the laptops boiling hot is the processor being thrashed", "call:cpu_load{}"),
             ("Is the processor ticking over or running at full tilt?", "call:cpu_load{}"),
         )),
    Tool("battery", "Battery level, whether it is charging, and the time left.", (), _battery,
         examples=(
             ("How much battery have I got left?", "call:battery{}"),
             ("whats my battery on", "call:battery{}"),
             ("Is the laptop charging?", "call:battery{}"),
             ("how long until i need to plug in", "call:battery{}"),
             ("Battery level?", "call:battery{}"),
             ("am i going to run out of juice soon", "call:battery{}"),
             ("Is the charger connected?", "call:battery{}"),
             ("How long will this thing last unplugged?", "call:battery{}"),
             ("what percentage is the battery at", "call:battery{}"),
             ("Do I need to find a socket?", "call:battery{}"),
             ("How long have I got before the laptop dies?", "call:battery{}"),
             ("is it plugged in and charging", "call:battery{}"),
             ("Battery percentage, please.", "call:battery{}"),
             ("im on a train with no plug will the laptop last two hours", "call:battery{}"),
             ("um jarvis hows the battery doing", "call:battery{}"),
             ("Is the laptop on mains power or battery?", "call:battery{}"),
             ("how much power is left in the battery", "call:battery{}"),
             ("Will the battery see me through a two-hour meeting?", "call:battery{}"),
             ("jarvis battery", "call:battery{}"),
             ("Has it started charging yet?", "call:battery{}"),
             ("How much juice has the laptop got?", "call:battery{}"),
             ("the battery icons gone red how long have i got", "call:battery{}"),
             ("Should I plug the charger in yet?", "call:battery{}"),
             ("how many minutes of battery are left", "call:battery{}"),
             ("Is the power lead actually connected?", "call:battery{}"),
             ("Is the battery full yet?", "call:battery{}"),
             ("um jarvis am i on battery power", "call:battery{}"),
             ("What's the charge level on this laptop?", "call:battery{}"),
             ("can i unplug it or does it need more charge", "call:battery{}"),
             ("Give me a battery update, please.", "call:battery{}"),
             ("how low is the battery getting", "call:battery{}"),
         )),
    Tool("uptime", "How long the computer has been running since it was started.", (), _uptime,
         examples=(
             ("How long has the computer been on?", "call:uptime{}"),
             ("whats the uptime", "call:uptime{}"),
             ("When did I last restart?", "call:uptime{}"),
             ("how long since the last reboot", "call:uptime{}"),
             ("Has this machine been running all week?", "call:uptime{}"),
             ("when was the computer switched on", "call:uptime{}"),
             ("How long have we been up and running?", "call:uptime{}"),
             ("Is it time I gave the PC a restart?", "call:uptime{}"),
             ("system uptime please", "call:uptime{}"),
             ("how many days since it booted", "call:uptime{}"),
             ("When was this machine last rebooted?", "call:uptime{}"),
             ("how long has it been since i switched the pc on", "call:uptime{}"),
             ("Have I turned it off and on again at all this week?", "call:uptime{}"),
             ("how long have we been booted up for", "call:uptime{}"),
             ("How long's it been since I last restarted this thing?", "call:uptime{}"),
             ("um jarvis how long has the pc been running", "call:uptime{}"),
             ("When was the computer last switched off?", "call:uptime{}"),
             ("jarvis uptime", "call:uptime{}"),
             ("Was this PC left running all night?", "call:uptime{}"),
             ("how long since the machine was last booted", "call:uptime{}"),
             ("What time did the computer start up this morning?", "call:uptime{}"),
             ("Could you tell me how long the system has been up?", "call:uptime{}"),
             ("has this thing been running for days on end", "call:uptime{}"),
             ("Is it about time for a reboot? How long has it been on?", "call:uptime{}"),
             ("how many hours has the computer been awake", "call:uptime{}"),
             ("um jarvis when did the laptop last boot up", "call:uptime{}"),
             ("How long's the machine been powered on for?", "call:uptime{}"),
             ("Has it been restarted since the update last week?", "call:uptime{}"),
             ("tell me the uptime of this computer", "call:uptime{}"),
             ("I can't recall when I last rebooted. How long ago was it?", "call:uptime{}"),
             ("how long has this pc gone without a restart", "call:uptime{}"),
         )),
    Tool("hostname", "The computer's network name.", (), _hostname, examples=(
        ("What's this computer called?", "call:hostname{}"),
        ("whats my hostname", "call:hostname{}"),
        ("What name does this machine go by on the network?", "call:hostname{}"),
        ("what is the pc's name", "call:hostname{}"),
        ("Remind me of the computer name.", "call:hostname{}"),
        ("which machine am i on", "call:hostname{}"),
        ("How does the laptop identify itself?", "call:hostname{}"),
        ("tell me the device name", "call:hostname{}"),
        ("Hostname?", "call:hostname{}"),
        ("what do the other computers see this one as", "call:hostname{}"),
        ("What name do I type to reach this box from another computer?", "call:hostname{}"),
        ("computer name please", "call:hostname{}"),
        ("What's this laptop's name?", "call:hostname{}"),
        ("what did i call this pc when i set it up", "call:hostname{}"),
        ("what name should i use for this machine on the home network", "call:hostname{}"),
        ("Which name will this computer show up under in the router's device list?", "call:hostname{}"),
        ("um jarvis whats this computers name", "call:hostname{}"),
        ("What's the network name of this PC?", "call:hostname{}"),
        ("jarvis hostname please", "call:hostname{}"),
        ("which name does this laptop use on the lan", "call:hostname{}"),
        ("I'm setting up file sharing and need this machine's name.", "call:hostname{}"),
        ("what's the box called", "call:hostname{}"),
        ("Tell me this computer's hostname.", "call:hostname{}"),
        ("how will this pc appear to other devices on the wifi", "call:hostname{}"),
        ("What name has this computer been given?", "call:hostname{}"),
        ("um jarvis what did we name this laptop", "call:hostname{}"),
        ("For SSH I need the machine's name, not its address. What is it?", "call:hostname{}"),
        ("whats the name of the computer im on", "call:hostname{}"),
        ("What's this desktop called on the network?", "call:hostname{}"),
        ("which hostname does this box have", "call:hostname{}"),
        ("The printer setup asks for the computer name. What is it?", "call:hostname{}"),
    )),
    Tool("os_info", "The operating system, its version and the kernel.", (), _os_info, examples=(
        ("What operating system am I running?", "call:os_info{}"),
        ("which os is this", "call:os_info{}"),
        ("What version of Linux is this?", "call:os_info{}"),
        ("whats the kernel version", "call:os_info{}"),
        ("Is this Windows or a Mac?", "call:os_info{}"),
        ("which release of the system have i got", "call:os_info{}"),
        ("Am I up to date on the OS version?", "call:os_info{}"),
        ("what distro am i on", "call:os_info{}"),
        ("Tell me about the software this computer runs on.", "call:os_info{}"),
        ("which build of windows is installed", "call:os_info{}"),
        ("Which version of Ubuntu have I got?", "call:os_info{}"),
        ("which linux kernel is this machine on", "call:os_info{}"),
        ("is this pc on windows ten or eleven", "call:os_info{}"),
        ("Tell me the OS and its version number.", "call:os_info{}"),
        ("um jarvis which version of windows is this", "call:os_info{}"),
        ("What OS is this laptop running?", "call:os_info{}"),
        ("is this machine on linux or windows", "call:os_info{}"),
        ("Which Linux distribution is installed?", "call:os_info{}"),
        ("jarvis what operating system is this", "call:os_info{}"),
        ("Tell me the kernel release, please.", "call:os_info{}"),
        ("which version of macos am i on", "call:os_info{}"),
        ("Is this a Debian machine or something else?", "call:os_info{}"),
        ("What flavour of Linux have I got here?", "call:os_info{}"),
        ("um jarvis what version is the os", "call:os_info{}"),
        ("Which edition of the operating system is installed on this PC?", "call:os_info{}"),
        ("what software platform is this computer running", "call:os_info{}"),
        ("Someone asked what system I'm on. Windows, Mac or Linux?", "call:os_info{}"),
        ("is it arch or mint on this laptop", "call:os_info{}"),
        ("What's the exact OS build number?", "call:os_info{}"),
        ("which operating system does this pc have", "call:os_info{}"),
        ("What's the name and version of the system software here?", "call:os_info{}"),
    )),
    Tool("local_ip", "The computer's address on the local network (never the internet's).", (),
         _local_ip, examples=(
             ("What's my IP address?", "call:local_ip{}"),
             ("whats my local ip", "call:local_ip{}"),
             ("What address does this computer have on the network?", "call:local_ip{}"),
             ("tell me the ip", "call:local_ip{}"),
             ("I need the machine's LAN address.", "call:local_ip{}"),
             ("which address should i type in on my phone to reach this pc", "call:local_ip{}"),
             ("Where can the printer find me?", "call:local_ip{}"),
             ("my internal ip please", "call:local_ip{}"),
             ("What's the laptop's network address?", "call:local_ip{}"),
             ("what address has this laptop got on the wifi", "call:local_ip{}"),
             ("My phone needs this PC's address on the LAN. What is it?", "call:local_ip{}"),
             ("i need my lan ip for the game server", "call:local_ip{}"),
             ("Which 192.168 address has this machine got?", "call:local_ip{}"),
             ("whats the ip of this box", "call:local_ip{}"),
             ("um jarvis what ip has this computer got", "call:local_ip{}"),
             ("What's the private IP of this machine?", "call:local_ip{}"),
             ("which address does the router give this laptop", "call:local_ip{}"),
             ("I need the IP address for SSH from my other laptop.", "call:local_ip{}"),
             ("jarvis read me out the ip address", "call:local_ip{}"),
             ("What's this PC's address on the home network?", "call:local_ip{}"),
             ("give me the local address of this box", "call:local_ip{}"),
             ("The Chromecast wants the computer's IP. What is it?", "call:local_ip{}"),
             ("what's my ip on the wifi", "call:local_ip{}"),
             ("Which IP does this machine show up as on the LAN?", "call:local_ip{}"),
             ("um jarvis i need this laptops ip for the printer", "call:local_ip{}"),
             ("Tell me the IPv4 address of this computer.", "call:local_ip{}"),
             ("whats the ip address on the ethernet", "call:local_ip{}"),
             ("What number does the network know this computer by?", "call:local_ip{}"),
             ("not the name the actual ip address of this pc", "call:local_ip{}"),
             ("Give me this computer's internal network address, please.", "call:local_ip{}"),
             ("what address do i put in the browser to reach the server on this machine", "call:local_ip{}"),
         )),
    Tool("network", "Whether the computer is connected to a network (the internet not checked).",
         (), _network, examples=(
             ("Am I connected to the network?", "call:network{}"),
             ("is the network up", "call:network{}"),
             ("Is the Wi-Fi working?", "call:network{}"),
             ("are we online", "call:network{}"),
             ("Has the connection dropped?", "call:network{}"),
             ("is the ethernet cable plugged in", "call:network{}"),
             ("Check the network connection, please.", "call:network{}"),
             ("am i on the wifi", "call:network{}"),
             ("Is the machine hooked up?", "call:network{}"),
             ("network status", "call:network{}"),
             ("Have we lost the Wi-Fi?", "call:network{}"),
             ("is this pc on the network at all", "call:network{}"),
             ("Is the connection all right? Pages won't load.", "call:network{}"),
             ("check whether the network cable is connected", "call:network{}"),
             ("is the wifi down or is it just the one site", "call:network{}"),
             ("um jarvis are we still connected", "call:network{}"),
             ("Am I actually on the internet?", "call:network{}"),
             ("The video call froze. Have I lost my connection?", "call:network{}"),
             ("jarvis is the wifi on", "call:network{}"),
             ("Is this laptop connected to anything?", "call:network{}"),
             ("check if im online", "call:network{}"),
             ("Is the network connection up at the moment?", "call:network{}"),
             ("nothings loading is the connection down", "call:network{}"),
             ("Has the ethernet dropped out?", "call:network{}"),
             ("um jarvis has the wifi gone again", "call:network{}"),
             ("Is the computer on the network or offline?", "call:network{}"),
             ("Have we still got a connection, or has it dropped?", "call:network{}"),
             ("emails arent coming through are we connected", "call:network{}"),
             ("Could you check whether I'm connected to the Wi-Fi?", "call:network{}"),
             ("are we offline", "call:network{}"),
             ("Is there a network link at all right now?", "call:network{}"),
         )),
    Tool("top_processes", "The three programs using the most memory or processor.",
         (Param("by", str, "what to rank by", required=False, choices=("memory", "cpu"), default="memory"),),
         _top_processes, examples=(
             ("What's using all my memory?", 'call:top_processes{by:"memory"}'),
             ("which programs are using the most ram", 'call:top_processes{by:"memory"}'),
             ("What's hogging the CPU?", 'call:top_processes{by:"cpu"}'),
             ("whats eating my processor", 'call:top_processes{by:"cpu"}'),
             ("Which apps are the heaviest?", "call:top_processes{}"),
             ("what's slowing the computer down", 'call:top_processes{by:"cpu"}'),
             ("Show me the top processes.", "call:top_processes{}"),
             ("which app is making the fans spin", 'call:top_processes{by:"cpu"}'),
             ("Who's the greediest program at the moment?", "call:top_processes{}"),
             ("list the biggest memory users", 'call:top_processes{by:"memory"}'),
             ("what's working the processor hardest right now", 'call:top_processes{by:"cpu"}'),
             ("Which programs are eating up my RAM?", 'call:top_processes{by:"memory"}'),
             ("the memory's nearly full whats taking it all", 'call:top_processes{by:"memory"}'),
             ("Which app is the biggest memory hog?", 'call:top_processes{by:"memory"}'),
             ("whats gobbling all the ram jarvis", 'call:top_processes{by:"memory"}'),
             ("Show me the processes sorted by memory.", 'call:top_processes{by:"memory"}'),
             ("whats maxing out the cpu", 'call:top_processes{by:"cpu"}'),
             ("Something's pinning the processor at 100 percent. What is it?", 'call:top_processes{by:"cpu"}'),
             ("which process is burning all the cpu time", 'call:top_processes{by:"cpu"}'),
             ("The laptop's roasting. Which program is making it work so hard?", 'call:top_processes{by:"cpu"}'),
             ("top cpu users please", 'call:top_processes{by:"cpu"}'),
             ("What's running that's so heavy?", "call:top_processes{}"),
             ("which apps are the worst offenders right now", "call:top_processes{}"),
             ("Name and shame the greediest processes.", "call:top_processes{}"),
             ("um jarvis what programs are hogging things", "call:top_processes{}"),
             ("Give me the top three processes.", "call:top_processes{}"),
             ("What should I close to free up some resources?", "call:top_processes{}"),
             ("The laptop's gone sluggish; is some program hogging it?", "call:top_processes{}"),
             ("um jarvis which app is eating the memory", 'call:top_processes{by:"memory"}'),
             ("The fans are going mad. Which program is keeping the processor busiest?", 'call:top_processes{by:"cpu"}'),
             ("which apps are chewing through the cpu at the moment", 'call:top_processes{by:"cpu"}'),
         )),
)
