//! Barrier, OnceCell and SetOnce.

use futures::executor::block_on;
use futures::task::noop_waker;
use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use weft::sync::{Barrier, OnceCell, SetOnce};

fn poll<F: Future>(f: Pin<&mut F>) -> Poll<F::Output> {
    let w = noop_waker();
    f.poll(&mut Context::from_waker(&w))
}

#[test]
fn barrier_releases_all_with_one_leader_per_round() {
    let barrier = Arc::new(Barrier::new(4));
    let leaders = Arc::new(AtomicUsize::new(0));
    let ts: Vec<_> = (0..4)
        .map(|_| {
            let (b, l) = (barrier.clone(), leaders.clone());
            std::thread::spawn(move || {
                for _ in 0..50 {
                    if block_on(b.wait()).is_leader() {
                        l.fetch_add(1, Ordering::SeqCst);
                    }
                }
            })
        })
        .collect();
    for t in ts {
        t.join().unwrap();
    }
    assert_eq!(leaders.load(Ordering::SeqCst), 50);
}

#[test]
fn barrier_waits_for_the_last() {
    let barrier = Barrier::new(2);
    let mut a = pin!(barrier.wait());
    assert!(poll(a.as_mut()).is_pending());
    assert!(block_on(barrier.wait()).is_leader());
    match poll(a.as_mut()) {
        Poll::Ready(r) => assert!(!r.is_leader()),
        Poll::Pending => panic!("not released"),
    }
    assert!(block_on(Barrier::new(0).wait()).is_leader());
}

#[test]
fn once_cell_runs_one_initialiser() {
    let cell = Arc::new(OnceCell::new());
    let runs = Arc::new(AtomicUsize::new(0));
    let ts: Vec<_> = (0..8)
        .map(|i| {
            let (cell, runs) = (cell.clone(), runs.clone());
            std::thread::spawn(move || {
                *block_on(cell.get_or_init(|| async move {
                    runs.fetch_add(1, Ordering::SeqCst);
                    i
                }))
            })
        })
        .collect();
    let vals: Vec<_> = ts.into_iter().map(|t| t.join().unwrap()).collect();
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    assert!(vals.iter().all(|v| *v == vals[0]));
}

#[test]
fn once_cell_failed_or_cancelled_init_lets_next_try() {
    let cell = OnceCell::<u32>::new();
    assert_eq!(block_on(cell.get_or_try_init(|| async { Err(1) })), Err(1));
    {
        let mut slow = pin!(cell.get_or_init(std::future::pending));
        assert!(poll(slow.as_mut()).is_pending());
        assert!(cell.set(0).unwrap_err().is_initializing_err());
    }
    assert_eq!(*block_on(cell.get_or_init(|| async { 7 })), 7);
    assert!(cell.set(8).unwrap_err().is_already_init_err());
}

#[test]
fn once_cell_take_and_drop() {
    let v = Arc::new(());
    let mut cell = OnceCell::new_with(Some(v.clone()));
    assert!(cell.initialized());
    assert!(cell.take().is_some());
    assert!(cell.get().is_none());
    cell.set(v.clone()).unwrap();
    drop(cell);
    assert_eq!(Arc::strong_count(&v), 1);
}

#[test]
fn set_once_wakes_waiters() {
    let cell = Arc::new(SetOnce::new());
    let ts: Vec<_> = (0..3)
        .map(|_| {
            let cell = cell.clone();
            std::thread::spawn(move || *block_on(cell.wait()))
        })
        .collect();
    cell.set(5).unwrap();
    assert_eq!(cell.set(6).unwrap_err().0, 6);
    for t in ts {
        assert_eq!(t.join().unwrap(), 5);
    }
    let v = Arc::new(());
    let c = SetOnce::new_with(Some(v.clone()));
    assert!(c.into_inner().is_some());
    assert_eq!(Arc::strong_count(&v), 1);
}
