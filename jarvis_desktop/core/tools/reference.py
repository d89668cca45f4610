"""Reference tools: facts that do not change from one week to the next and that this computer can
look up instead of a 270M model guessing them ("What's the capital of Australia?" -> "Sydney, sir";
"What port does HTTPS use?" -> "80, sir", the issue's own examples).

- ``country``: a country's capital, currency, dialling code, languages, continent and neighbours,
  from the ``countryinfo`` package's data (names of currencies and languages from ``pycountry``'s
  ISO 4217 and ISO 639 tables).  Populations are left out: they change, and the data's are old.
- ``element``: a chemical element's symbol, atomic number and atomic mass, from ``periodictable``
  (public domain; NIST's masses).
- ``port``: the port a network service uses, or the service of a port, from this computer's own
  list of services (``/etc/services``: netbase's copy of IANA's registry on Debian and Ubuntu).

Each answers only what its data holds: a country, element or service it does not know is said
to be unknown, never guessed.  The questions asked in so many words ("capital of kenya", "what's
the chemical symbol for silver", "what port does dns use") are their calls without the model
(``reference_asked``).
"""

from __future__ import annotations

import functools
import os
import re
import sys
import unicodedata
from pathlib import Path

from jarvis_desktop.core.tools.base import Context, Param, Tool, ToolFailed, ToolResult
from jarvis_desktop.core.tools.slots_words import OPENING, one_line

__all__ = ["TOOLS", "reference_asked", "country_named", "element_named", "service_named", "services", "SERVICES_FILE",
           "COUNTRY_ASKED"]

# -- countries -------------------------------------------------------------------------------------

COUNTRY_ASKED = ("capital", "currency", "dialling code", "languages", "continent", "neighbours")

# Names people say that the data does not list as a spelling of the country.
_ALIASES = {"america": "united states", "usa": "united states", "us": "united states",
            "united states of america": "united states", "the states": "united states",
            "uk": "united kingdom", "britain": "united kingdom", "great britain": "united kingdom",
            "uae": "united arab emirates", "drc": "dr congo", "holland": "netherlands",
            "czechia": "czech republic", "turkiye": "turkey", "burma": "myanmar"}
# Where the package's data is out of date (checked 2026-12): Kazakhstan's capital was renamed
# Astana again in 2022; Croatia adopted the euro in 2023; Cuba ended the convertible peso in 2021.
_ERRATA = {"Kazakhstan": {"capital": "Astana"}, "Croatia": {"currencies": ["EUR"]},
           "Cuba": {"currencies": ["CUP"]}}


def _key(name: str) -> str:
    """A country's name as it is compared: lower case, without accents, "the", "'s" or punctuation."""
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"[^a-z0-9 ]+", " ", s.replace("'", ""))
    s = re.sub(r"\s+", " ", s).strip()
    return s.removeprefix("the ").strip()


@functools.cache
def _countries() -> dict[str, dict]:
    """Every country and territory of the data by each name it goes by (name, spellings, aliases)."""
    from countryinfo import CountryInfo

    index: dict[str, dict] = {}
    for data in CountryInfo.all().values():
        data = {**data, **_ERRATA.get(data.get("name", ""), {})}
        spellings = [s for s in data.get("altSpellings") or () if not (s.isupper() and len(s) <= 3)]
        for name in (data["name"], *spellings):
            index.setdefault(_key(name), data)
    for alias, name in _ALIASES.items():
        if _key(name) in index:
            index.setdefault(_key(alias), index[_key(name)])
    return index


def country_named(text: str) -> dict | None:
    """The country ``text`` names ("Kenya", "the UK", "côte d'ivoire"), as the data has it, or None."""
    return _countries().get(_key(text))


_WITH_THE = frozenset({"Netherlands", "Philippines", "Bahamas", "Gambia", "Maldives", "Ivory Coast", "Vatican City",
                       "Comoros", "Seychelles"})


def _said(name: str) -> str:
    """A country's name as said in a sentence: "the United Kingdom", "the Netherlands", "Kenya"."""
    the = name in _WITH_THE or name.startswith(("United ", "Republic ")) or name.endswith((" Islands", " Republic"))
    return f"the {name}" if the else name


def _currency_name(code: str) -> str:
    import pycountry

    found = pycountry.currencies.get(alpha_3=code)
    return f"the {found.name} ({code})" if found else code


