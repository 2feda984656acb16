#!/usr/bin/env python3
"""tokio's integration tests, built and run against weft (or, with --baseline, real tokio).

The suite is the `tests/` folder that tokio's crate package ships. A generated package
(`target/conformance/<mode>/`) holds those files as its test targets, every feature of tokio's
own package on, tokio's dev-dependencies as its own, and — in weft mode — a
`[patch.crates-io] tokio = { path = "compat/tokio" }`, so tokio-test, tokio-stream, futures-test
and every other crate of the graph that depends on tokio gets weft.

Each test binary runs under a watchdog; when a binary crashes or hangs, the tests it did not
report run one at a time (`--exact`), each under its own watchdog, so one abort cannot hide the
rest. A file whose cfg gate is off builds to zero tests and counts as passing none.

The last line is `conformance: P/B tests pass (F/T files compile)`: P counts the tests that pass
on weft among the B that pass on real tokio (listed in conformance/baseline.txt by --baseline).
"""

import argparse
import concurrent.futures
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
import tomllib

# The one line to change when moving to a newer tokio.
TOKIO_VERSION = "1.54.1"

# Test files left out, each with why: they can only be about another platform, tokio's
# internals behind `--cfg tokio_unstable`, or tokio's tracing instrumentation. Everything else
# is built; a file whose gate is off anyway runs zero tests and counts as passing none.
DROPPED = {
    "fs_open_options_windows": "Windows only (#![cfg(windows)])",
    "fs_symlink_dir_windows": "Windows only (#![cfg(windows)])",
    "fs_symlink_file_windows": "Windows only (#![cfg(windows)])",
    "net_named_pipe": "Windows only (named pipes)",
    "process_raw_handle": "Windows only (raw handles)",
    "io_emscripten": "emscripten only",
    "rt_emscripten_block_on": "emscripten only",
    "rt_emscripten_jspi": "emscripten only",
    "rt_multi_thread_emscripten": "emscripten only",
    "sync_emscripten_blocking": "emscripten only",
    "task_emscripten": "emscripten only",
    "time_wasm": "wasm only",
    "io_poll_aio": "FreeBSD only (POSIX AIO)",
    "dump": "tokio_unstable only: tokio's task dump internals (taskdump)",
    "task_trace_self": "tokio_unstable only: taskdump backtrace internals",
    "task_trace_wake": "tokio_unstable only: taskdump backtrace internals",
    "rt_poll_callbacks": "tokio_unstable only: before/after-poll hooks",
    "task_hooks": "tokio_unstable only: task spawn/terminate hooks",
    "task_builder": "tokio_unstable + tracing only: task::Builder",
    "rt_unstable_metrics": "tokio_unstable only: unstable runtime metrics",
    "time_alt": "tokio_unstable only: tokio's alternative timer implementation",
    "fs_uring": "tokio_unstable only: tokio's io-uring driver internals",
    "fs_uring_cancel_open": "tokio_unstable only: tokio's io-uring driver internals",
    "fs_uring_completed_then_dropped_before_repoll": "tokio_unstable only: io-uring internals",
    "fs_uring_file_read": "tokio_unstable only: tokio's io-uring driver internals",
    "fs_uring_no_io": "tokio_unstable only: tokio's io-uring driver internals",
    "fs_uring_read": "tokio_unstable only: tokio's io-uring driver internals",
    "fs_uring_rename": "tokio_unstable only: tokio's io-uring driver internals",
    "fs_uring_runtime_shutdown": "tokio_unstable only: tokio's io-uring driver internals",
    "fs_uring_statx": "tokio_unstable only: tokio's io-uring driver internals",
    "fs_uring_statx_fd_leak_test": "tokio_unstable only: tokio's io-uring driver internals",
    "tracing_sync": "tokio_unstable only: tracing instrumentation",
    "tracing_task": "tokio_unstable only: tracing instrumentation",
    "tracing_time": "tokio_unstable only: tracing instrumentation",
}

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.join(ROOT, "conformance")
WORK = os.path.join(ROOT, "target", "conformance")
BASELINE = os.path.join(HERE, "baseline.txt")
FLOOR = os.path.join(HERE, "floor.txt")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def tokio_package_dir():
    """Where `cargo fetch` put tokio's crate package (its manifest's folder)."""
    d = os.path.join(WORK, "fetch")
    os.makedirs(os.path.join(d, "src"), exist_ok=True)
    with open(os.path.join(d, "Cargo.toml"), "w") as f:
        f.write(
            '[package]\nname = "conformance-fetch"\nversion = "0.0.0"\nedition = "2021"\n'
            'publish = false\n\n[lib]\npath = "src/lib.rs"\n\n[workspace]\n\n'
            f'[dependencies]\ntokio = "={TOKIO_VERSION}"\n'
        )
    open(os.path.join(d, "src", "lib.rs"), "a").close()
    manifest = os.path.join(d, "Cargo.toml")
    subprocess.run(["cargo", "fetch", "--manifest-path", manifest], check=True)
    meta = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--manifest-path", manifest],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    for p in meta["packages"]:
        if p["name"] == "tokio" and p["version"] == TOKIO_VERSION:
            return os.path.dirname(p["manifest_path"])
    sys.exit(f"tokio {TOKIO_VERSION} not found after cargo fetch")


def toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(v)


def deps_table(header, deps):
    out = [f"[{header}]"]
    for name, spec in deps.items():
        out.append(f"{json.dumps(name)} = {toml_value(spec)}")
    return "\n".join(out) + "\n\n"


def generate(mode, tokio_dir, compat_dir, only):
    """Writes the test package for `mode` and returns its folder and test-file names."""
    with open(os.path.join(tokio_dir, "Cargo.toml"), "rb") as f:
        manifest = tomllib.load(f)
    proj = os.path.join(WORK, mode)
    tests_dst = os.path.join(proj, "tests")
    if os.path.exists(tests_dst):
        shutil.rmtree(tests_dst)
    shutil.copytree(os.path.join(tokio_dir, "tests"), tests_dst)

    files = sorted(t["name"] for t in manifest.get("test", []))
    files = [t for t in files if t not in DROPPED]
    if only:
        files = [t for t in files if t in only]

    # Every feature tokio's package has (named ones, and the optional dependencies' implicit
    # ones), each forwarded to tokio: the test files gate on these names.
    features = set(manifest.get("features", {}))
    for table in [manifest.get("dependencies", {})] + [
        t.get("dependencies", {}) for t in manifest.get("target", {}).values()
    ]:
        for name, spec in table.items():
            if isinstance(spec, dict) and spec.get("optional"):
                features.add(name)
    for spec in manifest.get("features", {}).values():
        for item in spec:
            if item.startswith("dep:"):
                features.discard(item[4:])
    features.discard("default")

    out = [
        "# Generated by conformance/conformance.py; do not edit.\n",
        "[package]\n",
        'name = "tokio-conformance"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n',
        "autotests = false\nautobins = false\nautoexamples = false\nautobenches = false\n\n",
        "[workspace]\n\n",
        # No debug info: the suite is built once and run once; linking 150 binaries with full
        # debug info costs more than it gives (panic locations do not need it).
        "[profile.dev]\ndebug = 0\nincremental = false\n\n",
        "[features]\n",
    ]
    for name in sorted(features):
        out.append(f'{json.dumps(name)} = ["tokio/{name}"]\n')
    out.append("\n")
    # tokio's own dependencies are in reach of its tests (they `use bytes::BytesMut`, ...).
    def plain(deps):
        return {n: {k: v for k, v in (s if isinstance(s, dict) else {"version": s}).items()
                    if k != "optional"} for n, s in deps.items() if n != "tokio-macros"}
    out.append(
        deps_table(
            "dependencies",
            {"tokio": {"version": f"={TOKIO_VERSION}"}, **plain(manifest.get("dependencies", {}))},
        )
    )
    for target, tables in manifest.get("target", {}).items():
        if "dependencies" in tables:
            out.append(deps_table(f"target.{json.dumps(target)}.dependencies", plain(tables["dependencies"])))
    out.append(deps_table("dev-dependencies", manifest.get("dev-dependencies", {})))
    for target, tables in manifest.get("target", {}).items():
        if "dev-dependencies" in tables:
            out.append(deps_table(f"target.{json.dumps(target)}.dev-dependencies", tables["dev-dependencies"]))
    lints = manifest.get("lints", {}).get("rust", {}).get("unexpected_cfgs")
    if lints:
        out.append(f"[lints.rust]\nunexpected_cfgs = {toml_value(lints)}\n\n")
    for t in files:
        out.append(f'[[test]]\nname = "{t}"\npath = "tests/{t}.rs"\n\n')
    if mode == "weft":
        out.append(f"[patch.crates-io]\ntokio = {{ path = {json.dumps(compat_dir)} }}\n")
    with open(os.path.join(proj, "Cargo.toml"), "w") as f:
        f.write("".join(out))

    # Seed the lock file so the graph's versions stay what the repo was tested with.
    lock = os.path.join(proj, "Cargo.lock")
    seed = os.path.join(HERE, f"Cargo.{mode}.lock")
    if not os.path.exists(seed) and mode == "weft":
        seed = os.path.join(compat_dir, "Cargo.lock")
    if os.path.exists(seed) and not os.path.exists(lock):
        shutil.copy(seed, lock)
    return proj, files


