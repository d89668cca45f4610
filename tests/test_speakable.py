"""speakable(): chat markdown to words a TTS voice reads well; SentenceSplitter: streamed chunks."""

from __future__ import annotations

import random

import pytest

from jarvis_desktop.voice.speakable import SentenceSplitter, speakable


@pytest.mark.parametrize("text, spoken", [
    ("I have 1,234 apples.", "I have one thousand two hundred and thirty-four apples."),
    ("It is -5 outside", "It is minus five outside"), ("Pi is 3.14", "Pi is three point one four"),
    ("0.5", "zero point five"), ("105", "one hundred and five"),
    ("2,341", "two thousand three hundred and forty-one"), ("1,000,001", "one million and one"),
    ("5,000,000,000,000", "five trillion"),
    ("12345678901234567", "one two three four five six seven eight nine zero one two three four five six seven"),
    ("007", "zero zero seven"),
    ("the 1st, 22nd, 3rd and 4th", "the first, twenty-second, third and fourth"),
    ("the 100th time", "the one hundredth time"), ("45%", "forty-five percent"),
    ("3-5%", "three to five percent"), ("3-5 days", "three to five days"),
    ("Python 3.11.7", "Python three point eleven point seven"),
    ("on 2024-01-05", "on the fifth of January twenty twenty-four"),
])
def test_numbers(text, spoken):
    assert speakable(text) == spoken


@pytest.mark.parametrize("text, spoken", [
    ("£5.50", "five pounds fifty"), ("£1", "one pound"), ("£0.50", "fifty pence"), ("$3", "three dollars"),
    ("$3.25", "three dollars and twenty-five cents"), ("$1.01", "one dollar and one cent"),
    ("€2.5", "two euros fifty"), ("£1,200", "one thousand two hundred pounds"),
    ("£1.5m", "one point five million pounds"), ("$2 billion", "two billion dollars"),
])
def test_currency(text, spoken):
    assert speakable(text) == spoken


@pytest.mark.parametrize("text, spoken", [
    ("14:30", "fourteen thirty"), ("9:05", "nine oh five"), ("10:00", "ten o'clock"),
    ("18:00", "eighteen hundred"), ("at 9:30 a.m. tomorrow", "at nine thirty a m tomorrow"),
    ("5pm", "five p m"), ("9:00-17:00", "nine o'clock to seventeen hundred"),
    ("in 1999", "in nineteen ninety-nine"), ("2005", "two thousand and five"),
    ("2026", "twenty twenty-six"), ("1905", "nineteen oh five"), ("1100", "eleven hundred"),
    ("2000", "two thousand"), ("2100", "two thousand one hundred"),
    ("1,999", "one thousand nine hundred and ninety-nine"), ("the 1990s", "the nineteen nineties"),
    ("21°C", "twenty-one degrees Celsius"), ("1°C", "one degree Celsius"),
    ("-3°F", "minus three degrees Fahrenheit"), ("20-25°C", "twenty to twenty-five degrees Celsius"),
])
def test_times_years_temperatures(text, spoken):
    assert speakable(text) == spoken


@pytest.mark.parametrize("text, spoken", [
    ("fruit, e.g. apples", "fruit, for example apples"),
    ("one thing, i.e. this", "one thing, that is this"),
    ("apples, pears, etc. and more", "apples, pears, et cetera and more"),
    ("apples, etc. Then pears.", "apples, et cetera. Then pears."),
    ("Arsenal vs. Spurs vs Chelsea", "Arsenal versus Spurs versus Chelsea"),
    ("approx. 5 people", "approximately five people"),
    ("Dr. Watson, Mr. Holmes, Mrs. Hudson and Ms. Adler", "Doctor Watson, Mister Holmes, Missus Hudson and Miz Adler"),
    ("St. Paul's Cathedral", "Saint Paul's Cathedral"), ("No. 10", "number ten"),
    ("No. I won't.", "No. I won't."), ("R&D", "R and D"), ("Fish & chips", "Fish and chips"),
    ("2+2=4", "two plus two equals four"), ("tea and/or coffee", "tea and or coffee"),
    ("C++ is fine", "C++ is fine"), ("the CPU, GPU and USB", "the CPU, GPU and USB"),
])
def test_abbreviations_and_symbols(text, spoken):
    assert speakable(text) == spoken


