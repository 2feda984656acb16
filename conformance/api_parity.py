#!/usr/bin/env python3
"""Writes docs/api-parity.md: tokio's public API (stable, all features) next to weft's.

Both crates are documented to rustdoc's JSON (`RUSTC_BOOTSTRAP=1 cargo rustdoc ... -Z
unstable-options --output-format json`); every public path reachable from each crate root
(modules, re-exports, types, traits, functions, macros, inherent methods, associated items, and
trait implementations as `Type: Trait`) is listed and compared by path. Function signatures are
compared in a normalised rendering (path prefixes dropped, generic parameters renamed by
position), which is cheap and catches parameter, return-type and async/const differences.

Deliberate differences are kept in conformance/api-deliberate.txt (`path | reason`); they are
listed with their reason instead of as missing. Run: `python3 conformance/api_parity.py`.
"""

import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from conformance import ROOT, TOKIO_VERSION, WORK, tokio_package_dir  # noqa: E402

# tokio's stable features: everything `full` has, plus test-util (io-uring, taskdump and
# schedule-latency act only under --cfg tokio_unstable).
TOKIO_FEATURES = "full,test-util"
DELIBERATE = os.path.join(ROOT, "conformance", "api-deliberate.txt")
OUT = os.path.join(ROOT, "docs", "api-parity.md")

# Implementations every type gets from a blanket impl or that say nothing about the API.
NOISE_TRAITS = {"Any", "Borrow", "BorrowMut", "From", "Into", "TryFrom", "TryInto", "ToOwned",
                "CloneToUninit", "Instrument", "WithSubscriber", "VZip", "Same", "ToString",
                # compiler-internal auto traits
                "Freeze", "UnsafeUnpin", "StructuralPartialEq"}

PATHS = {}  # id -> canonical path, of the crate being read


def rustdoc_json(manifest, package, features, target_dir):
    env = dict(os.environ, RUSTC_BOOTSTRAP="1", CARGO_TARGET_DIR=target_dir)
    cmd = ["cargo", "rustdoc", "--manifest-path", manifest, "-p", package, "--lib"]
    if features == "all":
        cmd += ["--all-features"]
    cmd += ["--", "-Z", "unstable-options", "--output-format", "json"]
    subprocess.run(cmd, check=True, env=env)
    with open(os.path.join(target_dir, "doc", package.replace("-", "_") + ".json")) as f:
        return json.load(f)


class Renderer:
    """Renders rustdoc-JSON types without crate prefixes, generics renamed by position."""

    def __init__(self, generic_names, self_name=None):
        self.g = generic_names
        self.self_name = self_name

    def path(self, p):
        # The canonical name, not the alias it was written with (`StdFile` is std's `File`).
        known = PATHS.get(str(p.get("id")))
        name = known[-1] if known else (p.get("path") or p.get("name") or "").split("::")[-1]
        args = p.get("args")
        return name + self.args(args)

    def args(self, a):
        if not a:
            return ""
        if "angle_bracketed" in a:
            ab = a["angle_bracketed"]
            parts = []
            for x in ab.get("args", []):
                if "type" in x:
                    parts.append(self.ty(x["type"]))
                elif "lifetime" in x:
                    parts.append("'_")
                elif "const" in x:
                    parts.append("N")
            for c in ab.get("constraints", []):
                b = c.get("binding", {})
                if "equality" in b and "type" in b["equality"]:
                    parts.append(f"{c['name']} = {self.ty(b['equality']['type'])}")
                else:
                    parts.append(c["name"])
            return "<" + ", ".join(parts) + ">" if parts else ""
        if "parenthesized" in a:
            pz = a["parenthesized"]
            out = "(" + ", ".join(self.ty(t) for t in pz.get("inputs", [])) + ")"
            if pz.get("output"):
                out += " -> " + self.ty(pz["output"])
            return out
        return ""

    def bound(self, b):
        if "trait_bound" in b:
            return self.path(b["trait_bound"]["trait"])
        return "'_"

    def ty(self, t):
        if t is None:
            return "()"
        k, v = next(iter(t.items()))
        if k == "resolved_path":
            return self.path(v)
        if k == "generic":
            if v == "Self" and self.self_name:
                return self.self_name
            return self.g.get(v, v)
        if k == "primitive":
            return v
        if k == "borrowed_ref":
            return "&" + ("mut " if v.get("is_mutable") else "") + self.ty(v["type"])
        if k == "raw_pointer":
            return "*" + ("mut " if v.get("is_mutable") else "const ") + self.ty(v["type"])
        if k == "tuple":
            return "(" + ", ".join(self.ty(x) for x in v) + ")"
        if k == "slice":
            return "[" + self.ty(v) + "]"
        if k == "array":
            return "[" + self.ty(v["type"]) + "; N]"
        if k == "impl_trait":
            return "impl " + " + ".join(sorted(self.bound(b) for b in v if "trait_bound" in b))
        if k == "dyn_trait":
            return "dyn " + " + ".join(sorted(self.path(x["trait"]) for x in v.get("traits", [])))
        if k == "qualified_path":
            return self.ty(v.get("self_type")) + "::" + v.get("name", "")
        if k == "function_pointer":
            return "fn(..)"
        return k


