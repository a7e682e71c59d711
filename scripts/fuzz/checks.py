"""Checks of kaoping's own promises, added to schemathesis' (scripts/fuzz-api).

`no_untranslated_message`: what a person reads in an error (title, detail,
each field's message) is text from the catalog, never a bare message key
such as `err-fraction`; only `code` carries keys, by design.
"""

import json
import re

import schemathesis

# A catalog key: lower-case words joined by hyphens, starting with a known prefix.
KEY = re.compile(r"\b(?:err|error|flash|field|page|nav|btn|label)-[a-z0-9]+(?:-[a-z0-9]+)*\b")


def _readable(problem):
    yield problem.get("title", "")
    yield problem.get("detail", "")
    for e in problem.get("errors") or []:
        if isinstance(e, dict):
            yield e.get("message", "")


@schemathesis.check
def no_untranslated_message(ctx, response, case):
    content_type = (response.headers.get("content-type") or [""])[0]
    if not content_type.startswith("application/problem+json"):
        return None
    try:
        problem = json.loads(response.content)
    except ValueError:
        raise AssertionError("problem JSON that does not parse")
    for text in _readable(problem):
        if not isinstance(text, str):
            continue
        found = KEY.search(text)
        if found or "Unknown localization" in text:
            raise AssertionError(f"an untranslated message reaches the user: {text!r}")
    return None
