#!/usr/bin/env python3
"""Fails when a sentence a person would read is written in the code instead of the string
catalogue (`locales/`), where it has an English and a French version.

What it reads, in `app/src` and `src` (tests left out):
- in `view!` blocks: every text node with a letter in it, every value of an attribute people
  read or hear (`title`, `aria-label`, `placeholder`, `alt`, …), and every literal inside a
  block (`{if late { "Late" } else { "On time" }}`) that looks like words;
- elsewhere: every literal that looks like a sentence (two words or more of letters, not SQL,
  not a log line's message, not a path or a code).

What passes: punctuation and spacing (`" · "`), codes and paths (`YVR`, `/holds`, `badge-late`),
and the lines of `scripts/strings-allowed.txt` (`path: "literal"`, each with its reason), for
the few literals that are not words to translate (a brand's name, the format of an example).

Usage: scripts/check-strings.py            (exit 1 and each place, when one is found)
       scripts/check-strings.py --count    (how many per file, most first)
       scripts/check-strings.py --self-test
"""

import os
import re
import sys
import tempfile

ROOTS = ["app/src", "src"]
ALLOWED_FILE = "scripts/strings-allowed.txt"
VISIBLE_ATTRIBUTES = {
    "title", "aria-label", "aria-description", "aria-roledescription", "aria-valuetext",
    "placeholder", "alt", "label", "summary", "text", "attr:title", "attr:aria-label",
    "attr:placeholder",
}
# Attributes whose values are for the machine: codes, classes, addresses, field names.
TECHNICAL_ATTRIBUTES = {
    "class", "attr:class", "id", "name", "type", "href", "src", "for", "method", "action", "rel",
    "autocomplete", "inputmode", "pattern", "role", "kind", "base", "lang", "step", "min", "max",
    "value", "selected", "accept", "enctype", "target", "scope", "datetime", "content",
    "charset", "http-equiv", "style", "width", "height", "viewBox", "fill", "stroke", "d",
    "xmlns", "points", "transform", "path", "field", "entity", "code", "key", "dir",
}
SQL = re.compile(
    r"\b(select|insert into|update \w+ set|delete from|create (table|index|unique)|alter table|"
    r"where|values|returning|order by|group by|begin|commit|pragma|on conflict|coalesce)\b",
    re.I,
)
LOG_CALL = re.compile(
    r"\b(tracing::)?(info|warn|error|debug|trace|instrument|span|info_span|debug_span)!\s*\(|"
    r"\b(expect|panic!|unreachable!|assert\w*!|debug_assert\w*!|todo!|context|with_context)\s*\(\s*$"
)
WORD = re.compile(r"[A-Za-zÀ-ÿ]{2,}")


def literals(text):
    """(offset, value) of every string literal, and the code with comments blanked."""
    out = []
    code = list(text)
    i, n = 0, len(text)
    while i < n:
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            for k in range(i, j):
                code[k] = " "
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            for k in range(i, j):
                if code[k] != "\n":
                    code[k] = " "
            i = j
        elif text[i] == "r" and re.match(r'r#*"', text[i:]) and not (i and (text[i - 1].isalnum() or text[i - 1] == "_")):
            hashes = re.match(r'r(#*)"', text[i:]).group(1)
            end = text.find('"' + hashes, i + 2 + len(hashes))
            end = n if end < 0 else end
            out.append((i, text[i + 2 + len(hashes):end]))
            i = end + 1 + len(hashes)
        elif text[i] == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append((i, text[i + 1:j]))
            i = j + 1
        elif text[i] == "'" and re.match(r"'(\\.|[^\\'])'", text[i:i + 4] + "   "):
            m = re.match(r"'(\\.[^']*|[^\\'])'", text[i:])
            i += len(m.group(0)) if m else 1
        else:
            i += 1
    return out, "".join(code)


def test_spans(code):
    """Offsets of `#[cfg(test)] mod … { … }` blocks."""
    spans = []
    for m in re.finditer(r"#\[cfg\(test\)\]\s*(pub\s+)?mod\s+\w+\s*\{", code):
        spans.append((m.start(), matching_brace(code, m.end() - 1)))
    return spans


def matching_brace(code, open_at):
    depth, i = 0, open_at
    while i < len(code):
        c = code[i]
        if c == '"':
            j = i + 1
            while j < len(code) and code[j] != '"':
                j += 2 if code[j] == "\\" else 1
            i = j
        elif c in "{[(":
            depth += 1
        elif c in "}])":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(code)


def view_spans(code):
    return [(m.end(), matching_brace(code, m.end() - 1)) for m in re.finditer(r"\bview!\s*\{", code)]


def inside(spans, at):
    return any(a <= at <= b for a, b in spans)


def words_like(value):
    """Looks like words a person reads (not a code, class, path, format or identifier)."""
    if not WORD.search(value):
        return False
    stripped = value.strip()
    if stripped.startswith(("/", "#", ".", "http", "--", "{") ) or stripped.endswith((".json", ".csv", ".css", ".js")):
        return False
    tokens = stripped.split()
    if all(re.fullmatch(r"[a-z0-9_:\-\[\]=.%]+", t) for t in tokens) and len(tokens) <= 6 and not any(
        t in ENGLISH_GLUE for t in tokens
    ):
        # CSS classes, identifiers, attribute values, lower-case codes
        return False
    if re.fullmatch(r"[A-Z0-9_\-./:]+", stripped):
        return False  # codes: YVR, ABC-123
    if re.fullmatch(r"[%{}\w:.\-/ ]*\{[^}]*\}[%{}\w:.\-/ ]*", stripped) and not re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", stripped):
        return False  # a format of values only
    return True


