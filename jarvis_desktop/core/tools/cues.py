"""Whether a message bears on a tool at all: a call to a tool the words say nothing of is set aside.

The fine-tune calls some tools on questions that merely sound like requests: "which port is plain
imap on" got ``local_ip`` ("Your local IP address is ..."), "which element has the symbol Sn" got
``now_playing``, "what file extension does a PowerPoint presentation have" got ``os_info``, and
"what do you call the first meal of the day" got ``recall``, each with the router sure of a
call (p_call 0.84-0.95 against a line of 0.82) and the tool's name sure too, so neither
probability tells them apart.  A tool's own words do: every request for these tools, however it
is put, names what it is about (a song or "this", an address or the network, the system or its
version, a program or the machine's load, the user or someone they know, something to open or a wish to do something,
a timer or a word for calling one off, how loud or the sound itself, what a program is or does, a timer's or a reminder's state,
the user's things or files, or where something is, how much room a folder takes).

``bears_on(tool, message)`` is False only for a tool listed here whose words the message has
none of; the Assistant then sets the call aside unsaid and the reply is prose (for a factual
question, the honest "I'm not certain" the fine-tune learned, rather than a tool's answer to
another question).  A follow-up ("and the other one?", "what about Tom's?") leans on the
turn before, so it is never vetoed.

The words were chosen from the training requests of each tool (every one of them bears on its
tool: a test checks) and checked on the development requests and the spoken set, which were
not used to choose them.  Tools whose requests may name nothing of them ("the doorbell's
ringing" pauses the music; "I'm stepping away" locks the screen) are not listed.  ``forget`` is
set aside where the words ask a question (not one put to Jarvis: "could you forget my shoe
size?") or only drop the subject ("forget it", "never mind, forget I asked"): no
fact is named, and the data answer those in prose; so is a call to any other tool there (the
fine-tune once wrote "forget I asked" as ``media``, which has no words of its own to veto it).
"""

from __future__ import annotations

import re

from jarvis_desktop.core.memory_words import is_question

__all__ = ["CLOCK", "CUES", "DATES", "NAMES", "REASONS", "STATUS", "about_the_user", "asks_of_jarvis", "bears_on",
           "is_follow_up", "named_among", "named_instead"]


def _words(*alternatives: str) -> re.Pattern:
    """Any of the words, whole, and each also as "the CPU's", "the battery's": a word said with
    "'s" is the same word ("is the ram's full", "the network's down")."""
    return re.compile(r"(?<![\w'])(?:" + "|".join(alternatives) + r")(?:['’]s)?(?![\w'])", re.IGNORECASE)


_PEOPLE = (r"i|i'm|im|i've|ive|i'd|id|i'll|my|me|mine|myself|we|we're|we've|we'd|our|ours|us|"
           r"he|he's|his|him|she|she's|her|hers|they|they're|their|them|"
           r"mum|mom|dad|wife|husband|partner|son|daughter|kids?|family|brother|sister|nan|gran|grandma|grandad|"
           r"friend|mate|boss|neighbour|neighbor|doctor|dentist")

