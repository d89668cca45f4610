"""The computer tools against what psutil, shutil, socket and platform say at the same moment.

Values that move between the tool's reading and the test's (free space, memory in use, load)
are compared with a tolerance; fixed ones (total memory, core count, hostname) exactly.
"""

from __future__ import annotations

import ipaddress
import os
import platform
import re
import shutil
import socket
import time

import psutil
import pytest

from jarvis_desktop.core.skills import format_number
from jarvis_desktop.core.tools.base import Context, ToolFailed, ToolResult
from jarvis_desktop.core.tools.computer import (TOOLS, battery_reply, default_gateway, desktop_connectivity,
                                                network_reply, spoken_span)
from tests.tool_checks import assert_numbers_from_data

BY_NAME = {tool.name: tool for tool in TOOLS}
GIB = 1024 ** 3
HOME = os.path.expanduser("~")
HAS_BATTERY = psutil.sensors_battery() is not None


def run(name: str, args: dict | None = None, honorific: str = "sir") -> ToolResult:
    return BY_NAME[name].run(args or {}, Context(honorific=honorific))


def assert_butler_sentence(result: ToolResult, honorific: str) -> None:
    reply = result.reply
    assert reply.endswith(f", {honorific}."), reply
    assert not re.search(r"[.!?]\s+[A-Z]", reply), f"more than one sentence: {reply}"
    assert "?" not in reply and "!" not in reply, reply
    assert_numbers_from_data(result)


# --- the tools' declarations and examples ------------------------------------------------------

CALL = re.compile(r'^call:(?P<name>[a-z][a-z0-9_]*)\{(?P<args>.*)\}$')
ARG = re.compile(r'(?P<key>[a-z][a-z0-9_]*):(?P<value>-?\d+(?:\.\d+)?|"(?:[^"\\]|\\.)*"|true|false)'
                 r'(?:,|$)')


def parse_call(call: str) -> tuple[str, dict[str, str]]:
    """A small stand-in for tools/call.py: the name and the raw values of a call."""
    match = CALL.match(call)
    assert match, f"not a call: {call}"
    args, body = {}, match["args"]
    while body:
        arg = ARG.match(body)
        assert arg, f"bad arguments in {call}"
        args[arg["key"]] = arg["value"]
        body = body[arg.end():]
    return match["name"], args


def test_tools_are_read_only_with_unique_snake_case_names():
    assert len(BY_NAME) == len(TOOLS) == 10
    for tool in TOOLS:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", tool.name)
        assert tool.read_only and tool.doc
        assert all(re.fullmatch(r"[a-z][a-z0-9_]*", p.name) and not p.required for p in tool.params)


@pytest.mark.parametrize("tool", TOOLS, ids=lambda t: t.name)
def test_examples_parse_as_calls_of_the_tool(tool):
    assert len(tool.examples) >= 10
    requests = [request for request, _ in tool.examples]
    assert len(set(requests)) == len(requests), "a request is repeated"
    # Both styles: typed (capitals, punctuation) and spoken transcripts (neither).
    assert any(r == r.lower() and not re.search(r"[.,?!]", r) for r in requests)
    assert any(r != r.lower() for r in requests)
    for request, call in tool.examples:
        name, args = parse_call(call)
        assert name == tool.name, call
        for key, value in args.items():
            param = tool.param(key)
            assert param is not None, f"{key} is not a parameter of {tool.name}: {call}"
            if param.kind is str:
                assert value.startswith('"'), call
            if param.choices:
                assert value.strip('"') in param.choices, call


# --- disk_free ---------------------------------------------------------------------------------

def test_disk_free_of_home_matches_shutil():
    result = run("disk_free")
    usage = shutil.disk_usage(HOME)
    assert result.data["total_gb"] == round(usage.total / GIB, 1)
    assert abs(result.data["free_gb"] - usage.free / GIB) < 0.5  # others write to this disk
    mount = result.data["mount"]
    assert os.path.ismount(mount) and os.stat(mount).st_dev == os.stat(HOME).st_dev
    assert "your home folder" in result.reply
    assert f"{format_number(result.data['free_gb'])} GB free of" in result.reply


def test_disk_free_names_the_disk_holding_a_given_folder(tmp_path):
    result = run("disk_free", {"path": str(tmp_path)})
    mount = result.data["mount"]
    assert os.path.ismount(mount) and os.stat(mount).st_dev == os.stat(tmp_path).st_dev
    assert str(tmp_path) in result.reply
    assert result.data["total_gb"] == round(shutil.disk_usage(tmp_path).total / GIB, 1)
    # The root itself is the disk: it is named once, not "which holds /".
    assert run("disk_free", {"path": "/"}).reply.startswith("You have")
    assert "which holds" not in run("disk_free", {"path": "/"}).reply
    assert "your home folder" in run("disk_free", {"path": "~"}).reply


