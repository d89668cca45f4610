"""Requests beyond Jarvis's reach, told from the words: "text my wife I'm on my way", "shut down
the computer", "turn the kitchen lights off".  No tool does them, and the tuned model answered
them with a tool that does something else (the music stopped for a shutdown, a note kept of the
text, a timer for the screen's brightness) or with prose that claims it was done.  Where the
words ask for one of these in so many words (an imperative, or "can you ...", that names the
action and what it acts on), Jarvis says plainly that it is beyond him and what he can do
instead, without asking the model (Assistant.generate, after Toolbox.beyond_doubt).  Phrasings
these miss are the model's to answer: the persona data's ``beyond_reach`` category teaches it.

Pure functions of text.  Over the user turns of the training data and the requests of the
development and held-out routing sets, no tool request is read as beyond reach (tests).
"""

from __future__ import annotations

import re

__all__ = ["beyond_reach", "beyond_reply", "FAMILIES"]

# What comes before the request itself: openers, politeness, "can you", "I need you to"
_OPENING = re.compile(
    r"^(?:(?:um+|uh+|er+|erm|oh|ok|okay|right|so|hey|jarvis|please|pls|mate|just|quickly|now|then|and|also|"
    r"go ahead and|be a (?:love|dear|star|good chap) and|do me a favour and|"
    r"(?:can|could|would|will|won't) you(?: please| just| quickly| possibly| kindly)?|can i get you to|"
    r"(?:i|we) (?:need|want|would like|'d like|d like) you to|i'd like you to|you need to|you can|time to)"
    r"[\s,.!:;-]+)+", re.IGNORECASE)

_COMPUTER = r"(?:the |my |this |your )?(?:computer|pc|laptop|machine|system|desktop|mac|box)"
_FILE = (r"(?:files?|folders?|documents?|docs?|photos?|pictures?|pics|images?|screenshots?|downloads|pdfs?|"
         r"spreadsheets?|reports?|letters?|invoices?|slides?|presentations?|cv|essay|attachments?|"
         r"[\w-]+\.(?:txt|pdf|docx?|xlsx?|csv|jpe?g|png|mp[34]|zip|pptx?|odt))")
_HOME = (r"(?:lights?|lamps?|heating|radiators?|thermostat|boiler|tv|telly|television|kettle|oven|hob|fan|"
         r"air ?con|aircon|air conditioning|dishwasher|washing machine|hoover|vacuum|robot hoover|doorbell|"
         r"alarm system|burglar alarm|smart plug|plug|blinds|curtains|fire|fireplace|hot water|immersion)")