CUES: dict[str, re.Pattern] = {
    "os_info": _words(r"os", r"operating", r"system", r"linux", r"windows", r"mac", r"macos", r"osx", r"ubuntu",
                      r"debian", r"fedora", r"arch", r"mint", r"distro", r"distribution", r"kernel", r"version",
                      r"release", r"build", r"edition", r"platform", r"software", r"flavour", r"flavor"),
    "now_playing": _words(r"songs?", r"tracks?", r"tunes?", r"tune's", r"music", r"album", r"artist", r"band",
                          r"singer", r"sings?", r"sung", r"singing", r"record", r"lp", r"playing", r"play", r"on",
                          r"listening", r"listen", r"hearing", r"hear", r"spotify", r"shazam", r"player",
                          r"number", r"this", r"that's", r"thats"),
    "local_ip": _words(r"ip", r"ipv4", r"ipv6", r"address", r"addresses", r"lan", r"network", r"wifi", r"wi-fi",
                       r"wi fi", r"ethernet", r"\d{1,3}\.\d{1,3}", r"router", r"printer", r"ssh", r"chromecast",
                       r"reach", r"server", r"internal", r"private", r"local", r"find me"),
    "open_file": re.compile(r"(?<![\w'])(?:open|opening|show|display|see|read|look|view|print|load|bring|pull|"
                            r"up|edit|launch|carry on)(?![\w'])|\.\w{2,4}\b|~/|/", re.IGNORECASE),
    "top_processes": _words(r"memory", r"ram", r"cpu", r"processor", r"process", r"processes", r"programs?",
                            r"programmes?", r"apps?", r"applications?", r"hog", r"hogs", r"hogging", r"eating",
                            r"gobbling", r"chewing", r"hammering", r"pinning", r"maxing", r"burning", r"slowing",
                            r"slow", r"sluggish", r"heavy", r"heaviest", r"greedy", r"greediest", r"fans?",
                            r"roasting", r"hot", r"busy", r"busiest", r"resources", r"work", r"working", r"running",
                            r"offenders", r"top", r"biggest", r"users", r"causing", r"taking", r"culprits?",
                            r"crawl", r"crawling", r"blame"),
    # a timer's or reminder's words, or a word for calling one off ("never mind the eggs"): a
    # chat that only sounds like a request ("have you tried turning it off and on again") once
    # came out as cancel_timer{all:true}, which would have cancelled every timer running
    "cancel_timer": _words(r"timers?", r"reminders?", r"remind", r"reminding", r"countdowns?", r"count down",
                           r"counting down", r"alarms?", r"alerts?", r"buzzers?", r"cancel", r"cancelled",
                           r"call off", r"never ?mind", r"scrap", r"kill", r"stop", r"clear", r"delete",
                           r"remove", r"bin", r"ditch", r"drop", r"abort", r"scratch", r"forget", r"no need",
                           r"don't need", r"dont need"),
    # how loud, or the sound itself: "can you learn?" once came out as volume{action:"set",level:2}
    # and "have you tried turning it off and on again" as a call to volume, which would change the
    # desktop's sound for a chat
    "volume": _words(r"volume", r"sound", r"sounds", r"audio", r"speakers?", r"headphones", r"loud", r"louder",
                     r"loudly", r"deafening", r"quiet", r"quieter", r"quieten", r"quietly", r"soft", r"softer",
                     r"hush", r"sh+", r"silence", r"silent", r"mute", r"muted", r"unmute", r"hear", r"heard",
                     r"hearing", r"audible", r"inaudible", r"noise", r"noisy", r"racket", r"din", r"blaring",
                     r"up", r"down", r"notch", r"level", r"max", r"per ?cent", r"half", r"quarter",
                     r"make out"),
    # what is running or set: "What's the shortcut to select all?" was written as list_timers
    "list_timers": _words(r"timers?", r"reminders?", r"remind", r"reminding", r"counting", r"countdowns?", r"count",
                          r"clock", r"left", r"longer", r"ready", r"done", r"ticking", r"going", r"due", r"set",
                          r"on the go", r"pending", r"down for", r"up", r"timing", r"time", r"alarms?", r"buzzers?",
                          r"go off", r"gone off"),
    # a question about what a program is or does ("what's rsync", "explain grep"): "which element
    # has the symbol K" was written as explain_command{command:"K"}
    "explain_command": _words(r"what", r"whats", r"explain", r"explaining", r"enlighten", r"tell", r"mean",
                              r"means", r"meaning", r"does", r"do", r"doing", r"purpose", r"point", r"job",
                              r"use", r"used", r"for", r"commands?", r"tool", r"utility", r"program",
                              r"man", r"manual", r"deal", r"heck"),
    # a joke, a riddle or a fact asked for: not "what's 20% of 240" (a fact?), nor "I'm bored"
    "joke": _words(r"jokes?", r"joking", r"jokey", r"laugh", r"laughs", r"laughing", r"funny", r"funniest",
                   r"humou?r", r"humorous", r"puns?", r"gags?", r"one[- ]liners?", r"comedy", r"riddles?",
                   r"brain ?teasers?", r"puzzle", r"facts?", r"trivia", r"interesting", r"know", r"learn",
                   r"teach", r"surprise", r"amuse", r"amusing", r"entertain", r"cheer", r"giggle", r"chuckle",
                   r"smile", r"another", r"more", r"again", r"tell me something", r"heard", r"fascinating", r"stump",
                   r"tickle", r"blow my mind"),
    "open_app": _words(r"open", r"launch", r"start", r"run", r"running", r"fire", r"bring", r"pop", r"load",
                       r"show", r"need", r"want", r"wanna", r"like", r"let me", r"use", r"get", r"switch",
                       r"go to", r"give me", r"gimme", r"app", r"program", r"programme"),
    # how much room: "When people say my files are in the cloud, where are they really?" was
    # folder_size{name:"my files"}
    "folder_size": _words(r"size", r"sizes", r"big", r"bigger", r"biggest", r"large", r"larger", r"huge", r"space",
                          r"room", r"taking", r"take up", r"takes up", r"took up", r"using", r"uses", r"used",
                          r"eating", r"eats", r"hogging", r"hogs?", r"heavy", r"weigh", r"weighs", r"full", r"gb",
                          r"gigs?", r"gigabytes?", r"mb", r"megs?", r"megabytes?", r"tb", r"much", r"bloated",
                          r"chunky", r"filling", r"fills?", r"storage", r"disk", r"drive"),
    # the user's own things, a file's words, or where something is or went: "Where does the
    # Chancellor of the Exchequer live?" was find_files{name:"Chancellor"}
    "find_files": re.compile(r"(?<![\w'])(?:" + _PEOPLE + r"|files?|documents?|docs?|folders?|saved|save|"
                             r"spreadsheets?|pdfs?|photos?|pictures?|find|search|locate|look|hunt|dig|track|"
                             r"where(?:'s| is| are| did| has| have| was| were))(?![\w'])|\.\w{2,4}\b", re.IGNORECASE),
}