def _language_name(code: str) -> str:
    import pycountry

    found = pycountry.languages.get(alpha_2=code) if len(code) == 2 else None
    return re.sub(r"\s*\(.*\)$", "", found.name) if found else code


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _part_said(part: str) -> str:
    """A part of a continent as said after a colon: "northern Africa", "the Caribbean", "Central America"."""
    if part == "Caribbean":
        return "the Caribbean"
    if part.startswith(("Northern ", "Southern ", "Eastern ", "Western ", "Sub-", "South-")):
        return part[:1].lower() + part[1:]
    return part


def _country(args: dict, context: Context) -> ToolResult:
    h = context.honorific
    asked = args.get("asked") or "capital"
    data = country_named(args["country"])
    if data is None:
        raise ToolFailed(f"I don't know a country called \"{args['country'][:40]}\", {h}.")
    name = data["name"]
    it = _said(name)
    It = it[:1].upper() + it[1:]
    facts: dict = {"country": name}
    if asked == "capital":
        if not data.get("capital"):
            raise ToolFailed(f"My atlas has no capital for {it}, {h}.")
        facts["capital"] = data["capital"]
        reply = f"The capital of {it} is {data['capital']}, {h}" + ("; the US state's is Atlanta." if name == "Georgia"
                                                                      else ".")
    elif asked == "currency":
        codes = [c for c in data.get("currencies") or () if re.fullmatch(r"[A-Z]{3}", c)][:2]
        if not codes:
            raise ToolFailed(f"My atlas has no currency for {it}, {h}.")
        facts["currencies"] = codes
        reply = f"{It} uses {_listed([_currency_name(c) for c in codes])}, {h}."
    elif asked == "dialling code":
        codes = [c.lstrip("+") for c in data.get("callingCodes") or () if c.strip("+ ")]
        if not codes:
            raise ToolFailed(f"My atlas has no dialling code for {it}, {h}.")
        facts["dialling_codes"] = codes
        reply = f"The dialling code for {it} is {_listed(['+' + c for c in codes])}, {h}."
    elif asked == "languages":
        names = [_language_name(c) for c in data.get("languages") or ()]
        if not names:
            raise ToolFailed(f"My atlas lists no languages for {it}, {h}.")
        facts["languages"] = names
        reply = f"The official language{'s' if len(names) > 1 else ''} of {it} " \
                f"{'are' if len(names) > 1 else 'is'} {_listed(names)}, {h}."
    elif asked == "continent":
        region, part = data.get("region"), data.get("subregion") or ""
        if not region:
            raise ToolFailed(f"My atlas doesn't place {it} on a continent, {h}.")
        if region == "Americas":  # the UN's regions: the continent is North or South America
            middle = data.get("intermediateregion") or ""
            region = "South America" if middle == "South America" else "North America"
            part = middle if middle and middle != "South America" else ""
        facts["continent"] = region
        reply = f"{It} is in {region}, {h}." if not part or part.endswith(" and the Caribbean") \
            else f"{It} is in {region}, {h}: {_part_said(part)}."
    else:  # neighbours
        by_code = {d.get("ISO", {}).get("alpha3"): d["name"] for d in _countries().values()}
        names = sorted(by_code.get(c, c) for c in data.get("borders") or ())
        facts["neighbours"] = names
        reply = f"{It} borders {_listed([_said(n) for n in names])}, {h}." if names \
            else f"{It} shares a land border with no other country, {h}."
    return ToolResult(reply, facts)


# -- chemical elements -----------------------------------------------------------------------------

# The British names of the three elements whose American spelling periodictable uses.
_BRITISH = {"aluminum": "aluminium", "cesium": "caesium", "sulfur": "sulphur"}
ELEMENT_ASKED = ("symbol", "number", "mass", "name")


@functools.cache
def _elements() -> tuple[dict[str, object], dict[str, object]]:
    """periodictable's elements (hydrogen to oganesson) by lower-case name, either spelling, and by symbol."""
    import periodictable

    by_name, by_symbol = {}, {}
    for e in periodictable.elements:
        if e.number < 1:
            continue  # the neutron
        by_name[e.name.lower()] = e
        by_symbol[e.symbol.lower()] = e
    for american, british in _BRITISH.items():
        by_name[british] = by_name[american]
    return by_name, by_symbol