@pytest.mark.parametrize("text, spoken", [
    ("5 km", "five kilometres"), ("1 km", "one kilometre"), ("2kg", "two kilograms"),
    ("512 MB", "five hundred and twelve megabytes"), ("16 GB", "sixteen gigabytes"),
    ("3.2 GHz", "three point two gigahertz"), ("250 ms", "two hundred and fifty milliseconds"),
    ("5s", "five seconds"), ("1 s", "one second"), ("10 min", "ten minutes"), ("1 min", "one minute"),
    ("1 h", "one hour"), ("2 hr", "two hours"), ("1.5 km", "one point five kilometres"),
    ("30 km/h", "thirty kilometres per hour"),
])
def test_units(text, spoken):
    assert speakable(text) == spoken


def test_markdown_becomes_sentences():
    reply = ("# Your options\n"
             "Here is **bold**, *italic*, __strong__ and _soft_ text with `my_var` and `__init__`.\n"
             "- first item\n* second item\n+ third item\n1. numbered one\n2) numbered two\n"
             "> a quoted line\n---\nThe end")
    assert speakable(reply) == (
        "Your options. Here is bold, italic, strong and soft text with my_var and __init__. "
        "first item. second item. third item. numbered one. numbered two. a quoted line. The end")


def test_code_blocks_links_urls_tables():
    reply = ("Try this:\n```python\nprint('hi')  # 3.14\n```\nOr this:\n```\nls -la\n```\n"
             "See [the docs](https://docs.python.org/3/) or https://example.com/a?b=1. "
             "Also www.python.org, then done.\n\n"
             "| Name | Size |\n|------|-----:|\n| disk | 5 GB |")
    assert speakable(reply) == (
        "Try this: The code is in the window. Or this: The code is in the window. "
        "See the docs or the link in the window. Also the link in the window, then done. "
        "Name, Size. disk, five gigabytes")


def test_snake_case_survives():
    assert speakable("use snake_case_names") == "use snake_case_names"


def test_emoji_whitespace_and_empty():
    assert speakable("Done ✅ 🎉  sir  👍🏽") == "Done sir"
    assert speakable("Hello 👋\n\n\n   world") == "Hello. world"
    assert speakable("") == ""
    assert speakable("   \n\t ") == ""
    assert speakable("🎉") == ""


# ---------------------------------------------------------------- SentenceSplitter
def feed_whole(text: str, **kwargs) -> list[str]:
    splitter = SentenceSplitter(**kwargs)
    return splitter.feed(text) + splitter.flush()


def feed_tokens(text: str, seed: int, **kwargs) -> list[str]:
    splitter, rng, chunks, i = SentenceSplitter(**kwargs), random.Random(seed), [], 0
    while i < len(text):
        size = rng.randint(1, 3)
        chunks += splitter.feed(text[i:i + size])
        i += size
    return chunks + splitter.flush()


REPLY = ("Certainly, sir. I have opened the browser for you. It took 3.5 seconds, e.g. rather quick. "
         "Mr. Smith called at 9 a.m. today about config.yaml on https://example.com/a.b. "
         "J. R. R. Tolkien wrote it, etc. and so on. No. 5 is fine.\n\n"
         "Here is the code:\n```python\nx = 1. y = 2!\nprint(x)\n```\nThat prints one. Anything else?")
REPLY_CHUNKS = [
    "Certainly, sir.",
    "I have opened the browser for you.",
    "It took 3.5 seconds, e.g. rather quick.",
    "Mr. Smith called at 9 a.m. today about config.yaml on https://example.com/a.b.",
    "J. R. R. Tolkien wrote it, etc. and so on.",
    "No. 5 is fine.",
    "Here is the code:",
    "```python\nx = 1. y = 2!\nprint(x)\n```",
    "That prints one.",
    "Anything else?",
]


def test_whole_reply_chunks():
    assert feed_whole(REPLY) == REPLY_CHUNKS


LIST_REPLY = "Right away, sir, the lights are on.\nOptions:\n- Dim them\n- Leave them\n\nShall I? Very good… Done."
LIST_CHUNKS = ["Right away,", "sir, the lights are on.", "Options:\n- Dim them", "- Leave them",
               "Shall I? Very good…", "Done."]


@pytest.mark.parametrize("seed", range(8))
def test_token_stream_matches_whole(seed):
    assert feed_tokens(REPLY, seed) == REPLY_CHUNKS
    assert feed_tokens(LIST_REPLY, seed) == LIST_CHUNKS == feed_whole(LIST_REPLY)