# Tools the small model takes for one another though the words tell them apart.  The machine's
# state: four tools without arguments and the disk ("jarvis power level" written as the processor's load, "has
# the laptop been on since yesterday" as the battery).  A date: its day of the week, or how far
# off it is ("is my birthday on the ninth of november far away" written as ``weekday``).  This
# computer's name on the network, or its address ("the device name for the router settings"
# written as ``local_ip``).  Each request for one of them names something of it (the words chosen
# from their training requests; a test holds every training and development request to them).
# Not a veto: a call to one of them whose words name nothing of it and something of exactly one
# other of its group runs as that other (slots_whole.neighbour, ``named_instead``).
STATUS: dict[str, re.Pattern] = {
    "battery": _words(r"battery", r"batteries", r"charge", r"charging", r"charged", r"charger", r"plug", r"plugged",
                      r"unplug", r"unplugged", r"juice", r"mains", r"socket", r"power", r"powered", r"dies", r"die",
                      r"last", r"lead", r"run out"),
    "uptime": _words(r"uptime", r"restart", r"restarted", r"reboot", r"rebooted", r"boot", r"booted", r"switched",
                     r"turned", r"since", r"been on", r"been up", r"been running", r"running all", r"left running",
                     r"powered on", r"awake", r"started up", r"start up", r"up and running", r"days on end"),
    "cpu_load": _words(r"cpu", r"processor", r"cores?", r"load", r"loaded", r"busy", r"working", r"sluggish",
                       r"strain", r"fans?", r"flat out", r"maxed", r"pegged", r"idle", r"idling", r"struggling",
                       r"thrashed", r"hot", r"slow", r"full tilt", r"ticking over", r"utilisation", r"utilization"),
    "memory": _words(r"memory", r"ram", r"gigs", r"swapping", r"swap", r"virtual machine", r"stuttering"),
    # the disk: "how many gigabytes of memory does it have" written as free disk space is the memory's
    "disk_free": _words(r"disks?", r"drives?", r"hard drive", r"space", r"room", r"storage",
                        r"ssd", r"hdd", r"partitions?", r"filesystems?", r"file system", r"root", r"mount", r"mounted", r"usb", r"stick", r"nas",
                        r"capacity", r"remaining", r"squeeze", r"download", r"slash", r"~?/\S*", r"[a-z]:\\"),
}
DATES: dict[str, re.Pattern] = {
    "weekday": _words(r"day of the week", r"what day", r"which day", r"what days", r"whats day", r"what day's",
                      r"which day's", r"weekdays?", r"which weekday", r"weekend", r"working day", r"school night",
                      r"monday", r"tuesday", r"wednesday", r"thursday", r"friday", r"saturday", r"sunday",
                      r"falls?", r"lands?"),
    "days_until": _words(r"days", r"sleeps", r"long", r"longer", r"far", r"until", r"till", r"til", r"since", r"ago",
                         r"off", r"away", r"wait", r"count", r"countdown", r"count down", r"old", r"weeks", r"left",
                         r"to go", r"close", r"how many", r"hold out", r"ages", r"soon", r"near"),
}
# the time of day, or the day itself ("is it the weekend yet" written as the time: the day)
_MONTHS = (r"january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|"
           r"apr|jun|jul|aug|sept?|oct|nov|dec")
