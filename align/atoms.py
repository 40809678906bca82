"""Atomic facts — numbers, dates, names — found in text and compared across languages.

Sentence embeddings blur exact values ("2001" and "2002" embed alike), so the
atoms an analyst cares most about are compared symbolically instead: numbers by
value whatever the digits (Western, Arabic-Indic, Persian), quantities in miles
and in kilometres by converting one to the other, months and weekdays by index
whatever the language, and names by a romanized consonant skeleton so that
"Deramchi" finds "الدرامشي". Everything here is a pure function of text.
"""

from __future__ import annotations

import itertools
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from operator import itemgetter

from anyascii import anyascii
from rapidfuzz import fuzz, process

from align.language import base_language

# A quantity in a unit: its dimension, the unit's system (imperial or metric) and its value in the
# metric base unit (metres, kilograms, degrees Celsius).
Measure = tuple[str, str, float]


@dataclass(frozen=True)
class Atom:
    """One number, date or name; ``keys`` are its normalised values.

    Two atoms of the same kind say the same thing when their keys intersect,
    or when they measure the same quantity in units of two systems (``measures``).
    """

    kind: str  # number | date | name
    start: int
    end: int
    text: str
    keys: frozenset[str]
    measures: frozenset[Measure] = frozenset()


def _character_class(code_points: Iterable[int]) -> str:
    """The body of a regex character class holding exactly these code points, as ranges."""
    ranges: list[list[int]] = []
    for code in code_points:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


# Combining marks (Arabic harakat and tanwin, Hebrew points, Indic vowel signs, decomposed accents) are
# no word characters to re, so a plain word pattern cut "جدًا" (very) in two and "مُرشَّح" in three;
# word patterns take them inside a word. The alphabets below U+3000 are all that write them.
MARKS = _character_class(c for c in range(0x3000) if unicodedata.category(chr(c)).startswith("M"))
_MARK = re.compile(f"[{MARKS}]")


# --- numbers -----------------------------------------------------------------

_NON_DIGIT = re.compile(r"[^0-9]")
_GROUP_SEPARATORS = ",.'\u066c\u060c\u00a0\u202f\u2009 "  # \u060c: "30،000", the Arabic comma
_DECIMAL_SEPARATORS = ",.\u066b"
# A run of digits with optional separators between digit groups; \d matches every
# Unicode decimal digit, so Arabic-Indic and Persian digits are read as well.
# Scripts written without spaces between words (Thai, kana, Hangul syllables, CJK ideographs):
# there a digit touches the word before or after it ("特朗普2016年", "30岁").
# Han characters and kana (hiragana, then katakana from U+30A0), as bodies of regex character classes.
HAN = "\u3400-\u4dbf\u4e00-\u9fff"
KANA = "\u3040-\u30ff"
_KATAKANA = "\u30a0-\u30ff"
_UNSPACED = f"\u0e00-\u0e7f{KANA}{HAN}\uac00-\ud7af"
# A word character of a spaced script: a digit next to one is part of a word ("A380", "H1N1").
_SPACED_WORD_CHAR = f"[^\\W{_UNSPACED}]"
# Arabic joins "and", "so", "in", "for", "like" to the word after, digits and months too:
# "و2019", "ب30", "وأغسطس".
_ARABIC_CLITICS = "وفبلك"
# Scales written right after the digits in English news: "£2.8bn", "$5m", "30k".
_SUFFIX_SCALES = {"k": 1e3, "m": 1e6, "bn": 1e9, "tn": 1e12}
# The leading (?=\d) changes no match: it turns most positions down before the lookbehinds.
_NUMBER = re.compile(
    rf"(?=\d)(?<![^\W{_UNSPACED}{_ARABIC_CLITICS}])(?<!{_SPACED_WORD_CHAR}[{_ARABIC_CLITICS}])(?<!\d[.,])\d+(?:[,.'\u066b\u066c\u00a0\u202f\u2009 ]\d+|\u060c\d{{3}}(?!\d))*"
    rf"(?=(?:st|nd|rd|th|er|re|e|ème|è|s|{'|'.join(_SUFFIX_SCALES)})?(?!{_SPACED_WORD_CHAR}))"
)
_PERCENT = re.compile(r"\s?(?:%|٪|‰|per ?cent|pour ?cent|prozent|por ?ciento)", re.IGNORECASE)