def build(proj, files, mode):
    """Builds every test target with --keep-going. Returns {file: exe} and {file: errors}."""
    env = dict(os.environ)
    env["CARGO_TARGET_DIR"] = os.path.join(WORK, "target")
    # No debug info and no incremental cache, whatever the caller's environment says (CI
    # exports line tables for its own builds): 150 test binaries link much faster without.
    env["CARGO_PROFILE_DEV_DEBUG"] = "0"
    env["CARGO_INCREMENTAL"] = "0"
    env.setdefault("CARGO_TERM_COLOR", "never")
    cmd = [
        "cargo", "build", "--keep-going", "--all-features",
        "--manifest-path", os.path.join(proj, "Cargo.toml"), "--message-format=json",
    ]
    for t in files:
        cmd += ["--test", t]
    t0 = time.time()
    log(f"building {len(files)} test files against {mode} ...")
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env, cwd=proj)
    exes, errors = {}, {}
    for line in p.stdout:
        try:
            msg = json.loads(line)
        except json.JSONDecodeError:
            continue
        target = msg.get("target") or {}
        if target.get("kind") != ["test"] or not msg.get("package_id", "").count("tokio-conformance"):
            if msg.get("reason") == "compiler-message" and msg["message"]["level"] == "error":
                # An error outside the test files (in weft, the compat crate or a dependency).
                errors.setdefault("<dependency>", []).append(msg["message"]["rendered"])
            continue
        name = target["name"]
        if msg.get("reason") == "compiler-artifact" and msg.get("executable"):
            exes[name] = msg["executable"]
        elif msg.get("reason") == "compiler-message" and msg["message"]["level"] == "error":
            errors.setdefault(name, []).append(msg["message"]["rendered"])
    p.wait()
    log(f"built in {time.time() - t0:.0f}s: {len(exes)}/{len(files)} test files compile")
    errdir = os.path.join(proj, "build-errors")
    shutil.rmtree(errdir, ignore_errors=True)
    os.makedirs(errdir)
    for name, errs in errors.items():
        with open(os.path.join(errdir, name.strip("<>") + ".txt"), "w") as f:
            f.write("\n".join(errs))
    if "<dependency>" in errors and not exes:
        log("".join(errors["<dependency>"][:5]))
        sys.exit("the test graph itself does not compile (see build-errors/dependency.txt)")
    return exes, errors


RESULT_RE = re.compile(r"^test (\S+)(?: - should panic)? \.\.\. (ok|FAILED|ignored)", re.M)