def test_sentence_end_waits_for_whitespace_and_flush_takes_the_rest():
    splitter = SentenceSplitter()
    assert splitter.feed("Certainly, sir.") == []
    assert splitter.feed(" ") == ["Certainly, sir."]  # the first chunk goes out even though short
    assert splitter.feed("It is done.") == []
    assert splitter.flush() == ["It is done."]
    assert splitter.flush() == []


def test_paragraph_and_newline_boundaries():
    text = "Options:\n1. First thing here\n2. Second thing here\n\nOk.\n\nA long final paragraph now."
    assert feed_whole(text) == ["Options:", "1. First thing here", "2. Second thing here", "Ok.",
                                "A long final paragraph now."]


def test_first_clause_is_emitted_early():
    splitter, out = SentenceSplitter(), []
    for word in "Right away, sir, I am opening the browser now.".split(" "):
        out += splitter.feed(word + " ")
        if out:
            break
    assert out == ["Right away,"] and word == "opening"  # long before the sentence ends
    assert splitter.feed("the browser now. Done.") + splitter.flush() == [
        "sir, I am opening the browser now.", "Done."]
    assert feed_whole("Right away, sir, I am opening the browser now. Done.") == [
        "Right away,", "sir, I am opening the browser now.", "Done."]


def test_first_clause_rules():
    # A clause mark in the first 8 characters does not count, nor does a short buffer.
    assert feed_whole("Yes, I will open the application for you now. Ok.") == [
        "Yes, I will open the application for you now.", "Ok."]
    splitter = SentenceSplitter()
    assert splitter.feed("Very well, sir ") == []  # clause mark present, buffer under 24
    assert splitter.feed("and so on ") == ["Very well,"]
    # Dashes count as clause marks; only the first chunk gets the clause rule.
    assert feed_whole("Of course, sir — one moment, please; I shall look now - right away. x") == [
        "Of course,", "sir — one moment, please; I shall look now - right away.", "x"]
    assert feed_whole("Indeed, sir.", first_clause_chars=5) == ["Indeed, sir."]  # ", " at 6 < 8


def test_short_later_sentences_merge():
    assert feed_whole("Hello there. Yes. No. Fine. That is all for now.") == [
        "Hello there.", "Yes. No. Fine.", "That is all for now."]
    assert feed_whole("Hello there. Yes. No. Fine.", min_chars=1) == [
        "Hello there.", "Yes.", "No.", "Fine."]


def test_no_split_inside_abbreviations_numbers_urls_and_initials():
    text = ("Ok. We met Dr. Who and Mrs. Hudson vs. St. John at No. 9, i.e. home, "
            "for 2.5 hours via www.example.co.uk/x.html with J. K. Rowling. Then we left… Now.")
    assert feed_whole(text) == [
        "Ok.",
        "We met Dr. Who and Mrs. Hudson vs. St. John at No. 9, i.e. home, for 2.5 hours via "
        "www.example.co.uk/x.html with J. K. Rowling.", "Then we left…", "Now."]
    assert feed_whole("Done. Apples, etc. Pears are next.") == ["Done.", "Apples, etc.", "Pears are next."]
    assert feed_whole("First one. Well... I think so! Really? Yes.") == [
        "First one.", "Well... I think so!", "Really? Yes."]


def test_code_block_stays_whole_until_closed():
    splitter = SentenceSplitter()
    assert splitter.feed("Here:\n") == ["Here:"]
    assert splitter.feed("```\nfor x in y:\n    print(x). \n\n") == []
    assert splitter.feed("done\n```\nAfter the code block.") == ["```\nfor x in y:\n    print(x). \n\ndone\n```"]
    assert splitter.flush() == ["After the code block."]
    unterminated = SentenceSplitter()
    assert unterminated.feed("Code:\n```\na. b. c.\n") == ["Code:"]
    assert unterminated.flush() == ["```\na. b. c."]


def test_reset_starts_a_new_reply():
    splitter = SentenceSplitter()
    assert splitter.feed("Right away, sir, the lamp is on. Half a sentence") == [
        "Right away,", "sir, the lamp is on."]
    splitter.reset()
    assert splitter.flush() == []
    assert splitter.feed("Yes. ") == ["Yes."]  # the first chunk is again emitted however short


def test_chunks_read_well_through_speakable():
    chunks = feed_whole("It costs £5.50, sir. The meeting is at 14:30 on No. 3.")
    assert [speakable(c) for c in chunks] == ["It costs five pounds fifty, sir.",
                                              "The meeting is at fourteen thirty on number three."]