CLOCK: dict[str, re.Pattern] = {
    "time_now": _words(r"time", r"times", r"clock", r"hours?", r"o'?clock", r"late", r"later", r"early", r"earlier",
                       r"overslept", r"oversleep", r"midnight", r"noon", r"midday", r"lunchtime", r"teatime",
                       r"bedtime", r"half", r"quarter", r"past", r"minutes?", r"am", r"pm", r"gone",
                       r"\d{1,2}[:.]\d\d"),
    "date_today": _words(r"date", r"dated", r"dates", r"day", r"days", r"today", r"todays", r"month", r"months",
                         r"year", r"years", r"week", r"weekend", r"weekday", r"payday", r"monday", r"tuesday",
                         r"wednesday", r"thursday", r"friday", r"saturday", r"sunday", _MONTHS,
                         r"\d{1,2}(?:st|nd|rd|th)", r"first", r"[a-z]+teenth", r"twentieth", r"thirtieth",
                         r"calendar", r"diary"),
}
# how this computer is known on the network: its name, or its address
NAMES: dict[str, re.Pattern] = {
    "hostname": _words(r"name", r"named", r"names", r"name's", r"called", r"call", r"hostname", r"identify",
                       r"which machine", r"see this one as", r"appear", r"show up"),
    "local_ip": _words(r"ip", r"ipv4", r"ipv6", r"address", r"addresses", r"number", r"\d{1,3}\.\d{1,3}", r"find me"),
}
_CONFUSED = (STATUS, DATES, NAMES, CLOCK)


def named_instead(tool: str, message: str) -> str | None:
    """The one other tool of ``tool``'s group (STATUS, DATES) that ``message`` names something
    of, where it names nothing of ``tool``; else None (the call stands)."""
    group = next((g for g in _CONFUSED if tool in g), None)
    if group is None or group[tool].search(message) or is_follow_up(message):
        return None
    others = [name for name, cue in group.items() if name != tool and cue.search(message)]
    return others[0] if len(others) == 1 else None


def named_among(tools, message: str) -> str | None:
    """The one of ``tools`` (more than one, each a whole request of the words) that ``message``
    names something of in its group ("countdown to the solstice, the twenty first of june" reads
    whole as a weekday and as a count down, and names only the count down); else None."""
    named = {t for t in tools for group in _CONFUSED if t in group and group[t].search(message)}
    return named.pop() if len(tools) > 1 and len(named) == 1 else None


# ``recall`` is asked about anything the user keeps ("where are the passports?", "when does the
# cleaner come?"), so no list of words covers it; but a question put to Jarvis about the world,
# "what do *you* call ...", "which part of *your* body ...", is not about the user unless it
# names them or someone they know, or asks what was told ("what did you say the code was?").
_TO_JARVIS = _words(r"you", r"your", r"you're", r"youre")
_ABOUT_THE_USER = re.compile(r"(?<![\w'])(?:" + _PEOPLE + r"|remind|told|tell|said|say|again|remember|recall|"
                             r"note|noted|kept|usual|favourite|favorite)(?![\w'])|\w's\b|\w+s'(?!\w)",
                             re.IGNORECASE)

# A follow-up leans on the turn before ("and the other one?"): its words alone do not say.
_FOLLOW_UP = re.compile(r"^\W*(?:and|what about|how about|same|also|then|ok|okay|so|or)\b", re.IGNORECASE)


def is_follow_up(message: str) -> bool:
    """Whether ``message`` leans on the turn before ("and in Celsius?", "what about 80?"): its words
    alone say nothing of the tool or its arguments, so no cue or grounding judges it."""
    return _FOLLOW_UP.search(message) is not None


# A question of why asks for a reason, and the tools give figures and do things: every "why" of the
# data's requests, its development and held-out sets is chat ("why does my phone say 128 GB but
# only show 110 available", "why are there sixty minutes in an hour", "remind me why RAM matters"),
# but for what is slowing the computer ("why is everything so sluggish"), which the load and the
# busiest programs answer, a network that is down, and the reasons the user told ("why is the car
# at the garage?" where "the car's in for its MOT" was kept; "remember why I moved the meeting").
_WHY = re.compile(r"\b(?:why|how come)\b", re.IGNORECASE)
REASONS = frozenset({"cpu_load", "top_processes", "network", "recall", "remember"})


# "Forget it", "oh never mind, forget I asked": the user drops the subject, and keeps every fact.
_DISMISSAL = re.compile(r"^\W*(?:(?:oh|ah|um|erm|just|no|actually|never ?mind|jarvis)\W+)*forget (?:it|that|this|"
                        r"about it|about that|i asked|i said anything|i said that|i mentioned it|what i (?:just )?said)"
                        r"\W*(?:(?:it|that) (?:doesn't|does not|don't) matter|never ?mind|no matter|please|thanks)?"
                        r"\W*$", re.IGNORECASE)


