//! weft::sim: determinism, virtual time, hosts, crash and restart (`--features sim`).
//! The simulation has its own (seeded, single-thread) scheduler, so these tests do not run on
//! both of the runtime's schedulers.
#![cfg(feature = "sim")]

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use weft::sim::Sim;

/// Five clients race messages into a sink through a channel; the sink logs the arrival order,
/// which the seeded scheduler decides. Waits of a few milliseconds mix virtual time in.
fn race(seed: u64) -> u64 {
    let mut sim = Sim::new(seed);
    let (tx, mut rx) = weft::sync::mpsc::unbounded_channel::<(usize, usize)>();
    for c in 0..5 {
        let tx = tx.clone();
        sim.client(format!("c{c}"), async move {
            for i in 0..10 {
                // `select!`'s branch order comes from the seed too.
                weft::select! {
                    _ = async {} => tx.send((c, i))?,
                    _ = async {} => tx.send((c, i + 100))?,
                }
                if i % 3 == 0 {
                    weft::time::sleep(Duration::from_millis(1)).await;
                } else {
                    weft::task::yield_now().await;
                }
            }
            Ok(())
        });
    }
    drop(tx);
    sim.client("sink", async move {
        let mut seen = 0;
        while let Some((c, i)) = rx.recv().await {
            weft::sim::log(format!("got {c}.{i}"));
            assert!(i % 100 < 10);
            seen += 1;
        }
        assert_eq!(seen, 50);
        Ok(())
    });
    sim.run().unwrap().hash
}

#[test]
fn same_seed_same_hash_different_seeds_differ() {
    let mut hashes = Vec::new();
    for seed in 0..100 {
        let a = race(seed);
        let b = race(seed);
        assert_eq!(a, b, "seed {seed} is not deterministic");
        hashes.push(a);
    }
    hashes.sort_unstable();
    hashes.dedup();
    assert_eq!(hashes.len(), 100, "two of 100 seeds gave the same hash");
}

#[test]
fn an_hour_of_virtual_time_runs_without_waiting() {
    let wall = std::time::Instant::now();
    let mut sim = Sim::new(1);
    for h in 0..10 {
        sim.host(format!("idle{h}"), || async {
            loop {
                weft::time::sleep(Duration::from_secs(60)).await;
            }
        });
    }
    sim.client("c", async {
        let start = weft::time::Instant::now();
        weft::time::sleep(Duration::from_secs(3600)).await;
        assert_eq!(start.elapsed(), Duration::from_secs(3600));
        assert_eq!(weft::sim::elapsed(), Duration::from_secs(3600));
        Ok(())
    });
    let report = sim.run().unwrap();
    assert_eq!(report.elapsed, Duration::from_secs(3600));
    // Reported, not asserted (no timing assertions in tests).
    eprintln!(
        "1 simulated hour, 10 hosts ticking every minute: {:?} of wall time",
        wall.elapsed()
    );
}

#[test]
fn timers_fire_in_deadline_order_in_virtual_time() {
    let mut sim = Sim::new(3);
    let order = Arc::new(std::sync::Mutex::new(Vec::new()));
    for (name, ms) in [("a", 300u64), ("b", 100), ("c", 200)] {
        let order = order.clone();
        sim.client(name, async move {
            weft::time::sleep(Duration::from_millis(ms)).await;
            assert_eq!(weft::sim::elapsed(), Duration::from_millis(ms));
            order.lock().unwrap().push(name);
            Ok(())
        });
    }
    let report = sim.run().unwrap();
    assert_eq!(report.elapsed, Duration::from_millis(300));
    assert_eq!(*order.lock().unwrap(), ["b", "c", "a"]);
}

struct SetOnDrop(Arc<AtomicBool>);
impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn crash_drops_every_task_of_the_host_and_restart_runs_it_again() {
    let starts = Arc::new(AtomicUsize::new(0));
    let ticks = Arc::new(AtomicUsize::new(0));
    let dropped = Arc::new(AtomicBool::new(false));
    let mut sim = Sim::new(5);
    {
        let (starts, ticks, dropped) = (starts.clone(), ticks.clone(), dropped.clone());
        sim.host("h", move || {
            let (ticks, dropped) = (ticks.clone(), dropped.clone());
            let first = starts.fetch_add(1, Ordering::SeqCst) == 0;
            async move {
                assert_eq!(weft::sim::hostname().as_deref(), Some("h"));
                // A spawned task belongs to the host: the crash drops it too.
                weft::spawn(async move {
                    let _guard = first.then(|| SetOnDrop(dropped));
                    loop {
                        weft::time::sleep(Duration::from_secs(1)).await;
                        ticks.fetch_add(1, Ordering::SeqCst);
                    }
                });
                std::future::pending().await
            }
        });
    }
    let (s, t, d) = (starts.clone(), ticks.clone(), dropped.clone());
    sim.client("c", async move {
        weft::time::sleep(Duration::from_millis(5500)).await;
        assert_eq!(t.load(Ordering::SeqCst), 5);
        weft::sim::crash("h");
        weft::time::sleep(Duration::from_secs(3)).await;
        assert_eq!(t.load(Ordering::SeqCst), 5, "a crashed host's task ran");
        assert!(
            d.load(Ordering::SeqCst),
            "the crash did not drop the spawned task"
        );
        weft::sim::restart("h");
        weft::time::sleep(Duration::from_millis(2500)).await;
        assert_eq!(t.load(Ordering::SeqCst), 7);
        assert_eq!(s.load(Ordering::SeqCst), 2);
        Ok(())
    });
    sim.run().unwrap();
}

#[test]
fn crash_and_restart_between_steps() {
    let starts = Arc::new(AtomicUsize::new(0));
    let mut sim = Sim::new(8);
    let s = starts.clone();
    sim.host("h", move || {
        s.fetch_add(1, Ordering::SeqCst);
        std::future::pending()
    });
    sim.client("c", async {
        weft::time::sleep(Duration::from_secs(10)).await;
        Ok(())
    });
    assert!(!sim.run_for(Duration::from_secs(2)).unwrap());
    sim.crash("h");
    assert!(!sim.run_for(Duration::from_secs(2)).unwrap());
    sim.restart("h");
    assert!(sim.run_for(Duration::from_secs(20)).unwrap());
    assert_eq!(sim.elapsed(), Duration::from_secs(10));
    assert_eq!(starts.load(Ordering::SeqCst), 2);
}

#[test]
fn a_failure_names_the_seed_and_the_last_events() {
    let mut sim = Sim::new(1234);
    sim.client("c", async {
        weft::sim::log("about to fail");
        weft::time::sleep(Duration::from_millis(7)).await;
        panic!("the invariant broke");
    });
    let err = sim.run().unwrap_err();
    assert_eq!(err.seed, 1234);
    assert_eq!(err.at, Duration::from_millis(7));
    assert!(err.message.contains("the invariant broke"), "{err}");
    let text = err.to_string();
    assert!(text.contains("Sim::new(1234)"), "{text}");
    assert!(text.contains("about to fail"), "{text}");
}

#[test]
fn clients_that_never_finish_fail_at_the_time_limit() {
    let mut sim = weft::sim::Builder::new(2)
        .max_time(Duration::from_secs(30))
        .build();
    sim.client("stuck", std::future::pending());
    let err = sim.run().unwrap_err();
    // Just past the limit (a client finishing at the limit itself would still be in time).
    assert!(err.at > Duration::from_secs(30) && err.at < Duration::from_secs(31));
    assert!(err.message.contains("not done"), "{err}");
}
