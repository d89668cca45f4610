"""The computer's own state: disk space, memory, processor, battery, uptime, name, network.

Every tool here only looks (psutil, shutil, socket, platform) and answers at once; none reaches
the internet.  Sizes are spoken in "GB" of 1024**3 bytes, the unit ``df -h``, ``free -h`` and
Windows's Task Manager show, so Jarvis's figure matches what the user sees on screen.  Each
reply is phrased from ``data`` with ``format_number``, so every number said is one stored.
"""

from __future__ import annotations

import getpass
import os
import platform
import re
import shutil
import socket
import time
from datetime import datetime

import psutil
from jeepney import DBusAddress
from jeepney.io.blocking import open_dbus_connection

from jarvis_desktop.core.skills import format_number
from jarvis_desktop.core.tools.bus import OPEN_ERRORS, get_property
from jarvis_desktop.core.tools.slots_words import OPENING, one_line
from jarvis_desktop.core.tools.base import Context, Param, Tool, ToolFailed, ToolResult
from jarvis_desktop.core.tools.computer_examples import EXAMPLES

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

# "what's my username", "who am I logged in as": the account, which the model asks this tool for
_ASKS_USER = re.compile(r"\buser ?name\b|\b(?:logged|signed) (?:in|on) as\b|\bwho am i\b|\baccount name\b|"
                        r"\blog ?in name\b", re.I)


def _user_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no name for this uid (a bare container)
        return ""


def _hostname(args: dict, context: Context) -> ToolResult:
    name = socket.gethostname()
    if _ASKS_USER.search(context.message) and (user := _user_name()):
        return ToolResult(f"You're signed in as {user} on {name}, {context.honorific}.", {"hostname": name, "user": user})
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


# "how do I find my IP address on Linux": the address, and the command that shows it there
_HOW = re.compile(r"\bhow (?:do|can|would|should) (?:i|you|we|one)\b|\bhow to\b|\bwhere (?:do|can) i\b", re.I)
_IP_ASKED = re.compile(
    rf"^{OPENING}"
    r"(?:how (?:do|can|would|should) (?:i|you)|how to|where (?:do|can) i) "
    r"(?:find|check|see|get|look up|find out|work out|know) (?:out )?"
    r"(?:what )?(?:my |the |this (?:computer|pc|machine|laptop)(?:'s|s) |my (?:computer|pc|machine|laptop)(?:'s|s) )?"
    r"(?:local |private |internal |lan )?ip(?:v4)?(?: address)?(?: is)?"
    r"(?: (?:on|in|for|with) (?:linux|ubuntu|debian|fedora|mint|windows|a mac|mac|macos|the terminal|"
    r"the command line|this (?:computer|pc|machine|laptop)))?(?: please| jarvis)?$", re.I)
_SHOWN_BY = {"Linux": "hostname -I in a terminal shows it (ip addr for every interface)",
             "Darwin": "ipconfig getifaddr en0 in Terminal shows it (en1 on some Macs)",
             "Windows": "ipconfig in a Command Prompt shows it, as the IPv4 Address"}
_SYSTEM_NAMES = {"Linux": "Linux", "Darwin": "a Mac", "Windows": "Windows"}
_SYSTEMS = (("Windows", re.compile(r"\bwindows\b", re.I)), ("Darwin", re.compile(r"\bmac(?:os)?\b", re.I)),
            ("Linux", re.compile(r"\b(?:linux|ubuntu|debian|fedora|mint)\b", re.I)))


def ip_asked(message: str) -> bool:
    """Whether ``message`` asks in so many words how to find this computer's IP address ("how do
    I find my ip address on linux"): the local_ip tool's call, which also says the command."""
    return bool(_IP_ASKED.match(one_line(message)))


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
    said = f"Your local IP address is {ip}{on}, {context.honorific}"
    if _HOW.search(context.message):  # asked how to find it: the command too, for the system named or this one
        system = next((name for name, named in _SYSTEMS if named.search(context.message)), platform.system())
        if system in _SHOWN_BY:
            data["shown_by"] = _SHOWN_BY[system]
            elsewhere = "" if system == platform.system() else f"on {_SYSTEM_NAMES[system]}, "
            said += f"; {elsewhere}{_SHOWN_BY[system]}"
    return ToolResult(f"{said}.", data)


# NetworkManager's own view of the internet (its "Connectivity" property, which it keeps from
# its periodic check; reading it sends nothing): 1 none, 2 behind a sign-in page, 3 limited, 4 full.
NM_CONNECTIVITY = {1: "none", 2: "portal", 3: "limited", 4: "full"}
NETWORK_MANAGER = DBusAddress("/org/freedesktop/NetworkManager", bus_name="org.freedesktop.NetworkManager",
                              interface="org.freedesktop.NetworkManager")


