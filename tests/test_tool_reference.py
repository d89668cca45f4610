"""The reference tools (jarvis_desktop/core/tools/reference.py): countries, chemical elements and
network ports, answered from their data (countryinfo, pycountry, periodictable; this computer's
/etc/services), never guessed; and the questions asked in so many words that are their calls
without the model."""

from __future__ import annotations

import pytest

from jarvis_desktop.core.assistant import EVAL_NOW
from jarvis_desktop.core.tools import Toolbox, default_tools
from jarvis_desktop.core.tools import reference
from jarvis_desktop.core.tools.base import Context, ToolFailed
from jarvis_desktop.core.tools.call import check, parse
from jarvis_desktop.core.tools.reference import TOOLS, country_named, element_named, reference_asked, services
from tool_checks import said_in_data

TOOL = {t.name: t for t in TOOLS}
CONTEXT = Context(honorific="madam", now=EVAL_NOW)


def ask(tool: str, **args) -> str:
    full = {p.name: p.default for p in TOOL[tool].params if not p.required} | args
    return TOOL[tool].run(full, CONTEXT).reply


@pytest.fixture
def services_file(tmp_path, monkeypatch):
    """A services list in /etc/services's own form (netbase's lines), read by the real parser."""
    path = tmp_path / "services"
    path.write_text("# Network services, Internet style\n"
                    "ssh\t\t22/tcp\t\t\t\t# SSH Remote Login Protocol\n"
                    "domain\t\t53/tcp\t\t\t\t# Domain Name Server\n"
                    "domain\t\t53/udp\n"
                    "https\t\t443/tcp\t\t\t\t# http protocol over TLS/SSL\n"
                    "https\t\t443/udp\t\t\t\t# HTTP/3\n"
                    "postgresql\t5432/tcp\tpostgres\t# PostgreSQL Database\n"
                    "imap2\t\t143/tcp\t\timap\t\t# Interim Mail Access P 2 and 4\n"
                    "broken line without a port\n"
                    "odd\t\tx/tcp\n", encoding="utf-8")
    monkeypatch.setattr(reference, "SERVICES_FILE", path)
    return path


# -- countries ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("asked, country, said", [
    ("capital", "Australia", "The capital of Australia is Canberra, madam."),
    ("capital", "the uk", "The capital of the United Kingdom is London, madam."),
    ("capital", "Georgia", "The capital of Georgia is Tbilisi, madam; the US state's is Atlanta."),
    ("capital", "Kazakhstan", "The capital of Kazakhstan is Astana, madam."),  # renamed in 2022: the errata
    ("currency", "Japan", "Japan uses the Yen (JPY), madam."),
    ("currency", "Croatia", "Croatia uses the Euro (EUR), madam."),  # since 2023: the errata
    ("dialling code", "Spain", "The dialling code for Spain is +34, madam."),
    ("languages", "Brazil", "The official language of Brazil is Portuguese, madam."),
    ("continent", "Peru", "Peru is in South America, madam."),
    ("continent", "Egypt", "Egypt is in Africa, madam: northern Africa."),
    ("continent", "Jamaica", "Jamaica is in North America, madam: the Caribbean."),
    ("neighbours", "Portugal", "Portugal borders Spain, madam."),
    ("neighbours", "Iceland", "Iceland shares a land border with no other country, madam."),
])
def test_a_country_is_answered_from_the_atlas(asked, country, said):
    assert ask("country", country=country, asked=asked) == said


def test_languages_are_named_and_several_are_listed():
    reply = ask("country", country="Switzerland", asked="languages")
    assert reply.startswith("The official languages of Switzerland are ") and "German" in reply and "French" in reply


def test_what_the_atlas_lacks_or_an_unknown_country_is_said_not_guessed():
    with pytest.raises(ToolFailed, match="no capital for Wales"):
        ask("country", country="Wales", asked="capital")
    with pytest.raises(ToolFailed, match='know a country called "Narnia"'):
        ask("country", country="Narnia")


@pytest.mark.parametrize("said, name", [("côte d'ivoire", "Ivory Coast"), ("The Netherlands", "Netherlands"),
                                        ("holland", "Netherlands"), ("America", "United States"), ("Nippon", "Japan")])
def test_countries_are_found_by_the_names_people_use(said, name):
    assert country_named(said)["name"] == name


# -- elements ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("asked, element, said", [
    ("symbol", "silver", "The symbol for silver is Ag, madam: element 47."),
    ("name", "k", "K is potassium, madam: element 19."),
    ("name", "79", "Au is gold, madam: element 79."),
    ("number", "carbon", "The atomic number of carbon is 6, madam (symbol C)."),
    ("mass", "uranium", "The atomic mass of uranium is 238.03, madam (element 92, U)."),
    ("symbol", "aluminum", "The symbol for aluminium is Al, madam: element 13."),  # said the British way
    ("symbol", "sulphur", "The symbol for sulphur is S, madam: element 16."),
])
def test_an_element_is_answered_from_the_periodic_table(asked, element, said):
    assert ask("element", element=element, asked=asked) == said


def test_an_unknown_element_is_said_not_guessed():
    assert element_named("unobtainium") is None and element_named("119") is None
    with pytest.raises(ToolFailed, match='no element called "unobtainium"'):
        ask("element", element="unobtainium")


# -- ports -------------------------------------------------------------------------------------------

def test_the_services_list_is_read_as_netbase_writes_it(services_file):
    by_name, by_port = services(services_file)
    assert by_name["domain"] == {53: ["tcp", "udp"]} and by_name["postgres"] == {5432: ["tcp"]}
    assert by_port[143] == ["imap2"] and "odd" not in by_name


