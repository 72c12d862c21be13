#!/usr/bin/env python3
"""Checks the shape of the code: imports run one way, and no source file is too long to hold
in mind.

- Areas are the top-level modules of each crate (`app/src/holds/`, `app/src/db.rs`,
  `src/api/`, `src/cli.rs`, ...). An area that uses another area, directly or through others,
  must not be used back by it: every circle is reported with the files and names that tie it.
  A module and its own child modules (`holds/mod.rs` and `holds/db.rs`) are one area.
- Inside `src/api/` every file is its own area: no file there uses a file that uses it back.
- No `.rs` file under `app/src` or `src` is over MAX_LINES lines.

Imports are read from the code as written (`crate::area::…`, `use crate::{a, b::c}`,
`super::…`), comments and strings left out. The crate roots (`lib.rs`, `main.rs`) declare
every module and are not areas.

Usage: scripts/check-structure.py [ROOT]      (exit 1 when a rule is broken)
       scripts/check-structure.py --self-test (checks that the checker finds what it must)
"""

import os
import re
import sys
import tempfile

MAX_LINES = 1000

# Crate source folders, and the folders inside them whose files are areas of their own.
CRATES = [("app/src", []), ("src", ["api"])]
ROOT_FILES = {"lib.rs", "main.rs"}