def test_disk_free_of_a_missing_folder_says_so(tmp_path):
    missing = str(tmp_path / "no-such-folder")
    with pytest.raises(ToolFailed) as failed:
        run("disk_free", {"path": missing}, honorific="ma'am")
    assert missing in str(failed.value) and "ma'am" in str(failed.value)


# --- memory, cpu_load, battery, uptime ----------------------------------------------------------

def test_memory_matches_psutil():
    result = run("memory")
    vm = psutil.virtual_memory()
    assert result.data["total_gb"] == round(vm.total / GIB, 1)
    assert abs(result.data["used_gb"] - (vm.total - vm.available) / GIB) < 1.0
    assert abs(result.data["percent"] - vm.percent) < 5
    assert 0 < result.data["used_gb"] <= result.data["total_gb"]


def test_cpu_load_matches_psutil():
    result = run("cpu_load")
    assert result.data["cores"] == psutil.cpu_count(logical=True)
    assert 0 <= result.data["percent"] <= 100
    if hasattr(os, "getloadavg"):
        assert abs(result.data["load_1min"] - os.getloadavg()[0]) < 2.0
        assert "load average" in result.reply
    assert f"{format_number(result.data['cores'])} cores" in result.reply


@pytest.mark.skipif(HAS_BATTERY, reason="this machine has a battery")
def test_battery_fails_clearly_without_one():
    with pytest.raises(ToolFailed, match=r"^This computer has no battery, ma'am\.$"):
        run("battery", honorific="ma'am")


@pytest.mark.skipif(not HAS_BATTERY, reason="this machine has no battery")
def test_battery_matches_psutil():
    result = run("battery")
    assert abs(result.data["percent"] - psutil.sensors_battery().percent) <= 1


@pytest.mark.parametrize("percent, plugged, secs, expected", [
    (76.4, True, None, "The battery is at 76 per cent and charging, sir."),
    (100.0, True, None, "The battery is full and plugged in, sir."),
    (41.0, False, 2 * 3600 + 5 * 60 + 40, "The battery is at 41 per cent with about 2 hours and "
                                          "5 minutes left, sir."),
    (9.6, False, None, "The battery is at 10 per cent and not plugged in, sir."),
])
def test_battery_phrasing(percent, plugged, secs, expected):
    result = battery_reply(percent, plugged, secs, "sir")
    assert result.reply == expected
    assert_butler_sentence(result, "sir")


@pytest.mark.parametrize("seconds, words", [
    (0, "less than a minute"),
    (59, "less than a minute"),
    (61, "1 minute"),
    (2 * 3600, "2 hours"),
    (86400 + 3600 + 60, "1 day, 1 hour and 1 minute"),
    (3 * 86400 + 4 * 3600 + 12 * 60 + 30, "3 days, 4 hours and 12 minutes"),
    (400 * 86400, "400 days"),
])
def test_spoken_span(seconds, words):
    text, parts = spoken_span(seconds)
    assert text == words
    assert parts["days"] * 86400 + parts["hours"] * 3600 + parts["minutes"] * 60 <= seconds


def test_uptime_matches_boot_time():
    result = run("uptime")
    assert abs(result.data["seconds"] - (time.time() - psutil.boot_time())) < 60
    d = result.data
    assert d["days"] * 86400 + d["hours"] * 3600 + d["minutes"] * 60 == d["seconds"] // 60 * 60
    assert spoken_span(d["seconds"])[0] in result.reply


# --- hostname, os_info, local_ip, network ------------------------------------------------------

def test_hostname_matches_socket():
    result = run("hostname")
    assert result.data["hostname"] == socket.gethostname()
    assert socket.gethostname() in result.reply


def test_a_question_of_the_user_name_is_answered_with_the_account():
    """v4 sent "what's my username" to hostname and said the computer's name; the account is said."""
    import getpass

    from jarvis_desktop.core.tools import Toolbox

    out = Toolbox().run("call:hostname{}", "sir", "what's my username")
    assert out.result.reply == f"You're signed in as {getpass.getuser()} on {socket.gethostname()}, sir."
    assert out.result.data == {"hostname": socket.gethostname(), "user": getpass.getuser()}
    assert Toolbox().run("call:hostname{}", "sir", "what's this computer called").result.data == \
        {"hostname": socket.gethostname()}


