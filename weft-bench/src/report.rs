//! The outputs: the Markdown table (stdout and `report.md`), the JSON form, where they go.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::harness::{BenchRun, Outcome, Stats, WorkloadResult};
use crate::rss::IdleRss;
use crate::{Area, Rt};

/// The workspace's target directory: `CARGO_TARGET_DIR` if set, else the directory holding
/// cargo's `CACHEDIR.TAG` above this executable, else `target/` at the workspace root above the
/// current directory.
pub fn target_dir() -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let workspace_root = || {
        cwd.ancestors()
            .find(|d| {
                std::fs::read_to_string(d.join("Cargo.toml"))
                    .map(|t| t.contains("[workspace]"))
                    .unwrap_or(false)
            })
            .unwrap_or(&cwd)
            .to_path_buf()
    };
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        let dir = PathBuf::from(dir);
        return if dir.is_absolute() {
            dir
        } else {
            workspace_root().join(dir)
        };
    }
    if let Ok(exe) = std::env::current_exe() {
        if let Some(dir) = exe
            .ancestors()
            .skip(1)
            .find(|d| d.join("CACHEDIR.TAG").is_file())
        {
            return dir.to_path_buf();
        }
    }
    workspace_root().join("target")
}

/// `target/weft-bench`, created.
pub fn output_dir() -> std::io::Result<PathBuf> {
    let dir = target_dir().join("weft-bench");
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Now, as "YYYY-MM-DD HH:MM UTC".
pub fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + (m <= 2) as i64;
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
}

fn sig3(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

fn unit_of(d: Duration) -> (f64, &'static str) {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        (1.0, "s")
    } else if s >= 1e-3 {
        (1e3, "ms")
    } else {
        (1e6, "µs")
    }
}

/// A duration in a readable unit, three significant digits.
pub fn fmt_dur(d: Duration) -> String {
    let (k, u) = unit_of(d);
    format!("{} {u}", sig3(d.as_secs_f64() * k))
}

fn fmt_stats(s: &Stats) -> String {
    let (k, u) = unit_of(s.median);
    format!(
        "{} {u} ({}–{})",
        sig3(s.median.as_secs_f64() * k),
        sig3(s.min.as_secs_f64() * k),
        sig3(s.max.as_secs_f64() * k)
    )
}

/// A ratio that prints as 1.00 is parity, not "slower".
const SLOWER: f64 = 1.005;

fn fmt_ratio(r: Option<f64>) -> String {
    match r {
        None => "–".to_string(),
        Some(r) if r >= SLOWER => format!("**{r:.2}×**"),
        Some(r) => format!("{r:.2}×"),
    }
}

fn na_text(area: Area) -> String {
    format!("n/a (`{}` off)", area.feature())
}

fn cell<T>(o: &Outcome<T>, area: Area, done: impl Fn(&T) -> String) -> String {
    match o {
        Outcome::NotAvailable => na_text(area),
        Outcome::Failed(_) => "FAILED".to_string(),
        Outcome::Done(v) => done(v),
    }
}

fn ratio_of<T>(o: &[Outcome<T>; 3], peer: Rt, val: impl Fn(&T) -> f64) -> Option<f64> {
    match (&o[Rt::Weft as usize], &o[peer as usize]) {
        (Outcome::Done(a), Outcome::Done(b)) => Some(val(a) / val(b)),
        _ => None,
    }
}

fn mib(kib: u64) -> String {
    format!("{} MiB", sig3(kib as f64 / 1024.0))
}

fn rss_cell(r: &IdleRss) -> String {
    format!(
        "{} peak, {} B/task",
        mib(r.peak_kib),
        sig3(r.bytes_per_task())
    )
}