def run_watched(cmd, idle_timeout, cwd):
    """Runs a test binary under an inactivity watchdog: it is killed (with whatever it
    started) once `idle_timeout` seconds pass without a new test result. Returns
    (output, results, how it ended: 'ok' | 'crash' | 'timeout')."""
    env = dict(os.environ, RUST_BACKTRACE="0")
    p = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    chunks = []
    progress = [time.time()]

    def reader():
        seen = 0
        for line in iter(p.stdout.readline, b""):
            chunks.append(line)
            if line.startswith(b"test ") and re.search(rb"\.\.\. (ok|FAILED|ignored)", line):
                seen += 1
                progress[0] = time.time()

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    ended = None
    while p.poll() is None:
        if time.time() - progress[0] > idle_timeout:
            ended = "timeout"
            try:
                os.killpg(p.pid, 9)
            except ProcessLookupError:
                pass
            break
        time.sleep(0.2)
    p.wait()
    t.join(timeout=5)
    out = b"".join(chunks).decode("utf-8", "replace")
    if ended is None:
        ended = "ok" if p.returncode in (0, 101) and "test result:" in out else "crash"
    return out, dict(RESULT_RE.findall(out)), ended


def run_binary(name, exe, cwd, idle_timeout):
    """Runs one test file's binary; returns {test: 'ok'|'FAILED'|'ignored'|'crash'|'timeout'}.

    First all tests at once (libtest's threads). If the binary crashes or stalls, the tests it
    did not report run again in one process, one at a time, in libtest's (sorted) order; the
    first of them without a result is the one that crashed or hung it: it is marked, and the
    rest run again, until every test has a result. A hang costs one watchdog period."""
    listing = subprocess.run(
        [exe, "--list", "--format", "terse"], capture_output=True, text=True, cwd=cwd
    ).stdout
    tests = [l[: -len(": test")] for l in listing.splitlines() if l.endswith(": test")]
    if not tests:
        return {}, "no tests"
    _, results, ended = run_watched([exe], idle_timeout, cwd)
    note = "" if ended == "ok" else ended
    rest = sorted(t for t in tests if t not in results)
    if rest:
        log(f"  {name}: binary ended by {ended}; {len(rest)} tests rerun one at a time")
    while rest:
        _, got, ended1 = run_watched(
            [exe, "--exact", "--test-threads=1", *rest], idle_timeout, cwd
        )
        results.update(got)
        left = [t for t in rest if t not in results]
        if left and len(left) == len(rest) and ended1 == "ok":
            # Nothing ran (a filter problem): do not loop.
            for t in left:
                results[t] = "crash"
            break
        if left:
            # The first unreported test is the one the process died or stalled in.
            results[left[0]] = ended1 if ended1 != "ok" else "crash"
            left = left[1:]
        rest = left
    return results, note


def read_baseline():
    passing, meta = set(), []
    if not os.path.exists(BASELINE):
        return None, meta
    with open(BASELINE) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#"):
                meta.append(line)
            elif line:
                passing.add(line)
    return passing, meta


