#!/usr/bin/env python3
"""tokio-util's and tokio-stream's own `tests/`, run against weft and against real tokio.

For each crate, its package as published (the copy cargo unpacked into ~/.cargo/registry/src)
is copied to `<target>/suites/<mode>/<crate>/`, made its own workspace, and given the lock file
kept in `ecosystem/suites/` (so both modes build the same versions). In `weft` mode the copy
also gets `[patch.crates-io] tokio = { path = "compat/tokio" }`, so the crate itself, its
dev-dependencies (tokio-test, tokio-stream, ...) and the tests all run on weft.

Each test binary runs under a watchdog; if one crashes or hangs, its tests run one by one
(`--exact`), each under its own watchdog, so one abort cannot hide the others.

Usage: ecosystem/suites.py [--mode weft|tokio|both] [--jobs N]
The last lines compare the modes: `suites: P/B ...` where B tests pass on tokio and P of
those on weft.
"""

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys

CRATES = {"tokio-util": "0.7.20", "tokio-stream": "0.1.19"}
FEATURES = "full"
TOKIO = "1.54.1"  # compat/tokio's version
BINARY_TIMEOUT = 300
TEST_TIMEOUT = 60

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
WORK = os.path.join(ROOT, "target", "suites")
RESULT_LINE = re.compile(r"^test (\S+)(?: - should panic)? \.\.\. (ok|FAILED|ignored)", re.M)


def log(msg):
    print(msg, flush=True)


def registry_copy(name, version):
    home = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
    found = glob.glob(os.path.join(home, "registry", "src", "*", f"{name}-{version}"))
    if not found:
        # Unpack it the ordinary way: a throwaway package that depends on it.
        tmp = os.path.join(WORK, "fetch")
        os.makedirs(os.path.join(tmp, "src"), exist_ok=True)
        with open(os.path.join(tmp, "Cargo.toml"), "w") as f:
            f.write(f'[package]\nname = "fetch"\nversion = "0.0.0"\nedition = "2021"\n'
                    f'[workspace]\n[dependencies]\n{name} = "={version}"\n')
        open(os.path.join(tmp, "src", "lib.rs"), "w").close()
        subprocess.run(["cargo", "fetch", "--manifest-path", os.path.join(tmp, "Cargo.toml")],
                       check=True)
        found = glob.glob(os.path.join(home, "registry", "src", "*", f"{name}-{version}"))
    return found[0]


def prepare(mode, name, version):
    dst = os.path.join(WORK, mode, name)
    if os.path.exists(dst):
        shutil.rmtree(dst)
    shutil.copytree(registry_copy(name, version), dst)
    with open(os.path.join(dst, "Cargo.toml"), "a") as f:
        f.write("\n[workspace]\n")
        if mode == "weft":
            compat = os.path.join(ROOT, "compat", "tokio")
            f.write(f'\n[patch.crates-io]\ntokio = {{ path = "{compat}" }}\n')
    lock = os.path.join(HERE, "suites", f"{name}.{mode}.lock")
    if os.path.exists(lock):
        shutil.copy(lock, os.path.join(dst, "Cargo.lock"))
    elif mode == "weft":
        subprocess.run(["cargo", "generate-lockfile"], cwd=dst, check=True)
    elif mode == "tokio":
        # The resolver alone picked tokio 1.53.2 here; the baseline is the tokio whose API
        # compat/tokio follows.
        subprocess.run(["cargo", "generate-lockfile"], cwd=dst, check=True)
        subprocess.run(["cargo", "update", "-p", "tokio", "--precise", TOKIO], cwd=dst,
                       check=True)
    check_tokio(mode, dst)
    return dst


def check_tokio(mode, dst):
    """Every `tokio` in the graph is compat/tokio (weft) or the registry's 1.54.1 (tokio): a
    lock that mixes both once made a "weft" run partly real tokio."""
    out = subprocess.run(["cargo", "tree", "-e", "all", "--prefix", "none", "--format", "{p}"],
                         cwd=dst, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         check=True)
    tokios = {l.strip().removesuffix(" (*)") for l in out.stdout.splitlines()
              if l.startswith("tokio v")}
    want = "compat/tokio)" if mode == "weft" else f"tokio v{TOKIO}"
    wrong = [t for t in tokios if want not in t] + (
        [out.stderr] if "was not used" in out.stderr else [])
    if wrong:
        sys.exit(f"{dst}: tokio in the graph is not what {mode} mode wants: {wrong}")


