//! Loom models of the multi-thread scheduler's parking parts: the worker `Parker` (the shared
//! driver taken by whoever parks first, the rest on their own condvar) and the `Idle`
//! searching/sleeping accounting that decides whom a new task wakes.

use super::idle::Idle;
use super::park::{Parker, Shared};
use crate::loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::Arc;
use crate::loom::thread;
use crate::runtime::driver::{self, Driver};

/// A driver stack without I/O or timers: the bottom `ParkThread` only, which loom can model.
fn driver() -> (Driver, driver::Handle) {
    fn no_spawn(_: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>) -> bool {
        false
    }
    Driver::new(driver::Cfg {
        enable_io: false,
        enable_time: false,
        enable_io_uring: false,
        start_paused: false,
        nevents: 0,
        spawn: no_spawn,
    })
    .expect("a driver without I/O cannot fail")
}

/// One worker parks (on the driver: nobody else holds it) while another thread hands it work
/// and unparks it: the worker always wakes and sees the work.
#[test]
fn loom_worker_parker_no_lost_wakeup() {
    loom::model(|| {
        let (driver, handle) = driver();
        let handle = Arc::new(handle);
        let mut parker = Parker::new(Shared::new(driver));
        let unparker = parker.unpark();
        let work = Arc::new(AtomicBool::new(false));
        let (w2, h2) = (work.clone(), handle.clone());
        let t = thread::spawn(move || {
            w2.store(true, SeqCst);
            unparker.unpark(&h2);
        });
        while !work.load(SeqCst) {
            parker.park(&handle);
        }
        t.join().unwrap();
    });
}

/// Two workers park at once: one gets the driver, the other its condvar. Each is unparked by
/// another thread, and both wake, whichever way each one slept.
#[test]
fn loom_two_workers_share_the_driver_and_both_wake() {
    loom::model(|| {
        let (driver, handle) = driver();
        let handle = Arc::new(handle);
        let shared = Shared::new(driver);
        let mut a = Parker::new(shared.clone());
        let mut b = Parker::new(shared);
        let (ua, ub) = (a.unpark(), b.unpark());
        let woken = Arc::new(AtomicUsize::new(0));
        let hb = handle.clone();
        let wb = woken.clone();
        let tb = thread::spawn(move || {
            while wb.load(SeqCst) & 2 == 0 {
                b.park(&hb);
            }
        });
        let hu = handle.clone();
        let wu = woken.clone();
        let tu = thread::spawn(move || {
            wu.fetch_or(1, SeqCst);
            ua.unpark(&hu);
            wu.fetch_or(2, SeqCst);
            ub.unpark(&hu);
        });
        while woken.load(SeqCst) & 1 == 0 {
            a.park(&handle);
        }
        tu.join().unwrap();
        tb.join().unwrap();
    });
}

/// The last searching worker parks while a task is pushed and `worker_to_notify` runs: either
/// the pusher picks that worker to wake, or the worker learns it was the last searcher and
/// re-checks the queues and sees the task. Never neither (the task would be stranded).
#[test]
fn loom_idle_last_searcher_never_strands_work() {
    loom::model(|| {
        let idle = Arc::new(Idle::new(2));
        assert!(idle.transition_worker_to_searching());
        let work = Arc::new(AtomicBool::new(false));
        let (i2, w2) = (idle.clone(), work.clone());
        let pusher = thread::spawn(move || {
            w2.store(true, SeqCst);
            i2.worker_to_notify()
        });
        let last = idle.transition_worker_to_parked(0, true);
        let rechecked_and_saw = last && work.load(SeqCst);
        let notified = pusher.join().unwrap();
        assert!(
            notified == Some(0) || rechecked_and_saw,
            "work stranded: notified {notified:?}, last searcher {last}"
        );
        assert!(notified.is_none() || !idle.is_parked(0));
    });
}

/// A parked worker woken by id (shutdown, or work in its own queue) and a notify for new work
/// racing for the same sleeper: exactly one of them takes it off the sleeper list.
#[test]
fn loom_idle_unpark_by_id_vs_notify() {
    loom::model(|| {
        let idle = Arc::new(Idle::new(2));
        idle.transition_worker_to_parked(1, false);
        let i2 = idle.clone();
        let t = thread::spawn(move || i2.unpark_worker_by_id(1));
        let notified = idle.worker_to_notify();
        let by_id = t.join().unwrap();
        assert!(
            by_id ^ (notified == Some(1)),
            "by id {by_id}, notified {notified:?}"
        );
        assert!(!idle.is_parked(1));
    });
}