def strip_comments_and_strings(text):
    """The code without comments, string and char literals (their contents could look like
    paths)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif c == "r" and re.match(r'r#*"', text[i:i + 12]) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            hashes = re.match(r'r(#*)"', text[i:]).group(1)
            end = text.find('"' + hashes, i + 2 + len(hashes))
            i = n if end < 0 else end + 1 + len(hashes)
            out.append('""')
        elif c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            i += 1
            out.append('""')
        elif c == "'" and re.match(r"'(\\.|[^\\'])'", text[i:i + 4] + text[i + 4:i + 12]):
            m = re.match(r"'(\\u\{[0-9a-fA-F]+\}|\\.|[^\\'])'", text[i:])
            if m:
                i += len(m.group(0))
                out.append("' '")
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def expand_use_tree(prefix, tree):
    """`a::{b, c::{d, e}}` -> ['a::b', 'a::c::d', 'a::c::e'] (prefix prepended)."""
    tree = tree.strip()
    if not tree:
        return [prefix.rstrip(":")] if prefix else []
    brace = tree.find("{")
    if brace < 0:
        return [prefix + re.sub(r"\s+as\s+\w+$", "", tree)]
    head = tree[:brace]
    body = tree[brace + 1:tree.rfind("}")]
    parts, depth, start = [], 0, 0
    for k, ch in enumerate(body):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(body[start:k])
            start = k + 1
    parts.append(body[start:])
    paths = []
    for part in parts:
        part = re.sub(r"\s+as\s+\w+\s*$", "", part.strip())
        if part == "self":
            paths.append((prefix + head).rstrip(":"))
        elif part:
            paths.extend(expand_use_tree(prefix + head, part))
    return paths


def paths_in(code):
    """Every path the code names: the whole trees of `use` items, and `a::b::c` elsewhere."""
    found = []
    for m in re.finditer(r"\buse\s+([^;]+);", code):
        found.extend(expand_use_tree("", re.sub(r"\s+", " ", m.group(1))))
    rest = re.sub(r"\buse\s+[^;]+;", " ", code)
    found.extend(re.findall(r"\b(?:crate|super|self)(?:\s*::\s*\w+)+", rest))
    return [re.sub(r"\s+", "", p) for p in found]


def module_path(crate_dir, file):
    """`app/src/holds/db.rs` -> ['holds', 'db']; `holds/mod.rs` -> ['holds']."""
    rel = os.path.relpath(file, crate_dir)[:-3].split(os.sep)
    if rel[-1] == "mod":
        rel = rel[:-1]
    return rel


def area_of(module, nested):
    """The area a module belongs to: its top-level module, or for a folder whose files are
    areas of their own, its top two levels."""
    if not module:
        return None
    if module[0] in nested and len(module) > 1:
        return module[0] + "/" + module[1]
    return module[0]


def resolve(path, here):
    """The absolute module path a written path names, or None when it leaves the crate."""
    segments = path.split("::")
    if segments[0] == "crate":
        return segments[1:]
    if segments[0] in ("super", "self"):
        base = list(here)
        while segments and segments[0] in ("super", "self"):
            if segments[0] == "super":
                if not base:
                    return None
                base = base[:-1]
            segments = segments[1:]
        return base + segments
    return None


def check(root):
    problems = []
    for crate, nested in CRATES:
        crate_dir = os.path.join(root, crate)
        if not os.path.isdir(crate_dir):
            continue
        files = []
        for folder, _, names in os.walk(crate_dir):
            files.extend(os.path.join(folder, n) for n in sorted(names) if n.endswith(".rs"))
        modules = {tuple(module_path(crate_dir, f)) for f in files}
        top = {m[0] for m in modules if m}
        # area -> area -> [(file, name)]
        edges = {}
        for file in sorted(files):
            with open(file, encoding="utf-8") as handle:
                text = handle.read()
            lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
            rel = os.path.relpath(file, root)
            if lines > MAX_LINES:
                problems.append(f"{rel} has {lines} lines (at most {MAX_LINES}): split it by responsibility")
            if os.path.basename(file) in ROOT_FILES and os.path.dirname(file) == crate_dir:
                continue
            here = module_path(crate_dir, file)
            # A file's own items live in its module; `super` of `holds/db.rs` is `holds`.
            source = area_of(here, nested)
            for written in paths_in(strip_comments_and_strings(text)):
                target = resolve(written, here)
                if not target or target[0] not in top:
                    continue
                if target[0] in nested and len(target) > 1 and (target[0], target[1]) not in {m[:2] for m in modules if len(m) > 1}:
                    # An item of the folder's own mod.rs, not a file of it.
                    area = target[0]
                else:
                    area = area_of(target, nested)
                if area and area != source:
                    edges.setdefault(source, {}).setdefault(area, []).append((rel, written))
        for circle in circles(edges):
            ties = []
            for a in circle:
                for b in circle:
                    for rel, name in edges.get(a, {}).get(b, [])[:3]:
                        ties.append(f"    {rel} uses {name}")
            problems.append(
                f"{crate}: these areas use each other in a circle: {', '.join(sorted(circle))}\n"
                + "\n".join(ties)
            )
    return problems


def circles(edges):
    """Strongly connected groups of more than one area (Tarjan)."""
    index, low, stack, on, found = {}, {}, [], set(), []
    counter = [0]
    nodes = set(edges) | {b for targets in edges.values() for b in targets}

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(group)

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return found


def self_test():
    """The checker must find a circle through a `use` group, one through `super::` inside
    src/api, a long file; and accept a module using its own children and a clean tree."""
    def tree(files):
        root = tempfile.mkdtemp(prefix="structure-")
        for path, text in files.items():
            full = os.path.join(root, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w", encoding="utf-8") as handle:
                handle.write(text)
        return root

    clean = tree({
        "app/src/lib.rs": "pub mod domain; pub mod holds; pub mod ports;\n",
        "app/src/domain/mod.rs": "pub struct Code;\n// crate::ports::Tile in a comment\n",
        "app/src/holds/mod.rs": "pub mod db;\nuse crate::domain::Code;\nuse self::db::by_id;\n",
        "app/src/holds/db.rs": "use super::Row;\nlet s = \"crate::ports::x\";\n",
        "app/src/ports/mod.rs": "use crate::{domain::Code, holds::{self, db::by_id}};\n",
        "src/api/mod.rs": "pub mod holds; pub mod docs;\npub fn router() {}\n",
        "src/api/docs.rs": "use super::holds::Docs;\n",
        "src/api/holds.rs": "use crate::api::router;\n",
    })
    assert check(clean) == [], check(clean)

    group = tree({
        "app/src/holds/mod.rs": "use crate::{domain::Code, ports::{self, db::exists}};\n",
        "app/src/ports/db.rs": "fn f() { crate::holds::db::by_id(); }\n",
    })
    found = check(group)
    assert len(found) == 1 and "holds, ports" in found[0], found

    api = tree({
        "src/api/docs.rs": "use super::holds::Docs;\n",
        "src/api/holds.rs": "use super::docs::Refusals;\n",
    })
    found = check(api)
    assert len(found) == 1 and "api/docs, api/holds" in found[0], found

    long = tree({"src/cli.rs": "fn f() {}\n" * (MAX_LINES + 1)})
    found = check(long)
    assert len(found) == 1 and "src/cli.rs has" in found[0], found
    print("check-structure self-test: ok")


def main():
    if sys.argv[1:] == ["--self-test"]:
        self_test()
        return 0
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    problems = check(root)
    for p in problems:
        print(p)
    if problems:
        print(f"structure: {len(problems)} problem(s)")
        return 1
    print("structure: no circles between areas, no file over", MAX_LINES, "lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