def machine():
    cpu = "unknown cpu"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{platform.node() or 'host'}, {os.cpu_count()} cores, {cpu}, {platform.system()} {platform.release()}, {rustc}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baseline", action="store_true", help="run on real tokio and write conformance/baseline.txt")
    ap.add_argument("--check-floor", action="store_true", help="exit 1 when P is below conformance/floor.txt")
    ap.add_argument("--compat", default=os.environ.get("WEFT_COMPAT", os.path.join(ROOT, "compat", "tokio")),
                    help="the crate named tokio that is weft (default: compat/tokio)")
    ap.add_argument("--timeout", type=int, default=45,
                    help="watchdog: a test binary that reports no result for this long is ended, seconds")
    ap.add_argument("--jobs", type=int, default=3,
                    help="test binaries run at once (they mostly wait on timers and sockets)")
    ap.add_argument("only", nargs="*", help="run only these test files (no baseline.txt written)")
    args = ap.parse_args()
    mode = "baseline" if args.baseline else "weft"
    compat = os.path.abspath(args.compat)
    if mode == "weft" and not os.path.exists(os.path.join(compat, "Cargo.toml")):
        sys.exit(f"no crate at {compat}: the weft-as-tokio crate is needed (--compat PATH)")

    t0 = time.time()
    tokio_dir = tokio_package_dir()
    proj, files = generate(mode, tokio_dir, compat, set(args.only))
    exes, errors = build(proj, files, mode)
    t_build = time.time() - t0

    results = {}
    notes = {}
    durations = {}

    def job(name):
        t = time.time()
        log(f"running {name}")
        res = run_binary(name, exes[name], proj, args.timeout)
        durations[name] = time.time() - t
        return name, res

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for name, (res, note) in pool.map(job, [n for n in files if n in exes]):
            results[name], notes[name] = res, note
    t_run = time.time() - t0 - t_build
    slow = sorted(durations.items(), key=lambda kv: -kv[1])[:5]
    log("slowest binaries: " + ", ".join(f"{n} {d:.0f}s" for n, d in slow))

    with open(os.path.join(proj, "results.txt"), "w") as f:
        for name in files:
            if name not in exes:
                f.write(f"{name} does-not-compile\n")
            for t, r in sorted(results.get(name, {}).items()):
                f.write(f"{name}::{t} {r}\n")

    baseline, meta = read_baseline()
    if mode == "baseline":
        passing = {f"{n}::{t}" for n, rs in results.items() for t, r in rs.items() if r == "ok"}
        if not args.only:
            with open(BASELINE, "w") as f:
                f.write(f"# tokio {TOKIO_VERSION}'s tests that pass on real tokio {TOKIO_VERSION}"
                        " (conformance/run.sh --baseline)\n")
                f.write(f"# date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC\n")
                f.write(f"# machine: {machine()}\n")
                f.write(f"# {len(passing)} tests pass; {len(exes)}/{len(files)} files compile\n")
                for t in sorted(passing):
                    f.write(t + "\n")
        baseline = passing

    # The table: per file, tests passing (among those tokio passes) / failing / not compiling.
    print(f"{'test file':<48} {'pass':>5} {'fail':>5} {'tokio':>6}  note")
    P = B = 0
    for name in files:
        b = {t for t in baseline if t.split("::", 1)[0] == name} if baseline is not None else set()
        B += len(b)
        if name not in exes:
            print(f"{name:<48} {'-':>5} {'-':>5} {len(b):>6}  does not compile")
            continue
        rs = results[name]
        ok = {f"{name}::{t}" for t, r in rs.items() if r == "ok"}
        p = len(ok & b) if baseline is not None else len(ok)
        failed = sorted(t for t, r in rs.items() if r != "ok" and r != "ignored" and f"{name}::{t}" in b)
        P += p
        note = notes[name]
        if not rs:
            note = "gate off: no tests"
        elif failed:
            note = (note + "; " if note else "") + "fails: " + ", ".join(
                f"{t}" + (f" ({rs[t]})" if rs[t] in ("crash", "timeout") else "") for t in failed[:6]
            ) + (f" (+{len(failed) - 6})" if len(failed) > 6 else "")
        print(f"{name:<48} {p:>5} {len(failed):>5} {len(b):>6}  {note}")
    print(f"dropped: {len(DROPPED)} files (other platforms, tokio_unstable internals; see DROPPED in conformance/conformance.py)")
    print(f"build {t_build:.0f}s, run {t_run:.0f}s; per-test results in {os.path.relpath(proj, ROOT)}/results.txt")
    if baseline is None:
        print("(no conformance/baseline.txt yet: run with --baseline first)")
    print(f"conformance: {P}/{B} tests pass ({len(exes)}/{len(files)} files compile)")
    if args.check_floor:
        with open(FLOOR) as f:
            floor = int(f.read().split()[0])
        if P < floor:
            print(f"conformance: {P} is below the floor of {floor} in conformance/floor.txt")
            sys.exit(1)


if __name__ == "__main__":
    main()