/// Which weft areas this build measures.
pub fn areas_line() -> String {
    let (on, off): (Vec<Area>, Vec<Area>) =
        [Area::RtCore, Area::Sync, Area::Time, Area::Net, Area::Fs]
            .into_iter()
            .partition(|a| a.enabled_for_weft());
    let names = |v: &[Area]| {
        v.iter()
            .map(|a| format!("`{}`", a.feature()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "weft areas measured: {}; not yet: {}",
        if on.is_empty() {
            "none".into()
        } else {
            names(&on)
        },
        if off.is_empty() {
            "none".into()
        } else {
            names(&off)
        }
    )
}

fn verdict(w: &WorkloadResult) -> Option<String> {
    let name = w.workload.name;
    match &w.outcomes[Rt::Weft as usize] {
        Outcome::NotAvailable => return None,
        Outcome::Failed(e) => return Some(format!("- **{name}**: weft FAILED: {e}")),
        Outcome::Done(_) => {}
    }
    let weft = w.stats(Rt::Weft)?;
    let mut slower = Vec::new();
    let mut overlap = false;
    for peer in [Rt::Tokio, Rt::Smol] {
        if let (Some(s), Some(r)) = (w.stats(peer), w.ratio(peer)) {
            if r >= SLOWER {
                slower.push(format!(
                    "{r:.2}× {}'s time ({} vs {} median)",
                    peer.name(),
                    fmt_dur(weft.median),
                    fmt_dur(s.median)
                ));
                overlap |= weft.min <= s.max;
            }
        }
    }
    if slower.is_empty() {
        return None;
    }
    let caveat = if overlap {
        "; the min–max ranges overlap, so part of the gap may be noise"
    } else {
        ""
    };
    Some(format!(
        "- **{name}**: weft is slower, taking {}{caveat}.",
        slower.join(" and ")
    ))
}

/// The report as Markdown (printed and written to `report.md`).
pub fn markdown(run: &BenchRun) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# weft-bench report\n");
    let _ = writeln!(
        md,
        "{} · {} cores · {} worker threads per runtime · {} counted runs each after 1 warm-up, alternating weft, tokio, smol · size `{}` · total time {}\n",
        run.date,
        run.cores,
        run.params.threads,
        run.runs,
        run.params.size.name,
        fmt_dur(run.total)
    );
    let _ = writeln!(md, "{}\n", areas_line());
    if !run.workloads.is_empty() {
        let _ = writeln!(md, "Median (min–max) wall time per run; ratio = weft's median / the peer's (below 1 = weft faster; **bold** = weft slower).\n");
        let _ = writeln!(
            md,
            "| workload | weft | tokio | smol | weft/tokio | weft/smol |"
        );
        let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|");
        for w in &run.workloads {
            let c = |rt: Rt| {
                cell(&w.outcomes[rt as usize], w.workload.area, |s| {
                    fmt_stats(&Stats::of(s))
                })
            };
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} |",
                w.workload.name,
                c(Rt::Weft),
                c(Rt::Tokio),
                c(Rt::Smol),
                fmt_ratio(w.ratio(Rt::Tokio)),
                fmt_ratio(w.ratio(Rt::Smol))
            );
        }
        let _ = writeln!(md);
    }
    let m = &run.memory;
    if m.alloc_per_task.is_some() || m.idle_rss.is_some() {
        let _ = writeln!(md, "Memory (smaller is better; ratio = weft / peer):\n");
        let _ = writeln!(
            md,
            "| measurement | weft | tokio | smol | weft/tokio | weft/smol |"
        );
        let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|");
        if let Some(a) = &m.alloc_per_task {
            let c = |rt: Rt| {
                cell(&a[rt as usize], Area::RtCore, |(b, n)| {
                    format!("{} B in {} allocs", sig3(*b), sig3(*n))
                })
            };
            let r = |peer| fmt_ratio(ratio_of(a, peer, |v| v.0));
            let _ = writeln!(
                md,
                "| bytes allocated per empty spawned task | {} | {} | {} | {} | {} |",
                c(Rt::Weft),
                c(Rt::Tokio),
                c(Rt::Smol),
                r(Rt::Tokio),
                r(Rt::Smol)
            );
        }
        if let Some(a) = &m.idle_rss {
            let tasks = a.iter().find_map(|o| {
                if let Outcome::Done(r) = o {
                    Some(r.tasks)
                } else {
                    None
                }
            });
            let c = |rt: Rt| cell(&a[rt as usize], Area::Sync, rss_cell);
            let r = |peer| fmt_ratio(ratio_of(a, peer, |v| v.bytes_per_task()));
            let _ = writeln!(
                md,
                "| peak RSS, {} idle tasks on a Notify (B/task = growth over the runtime's baseline) | {} | {} | {} | {} | {} |",
                tasks.map(group).unwrap_or_default(),
                c(Rt::Weft), c(Rt::Tokio), c(Rt::Smol), r(Rt::Tokio), r(Rt::Smol)
            );
        }
        let _ = writeln!(md);
    }

    let _ = writeln!(md, "## Verdict\n");
    let mut lines: Vec<String> = run.workloads.iter().filter_map(verdict).collect();
    if let Some(a) = &m.alloc_per_task {
        lines.extend(memory_verdict(
            "bytes per empty task",
            a,
            |v| v.0,
            |v| format!("{} B", sig3(v.0)),
        ));
    }
    if let Some(a) = &m.idle_rss {
        lines.extend(memory_verdict(
            "RSS per idle task",
            a,
            |v| v.bytes_per_task(),
            |v| format!("{} B", sig3(v.bytes_per_task())),
        ));
    }
    let measured: Vec<&WorkloadResult> = run
        .workloads
        .iter()
        .filter(|w| w.stats(Rt::Weft).is_some())
        .collect();
    let at_or_below = measured
        .iter()
        .filter(|w| {
            [Rt::Tokio, Rt::Smol]
                .iter()
                .all(|p| w.ratio(*p).map_or(true, |r| r < SLOWER))
        })
        .count();
    let stretch = measured
        .iter()
        .filter(|w| {
            [Rt::Tokio, Rt::Smol]
                .iter()
                .all(|p| w.ratio(*p).map_or(true, |r| r <= 0.8))
        })
        .count();
    let _ = writeln!(
        md,
        "weft measured on {} of {} timed workloads: at or below the best peer on {}, at or below 0.8× the best peer (stretch goal) on {}.\n",
        measured.len(),
        run.workloads.len(),
        at_or_below,
        stretch
    );
    if lines.is_empty() {
        let _ = writeln!(
            md,
            "Where weft was measured, it was nowhere slower than a peer.\n"
        );
    } else {
        let _ = writeln!(md, "Where weft is slower or failed:\n");
        for l in lines {
            let _ = writeln!(md, "{l}");
        }
        let _ = writeln!(md);
    }
    let na: Vec<String> = run
        .workloads
        .iter()
        .filter(|w| matches!(w.outcomes[Rt::Weft as usize], Outcome::NotAvailable))
        .map(|w| format!("{} (`{}`)", w.workload.name, w.workload.area.feature()))
        .collect();
    if !na.is_empty() {
        let _ = writeln!(
            md,
            "Not measured on weft yet (its API area is not on main): {}.\n",
            na.join(", ")
        );
    }
    let failed: Vec<String> = run
        .workloads
        .iter()
        .flat_map(|w| {
            Rt::ALL
                .into_iter()
                .filter_map(move |rt| match &w.outcomes[rt as usize] {
                    Outcome::Failed(e) if rt != Rt::Weft => {
                        Some(format!("- {} on {}: {e}", w.workload.name, rt.name()))
                    }
                    _ => None,
                })
        })
        .collect();
    if !failed.is_empty() {
        let _ = writeln!(
            md,
            "Peer failures (a bug in the workload or the peer):\n\n{}\n",
            failed.join("\n")
        );
    }
    let _ = writeln!(md, "## Workloads\n");
    if run.params.size.name != "full" {
        let _ = writeln!(
            md,
            "(Sizes below are those of `--size full`; this run used `--size {}`.)\n",
            run.params.size.name
        );
    }
    for w in &run.workloads {
        let _ = writeln!(md, "- `{}`: {}", w.workload.name, w.workload.about);
    }
    if m.alloc_per_task.is_some() {
        let _ = writeln!(md, "- `alloc_per_task`: bytes the global allocator handed out while 10,000 empty tasks were spawned from outside the runtime (after a warm-up round), per task");
    }
    if m.idle_rss.is_some() {
        let _ = writeln!(md, "- `idle_tasks_rss`: 1,000,000 tasks each waiting on one shared Notify (smol: event-listener Event), in a child process per runtime; peak RSS (VmHWM) once all are parked");
    }
    md
}

