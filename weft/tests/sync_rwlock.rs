//! RwLock: shared readers, exclusive writers, no writer starvation, downgrade, mapping.

use futures::executor::block_on;
use futures::task::noop_waker;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use weft::sync::{
    OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock, RwLockReadGuard, RwLockWriteGuard,
};

fn poll<F: Future>(f: Pin<&mut F>) -> Poll<F::Output> {
    let w = noop_waker();
    f.poll(&mut Context::from_waker(&w))
}

#[test]
fn readers_share_writers_exclude() {
    let lock = RwLock::new(0);
    let r1 = lock.try_read().unwrap();
    let r2 = lock.try_read().unwrap();
    assert!(lock.try_write().is_err());
    drop((r1, r2));
    let w = lock.try_write().unwrap();
    assert!(lock.try_read().is_err());
    drop(w);
}

#[test]
fn queued_writer_blocks_later_readers() {
    let lock = RwLock::new(0);
    let r = lock.try_read().unwrap();
    let mut w = Box::pin(lock.write());
    assert!(poll(w.as_mut()).is_pending());
    // A reader arriving after the writer must wait: writers are not starved.
    assert!(lock.try_read().is_err());
    let mut r2 = Box::pin(lock.read());
    assert!(poll(r2.as_mut()).is_pending());
    drop(r);
    let mut g = match poll(w.as_mut()) {
        Poll::Ready(g) => g,
        Poll::Pending => panic!("writer not served first"),
    };
    *g = 1;
    assert!(poll(r2.as_mut()).is_pending());
    drop(g);
    match poll(r2.as_mut()) {
        Poll::Ready(g) => assert_eq!(*g, 1),
        Poll::Pending => panic!("reader not served after writer"),
    };
}

#[test]
fn dropped_writer_lets_readers_in() {
    let lock = RwLock::new(0);
    let r = lock.try_read().unwrap();
    let mut w = Box::pin(lock.write());
    assert!(poll(w.as_mut()).is_pending());
    drop(w);
    assert!(lock.try_read().is_ok());
    drop(r);
    assert!(lock.try_write().is_ok());
}

#[test]
fn downgrade_keeps_out_writers_and_admits_readers() {
    let lock = RwLock::new(5);
    let w = block_on(lock.write());
    let r = w.downgrade();
    assert_eq!(*r, 5);
    assert!(lock.try_write().is_err());
    assert!(lock.try_read().is_ok());
    drop(r);
    assert!(lock.try_write().is_ok());
}

#[test]
fn max_readers_is_enforced() {
    let lock = RwLock::with_max_readers((), 3);
    let g: Vec<_> = (0..3).map(|_| lock.try_read().unwrap()).collect();
    assert!(lock.try_read().is_err());
    drop(g);
    assert!(lock.try_write().is_ok());
}

#[test]
fn threads_readers_and_writers() {
    let lock = Arc::new(RwLock::new((0u64, 0u64)));
    let ts: Vec<_> = (0..6)
        .map(|i| {
            let lock = lock.clone();
            std::thread::spawn(move || {
                for _ in 0..2000 {
                    if i % 2 == 0 {
                        let mut g = lock.blocking_write();
                        g.0 += 1;
                        g.1 += 1;
                    } else {
                        let g = lock.blocking_read();
                        assert_eq!(g.0, g.1, "reader saw a half-done write");
                    }
                }
            })
        })
        .collect();
    for t in ts {
        t.join().unwrap();
    }
    assert_eq!(*block_on(lock.read()), (6000, 6000));
}

#[test]
fn mapped_and_owned_guards() {
    let lock = Arc::new(RwLock::new((1, vec![2])));
    {
        let mut v = RwLockWriteGuard::map(block_on(lock.write()), |t| &mut t.1);
        v.push(3);
    }
    let first = RwLockReadGuard::map(block_on(lock.read()), |t| &t.0);
    assert_eq!(*first, 1);
    drop(first);
    let w = block_on(lock.clone().write_owned());
    let r = OwnedRwLockWriteGuard::downgrade_map(w, |t| &t.1);
    assert_eq!(*r, [2, 3]);
    assert!(Arc::ptr_eq(OwnedRwLockReadGuard::rwlock(&r), &lock));
    assert!(lock.clone().try_write_owned().is_err());
    drop(r);
    let mut m = OwnedRwLockWriteGuard::into_mapped(lock.clone().try_write_owned().unwrap());
    m.0 = 9;
    drop(m);
    assert_eq!(lock.try_read_owned().unwrap().0, 9);
}