def build(mode, dst, jobs):
    """Builds every test target; returns [(target name, executable)]."""
    cmd = ["cargo", "test", "--no-run", "--tests", "--features", FEATURES, "-j", str(jobs),
           "--message-format=json-render-diagnostics"]
    env = dict(os.environ, CARGO_TARGET_DIR=os.path.join(TARGET, "suites", mode))
    out = subprocess.run(cmd, cwd=dst, env=env, stdout=subprocess.PIPE, text=True)
    exes = []
    for line in out.stdout.splitlines():
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if msg.get("reason") == "compiler-artifact" and msg.get("executable") \
                and msg["target"]["kind"] == ["test"]:
            exes.append((msg["target"]["name"], msg["executable"]))
    return out.returncode, exes


def run(exe, args, timeout, cwd):
    try:
        p = subprocess.run([exe, *args], cwd=cwd, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, errors="replace",
                           timeout=timeout)
        return p.returncode, p.stdout
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        return "timeout", out


def listed(exe, cwd):
    _, out = run(exe, ["--list", "--format", "terse"], 60, cwd)
    return [l[: -len(": test")] for l in out.splitlines() if l.endswith(": test")]


def run_binary(target, exe, cwd):
    """{test: "ok" | "FAILED" | "ignored" | "crash" | "timeout"} for one test binary."""
    code, out = run(exe, ["--test-threads=2"], BINARY_TIMEOUT, cwd)
    results = {m.group(1): m.group(2) for m in RESULT_LINE.finditer(out)}
    names = listed(exe, cwd)
    if code not in (0, 101) or any(n not in results for n in names):
        log(f"  {target}: binary ended with {code}; running its tests one by one")
        for n in names:
            if n in results:
                continue
            c, o = run(exe, ["--exact", n, "--test-threads=1"], TEST_TIMEOUT, cwd)
            m = RESULT_LINE.search(o)
            results[n] = m.group(2) if m else ("timeout" if c == "timeout" else "crash")
    return {f"{target}::{n}": r for n, r in results.items()}


def suite(mode, jobs):
    results = {}
    for name, version in CRATES.items():
        dst = prepare(mode, name, version)
        log(f"== {mode}: {name} {version}")
        code, exes = build(mode, dst, jobs)
        if code != 0:
            log(f"  build failed ({code}); the targets that built still run")
        for target, exe in sorted(exes):
            for test, r in run_binary(target, exe, dst).items():
                results[f"{name}/{test}"] = r
        lock = os.path.join(dst, "Cargo.lock")
        keep = os.path.join(HERE, "suites", f"{name}.{mode}.lock")
        if os.path.exists(lock) and not os.path.exists(keep):
            shutil.copy(lock, keep)
        passed = sum(1 for k, r in results.items() if k.startswith(name + "/") and r == "ok")
        log(f"  {name}: {passed} pass, {len([k for k in results if k.startswith(name + '/')])} run")
    with open(os.path.join(WORK, f"{mode}.json"), "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
    return results


def compare():
    with open(os.path.join(WORK, "tokio.json")) as f:
        tokio = json.load(f)
    with open(os.path.join(WORK, "weft.json")) as f:
        weft = json.load(f)
    lines = []
    total_base = total_pass = 0
    for name in CRATES:
        base = sorted(k for k, r in tokio.items() if k.startswith(name + "/") and r == "ok")
        ok = [k for k in base if weft.get(k) == "ok"]
        total_base += len(base)
        total_pass += len(ok)
        lines.append(f"suites: {name}: {len(ok)}/{len(base)} of the tests passing on tokio pass on weft")
        for k in base:
            if weft.get(k) != "ok":
                lines.append(f"  not on weft: {k} ({weft.get(k, 'not built')})")
    extra = sorted(k for k, r in weft.items() if r == "ok" and tokio.get(k) != "ok")
    for k in extra:
        lines.append(f"  passes on weft only: {k} (tokio: {tokio.get(k, 'not built')})")
    pct = 100.0 * total_pass / total_base if total_base else 0.0
    lines.append(f"suites: {total_pass}/{total_base} tests pass ({pct:.1f}%)")
    log("\n".join(lines))
    return pct


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["weft", "tokio", "both"], default="both")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--floor", type=float, default=98.0,
                    help="fail (exit 1) below this percentage")
    args = ap.parse_args()
    os.makedirs(WORK, exist_ok=True)
    modes = ["tokio", "weft"] if args.mode == "both" else [args.mode]
    for mode in modes:
        suite(mode, args.jobs)
    if all(os.path.exists(os.path.join(WORK, f"{m}.json")) for m in ("tokio", "weft")):
        if compare() < args.floor:
            sys.exit(1)


if __name__ == "__main__":
    main()