def generic_map(*generics):
    """Generic type parameters by position; a bounded one used once reads as `impl Bound`,
    so `fn f<P: AsRef<Path>>(p: P)` and `fn f(p: impl AsRef<Path>)` compare equal."""
    m, i = {}, 0
    for g in generics:
        for p in (g or {}).get("params", []):
            kind = p.get("kind", {}).get("type")
            if kind is None:
                continue
            bounds = [b for b in kind.get("bounds", []) if "trait_bound" in b]
            if kind.get("is_synthetic") or (g is generics[-1] and bounds):
                m[p["name"]] = "impl " + " + ".join(sorted(Renderer({}).bound(b) for b in bounds))
            else:
                m[p["name"]] = f"T{i}"
                i += 1
    return m


def fn_sig(f, outer_generics=None, self_name=None):
    r = Renderer(generic_map(outer_generics, f.get("generics")), self_name)
    h = f.get("header", {})
    inputs = []
    for name, t in f["sig"]["inputs"]:
        inputs.append("self" if name == "self" else r.ty(t))
    head = "".join(w + " " for w, on in (("const", h.get("is_const")), ("async", h.get("is_async")),
                                          ("unsafe", h.get("is_unsafe"))) if on)
    out = f["sig"].get("output")
    sig = f"{head}fn({', '.join(inputs)})" + (f" -> {r.ty(out)}" if out else "")
    # `io::Result<T>` is `Result<T, io::Error>`.
    return sig.replace(", Error>", ">")


def collect(doc):
    """{public path (crate name dropped): (kind, signature or "")}."""
    index, paths = doc["index"], doc["paths"]
    PATHS.clear()
    PATHS.update({k: v["path"] for k, v in paths.items()})
    items = {}
    seen_mod = set()

    def add(path, kind, sig=""):
        items.setdefault(path, (kind, sig))

    def visit(item_id, path):
        item = index.get(str(item_id)) or index.get(item_id)
        if item is None:
            # A re-export of another crate's item: known by its path only.
            p = paths.get(str(item_id))
            add(path, p["kind"] if p else "external")
            return
        kind, inner = next(iter(item["inner"].items()))
        if kind == "module":
            add(path, "module")
            if item_id in seen_mod and path.count("::") > 12:
                return
            seen_mod.add(item_id)
            for child in inner["items"]:
                c = index.get(str(child))
                if c is None or c.get("visibility") != "public":
                    continue
                ck, ci = next(iter(c["inner"].items()))
                if ck == "use":
                    if ci.get("is_glob"):
                        target = index.get(str(ci["id"])) if ci.get("id") is not None else None
                        if target and "module" in target["inner"]:
                            for g in target["inner"]["module"]["items"]:
                                gi = index.get(str(g))
                                if gi and gi.get("visibility") == "public" and gi.get("name"):
                                    visit(g, f"{path}::{gi['name']}" if path else gi["name"])
                        continue
                    name = ci["name"]
                    sub = f"{path}::{name}" if path else name
                    if ci.get("id") is None:
                        add(sub, "external")
                    else:
                        visit(ci["id"], sub)
                elif c.get("name"):
                    sub = f"{path}::{c['name']}" if path else c["name"]
                    visit(child, sub)
            return
        if kind == "function":
            add(path, "fn", fn_sig(inner))
            return
        add(path, kind)
        for impl_id in inner.get("impls", []) if isinstance(inner, dict) else []:
            impl = index.get(str(impl_id))
            if impl is None:
                continue
            im = impl["inner"]["impl"]
            if im.get("blanket_impl") is not None or im.get("is_negative"):
                continue
            if im.get("trait"):
                tname = (im["trait"].get("path") or im["trait"].get("name") or "").split("::")[-1]
                if tname in NOISE_TRAITS:
                    continue
                r = Renderer(generic_map(im.get("generics")))
                add(f"{path}: {tname}{r.args(im['trait'].get('args'))}", "impl")
                continue
            for m in im["items"]:
                mi = index.get(str(m))
                if mi is None or mi.get("visibility") != "public" or not mi.get("name"):
                    continue
                mk, minner = next(iter(mi["inner"].items()))
                sig = fn_sig(minner, im.get("generics"), path.split("::")[-1]) if mk == "function" else ""
                add(f"{path}::{mi['name']}", "method" if mk == "function" else mk, sig)
        if kind == "trait":
            for m in inner.get("items", []):
                mi = index.get(str(m))
                if mi is None or not mi.get("name"):
                    continue
                mk, minner = next(iter(mi["inner"].items()))
                sig = fn_sig(minner, inner.get("generics")) if mk == "function" else ""
                add(f"{path}::{mi['name']}", "trait " + mk, sig)

    root = doc["root"]
    visit(root, "")
    items.pop("", None)
    return items


