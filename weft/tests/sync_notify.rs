//! Notify: stored permit, FIFO/LIFO targeting, notify_waiters, enable, forwarding on drop.

use futures::executor::block_on;
use futures::task::noop_waker;
use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::Arc;
use std::task::{Context, Poll};
use weft::sync::Notify;

fn poll<F: Future>(f: Pin<&mut F>) -> Poll<F::Output> {
    let w = noop_waker();
    f.poll(&mut Context::from_waker(&w))
}

#[test]
fn permit_stored_before_notified_is_not_lost() {
    let notify = Notify::new();
    notify.notify_one();
    block_on(notify.notified());
    // Only one permit is stored.
    notify.notify_one();
    notify.notify_one();
    let mut a = pin!(notify.notified());
    let mut b = pin!(notify.notified());
    assert!(poll(a.as_mut()).is_ready());
    assert!(poll(b.as_mut()).is_pending());
}

#[test]
fn notify_one_is_fifo_and_notify_last_lifo() {
    let notify = Notify::new();
    let mut a = pin!(notify.notified());
    let mut b = pin!(notify.notified());
    let mut c = pin!(notify.notified());
    assert!(poll(a.as_mut()).is_pending());
    assert!(poll(b.as_mut()).is_pending());
    assert!(poll(c.as_mut()).is_pending());
    notify.notify_one();
    assert!(poll(b.as_mut()).is_pending());
    assert!(poll(a.as_mut()).is_ready());
    notify.notify_last();
    assert!(poll(b.as_mut()).is_pending());
    assert!(poll(c.as_mut()).is_ready());
}

#[test]
fn notify_waiters_completes_futures_created_before() {
    let notify = Notify::new();
    let mut a = pin!(notify.notified());
    let mut b = pin!(notify.notified());
    assert!(poll(a.as_mut()).is_pending());
    notify.notify_waiters();
    let mut c = pin!(notify.notified());
    assert!(poll(a.as_mut()).is_ready());
    assert!(poll(b.as_mut()).is_ready()); // never polled, still created before
    assert!(poll(c.as_mut()).is_pending()); // created after, and no permit stored
}

#[test]
fn enable_takes_a_place_for_notify_one() {
    let notify = Notify::new();
    let mut a = pin!(notify.notified());
    assert!(!a.as_mut().enable());
    notify.notify_one();
    let mut b = pin!(notify.notified());
    assert!(poll(b.as_mut()).is_pending()); // the notification went to `a`, not the permit
    assert!(poll(a.as_mut()).is_ready());
}

#[test]
fn dropped_notified_forwards_notification() {
    let notify = Notify::new();
    let mut a = Box::pin(notify.notified());
    let mut b = pin!(notify.notified());
    assert!(poll(a.as_mut()).is_pending());
    assert!(poll(b.as_mut()).is_pending());
    notify.notify_one(); // goes to a
    drop(a); // a never saw it: it passes to b
    assert!(poll(b.as_mut()).is_ready());
    // A dropped, notified future with nobody behind stores the permit.
    let mut c = Box::pin(notify.notified());
    assert!(poll(c.as_mut()).is_pending());
    notify.notify_one();
    drop(c);
    block_on(notify.notified());
}

#[test]
fn cross_thread_ping_pong() {
    let ping = Arc::new(Notify::new());
    let pong = Arc::new(Notify::new());
    let (ping2, pong2) = (ping.clone(), pong.clone());
    let t = std::thread::spawn(move || {
        for _ in 0..1000 {
            block_on(ping2.notified());
            pong2.notify_one();
        }
    });
    for _ in 0..1000 {
        ping.notify_one();
        block_on(pong.notified());
    }
    t.join().unwrap();
}

#[test]
fn owned_notified() {
    let notify = Arc::new(Notify::new());
    let fut = notify.clone().notified_owned();
    notify.notify_waiters();
    block_on(fut);
}

#[test]
fn notify_waiters_wakes_many_but_not_later_ones() {
    let notify = Notify::new();
    let mut futs: Vec<_> = (0..100).map(|_| Box::pin(notify.notified())).collect();
    for f in &mut futs {
        assert!(poll(f.as_mut()).is_pending());
    }
    notify.notify_waiters();
    let mut later = pin!(notify.notified());
    assert!(poll(later.as_mut()).is_pending());
    for f in &mut futs {
        assert!(poll(f.as_mut()).is_ready());
    }
    assert!(poll(later.as_mut()).is_pending());
}
