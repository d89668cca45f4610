"""The desktop's media player, the sound volume and the screen lock.

Players are reached over MPRIS, the D-Bus interface every Linux player offers (Spotify, VLC,
Firefox, Rhythmbox...), on the session bus with ``jeepney`` (pure Python, no libdbus); every
D-Bus call waits ``DBUS_TIMEOUT_S`` at most.  The volume is PipeWire's ``wpctl`` where it is
installed, else PulseAudio's ``pactl`` (which PipeWire's PulseAudio server also answers): fixed
argument lists, never a shell, each command ``COMMAND_TIMEOUT_S`` at most.  The screen is locked
by logind, else the desktop's screensaver service, else ``xdg-screensaver``.  Where the desktop
lacks what a tool needs (no session bus, no player, no sound server) the tool says which.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass

from jeepney import DBusAddress, DBusErrorResponse, MessageType, new_method_call
from jeepney.io.blocking import DBusConnection, open_dbus_connection

from jarvis_desktop.core.skills import format_number
from jarvis_desktop.core.tools.bus import OPEN_ERRORS, get_property
from jarvis_desktop.core.tools.base import Context, Param, Tool, ToolFailed, ToolResult
from jarvis_desktop.core.tools.desktop_examples import EXAMPLES

__all__ = ["TOOLS", "MPRIS_PREFIX", "commanded", "volume_commands", "read_volume_commands", "parse_wpctl_volume",
           "parse_pactl_volume", "parse_pactl_mute", "clamp_level", "volume_reply"]

DBUS_TIMEOUT_S = 1.0
COMMAND_TIMEOUT_S = 2.0
MPRIS_PREFIX = "org.mpris.MediaPlayer2."
MPRIS_PATH = "/org/mpris/MediaPlayer2"
MPRIS_ROOT = "org.mpris.MediaPlayer2"
MPRIS_PLAYER = "org.mpris.MediaPlayer2.Player"
MAX_VOLUME = 150  # per cent: what GNOME's and KDE's "over-amplification" allow
DEFAULT_STEP = 10


# --- the session bus ----------------------------------------------------------------------------

def _session_bus(what: str, honorific: str) -> DBusConnection:
    """A connection to the desktop's session bus; ToolFailed saying so where there is none.
    ``what`` names what was wanted ("a media player") for the sentence."""
    address = os.environ.get("DBUS_SESSION_BUS_ADDRESS", "").strip()
    if not address:
        raise ToolFailed(f"I can't reach {what}, {honorific}: no desktop session bus is running.")
    try:
        return open_dbus_connection(address, auth_timeout=DBUS_TIMEOUT_S)
    except OPEN_ERRORS as err:
        raise ToolFailed(f"I can't reach {what}, {honorific}: the desktop session bus isn't "
                         f"answering ({_reason(err)}).") from err


def _reason(err: Exception) -> str:
    """What went wrong, in a few words: "Connection refused", not "[Errno 111] ..."."""
    return getattr(err, "strerror", None) or str(err) or type(err).__name__


def _call(conn: DBusConnection, bus_name: str, path: str, interface: str, method: str,
          signature: str | None = None, body: tuple = ()) -> tuple:
    """One method call, its reply's body; DBusErrorResponse or TimeoutError where it fails."""
    msg = new_method_call(DBusAddress(path, bus_name, interface), method, signature, body)
    reply = conn.send_and_get_reply(msg, timeout=DBUS_TIMEOUT_S)
    if reply.header.message_type == MessageType.error:
        raise DBusErrorResponse(reply)
    return reply.body


def _get(conn: DBusConnection, bus_name: str, interface: str, prop: str):
    """A property of a player's MPRIS object (the variant's value); None where it can't say."""
    return get_property(conn, DBusAddress(MPRIS_PATH, bus_name, interface), prop, DBUS_TIMEOUT_S)


# --- media, now_playing ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Player:
    bus_name: str  # org.mpris.MediaPlayer2.vlc
    name: str      # VLC media player (its Identity)
    status: str    # Playing, Paused, Stopped, or "" where it doesn't say


def _players(conn: DBusConnection) -> list[Player]:
    """Every MPRIS player on the bus, by bus name."""
    names = _call(conn, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                  "ListNames")[0]
    players = []
    for bus_name in sorted(n for n in names if n.startswith(MPRIS_PREFIX)):
        identity = _get(conn, bus_name, MPRIS_ROOT, "Identity")
        # Without an Identity the bus name says who it is: org.mpris.MediaPlayer2.vlc.instance42
        name = identity if isinstance(identity, str) and identity.strip() else \
            bus_name[len(MPRIS_PREFIX):].split(".")[0]
        status = _get(conn, bus_name, MPRIS_PLAYER, "PlaybackStatus")
        players.append(Player(bus_name, name.strip(), status if isinstance(status, str) else ""))
    return players