def desktop_connectivity(timeout_s: float = 0.5) -> str | None:
    """"full", "limited", "portal" or "none" as NetworkManager last found the internet, or None
    where it cannot say: no system bus or no NetworkManager (other desktops, containers), its
    check turned off (then it reports "full" for any default route, which says nothing more
    than the routing table), or an unknown state."""
    try:
        conn = open_dbus_connection(bus="SYSTEM", auth_timeout=timeout_s)
    except OPEN_ERRORS:
        return None
    with conn:
        if not get_property(conn, NETWORK_MANAGER, "ConnectivityCheckEnabled", timeout_s):
            return None
        state = get_property(conn, NETWORK_MANAGER, "Connectivity", timeout_s)
    return NM_CONNECTIVITY.get(state) if isinstance(state, int) else None


def default_gateway(table: str = "/proc/net/route", table6: str = "/proc/net/ipv6_route") -> tuple[bool, str | None]:
    """(whether the kernel has a default route, its IPv4 gateway or None), from Linux's routing
    tables; (False, None) where they cannot be read (other systems: then nothing is claimed)."""
    try:
        with open(table) as f:
            for line in f.readlines()[1:]:  # Iface Destination Gateway Flags ... Mask ...
                cols = line.split()
                if len(cols) >= 8 and cols[1] == "00000000" and cols[7] == "00000000" and int(cols[3], 16) & 1:
                    gateway = socket.inet_ntoa(int(cols[2], 16).to_bytes(4, "little"))
                    return True, None if gateway == "0.0.0.0" else gateway
    except (OSError, ValueError):
        pass
    try:
        with open(table6) as f:  # destination, its prefix length, ... device last; ::/0 is the default
            for line in f:
                cols = line.split()
                if len(cols) < 10 or cols[0] != "0" * 32 or cols[1] != "00":
                    continue
                flags = int(cols[8], 16)
                if flags & 0x1 and not flags & 0x200:  # up, and not the kernel's "unreachable" entry
                    return True, None
    except (OSError, ValueError):
        pass
    return False, None


def network_reply(interfaces: list[str], internet: str | None, route: bool, gateway: str | None,
                  honorific: str) -> str:
    """One sentence on the network and the way out to the internet, from what was found."""
    if not interfaces:
        return f"You don't seem to be connected to any network, {honorific}."
    via = _join(interfaces)
    if internet == "full":
        return f"You're online through {via}: the desktop's own check reaches the internet, {honorific}."
    if internet == "portal":
        return (f"You're connected through {via}, but a sign-in page stands between you and the internet, "
                f"{honorific}.")
    if internet in ("limited", "none"):
        return (f"You're on the local network through {via}, but the desktop's check can't reach the "
                f"internet, {honorific}.")
    if route:
        out = f" by way of {gateway}" if gateway else ""
        return (f"You're connected through {via} with a route out{out}, though I can't check the internet "
                f"beyond it, {honorific}.")
    return f"You're on the local network through {via}, but there's no route out to the internet, {honorific}."


def _network(args: dict, context: Context) -> ToolResult:
    interfaces = sorted(_connected_interfaces())
    internet, route, gateway = None, False, None
    if interfaces:  # nothing to ask of the bus or the routes without a network
        internet, (route, gateway) = desktop_connectivity(), default_gateway()
    data = {"up": bool(interfaces), "interfaces": interfaces, "internet": internet, "route": route,
            "gateway": gateway}
    return ToolResult(network_reply(interfaces, internet, route, gateway, context.honorific), data)


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
         _disk_free, examples=EXAMPLES["disk_free"]),
    Tool("memory", "RAM in use, total RAM and the percentage used.", (), _memory, examples=EXAMPLES["memory"]),
    Tool("cpu_load", "How busy the processor is now, its cores and load average.", (), _cpu_load,
         examples=EXAMPLES["cpu_load"]),
    Tool("battery", "Battery level, whether it is charging, and the time left.", (), _battery,
         examples=EXAMPLES["battery"]),
    Tool("uptime", "How long the computer has been running since it was started.", (), _uptime,
         examples=EXAMPLES["uptime"]),
    Tool("hostname", "The computer's network name (and the account signed in, where asked).", (), _hostname,
         examples=EXAMPLES["hostname"]),
    Tool("os_info", "The operating system, its version and the kernel.", (), _os_info, examples=EXAMPLES["os_info"]),
    Tool("local_ip", "The computer's address on the local network (never the internet's).", (),
         _local_ip, examples=EXAMPLES["local_ip"]),
    Tool("network", "Whether the computer is connected to a network, and its way out to the internet as "
         "the desktop (NetworkManager) or the routing table knows it.",
         (), _network, examples=EXAMPLES["network"]),
    Tool("top_processes", "The three programs using the most memory or processor.",
         (Param("by", str, "what to rank by", required=False, choices=("memory", "cpu"), default="memory"),),
         _top_processes, examples=EXAMPLES["top_processes"]),
)