def element_named(text: str):
    """The element ``text`` names: a name ("silver"), a symbol ("Ag", any case) or an atomic number."""
    key = re.sub(r"^(?:the )?(?:element )?", "", text.strip().lower()).strip()
    by_name, by_symbol = _elements()
    if key.isdigit():
        import periodictable

        return periodictable.elements[int(key)] if 1 <= int(key) <= 118 else None
    return by_name.get(key) or by_symbol.get(key)


def _element(args: dict, context: Context) -> ToolResult:
    h = context.honorific
    element = element_named(str(args["element"]))
    if element is None:
        raise ToolFailed(f"There's no element called \"{str(args['element'])[:30]}\", {h}.")
    asked = args.get("asked") or "symbol"
    name = _BRITISH.get(element.name, element.name)
    mass = f"{element.mass:.4g}" if element.mass < 100 else f"{element.mass:.5g}"
    data = {"element": name, "symbol": element.symbol, "number": element.number, "mass": float(mass)}
    if asked == "number":
        reply = f"The atomic number of {name} is {element.number}, {h} (symbol {element.symbol})."
    elif asked == "mass":
        reply = f"The atomic mass of {name} is {mass}, {h} (element {element.number}, {element.symbol})."
    elif asked == "name":
        reply = f"{element.symbol} is {name}, {h}: element {element.number}."
    else:
        reply = f"The symbol for {name} is {element.symbol}, {h}: element {element.number}."
    return ToolResult(reply, data)


# -- network ports ---------------------------------------------------------------------------------

SERVICES_FILE = Path(os.environ.get("SystemRoot", r"C:\Windows"), "System32", "drivers", "etc", "services") \
    if sys.platform == "win32" else Path("/etc/services")
# Names people say for a service that the services list calls otherwise.
_SERVICE_ALIASES = {"dns": "domain", "web": "http", "secure web": "https", "postgres": "postgresql",
                    "smb": "microsoft-ds", "samba": "microsoft-ds", "sql server": "ms-sql-s",
                    "ms sql": "ms-sql-s", "email": "smtp", "mail": "smtp", "ssl": "https", "tls": "https",
                    "secure shell": "ssh", "pop3": "pop3", "pop": "pop3", "imap": "imap2", "imap4": "imap2",
                    "http alt": "http-alt", "remote desktop": "ms-wbt-server", "rdp": "ms-wbt-server"}
# How a service is said: the list's names are lower case ("postgresql", "domain").
_SERVICE_SAID = {"domain": "DNS", "postgresql": "PostgreSQL", "mysql": "MySQL", "redis": "Redis",
                 "microsoft-ds": "SMB", "ms-sql-s": "SQL Server", "imap2": "IMAP", "imaps": "IMAPS",
                 "mongodb": "MongoDB", "http-alt": "HTTP (alternate)", "ms-wbt-server": "Remote Desktop",
                 "git": "Git", "kerberos": "Kerberos", "openvpn": "OpenVPN", "xmpp-client": "XMPP",
                 "bgp": "BGP", "ipp": "IPP (printing)", "nfs": "NFS", "rsync": "rsync", "mdns": "mDNS"}


@functools.cache
def services(path: Path | None = None) -> tuple[dict[str, dict[int, list[str]]], dict[int, list[str]]]:
    """The services list at ``path`` (SERVICES_FILE): each name and alias -> {port: [protocols]},
    and each port -> its services' names in the list's order.  Missing or unreadable: empty."""
    by_name: dict[str, dict[int, list[str]]] = {}
    by_port: dict[int, list[str]] = {}
    try:
        text = Path(path or SERVICES_FILE).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}, {}
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) < 2 or "/" not in fields[1]:
            continue
        port_text, _, protocol = fields[1].partition("/")
        if not port_text.isdigit():
            continue
        port = int(port_text)
        for name in (fields[0], *fields[2:]):
            protocols = by_name.setdefault(name.lower(), {}).setdefault(port, [])
            if protocol.lower() not in protocols:
                protocols.append(protocol.lower())
        if fields[0].lower() not in by_port.setdefault(port, []):
            by_port[port].append(fields[0].lower())
    return by_name, by_port


def _service_key(text: str) -> str:
    s = re.sub(r"\s+", " ", text.strip().lower()).removeprefix("the ").strip()
    s = re.sub(r" (?:protocol|server|service|traffic)$", "", s)
    return _SERVICE_ALIASES.get(s, _SERVICE_ALIASES.get(s.replace("-", " "), s.replace(" ", "-")))