def _player(conn: DBusConnection, honorific: str) -> Player:
    """The player a request means: one that is playing, else one that is paused, else the first."""
    try:
        players = _players(conn)
    except (OSError, TimeoutError, DBusErrorResponse) as err:
        raise ToolFailed(f"I can't reach a media player, {honorific}: the desktop session bus "
                         f"isn't answering ({_reason(err)}).") from err
    if not players:
        raise ToolFailed(f"I can't find a media player, {honorific}: none is running that "
                         "I can control.")
    for wanted in ("Playing", "Paused"):
        for player in players:
            if player.status == wanted:
                return player
    return players[0]


# action -> (the MPRIS method, what Jarvis says after it, with {player})
MEDIA_ACTIONS: dict[str, tuple[str, str]] = {
    "play": ("Play", "Playing {player}"),
    "pause": ("Pause", "Paused {player}"),
    "toggle": ("PlayPause", ""),  # said from the status it had: paused if it was playing
    "next": ("Next", "Skipped to the next track in {player}"),
    "previous": ("Previous", "Back to the previous track in {player}"),
    "stop": ("Stop", "Stopped {player}"),
}


def _media(args: dict, context: Context) -> ToolResult:
    action = args["action"]
    method, said = MEDIA_ACTIONS[action]
    conn = _session_bus("a media player", context.honorific)
    with conn:
        player = _player(conn, context.honorific)
        try:
            _call(conn, player.bus_name, MPRIS_PATH, MPRIS_PLAYER, method)
        except (OSError, TimeoutError, DBusErrorResponse) as err:
            raise ToolFailed(f"{player.name} didn't do as asked, {context.honorific}: "
                             f"{_dbus_error(err)}.") from err
    if action == "toggle":
        said = "Paused {player}" if player.status == "Playing" else "Playing {player}"
    data = {"action": action, "player": player.name, "bus_name": player.bus_name,
            "was": player.status}
    return ToolResult(f"{said.format(player=player.name)}, {context.honorific}.", data)


def _dbus_error(err: Exception) -> str:
    if isinstance(err, DBusErrorResponse):
        detail = err.data[0] if err.data and isinstance(err.data[0], str) else ""
        return f"it answered {err.name}" + (f" ({detail})" if detail else "")
    if isinstance(err, TimeoutError):
        return f"it didn't answer within {format_number(DBUS_TIMEOUT_S)} second"
    return _reason(err)


def _text(value) -> str:
    """A metadata value as text: xesam:artist is a list of names, xesam:title a string."""
    if isinstance(value, (list, tuple)):
        return " and ".join(str(v).strip() for v in value if str(v).strip())
    return str(value).strip() if value is not None else ""


def _now_playing(args: dict, context: Context) -> ToolResult:
    conn = _session_bus("a media player", context.honorific)
    with conn:
        player = _player(conn, context.honorific)
        metadata = _get(conn, player.bus_name, MPRIS_PLAYER, "Metadata")
    fields = {key: _text(value[1]) for key, value in (metadata or {}).items()
              if isinstance(value, tuple) and len(value) == 2}
    data = {"player": player.name, "status": player.status, "title": fields.get("xesam:title", ""),
            "artist": fields.get("xesam:artist", ""), "album": fields.get("xesam:album", "")}
    h = context.honorific
    if player.status == "Stopped" or not (data["title"] or player.status):
        return ToolResult(f"Nothing is playing in {player.name}, {h}.", data)
    if not data["title"]:
        return ToolResult(f"{player.name} is {player.status.lower() or 'on'} but doesn't say "
                          f"what the track is, {h}.", data)
    track = data["title"] + (f" by {data['artist']}" if data["artist"] else "")
    if data["album"] and data["album"] != data["title"]:
        track += f", from {data['album']}"
    head = "Paused" if player.status == "Paused" else "Now playing"
    return ToolResult(f"{head}: {track}, in {player.name}, {h}.", data)


# --- volume ----------------------------------------------------------------------------------------

WPCTL_SINK = "@DEFAULT_AUDIO_SINK@"
PACTL_SINK = "@DEFAULT_SINK@"


def clamp_level(level: int) -> tuple[int, bool]:
    """A volume to set, within 0..MAX_VOLUME per cent, and whether it had to be moved there."""
    kept = min(max(level, 0), MAX_VOLUME)
    return kept, kept != level