def test_os_info_matches_platform():
    result = run("os_info")
    assert result.data["system"] == platform.system()
    assert result.data["release"] == platform.release()
    if platform.system() == "Linux":
        assert platform.release() in result.reply
        try:
            pretty = platform.freedesktop_os_release()["PRETTY_NAME"]
        except (OSError, KeyError):
            pretty = "Linux"
        assert result.data["name"] == pretty and pretty in result.reply


def test_local_ip_is_an_address_of_this_machine():
    result = run("local_ip")
    ip = result.data["ip"]
    assert not ipaddress.ip_address(ip).is_loopback
    addresses = {a.address: name for name, addrs in psutil.net_if_addrs().items() for a in addrs}
    assert ip in addresses and result.data["interface"] == addresses[ip]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("10.254.254.254", 1))
            assert ip == sock.getsockname()[0]  # the address the system would send from
        except OSError:
            pass  # no route: the tool fell back to an interface's address, checked above


@pytest.mark.parametrize("message, shown_by", [
    ("how do I find my ip address", {"Linux": "hostname -I", "Darwin": "ipconfig getifaddr",
                                     "Windows": "ipconfig in a Command Prompt"}[platform.system()]),
    ("how do I find my IP address on Windows?", "ipconfig in a Command Prompt"),
    ("how can I check my ip address on a mac", "ipconfig getifaddr en0"),
])
def test_asked_how_to_find_it_the_address_comes_with_the_command_that_shows_it(message, shown_by):
    from jarvis_desktop.core.tools.computer import ip_asked

    assert ip_asked(message)
    result = next(t for t in TOOLS if t.name == "local_ip").run({}, Context("sir", message=message))
    assert result.reply.startswith(f"Your local IP address is {result.data['ip']}")
    assert shown_by in result.reply and result.reply.endswith(".")
    if "windows" in message.lower() and platform.system() != "Windows":
        assert "; on Windows, ipconfig" in result.reply
    assert "shown_by" not in run("local_ip").data  # asked for the address alone: the address alone


@pytest.mark.parametrize("message", ["what's my ip address", "how does an ip address work",
                                     "how do I find my public ip address", "how do I change my ip address",
                                     "how do i find the ip address of my printer"])
def test_other_questions_of_ip_addresses_are_not_how_to_find_this_ones(message):
    from jarvis_desktop.core.tools.computer import ip_asked

    assert not ip_asked(message)


def test_how_to_find_the_ip_address_is_local_ip_beyond_doubt_and_nothing_else_in_the_data():
    from jarvis_desktop.core.tools import Toolbox
    from jarvis_desktop.core.tools.computer import ip_asked
    from tests.tool_checks import said_in_data

    assert Toolbox(act=False).beyond_doubt("how do I find my ip address on linux") == "call:local_ip{}"
    read = [(m, r) for m, r in said_in_data() if ip_asked(m.rsplit("\n", 1)[-1])]
    assert [(m, r) for m, r in read if not r.startswith("call:local_ip")] == []


def test_network_matches_interfaces():
    result = run("network")
    stats = psutil.net_if_stats()
    expected = sorted(
        name for name, addrs in psutil.net_if_addrs().items()
        if stats.get(name) and stats[name].isup and "loopback" not in stats[name].flags
        and "running" in stats[name].flags
        and any(a.family == socket.AF_INET and not a.address.startswith("127.") for a in addrs))
    # An interface with only a global IPv6 address also counts; IPv4 ones must all be there.
    assert set(expected) <= set(result.data["interfaces"])
    assert result.data["up"] == bool(result.data["interfaces"])
    assert "lo" not in result.data["interfaces"]
    if result.data["up"]:
        assert all(name in result.reply for name in result.data["interfaces"])
    assert_butler_sentence(result, "sir")
    assert result.data["route"] == default_gateway()[0]
    assert result.data["internet"] in (None, "full", "limited", "portal", "none")


def test_default_gateway_is_the_kernels():
    route, gateway = default_gateway()
    if not os.path.exists("/proc/net/route"):
        assert (route, gateway) == (False, None)
        return
    ip = shutil.which("ip")
    if ip:  # iproute2 reads the same table: "default via 192.0.2.1 dev eth0 ..."
        import subprocess
        shown = subprocess.run([ip, "-4", "route", "show", "default"], capture_output=True, text=True).stdout
        via = re.search(r"^default via (\S+)", shown, re.M)
        if via:
            assert gateway == via.group(1)
        if shown.strip():
            assert route