# The services people name in a question about ports, as ``service_named`` finds them in the words:
# the aliases and the names said above, and other everyday ones (the list's own names hold common
# words: "time", "echo", "finger").
_EVERYDAY_SERVICES = ("ssh", "ftp", "http", "https", "smtp", "imap", "imaps", "pop3", "telnet", "ntp", "ldap",
                      "mysql", "postgresql", "redis", "mongodb", "vnc", "git", "rsync", "nfs", "openvpn", "bgp")
_SERVICES_NAMED = re.compile(r"(?<![\w-])(?:" + "|".join(sorted(
    (re.escape(n).replace(r"\ ", " ") for n in {*_SERVICE_ALIASES, *_SERVICE_SAID, *_EVERYDAY_SERVICES}),
    key=len, reverse=True)) + r")(?![\w-])", re.IGNORECASE)


def service_named(text: str) -> str | None:
    """The one service the words name ("my postgres server, which port does it normally use" ->
    "postgresql"), as the services list calls it, or None: none, or more than one."""
    found = {_service_key(m.group(0)) for m in _SERVICES_NAMED.finditer(text)}
    return found.pop() if len(found) == 1 else None


def _service_said(name: str) -> str:
    return _SERVICE_SAID.get(name, name.upper() if len(name) <= 5 and name.isalnum() else name)


def _protocols(protocols: list[str]) -> str:
    return _listed([p.upper() for p in protocols])


def _port(args: dict, context: Context) -> ToolResult:
    h = context.honorific
    asked = str(args["service"]).strip()
    by_name, by_port = services(SERVICES_FILE)
    if not by_name:
        raise ToolFailed(f"This computer has no list of network services ({SERVICES_FILE}) for me to look in, {h}.")
    if asked.isdigit():
        port = int(asked)
        names = by_port.get(port)
        if not names:
            raise ToolFailed(f"Port {port} isn't in this computer's list of services, {h}: nothing well known uses it.")
        said = [_service_said(n) for n in names[:2]]
        return ToolResult(f"Port {port} is {' or '.join(said)}, {h}.", {"port": port, "services": names[:2]})
    key = _service_key(asked)
    ports = by_name.get(key)
    if not ports:
        raise ToolFailed(f"This computer's list of services has nothing called \"{asked[:40]}\", {h}.")
    said = _service_said(key)
    first, *more = sorted(ports)
    reply = f"{said} uses port {first}, {h} ({_protocols(ports[first])})"
    if more:
        reply += "; also " + ", ".join(f"{p} ({_protocols(ports[p])})" for p in more[:2])
    return ToolResult(reply + ".", {"service": key, "ports": sorted(ports)})


# -- a question of one of these in so many words ---------------------------------------------------

# also a follow-up's opening ("and what about the capital of France?") and a question's own
_OPENING = rf"^{OPENING}(?:(?:and|and what about|what about|how about|out of interest|i always forget|remind me|" \
           r"do you know|any idea|tell me)\W+)*"
