"""Personal data kept out of every log line: NIK, phone numbers, e-mail addresses, sender ids and whole
payloads (trackers, request bodies, message text) never reach a log, whoever logs them.

`protect_logs()` wraps the process's log-record factory, so the rule holds for Rasa's, rasa-sdk's,
Sanic's and aiohttp's loggers as much as for ours, before any handler sees a record: the message (and a
traceback) is rendered once and redacted. Our own code logs pseudonyms (`common.identity.pseudonym`)
and counts, never content; this is the net under it.
"""

from __future__ import annotations

import logging
import re
import traceback

from common.identity import CHANNELS, pseudonym

# A payload quoted whole (a tracker, a request body, a dict of slots) is dropped, not redacted piecewise.
LONGEST_PAYLOAD = 80
_SENDER = re.compile(rf"\b(?:{'|'.join(CHANNELS)}):[^\s'\",}}\]\)]+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
# NIK (16 digits, maybe grouped by spaces, dots or dashes), phone numbers (08…, +62…, 62…, with spaces or
# dashes) and any other long number.
_NIK = re.compile(r"(?<![\d.-])\d(?:[\s.-]?\d){15}(?![\d])")
_PHONE = re.compile(r"(?<![\w+])(?:\+62|62|0)[\s-]?8[\d\s-]{6,14}\d")
_LONG_NUMBER = re.compile(r"(?<!\d)\d{8,}(?!\d)")
# A message's text quoted in a short structured line, which the payload rule leaves: Rasa's REST channel
# logs `{"text": "kirim", "event": "rest.message.received.timeout"}` when a turn times out.
_TEXT_FIELD = re.compile(r"""(["']text["']\s*:\s*)(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")
_PSEUDONYM = re.compile(r"\b(u_[0-9a-f]{10})\b")  # common.identity.pseudonym
_OPENERS = {"{": "}", "[": "]"}


def _drop_payloads(text: str) -> str:
    """Replaces every bracketed span longer than LONGEST_PAYLOAD characters by its size."""
    if "{" not in text and "[" not in text:  # most lines: a scan of every character costs a turn dearly
        return text
    out, i = [], 0
    while i < len(text):
        closer = _OPENERS.get(text[i])
        if closer is None:
            out.append(text[i])
            i += 1
            continue
        depth, j = 0, i
        while j < len(text):
            if text[j] == text[i]:
                depth += 1
            elif text[j] == closer:
                depth -= 1
                if depth == 0:
                    break
            j += 1
        end = min(j, len(text) - 1) + 1
        if end - i > LONGEST_PAYLOAD or depth:
            out.append(f"{text[i]}…{end - i} chars…{closer}")
            i = end if not depth else len(text)
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _numbers_redacted(text: str) -> str:
    text = _NIK.sub("[nomor]", text)
    text = _PHONE.sub("[nomor]", text)
    return _LONG_NUMBER.sub("[nomor]", text)


def redact(text: str) -> str:
    text = _TEXT_FIELD.sub(r'\1"[teks]"', _drop_payloads(text))
    text = _SENDER.sub(lambda m: pseudonym(m.group(0)), text)
    text = _EMAIL.sub("[email]", text)
    # A pseudonym's hex digits may run to 8 and more ("u_67973969e1"): it stays whole, or one citizen's
    # log lines could no longer be told apart from another's.
    parts = _PSEUDONYM.split(text)
    return "".join(part if at % 2 else _numbers_redacted(part) for at, part in enumerate(parts))


def personal_numbers(text: str) -> list[str]:
    """The NIKs and phone numbers written in a citizen's text (a story, a title), as written."""
    niks = [m.group(0) for m in _NIK.finditer(text)]
    return niks + [m.group(0) for m in _PHONE.finditer(_NIK.sub(" ", text))]


def _masked(number: str) -> str:
    """The first and last four digits kept, the others starred: 3273********0001, 0812****7890."""
    digits = re.sub(r"\D", "", number)
    sign = "+" if number.startswith("+") else ""
    return sign + digits[:4] + "*" * (len(digits) - 8) + digits[-4:]


def mask_personal_numbers(text: str) -> str:
    """The text with every NIK and phone number masked (what a citizen chose to send publicly)."""
    return _PHONE.sub(lambda m: _masked(m.group(0)), _NIK.sub(lambda m: _masked(m.group(0)), text))


def protect_logs() -> None:
    """Makes every log record of this process redacted at creation (idempotent)."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "redacts", False):
        return

    def redacted_record(*args, **kwargs) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        try:
            record.msg, record.args = redact(record.getMessage()), ()
        except Exception:  # a broken format string: keep only what was meant to be logged, not its data
            record.msg, record.args = redact(str(record.msg)), ()
        if record.exc_info:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip())
            record.exc_info = None
        return record

    redacted_record.redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(redacted_record)
