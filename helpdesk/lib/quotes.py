"""Where the quoted history below a reply starts, so the panels can collapse it.

Neutral ground (helpdesk.lib): the agent panel folds with it and the mail gateway may use it,
without the ticket domain importing the mail app.

The text is kept whole; `split_quoted(text)` returns (reply, quoted history). It looks
for the attribution line mail clients write in many languages, an Outlook
"Original Message" separator, or a final block of "> " lines. Every pattern is
anchored to one line and linear.
"""

import re

_ATTRIBUTION = re.compile(
    r"^(?:"
    r"On .{1,300} wrote:"  # English
    r"|Am .{1,300} schrieb .{0,200}:"  # German
    r"|Le .{1,300} a écrit ?:"  # French
    r"|W dniu .{1,300} pisze:"  # Polish
    r"|Dne .{1,300} napsal(?:a)?(?: .{0,200})?:"  # Czech
    r"|.{1,300} написал(?:а)?:"  # Russian
    r"|-{2,}\s*(?:Original Message|Ursprüngliche Nachricht|Oryginalna wiadomość"
    r"|Původní zpráva|Исходное сообщение)\s*-{2,}"
    r"|_{10,}"  # Outlook's rule before From:/Sent:
    r"|From: .{1,300}"  # Outlook's header block, when followed by Sent:/Date:
    r")\s*$",
    re.IGNORECASE,
)


def split_quoted(text: str) -> tuple[str, str]:
    lines = (text or "").splitlines(keepends=True)
    offset = 0
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped and len(stripped) < 600 and _ATTRIBUTION.match(stripped):
            if stripped.lower().startswith("from: "):
                following = "".join(lines[index + 1 : index + 3]).lower()
                if not re.search(r"^(sent|date|gesendet|wysłano|odesláno|отправлено):", following, re.MULTILINE):
                    offset += len(line)
                    continue
            if index > 0 and "".join(lines[:index]).strip():
                return "".join(lines[:index]).rstrip() + "\n", "".join(lines[index:])
        offset += len(line)
    # A trailing block of "> " lines.
    end = len(lines)
    start = end
    while start > 0 and (lines[start - 1].startswith(">") or not lines[start - 1].strip()):
        start -= 1
    while start < end and not lines[start].strip():
        start += 1
    if start < end and "".join(lines[:start]).strip():
        return "".join(lines[:start]).rstrip() + "\n", "".join(lines[start:])
    return text or "", ""
