#!/usr/bin/env python3
"""The import graph of weft/src, file by file, and the layer rules it must keep.

Every `crate::…`, `super::…` and `self::…` path in a file is resolved to the file that
*defines* the item (following `use` re-exports, so `crate::time::Instant` is an edge to
`time/instant.rs`, not to `time/mod.rs`, which only re-exports it). `mod x;` lines are not
edges: owning a module is not depending on it. Test-only files (`*tests.rs`, `tests/`) and
`#[cfg(test)]` modules inside a file are skipped: tests may reach anywhere.

Checks:
  1. no file of the driver stack (`runtime/driver/`) sits in an import cycle with a file
     outside it (the circle issue 18 was filed about);
  2. the driver stack imports nothing from the scheduler (`runtime/scheduler/`), the
     runtime handle/builder, or the public faces' futures (see LAYER_RULES);
  3. the clock seam: `std::time::Instant::now` is called only in `runtime/driver/clock.rs`
     (everything else reads a `Clock`, `time::Instant::now`, or `clock::system_now`);
  4. the random seam: random sources (`RandomState`, `getrandom`, `rand::`, `fastrand`,
     `/dev/urandom`) appear only in `util/rand.rs`, and no generator is seeded from fresh
     randomness (`FastRand::new()`, `RngSeed::new()`) outside it but where the builder picks
     a runtime's seed: everything else derives from the runtime's `RngSeedGenerator`.

Usage: layers.py [--graph] [--cycles]   (exit 1 when a check fails)
"""
import os
import re
import sys

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "weft", "src")

# (from-prefix, forbidden-prefix, why). Prefixes are file paths relative to weft/src.
LAYER_RULES = [
    ("runtime/driver/", "runtime/scheduler/", "a driver never sees the scheduler"),
    ("runtime/driver/", "runtime/handle.rs", "drivers get their handles passed down"),
    ("runtime/driver/", "runtime/builder.rs", "drivers get their config passed down"),
    ("runtime/driver/", "runtime/current.rs", "drivers do not look themselves up"),
    ("runtime/driver/", "net/", "net is a face over the driver"),
    ("runtime/driver/", "fs/", "fs is a face over the driver"),
    ("runtime/driver/", "time/clock.rs", "the clock face looks up the current runtime"),
    ("runtime/driver/", "runtime/park.rs", "block_on is above the drivers"),
]

CLOCK_FILE = "runtime/driver/clock.rs"
RANDOM_FILE = "util/rand.rs"
STD_INSTANT_IMPORT = re.compile(r"use\s+std::time::(?:Instant\b|\{[^}]*\bInstant\b[^}]*\})")
RANDOM_RE = re.compile(r"RandomState|getrandom|(?<![\w:])rand::|fastrand::|/dev/urandom")
# A generator seeded from fresh randomness bypasses the runtime's seed (Builder::rng_seed):
# outside util/rand.rs generators come from a RngSeedGenerator, an RngSeed or a fixed seed.
UNSEEDED_RE = re.compile(r"\bFastRand::new\s*\(|\bRngSeed::new\s*\(")

ITEM_RE = re.compile(
    r"^\s*(?:pub(?:\([^)]*\))?\s+)?(?:unsafe\s+)?(?:async\s+)?(?:const\s+)?"
    r"(?:struct|enum|trait|fn|type|const|static|union|mod)\s+([A-Za-z_][A-Za-z0-9_]*)",
    re.M,
)
MACRO_RE = re.compile(r"macro_rules!\s*([A-Za-z_][A-Za-z0-9_]*)")
PATH_RE = re.compile(r"\b((?:crate|super|self)(?:::[A-Za-z_][A-Za-z0-9_]*)+)")


def is_test_file(rel):
    base = os.path.basename(rel)
    return base.endswith("tests.rs") or "/tests/" in rel or base == "tests.rs"


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def strip_test_modules(text):
    """Drops `#[cfg(test)]`/`#[cfg(all(test, …))]` items (brace-matched)."""
    out, i = [], 0
    pat = re.compile(r"#\[cfg\((?:all\()?(?:weft_loom|test)[^\]]*\]\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+\w+\s*\{")
    while True:
        m = pat.search(text, i)
        if not m:
            out.append(text[i:])
            return "".join(out)
        out.append(text[i:m.start()])
        depth, j = 1, m.end()
        while j < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        i = j


def expand_use(tree):
    """`a::{b, c::{d, e as f}}` -> [(['a','b'], 'b'), (['a','c','d'], 'd'), (['a','c','e'], 'f')]."""
    tree = re.sub(r"\s+", "", tree)

    def parse(s, prefix):
        res, depth, start = [], 0, 0
        parts = []
        for k, ch in enumerate(s):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == "," and depth == 0:
                parts.append(s[start:k])
                start = k + 1
        parts.append(s[start:])
        for p in parts:
            if not p:
                continue
            if "{" in p:
                head, body = p.split("{", 1)
                segs = [x for x in head.split("::") if x]
                res += parse(body[:-1], prefix + segs)
            else:
                alias = None
                if "as" in p and re.search(r"[a-z0-9_]as[A-Za-z_]", p) and "::" not in p.split("as")[-1]:
                    m = re.match(r"(.*?)as([A-Za-z_][A-Za-z0-9_]*)$", p)
                    if m and m.group(1).endswith(tuple("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")):
                        p, alias = m.group(1), m.group(2)
                segs = [x for x in p.split("::") if x]
                if segs == ["self"]:
                    res.append((prefix, alias or prefix[-1]))
                elif segs and segs[-1] != "*":
                    res.append((prefix + segs, alias or segs[-1]))
        return res

    return parse(tree, [])


