"""Bytes to text in whatever charset a mail declares, or mis-declares, or forgets to declare.

The rules, in order (`decode`):

1. A 7-bit charset (ISO-2022-JP, UTF-7, HZ; and UTF-16/32) is decoded by its label: its
   text may be all ASCII bytes, so "it is ASCII" proves nothing. Unlabelled ASCII with
   ISO-2022 escape sequences is ISO-2022-JP (read leniently when an escape is broken).
2. Bytes that are valid UTF-8 (and not all ASCII) are UTF-8 when they have no label, or
   when their UTF-8 reading is clean (see "doubted"): other charsets practically never
   form valid UTF-8 sequences by chance.
3. A declared charset is trusted when the bytes decode under it (or under what mailers
   mean by it: GB2312 -> GB18030, Big5 -> CP950, Shift_JIS -> CP932, ISO-8859-1 and
   US-ASCII -> Windows-1252, ...) and the label is not *doubted*. A label is doubted when
   its reading has control, unassigned or private-use characters, a symbol glued to or
   inside a word, or a capital letter after a small one inside a word. A Latin label
   (US-ASCII, ISO-8859-1, Windows-1252, ISO-8859-15) decodes any bytes at all, so it is
   also doubted when the bytes hold C1 control codes (0x81, 0x8D, 0x8F, 0x90, 0x9D:
   undefined in Windows-1252, never in real text) or when most of its 8-bit bytes stand
   in runs of three or more: Latin-script languages put at most two accented letters
   side by side, while Cyrillic, Greek, Hebrew, Arabic and CJK text in an 8-bit charset is
   made of such runs (at least two runs and eight bytes: "ÄÖÜ" alone is no evidence; one
   run of four bytes is enough when the label is only borrowed from the body for a raw
   header). A doubted label is kept unless another reading scores better (the label's
   own reading has a head start).
4. A label that the message's own text showed to be wrong (its body said ISO-8859-1 but
   read as Windows-1250) means the corrected charset everywhere else in that message.
5. Without a usable label, the charset the message's text part really used is tried like
   a label; then the candidates are scored: the charset detected over all of the
   message's 8-bit text taken together (charset-normalizer, the fallback), then a fixed
   list of the legacy charsets mail is written in. The score, per 8-bit byte, rewards
   letters frequent in one language and punishes letters foreign to it and the marks of
   a wrong reading (controls, mixed scripts or case inside a word, glued symbols, endless
   words, kana read from a Chinese charset); a small prior for the common charsets, which
   fades as the evidence grows, settles a sample of a few bytes.
"""

import codecs
import logging
import re
import unicodedata
from collections import Counter
from functools import lru_cache

from charset_normalizer import from_bytes
from charset_normalizer.constant import FREQUENCIES

log = logging.getLogger(__name__)

DETECT_LIMIT = 64_000  # bytes handed to charset-normalizer
SCORE_LIMIT = 1_500  # bytes of a sample scored per candidate charset
CHECK_LIMIT = 4_000  # characters of a decoded text checked for the marks of a wrong reading

# Labels seen in real mail that Python does not know, or knows as a narrower charset.
_ALIASES = {
    "x-mac-cyrillic": "mac-cyrillic",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "cp50220": "iso2022_jp_ext",
    "cp50221": "iso2022_jp_ext",
    "x-euc-jp": "euc_jp",
    "iso-8859-8-i": "iso8859_8",
    "x-gbk": "gbk",
    "cn-big5": "big5",
    "x-x-big5": "big5",
    "windows-874": "cp874",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "x-unicode-2-0-utf-7": "utf-7",
}
# Labels that say nothing.
_NO_LABEL = {"", "unknown-8bit", "x-unknown", "unknown", "default", "x-user-defined", "8bit", "binary"}


def _name(codec: str) -> str:
    return codecs.lookup(codec).name


