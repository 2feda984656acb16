//! Runs every workload that is enabled for weft once at the tiny size, on weft only, so the
//! workloads keep compiling and their own correctness checks (every message received, every
//! task run, no early timer, echoed bytes equal) keep passing. No timing is asserted.

use weft_bench::{Params, Rt, Size};

fn tiny() -> Params {
    Params {
        threads: 2,
        size: Size::tiny(),
    }
}

#[test]
fn every_enabled_weft_workload_passes_its_checks_once() {
    let p = tiny();
    let mut ran = Vec::new();
    for w in weft_bench::workloads() {
        let Some(f) = w.get(Rt::Weft) else { continue };
        if let Err(e) = f(&p) {
            panic!("{} on weft: {e}", w.name);
        }
        ran.push(w.name);
    }
    eprintln!("ran on weft: {ran:?}");
    let expected = weft_bench::workloads()
        .iter()
        .filter(|w| w.area.enabled_for_weft())
        .count();
    assert_eq!(
        ran.len(),
        expected,
        "every workload of an enabled area has a weft version"
    );
}

#[test]
fn weft_memory_measurements_work_when_enabled() {
    let p = tiny();
    if let Some(r) = weft_bench::alloc_per_task(Rt::Weft, &p) {
        let (bytes, allocs) = r.expect("alloc_per_task on weft");
        assert!(
            bytes > 0.0 && allocs > 0.0,
            "a spawned task allocates something"
        );
    }
    if let Some(r) = weft_bench::idle_tasks_in_process(Rt::Weft, &p) {
        let r = r.expect("idle_tasks on weft");
        assert_eq!(r.tasks, p.size.idle_tasks);
    }
}

/// The same on the peers, to check the workloads themselves (run with `--ignored`).
#[test]
#[ignore = "checks the peers' versions; weft-only by default"]
fn every_peer_workload_passes_its_checks_once() {
    let p = tiny();
    for w in weft_bench::workloads() {
        for rt in [Rt::Tokio, Rt::Smol] {
            let f = w.get(rt).expect("peers have every workload");
            if let Err(e) = f(&p) {
                panic!("{} on {}: {e}", w.name, rt.name());
            }
        }
    }
    for rt in [Rt::Tokio, Rt::Smol] {
        weft_bench::alloc_per_task(rt, &p).unwrap().unwrap();
        let r = weft_bench::idle_tasks_in_process(rt, &p).unwrap().unwrap();
        assert_eq!(r.tasks, p.size.idle_tasks);
    }
}
