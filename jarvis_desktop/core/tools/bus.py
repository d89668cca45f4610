"""What the tools share on D-Bus: reading one property of an object (media: an MPRIS player's
identity and state; network: NetworkManager's view of the internet)."""

from __future__ import annotations

from jeepney import DBusAddress, DBusErrorResponse, MessageType, Properties
from jeepney.io.blocking import DBusConnection

__all__ = ["OPEN_ERRORS", "get_property"]

# What opening a bus connection raises where there is none to use: OSError for no socket or a
# refusal (TimeoutError is one); RuntimeError, ValueError, KeyError for an address jeepney cannot
# use (tcp:, malformed); DBusErrorResponse where the bus refuses us.
OPEN_ERRORS = (OSError, RuntimeError, ValueError, KeyError, DBusErrorResponse)


def get_property(conn: DBusConnection, address: DBusAddress, prop: str, timeout: float):
    """The value of ``prop`` on ``address`` (the variant's value); None where it can't say: an
    error reply, an empty one, a timeout or a broken connection."""
    try:
        reply = conn.send_and_get_reply(Properties(address).get(prop), timeout=timeout)
    except (OSError, TimeoutError):
        return None
    if reply.header.message_type == MessageType.error or not reply.body:
        return None
    _signature, value = reply.body[0]
    return value