def main():
    # A package whose one dependency is tokio with the stable features on (cargo sets a
    # dependency's features only through a dependent).
    d = os.path.join(WORK, "doc-tokio")
    os.makedirs(os.path.join(d, "src"), exist_ok=True)
    with open(os.path.join(d, "Cargo.toml"), "w") as f:
        feats = ", ".join(f'"{x}"' for x in TOKIO_FEATURES.split(","))
        f.write('[package]\nname = "doc-tokio"\nversion = "0.0.0"\nedition = "2021"\n'
                'publish = false\n\n[lib]\npath = "src/lib.rs"\n\n[workspace]\n\n'
                f'[dependencies]\ntokio = {{ version = "={TOKIO_VERSION}", features = [{feats}] }}\n')
    open(os.path.join(d, "src", "lib.rs"), "a").close()
    tokio = rustdoc_json(os.path.join(d, "Cargo.toml"), "tokio", TOKIO_FEATURES,
                         os.path.join(WORK, "rustdoc-tokio"))
    weft = rustdoc_json(os.path.join(ROOT, "Cargo.toml"), "weft", "all",
                        os.path.join(WORK, "rustdoc-weft"))
    t_items, w_items = collect(tokio), collect(weft)

    deliberate = {}
    if os.path.exists(DELIBERATE):
        with open(DELIBERATE) as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#") and "|" in line:
                    p, why = line.split("|", 1)
                    deliberate[p.strip()] = why.strip()

    def excused(path):
        # An entry covers the path and everything under it.
        for p, why in deliberate.items():
            if path == p or path.startswith(p + "::") or path.startswith(p + ":"):
                return why
        return None

    def folded(p):
        # `Type: Trait` of a type weft lacks altogether is said by the type's own line.
        return ": " in p and p.split(": ", 1)[0] in t_items and p.split(": ", 1)[0] not in w_items

    missing = sorted(p for p in t_items if p not in w_items and not excused(p) and not folded(p))
    argued = sorted(p for p in t_items if p not in w_items and excused(p) and not folded(p))
    differs = sorted(
        p for p in t_items
        if p in w_items and t_items[p][1] and w_items[p][1] and t_items[p][1] != w_items[p][1]
    )
    added = sorted(p for p in w_items if p not in t_items
                   and not (": " in p and p.split(": ", 1)[0] not in t_items))

    lines = [
        f"# API parity: weft vs tokio {TOKIO_VERSION}",
        "",
        "Made by `python3 conformance/api_parity.py` from rustdoc's JSON output of both crates",
        f"(tokio {TOKIO_VERSION} with its stable features `{TOKIO_FEATURES}`; weft with all features),",
        "compared by public path. Paths drop the crate name; `Type: Trait` is a trait implementation",
        "(auto traits included, blanket implementations left out; the implementations of a type",
        "missing or added altogether are not listed again). Signatures are compared with path",
        "prefixes dropped and generic parameters renamed by position (`T0`, `T1`, ...), so a",
        "difference shown is one a caller can see, or a different spelling of the same bound.",
        "Deliberate differences live in `conformance/api-deliberate.txt` with their reason.",
        "",
        "| | count |",
        "|---|---|",
        f"| tokio public items | {len(t_items)} |",
        f"| weft public items | {len(w_items)} |",
        f"| missing in weft | {len(missing)} |",
        f"| missing on purpose (reason below) | {len(argued)} |",
        f"| signature differs | {len(differs)} |",
        f"| weft adds | {len(added)} |",
        "",
        "## Missing in weft",
        "",
    ]
    lines += [f"- `{p}` ({t_items[p][0]})" for p in missing] or ["None."]
    lines += ["", "## Missing on purpose", ""]
    lines += [f"- `{p}`: {excused(p)}" for p in argued] or ["None."]
    lines += ["", "## Signature differs", "", "| path | tokio | weft |", "|---|---|---|"]
    lines += [f"| `{p}` | `{t_items[p][1]}` | `{w_items[p][1]}` |" for p in differs]
    lines += ["", "## weft adds", ""]
    lines += [f"- `{p}` ({w_items[p][0]})" for p in added] or ["None."]
    with open(OUT, "w") as f:
        f.write("\n".join(s.replace("|", "\\|") if s.startswith("- ") else s for s in lines) + "\n")
    print(f"api parity: {len(missing)} missing, {len(argued)} missing on purpose, "
          f"{len(differs)} signatures differ, {len(added)} added -> {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