_WHAT = r"(?:what(?:'?s| is| was)|which is|tell me|do you know|any idea)"
_COUNTRY_FORMS = (
    ("capital", rf"(?:{_WHAT} |which city is )?(?:the )?capital(?: city)? of (?P<c>.+)"),
    ("capital", rf"(?:{_WHAT} |which city is )?(?P<c>.+?)(?:'s|s)? capital(?: city)?"),
    ("currency", rf"(?:{_WHAT} )?the currency (?:of|in|used in) (?P<c>.+)"),
    ("currency", r"what (?:currency|money) (?:do they use|is used|do you use|do i need|do people use) in (?P<c>.+)"),
    ("currency", r"what (?:currency|money) does (?P<c>.+?) use"),
    ("currency", rf"(?:{_WHAT} )?(?P<c>.+?)(?:'s|s)? currency"),
    ("dialling code", rf"(?:{_WHAT} )?(?:the )?(?:international )?(?:dialling|dialing|calling|phone|telephone|country) "
                      r"code (?:for ringing|for calling|for phoning|to ring|to call|to phone|for|of) (?P<c>.+)"),
    ("continent", r"(?:what|which) continent is (?P<c>.+?) (?:in|on)"),
    ("languages", r"what languages? (?:do they speak|is spoken|are spoken|do people speak|is the official language) in (?P<c>.+)"),
    ("languages", rf"(?:{_WHAT} )?the (?:official |main )?languages? of (?P<c>.+)"),
    ("neighbours", r"(?:what|which) countries (?:border|are next to|neighbour|neighbor) (?P<c>.+)"),
)
_ELEMENT_FORMS = (
    ("symbol", rf"(?:{_WHAT} )?the (?:chemical |atomic |element )?symbol (?:for|of) (?P<e>[a-z]+)"),
    ("symbol", rf"(?:{_WHAT} )?(?P<e>[a-z]+)(?:'s|s)? (?:chemical )?symbol"),
    ("name", r"(?:which|what) element (?:has|is) the (?:chemical )?symbol (?P<s>[a-z]{1,2})"),
    ("name", r"(?:which|what) element is (?:the symbol )?(?P<s>[a-z]{1,2}) (?:on|in) the periodic table"),
    ("name", r"(?:the symbol )?(?P<s>[a-z]{1,2}) (?:on|in) the periodic table is (?:which|what) element"),
    ("name", r"what does (?:the symbol )?(?P<s>[a-z]{1,2}) stand for (?:on|in) the periodic table"),
    ("number", rf"(?:{_WHAT} )?(?:the )?atomic number (?:of|for) (?P<e>[a-z]+)"),
    ("mass", rf"(?:{_WHAT} )?(?:the )?atomic (?:mass|weight) (?:of|for) (?P<e>[a-z]+)"),
    ("name", r"(?:which|what) element (?:has|is|has the) atomic number (?P<n>\d{1,3})"),
    ("name", r"(?:which|what) element is number (?P<n>\d{1,3})"),
)
_PORT_FORMS = (
    r"(?:what|which) port (?:number )?(?:does|do) (?P<s>.+?) (?:use|run on|listen on|go over|normally use|use by default)",
    r"(?:what|which) port(?: number)? is (?P<s>.+?)(?: on)?",
    rf"(?:{_WHAT} )?the (?:default |standard |usual )?port(?: number)? (?:for|of|used by) (?P<s>.+)",
    rf"(?:{_WHAT} )?(?:the )?(?:default |standard |usual )?(?P<s>.+?) port(?: number)?",
    r"what (?:is|uses|runs on|service is|service uses) port (?P<n>\d{1,5})(?: used for| for)?",
    r"what(?:'?s| is) port (?P<n>\d{1,5})(?: used)?(?: for)?",
)
_CLOSING = r"(?: again| please| jarvis| then| sir| do you know| by default| normally)*$"


def _forms(forms) -> list:
    return [(kind, re.compile(_OPENING + form + _CLOSING)) for kind, form in forms]


_COUNTRY_RES = _forms(_COUNTRY_FORMS)
_ELEMENT_RES = _forms(_ELEMENT_FORMS)
_PORT_RES = _forms(("port", form) for form in _PORT_FORMS)


def _country_of(text: str) -> dict | None:
    text = text.strip()
    return country_named(text) or (country_named(text[:-1]) if text.endswith("s") else None)


def reference_asked(message: str) -> tuple[str, dict] | None:
    """(tool, arguments) where ``message`` asks in so many words what the reference tools answer
    from their data: a country's capital, currency, dialling code, languages, continent or
    neighbours ("capital of kenya", "what currency does japan use"), an element's symbol, number or
    mass ("what's the chemical symbol for silver", "which element has the symbol K"), the port of
    a service or the service of a port ("what port does dns use", "default port for redis");
    else None.  Only names the data holds are read (the capital of the project is no country)."""
    text = re.sub(r"[,;:]", " ", one_line(message).lower().replace("\u2019", "'"))
    text = re.sub(r"\s+", " ", text).strip()
    for asked, pattern in _COUNTRY_RES:
        if (m := pattern.match(text)) and (data := _country_of(m["c"])) is not None:
            if asked == "capital" and not data.get("capital"):
                return None
            return "country", {"country": data["name"], "asked": asked}
    for asked, pattern in _ELEMENT_RES:
        if (m := pattern.match(text)) is None:
            continue
        found = m.groupdict()
        if found.get("e"):
            element = _elements()[0].get(found["e"])  # a name: "silver", not a symbol said as a word
        elif found.get("s"):
            element = _elements()[1].get(found["s"])
        else:
            element = element_named(found["n"])
        if element is not None:
            return "element", {"element": _BRITISH.get(element.name, element.name), "asked": asked}
    by_name, by_port = services(SERVICES_FILE)
    for _kind, pattern in _PORT_RES:
        if (m := pattern.match(text)) is None:
            continue
        found = m.groupdict()
        if found.get("n"):
            if int(found["n"]) in by_port:
                return "port", {"service": found["n"]}
        elif _service_key(found["s"]) in by_name:
            return "port", {"service": found["s"].strip().removeprefix("the ").strip()}
    return None


