//! Semaphore: FIFO grants, never over-granting under concurrency, close, permit bookkeeping.

use futures::executor::block_on;
use futures::task::noop_waker;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use weft::sync::{Semaphore, TryAcquireError};

fn poll<F: Future>(f: Pin<&mut F>) -> Poll<F::Output> {
    let w = noop_waker();
    f.poll(&mut Context::from_waker(&w))
}

#[test]
fn acquire_release() {
    let sem = Semaphore::new(2);
    let a = block_on(sem.acquire()).unwrap();
    let b = block_on(sem.acquire()).unwrap();
    assert_eq!(sem.try_acquire().err(), Some(TryAcquireError::NoPermits));
    drop(a);
    drop(b);
    assert_eq!(sem.available_permits(), 2);
}

#[test]
fn big_waiter_is_not_overtaken() {
    let sem = Semaphore::new(1);
    let mut big = Box::pin(sem.acquire_many(2));
    assert!(poll(big.as_mut()).is_pending());
    // The one free permit went to the big waiter; a small request must wait behind it.
    assert_eq!(sem.try_acquire().err(), Some(TryAcquireError::NoPermits));
    let mut small = Box::pin(sem.acquire());
    assert!(poll(small.as_mut()).is_pending());
    sem.add_permits(1);
    assert!(poll(small.as_mut()).is_pending());
    let p = match poll(big.as_mut()) {
        Poll::Ready(p) => p.unwrap(),
        Poll::Pending => panic!("big waiter not served"),
    };
    assert_eq!(p.num_permits(), 2);
    drop(p);
    assert!(poll(small.as_mut()).is_ready());
}

#[test]
fn close_wakes_waiters_with_error() {
    let sem = Arc::new(Semaphore::new(0));
    let s2 = sem.clone();
    let t = std::thread::spawn(move || s2.blocking_acquire().map(|_| ()));
    // Whether the thread queued before or after the close, its acquire fails.
    sem.close();
    assert!(t.join().unwrap().is_err());
    assert!(sem.is_closed());
    assert_eq!(sem.try_acquire().err(), Some(TryAcquireError::Closed));
}

#[test]
fn never_over_grants_under_threads() {
    const PERMITS: usize = 3;
    let sem = Arc::new(Semaphore::new(PERMITS));
    let held = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let (sem, held) = (sem.clone(), held.clone());
            std::thread::spawn(move || {
                for _ in 0..2000 {
                    let n = 1 + (i % 2) as u32;
                    let p = sem.blocking_acquire_many(n).unwrap();
                    let now = held.fetch_add(n as usize, Ordering::SeqCst) + n as usize;
                    assert!(now <= PERMITS, "{now} permits held of {PERMITS}");
                    held.fetch_sub(n as usize, Ordering::SeqCst);
                    drop(p);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(sem.available_permits(), PERMITS);
}

#[test]
fn concurrent_add_and_close_never_over_grant() {
    for _ in 0..50 {
        let sem = Arc::new(Semaphore::new(0));
        let granted = Arc::new(AtomicUsize::new(0));
        let waiters: Vec<_> = (0..4)
            .map(|_| {
                let (sem, granted) = (sem.clone(), granted.clone());
                std::thread::spawn(move || {
                    if let Ok(p) = sem.blocking_acquire() {
                        granted.fetch_add(1, Ordering::SeqCst);
                        p.forget();
                    }
                })
            })
            .collect();
        sem.add_permits(2);
        sem.close();
        for t in waiters {
            t.join().unwrap();
        }
        let g = granted.load(Ordering::SeqCst);
        assert!(g <= 2, "{g} granted out of 2 permits");
        assert_eq!(g + sem.available_permits(), 2);
    }
}

#[test]
fn permit_split_merge_forget() {
    let sem = Semaphore::new(4);
    let mut p = sem.try_acquire_many(4).unwrap();
    let q = p.split(3).unwrap();
    assert_eq!(p.num_permits(), 1);
    p.merge(q);
    assert_eq!(p.num_permits(), 4);
    let r = p.split(2).unwrap();
    r.forget();
    drop(p);
    assert_eq!(sem.available_permits(), 2);
    assert_eq!(sem.forget_permits(1), 1);
    assert_eq!(sem.available_permits(), 1);
}

#[test]
fn owned_permits() {
    let sem = Arc::new(Semaphore::new(1));
    let p = block_on(sem.clone().acquire_owned()).unwrap();
    assert!(sem.clone().try_acquire_owned().is_err());
    drop(p);
    let p = sem.clone().blocking_acquire_many_owned(1).unwrap();
    assert!(Arc::ptr_eq(p.semaphore(), &sem));
}

#[test]
#[should_panic(expected = "MAX_PERMITS")]
fn too_many_permits_panics() {
    let _ = Semaphore::new(Semaphore::MAX_PERMITS + 1);
}