def volume_commands(backend: str, action: str, amount: int) -> list[list[str]]:
    """The commands that change the default output's volume: ``backend`` "wpctl" or "pactl";
    ``amount`` the level for "set", the step for "up" and "down" (per cent), else unused.

    wpctl's ``-l`` keeps "up" from passing MAX_VOLUME; pactl has no such limit, but each "up"
    is one request of ``amount``.
    """
    limit = format(MAX_VOLUME / 100, "g")
    if backend == "wpctl":
        change = {"up": ["set-volume", "-l", limit, WPCTL_SINK, f"{amount}%+"],
                  "down": ["set-volume", WPCTL_SINK, f"{amount}%-"],
                  "set": ["set-volume", WPCTL_SINK, f"{amount}%"],
                  "mute": ["set-mute", WPCTL_SINK, "1"],
                  "unmute": ["set-mute", WPCTL_SINK, "0"]}[action]
    elif backend == "pactl":
        change = {"up": ["set-sink-volume", PACTL_SINK, f"+{amount}%"],
                  "down": ["set-sink-volume", PACTL_SINK, f"-{amount}%"],
                  "set": ["set-sink-volume", PACTL_SINK, f"{amount}%"],
                  "mute": ["set-sink-mute", PACTL_SINK, "1"],
                  "unmute": ["set-sink-mute", PACTL_SINK, "0"]}[action]
    else:
        raise ValueError(f"unknown volume backend {backend!r} (wpctl or pactl)")
    commands = [[backend, *change]]
    if action in ("up", "set"):  # asking for more sound unmutes it, as the volume keys do
        commands.append([backend, "set-mute", WPCTL_SINK, "0"] if backend == "wpctl"
                        else [backend, "set-sink-mute", PACTL_SINK, "0"])
    return commands


def read_volume_commands(backend: str) -> list[list[str]]:
    """The commands that read the level and mute back: wpctl says both at once."""
    if backend == "wpctl":
        return [["wpctl", "get-volume", WPCTL_SINK]]
    return [["pactl", "get-sink-volume", PACTL_SINK], ["pactl", "get-sink-mute", PACTL_SINK]]


_WPCTL = re.compile(r"Volume:\s*(\d+(?:\.\d+)?)(\s*\[MUTED\])?")
_PERCENT = re.compile(r"(\d+)%")
_MUTE = re.compile(r"Mute:\s*(yes|no)", re.I)


def parse_wpctl_volume(text: str) -> tuple[int, bool]:
    """``wpctl get-volume``'s "Volume: 0.45 [MUTED]" -> (45, True); ValueError if not that."""
    m = _WPCTL.search(text)
    if not m:
        raise ValueError(f"wpctl get-volume said {text.strip()!r}, not 'Volume: <fraction>'")
    return round(float(m[1]) * 100), bool(m[2])


def parse_pactl_volume(text: str) -> int:
    """``pactl get-sink-volume``'s channels ("front-left: 32768 /  50% / -18.06 dB,
    front-right: ...") -> their mean per cent; ValueError if it lists none."""
    shares = [int(p) for p in _PERCENT.findall(text.split("balance")[0])]
    if not shares:
        raise ValueError(f"pactl get-sink-volume said {text.strip()!r}, with no percentage")
    return round(sum(shares) / len(shares))


def parse_pactl_mute(text: str) -> bool:
    """``pactl get-sink-mute``'s "Mute: yes" -> True; ValueError if not that."""
    m = _MUTE.search(text)
    if not m:
        raise ValueError(f"pactl get-sink-mute said {text.strip()!r}, not 'Mute: yes|no'")
    return m[1].lower() == "yes"


class _CommandFailed(Exception):
    """A command could not be run, failed (a sound server not running) or timed out."""