TOOLS: tuple[Tool, ...] = (
    Tool("country", "A country's capital, currency, dialling code, official languages, continent or neighbours.",
         (Param("country", str, 'the country, e.g. "Australia"'),
          Param("asked", str, "what is asked", required=False, choices=COUNTRY_ASKED, default="capital")),
         _country, examples=(
             ("What's the capital of Australia?", 'call:country{country:"Australia",asked:"capital"}'),
             ("I always mix it up, is canada run from ottawa or toronto", 'call:country{country:"Canada",asked:"capital"}'),
             ("turkey's capital is istanbul, right?", 'call:country{country:"Turkey",asked:"capital"}'),
             ("Brazil's capital?", 'call:country{country:"Brazil",asked:"capital"}'),
             ("What currency do they use in Japan?", 'call:country{country:"Japan",asked:"currency"}'),
             ("we're off to poland next month, what money do they use there",
              'call:country{country:"Poland",asked:"currency"}'),
             ("What's the dialling code for Spain?", 'call:country{country:"Spain",asked:"dialling code"}'),
             ("what code do I dial to ring someone in italy", 'call:country{country:"Italy",asked:"dialling code"}'),
             ("Do they speak Spanish in Mexico or something else?", 'call:country{country:"Mexico",asked:"languages"}'),
             ("which continent is egypt in", 'call:country{country:"Egypt",asked:"continent"}'),
             ("What countries border Germany?", 'call:country{country:"Germany",asked:"neighbours"}'),
             ("jarvis where's the seat of government in new zealand", 'call:country{country:"New Zealand",asked:"capital"}'),
         )),
    Tool("element", "A chemical element's symbol, atomic number or atomic mass, or the element of a symbol or number.",
         (Param("element", str, 'the element: a name, a symbol or an atomic number, e.g. "silver", "Fe", "6"'),
          Param("asked", str, "what is asked", required=False, choices=ELEMENT_ASKED, default="symbol")),
         _element, examples=(
             ("gold on the periodic table, what's its symbol", 'call:element{element:"gold",asked:"symbol"}'),
             ("symbol for sodium", 'call:element{element:"sodium",asked:"symbol"}'),
             ("Which element is Fe?", 'call:element{element:"Fe",asked:"name"}'),
             ("what element has the symbol Pb", 'call:element{element:"Pb",asked:"name"}'),
             ("What's the atomic number of oxygen?", 'call:element{element:"oxygen",asked:"number"}'),
             ("which element is number 79", 'call:element{element:"79",asked:"name"}'),
             ("how heavy is a helium atom, its atomic mass I mean", 'call:element{element:"helium",asked:"mass"}'),
             ("What's the atomic weight of uranium?", 'call:element{element:"uranium",asked:"mass"}'),
             ("um what does Hg stand for on the periodic table", 'call:element{element:"Hg",asked:"name"}'),
             ("How many protons does nitrogen have?", 'call:element{element:"nitrogen",asked:"number"}'),
         )),
    Tool("port", "The network port a service uses (e.g. SSH, HTTPS, DNS, PostgreSQL), or the service of a port "
         "number, from this computer's list of services.",
         (Param("service", str, 'the service, e.g. "ssh", "https", or a port number, e.g. "22"'),),
         _port, examples=(
             ("What port does HTTPS use?", 'call:port{service:"https"}'),
             ("which port is ssh on", 'call:port{service:"ssh"}'),
             ("Default port for PostgreSQL?", 'call:port{service:"postgresql"}'),
             ("what port does my mail program use for imap", 'call:port{service:"imap"}'),
             ("What runs on port 22?", 'call:port{service:"22"}'),
             ("port 443 is what again", 'call:port{service:"443"}'),
             ("which port do I open in the firewall for dns", 'call:port{service:"dns"}'),
             ("What port number does SMTP go over?", 'call:port{service:"smtp"}'),
             ("my redis won't connect, what port should it be on", 'call:port{service:"redis"}'),
             ("is 3306 the mysql port", 'call:port{service:"3306"}'),
         )),
)
