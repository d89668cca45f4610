"""Remember, recall and forget: the user's facts across conversations (core/memory.py).

``remember`` keeps one short fact in the user's words ("my car is parked on level 3") and says it
back in the second person; a fact that looks like a secret is refused and Jarvis says why.
``recall`` finds the stored facts that answer what the user asks (the message and the call's
words, by meaning where the embedding model is set up, else by words: MemoryStore.recall) and
says them: as the answer where the first surely is one, else as "the nearest I have noted" (it
may be about something else: mum's birthday for a question about the nephew's); with nothing
close enough it says so and never guesses.
``forget`` deletes the facts that hold all the words asked about, from the memory and from every
turn of the interaction log that says them (the store's forget hooks); its reply does not repeat
the fact, and the request itself is kept in the log only as "(asked to forget something)".
``list_memories`` says what Jarvis knows of the user.

A result whose ``data`` has ``private`` set holds words the user asked not to keep (a forget
request, a refused secret): the Assistant and the log keep PRIVATE_PROMPT instead of the message.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from jarvis_desktop.core.memory import MemoryRefused, Recalled
from jarvis_desktop.core.memory_words import fact_as_told, search_terms, second_person, uncovered
from jarvis_desktop.core.persona import MONTH_NAMES
from jarvis_desktop.core.tools.base import Context, Param, Tool, ToolFailed, ToolResult

__all__ = ["TOOLS", "PRIVATE_PROMPT", "LISTED", "MEMORY_TOOLS", "noted_when"]

PRIVATE_PROMPT = "(asked to forget something)"
LISTED = 5  # facts said by list_memories; the rest are in the memory panel
MEMORY_TOOLS = ("remember", "recall", "forget", "list_memories")


def _store(context: Context):
    if context.memory is None:
        raise ToolFailed(f"I'm afraid I can't keep notes just now, {context.honorific}: my memory is switched "
                         "off in Settings.")
    return context.memory


def noted_when(created: str, now: datetime) -> str:
    """When a fact was noted, as said: "today", "yesterday", "on 3 June", "on 3 June 2025"."""
    try:
        when = datetime.fromisoformat(created).astimezone(timezone.utc)
    except ValueError:
        return "some time ago"
    local = when.astimezone(now.tzinfo) if now.tzinfo else when.astimezone().replace(tzinfo=None)
    days = (now.date() - local.date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    day = f"on {local.day} {MONTH_NAMES[local.month - 1]}"
    return day if local.year == now.year else f"{day} {local.year}"


def _sentence_start(text: str) -> str:
    return text[:1].upper() + text[1:]


def _remember(args: dict, context: Context) -> ToolResult:
    store = _store(context)
    h = context.honorific
    try:
        fact = store.add(fact_as_told(args["fact"], context.message), source="chat")
    except MemoryRefused as exc:
        if exc.kind:
            return ToolResult(f"I'd rather not keep that, {h}: it looks like {exc.kind}, and secrets are safer in "
                              "a password manager than in my notes.", {"refused": exc.kind, "private": True}, ok=False)
        raise ToolFailed(f"I couldn't note that, {h}: {exc}.") from None
    return ToolResult(f"Noted, {h}: {fact.spoken}.", {"fact_id": fact.id, "fact": fact.text})


_OWNER = r"\b(?:my|our|the|his|her|their|your)\s+(?:[\w'-]+\s+){0,2}?"


def _topic(about: str, message: str) -> str:
    """What was asked about, as it reads in "You haven't told me anything about ...": the
    message's own phrase for it where one holds the words of ``about`` ("my car" -> "your
    car", "the kids' dentist"), else "that" (the call's bare words, "car parked", read badly)."""
    terms = search_terms(about)
    for word in terms:
        m = re.search(rf"{_OWNER}[\w'-]*{re.escape(word)}[\w'-]*", message, re.I)
        if m is None:
            continue
        end = m.end()
        while nxt := re.match(r"\s+([\w'-]+)", message[end:]):  # "my wife's" + "birthday"
            if not any(t in nxt[1].lower() for t in terms):
                break
            end += nxt.end()
        return second_person(message[m.start():end])
    return "that"


def _recall(args: dict, context: Context) -> ToolResult:
    store = _store(context)
    h = context.honorific
    about = args.get("about", "")
    question = " ".join(part for part in (context.message, about) if part.strip())
    # the user's own question first, where the memory surely answers it: the model's keywords
    # may name the wrong thing ("How do I like my coffee?" written as about:"steak")
    # The model's words are added where the question alone finds nothing sure, and taken where
    # they make it sure or the question alone found nothing: "the family motor" added to "what
    # model is the family motor" found nothing near, where the question alone had the car first.
    found = store.recall(context.message, limit=3) if context.message.strip() else Recalled([])
    if not found.sure and question.strip() and question != context.message:
        with_about = store.recall(question, limit=3)
        if with_about and with_about.sure and context.message.strip() \
                and uncovered(context.message, with_about.facts[0].text):
            # sure only by the model's words: "When's my physio appointment?" written as about
            # "dentist appointment" found the dentist's; said as the nearest noted, not as the answer
            with_about = Recalled(with_about.facts, sure=False)
        if with_about.sure or not found:
            found = with_about
    if not found:
        return ToolResult(f"You haven't told me anything about {_topic(about, context.message)} that I've kept, {h}.",
                          {"facts": [], "sure": False})
    first = found.facts[0]
    data = {"facts": [f.text for f in found.facts], "fact_ids": [f.id for f in found.facts],
            "noted": noted_when(first.created, context.now), "sure": found.sure}
    if not found.sure:  # the nearest kept, said as such: it may be about something else
        return ToolResult(f"The nearest I have noted, {h}: {first.spoken}; you told me {data['noted']}.", data)
    if len(found.facts) == 1:
        return ToolResult(f"{_sentence_start(first.spoken)}, {h}; you told me {data['noted']}.", data)
    return ToolResult(f"{_sentence_start(first.spoken)}, {h}. You also told me "
                      + " and ".join(f.spoken for f in found.facts[1:]) + ".", data)


def _forget(args: dict, context: Context) -> ToolResult:
    store = _store(context)
    h = context.honorific
    about = args.get("about", "")
    if search_terms(about) and set(search_terms(about)) <= {"everything", "all", "me", "whole"}:
        raise ToolFailed(f"To forget everything, {h}, use Delete all in the Memory window; I'd rather not "
                         "erase it all on one word.")
    found = store.search(about, limit=50, every=True) or store.search(context.message, limit=50, every=True)
    if not found:  # no fact holds all the words: one that holds some of them, only if it is the only one
        near = store.search(about, limit=2)
        found = near if len(near) == 1 else []
    if not found:
        return ToolResult(f"I have nothing about that to forget, {h}.", {"forgotten": 0, "private": True})
    gone = store.delete([f.id for f in found])  # the store's hooks clear the log and the conversation
    n = len(gone)
    return ToolResult(f"Done, {h}: I've forgotten {'it' if n == 1 else f'{n} things about that'}.",
                      {"forgotten": n, "private": True})


def _list_memories(args: dict, context: Context) -> ToolResult:
    store = _store(context)
    h = context.honorific
    facts = store.facts()
    if not facts:
        return ToolResult(f"I've nothing noted about you yet, {h}; tell me something to remember and I'll keep it.",
                          {"count": 0})
    said = [f.spoken for f in facts[:LISTED]]
    more = len(facts) - len(said)
    listed = said[0] if len(said) == 1 else "; ".join(said[:-1]) + "; and " + said[-1]
    tail = f" There {'is' if more == 1 else 'are'} {more} more in the Memory window." if more else ""
    count = "one thing" if len(facts) == 1 else f"{len(facts)} things"
    return ToolResult(f"I have {count} noted, {h}: {listed}.{tail}", {"count": len(facts), "facts": [f.text for f in facts[:LISTED]]})


TOOLS: tuple[Tool, ...] = (
    Tool(
        name="remember",
        doc="Keep a fact the user wants remembered, in the user's words (first person).",
        params=(Param("fact", str, 'the fact as the user said it, e.g. "my car is parked on level 3"'),),
        run=_remember,
        read_only=False,
        examples=(
            ("Remember that my car is parked on level 3.", 'call:remember{fact:"my car is parked on level 3"}'),
            ("note that the plumber is coming on thursday", 'call:remember{fact:"the plumber is coming on thursday"}'),
            ("Please remember my wife's birthday is the 3rd of June.",
             'call:remember{fact:"my wife\'s birthday is the 3rd of June"}'),
            ("jarvis remember i lent dave my ladder", 'call:remember{fact:"I lent Dave my ladder"}'),
            ("Make a note: the spare key is under the blue pot.", 'call:remember{fact:"the spare key is under the blue pot"}'),
            ("Keep in mind that I'm allergic to penicillin.", 'call:remember{fact:"I\'m allergic to penicillin"}'),
            ("I'd like you to remember that I take my tea with no sugar.",
             'call:remember{fact:"I take my tea with no sugar"}'),
            ("don't forget the boiler was serviced in march", 'call:remember{fact:"the boiler was serviced in march"}'),
            ("For future reference, my shoe size is 10.", 'call:remember{fact:"my shoe size is 10"}'),
            ("Store this: our anniversary is 14 February.", 'call:remember{fact:"our anniversary is 14 February"}'),
            ("remember the restaurant we liked was called the olive tree",
             'call:remember{fact:"the restaurant we liked was called the olive tree"}'),
            ("Jot down that the bins go out on Tuesday nights.", 'call:remember{fact:"the bins go out on Tuesday nights"}'),
            ("my mum's birthday is 3 June, don't let me forget", 'call:remember{fact:"my mum\'s birthday is 3 June"}'),
            ("I've put the passports in the top drawer, remember that.",
             'call:remember{fact:"I\'ve put the passports in the top drawer"}'),
            ("um jarvis make a note i parked on the blue level near the lifts",
             'call:remember{fact:"I parked on the blue level near the lifts"}'),
            ("For future reference, the kids' dentist is Dr Patel on Mill Lane.",
             'call:remember{fact:"the kids\' dentist is Dr Patel on Mill Lane"}'),
            ("keep in mind my sister's vegetarian", 'call:remember{fact:"my sister\'s vegetarian"}'),
            ("Can you make a note that the car's MOT is due in October?",
             'call:remember{fact:"the car\'s MOT is due in October"}'),
            ("remember the neighbours at number 12 are sue and phil",
             'call:remember{fact:"the neighbours at number 12 are Sue and Phil"}'),
            ("note to self: buy a bigger mug", 'call:remember{fact:"buy a bigger mug"}'),
            ("Right, I've hidden Emma's present in the loft. Remember that for me.",
             'call:remember{fact:"I\'ve hidden Emma\'s present in the loft"}'),
            ("um jarvis keep in mind that i'm working from home on fridays",
             'call:remember{fact:"I\'m working from home on fridays"}'),
            ("Bear in mind that my friend Tom doesn't eat gluten.",
             'call:remember{fact:"my friend Tom doesn\'t eat gluten"}'),
            ("the radiator key's in the kitchen drawer just so you know for next time",
             'call:remember{fact:"the radiator key\'s in the kitchen drawer"}'),
            ("Something to keep: my blood type is O negative.", 'call:remember{fact:"my blood type is O negative"}'),
            ("write down that the car insurance renews on 2 august",
             'call:remember{fact:"the car insurance renews on 2 august"}'),
            ("The dog's flea treatment was done on the 5th, make a note of that.",
             'call:remember{fact:"the dog\'s flea treatment was done on the 5th"}'),
            ("oh and remember dad likes single malt whisky", 'call:remember{fact:"dad likes single malt whisky"}'),
            ("FYI, the window cleaner comes every third Wednesday and charges £18.",
             'call:remember{fact:"the window cleaner comes every third Wednesday and charges £18"}'),
            ("Just so you know, Grandad's care home lets visitors in between 2 and 5 on weekdays.",
             'call:remember{fact:"Grandad\'s care home lets visitors in between 2 and 5 on weekdays"}'),
            ("jot this down my brother-in-law's called marcus and his wife is priya",
             'call:remember{fact:"my brother-in-law\'s called Marcus and his wife is Priya"}'),
            ("Make a note: Oliver's swimming lessons have moved to Saturdays at 9:15 at the leisure centre.",
             'call:remember{fact:"Oliver\'s swimming lessons have moved to Saturdays at 9:15 at the leisure centre"}'),
            ("file this away the gas meter is in the cupboard under the stairs behind the hoover",
             'call:remember{fact:"the gas meter is in the cupboard under the stairs behind the hoover"}'),
            ("Don't let me forget that I promised Aunt Carol a lift to the airport on 22 March.",
             'call:remember{fact:"I promised Aunt Carol a lift to the airport on 22 March"}'),
            ("Our vet is Mrs Okafor at Greenbank Veterinary Surgery on Station Road; keep that in mind.",
             'call:remember{fact:"our vet is Mrs Okafor at Greenbank Veterinary Surgery on Station Road"}'),
            ("my physio is called dan at the back in action clinic on the high street keep that in mind",
             'call:remember{fact:"my physio is called Dan at the back in action clinic on the high street"}'),
            ("For the record, I'm a medium in shirts but a large in jumpers.",
             'call:remember{fact:"I\'m a medium in shirts but a large in jumpers"}'),
            ("Remember that Lucy can't have dairy or eggs.", 'call:remember{fact:"Lucy can\'t have dairy or eggs"}'),
            ("remember that my daughter's school is st mary's and her teacher is mrs howell",
             'call:remember{fact:"my daughter\'s school is st mary\'s and her teacher is Mrs Howell"}'),
            ("Remember that Ben and Holly's twins are called Arthur and Rose and were born on 9 May.",
             'call:remember{fact:"Ben and Holly\'s twins are called Arthur and Rose and were born on 9 May"}'),
            ("jarvis remember that i said i'd cover for rachel on the 18th",
             'call:remember{fact:"I said I\'d cover for Rachel on the 18th"}'),
            ("Remember this: my National Trust membership runs out at the end of September.",
             'call:remember{fact:"my National Trust membership runs out at the end of September"}'),
            ("so the plumber said and jot this down the stopcock is under the kitchen sink on the left",
             'call:remember{fact:"the stopcock is under the kitchen sink on the left"}'),
            ("I've just heard, and I want you to keep this, that Sam's wedding is on 14 June 2027 in Bath.",
             'call:remember{fact:"Sam\'s wedding is on 14 June 2027 in Bath"}'),
            ("My locker at the swimming baths is number 112, hang on to that for me.",
             'call:remember{fact:"my locker at the swimming baths is number 112"}'),
            ("note our landlord is mr henderson and he prefers texts to calls",
             'call:remember{fact:"our landlord is Mr Henderson and he prefers texts to calls"}'),
            ("Jot this down: the recycling centre shuts at 4 on Sundays.",
             'call:remember{fact:"the recycling centre shuts at 4 on Sundays"}'),
            ("Please log that I gave Priya £40 towards the leaving present.",
             'call:remember{fact:"I gave Priya £40 towards the leaving present"}'),
            ("um so for future reference the good chippy is the one on harbour street not the one by the station",
             'call:remember{fact:"the good chippy is the one on harbour street not the one by the station"}'),
            ("Add to your notes that my mother-in-law is staying with us from 3 to 10 August.",
             'call:remember{fact:"my mother-in-law is staying with us from 3 to 10 August"}'),
            ("i need you to hang on to this the tyre pressure for my car is 36 psi at the front and 38 at the back",
             'call:remember{fact:"the tyre pressure for my car is 36 psi at the front and 38 at the back"}'),
            ("Note for later: Harriet's flight lands at Gatwick at 6:40 on Friday.",
             'call:remember{fact:"Harriet\'s flight lands at Gatwick at 6:40 on Friday"}'),
            ("Our car's a silver Toyota Yaris, by the way, in case I ever need to describe it.",
             'call:remember{fact:"our car\'s a silver Toyota Yaris"}'),
            ("make a note of this my son's teacher this year is mr grantham",
             'call:remember{fact:"my son\'s teacher this year is Mr Grantham"}'),
            ("Don't let me forget: I parked on level 4 of the Queen Street multi-storey, bay 27.",
             'call:remember{fact:"I parked on level 4 of the Queen Street multi-storey, bay 27"}'),
            ("I'm telling you so you'll know later: the Christmas decorations are in the loft in the red boxes.",
             'call:remember{fact:"the Christmas decorations are in the loft in the red boxes"}'),
            ("keep a note that jack's allergic to bee stings and carries an epipen",
             'call:remember{fact:"Jack\'s allergic to bee stings and carries an epipen"}'),
            ("Keep this in your notes: the boiler engineer is Gary from Warmfix, and he's on 07700 900123.",
             'call:remember{fact:"the boiler engineer is Gary from Warmfix, and he\'s on 07700 900123"}'),
            ("my wife's favourite flowers are peonies and she can't stand lilies don't let me forget",
             'call:remember{fact:"my wife\'s favourite flowers are peonies and she can\'t stand lilies"}'),
            ("so you know for next time the cat's insurance is with petplan and renews in november",
             'call:remember{fact:"the cat\'s insurance is with petplan and renews in november"}'),
            ("I've started doing Pilates on Monday evenings at 7, worth remembering.",
             'call:remember{fact:"I\'ve started doing Pilates on Monday evenings at 7"}'),
            ("The key to the shed is on the hook by the back door. That's one for your notes.",
             'call:remember{fact:"the key to the shed is on the hook by the back door"}'),
            ("quick one jarvis my new desk phone extension is 4471 store that somewhere",
             'call:remember{fact:"my new desk phone extension is 4471"}'),
            ("Grandma takes her coffee black with one sweetener, keep that in mind.",
             'call:remember{fact:"Grandma takes her coffee black with one sweetener"}'),
            ("Could you keep a record that the fence panels cost £65 each from Jewson?",
             'call:remember{fact:"the fence panels cost £65 each from Jewson"}'),
            ("Heads up for later, my dentist has moved me to 11 May at 2:30.",
             'call:remember{fact:"my dentist has moved me to 11 May at 2:30"}'),
            ("please remember that the spare car key is in my blue coat pocket and the fob has a new battery",
             'call:remember{fact:"the spare car key is in my blue coat pocket and the fob has a new battery"}'),
            ("Commit this to memory: Nora's birthday is 17 October and she turns 40 this year.",
             'call:remember{fact:"Nora\'s birthday is 17 October and she turns 40 this year"}'),
            ("FYI I've switched our energy supplier to Octopus from 1 February.",
             'call:remember{fact:"I\'ve switched our energy supplier to Octopus from 1 February"}'),
            ("write this down for me our holiday cottage in wales is called ty gwyn and check in is 4pm",
             'call:remember{fact:"our holiday cottage in wales is called ty gwyn and check in is 4pm"}'),
            ("You'll want this later: I'm booked on the 07:12 to Leeds on Tuesday, coach C, seat 41.",
             'call:remember{fact:"I\'m booked on the 07:12 to Leeds on Tuesday, coach C, seat 41"}'),
            ("um the guy who fixed the washing machine was called steve from ace repairs file that away",
             'call:remember{fact:"the guy who fixed the washing machine was called Steve from ace repairs"}'),
            ("Just so you know, I keep the tax papers in the grey filing cabinet, second drawer down.",
             'call:remember{fact:"I keep the tax papers in the grey filing cabinet, second drawer down"}'),
            ("my hairdresser is kerry at snips and she's only in tuesday to friday so you've got it on file",
             'call:remember{fact:"my hairdresser is Kerry at snips and she\'s only in tuesday to friday"}'),
            ("Jot this down: Priya has her tea with oat milk and no sugar.",
             'call:remember{fact:"Priya has her tea with oat milk and no sugar"}'),
            ("for future reference i like my eggs poached", 'call:remember{fact:"I like my eggs poached"}'),
            ("File this away: the router's on the shelf behind the telly.",
             'call:remember{fact:"the router\'s on the shelf behind the telly"}'),
            ("you'll want this later my flight to malaga leaves at 6:50 on friday",
             'call:remember{fact:"my flight to malaga leaves at 6:50 on friday"}'),
            ("Keep a note: Gran's favourite biscuits are custard creams.",
             'call:remember{fact:"Gran\'s favourite biscuits are custard creams"}'),
            ("Just so you know, my nephew can't eat nuts or sesame.",
             'call:remember{fact:"my nephew can\'t eat nuts or sesame"}'),
            ("I'll need this later: our wifi network is called Badger Sett.",
             'call:remember{fact:"our wifi network is called Badger Sett"}'),
            ("the physio's moved to wednesday at 10 don't let me forget",
             'call:remember{fact:"the physio\'s moved to wednesday at 10"}'),
            ("My boss's PA is called Lorna. Store that.", 'call:remember{fact:"my boss\'s PA is called Lorna"}'),
            ("um jarvis for future reference my father-in-law drinks rioja",
             'call:remember{fact:"my father-in-law drinks rioja"}'),
            ("Keep a note that I'm off to Spain on the 9th of July.",
             'call:remember{fact:"I\'m off to Spain on the 9th of July"}'),
            ("Could you file away that the bleed key for the radiators is in the toolbox?",
             'call:remember{fact:"the bleed key for the radiators is in the toolbox"}'),
            ("just so you know the spare back door keys are in the fruit bowl",
             'call:remember{fact:"the spare back door keys are in the fruit bowl"}'),
            ("I'll need this later, my wife's ring size is M.", 'call:remember{fact:"my wife\'s ring size is M"}'),
            ("We're having the grandkids on Saturday afternoon. Don't let me forget.",
             'call:remember{fact:"we\'re having the grandkids on Saturday afternoon"}'),
            ("i said i'd bring a trifle to jo's on sunday don't let me forget",
             'call:remember{fact:"I said I\'d bring a trifle to Jo\'s on sunday"}'),
            ("Keep hold of this: the landing light takes small bayonet bulbs.",
             'call:remember{fact:"the landing light takes small bayonet bulbs"}'),
            ("Worth knowing for later, Dad likes his steak medium rare.",
             'call:remember{fact:"Dad likes his steak medium rare"}'),
            ("log this for me the hall's painted in elephant's breath",
             'call:remember{fact:"the hall\'s painted in elephant\'s breath"}'),
            ("Put it on file: my son's a size 13 in school shoes now.",
             'call:remember{fact:"my son\'s a size 13 in school shoes now"}'),
            ("so i don't lose track the eye test is on the 4th at quarter past nine",
             'call:remember{fact:"the eye test is on the 4th at quarter past nine"}'),
            ("Add this to what you know: our babysitter is called Megan.",
             'call:remember{fact:"our babysitter is called Megan"}'),
            ("in case it ever comes up my niece is allergic to strawberries",
             'call:remember{fact:"my niece is allergic to strawberries"}'),
            ("Keep a note, the fuse box is in the cupboard above the front door.",
             'call:remember{fact:"the fuse box is in the cupboard above the front door"}'),
            ("Useful for later: the lad who cuts our grass is called Connor.",
             'call:remember{fact:"the lad who cuts our grass is called Connor"}'),
            ("mental note for you jarvis the car's booked into the garage on monday",
             'call:remember{fact:"the car\'s booked into the garage on monday"}'),
            ("One for the notebook: Auntie Jean prefers lemon drizzle to chocolate cake.",
             'call:remember{fact:"Auntie Jean prefers lemon drizzle to chocolate cake"}'),
            ("just so you've got it mum wears chanel number five",
             'call:remember{fact:"mum wears chanel number five"}'),
            ("My desk at the new office is 4.17 on the fourth floor; you'll need that one day.",
             'call:remember{fact:"my desk at the new office is 4.17 on the fourth floor"}'),
            ("for future reference sarah recommended a film called past lives",
             'call:remember{fact:"Sarah recommended a film called past lives"}'),
            ("I've told Mark I'll help him move house on the 21st. Don't let me forget.",
             'call:remember{fact:"I\'ve told Mark I\'ll help him move house on the 21st"}'),
            ("My work trousers are a 34 waist and a 32 leg, keep that somewhere safe.",
             'call:remember{fact:"my work trousers are a 34 waist and a 32 leg"}'),
        ),
    ),
    Tool(
        name="recall",
        doc="Say what the user told Jarvis to remember about something.",
        params=(Param("about", str, 'what the question is about, e.g. "car parked"', required=False, default=""),),
        run=_recall,
        timeout_s=5.0,  # the first search loads the embedding model (about a second)
        examples=(
            ("Where did I park my car?", 'call:recall{about:"car parked"}'),
            ("when is my wife's birthday", 'call:recall{about:"wife birthday"}'),
            ("What did I tell you about the boiler?", 'call:recall{about:"boiler"}'),
            ("Who did I lend my wheelbarrow to?", 'call:recall{about:"wheelbarrow"}'),
            ("where's the spare key again", 'call:recall{about:"spare key"}'),
            ("What was the name of that restaurant I told you about?", 'call:recall{about:"restaurant"}'),
            ("Am I allergic to anything?", 'call:recall{about:"allergic"}'),
            ("remind me what day the bins go out", 'call:recall{about:"bins"}'),
            ("Did I mention when the plumber's coming?", 'call:recall{about:"plumber"}'),
            ("what's my shoe size", 'call:recall{about:"shoe size"}'),
            ("How do I take my tea, do you remember?", 'call:recall{about:"tea"}'),
            ("When's our anniversary?", 'call:recall{about:"anniversary"}'),
            ("where did I put the passports", 'call:recall{about:"passports"}'),
            ("um jarvis when's mum's birthday again", 'call:recall{about:"mum birthday"}'),
            ("Remind me where I parked today.", 'call:recall{about:"parked"}'),
            ("what did i say about the MOT", 'call:recall{about:"MOT"}'),
            ("Do you remember anything about my sister's diet?", 'call:recall{about:"sister diet"}'),
            ("who's the kids dentist again", 'call:recall{about:"dentist"}'),
            ("Did I tell you where Emma's present is hidden?", 'call:recall{about:"Emma present hidden"}'),
            ("what's my blood type", 'call:recall{about:"blood type"}'),
            ("When does the car insurance renew, did I mention?", 'call:recall{about:"car insurance renew"}'),
            ("remind me what dad likes to drink", 'call:recall{about:"dad drink"}'),
            ("What were the neighbours called again?", 'call:recall{about:"neighbours"}'),
            ("when did we last do the dog's flea stuff", 'call:recall{about:"dog flea"}'),
            ("I'm back at the shopping centre; which deck did I leave the motor on?", 'call:recall{about:"car parked"}'),
            ("um which bit of the car park am i in", 'call:recall{about:"parked"}'),
            ("What number was my locker at the pool?", 'call:recall{about:"locker"}'),
            ("i'm in the changing rooms at the baths which one's mine", 'call:recall{about:"locker"}'),
            ("Remind me of my daughter's teacher's name.", 'call:recall{about:"daughter teacher"}'),
            ("my son's asking who his teacher is this year do you know", 'call:recall{about:"son teacher"}'),
            ("When did I say Sam's wedding was?", 'call:recall{about:"Sam wedding"}'),
            ("What date are the in-laws arriving?", 'call:recall{about:"mother-in-law staying"}'),
            ("which day should I plan a romantic dinner for the two of us", 'call:recall{about:"anniversary"}'),
            ("Where are the tax papers filed?", 'call:recall{about:"tax papers"}'),
            ("What time does the tip open till on a Sunday?", 'call:recall{about:"recycling centre"}'),
            ("when can i go and see grandad", 'call:recall{about:"Grandad care home"}'),
            ("What time does Harriet land?", 'call:recall{about:"Harriet flight"}'),
            ("what time's my train to leeds again", 'call:recall{about:"train Leeds"}'),
            ("Which seat am I in on Tuesday?", 'call:recall{about:"seat"}'),
            ("How much were the fence panels each?", 'call:recall{about:"fence panels"}'),
            ("What should the boiler pressure be?", 'call:recall{about:"boiler pressure"}'),
            ("Did I ever tell you what my brother-in-law's called?", 'call:recall{about:"brother-in-law"}'),
            ("um jarvis what's the vet's name", 'call:recall{about:"vet"}'),
            ("whats the pressure for the car tyres again", 'call:recall{about:"tyre pressure"}'),
            ("Who do I ring when the heating packs up?", 'call:recall{about:"boiler engineer"}'),
            ("who's my gp", 'call:recall{about:"gp"}'),
            ("What can't Lucy eat?", 'call:recall{about:"Lucy"}'),
            ("Is there anything Jack has to steer clear of?", 'call:recall{about:"Jack allergic"}'),
            ("What size jumper should I get myself?", 'call:recall{about:"jumpers"}'),
            ("water's pouring everywhere how do i turn it off at the mains", 'call:recall{about:"stopcock"}'),
            ("How old is Nora turning?", 'call:recall{about:"Nora birthday"}'),
            ("how does grandma have her coffee", 'call:recall{about:"Grandma coffee"}'),
            ("What's the landlord called, did I tell you?", 'call:recall{about:"landlord"}'),
            ("Where did I say the Christmas decorations were?", 'call:recall{about:"Christmas decorations"}'),
            ("which night is it i do pilates", 'call:recall{about:"Pilates"}'),
            ("When's the cat's insurance up for renewal?", 'call:recall{about:"cat insurance"}'),
            ("What's my number at work, the short one?", 'call:recall{about:"extension"}'),
            ("how much did i chip in for the leaving do present", 'call:recall{about:"leaving present"}'),
            ("What's the name of that cottage we booked in Wales?", 'call:recall{about:"cottage wales"}'),
            ("Did I tell you which energy company we're with now?", 'call:recall{about:"energy supplier"}'),
            ("which chip shop was the decent one", 'call:recall{about:"chippy"}'),
            ("Find me the names of Ben and Holly's babies.", 'call:recall{about:"twins"}'),
            ("Pull up what I said about the window cleaner.", 'call:recall{about:"window cleaner"}'),
            ("play back what i told you about the shed", 'call:recall{about:"shed key"}'),
            ("What time's my dentist appointment?", 'call:recall{about:"dentist"}'),
            ("if someone asks what our car looks like what do i say", 'call:recall{about:"car"}'),
            ("what flowers does my wife like again", 'call:recall{about:"wife flowers"}'),
            ("How long is my mother-in-law with us for?", 'call:recall{about:"mother-in-law"}'),
            ("When am I driving Aunt Carol to the airport?", 'call:recall{about:"Aunt Carol lift"}'),
            ("who was it that mended the washing machine", 'call:recall{about:"washing machine"}'),
            ("How does Priya have her tea?", 'call:recall{about:"Priya tea"}'),
            ("what's gran's favourite biscuit", 'call:recall{about:"Gran biscuit"}'),
            ("My nephew's staying over; what is it he can't eat?", 'call:recall{about:"nephew"}'),
            ("Which wine does my father-in-law go for?", 'call:recall{about:"father-in-law wine"}'),
            ("Which cake did Auntie Jean say was her favourite?", 'call:recall{about:"Auntie Jean cake"}'),
            ("does my boss drink coffee or tea", 'call:recall{about:"boss drink"}'),
            ("um jarvis what milk does my daughter have on her cereal", 'call:recall{about:"daughter milk"}'),
            ("Is Callum vegan or just veggie, did he say?", 'call:recall{about:"Callum"}'),
            ("what perfume is it mum wears", 'call:recall{about:"mum perfume"}'),
            ("How many sugars does the builder take in his brew?", 'call:recall{about:"builder sugars"}'),
            ("Which football team does Grandad support?", 'call:recall{about:"Grandad football"}'),
            ("what lager does our kev drink", 'call:recall{about:"Kev lager"}'),
            ("what's my niece allergic to again", 'call:recall{about:"niece allergic"}'),
            ("Tom's coming round for tea tonight; what was it he doesn't eat?", 'call:recall{about:"Tom"}'),
            ("what's my wife's favourite colour", 'call:recall{about:"wife colour"}'),
            ("How does my dad like his steak done?", 'call:recall{about:"dad steak"}'),
            ("whats my sisters dog called", 'call:recall{about:"sister dog"}'),
            ("I'm in Boots; which hand cream does Mum like?", 'call:recall{about:"mum hand cream"}'),
            ("erm the neighbour's little lad what's he not allowed to have", 'call:recall{about:"neighbour lad"}'),
            ("so which room did the router end up in", 'call:recall{about:"router"}'),
            ("Where's the spare set for the back door?", 'call:recall{about:"back door keys"}'),
            ("the thing for bleeding radiators where is it", 'call:recall{about:"radiator key"}'),
            ("Where did I stash the good scissors?", 'call:recall{about:"scissors"}'),
            ("which drawer are the takeaway menus in", 'call:recall{about:"takeaway menus"}'),
            ("Where have the wedding photos got to?", 'call:recall{about:"wedding photos"}'),
            ("um where's the little allen key for the bike", 'call:recall{about:"allen key"}'),
            ("The guarantee for the boiler, where did I say that was?", 'call:recall{about:"boiler guarantee"}'),
            ("Which cupboard is the fuse box hiding in?", 'call:recall{about:"fuse box"}'),
            ("where does the water meter live in this house", 'call:recall{about:"water meter"}'),
            ("The box with the fairy lights in, where did that go?", 'call:recall{about:"fairy lights"}'),
            ("whereabouts is the camera charger these days", 'call:recall{about:"camera charger"}'),
            ("what time's my flight on Friday", 'call:recall{about:"flight Friday"}'),
            ("When am I off to Spain?", 'call:recall{about:"Spain"}'),
            ("when's the physio", 'call:recall{about:"physio"}'),
            ("Which terminal am I flying from on Monday?", 'call:recall{about:"terminal"}'),
            ("um jarvis what time have i got to be at the hairdressers", 'call:recall{about:"hairdresser"}'),
            ("When's my eye test?", 'call:recall{about:"eye test"}'),
            ("What day do we fly back from Lisbon?", 'call:recall{about:"Lisbon flight"}'),
            ("what's the hotel called in edinburgh", 'call:recall{about:"Edinburgh hotel"}'),
            ("What time does my coach to Manchester leave?", 'call:recall{about:"coach Manchester"}'),
            ("when's my next hospital appointment", 'call:recall{about:"hospital appointment"}'),
            ("Which day's the car booked in at the garage?", 'call:recall{about:"garage"}'),
            ("is it this thursday or next that i'm seeing the accountant", 'call:recall{about:"accountant"}'),
            ("What time's the parents' evening at the school?", 'call:recall{about:"parents evening"}'),
            ("what have I got on Saturday afternoon", 'call:recall{about:"Saturday afternoon"}'),
            ("What was I meant to bring to Jo's?", 'call:recall{about:"Jo"}'),
            ("Have I got anything on this Sunday?", 'call:recall{about:"Sunday"}'),
            ("what did i promise to take to the barbecue", 'call:recall{about:"barbecue"}'),
            ("What was I supposed to pick up for Ellie?", 'call:recall{about:"Ellie"}'),
            ("did i tell mark i'd do something for him", 'call:recall{about:"Mark"}'),
            ("What am I up to on Christmas Eve?", 'call:recall{about:"Christmas Eve"}'),
            ("what did i say i'd bake for the school fair", 'call:recall{about:"school fair"}'),
            ("which parking bay is mine at work", 'call:recall{about:"parking bay"}'),
            ("What size ring does my wife wear?", 'call:recall{about:"wife ring size"}'),
            ("what's our wifi network called", 'call:recall{about:"wifi network"}'),
            ("What bulbs does the landing light take?", 'call:recall{about:"landing bulbs"}'),
            ("which bags fit the hoover", 'call:recall{about:"hoover bags"}'),
            ("What was the mileage at the car's last service?", 'call:recall{about:"car service"}'),
            ("which seats have we got at the theatre on saturday", 'call:recall{about:"theatre seats"}'),
            ("What paint did we use in the hall?", 'call:recall{about:"hall paint"}'),
            ("what size school shoes is my son in now", 'call:recall{about:"son shoe size"}'),
            ("Remind me of Dad's new house number.", 'call:recall{about:"Dad house number"}'),
            ("um what's my desk number at the new office", 'call:recall{about:"desk number"}'),
            ("What waist are my work trousers?", 'call:recall{about:"trousers"}'),
            ("jarvis um who was the bloke that did our guttering", 'call:recall{about:"guttering"}'),
            ("whats the babysitters name", 'call:recall{about:"babysitter"}'),
            ("oi which pub did we settle on for friday", 'call:recall{about:"pub"}'),
            ("What was that film Sarah said I should watch?", 'call:recall{about:"Sarah film"}'),
            ("who's the lad that cuts our grass", 'call:recall{about:"grass"}'),
            ("How do I like my eggs done, Jarvis?", 'call:recall{about:"eggs"}'),
            ("my boss's PA, what's her name", 'call:recall{about:"boss PA"}'),
        ),
    ),
    Tool(
        name="forget",
        doc="Forget what the user told Jarvis about something (the facts holding those words).",
        params=(Param("about", str, 'the words of the fact to forget, e.g. "car parked"'),),
        run=_forget,
        read_only=False,
        examples=(
            ("Forget what I said about my car.", 'call:forget{about:"car"}'),
            ("forget about the spare key", 'call:forget{about:"spare key"}'),
            ("Please forget my shoe size.", 'call:forget{about:"shoe size"}'),
            ("You can forget the thing about the plumber now.", 'call:forget{about:"plumber"}'),
            ("delete what you know about my ladder", 'call:forget{about:"ladder"}'),
            ("Scrap the note about the boiler.", 'call:forget{about:"boiler"}'),
            ("erase the restaurant i told you about", 'call:forget{about:"restaurant"}'),
            ("Don't keep that note about the bins any more.", 'call:forget{about:"bins"}'),
            ("Wipe what I told you about penicillin.", 'call:forget{about:"penicillin"}'),
            ("forget our anniversary date", 'call:forget{about:"anniversary"}'),
            ("um jarvis forget where the passports are", 'call:forget{about:"passports"}'),
            ("Delete the note about Emma's present, she's opened it.", 'call:forget{about:"Emma present"}'),
            ("you don't need to remember my blood type any more", 'call:forget{about:"blood type"}'),
            ("Scratch that note about where I parked.", 'call:forget{about:"parked"}'),
            ("i sold the car so forget the MOT date", 'call:forget{about:"MOT"}'),
            ("Forget everything you know about me.", 'call:forget{about:"everything"}'),
            ("I've paid Priya back, so forget the leaving present thing.", 'call:forget{about:"leaving present"}'),
            ("we've moved the car so lose the note about the multi-storey", 'call:forget{about:"multi-storey"}'),
            ("Drop what I told you about the window cleaner; we've let him go.", 'call:forget{about:"window cleaner"}'),
            ("no need to hang on to my locker number any more", 'call:forget{about:"locker"}'),
            ("Clear out whatever you've got on our old landlord.", 'call:forget{about:"landlord"}'),
            ("um jarvis wipe the thing about the late shift", 'call:forget{about:"late shift"}'),
            ("The Leeds trip is off, so bin the note about the train.", 'call:forget{about:"train"}'),
            ("Remove the fact about Sam's wedding, it's been called off.", 'call:forget{about:"Sam wedding"}'),
            ("please stop keeping my gym membership on file", 'call:forget{about:"gym membership"}'),
            ("Gary's retired, so delete the boiler engineer's details.", 'call:forget{about:"boiler engineer"}'),
            ("unremember the stuff about the cat's insurance", 'call:forget{about:"cat insurance"}'),
            ("Take the bit about the fence panels out of your memory.", 'call:forget{about:"fence panels"}'),
        ),
    ),
    Tool(
        name="list_memories",
        doc="Say what Jarvis has noted about the user.",
        params=(),
        run=_list_memories,
        examples=(
            ("What do you know about me?", "call:list_memories{}"),
            ("what have you got noted about me", "call:list_memories{}"),
            ("What do you remember about me, Jarvis?", "call:list_memories{}"),
            ("Read me back everything you've noted.", "call:list_memories{}"),
            ("what's in your memory", "call:list_memories{}"),
            ("Which things have I asked you to remember?", "call:list_memories{}"),
            ("list my notes", "call:list_memories{}"),
            ("What have I told you to keep?", "call:list_memories{}"),
            ("go on then whats on my file", "call:list_memories{}"),
            ("What have you kept about me so far?", "call:list_memories{}"),
            ("run through everything i've told you to remember", "call:list_memories{}"),
            ("Do you have anything stored about me?", "call:list_memories{}"),
            ("tell me all the facts you've got on me", "call:list_memories{}"),
            ("Which notes have you got, Jarvis?", "call:list_memories{}"),
            ("Give me a rundown of everything you've stored on me.", "call:list_memories{}"),
            ("um what have i asked you to hang on to", "call:list_memories{}"),
            ("Show me the notes you keep about me.", "call:list_memories{}"),
            ("What facts about me have you got saved?", "call:list_memories{}"),
            ("read out all my memories", "call:list_memories{}"),
            ("Remind me of everything I've told you to keep.", "call:list_memories{}"),
            ("how much do you actually know about me then", "call:list_memories{}"),
            ("Open up your notebook on me; what's in it?", "call:list_memories{}"),
        ),
    ),
)