def test_default_gateway_reads_the_routing_tables(tmp_path):
    head = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
    table, table6 = tmp_path / "route", tmp_path / "ipv6_route"
    table.write_text(head + "wlan0\t0000A8C0\t00000000\t0001\t0\t0\t600\t00FFFFFF\t0\t0\t0\n"
                     + "wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n")
    table6.write_text("")
    assert default_gateway(str(table), str(table6)) == (True, "192.168.1.1")
    table.write_text(head + "wlan0\t0000A8C0\t00000000\t0001\t0\t0\t600\t00FFFFFF\t0\t0\t0\n")
    assert default_gateway(str(table), str(table6)) == (False, None)  # the local network only
    table6.write_text("\n00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
                      "fe800000000000000000000000000001 00000400 00000001 00000000 00000003 wlan0\n")
    assert default_gateway(str(table), str(table6)) == (True, None)  # out by IPv6 alone
    table6.write_text("00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
                      "00000000000000000000000000000000 ffffffff 00000001 00000000 00200200 lo\n")
    assert default_gateway(str(table), str(table6)) == (False, None)  # the kernel's "unreachable" entry
    assert default_gateway(str(tmp_path / "absent"), str(tmp_path / "absent6")) == (False, None)


@pytest.mark.parametrize("internet, route, gateway, says", [
    ("full", True, "192.168.1.1", "online"),
    ("portal", True, "192.168.1.1", "sign-in page"),
    ("limited", True, None, "can't reach the internet"),
    ("none", False, None, "can't reach the internet"),
    (None, True, "192.168.1.1", "route out by way of 192.168.1.1"),
    (None, True, None, "with a route out, though"),
    (None, False, None, "no route out"),
])
def test_network_says_how_far_the_connection_goes(internet, route, gateway, says):
    data = {"up": True, "interfaces": ["wlan0"], "internet": internet, "route": route, "gateway": gateway}
    result = ToolResult(network_reply(["wlan0"], internet, route, gateway, "madam"), data)
    assert says in result.reply and "wlan0" in result.reply
    assert_butler_sentence(result, "madam")
    off = network_reply([], None, False, None, "sir")
    assert off == "You don't seem to be connected to any network, sir."


def test_the_desktops_view_of_the_internet_is_read_or_left_unsaid():
    # NetworkManager over the system bus where there is one; here (no bus) or on other desktops
    # it is None and the routing table answers.  Never an exception.
    assert desktop_connectivity() in (None, "full", "limited", "portal", "none")


# --- top_processes -------------------------------------------------------------------------------

def direct_memory_shares() -> dict[str, float]:
    shares: dict[str, float] = {}
    for proc in psutil.process_iter(["name", "memory_percent"]):
        name, share = proc.info["name"], proc.info["memory_percent"]
        if name and share is not None:
            shares[name] = shares.get(name, 0) + share
    return shares


def test_top_processes_by_memory_matches_psutil():
    result = run("top_processes")
    shares = direct_memory_shares()
    top = result.data["processes"]
    assert result.data["by"] == "memory" and 1 <= len(top) <= 3
    leaders = sorted(shares, key=shares.get, reverse=True)[:6]  # processes come and go
    for proc in top:
        assert proc["name"] in leaders
        assert abs(proc["percent"] - shares[proc["name"]]) < 1.0
    assert [p["percent"] for p in top] == sorted((p["percent"] for p in top), reverse=True)
    assert top[0]["name"] in result.reply and "memory" in result.reply


def test_top_processes_by_cpu():
    before = {p.info["name"] for p in psutil.process_iter(["name"])}
    result = run("top_processes", {"by": "cpu"})
    after = {p.info["name"] for p in psutil.process_iter(["name"])}
    top = result.data["processes"]
    assert result.data["by"] == "cpu" and len(top) <= 3
    for proc in top:
        assert 0 < proc["percent"] <= 100
        assert proc["name"] in before | after  # it ran through the tool's whole sample
    assert [p["percent"] for p in top] == sorted((p["percent"] for p in top), reverse=True)
    assert "the processor" in result.reply


# --- every reply: a butler's one sentence, every number from data --------------------------------

PHRASED = [(name, args) for name, args in (
    ("disk_free", {}), ("disk_free", {"path": "/"}), ("memory", {}), ("cpu_load", {}),
    ("uptime", {}), ("hostname", {}), ("os_info", {}), ("local_ip", {}), ("network", {}),
    ("top_processes", {}), ("top_processes", {"by": "cpu"}), ("battery", {}),
) if name != "battery" or HAS_BATTERY]


@pytest.mark.parametrize("name, args", PHRASED, ids=[f"{n}{a}" for n, a in PHRASED])
@pytest.mark.parametrize("honorific", ["sir", "ma'am"])
def test_reply_is_one_sentence_with_every_number_from_data(name, args, honorific):
    result = run(name, args, honorific)
    assert result.ok
    assert_butler_sentence(result, honorific)