@pytest.mark.parametrize("service, said", [
    ("https", "HTTPS uses port 443, madam (TCP and UDP)."),
    ("dns", "DNS uses port 53, madam (TCP and UDP)."),
    ("postgres", "PostgreSQL uses port 5432, madam (TCP)."),
    ("IMAP", "IMAP uses port 143, madam (TCP)."),
    ("the ssh server", "SSH uses port 22, madam (TCP)."),
    ("22", "Port 22 is SSH, madam."),
])
def test_a_port_is_answered_from_the_services_list(services_file, service, said):
    assert ask("port", service=service) == said


def test_a_service_or_a_port_not_listed_is_said_not_guessed(services_file, tmp_path, monkeypatch):
    with pytest.raises(ToolFailed, match='nothing called "minecraft"'):
        ask("port", service="minecraft")
    with pytest.raises(ToolFailed, match="Port 25565 isn't in this computer's list"):
        ask("port", service="25565")
    monkeypatch.setattr(reference, "SERVICES_FILE", tmp_path / "none")
    with pytest.raises(ToolFailed, match="no list of network services"):
        ask("port", service="ssh")


def test_this_computers_own_services_list_answers():
    if not reference.SERVICES_FILE.is_file():
        pytest.skip(f"no {reference.SERVICES_FILE} here (netbase is in .ci/setup.sh's packages)")
    assert ask("port", service="ssh") == "SSH uses port 22, madam (TCP)."
    assert ask("port", service="redis").startswith("Redis uses port 6379, madam")


# -- in so many words --------------------------------------------------------------------------------

@pytest.mark.parametrize("message, call", [
    ("Portugal's capital city?", ("country", {"country": "Portugal", "asked": "capital"})),
    ("what is ethiopias capital", ("country", {"country": "Ethiopia", "asked": "capital"})),
    ("hey jarvis which city is the capital of austria", ("country", {"country": "Austria", "asked": "capital"})),
    ("what currency does japan use", ("country", {"country": "Japan", "asked": "currency"})),
    ("and what about the capital of france?", ("country", {"country": "France", "asked": "capital"})),
    ("dialling code for france", ("country", {"country": "France", "asked": "dialling code"})),
    ("what's the country code for calling ireland", ("country", {"country": "Ireland", "asked": "dialling code"})),
    ("which continent is peru in", ("country", {"country": "Peru", "asked": "continent"})),
    ("What's the chemical symbol for silver?", ("element", {"element": "silver", "asked": "symbol"})),
    ("which element has the symbol K", ("element", {"element": "potassium", "asked": "name"})),
    ("what's the atomic mass of sulfur", ("element", {"element": "sulphur", "asked": "mass"})),
    ("which element is number 79", ("element", {"element": "gold", "asked": "name"})),
    ("Sn on the periodic table is which element", ("element", {"element": "tin", "asked": "name"})),  # development set
    ("what does Fe stand for on the periodic table", ("element", {"element": "iron", "asked": "name"})),
    ("atomic number of gold", ("element", {"element": "gold", "asked": "number"})),
    ("what port does dns use", ("port", {"service": "dns"})),
    ("What's the default port for Redis?", ("port", {"service": "redis"})),
    ("what's port 22 for", ("port", {"service": "22"})),
    ("which port number is https on", ("port", {"service": "https"})),
])
def test_a_question_of_the_reference_data_is_read_in_so_many_words(message, call):
    if call[0] == "port" and not reference.SERVICES_FILE.is_file():
        pytest.skip(f"no {reference.SERVICES_FILE} here")
    assert reference_asked(message) == call


@pytest.mark.parametrize("message", [
    "what is the capital of the project", "the capital of australia is sydney isn't it",
    "what's the capital gains tax on shares", "what port are we docking at", "what's the symbol for love",
    "what's the capital of wales",  # the atlas has none: the model's to answer
    "which element of the plan is late", "what's the port of call", "is lead poisonous",
])
def test_other_questions_are_not_read_as_reference_questions(message):
    assert reference_asked(message) is None


def test_a_reference_question_is_its_call_beyond_doubt_and_nothing_else_in_the_data():
    toolbox = Toolbox(act=False, clock=lambda: EVAL_NOW)
    assert toolbox.beyond_doubt("capital of kenya") == 'call:country{country:"Kenya",asked:"capital"}'
    read = [(m, r) for m, r in said_in_data() if reference_asked(m.rsplit("\n", 1)[-1])]
    assert len(read) >= 40  # the facts bank's capitals, symbols and ports among them
    assert [(m, r) for m, r in read if not r.startswith(("call:country", "call:element", "call:port"))] == []


def test_examples_are_valid_calls_the_tools_answer():
    tools = {t.name: t for t in default_tools()}
    for tool in TOOLS:
        assert len(tool.examples) >= 10
        if tool.name == "port" and not reference.SERVICES_FILE.is_file():
            continue  # valid calls, but nothing to answer them from here
        for request, call in tool.examples:
            parsed = parse(call)
            assert tool.run(check(parsed, tools[parsed.name]), CONTEXT).ok, request


def test_through_the_assistant_a_capital_comes_from_the_atlas(tiny_engine):
    """The app's path with the tiny (untrained) model: "Sydney, sir" cannot happen."""
    from jarvis_desktop.core.assistant import Assistant, Persona

    assistant = Assistant(tiny_engine, None, Persona("madam"), clock=lambda: EVAL_NOW, tools=Toolbox(act=False))
    answer = assistant.ask("What's the capital of Australia?").result()
    assert answer.source == "tool" and answer.tool.name == "country"
    assert answer.text == "The capital of Australia is Canberra, madam."
    answer = assistant.ask("What's the chemical symbol for silver?").result()
    assert answer.text == "The symbol for silver is Ag, madam: element 47."
