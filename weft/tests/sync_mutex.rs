//! Mutex: FIFO hand-off, dropped waiters pass their turn on, guards and mapping.

use futures::executor::block_on;
use futures::task::noop_waker;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use weft::sync::{MappedMutexGuard, Mutex, MutexGuard, OwnedMutexGuard};

fn poll<F: Future>(f: Pin<&mut F>) -> Poll<F::Output> {
    let w = noop_waker();
    f.poll(&mut Context::from_waker(&w))
}

#[test]
fn lock_is_handed_over_in_arrival_order() {
    let m = Mutex::new(Vec::new());
    let m = &m;
    let g = m.try_lock().unwrap();
    let mut waiters: Vec<_> = (0..10)
        .map(|i| {
            let mut f = Box::pin(async move {
                let mut g = m_lock(m).await;
                g.push(i);
            });
            assert!(poll(f.as_mut()).is_pending());
            Some(f)
        })
        .collect();
    // A newcomer cannot barge in while others queue.
    drop(g);
    assert!(m.try_lock().is_err());
    // Poll in reverse: only the front waiter can complete each time.
    for round in 0..10 {
        for (i, slot) in waiters.iter_mut().enumerate().rev() {
            let Some(f) = slot else { continue };
            let ready = poll(f.as_mut()).is_ready();
            assert_eq!(ready, i == round, "waiter {i} in round {round}");
            if ready {
                *slot = None;
            }
        }
    }
    waiters.clear();
    assert_eq!(*m.try_lock().unwrap(), (0..10).collect::<Vec<_>>());
}

async fn m_lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().await
}

#[test]
fn dropped_lock_future_passes_its_turn_on() {
    let m = Mutex::new(0);
    let g = m.try_lock().unwrap();
    let mut a = Box::pin(m.lock());
    let mut b = Box::pin(m.lock());
    assert!(poll(a.as_mut()).is_pending());
    assert!(poll(b.as_mut()).is_pending());
    drop(g); // hands the lock to a
    drop(a); // a gives up: the lock goes to b
    match poll(b.as_mut()) {
        Poll::Ready(mut g) => *g += 1,
        Poll::Pending => panic!("turn not passed on"),
    }
    assert_eq!(*m.try_lock().unwrap(), 1);
}

#[test]
fn threads_count_exactly() {
    let m = Arc::new(Mutex::new(0u64));
    let ts: Vec<_> = (0..8)
        .map(|_| {
            let m = m.clone();
            std::thread::spawn(move || {
                for _ in 0..5000 {
                    *m.blocking_lock() += 1;
                }
            })
        })
        .collect();
    for t in ts {
        t.join().unwrap();
    }
    assert_eq!(*block_on(m.lock()), 40_000);
}

#[test]
fn mapped_and_owned_guards() {
    let m = Arc::new(Mutex::new((1, String::from("a"))));
    {
        let mut s = MutexGuard::map(block_on(m.lock()), |t| &mut t.1);
        s.push('b');
        assert!(m.try_lock().is_err());
        let mut s = MappedMutexGuard::map(s, |s| s);
        s.push('c');
    }
    let g = block_on(m.clone().lock_owned());
    assert!(Arc::ptr_eq(OwnedMutexGuard::mutex(&g), &m));
    let n = OwnedMutexGuard::map(g, |t| &mut t.0);
    assert_eq!(*n, 1);
    assert!(m.clone().try_lock_owned().is_err());
    drop(n);
    let g = MutexGuard::try_map(m.try_lock().unwrap(), |_| None::<&mut u8>).unwrap_err();
    assert_eq!(g.1, "abc");
    drop(g);
    let m = Arc::try_unwrap(m).unwrap();
    assert_eq!(m.into_inner(), (1, String::from("abc")));
}

#[test]
fn debug_shows_locked() {
    let m = Mutex::new(3);
    assert_eq!(format!("{m:?}"), "Mutex { data: 3 }");
    let _g = m.try_lock().unwrap();
    assert_eq!(format!("{m:?}"), "Mutex { data: <locked> }");
}