def sentence_like(value):
    """Outside views: two words or more, the way messages are written."""
    if SQL.search(value):
        return False
    words = re.findall(r"[A-Za-zÀ-ÿ’']+", value)
    if len(words) < 2 or not words_like(value):
        return False
    if re.fullmatch(r"[\w./:{}\-]+", value.strip()):
        return False
    return True


ENGLISH_GLUE = {"the", "a", "an", "of", "to", "in", "on", "at", "by", "for", "and", "or", "is", "are",
                "not", "no", "with", "from", "this", "that", "be", "it", "you", "your"}


def attribute_before(code, at):
    m = re.search(r"([A-Za-z_:\-]+)\s*=\s*$", code[max(0, at - 80):at])
    return m.group(1) if m else None


def line_of(text, at):
    return text.count("\n", 0, at) + 1


def check_file(path, text, allowed):
    found = []
    lits, code = literals(text)
    tests = test_spans(code)
    views = view_spans(code)
    for at, value in lits:
        if inside(tests, at):
            continue
        if (path, value) in allowed or (path, "*") in allowed:
            continue
        line_start = code.rfind("\n", 0, at) + 1
        before_on_line = code[line_start:at]
        if inside(views, at):
            attribute = attribute_before(code, at)
            if attribute is not None:
                technical = attribute in TECHNICAL_ATTRIBUTES or attribute.startswith(
                    ("data-", "aria-controls", "aria-describedby", "aria-labelledby", "on:", "prop:")
                )
                bad = WORD.search(value) and (
                    attribute in VISIBLE_ATTRIBUTES or (not technical and words_like(value))
                )
            else:
                prev = code[:at].rstrip()[-1:] if code[:at].rstrip() else ""
                text_node = prev in (">", "}", '"', "{") and prev != "{"
                bad = (text_node and WORD.search(value)) or (not text_node and words_like(value))
        else:
            if LOG_CALL.search(before_on_line) or re.search(r"#\[(doc|error|arg|command|value|serde|schema|utoipa|server|path|param|cfg)", before_on_line):
                continue
            if re.search(r"(about|help|long_about|description|summary|example|rename|alias|tag|content_type)\s*=\s*$", before_on_line):
                continue
            bad = sentence_like(value)
        if bad:
            found.append((line_of(text, at), value))
    return found


def load_allowed(root):
    allowed = set()
    path = os.path.join(root, ALLOWED_FILE)
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            m = re.match(r'([^:]+): "(.*)"(\s+#.*)?$', line)
            if m:
                allowed.add((m.group(1), m.group(2)))
                continue
            m = re.match(r"([^:]+): \*\s+#", line)
            if m:
                allowed.add((m.group(1), "*"))
    return allowed


def scan(root):
    allowed = load_allowed(root)
    results = {}
    for base in ROOTS:
        for folder, _, files in os.walk(os.path.join(root, base)):
            for name in sorted(files):
                if not name.endswith(".rs"):
                    continue
                full = os.path.join(folder, name)
                rel = os.path.relpath(full, root)
                found = check_file(rel, open(full, encoding="utf-8").read(), allowed)
                if found:
                    results[rel] = found
    return results


def self_test():
    cases = {
        'view! { <p>"Overdue holds"</p> }': 1,
        'view! { <p title="Time left">{x}</p> }': 1,
        'view! { <p class="badge badge-late">{t!(i18n, a.b)}</p> }': 0,
        'view! { <p>{if late { "Late" } else { "On time" }}</p> }': 2,
        'view! { <p>" · "{x}</p> }': 0,
        'view! { <a href="/holds">{x}</a> }': 0,
        'view! { <List empty="No holds match." base="/holds" /> }': 1,
        'fn f() -> AppError { AppError::invalid("port", "the port must be three letters") }': 1,
        'fn f() { sqlx::query("select id from holds where port = $1"); }': 0,
        'fn f() { tracing::warn!(error = %e, "the pump could not read the journal"); }': 0,
        '#[cfg(test)]\nmod tests { fn f() { let s = "an English sentence here"; } }': 0,
        'fn f() -> &str { "YVR" }': 0,
    }
    failed = 0
    with tempfile.TemporaryDirectory() as root:
        for source, expected in cases.items():
            got = len(check_file("x.rs", source, set()))
            if got != expected:
                print(f"self-test: {source!r}: found {got}, expected {expected}")
                failed += 1
    if failed:
        sys.exit(1)
    print(f"check-strings self-test: {len(cases)} cases found as expected")


def main():
    if "--self-test" in sys.argv:
        return self_test()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    results = scan(root)
    if "--count" in sys.argv:
        for rel, found in sorted(results.items(), key=lambda kv: -len(kv[1])):
            print(f"{len(found):5} {rel}")
        print(f"{sum(len(f) for f in results.values()):5} in all")
        return
    if results:
        for rel, found in sorted(results.items()):
            for line, value in found:
                print(f"{rel}:{line}: \"{value}\" is shown to people: put it in locales/ (en and fr)")
        total = sum(len(f) for f in results.values())
        print(f"{total} strings outside the catalogue", file=sys.stderr)
        sys.exit(1)
    print("strings: every string shown to people is in the catalogue")


if __name__ == "__main__":
    main()