# family -> the words that ask for it, after the opening (lower case, apostrophes plain)
FAMILIES: dict[str, re.Pattern] = {k: re.compile(v) for k, v in {
    "message": r"^(?:send|text|txt|email|e-mail|message|whatsapp|dm|tweet|reply to|write back to|forward|"
               r"drop (?:a|an) (?:text|email|message|line) to|bung (?:a|an) (?:text|email|message))\b"
               r"(?! me (?:a |an )?(?:reminder|nudge|alert))(?!.*\bprinter\b)"
               # "tell jess i'm running ten minutes late" (a 10-minute timer, from v5), "let mum know ..."
               r"|^tell (?:my |the |our )?(?!me\b|us\b|you\b|yourself\b|it\b|a\b|an\b|another\b|"
               r"some\b|jokes?\b|stor(?:y|ies)\b|time\b|the time\b|difference\b|the difference\b|fortunes?\b|"
               r"riddles?\b|what\b|how\b|why\b|when\b|where\b|who\b|which\b|if\b|whether\b)[a-z]+ (?:that |i'?m |i |we |"
               r"we'?re |i'?ll |i'?ve |to |not to |it'?s |dinner|tea|lunch)"
               r"|^let (?:my |the |our )?(?!me\b|us\b|you\b|it\b)[a-z]+ know\b",
    "call": r"^(?:call|ring|phone|facetime|video call|video-call|skype|dial|"
            r"give (?!me\b|us\b|it\b)(?:\w+ ){1,2}a (?:ring|call|bell|buzz|tinkle))\b"
            r"(?! me\b)(?! off\b)(?! (?:it|that|this) (?:a|an|something)\b)",
    "purchase": r"^(?:book|order|buy|purchase|pay|transfer|reserve|top up|renew)\b"
                r"(?! (?:it|them|these|those) by\b)",
    "files": r"^(?:delete|remove|erase|rename|move|copy|duplicate|zip|unzip|compress|trash|bin|shred|back ?up|"
             r"empty|clear out|clean out|tidy up|sort out)\b"
             rf"(?:.*\b{_FILE}\b)|^print\b(?= \S)|^send\b.*\bto (?:the |my )?printer\b",
    "software": r"^(?:install|uninstall|reinstall|update|upgrade|download|patch)\b(?! me\b)"
                r"(?!.*\b(?:command line|terminal|apt|pip|npm|flatpak|snap|script)\b)",
    "power": rf"^(?:shut ?down|power (?:off|down)|restart|reboot|hibernate|suspend|log (?:me )?(?:out|off)|"
             rf"sign (?:me )?out)\b|^(?:turn|switch|put|send)\b.*\b{_COMPUTER}\b.*\b(?:off|to sleep|down)\b"
             rf"|^(?:turn|switch) (?:off|down) {_COMPUTER}\b",
    "windows": r"^(?:close|quit|exit|minimi[sz]e|maximi[sz]e|tile|arrange|snap)(?: down| out of)? "
               r"(?:the |my |all |all the |all my |this |that |these |those |every |both )?(?:\w+ )?"
               r"(?:windows?|tabs?|apps?|applications?|programs?|programmes?|everything|it all|browser|chrome|"
               r"firefox|spotify|teams|slack|zoom|word|excel|outlook|thunderbird|libreoffice|vlc|steam|discord|"
               r"whatsapp|terminal|edge|safari)\b",
    "display": r"^(?:turn|make|set|change|switch|put|dim|raise|lower|increase|decrease|bump|crank|brighten|darken)\b"
               r".*\b(?:brightness|brighter|dimmer|darker|wallpaper|desktop background|background picture|"
               r"night ?light|night mode|dark mode|light mode|do not disturb|screensaver|screen saver|resolution)\b"
               r"|^(?:brighten|dim|darken) (?:the |my )?(?:screen|display|monitor)\b",
    "connections": r"^(?:connect|disconnect|pair|unpair|join|turn on|turn off|switch on|switch off|enable|disable|"
                   r"reconnect)\b.*\b(?:wi-?fi|bluetooth|headphones|headset|earbuds|airpods|speakers?|vpn|hotspot|"
                   r"hot spot|network|printer)\b",
    "screenshot": r"^(?:take|grab|capture|snap|do|make|record|start recording|screen ?record)\b.*"
                  r"\b(?:screenshot|screen ?shot|screen grab|screengrab|(?:the|my) screen|screen recording)\b",
    "smart_home": rf"^(?:turn|switch|put|pop|flick|bung|stick|whack|crank|knock)\b.*\b{_HOME}\b"
                  rf"|^(?:dim|brighten|boil|preheat|heat) (?:the |my )?{_HOME}\b",
    "calendar_list": r"^(?:add|put|stick|pop|pencil|write|schedule|book|create|make|set up|arrange|organise)\b.*"
                     r"\b(?:calendar|diary|shopping list|to-?do list|todo list|to-?dos|the list|my list|agenda|"
                     r"a meeting|an appointment|an event|a call with|a meeting with)\b",
    "browser_bin": r"^(?:empty|clear|wipe|delete|clean|purge)\b.*\b(?:bin|trash|recycle bin|recycling bin|"
                   r"wastebasket|browser history|search history|history|cache|cookies)\b",
    # the web searched for something ("jarvis search the web for reviews of that new cordless hoover"
    # ran a file search for "reviews"): he runs offline; a page to open is the model's (_PAGE)
    "web_search": r"^(?:google|bing|search (?:the web|the internet|online|google|on google|the net)|"
                  r"look (?:\w+ )?up (?:online|on the web|on the internet|on google))\b",
    # an album, a song, a station or a playlist by name: the media tool plays, pauses and skips what
    # the player has lined up ("queue up Mr Brightside next" ran media{action:"next"}, skipping a song)
    "play_named": r"^(?:play|queue(?: up)?|shuffle|start playing)\b"
                  r"(?! (?:it|that|this|(?:my |some |the )?(?:music|tunes)|something(?! by\b| from\b)|anything|"
                  r"again|back|pause|with\b|nice\b|"
                  r"on\b|the (?:next|previous|last|first) (?:track|song|one|episode)|that last|the last one|"
                  r"a game|games|chess|cards|twenty questions|20 questions|i spy|hangman|along|dumb|fair|"
                  r"it (?:again|back|louder|quieter)))(?= \S)"
                  r"|^(?:put|stick|bung|pop) on\b.*\b(?:radio|playlist|album|songs?|podcast|episode|tunes?|records?|"
                  r"station|by)\b",
}.items()}