class Crate:
    def __init__(self, src):
        self.src = os.path.normpath(src)
        self.files = {}  # module path tuple -> rel file
        for root, _, names in os.walk(self.src):
            for n in names:
                if not n.endswith(".rs"):
                    continue
                rel = os.path.relpath(os.path.join(root, n), self.src).replace(os.sep, "/")
                self.files[self.mod_path(rel)] = rel
        self.text, self.items, self.uses = {}, {}, {}
        for mp, rel in self.files.items():
            raw = open(os.path.join(self.src, rel), encoding="utf-8").read()
            t = strip_test_modules(strip_comments(raw))
            self.text[rel] = t
            self.items[rel] = set(ITEM_RE.findall(t)) | set(MACRO_RE.findall(t))
            uses = {}
            for m in re.finditer(r"\buse\s+([^;]+);", t):
                for segs, name in expand_use(m.group(1)):
                    uses[name] = self.absolute(mp, segs)
            self.uses[rel] = uses

    @staticmethod
    def mod_path(rel):
        p = rel[:-3].split("/")
        if p[-1] in ("mod", "lib"):
            p = p[:-1]
        return tuple(p)

    def absolute(self, mp, segs):
        segs = list(segs)
        if not segs:
            return None
        if segs[0] == "crate":
            base, segs = [], segs[1:]
        elif segs[0] in ("self", "super"):
            base = list(mp)
            while segs and segs[0] in ("self", "super"):
                if segs[0] == "super" and base:
                    base.pop()
                segs = segs[1:]
        else:
            # `use foo::…` of a child module declared in this file, or an external crate.
            if tuple(list(mp) + [segs[0]]) in self.files:
                base = list(mp)
            else:
                return None
        return tuple(base + segs)

    def resolve(self, path, depth=0):
        """The file that defines the item `path` names (module path tuple)."""
        if path is None or depth > 12:
            return None
        mod, i = (), 0
        while i < len(path) and mod + (path[i],) in self.files:
            mod += (path[i],)
            i += 1
        if mod not in self.files:
            return None
        rel = self.files[mod]
        if i == len(path):
            return rel
        name = path[i]
        if name in self.items[rel]:
            return rel
        if name in self.uses[rel]:
            target = self.uses[rel][name]
            # `None`: a re-export of another crate's item (`pub use std::time::Duration`),
            # which is no edge inside this crate.
            if target is None:
                return None
            return self.resolve(target + tuple(path[i + 1:]), depth + 1)
        return rel

    def edges(self):
        g = {}
        for mp, rel in self.files.items():
            if is_test_file(rel):
                continue
            out = set()
            t = self.text[rel]
            paths = [segs for m in re.finditer(r"\buse\s+([^;]+);", t) for segs, _ in expand_use(m.group(1))]
            body = re.sub(r"\buse\s+[^;]+;", "", t)
            paths += [p.split("::") for p in PATH_RE.findall(body)]
            for segs in paths:
                if segs[0] not in ("crate", "super", "self"):
                    continue
                dst = self.resolve(self.absolute(mp, segs))
                if dst and dst != rel and not is_test_file(dst):
                    out.add(dst)
            g[rel] = out
        return g


def sccs(g):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return [c for c in out if len(c) > 1]


def main():
    g = Crate(SRC).edges()
    failed = False
    if "--graph" in sys.argv:
        for src in sorted(g):
            for dst in sorted(g[src]):
                print(f"{src} -> {dst}")
    comps = sccs(g)
    for comp in comps:
        drv = [f for f in comp if f.startswith("runtime/driver/")]
        other = [f for f in comp if not f.startswith("runtime/driver/")]
        if "--cycles" in sys.argv or (drv and other):
            print(f"cycle of {len(comp)} files: {' '.join(comp)}")
        if drv and other:
            failed = True
            print("  ^ the driver stack is in a cycle with the runtime or a face")
    for src in sorted(g):
        for frm, bad, why in LAYER_RULES:
            if src.startswith(frm):
                for dst in sorted(g[src]):
                    if dst.startswith(bad):
                        failed = True
                        print(f"layer: {src} -> {dst} ({why})")
    crate = Crate(SRC)
    for rel, text in sorted(crate.text.items()):
        if is_test_file(rel):
            continue
        reads_std = "std::time::Instant::now" in text or (
            STD_INSTANT_IMPORT.search(text) and re.search(r"(?<![\w:])Instant::now\(", text))
        if reads_std and rel != CLOCK_FILE:
            failed = True
            print(f"clock: {rel} reads std::time::Instant::now (use a Clock or clock::system_now)")
        if RANDOM_RE.search(text) and rel != RANDOM_FILE:
            failed = True
            print(f"random: {rel} has its own random source (use util::rand)")
        if UNSEEDED_RE.search(text) and rel != RANDOM_FILE and rel != "runtime/builder.rs":
            failed = True
            print(f"random: {rel} seeds a generator from fresh randomness (derive it from the "
                  "runtime's RngSeedGenerator)")
    n_edges = sum(len(v) for v in g.values())
    print(f"layers: {len(g)} files, {n_edges} edges, {len(comps)} cycles, "
          f"{'FAILED' if failed else 'ok'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