# What real mailers mean by a label: the Windows or extended superset they actually write.
_SUPERSETS = {
    _name(label): tuple(_name(c) for c in supersets)
    for label, supersets in {
        "ascii": ("cp1252", "latin-1"),
        "latin-1": ("cp1252", "latin-1"),
        "cp1252": ("latin-1",),
        "gb2312": ("gb18030",),
        "gbk": ("gb18030",),
        "big5": ("cp950", "big5hkscs"),
        "cp950": ("big5hkscs",),
        "shift_jis": ("cp932", "shift_jis_2004"),
        "cp932": ("shift_jis_2004",),
        "euc_jp": ("euc_jis_2004",),
        "euc_kr": ("cp949",),
        "iso2022_jp": ("iso2022_jp_2", "iso2022_jp_ext", "iso2022_jp_2004"),
        "iso2022_jp_2": ("iso2022_jp_2004",),
        "tis-620": ("cp874",),
        "iso8859-11": ("cp874",),
        "iso8859-9": ("cp1254",),
        "koi8-r": ("koi8-u",),
    }.items()
}
_SEVEN_BIT = {_name(c) for c in ("iso2022_jp", "iso2022_jp_1", "iso2022_jp_2", "iso2022_jp_2004", "iso2022_jp_3")}
_SEVEN_BIT |= {_name(c) for c in ("iso2022_jp_ext", "iso2022_kr", "utf-7", "hz")}
# Decoded by their label first too: their text may be all ASCII bytes (and NULs).
_SEVEN_BIT |= {_name(c) for c in ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be")}
_LATIN = {_name(c) for c in ("ascii", "latin-1", "cp1252", "iso8859-15")}
_READ_AS_1252 = {_name(c) for c in ("ascii", "latin-1")}
_ISO2022_JP = tuple(_name(c) for c in ("iso2022_jp", "iso2022_jp_2", "iso2022_jp_ext", "iso2022_jp_2004"))
# The legacy charsets tried, in this order, when nothing better is known.
_CANDIDATES = tuple(
    _name(c)
    for c in (
        "cp1252", "iso8859-15", "cp1250", "iso8859-2", "cp1251", "koi8-r", "koi8-u", "iso8859-5", "cp866",
        "mac-cyrillic", "cp1253", "cp1254", "cp1257", "cp1255", "cp1256", "cp874",
        "cp932", "euc_jp", "gb18030", "cp950", "big5hkscs", "cp949",
    )
)  # fmt: skip
_CHINESE = {_name(c) for c in ("gb2312", "gbk", "gb18030", "big5", "cp950", "big5hkscs", "hz")}
_KANA = re.compile("[\u3041-\u3096\u30a1-\u30fa]")
# How common each charset is in mail, as a small head start when the evidence is thin.
_PRIOR = {
    _name(c): prior
    for c, prior in {
        "cp1252": 0.45, "iso8859-15": 0.4, "cp1251": 0.2, "koi8-r": 0.15, "cp1250": 0.15, "iso8859-2": 0.15,
        "cp932": 0.15, "euc_jp": 0.15, "gb18030": 0.15, "cp950": 0.15, "cp949": 0.15, "koi8-u": 0.1,
    }.items()
}  # fmt: skip
# Windows-1252 leaves these undefined: in a Latin-labelled text they are C1 control codes.
_C1_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")


def codec_for(label: str | None) -> str | None:
    """Python's codec name for a MIME charset label, or None when the label says nothing usable."""
    if not label:
        return None
    label = label.strip().strip("\"'").strip().rstrip(";,").lower()
    if label in _NO_LABEL or len(label) > 40:
        return None
    try:
        return _name(_ALIASES.get(label, label))
    except LookupError:
        return None


def same_charset(label: str, codec: str) -> bool:
    """Whether decoding with `codec` kept to `label` (the label itself or its usual superset)."""
    return codec == label or codec in _SUPERSETS.get(label, ())


class Context:
    """What the whole message tells about charsets: its text part's charset and all its 8-bit bytes."""

    def __init__(self, samples=(), hint: str | None = None):
        self.samples: list[bytes] = [s[:DETECT_LIMIT] for s in samples if s and not s.isascii()]
        self.hint = hint
        self.corrections: dict[str, str] = {}  # label -> the charset this message really means by it
        self._guess: str | None | bool = False

    def add(self, data: bytes) -> None:
        if data and not data.isascii():
            self.samples.append(data[:DETECT_LIMIT])
            self._guess = False

    @property
    def guess(self) -> str | None:
        """The charset detected over all the message's 8-bit text taken together (computed once)."""
        if self._guess is False:
            joined = b"\n".join(self.samples)[:DETECT_LIMIT]
            self._guess = detect(joined) if joined else None
        return self._guess


def detect(data: bytes) -> str | None:
    if data.isascii():
        return None
    best = from_bytes(data[:DETECT_LIMIT]).best()
    if best is None:
        return None
    try:
        return _name(best.encoding)
    except LookupError:
        return None


def decode_bytes(data: bytes, charset: str | None, *, header: bool = False, context: Context | None = None) -> str:
    """Text of `data` labelled `charset` (kept for callers of the first version; `header` is unused)."""
    return decode(data, charset, context)[0]


def decode(data: bytes, label: str | None, context: Context | None = None) -> tuple[str, str | None]:
    """(text, codec used): see the rules in the module's docstring. Never raises."""
    try:
        return _decode(data, label, context)
    except Exception:  # a bug here must not cost a mail: read it as UTF-8 with marks
        log.exception("charset decoding failed; reading as UTF-8")
        return data.decode("utf-8", errors="replace"), "utf-8"


def _decode(data: bytes, label: str | None, context: Context | None) -> tuple[str, str | None]:
    codec = codec_for(label)
    if not data:
        return "", codec
    if codec in _SEVEN_BIT:
        for candidate in (codec, *_SUPERSETS.get(codec, ())):
            text = _strict(data, candidate)
            if text is not None:
                return text, candidate
    if data.isascii():
        if b"\x1b$" in data or b"\x1b(" in data:
            for candidate in _ISO2022_JP:
                text = _strict(data, candidate)
                if text is not None:
                    return text, candidate
            return _iso2022_lenient(data), _ISO2022_JP[0]
        return data.decode("ascii"), codec or "ascii"
    if _is_utf8_text(data):
        text = data.decode("utf-8")
        if codec in (None, "utf-8") or not _marks(text[:CHECK_LIMIT])[0]:
            return text, "utf-8"
    borrowed = codec is None and context is not None and bool(context.hint)
    if borrowed:  # no label of its own: the charset the message's text uses, on weaker trust
        codec = codec_for(context.hint)
    corrected = context.corrections.get(codec) if context is not None and codec else None
    if corrected:  # this message's text showed that its sender means `corrected` by this label
        text = _strict(data, corrected)
        if text is not None and not _doubtful(data, corrected, text):
            return text, corrected
    if codec is not None and codec not in _SEVEN_BIT:
        readings = (codec, *_SUPERSETS.get(codec, ()))
        if codec in _READ_AS_1252:  # WHATWG: these labels mean Windows-1252 (ISO-8859-1 only where it is undefined)
            readings = ("cp1252", codec, "iso8859-1")
        for candidate in readings:
            text = _strict(data, candidate)
            if text is not None:
                if not _doubtful(data, codec, text, borrowed=borrowed):
                    return text, candidate
                return _best(data, context, labelled=(candidate, text))
        if codec == "utf-8" and _mostly_utf8(data):
            return data.decode("utf-8", errors="replace"), "utf-8"
    return _best(data, context)


_ESCAPE = re.compile(rb"(\x1b\$[@B]|\x1b\$\([@BDQ]|\x1b\([BJI])")


def _iso2022_lenient(data: bytes) -> str:
    """ISO-2022-JP with a broken or missing escape: each run is decoded as far as it goes, the rest as ASCII."""
    out = []
    mode = b"\x1b(B"
    for piece in _ESCAPE.split(data):
        if _ESCAPE.fullmatch(piece):
            mode = piece
            continue
        if mode.startswith(b"\x1b("):
            out.append((mode + piece).decode("iso2022_jp_ext", errors="replace"))
            continue
        good = len(piece) - len(piece) % 2
        while good:
            try:
                out.append((mode + piece[:good] + b"\x1b(B").decode("iso2022_jp_2004"))
                break
            except UnicodeDecodeError as exc:
                good = min(good - 2, max(0, exc.start - len(mode)) // 2 * 2)
        out.append(piece[good:].decode("ascii", errors="replace"))
    return "".join(out)


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _is_utf8_text(data: bytes) -> bool:
    """Valid UTF-8 (the caller knows the bytes are not all ASCII, so some sequence is multibyte)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few broken bytes (a cut character): better read as UTF-8 with a mark than guessed."""
    text = data[:CHECK_LIMIT].decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    return sum(1 for ch in text if ord(ch) > 127) >= 5 * broken


_HIGH_RUN = re.compile(rb"[\x80-\xff]+")


def _latin_implausible(data: bytes, *, borrowed: bool = False) -> bool:
    if _C1_UNDEFINED.search(data, 0, CHECK_LIMIT):
        return True
    high = in_runs = runs = 0
    for match in _HIGH_RUN.finditer(data[:CHECK_LIMIT]):
        length = match.end() - match.start()
        high += length
        if length >= 3:
            in_runs += length
            runs += 1
    if borrowed:  # a label borrowed from the body is weaker evidence than the text's own
        return in_runs >= 4 and 2 * in_runs > high
    return runs >= 2 and in_runs >= 8 and 2 * in_runs > high


def _doubtful(data: bytes, codec: str, text: str, *, borrowed: bool = False) -> bool:
    if codec in _LATIN and _latin_implausible(data, borrowed=borrowed):
        return True
    return _marks(text[:CHECK_LIMIT])[0] > 0


# --- scoring ---------------------------------------------------------------------------------


# The rest of each alphabet, for the letters outside charset-normalizer's top-26 lists.
_ALPHABETS = {
    "Polish": "ąćęłńóśźż",
    "Czech": "áčďéěíňóřšťúůýž",
    "Slovak": "áäčďéíĺľňóôŕšťúýž",
    "Hungarian": "áéíóöőúüű",
    "German": "äöüß",
    "French": "àâæçéèêëîïôœùûüÿ",
    "Spanish": "áéíñóúü",
    "Portuguese": "áâãàçéêíóôõú",
    "Italian": "àèéìíîòóù",
    "Romanian": "ăâîșțşţ",
    "Turkish": "çğıöşü",
    "Croatian": "čćđšž",
    "Slovene": "čšž",
    "Lithuanian": "ąčęėįšųūž",
    "Latvian": "āčēģīķļņšūž",
    "Estonian": "äõöüšž",
    "Icelandic": "áðéíóúýþæö",
    "Danish": "æøå",
    "Norwegian": "æøå",
    "Swedish": "åäö",
    "Finnish": "äöå",
    "Russian": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "Ukrainian": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
    "Bulgarian": "абвгдежзийклмнопрстуфхцчшщъьюя",
    "Serbian": "абвгдђежзијклљмнњопрстћуфхцчџш",
    "Belarusian": "абвгдеёжзійклмнопрстуўфхцчшыьэюя",
    "Greek": "αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώϊϋΐΰ",
    "Dutch": "éëïóöü",
    "Catalan": "àçèéíïòóúü",
    "Hebrew": "".join(map(chr, range(0x05D0, 0x05EB))),
    "Arabic": "".join(map(chr, range(0x0621, 0x064B))),
    "Thai": "".join(map(chr, range(0x0E01, 0x0E3B))) + "".join(map(chr, range(0x0E40, 0x0E4F))),
}


def _frequency_tables() -> dict[str, dict[str, float]]:
    tables: dict[str, dict[str, float]] = {}
    for language, letters in FREQUENCIES.items():
        table = tables.setdefault(language.rstrip("—"), {})
        for rank, letter in enumerate(letters):
            table[letter] = max(table.get(letter, 0.0), 1.0 - rank / len(letters))
    for language, letters in _ALPHABETS.items():
        table = tables.setdefault(language, {})
        for letter in letters:
            table.setdefault(letter, 0.1)
    return tables


_TABLES = {
    language: {letter: weight for letter, weight in table.items() if ord(letter) > 127}
    for language, table in _frequency_tables().items()
}
_TABLES = {language: table for language, table in _TABLES.items() if table}

_SPACED = {"LATIN", "CYRILLIC", "GREEK", "ARABIC", "HEBREW", "ARMENIAN", "GEORGIAN"}
_EAST_ASIAN = {"HAN", "KANA", "HANGUL"}
_LONGEST_WORD = 30
_INSIDE_WORDS = set("\u00ad\u00b7\u2019\u2018\u02bc\u0387\u2027\u200b\u200c\u200d")
_BAD_CONTROL = {"Cc", "Cn", "Co", "Cs"}
_GLUE_OK = set("°©®™€£№§")  # symbols real text writes next to letters (20°C, ©Acme, №5)


@lru_cache(maxsize=8192)
def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    first = name.split(" ", 1)[0]
    if first == "CJK":
        return "HAN"
    if first.startswith(("HIRAGANA", "KATAKANA")) or name.startswith("HALFWIDTH KATAKANA"):
        return "KANA"
    if first in ("FULLWIDTH", "HALFWIDTH"):
        return "LATIN" if "LATIN" in name else "HAN"
    if first == "COMBINING":
        return ""
    return first


def _scripts_clash(a: str, b: str) -> bool:
    if a == b or not a or not b:
        return False
    if a in _EAST_ASIAN and b in _EAST_ASIAN:
        return "HANGUL" in (a, b)
    return not (a == "LATIN" and b in _EAST_ASIAN or b == "LATIN" and a in _EAST_ASIAN)


def _is_rare_char(ch: str) -> bool:
    code = ord(ch)
    return (
        0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF or code >= 0x20000 or 0xFF61 <= code <= 0xFF9F
        or code == 0xA4
    )  # fmt: skip


class _Word:
    __slots__ = ("script", "length", "upper", "lower", "first_upper", "nonascii", "last_lower")

    def __init__(self):
        self.script, self.length, self.upper, self.lower = "", 0, 0, 0
        self.first_upper = self.nonascii = self.last_lower = False

    def odd_case(self) -> bool:
        """Neither lower, UPPER nor Capitalized: the mark of a reading with the wrong case halves."""
        if not self.nonascii or not self.upper or not self.lower:
            return False
        return not (self.first_upper and self.upper == 1)


def _marks(text: str) -> tuple[float, int, Counter]:
    """(marks of a wrong reading, non-ASCII characters, its non-ASCII letters) for `text`."""
    marks = 0.0
    nonascii = 0
    letters: Counter = Counter()
    word = _Word()
    length = len(text)
    for index, ch in enumerate(text):
        code = ord(ch)
        if code < 128:
            if not ch.isalpha():
                marks += word.odd_case()
                word = _Word()
                if code < 32 and ch not in "\t\n\r\f\v":
                    marks += 2
                continue
            script, cased = "LATIN", ch
        else:
            nonascii += 1
            category = unicodedata.category(ch)
            if category in _BAD_CONTROL or ch == "\ufffd":
                marks += 2
                marks += word.odd_case()
                word = _Word()
                continue
            if ch in _INSIDE_WORDS or category == "Cf":
                continue
            if (code >= 0x3400 or code == 0xA4) and _is_rare_char(ch):
                marks += 1
            glued = word.length or index + 1 < length and text[index + 1].isalpha()
            if glued and category in ("So", "Sc", "Sm") and ch not in _GLUE_OK:
                marks += 1  # a drawing or other symbol glued to a word
            if category[0] not in "LM":
                if (
                    category[0] in "SNP"
                    and word.script
                    and word.script not in _EAST_ASIAN
                    and index + 1 < length
                    and text[index + 1].isalpha()
                ):
                    marks += 1  # a symbol or punctuation inside a word
                marks += word.odd_case()
                word = _Word()
                continue
            script, cased = _script(ch), ch
            word.nonascii = True
            letters[ch.lower()] += 1
        if word.length and _scripts_clash(word.script, script):
            marks += 1
        if script:
            word.script = script
        if cased.isupper():
            if word.last_lower and word.nonascii:
                marks += 1  # a capital after a small letter
            word.upper += 1
            word.first_upper = word.first_upper or word.length == 0
        elif cased.islower():
            word.lower += 1
        word.last_lower = cased.islower()
        word.length += 1
        if word.length > _LONGEST_WORD and script in _SPACED:
            marks += 0.5
    marks += word.odd_case()
    return marks, nonascii, letters


def score(text: str, evidence: int = 0) -> float:
    """How much `text` reads like a human language, per byte of `evidence` (its 8-bit bytes); higher is better."""
    marks, nonascii, letters = _marks(text)
    return (_coherence(letters) - 2 * marks) / max(evidence or nonascii, 1)


_ALPHABETIC = {"LATIN", "CYRILLIC", "GREEK", "HEBREW", "ARABIC", "THAI"}


def _coherence(letters: Counter) -> float:
    """Points of the language that best explains the letters: frequent letters score, foreign ones cost."""
    foreign = {letter: count for letter, count in letters.items() if _script(letter[:1]) in _ALPHABETIC}
    best = 0.0
    for table in _TABLES.values():
        points = 0.0
        for letter, count in letters.items():
            weight = table.get(letter)
            if weight is not None:
                points += weight * count
            elif letter in foreign:
                points -= count
        best = max(best, points)
    return best


def _best(data: bytes, context: Context | None, labelled: tuple[str, str] | None = None) -> tuple[str, str | None]:
    """The best-scoring reading among the label's (if any), the message's, the detected and the usual charsets."""
    sample = _sample(data)
    order: list[str] = []
    if labelled:
        order.append(labelled[0])
    if context is not None:
        order += [c for c in (codec_for(context.hint), context.guess) if c]
    elif len(data) > 64:
        order += [c for c in (detect(data),) if c]
    order += _CANDIDATES
    scored: list[tuple[float, int, str]] = []
    seen = set()
    runs = [m.end() - m.start() for m in _HIGH_RUN.finditer(sample)]
    high = sum(runs)
    thin = 4 / max(high, 4)  # the prior counts fully for a few bytes, less and less with more evidence
    paired = len(runs) >= 3 and all(length % 2 == 0 for length in runs)
    for rank, codec in enumerate(order):
        if codec in seen or codec in _SEVEN_BIT:
            continue
        seen.add(codec)
        text = _strict(sample, codec)
        if text is None:
            continue
        value = score(text, high) + _PRIOR.get(codec, 0.0) * thin - rank * 0.001
        value += 0.15 if rank == 0 and labelled else 0.0
        if codec in _CHINESE:
            value -= 2 * len(_KANA.findall(text)) / max(high, 1)  # Chinese charsets have kana; Chinese text does not
        if paired and len(text) == len(sample):
            value -= 0.5  # every 8-bit run has an even length: the text is in a double-byte charset
        scored.append((value, -rank, codec))
    scored.sort(reverse=True)
    for _, _, codec in scored:  # the best reading of the sample that also reads the whole text
        text = _strict(data, codec)
        if text is not None:
            return text, codec
    if scored:
        return data.decode(scored[0][2], errors="replace"), scored[0][2]
    return data.decode("cp1252", errors="replace").replace("\ufffd", "?"), "cp1252"


def _sample(data: bytes) -> bytes:
    """At most SCORE_LIMIT bytes from the first 8-bit text, cut at spaces or line ends.

    No multibyte charset uses a space or a line end inside a character, so every reading of
    the sample is a reading of whole characters.
    """
    if len(data) <= SCORE_LIMIT:
        return data
    start = _HIGH_RUN.search(data).start()
    start = max(data.rfind(b"\n", 0, start), data.rfind(b" ", 0, start)) + 1
    cut = data[start : start + SCORE_LIMIT]
    end = max(cut.rfind(b"\n"), cut.rfind(b" "))
    return cut[:end] if end > 0 else cut


# --- RFC 2047 --------------------------------------------------------------------------------

_LINE_BREAKS = re.compile(r"[ \t]*[\r\n\u2028\u2029\u0085\x0b\x0c]+[ \t]*")
_ENCODED_WORD = re.compile(r"=\?([^?\s]{1,60})\?([QqBb])\?([^?]*?)\?=")


def _word_bytes(kind: str, text: str) -> bytes | None:
    try:
        if kind in "Bb":
            text = re.sub(r"[^A-Za-z0-9+/]", "", text)
            return codecs.decode((text + "=" * (-len(text) % 4)).encode("ascii"), "base64")
        raw = text.replace("_", " ").encode("latin-1", errors="replace")
        return codecs.decode(re.sub(rb"=(?![0-9A-Fa-f]{2})", b"=3D", raw), "quopri")
    except (ValueError, UnicodeError, codecs.CodecRegistryError):
        return None


def decode_header_value(value: str, context: Context | None = None) -> str:
    """RFC 2047 encoded words to text, each in the charset it names (decoded strictly; detected if it fails).

    Adjacent encoded words in one charset are joined as bytes before decoding, so a
    character split across two words comes out whole; the whitespace between encoded
    words is dropped, the rest of the text is kept as it is.
    """
    if not value or "=?" not in value:
        return value or ""
    out: list[str] = []
    pending: list[tuple[str, bytes]] = []  # adjacent encoded words not yet decoded

    def flush() -> None:
        while pending:
            label, data = pending.pop(0)
            while pending and pending[0][0] == label:
                data += pending.pop(0)[1]
            out.append(decode(data, label.split("*", 1)[0], context)[0])

    position = 0
    for match in _ENCODED_WORD.finditer(value):
        between = value[position : match.start()]
        data = _word_bytes(match.group(2), match.group(3))
        if data is None:
            continue
        if between and not (pending and not between.strip()):
            flush()
            out.append(between)
        pending.append((match.group(1).lower(), data))
        position = match.end()
    flush()
    out.append(value[position:])
    return _LINE_BREAKS.sub(" ", "".join(out))  # a header is one line, whatever its words encoded