# Words that make it a request a tool does, or the memory's: timers, reminders, notes, volume, music
_SUPPORTED = re.compile(
    r"\b(?:timers?|reminders?|remind|countdowns?|alarms? (?:for|at|in)|notes? (?:about|on|of|that)|remember|forget|"
    r"what i (?:told|said)|what you know|memory|memories|volume|louder|quieter|mute|unmute|the music|"
    r"the song|the track|the video|sound|audio|lock|open|find|look for|search for|where)\b", re.IGNORECASE)
# A question about it rather than a request ("how do I shut down from the terminal?", "is it
# safe to delete downloads?"): the model's to answer
_QUESTION = re.compile(r"^(?:how|what|why|when|where|who|which|is|are|was|do|does|did|should|shall|must|"
                       r"may|might)\b", re.IGNORECASE)


# Live information, asked as a question or in a word or two: the weather, the news, travel, live
# scores and prices.  Jarvis runs offline, and the model answered "what's the weather like
# today" with "The weather is quiet today, sir" or "rather grim: a brisk northeast breeze".
_WHEN = r"(?:today|tomorrow|tonight|now|right now|later|this (?:morning|afternoon|evening|week|weekend)|at the weekend)"
_LIVE = re.compile(
    r"^(?:what'?s|whats|what is|what are|what'll|what will|how'?s|hows|how is|how are|how'?ll|how will|tell me|"
    r"give me|get me|read me|read out|check|any|are there any|is there any)\b"
    r"(?: (?:the|today'?s|tomorrow'?s|tonight'?s|this (?:morning|afternoon|evening|week|weekend)'?s?|latest|"
    r"current|local|live))* "
    r"(?:weather|forecast|news|headlines|traffic|delays?|roads|trains?|(?:football |cricket |rugby |tennis )?scores?|"
    r"stock market|markets|ftse|dow|nasdaq|exchange rate|price of (?:bitcoin|ethereum|gold|oil|petrol|diesel)|"
    r"(?:bitcoin|ethereum|petrol|diesel) (?:price|at|doing))\b"
    r"(?! (?:with|on|about|from|of) (?:you|me|him|her|them|us|my|your|our|his|their)\b)"  # "any news on my parcel"
    r"|^(?:will|is|does|should|could|might) (?:it|there) (?:be )?(?:going to |gonna )?"
    r"(?:rain|snow|sleet|hail|thunder|storm|frost|be (?:sunny|windy|cold|hot|warm|wet|dry|icy|foggy|nice|a storm|"
    r"a frost|any rain))\b"
    r"|^(?:weather|forecast|news|headlines|traffic)(?: (?:today|tomorrow|tonight|please|update|report|check|"
    r"for (?:today|tomorrow|tonight|the weekend|\w+)|in \w+(?: \w+)?|this \w+))*$"
    r"|^do (?:i|we) need (?:an umbrella|a brolly|a coat|a jacket|sun ?cream)\b"
    r"|^how (?:hot|cold|warm|chilly|wet) is it (?:outside|out|out there|today)\b"
    r"|^(?:what'?s|whats|what is) the temperature (?:outside|out|today|tonight|tomorrow|now|right now)\b"
    r"|^(?:did|have|has) [\w' ]{1,30}? (?:win|won|lose|lost|draw|drawn|score|scored)\b.*\b(?:last night|yesterday|"
    rf"{_WHEN})\b"
    r"|\bwhat(?:'s| is| was) the score\b|^who(?:'s| is) winning\b")
