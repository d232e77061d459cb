"""Query-string values parsed in one place: a malformed number is refused with a Chinese
message, text is cleaned."""

from pingan.errors import InvalidInput

# Ids and years the portal uses fit in nine digits; longer ones are no object's and overflow
# some databases' integers.
MAX_DIGITS = 9


def int_param(params, name, default=None, label=None):
    """`params[name]` as a whole number, `default` when absent or empty; anything else is
    refused (400) with a message naming the parameter."""
    raw = (params.get(name) or "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > MAX_DIGITS:
        raise InvalidInput(
            f"参数“{label or name}”应为不超过 {MAX_DIGITS} 位的整数，收到“{raw[:20]}”。"
        )
    return int(raw)


def text_param(params, name):
    """`params[name]` as trimmed text; a NUL character (which no form sends, and PostgreSQL
    cannot compare) is dropped."""
    return (params.get(name) or "").replace("\x00", "").strip()