# "Could you forget my shoe size?" asks for a forget; "what can I safely delete?" asks something
_ASKED_OF_JARVIS = re.compile(r"^\W*(?:(?:um|er|erm|oh|so|right|jarvis|please)\W+)*(?:can|could|would|will|won't|"
                              r"wouldn't|couldn't) you\b", re.IGNORECASE)


def asks_of_jarvis(message: str) -> bool:
    """Whether ``message`` asks Jarvis to do something: no question, or one put to him ("could you
    forget my shoe size?"); "what can I safely delete?" and "why are adverts louder?" ask nothing."""
    return not is_question(message) or _ASKED_OF_JARVIS.search(message) is not None


# Words that name the memory or what it keeps ("forget", "the note about", "what I told you",
# "what you've got on", "stop keeping ... on file")
_MEMORY_NAMED = re.compile(
    r"\b(?:forget|forgotten|unremember|remember|remembering|memory|memories|note|notes|noted|fact|facts|details|"
    r"on file|on record|keep|keeping|kept|hang on to|hold on to|hold onto|hang onto|stored|saved|"
    r"(?:i|i've|we|we've) (?:told|said|mentioned|gave|given)|(?:you|you've) (?:know|have|got|kept|noted|stored)|"
    r"got on|have on|the (?:thing|bit|stuff) (?:about|on))\b", re.IGNORECASE)


# Words about a joke, a riddle or a fact already told, or turning more down: "Is that a fact?",
# "ok I give up, what's the answer to the riddle", "no more jokes please" were written as calls
# for another (on the development set)
_NOT_ANOTHER = re.compile(
    r"\b(?:is|was) (?:that|this|it) (?:really |actually |even )?(?:a |an )?(?:fact|true|right|real)\b"
    r"|\bwhat(?:'s| is| was) the answer\b|\bi give up\b"
    r"|\b(?:explain|get|understand) (?:that|the|this|your|what) (?:last )?(?:joke|riddle|pun|one|fact)\b"
    r"|\b(?:no|not any) more (?:jokes|riddles|facts|puns)\b|\benough (?:jokes|riddles|puns)\b"
    r"|\bare you (?:joking|kidding|serious)\b|\bmaking (?:it|that|this) up\b", re.IGNORECASE)


def bears_on(tool: str, message: str) -> bool:
    """False where ``message`` only drops the subject ("forget I asked"), for every tool, or
    asks why (but for a tool of REASONS, even as a follow-up), or says nothing a request for
    ``tool`` would (a tool listed in CUES, and no follow-up); True otherwise, and for every
    other tool not listed."""
    if not message.strip():
        return True
    if _DISMISSAL.search(message):  # "forget I asked" asks nothing of any tool ("forget" least of all)
        return False
    if tool == "joke" and _NOT_ANOTHER.search(message):
        return False  # "Is that a fact?", "no more jokes please": about what was told, not for another
    if _WHY.search(message) and tool not in REASONS:
        return False  # "why does my phone say 128 GB but only show 110 available" asks a reason, not disk_free
    if is_follow_up(message):
        return True
    if tool == "recall":
        return not _TO_JARVIS.search(message) or _ABOUT_THE_USER.search(message) is not None
    if tool == "forget":
        # a question asks, it erases nothing: "My phone keeps nagging that it's full; what can I
        # safely delete?" was written as forget{about:"phone"}, which would erase what the user
        # told about the phone (no forget request of the data is a question but one put to Jarvis);
        # nor do words that name nothing of the memory: "delete the old draft of the wedding
        # speech" and "hide Slack away" were written as forgets (every forget request of the data
        # names the memory, a note, what was told or forgetting)
        return asks_of_jarvis(message) and _MEMORY_NAMED.search(message) is not None
    cue = CUES.get(tool)
    return cue is None or cue.search(message) is not None


# "'s" that is no owner's: "what's", "it's", "there's" (is or has)
_NOT_OWNER = re.compile(r"(?:what|that|it|there|here|who|where|when|how|why|let|he|she|this|one)'s", re.IGNORECASE)


def about_the_user(message: str) -> bool:
    """Whether ``message`` names the user or someone they know, or asks what was told ("how long
    is my colleague off for", "what did I say the code was"); "What's the battery at?" does not."""
    # each match with the rest of its word before it: "t's" is "What's"
    return any(not _NOT_OWNER.fullmatch(re.search(r"[\w']*$", message[:m.end()]).group())
               for m in _ABOUT_THE_USER.finditer(message))