# What is on the screen or in a picture, asked of him ("can you see this error on my screen? what does
# it mean", "have a look at this photo and tell me ..."): he has no eyes on it
_SCREEN = re.compile(
    r"\b(?:this|that|the) (?:error|message|chart|graph|picture|photo|image|window|box|popup|pop-up|page|text|"
    r"thing|button|warning|code|table|diagram) on (?:my|the|this) screen\b"
    r"|^(?:can you |could you )?(?:see|look at|have a look at|take a look at|read|check|describe) (?:my|the|this) "
    r"(?:screen|photo|picture|image|chart|graph|diagram|display)\b"
    r"|^(?:what'?s|whats|what is) on (?:my|the) screen\b"
    r"|\bcan you see (?:my|the|this|what'?s on) (?:screen|display|monitor|photo|picture|image|error|window)\b")
# ... unless a page is to be opened for it ("whats the score in the cricket pop espncricinfo up")
_PAGE = re.compile(r"\b(?:pop|bring|pull|load|show|go to|open|website|site|page|app|www|\w+\.(?:com|co\.uk|org|net))\b")


# "Forget it", "never mind", "don't bother": the subject dropped, with nothing pending to cancel
# (the model once answered "forget it" with "Then delete the file, sir. It's been deleted")
_DROP = (r"(?:forget (?:it|that|about it|about that|i asked|i said anything|i mentioned it|what i (?:just )?said)|"
         r"never ?mind|don'?t bother|do not bother|leave it|don'?t worry about it)")
_DROPPED = re.compile(
    rf"^(?:(?:oh|ah|actually|nah|no|well|ok|okay|jarvis|just|then)[\s,.!]+)*{_DROP}"
    rf"(?:[\s,.!]+(?:{_DROP}|then|jarvis|thanks|thank you|please|it doesn'?t matter|it does not matter|no matter))*"
    r"[\s,.!]*$", re.IGNORECASE)


# "Thanks Jarvis, that's all for now": a sign-off, acknowledged as the data does ("Very good, sir.
# I'll leave you to it"); v4 answered it "I shan't go into the technical details, sir; I can open
# your browser for you".  A goodnight or a goodbye is the model's.
_SIGNED_OFF = re.compile(
    r"^(?:(?:ok|okay|right|great|lovely|brilliant|perfect|cheers|thanks|thank you|thanks a lot|ta|jarvis)[\s,.!]+)*"
    r"(?:that'?s all|that is all|that'?ll be all|that will be all|that'?s it|that'?s everything|nothing else|"
    r"all done|i'?m done|we'?re done|i'?m all set)"
    r"(?:[\s,.!]+(?:for now|for today|for the moment|thanks|thank you|cheers|jarvis|then|ta))*[\s,.!]*$", re.IGNORECASE)