fn memory_verdict<T>(
    what: &str,
    a: &[Outcome<T>; 3],
    val: impl Fn(&T) -> f64,
    show: impl Fn(&T) -> String,
) -> Vec<String> {
    let Outcome::Done(weft) = &a[Rt::Weft as usize] else {
        if let Outcome::Failed(e) = &a[Rt::Weft as usize] {
            return vec![format!("- **{what}**: weft FAILED: {e}")];
        }
        return Vec::new();
    };
    let mut out = Vec::new();
    for peer in [Rt::Tokio, Rt::Smol] {
        if let Outcome::Done(p) = &a[peer as usize] {
            let r = val(weft) / val(p);
            if r >= SLOWER {
                out.push(format!(
                    "- **{what}**: weft uses {r:.2}× {}'s ({} vs {}).",
                    peer.name(),
                    show(weft),
                    show(p)
                ));
            }
        }
    }
    out
}

fn group(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_outcome<T>(o: &Outcome<T>, done: impl Fn(&T) -> String) -> String {
    match o {
        Outcome::NotAvailable => "{\"status\":\"n/a\"}".to_string(),
        Outcome::Failed(e) => format!("{{\"status\":\"failed\",\"error\":{}}}", json_str(e)),
        Outcome::Done(v) => format!("{{\"status\":\"ok\",{}}}", done(v)),
    }
}

fn json_num(x: Option<f64>) -> String {
    x.filter(|x| x.is_finite())
        .map_or("null".to_string(), |x| format!("{x:.4}"))
}

/// The run as JSON (times in nanoseconds).
pub fn json(run: &BenchRun) -> String {
    let mut j = String::from("{");
    let _ = write!(
        j,
        "\"date\":{},\"cores\":{},\"threads\":{},\"runs\":{},\"size\":{},\"total_seconds\":{:.3},\"workloads\":[",
        json_str(&run.date),
        run.cores,
        run.params.threads,
        run.runs,
        json_str(run.params.size.name),
        run.total.as_secs_f64()
    );
    for (i, w) in run.workloads.iter().enumerate() {
        if i > 0 {
            j.push(',');
        }
        let _ = write!(
            j,
            "{{\"name\":{},\"area\":{},",
            json_str(w.workload.name),
            json_str(w.workload.area.feature())
        );
        for rt in Rt::ALL {
            let _ = write!(
                j,
                "{}:{},",
                json_str(rt.name()),
                json_outcome(&w.outcomes[rt as usize], |s| {
                    let st = Stats::of(s);
                    let samples: Vec<String> = s.iter().map(|d| d.as_nanos().to_string()).collect();
                    format!(
                        "\"median_ns\":{},\"min_ns\":{},\"max_ns\":{},\"samples_ns\":[{}]",
                        st.median.as_nanos(),
                        st.min.as_nanos(),
                        st.max.as_nanos(),
                        samples.join(",")
                    )
                })
            );
        }
        let _ = write!(
            j,
            "\"weft_over_tokio\":{},\"weft_over_smol\":{}}}",
            json_num(w.ratio(Rt::Tokio)),
            json_num(w.ratio(Rt::Smol))
        );
    }
    j.push_str("],\"memory\":{");
    let mut parts = Vec::new();
    if let Some(a) = &run.memory.alloc_per_task {
        let per: Vec<String> = Rt::ALL
            .iter()
            .map(|rt| {
                format!(
                    "{}:{}",
                    json_str(rt.name()),
                    json_outcome(&a[*rt as usize], |(b, n)| format!(
                        "\"bytes_per_task\":{b:.2},\"allocs_per_task\":{n:.3}"
                    ))
                )
            })
            .collect();
        parts.push(format!("\"alloc_per_task\":{{{}}}", per.join(",")));
    }
    if let Some(a) = &run.memory.idle_rss {
        let per: Vec<String> = Rt::ALL
            .iter()
            .map(|rt| {
                format!(
                    "{}:{}",
                    json_str(rt.name()),
                    json_outcome(&a[*rt as usize], |r| format!(
                        "\"tasks\":{},\"baseline_kib\":{},\"peak_kib\":{},\"bytes_per_task\":{:.1}",
                        r.tasks,
                        r.baseline_kib,
                        r.peak_kib,
                        r.bytes_per_task()
                    ))
                )
            })
            .collect();
        parts.push(format!("\"idle_tasks_rss\":{{{}}}", per.join(",")));
    }
    j.push_str(&parts.join(","));
    j.push_str("}}");
    j
}

/// Writes `STEM.md`, `STEM.json` and `STEM.svg` into `dir`.
pub fn write_all(run: &BenchRun, dir: &Path, stem: &str) -> std::io::Result<()> {
    std::fs::write(dir.join(format!("{stem}.md")), markdown(run))?;
    std::fs::write(dir.join(format!("{stem}.json")), json(run) + "\n")?;
    crate::svg::write_chart(run, &dir.join(format!("{stem}.svg")))
        .map_err(std::io::Error::other)?;
    Ok(())
}