def _run_command(argv: list[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S,
                              stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired as err:
        raise _CommandFailed(f"{argv[0]} didn't answer within "
                               f"{format_number(COMMAND_TIMEOUT_S)} seconds") from err
    except OSError as err:
        raise _CommandFailed(f"{argv[0]} could not be run ({err.strerror or err})") from err
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        raise _CommandFailed(f"{argv[0]} said: {said[0] if said else f'exit {done.returncode}'}")
    return done.stdout


def _read_volume(backend: str) -> tuple[int | None, bool | None]:
    """The level and mute after a change; (None, None) where the backend can't say (an old
    pactl without get-sink-volume): the change itself went through."""
    outputs = []
    try:
        for argv in read_volume_commands(backend):
            outputs.append(_run_command(argv))
        if backend == "wpctl":
            return parse_wpctl_volume(outputs[0])
        return parse_pactl_volume(outputs[0]), parse_pactl_mute(outputs[1])
    except (_CommandFailed, ValueError):
        return None, None


def volume_reply(action: str, level: int | None, muted: bool | None, clamped: bool,
                 honorific: str, requested: int | None = None, backend: str = "") -> ToolResult:
    """The sentence for a volume change, from the level read back afterwards."""
    data = {"action": action, "level": level, "muted": muted, "backend": backend}
    if requested is not None:
        data["requested"] = requested
    if clamped:
        data["clamped"] = True
    if action == "mute":
        return ToolResult(f"The sound is muted, {honorific}.", data)
    if level is None:
        done = {"up": "Turned the volume up", "down": "Turned the volume down",
                "set": "Set the volume", "unmute": "The sound is back on"}[action]
        return ToolResult(f"{done}, {honorific}.", data)
    at = f"{format_number(level)} per cent"
    if action == "unmute":
        return ToolResult(f"The sound is back on, at {at}, {honorific}.", data)
    if clamped:
        bound = "the most I'll set it to" if level >= MAX_VOLUME else "the lowest it goes"
        return ToolResult(f"Volume is at {at}, {bound}, {honorific}.", data)
    if muted:
        return ToolResult(f"Volume is at {at} but the sound is muted, {honorific}.", data)
    return ToolResult(f"Volume is at {at}, {honorific}.", data)


def _volume(args: dict, context: Context) -> ToolResult:
    action, h = args["action"], context.honorific
    requested = args.get("level")
    if action == "set" and requested is None:
        raise ToolFailed(f"Please tell me what level to set the volume to, {h}.")
    clamped = False
    if action == "set":
        amount, clamped = clamp_level(requested)
    else:
        amount = min(max(abs(requested), 1), 100) if requested is not None else DEFAULT_STEP
    backends = [b for b in ("wpctl", "pactl") if shutil.which(b)]
    if not backends:
        raise ToolFailed(f"I can't change the volume, {h}: neither PipeWire's wpctl nor "
                         "PulseAudio's pactl is installed.")
    failures = []
    for backend in backends:  # wpctl may be installed where PulseAudio, not PipeWire, runs
        try:
            for argv in volume_commands(backend, action, amount):
                _run_command(argv)
        except _CommandFailed as err:
            failures.append(str(err))
            continue
        level, muted = _read_volume(backend)
        return volume_reply(action, level, muted, clamped, h,
                            requested if action == "set" else None, backend)
    raise ToolFailed(f"I can't change the volume, {h}: the sound server isn't running "
                     f"({'; '.join(failures)}).")


# --- lock_screen -----------------------------------------------------------------------------------

# (bus name, object path, interface): the freedesktop one (KDE, Xfce, Cinnamon...), then GNOME's.
SCREENSAVERS = (
    ("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver"),
    ("org.freedesktop.ScreenSaver", "/ScreenSaver", "org.freedesktop.ScreenSaver"),
    ("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver"),
)


def _lock_by_logind() -> bool:
    """logind asks the session's locker to lock; only where this is a logind session."""
    session = os.environ.get("XDG_SESSION_ID", "")
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", session) or not shutil.which("loginctl"):
        return False
    try:
        _run_command(["loginctl", "--no-ask-password", "lock-session", session])
    except _CommandFailed:  # not a logind session after all, or no locker answered
        return False
    return True


def _lock_by_dbus() -> str | None:
    """The screensaver service that locked the screen, or None where none on the bus would."""
    address = os.environ.get("DBUS_SESSION_BUS_ADDRESS", "").strip()
    if not address:
        return None
    try:
        conn = open_dbus_connection(address, auth_timeout=DBUS_TIMEOUT_S)
    except OPEN_ERRORS:
        return None
    with conn:
        for bus_name, path, interface in SCREENSAVERS:
            try:
                _call(conn, bus_name, path, interface, "Lock")
            except (OSError, TimeoutError, DBusErrorResponse):
                continue
            return interface
    return None


def _lock_by_xdg() -> bool:
    if not shutil.which("xdg-screensaver"):
        return False
    try:
        _run_command(["xdg-screensaver", "lock"])
    except _CommandFailed:
        return False
    return True


def _lock_screen(args: dict, context: Context) -> ToolResult:
    if _lock_by_logind():
        method = "loginctl"
    else:
        method = _lock_by_dbus() or ("xdg-screensaver" if _lock_by_xdg() else "")
    if not method:
        raise ToolFailed(f"I can't lock the screen, {context.honorific}: this desktop offers no "
                         "screen lock I can reach (no login session, screensaver service or "
                         "xdg-screensaver).")
    return ToolResult(f"Locking the screen, {context.honorific}.", {"method": method})


# --- a sound or screen command in so many words ---------------------------------------------------

# A short message that is nothing but "turn the volume up", "mute", "lock the screen": words a chat
# never is.  In a conversation the small model answered the first and the last in prose ("Turning
# it up is beyond me, sir") where alone it called the tool; these are read without it
# (Toolbox.beyond_doubt).  Whole messages only, the object named ("lock it" may be the door, "turn
# it up" the heating), and no number (a level is the model's and its reader's to read).
_BEFORE = r"^\W*(?:(?:um+|uh+|er+m?|ok(?:ay)?|right|so|jarvis|please|hey|just|go on|and)\W+|" \
          r"(?:can|could|would|will) you\W+)*"
_AFTER = r"(?:\W+(?:please|jarvis|now|thanks|thank you|cheers|for me|real quick|would you|will you|a bit|" \
         r"a touch|a little|a notch|a tad))*\W*$"
_SOUND = r"(?:the |my |this )?(?:volume|sound|audio)"
_PLAYING = r"(?:the |my |this )?(?:music|song|track|tune|video|film|podcast|playback)"
_COMMANDS = (
    # "pause the music": v5 answered it mid-conversation in prose ("Music is off, sir") with no player
    ("media", "pause", rf"pause {_PLAYING}"),
    ("media", "play", rf"(?:resume|unpause) {_PLAYING}"),
    ("media", "next", r"skip (?:this|the) (?:song|track|tune)|next (?:song|track|tune)"),
    ("media", "previous", r"previous (?:song|track|tune)"),
    ("lock_screen", None, r"lock (?:the |my |this )?(?:screen|computer|pc|laptop|machine|desktop|workstation|session|"
                          r"display)|lock ?screen|screen ?lock"),
    ("volume", "unmute", r"unmute(?: (?:the |my |this )?(?:sound|volume|audio|speakers?|computer|pc|laptop|it))?"),
    ("volume", "mute", r"mute(?: (?:the |my |this )?(?:sound|volume|audio|speakers?|computer|pc|laptop|it))?"),
    ("volume", "up", rf"(?:turn|put|bring|crank|pump|push|whack|knock) {_SOUND} up|(?:turn|crank|pump) up {_SOUND}|"
                     r"(?:volume|sound) up|(?:a )?(?:bit |touch |little |tad )?louder"),
    ("volume", "down", rf"(?:turn|put|bring|knock) {_SOUND} down|(?:turn|bring) down {_SOUND}|(?:volume|sound) down|"
                       r"(?:a )?(?:bit |touch |little |tad )?(?:quieter|softer)"),
)
_COMMANDED = [(tool, action, re.compile(_BEFORE + f"(?:{words})" + _AFTER, re.IGNORECASE))
              for tool, action, words in _COMMANDS]


def commanded(message: str) -> tuple[str, dict] | None:
    """The tool and arguments of a sound, music or screen command ``message`` is in so many words
    ("Lock the screen.", "um jarvis turn the volume up please", "mute", "pause the music"), or None."""
    for tool, action, pattern in _COMMANDED:
        if pattern.match(message):
            return tool, ({"action": action} if action else {})
    return None


# --- the tools -------------------------------------------------------------------------------------

TOOLS: tuple[Tool, ...] = (
    Tool("media", "Play, pause, skip or stop the music or video in the desktop's media player.",
         (Param("action", str, "what to do", choices=tuple(MEDIA_ACTIONS)),),
         _media, read_only=False, timeout_s=3.0, examples=EXAMPLES["media"]),
    Tool("now_playing", "The track playing in the desktop's media player: title, artist, album.",
         (), _now_playing, timeout_s=3.0, examples=EXAMPLES["now_playing"]),
    Tool("volume", "Turn the sound up or down, mute or unmute it, or set it to a level "
         "(per cent, up to 150).",
         (Param("action", str, "what to do", choices=("up", "down", "mute", "unmute", "set")),
          Param("level", int, "per cent: the level for set; the step for up and down "
                f"({DEFAULT_STEP} if absent)", required=False)),
         _volume, read_only=False, timeout_s=4.0, examples=EXAMPLES["volume"]),
    Tool("lock_screen", "Lock the screen so a password is needed to get back in.",
         (), _lock_screen, read_only=False, timeout_s=4.0, examples=EXAMPLES["lock_screen"]),
)