def beyond_reach(message: str) -> str | None:
    """The family (FAMILIES) of what ``message`` asks for in so many words that no tool does,
    "dismissal" where it only drops the subject ("forget it", "never mind"), or None: a request a tool does or may do (a timer, a reminder, a note, the volume, opening or
    finding something), a question about it, or words these do not read."""
    text = " ".join(str(message).replace("\u2019", "'").replace("\u2018", "'").split())
    if _DROPPED.match(text) or _SIGNED_OFF.match(text):
        return "dismissal"
    if not text or len(text) > 200 or _SUPPORTED.search(text):
        return None
    said = _OPENING.sub("", text).lower().rstrip(" ?.!")
    if said and _LIVE.search(said) and not _PAGE.search(said):
        return "live_info"
    if said and _SCREEN.search(said):
        return "see_screen"
    if not said or _QUESTION.match(said) or re.match(r"\w+'", said):  # "phone's on 20 percent": no verb
        return None
    if re.match(r"\w+ (?:is|are|was|were|has|have|had|does|did|keeps|looks|seems|will|would|can|could|should|"
                r"isn't|aren't|wasn't|won't|day|days|road|size|sizes|box|tone|tones|list|call|calls)\b", said):
        return None  # "text size is too small", "pay day is friday", "close call": a noun, not a request
    for family, asked in FAMILIES.items():
        if asked.search(said):
            return family
    return None


_REPLIES = {
    "message": "Sending messages is beyond me, {h}: I've no way into your email or phone from here. Tell me what "
               "you'd like to say and I'll gladly help with the wording.",
    "call": "I can't make calls, {h}; there's no phone line to me on this computer. Shall I set a reminder for "
            "you to ring?",
    "purchase": "Bookings, orders and payments are beyond me, {h}: I can't reach a shop or a bank from here. I "
                "can set a reminder for you to see to it.",
    "files": "Changing files is beyond me, {h}: I can't delete, move, rename, copy or print them. I can find a "
             "file or open its folder, so you can do it yourself.",
    "software": "Installing and updating software is beyond me, {h}; the software centre or your package "
                "manager will do it, and I can explain any command it asks you to run.",
    "power": "I can't switch the computer off or restart it, {h}; the power menu will do that. I can lock the "
             "screen, if that helps.",
    "windows": "Closing and arranging windows is beyond me, {h}; I can only open things. The window's close "
               "button, or Alt and F4, will see to it.",
    "display": "The desktop's settings, from the screen's brightness to notifications, are out of my reach, {h}; "
               "the Settings app will have them.",
    "dismissal": "Very good, {h}; I'm here when you need me.",
    "live_info": "I've nothing live to go on, {h}: I run offline, so the weather, the news, scores and prices are "
                 "beyond me. Ask me to open a website, the BBC's say, and I'll bring it up.",
    "connections": "The computer's connections are out of my reach, {h}; the network and Bluetooth settings will "
                   "do it. I can tell you whether you're connected, though.",
    "screenshot": "Screenshots are beyond me, {h}; the Print Screen key will take one, and I can open your "
                  "Pictures folder to find it afterwards.",
    "smart_home": "The house isn't wired to me, {h}, so lights, heating and the like are beyond my reach. I can "
                  "set a timer or a reminder for it.",
    "calendar_list": "Calendars and lists are beyond me, {h}: I keep none. I can set a reminder, or remember it "
                     "for you if you say \"remember that\".",
    "browser_bin": "That's beyond me, {h}: I can't empty the bin or clear the browser's history. I can open your "
                   "home folder so you can see to it.",
    "web_search": "Searching the web is beyond me, {h}: I run offline. I can open your browser, or a website by "
                  "name, so you can look it up.",
    "play_named": "Choosing what to play by name is beyond me, {h}: I can play, pause or skip whatever your player "
                  "has lined up, and tell you what's playing.",
    "see_screen": "I can't see your screen, {h}; I've no eyes on it. Read me what it says and I'll gladly help.",
}


def beyond_reply(family: str, honorific: str) -> str:
    """What Jarvis says to a request of ``family``: that it is beyond him, and what he can do."""
    return _REPLIES[family].format(h=honorific.strip() or "sir")
