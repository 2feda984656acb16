//! `weft-bench`: runs every workload on weft, tokio and smol in alternation and reports medians,
//! ranges and ratios (stdout, `target/weft-bench/report.{md,json,svg}`).

use std::process::ExitCode;
use std::time::{Duration, Instant};

use weft_bench::harness::{self, BenchRun, MemoryResult, Progress};
use weft_bench::{report, rss, Params, Rt, Size, Workload, MEMORY_METRICS};

const USAGE: &str = "\
usage: weft-bench [--filter NAME[,NAME…]] [--runs N] [--threads N] [--size full|tiny] [--runtime NAME] [--json] [--list]

  --filter   run only workloads whose name contains one of the NAMEs (an exact name runs just
             that one); the memory measurements are named alloc_per_task and idle_tasks_rss
  --runs     counted runs per runtime per workload, after one warm-up (default 10)
  --threads  worker threads of every runtime (default: the number of cores)
  --size     problem sizes: full (tokio's bench sizes, default) or tiny (a smoke run)
  --runtime  run only this runtime (weft, tokio or smol), e.g. to count its syscalls
             (syscalls.sh); the others show as n/a
  --json     print the results as JSON instead of the Markdown table
  --list     list the workloads and exit

Writes target/weft-bench/report.md, report.json and report.svg (a run with --filter or
--size tiny or --runtime writes report-partial.* instead).";

struct Args {
    filter: Vec<String>,
    runs: usize,
    threads: usize,
    size: Size,
    json: bool,
    list: bool,
    rss_child: Option<Rt>,
    only: Option<Rt>,
}

fn parse_args() -> Result<Args, String> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut a = Args {
        filter: Vec::new(),
        runs: 10,
        threads: cores,
        size: Size::full(),
        json: false,
        list: false,
        rss_child: None,
        only: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or(format!("{flag} needs a value"))
        };
        let number = |v: String| {
            v.parse::<usize>()
                .map_err(|_| format!("{flag}: not a number: {v}"))
        };
        match flag.as_str() {
            "--filter" => a.filter.extend(
                value()?
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(String::from),
            ),
            "--runs" => a.runs = number(value()?)?.max(1),
            "--threads" => a.threads = number(value()?)?.max(1),
            "--size" => {
                a.size = match value()?.as_str() {
                    "full" => Size::full(),
                    "tiny" => Size::tiny(),
                    other => return Err(format!("--size: expected full or tiny, got {other}")),
                }
            }
            "--runtime" => {
                let v = value()?;
                a.only = Some(Rt::from_name(&v).ok_or(format!("--runtime: unknown runtime {v}"))?);
            }
            "--json" => a.json = true,
            "--list" => a.list = true,
            rss::CHILD_FLAG => {
                let v = value()?;
                a.rss_child = Some(Rt::from_name(&v).ok_or(format!("unknown runtime {v}"))?);
            }
            "-h" | "--help" => return Err(String::new()),
            // `cargo bench` passes this to every bench target; accept and ignore it.
            "--bench" => {}
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(a)
}

fn selected(name: &str, filter: &[String]) -> bool {
    if filter.is_empty() {
        return true;
    }
    let all: Vec<&str> = weft_bench::workloads()
        .iter()
        .map(|w| w.name)
        .chain(MEMORY_METRICS)
        .collect();
    filter.iter().any(|f| {
        if all.contains(&f.as_str()) {
            f == name
        } else {
            name.contains(f.as_str())
        }
    })
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("weft-bench: {e}\n");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(if e.is_empty() { 0 } else { 2 });
        }
    };
    let params = Params {
        threads: args.threads,
        size: args.size.clone(),
    };
    if let Some(rt) = args.only {
        harness::run_only(rt);
    }
    if let Some(rt) = args.rss_child {
        return ExitCode::from(rss::child_main(rt, &params) as u8);
    }
    if args.list {
        for w in weft_bench::workloads() {
            let weft = if w.weft.is_some() {
                ""
            } else {
                "  (weft: n/a)"
            };
            println!("{:<26} {}{weft}", w.name, w.about);
        }
        for m in MEMORY_METRICS {
            println!("{m}");
        }
        return ExitCode::SUCCESS;
    }

    let params_full = params.size.name == "full";
    let start = Instant::now();
    let date = report::utc_now();
    let workloads: Vec<Workload> = weft_bench::workloads()
        .into_iter()
        .filter(|w| selected(w.name, &args.filter))
        .collect();
    let want_alloc = selected("alloc_per_task", &args.filter);
    let want_rss = selected("idle_tasks_rss", &args.filter);
    if workloads.is_empty() && !want_alloc && !want_rss {
        eprintln!(
            "weft-bench: no workload matches {:?} (see --list)",
            args.filter
        );
        return ExitCode::from(2);
    }
    eprintln!(
        "weft-bench: {} workloads x 3 runtimes x ({} runs + 1 warm-up), {} threads, size {}; {}",
        workloads.len(),
        args.runs,
        params.threads,
        params.size.name,
        report::areas_line()
    );
    harness::start_watchdog(Duration::from_secs(180));
    let total_steps = workloads
        .iter()
        .map(|w| harness::steps(w, args.runs))
        .sum::<usize>()
        + 3 * (want_alloc as usize + want_rss as usize);
    let mut progress = Progress::new(total_steps);
    let results = workloads
        .iter()
        .map(|w| harness::run_workload(w, &params, args.runs, &mut progress))
        .collect();
    let memory = MemoryResult {
        alloc_per_task: want_alloc.then(|| harness::run_alloc(&params, &mut progress)),
        idle_rss: want_rss.then(|| harness::run_idle_rss(&params, &mut progress)),
    };
    progress.finish();
    let run = BenchRun {
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        params,
        runs: args.runs,
        date,
        total: start.elapsed(),
        workloads: results,
        memory,
    };
    if args.json {
        println!("{}", report::json(&run));
    } else {
        println!("{}", report::markdown(&run));
    }
    // Only a complete run (every workload, full size) replaces report.*, so a quick filtered
    // run never overwrites the numbers the README quotes.
    let stem = if args.filter.is_empty() && params_full && args.only.is_none() {
        "report"
    } else {
        "report-partial"
    };
    match report::output_dir().and_then(|dir| report::write_all(&run, &dir, stem).map(|_| dir)) {
        Ok(dir) => eprintln!("weft-bench: wrote {}/{stem}.{{md,json,svg}}", dir.display()),
        Err(e) => {
            eprintln!("weft-bench: could not write the report: {e}");
            return ExitCode::FAILURE;
        }
    }
    eprintln!("weft-bench: total time {}", report::fmt_dur(run.total));
    ExitCode::SUCCESS
}