# Small numbers are often spelled out on one side and written in digits on the
# other; these words only ever *cover* a digit, they are never reported. Ordinals
# too: Arabic writes "1er octobre" as "الأول من أكتوبر" (the first of October); its
# ordinals are listed without the article, which is read off ("الثالث", "ثالث أكبر").
_NUMBER_WORDS = {
    1: "one un une eins ein eine uno una واحد واحدة first premier première erste erster primero primer primera أول اول أولى"
       " حادي حادية",  # "first" in compounds only: "الحادي عشر" (11th), "الحادي والعشرين" (21st)
    2: "two deux zwei dos اثنان اثنين اثنتين second deuxième zweite zweiter segundo segunda ثان ثاني ثانية",
    3: "three trois drei tres ثلاث ثلاثة third troisième dritte dritter tercero tercer tercera ثالث ثالثة",
    4: "four quatre vier cuatro أربع أربعة اربعة fourth quatrième vierte vierter cuarto cuarta رابع رابعة",
    5: "five cinq fünf cinco خمس خمسة fifth cinquième fünfte fünfter quinto quinta خامس خامسة",
    6: "six sechs seis ست ستة sixth sixième sechste sechster sexto sexta سادس سادسة",
    7: "seven sept sieben siete سبع سبعة seventh septième siebte siebter séptimo séptima سابع سابعة",
    8: "eight huit acht ocho ثماني ثمانية eighth huitième achte achter octavo octava ثامن ثامنة",
    9: "nine neuf neun nueve تسع تسعة ninth neuvième neunte neunter noveno novena تاسع تاسعة",
    10: "ten dix zehn diez عشر عشرة tenth dixième zehnte zehnter décimo décima عاشر عاشرة"
        " decade décennie jahrzehnt década",
    11: "eleven onze elf once",
    12: "twelve douze zwölf doce",
    13: "thirteen treize dreizehn trece",
    14: "fourteen quatorze vierzehn catorce",
    15: "fifteen quinze fünfzehn quince",
    16: "sixteen seize sechzehn",
    17: "seventeen siebzehn",
    18: "eighteen achtzehn",
    19: "nineteen neunzehn",
    20: "twenty vingt zwanzig veinte عشرون عشرين vigésimo vigésima",
    30: "thirty trente dreißig dreissig treinta ثلاثون ثلاثين trigésimo trigésima",
    40: "forty quarante vierzig cuarenta أربعون أربعين اربعون اربعين cuadragésimo cuadragésima",
    50: "fifty cinquante fünfzig cincuenta خمسون خمسين quincuagésimo quincuagésima",
    60: "sixty soixante sechzig sesenta ستون ستين sexagésimo sexagésima",
    70: "seventy siebzig setenta سبعون سبعين septuagésimo septuagésima",
    80: "eighty achtzig ochenta ثمانون ثمانين octogésimo octogésima",
    90: "ninety neunzig noventa تسعون تسعين nonagésimo nonagésima",
    100: "hundred cent hundert cien ciento مئة مائة",
    1000: "thousand mille tausend mil ألف الف آلاف الاف",
    1000000: "million millions millionen millón millones مليون ملايين",
    1000000000: "billion billions milliard milliards milliarde milliarden مليار مليارات",
}
# Arabic counts two by the dual of the noun counted: "منذ عامين" (two years ago) is "il y a 2 ans",
# "مليوني دولار" (two million dollars) "$2 million", "التعادل بهدفين" (a draw with two goals) "2-2".
_ARABIC_DUALS = {
    2: "عامين عامان سنتين سنتان شهرين شهران أسبوعين أسبوعان اسبوعين يومين يومان ساعتين ساعتان دقيقتين"
       " دقيقتان مرتين مرتان هدفين هدفان",
    200: "مئتين مئتان مئتي مائتين مائتان مائتي",
    2000: "ألفين ألفان ألفي",
    2000000: "مليونين مليونان مليوني",
    2000000000: "مليارين ملياران ملياري",
}
_WORD_VALUE = {w: v for table in (_NUMBER_WORDS, _ARABIC_DUALS) for v, words in table.items() for w in words.split()}
# A number followed by one of these is also read multiplied: "40 ألف" states 40 000.
_SCALES = {w: v for v, words in _NUMBER_WORDS.items() if v >= 1000 for w in words.split()}
# Arabic names a decade by its tens with the suffix -يات: "الثمانينيات" (the eighties) are "the 1980s".
_ARABIC_DECADE = re.compile(r"(?:[وفبلك]?ال)?(\w+ين)ي?ات")
_WORD_AFTER = re.compile(r"[\s\u00a0\u202f]+([^\W\d_]+)")
# Chinese, Japanese and Korean write the scale right after the digits: "1,000万" states 10 000 000.
_SCALE_SIGNS = {"千": 1e3, "万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8, "만": 1e4, "억": 1e8}
_SCALE_SUFFIX = re.compile(rf"({'|'.join(_SUFFIX_SCALES)})\b")
_DECADE = re.compile(r"1\d\d0|20\d0")
# English writes a decade "1980s", German "1980er" ("in den 1980er-Jahren").
_DECADE_AFTER = re.compile(r"s|er(?![^\W\d_])")
# "1950-53", "im Winter 1954/55": the second year of a range written with its last two digits.
_YEAR_RANGE_BEFORE = re.compile(r"(?<!\d)(\d\d)(\d\d)\s?[-–/]\s?$")
_MONTH_SIGN_AFTER = re.compile(r"\s?月")
# "550多万" is more than 5.5 million: 多 and 余 (more than) may come between the number and its scale.
_SCALE_SIGN_AFTER = re.compile(f"[\\s\u00a0\u202f]?[多余]?([{''.join(_SCALE_SIGNS)}])")


def _digits(text: str) -> str:
    """Any Unicode decimal digits as ASCII digits, other characters unchanged."""
    return "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in text)


def _fmt(value: float) -> str:
    return f"n:{value:g}"


def number_values(token: str) -> frozenset[str]:
    """All values a written number may stand for.

    "1,500" is 1500 in English and 1.5 in French, so both readings are kept and
    two numbers match when any reading agrees.
    """
    raw = _digits(token)
    groups = _NON_DIGIT.split(raw)
    seps = _NON_DIGIT.findall(raw)
    if not seps:
        return frozenset({_fmt(float(raw))})
    readings = set()
    last = seps[-1]
    if last in _DECIMAL_SEPARATORS and len(set(seps)) <= 2:
        readings.add("".join(groups[:-1]) + "." + groups[-1])
    if all(s in _GROUP_SEPARATORS for s in seps) and all(len(g) == 3 for g in groups[1:]):
        readings.add("".join(groups))
    return frozenset(_fmt(float(r)) for r in readings if r.strip("."))


def find_numbers(text: str) -> list[Atom]:
    """Numbers written in digits (any script), with a following percent sign kept in the span.

    Digits naming a month ("11月", November) are the month's: :func:`find_dates` reads them.
    A time of day is one number whatever its notation: "10:15" = "10h15", "14 h" = "14:00 Uhr".
    """
    return list(_numbers(text))


@lru_cache(maxsize=1 << 14)
def _numbers(text: str) -> tuple[Atom, ...]:
    """Cached: a sentence's anchor keys, profile and atoms (:mod:`align.symbols`) each read its numbers."""
    digit_dates = _digit_dates(text)
    times = _times(text)
    taken = [(time.start, time.end) for time in times] + [date.span() for date, _ in digit_dates]
    atoms = times + [atom for date, days in digit_dates for atom in _day_and_year(date, days)]
    for match in _NUMBER.finditer(text):
        token = match.group().rstrip(" \u00a0\u202f\u2009")
        end = match.start() + len(token)
        if _MONTH_SIGN_AFTER.match(text, end) or any(a <= match.start() < b for a, b in taken):
            continue
        keys = number_values(token)
        word, sign = _WORD_AFTER.match(text, end), _SCALE_SIGN_AFTER.match(text, end)
        scale = word if word and word.group(1).lower() in _SCALES else sign
        if scale:
            factor = _SCALES.get(scale.group(1).lower()) or _SCALE_SIGNS[scale.group(1)]
            keys |= {_fmt(float(key[2:]) * factor) for key in keys}
            end = scale.end()
        suffix = _SCALE_SUFFIX.match(text, end)
        if suffix:  # "£2.8bn"; "5m" may be metres, so the plain reading stays
            keys |= {_fmt(float(key[2:]) * _SUFFIX_SCALES[suffix.group(1)]) for key in keys}
            end = suffix.end()
        if _DECADE.fullmatch(token) and _DECADE_AFTER.match(text, end):  # "the 1980s" are "los años 80"
            keys |= {_fmt(int(token) % 100)}
        year_range = _YEAR_RANGE_BEFORE.search(_digits(text[max(0, match.start() - 7):match.start()]))
        if year_range and len(token) == 2:
            keys |= {_fmt(_range_end_year(int(year_range.group(1)), int(year_range.group(2)), int(_digits(token))))}
        percent = _PERCENT.match(text, end)
        unit = None if percent else _UNIT_AFTER.match(text, end)
        measures = _measures(keys, unit.group("unit")) if unit else frozenset()
        if percent:
            end = percent.end()
        elif measures and not unit.group("range"):  # "209 km" is the atom; the 2 of "2 to 4 inches" stays alone
            end = unit.end()
        atoms.append(Atom("number", match.start(), end, text[match.start():end], keys, measures))
    return tuple(sorted(atoms, key=lambda atom: atom.start))


# A date in digits: "12.6.1956", "12/06/2019". Day first, as most of the world writes it; with a slash
# the month may come first (the US), so both readings stand where both could be.
_DIGIT_DATE = re.compile(r"(?<![\d.,/])(\d{1,2})([./])(\d{1,2})\2(\d{4}|\d{2})(?![.,/]?\d)")


@lru_cache(maxsize=1 << 14)
def _digit_dates(text: str) -> tuple[tuple[re.Match[str], dict[int, int]], ...]:
    """The dates written in digits, each with its readings as ``{day: month}``.

    Read whole, "12.6.1956" was the number 126.196, and "12 juin 1956" on the
    other side stated neither its month nor its day.
    """
    dates = []
    for match in _DIGIT_DATE.finditer(text):
        first, second = int(_digits(match.group(1))), int(_digits(match.group(3)))
        readings = [(first, second)] + ([(second, first)] if match.group(2) == "/" else [])
        days = {day: month for day, month in readings if 1 <= day <= 31 and 1 <= month <= 12}
        if days:
            dates.append((match, days))
    return tuple(dates)


def _day_and_year(date: re.Match[str], days: dict[int, int]) -> list[Atom]:
    """The numbers a date in digits states: its day (either reading's) and its year; its month is the date's."""
    year = date.group(4)
    return [Atom("number", *date.span(1), date.group(1), frozenset(_fmt(day) for day in days)),
            Atom("number", *date.span(4), year, number_values(year))]


def _range_end_year(century: int, start: int, end: int) -> int:
    """The year "53" ends in a range from ``century``/``start`` ("19", "50"): 1953; "1998-02" ends in 2002."""
    return (century + (end < start)) * 100 + end


# Translations convert units: "130 miles" is "209 km", "550 pounds" "250 kg", "6 inches" "15 cm", and
# "80 degrees" in American news (Fahrenheit) "26 degrés". Speeds are compared by their lengths
# ("85 mph" is "135 km/h"). Bare degrees are read in both scales. "in" is no inch: it is a word too.
_UNITS: dict[str, tuple[str, str, float]] = {
    word: unit
    for words, unit in (
        ("mile miles mi mph milles meile meilen milla millas ميل ميلا أميال اميال 英里", ("length", "imperial", 1609.344)),
        ("yard yards yd yds yarda yardas ياردة ياردات 码", ("length", "imperial", 0.9144)),
        ("foot feet ft pied pieds fuß fuss pie pies قدم قدما أقدام اقدام 英尺", ("length", "imperial", 0.3048)),
        ("inch inches pouce pouces zoll pulgada pulgadas بوصة بوصات إنش إنشات انش 英寸", ("length", "imperial", 0.0254)),
        (("km kilomètre kilomètres kilometre kilometres kilometer kilometers kilometern kilómetro kilómetros"
          " كيلومتر كيلومترا كيلومترات كم 公里 千米"), ("length", "metric", 1000.0)),
        ("m mètre mètres metre metres meter meters metern metro metros متر مترا أمتار امتار 米", ("length", "metric", 1.0)),
        (("cm centimètre centimètres centimetre centimetres centimeter centimeters zentimeter zentimetern"
          " centímetro centímetros سنتيمتر سنتيمترا سنتيمترات سم 厘米 公分"), ("length", "metric", 0.01)),
        ("pound pounds lb lbs livre livres pfund libra libras رطل رطلا أرطال 磅", ("mass", "imperial", 0.45359237)),
        ("ounce ounces oz once onces unze unzen onza onzas أونصة 盎司", ("mass", "imperial", 0.028349523)),
        (("kg kilo kilos kilogramme kilogrammes kilogram kilograms kilogramm kilogramo kilogramos"
          " كيلوغرام كيلوجرام كيلوغرامات كيلو كغ كجم 公斤 千克"), ("mass", "metric", 1.0)),
        ("g gramme grammes gram grams gramm gramo gramos غرام غراما جرام 克", ("mass", "metric", 0.001)),
        ("fahrenheit 华氏 华氏度", ("temperature", "imperial", 1.0)),
        ("celsius مئوية 摄氏 摄氏度", ("temperature", "metric", 1.0)),
        ("degree degrees degré degrés grad grado grados درجة درجات 度", ("temperature", "", 1.0)),
    )
    for word in words.split()
}
# Chinese glues the unit to the words after it ("6.6英尺的身高"): the unit is the longest one the run opens with.
_HAN_UNITS = "|".join(sorted((w for w in _UNITS if re.match(f"[{HAN}]", w)), key=len, reverse=True))
# The unit after a number, or after the number closing a range ("2 to 4 inches": the 2 is in inches too).
_UNIT_AFTER = re.compile(
    r"(?P<range>\s?(?:-|–|to|à|a|bis|et|and|y|ou|or|o|إلى|الى|و|到|至)\s?\d+(?:[.,]\d+)?)?"
    rf"[\s\u00a0\u202f-]?(?P<unit>°\s?[CF]?|{_HAN_UNITS}|[^\W\d_](?:[^\W\d_]|[{MARKS}])*)"
)
# Translators round what they convert: "200 miles" became "300 km", "12 mph" "20 km/h".
_CONVERSION_TOLERANCE = 0.1
_TEMPERATURE_TOLERANCE = 1.0  # degrees: "80 °F" is 26.7 °C, written "26" or "27"


def _measures(keys: frozenset[str], unit: str) -> frozenset[Measure]:
    """The quantities a number of ``keys`` states in ``unit``, if that is a unit of measure."""
    unit = _MARK.sub("", unit).lower().replace(" ", "")
    if unit.startswith("°"):
        unit = {"°c": "celsius", "°f": "fahrenheit"}.get(unit, "degree")
    if unit not in _UNITS:
        return frozenset()
    dimension, system, factor = _UNITS[unit]
    values = [float(key[2:]) for key in keys if key.startswith("n:")]
    if dimension != "temperature":
        return frozenset((dimension, system, value * factor) for value in values)
    readings = (("imperial", lambda v: (v - 32) * 5 / 9), ("metric", lambda v: v))
    return frozenset(("temperature", scale, convert(value)) for scale, convert in readings
                     if system in ("", scale) for value in values)


def _same_measure(mine: Measure, theirs: Measure) -> bool:
    """Whether two quantities in units of two systems are one converted to the other, rounded."""
    (dimension, system, value), (other_dimension, other_system, other_value) = mine, theirs
    if dimension != other_dimension or system == other_system:
        return False
    if dimension == "temperature":
        return abs(value - other_value) <= _TEMPERATURE_TOLERANCE
    return abs(value - other_value) <= _CONVERSION_TOLERANCE * max(abs(value), abs(other_value))


# "10:15", "10h15", "10 h 15", "14 h", "10.15 Uhr", "5.30pm", "3 p.m.", Arabic "7.55 صباحًا" (in the
# morning), "4.40 مساءً" (in the evening), Spanish "5.30 de la tarde", French "8 h du soir"; "p.m." and
# the evening's words add twelve hours. Chinese and Japanese write a full-width colon ("5：30") and glue
# the time to the words around it ("周日11:15在"); Chinese may mark the hour with 点 ("下午3点", 3 p.m.).
# (?=\d) as in _NUMBER: a quick no at every position that starts no time.
_EVENING = ("مساء", "de la tarde", "de la noche", "du soir", "de l'après-midi", "de l’après-midi")
_PART_OF_DAY = "|".join(map(re.escape, ("صباح", "de la mañana", "de la madrugada", "du matin", *_EVENING)))
_HALF_DAY = rf"(?:[ap]\.?m\b|{_PART_OF_DAY})"
_EVENING_WORDS = re.compile("|".join(map(re.escape, _EVENING)))
_CJK_EVENING = ("下午", "晚上", "傍晚")  # Chinese names the part of the day first: "下午5：30" is 17:30
_SPELLED_EVENING_HOUR = re.compile(rf"([^\W\d_]+)\s(?:{_EVENING_WORDS.pattern})")
_TIME = re.compile(
    rf"(?=\d)(?<![\d.,:：])(\d{{1,2}})(?:\s?(?:[:：]|h|\.(?=\d\d\s?(?:Uhr|{_HALF_DAY})))\s?(\d\d)|\s?h(?!\w)|点|(?=\s?{_HALF_DAY}))"
    rf"(?:\s?(?:([ap])\.?m\b\.?|({_PART_OF_DAY})[اءًٌ]*))?(?!{_SPACED_WORD_CHAR}|[:：])"
)


def _times(text: str) -> list[Atom]:
    """Times of day, keyed by hour and minute; a full hour is also its hour as a plain number."""
    atoms = []
    for match in _TIME.finditer(text):
        hour, minute = int(_digits(match.group(1))), int(_digits(match.group(2) or "0"))
        if hour > 24 or minute > 59:
            continue
        evening = match.group(3) == "p" or match.group(4) in _EVENING or text.endswith(_CJK_EVENING, 0, match.start())
        hours = {hour, hour + 12} if evening and hour < 12 else {hour}
        keys = {f"t:{h}:{minute:02d}" for h in hours} | ({_fmt(h) for h in hours} if minute == 0 else set())
        atoms.append(Atom("number", match.start(), match.end(), match.group(), frozenset(keys)))
    return atoms


def number_word_values(text: str) -> frozenset[str]:
    """Values of spelled-out numbers, used only to cover digits on the other side.

    Compounds count as their sum too: "thirty-six", "treinta y seis",
    "sechsunddreißig", "السادس والثلاثين" (the 36th), "ثلاثة عشر" (13); a number
    before a larger scale as their product: "ستة ملايين" (six million), "trois mille".
    An Arabic decade is its tens and those of the 1900s: "الثمانينيات" is 80 and 1980.
    """
    lowercase = _lowercase_words(text)
    values = [_spelled_value(w) for w in lowercase]
    spelled = {v for v in values if v is not None}
    if len(spelled) > 1:  # a compound: next to each other, or with a word between ("y", "and", "و" alone)
        neighbours = [*itertools.pairwise(values), *((a, c) for a, b, c in zip(values, values[1:], values[2:]) if b is None)]
        spelled |= {a + b for a, b in neighbours if _units_and_tens(a, b) or _units_and_tens(b, a)}
        spelled |= {a * b for a, b in itertools.pairwise(values) if a and b and a < b and b in _SCALES.values()}
    for word in (w for w in lowercase if w.endswith("ات")):  # the decade's suffix, a quick test first
        decade = _ARABIC_DECADE.fullmatch(word)
        tens = _WORD_VALUE.get(decade.group(1)) if decade else None
        if tens in range(20, 100, 10):
            spelled |= {tens, 1900 + tens}
    if _EVENING_WORDS.search(text):  # a quick no first: the hour's pattern tries every word of the text
        spelled |= {value + 12 for m in _SPELLED_EVENING_HOUR.finditer(text)
                    if (value := _spelled_value(m.group(1).lower())) and value < 12}  # "las dos de la tarde": 14:00
    spelled |= {cjk_numeral_value(m.group()) for m in _CJK_NUMERAL.finditer(text)}
    spelled |= {roman_value(m.group()) for m in _ROMAN.finditer(text)}
    return frozenset(_fmt(v) for v in spelled if v)


# Centuries and sequels in Roman numerals: "XIXe siècle", "siglo XIX", "World War II" (not "I" or "V" alone).
_ROMAN = re.compile(r"\b[IVXLC]{2,}(?=\b|e\b|ème\b)")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_value(numeral: str) -> int:
    """The value of a Roman numeral (a smaller digit before a larger one subtracts: "XIX" 19)."""
    digits = [_ROMAN_VALUES[c] for c in numeral]
    return sum(-d if d < after else d for d, after in itertools.zip_longest(digits, digits[1:], fillvalue=0))


def _units_and_tens(units: int | None, tens: int | None) -> bool:
    """Whether two spelled numbers make one: a digit and a multiple of ten (10 too, for "ثلاثة عشر" 13)."""
    return units is not None and tens is not None and 0 < units < 10 and tens in range(10, 100, 10)


# German names a decade of life or of a century after its tens: "in den Vierzigern" (in his 40s).
_GERMAN_DECADE = re.compile(r"(\w+ig)ern?")


@lru_cache(maxsize=1 << 16)
def _spelled_value(word: str) -> int | None:
    """The value of a number word, also behind Arabic prefixes ("بعشرين" with twenty) or German "und" ("sechsunddreißig").

    Cached: every word of every sentence is read.
    """
    if word in _WORD_VALUE:
        return _WORD_VALUE[word]
    for reading in _readings(word):
        if reading in _WORD_VALUE:
            return _WORD_VALUE[reading]
    if word[-1:] in "nsmr" and word[:-1].endswith("e") and word[:-1] in _WORD_VALUE:  # "zweiten", "dritter"
        return _WORD_VALUE[word[:-1]]
    decade = _GERMAN_DECADE.fullmatch(word)
    if decade and _WORD_VALUE.get(decade.group(1), 0) in range(20, 100, 10):
        return _WORD_VALUE[decade.group(1)]
    units, joined, tens = word.partition("und")
    if joined and units in _WORD_VALUE and tens in _WORD_VALUE:
        return _WORD_VALUE[units] + _WORD_VALUE[tens]
    return None


# Chinese and Japanese numerals: digits, and the units that multiply the digit before them.
_CJK_DIGITS = {c: v for v, chars in enumerate(["零〇", "一", "二两", "三", "四", "五", "六", "七", "八", "九"]) for c in chars}
_CJK_UNITS = {"十": 10, "百": 100, "千": 1000}
_CJK_NUMERAL = re.compile(f"[{''.join(_CJK_DIGITS)}{''.join(_CJK_UNITS)}{''.join(_SCALE_SIGNS)}]+")


def cjk_numeral_value(numeral: str) -> int:
    """The value of a Chinese/Japanese numeral: "三十六" 36, "两千" 2000, "一百零五" 105, "二〇一六" 2016.

    Without unit characters the digits are read one by one, as years are written.
    """
    if not any(c in _CJK_UNITS or c in _SCALE_SIGNS for c in numeral):
        return int("".join(str(_CJK_DIGITS.get(c, 0)) for c in numeral))
    total = section = digit = 0
    for char in numeral:
        if char in _CJK_DIGITS:
            digit = _CJK_DIGITS[char]
        elif char in _CJK_UNITS:
            section += (digit or 1) * _CJK_UNITS[char]
            digit = 0
        else:  # a scale sign: 万 multiplies what came since the last 亿, 亿 everything before it
            scale = int(_SCALE_SIGNS[char])
            section += digit
            total = (total + section) * scale if scale >= 10**8 else total + section * scale
            section = digit = 0
    return total + section + digit


# --- dates -------------------------------------------------------------------

# Month and weekday names are CLDR's (Babel), in the language of the text: both as a date writes them and as
# they stand alone ("15 августа", "август"). Read per language on first use, so any language a model covers
# has its names, and a word is a month only where its language writes it: "marca" is March in Polish and a
# brand in Spanish, "Mars" a planet in English. News also writes the regional names CLDR keeps under these
# locales: Maghreb, Moroccan and Levantine Arabic months, the Austrian "Jänner".
_REGIONAL_CALENDARS = {"ar": ("ar_DZ", "ar_MA", "ar_LB", "ar_IQ"), "de": ("de_AT",)}
# Spellings CLDR does not give: without accents or hamza, the Egyptian months, "Sonnabend".
_SPELLING_VARIANTS = {
    "ar": {"اذار": "month:3", "ابريل": "month:4", "إبريل": "month:4", "افريل": "month:4", "ايار": "month:5",
           "يونيه": "month:6", "يوليه": "month:7", "اغسطس": "month:8", "اوت": "month:8", "ايلول": "month:9",
           "اكتوبر": "month:10", "تشرين الاول": "month:10", "كانون الاول": "month:12",
           "الإثنين": "weekday:1", "الاربعاء": "weekday:3", "الاحد": "weekday:7"},
    "de": {"marz": "month:3", "sonnabend": "weekday:6"},
    "es": {"miercoles": "weekday:3", "sabado": "weekday:6"},
    "fr": {"fevrier": "month:2", "aout": "month:8", "decembre": "month:12"},
}
# Where a text's language is not known: the languages of the default encoder (Chinese reads by pattern).
_CALENDAR_LANGUAGES = ("ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr")
# English and German news abbreviate months ("Oct. 31"): only capitalised, since "sept." is also French seven.
# In every language: tokenised text (Text+Berg) writes them in German and French alike.
_MONTH_ABBREVIATIONS = {"Jan.": 1, "Feb.": 2, "Apr.": 4, "Jun.": 6, "Jul.": 7, "Aug.": 8, "Sep.": 9, "Sept.": 9,
                        "Oct.": 10, "Okt.": 10, "Nov.": 11, "Dec.": 12, "Dez.": 12}
_ABBREVIATED_MONTHS = {
    # Tokenised text (Text+Berg) parts an abbreviation from its point too: "N° 293 ( Nov . 1956 )".
    form: f"month:{i}" for w, i in _MONTH_ABBREVIATIONS.items() for form in (w.lower(), w.lower().replace(".", " ."))
}


@cache
def _calendar_words(lang: str) -> dict[str, str]:
    """A language's month and weekday names, lowercased, with their keys (``month:8``, ``weekday:1``, Monday first).

    Names CLDR writes with digits or numerals ("8月", "8월", "星期一") are left to :data:`_CJK_MONTH` and
    :data:`_CJK_WEEKDAY`, and a language CLDR does not know has none.
    """
    from babel import UnknownLocaleError
    from babel.dates import get_day_names, get_month_names

    words: dict[str, str] = {}
    for locale in (lang, *_REGIONAL_CALENDARS.get(lang, ())):
        try:
            for context in ("format", "stand-alone"):
                months = get_month_names("wide", context=context, locale=locale).items()
                days = get_day_names("wide", context=context, locale=locale).items()
                words |= {name.lower(): f"month:{i}" for i, name in months}
                words |= {name.lower(): f"weekday:{i + 1}" for i, name in days}
        except (UnknownLocaleError, ValueError):
            continue
    words |= _SPELLING_VARIANTS.get(lang, {})
    return {word: key for word, key in words.items()
            if not (re.search(r"\d", word) or _CJK_MONTH.search(word) or _CJK_WEEKDAY.search(word))}


@dataclass(frozen=True)
class _Calendar:
    """The date words of one language (or of all, see _CALENDAR_LANGUAGES) and the regexes that find them."""

    words: dict[str, str]
    phrase: re.Pattern[str]
    hint: re.Pattern[str]


@cache
def _calendar(lang: str | None) -> _Calendar:
    """The date words of ``lang`` (None: of every language in _CALENDAR_LANGUAGES) and their regexes."""
    languages = _CALENDAR_LANGUAGES if lang is None else (lang,)
    words = {word: key for code in languages for word, key in _calendar_words(code).items()} | _ABBREVIATED_MONTHS
    pattern = _trie_pattern(words)
    # The case-insensitive trie is slow and most sentences name no date: a case-sensitive search
    # of the lowercased text rules them out far faster. Lowercasing maps each character as the
    # case-insensitive search compares it, except "İ" (to "i" plus U+0307), "ı" and "ſ"; those
    # and the CJK marks send the text to the full search.
    return _Calendar(words, re.compile(pattern, re.IGNORECASE), re.compile(pattern + "|[\u0307ıſ月월星周週]"))


# Chinese, Japanese and Korean write months with digits or fixed characters, Chinese its weekdays too.
_CJK_MONTH = re.compile(r"(\d{1,2}|[一二三四五六七八九十]{1,3})\s?[月월]")
_CJK_WEEKDAY = re.compile(r"(?:星期|周|週)([一二三四五六日天])")
_CJK_WEEKDAY_INDEX = {c: i for i, c in enumerate("一二三四五六", 1)} | {"日": 7, "天": 7}


def _trie_pattern(words: Iterable[str]) -> str:
    """A regex for any of ``words``, the longest where several match at one place, as a trie.

    re tries the branches of a plain alternation one after another at every
    position of the text: with the hundred-odd month and weekday names that made
    dates the slowest thing read from a sentence. Branching on one character at a
    time, a trie tests each character of the text once or twice instead.
    """
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def pattern(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        alternation = f"(?:{'|'.join(branches)})"
        return f"{alternation}?" if "" in node else alternation  # greedy: a longer word first

    return pattern(trie)


# German joins a weekday and a part of the day in one word: "Freitagabend", "Sonntagmorgens"; an "s"
# makes it "on Saturdays" ("samstags"), as in English and French ("Saturdays", "les samedis").
_DAY_PART = re.compile(r"(?:früh|morgen|vormittag|mittag|nachmittag|abend|nacht)?s?\b")
# A name that ends in one of these scripts needs no boundary: they write no spaces, or glue particles on.
_UNSPACED_CHAR = re.compile(f"[{_UNSPACED}]")


def find_dates(text: str, lang: str | None = None) -> list[Atom]:
    """Month and weekday names of the text's language (``lang``, None: any); the key is the month or weekday index.

    A day number or year next to the month is part of the span (so the analyst sees
    "أغسطس 2001", not two facts) and is compared as a number separately.
    """
    return list(_dates(text, base_language(lang) if lang else None))


@lru_cache(maxsize=1 << 14)
def _dates(text: str, lang: str | None) -> tuple[Atom, ...]:
    """Cached: a sentence's anchor keys, profile and atoms (:mod:`align.symbols`) each read its dates."""
    atoms = [Atom("date", *date.span(), date.group(), frozenset(f"month:{month}" for month in days.values()))
             for date, days in _digit_dates(text)]
    calendar = _calendar(lang)
    if not calendar.hint.search(text.lower()):
        return tuple(atoms)
    for match in calendar.phrase.finditer(text):
        start, end = match.span()
        word = match.group()
        key = calendar.words.get(word.lower())  # None for "MAİ": lowercasing adds a dot
        if key is None or not (_UNSPACED_CHAR.match(word[-1]) or _stands_alone(text, start, end, key)):
            continue
        if word.lower() in _ENGLISH_HOMONYMS and word.islower():
            continue
        if _TITLE_BEFORE.search(text, 0, start):
            continue
        if word.endswith(".") and not word[0].isupper():
            continue
        atom = _widen_date(text, start, end, key)
        if word.lower() in _DATED_ONLY and atom.text == word:
            continue
        atoms.append(atom)
    for match in _CJK_MONTH.finditer(text):
        atoms.append(_widen_date(text, *match.span(), f"month:{_month_number(match.group(1))}"))
    for match in _CJK_WEEKDAY.finditer(text):
        atoms.append(Atom("date", *match.span(), match.group(), frozenset({f"weekday:{_CJK_WEEKDAY_INDEX[match.group(1)]}"})))
    return tuple(atoms)


def _stands_alone(text: str, start: int, end: int, key: str) -> bool:
    """Whether a date word found in a spaced script is a word of its own: no letter before it but an
    Arabic clitic ("وأغسطس"), none after it but a German part of the day ("Freitagabend")."""
    prefix = text[max(0, start - 2):start]
    clitic_ok = not prefix or not prefix[-1].isalpha() or (
        prefix[-1] in _ARABIC_CLITICS and (len(prefix) < 2 or not prefix[-2].isalpha()))
    joined_day_part = key.startswith("weekday") and _DAY_PART.match(text, end)
    return clitic_ok and not (end < len(text) and text[end].isalpha() and not joined_day_part)


def _month_number(numeral: str) -> int:
    """The number before 月, in digits ("10") or in Chinese numerals ("十")."""
    digits = _digits(numeral)
    return int(digits) if digits.isdigit() else cjk_numeral_value(numeral)


# English writes its months capitalised: "may" and "march" in lower case are the verbs.
_ENGLISH_HOMONYMS = frozenset({"may", "march"})
# Month and weekday names that are also names or common words are dates only with a day or a year beside
# them: "جوان" (June in the Maghreb) is Joan or Juan, "ماي" (May) Theresa May, Moroccan "غشت" (August) "she
# cheated"; Turkish "ocak" is a hearth, "nisan" and "kasım" are names, "ekim" sowing, "aralık" an interval,
# "pazar" (Sunday) a market; Polish "maja" (of May) is Maja; Russian "среда" (Wednesday) an environment.
_DATED_ONLY = frozenset({"جوان", "ماي", "غشت", "ocak", "nisan", "ekim", "kasım", "aralık", "pazar", "maja", "среда"})

# A day of the month before it, not the end of a time or a number ("à 12h55 mardi", "27:37"); Spanish
# puts "de" between ("3 de octubre de 2018", "1.º de mayo").
_DAY_BEFORE = re.compile(r"(?<![\w:：.,])(?<!h\s)(?:[12]\d|3[01]|0?[1-9])(?:er|st|nd|rd|th|\.º?|º)?\s+(?:de\s+)?$")
_YEAR_AFTER = re.compile(r"^(?:,?\s+(?:de\s+|del\s+)?(?:\d{1,2},?\s+)?\d{4}|\s*\d{1,2}(?:st|nd|rd|th)?\b(?![.,]\d)(?:,?\s+\d{4})?)")


def _widen_date(text: str, start: int, end: int, key: str) -> Atom:
    day = _DAY_BEFORE.search(_digits(text[max(0, start - 12):start]))
    if day:
        start -= len(day.group())
    year = _YEAR_AFTER.match(_digits(text[end:end + 14]))
    if year:
        end += len(year.group())
    return Atom("date", start, end, text[start:end], frozenset({key}))


# --- names -------------------------------------------------------------------

_POSSESSIVE = re.compile(r"['’]s$")
_ELISION = re.compile(r"^(?:[lLdDjJnNsScCmMtT]|qu|Qu)['’]")
_LETTERS = re.compile(rf"[^\W\d_](?:[^\W\d_]|[{MARKS}])*")
_HYPHENATED_WORD = re.compile(rf"[^\W\d_][\w\-{MARKS}]*")
_PARTICLES = {"de", "del", "du", "des", "la", "le", "di", "da", "van", "von", "der", "den", "al", "el", "bin", "ben", "ibn", "abu", "bou", "y"}
# Titles before a name ("Mr. Hart", "Mme Dupont", "Sen. Flake") are no part of it: another language puts
# its own title there, after the name, or none ("哈特", "السيد هارت"), and "Mr" alone was reported as a
# name the other version lacks.
_TITLES = frozenset({
    "Mr", "Mrs", "Ms", "Mx", "Dr", "Prof", "Sen", "Rep", "Gov", "Gen", "Lt", "Col", "Capt", "Sgt", "Rev",
    "M", "MM", "Mme", "Mmes", "Mlle", "Me", "Pr", "Mgr", "Hr", "Frau", "Herr", "Sr", "Sra", "Srta", "Dra",
})
# After a title the word is a surname ("Mrs May", "Mme May"); so in Arabic, where "ماي" and "مايو" are also the month.
_TITLE_BEFORE = re.compile(rf"(?:\b(?:{'|'.join(sorted(_TITLES))}|Theresa|Teresa)\.?|السيدة|تيريزا)[\s\-]+$")
WORD = re.compile(rf"[^\W\d_][\w'’\-{MARKS}]*")  # a word of any script, with its apostrophes, hyphens and marks


def words(text: str, lang: str | None = None) -> list[str]:
    """The words of a text, in order.

    Chinese puts no spaces between words, so there :data:`WORD` would take a whole
    clause for one word; jieba's dictionary segmentation cuts it instead ("特朗普"
    Trump, "中国" China), which is what lets a name be looked up among the words
    of a Chinese sentence. Japanese is cut where the script changes (see _JAPANESE_WORD).
    """
    if lang == "zh":
        return [word for word in chinese_segmenter()(text) if WORD.fullmatch(word)]
    if lang == "ja":
        return _JAPANESE_WORD.findall(text)
    return WORD.findall(text)


# Japanese writes foreign names in katakana and its own in kanji, with no space before the hiragana particles
# and endings that follow: a run of one script is as near a word as a name needs ("ブリュッセルで" Brussels-in).
_JAPANESE_WORD = re.compile(rf"[{_KATAKANA}]+|[{HAN}々]+|[^\W\d_{KANA}{HAN}々](?:[^\W{KANA}{HAN}々]|['’\-{MARKS}])*")


@lru_cache(maxsize=1)
def chinese_segmenter() -> Callable[[str], list[str]]:
    """jieba's segmenter, loaded on first use: building its dictionary takes a second or so."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # it logs its dictionary loading to stderr otherwise
    return jieba.lcut


_SENTENCE_START = re.compile(r"(?:^|[.!?…:;\"«»“”(\n]\s*)$")
_TITLE_ABBREVIATION = re.compile(r"\b[A-Z][a-z]{0,2}\.\s*$")  # "M. Deramchi", "Dr. Li"


@lru_cache(maxsize=1 << 16)
def _is_latin(word: str) -> bool:
    """Cached: called on every word of every sentence, and the vocabulary repeats."""
    return word.isascii() or all("LATIN" in unicodedata.name(c, "") for c in word if c.isalpha())


def _opens_sentence(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens a sentence (and does not follow a title such as "M.").

    Both patterns end at ``start``, so they are searched from just before the last
    non-blank character: searching the whole text before every name was quadratic.
    """
    last = len(text[:start].rstrip())
    return bool(_SENTENCE_START.search(text, max(0, last - 1), start)
                and not _TITLE_ABBREVIATION.search(text, max(0, last - 4), start))


@lru_cache(maxsize=1 << 16)
def _name_part(token: str) -> tuple[str, int, bool]:
    """What of a word a name may hold, where that starts in the word, and whether it is Latin-script.

    Trailing apostrophes and hyphens go, and so does a French/Italian elided
    article: "l'Algérie" -> "Algérie". Cached: every word of every sentence is read.
    """
    word = token.rstrip("'’-")
    elision = _ELISION.match(word)
    offset = elision.end() if elision else 0
    word = word[offset:]
    return word, offset, bool(word) and _is_latin(word)


# Languages that capitalise every noun: there a single capitalised word may be any noun.
NOUNS_CAPITALISED = frozenset({"de", "lb"})


def is_telling_name(name: Atom, lang: str | None) -> bool:
    """Whether a name alone is worth reporting as missing from the other version.

    In German a single capitalised word is as likely "Meinung" (opinion) as
    "Merkel": on NTREX translations nine in ten such "names" the other side lacked
    were common nouns it had translated. Runs of capitalised words ("Christine
    Blasey Ford") stay names. (As anchors between sentences single words still
    count: there the other side must spell the same word.)
    """
    return lang not in NOUNS_CAPITALISED or len(WORD.findall(name.text)) > 1


def find_names(text: str, lang: str | None = None) -> list[Atom]:
    """Capitalised Latin-script words and runs of them ("Khaled El Mazen").

    A capitalised word opening a sentence is skipped unless it starts a longer run:
    there capitals say nothing. Scripts without capitals are matched *against*
    these names, not searched for names of their own. German capitalises every
    noun, so there a capitalised word after an article is a noun, not a name.
    """
    return list(_names(text, german=lang == "de"))


@lru_cache(maxsize=1 << 14)
def _names(text: str, *, german: bool) -> tuple[Atom, ...]:
    """Cached: a sentence's anchor keys and atoms (:mod:`align.symbols`) both read its names."""
    if not any(map(str.isupper, text)):  # no capital, no name (most Arabic and Chinese sentences)
        return ()
    runs: list[list[tuple[str, int]]] = []
    current: list[tuple[str, int]] = []
    for match in WORD.finditer(text):
        word, offset, latin = _name_part(match.group())
        start = match.start() + offset
        gap = text[current[-1][1] + len(current[-1][0]):start] if current else ""
        if current and (gap.strip() or "\n" in gap):
            runs.append(current)
            current = []
        # A German article, capitalised or not, ends a run and starts none: the noun after it is no name.
        if not latin or (german and word.lower() in _GERMAN_DETERMINERS):
            if current:
                runs.append(current)
                current = []
            continue
        capitalised = word[0].isupper() and not (german and not current and _after_german_article(text, start))
        if capitalised or (current and word.lower() in _PARTICLES):
            current.append((word, start))
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    atoms = []
    for run in runs:
        while run and run[-1][0].lower() in _PARTICLES and not run[-1][0][0].isupper():
            run = run[:-1]
        while len(run) > 1 and run[0][0].lower() in _PARTICLES:
            run = run[1:]
        while run and run[0][0] in _TITLES:
            run = run[1:]
        if not run:
            continue
        opens_sentence = _opens_sentence(text, run[0][1])
        if german and opens_sentence and len(run) > 1:  # "Nach Meinung": that capital is the sentence's
            run, opens_sentence = run[1:], False
        if not run or len(run) == 1 and (opens_sentence or _is_short_acronym(run[0][0])):
            continue
        first_start = run[0][1]
        end = run[-1][1] + len(run[-1][0])
        words = [part for w, _ in run if w.lower() not in _PARTICLES for part in _spellings(w)]
        keys = frozenset(key for w in words for key in skeletons(w) if len(key) >= 2)
        if keys:
            atoms.append(Atom("name", first_start, end, text[first_start:end], keys))
    return tuple(atoms)


def _spellings(word: str) -> set[str]:
    """What of a word of a name another language spells too.

    Not an English possessive ("Kavanaugh's" gave the skeleton "kfnjs", which missed
    "كافانو"); and each part of a hyphenated name as well, since another language
    may write it in two words ("Virginie-Occidentale", "فيرجينيا الغربية").
    """
    bare = _POSSESSIVE.sub("", word)
    return {bare, *bare.split("-")}


_GERMAN_DETERMINERS = {
    "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "eines",
    "kein", "keine", "keinen", "keinem", "keiner", "im", "am", "zum", "zur", "vom", "beim", "ins", "ans",
    "dieser", "diese", "dieses", "diesen", "diesem", "jeder", "jede", "jedes", "jeden", "jedem",
    "sein", "seine", "seinen", "seinem", "seiner", "ihr", "ihre", "ihren", "ihrem", "ihrer",
    "sie",  # not an article, but the polite "Sie" is followed by nouns as objects ("Wenn Sie Probleme haben")
}
_ADJECTIVE_ENDING = re.compile(r"(?:e|en|er|es|em)$")


def _after_german_article(text: str, start: int) -> bool:
    """Whether the word at ``start`` follows an article, directly or after an adjective ("der neuen").

    The article may be capitalised, opening a sentence or a quote ("„Die Erhöhung der
    Stempelgebühr", a noun, had been the name "Die Erhöhung"). "von der Leyen" keeps its
    name: an article after "von"/"van" belongs to the name.
    """
    before = _LETTERS.findall(text[max(0, start - 60):start])[-3:]
    if not before:
        return False
    if before[-1].lower() in _GERMAN_DETERMINERS:
        return len(before) < 2 or before[-2].lower() not in {"von", "van"}
    return (before[-1].islower() and bool(_ADJECTIVE_ENDING.search(before[-1])) and len(before) > 1
            and before[-2].lower() in _GERMAN_DETERMINERS)


_SKELETON_RULES = [("sch", "sh"), ("tch", "sh"), ("ch", "sh"), ("ph", "f"), ("ck", "k"), ("ou", "w"),
                   ("p", "b"), ("v", "f"), ("q", "k"), ("c", "k"), ("x", "ks"), ("gh", "g"), ("dj", "j"), ("g", "j"),
                   ("kh", "k"), ("th", "t"), ("dh", "d"), ("z", "s")]


_NON_LATIN_LOWER = re.compile(r"[^a-z]")
_VOWELS = re.compile(r"[aeiouyw]")
_DOUBLED = re.compile(r"(.)\1+")
_LATIN_ARTICLE = re.compile(r"^(?:[Ee]l|[Aa]l)[-‐]")
_ARABIC_ARTICLE = re.compile(r"^[وف]?(?:[بلك]?ال|لل)")
_ARABIC_PREFIX = re.compile(rf"^[{_ARABIC_CLITICS}](?=\w{{3}})")


@lru_cache(maxsize=1 << 16)
def skeletons(word: str) -> tuple[str, ...]:
    """Romanized consonant skeletons of a word: vowels and doubled letters gone, near-sounds merged.

    Arabic spells most vowels not at all and French spells "sh" as "ch"; what is left
    after this is close across scripts ("Deramchi" and "الدرامشي" both give "drmsh").
    An Arabic word has one skeleton per reading of its first letter (see
    ``_readings``). Cached: every word of every bead's context is looked up, and news
    vocabulary repeats.
    """
    return tuple(dict.fromkeys(_skeleton(reading) for reading in _readings(word)))


@lru_cache(maxsize=1 << 16)
def _skeleton(reading: str) -> str:
    """The skeleton of one reading of a word (:func:`skeletons`).

    Cached as well: an Arabic word is also read without its prefix ("وليبيا" as
    "ليبيا"), and that is mostly a word of its own.
    """
    roman = _NON_LATIN_LOWER.sub("", anyascii(reading).lower())
    for old, new in _SKELETON_RULES:
        roman = roman.replace(old, new)
    # itemgetter(1) rather than the template r"\1": re expands a template in Python at every call.
    return _DOUBLED.sub(itemgetter(1), _VOWELS.sub("", roman))


def _readings(word: str) -> tuple[str, ...]:
    """The word without its article: "بالجزائر" -> "جزائر", "الدرامشي" -> "درامشي", "El-Mazen" -> "Mazen".

    A lone leading و ف ب ل ك is a prefix in "وليبيا" but the name's own letter in
    "بومبيو" (Pompeo) or "كافانو" (Kavanaugh): both readings are kept.
    """
    word = _LATIN_ARTICLE.sub("", word)
    if not (word and "ARABIC" in unicodedata.name(word[0], "")):
        return (word,)
    without_article = _ARABIC_ARTICLE.sub("", word)
    if without_article != word:
        return (without_article,)
    return (_ARABIC_PREFIX.sub("", word), word)


def _lowercase_words(text: str) -> list[str]:
    """Letter runs, lowercased and without marks: what number words are looked up as.

    Arabic writes its short vowels and tanwin now and then: "ثلاثةَ" is "ثلاثة".
    """
    return [w.lower() for w in _LETTERS.findall(_MARK.sub("", text))]


def word_skeletons(text: str, *, every_reading: bool = True, lang: str | None = None) -> frozenset[str]:
    """Skeletons of every word of a text and of every two words run together, to look names up in any script.

    Pairs because a transliteration may split a name in two ("Pyongyang" ->
    "بيونغ يانج"). Without ``every_reading``, only each word's first reading
    (without prefix) and no pairs: for anchors between sentences, where every extra
    key is a chance of a false match (planted NTREX omissions: ar-en sentence recall
    .74 -> .71 with them). Chinese is cut into
    :func:`words` first: "科斯提·杨" gives "ks", "t", "yng", and so "kst" ~ "Kirsty".
    """
    keys = [skeletons(w) for w in (words(text, lang) if lang == "zh" else _HYPHENATED_WORD.findall(text))]
    if not every_reading:
        return frozenset(k[0] for k in keys if k[0])
    joined = [_run_together(a[-1], b[-1]) for a, b in itertools.pairwise(keys)]
    return frozenset(key for key in itertools.chain(*keys, joined) if key)


def _run_together(left: str, right: str) -> str:
    """Two skeletons as one word's: a letter doubled across the join is written once."""
    return left + right[1:] if left and right and left[-1] == right[0] else left + right


def name_found(name: Atom, spelled: frozenset[str], threshold: float = 80.0) -> bool:
    """Whether any word of a name is spelled, in any script, among the other side's word skeletons ``spelled``.

    Short skeletons ("Li" -> "l") must match exactly; longer ones fuzzily, since
    transliterations disagree on a letter or two ("Tripoli" ~ "طرابلس").
    """
    for key in name.keys:
        if key in spelled:
            return True
        if len(key) >= 3 and process.extractOne(key, _long(spelled), scorer=fuzz.ratio, score_cutoff=threshold):
            return True
    return False


@lru_cache(maxsize=1 << 12)
def _long(spelled: frozenset[str]) -> tuple[str, ...]:
    """The skeletons long enough to match fuzzily (cached: a profile is searched for every name near it)."""
    return tuple(s for s in spelled if len(s) >= 3)


def find_atoms(text: str, lang: str | None = None) -> list[Atom]:
    """Every number, date and name of a text; numbers inside a date are left to the date."""
    dates = find_dates(text, lang)
    numbers = [n for n in find_numbers(text) if not _inside_any(n, dates)]
    names = [n for n in find_names(text, lang) if not any(d.start < n.end and n.start < d.end for d in dates)]
    return sorted(dates + numbers + names, key=lambda a: (a.start, a.end))


def _inside_any(atom: Atom, others: list[Atom]) -> bool:
    return any(o.start <= atom.start and atom.end <= o.end for o in others)


def number_keys(text: str) -> frozenset[str]:
    """Every value a text states, in digits (dates' days and years included) or in words."""
    return frozenset().union(*(n.keys for n in find_numbers(text))) | number_word_values(text)


@dataclass(frozen=True)
class Profile:
    """What a stretch of the other version states, in comparable form."""

    numbers: frozenset[str]
    dates: frozenset[str]
    skeletons: frozenset[str]
    measures: frozenset[Measure] = frozenset()


# A Latin-script name in brackets right after a version's own spelling of it: "赛波夫(Sayfullo Saipov)".
_GLOSS = re.compile(r"[（(]\s*([A-Z][A-Za-z'’\-]*(?:\s+[A-Z][A-Za-z'’\-]*){0,3})\s*[)）]")
_NAME_DOT = re.compile("[·・•]")
_GLOSS_REACH = 60  # characters before the bracket where its words are looked for


def glossed_names(text: str, lang: str | None = None) -> dict[str, frozenset[str]]:
    """The names a document spells in Latin script once, after its own spelling of them.

    Chinese, Japanese and Arabic news give the original once ("赛波夫(Sayfullo
    Saipov)") and later only their own spelling, which no romanization brings
    back to "Saipov". Maps each word before the bracket (as many as the name has)
    to the name's skeletons, so that a later "赛波夫" states "Saipov".
    """
    glosses: dict[str, frozenset[str]] = {}
    for match in _GLOSS.finditer(text):
        name = match.group(1)
        size = len(name.split())
        tail = text[max(0, match.start() - _GLOSS_REACH):match.start()]
        if lang == "zh":  # the parts of a foreign name are joined by a middle dot: "唐纳德·特朗普"
            before = [word for part in _NAME_DOT.split(tail)[-size:] for word in words(part, lang)[-1:]]
        else:
            before = words(tail, lang)[-size:]
        for word in before:
            if len(word) > 1 and not _is_latin(word):  # the document's own spelling, in another script
                glosses[word] = glosses.get(word, frozenset()) | word_skeletons(name)
    return glosses


def with_glosses(sentence_profile: Profile, text: str, glosses: dict[str, frozenset[str]]) -> Profile:
    """A sentence's profile that also states the glossed names it spells in its own script."""
    named = [keys for word, keys in glosses.items() if word in text]
    if not named:
        return sentence_profile
    return replace(sentence_profile, skeletons=sentence_profile.skeletons.union(*named))


def profile(text: str, lang: str | None = None) -> Profile:
    """Summarise a text (in ``lang``) so that atoms of the other version can be looked up in it."""
    return Profile(
        numbers=number_keys(text),
        dates=frozenset().union(*(d.keys for d in find_dates(text, lang))),
        skeletons=word_skeletons(text, lang=lang),
        measures=frozenset().union(*(n.measures for n in find_numbers(text))),
    )


def combine(profiles: Sequence[Profile]) -> Profile:
    """The profile of consecutive stretches together: profiles are computed once a sentence and pooled."""
    return Profile(
        numbers=frozenset().union(*(p.numbers for p in profiles)),
        dates=frozenset().union(*(p.dates for p in profiles)),
        skeletons=frozenset().union(*(p.skeletons for p in profiles)),
        measures=frozenset().union(*(p.measures for p in profiles)),
    )


def is_covered(atom: Atom, other: Profile) -> bool:
    """Whether the other version states this atom too.

    A date is covered when its month or weekday is there and so is every number in
    its span ("août 2001" is not covered by "أغسطس 2002").
    """
    if atom.kind == "number":
        return bool(atom.keys & other.numbers) or any(_same_measure(m, o) for m in atom.measures for o in other.measures)
    if atom.kind == "date":
        numbers = find_numbers(atom.text)
        return bool(atom.keys & other.dates) and all(n.keys & other.numbers for n in numbers)
    return name_found(atom, other.skeletons)


def _is_short_acronym(word: str) -> bool:
    """"SG", "UE", "AIE": acronyms this short differ between languages and say little alone."""
    return len(word) <= 3 and word.isupper()
