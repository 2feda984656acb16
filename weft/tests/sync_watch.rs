//! watch: latest value, change tracking, close semantics, wait_for, sender closed().

use futures::executor::block_on;
use futures::task::noop_waker;
use std::future::Future;
use std::pin::{pin, Pin};
use std::task::{Context, Poll};
use weft::sync::watch;

fn poll<F: Future>(f: Pin<&mut F>) -> Poll<F::Output> {
    let w = noop_waker();
    f.poll(&mut Context::from_waker(&w))
}

#[test]
fn changed_sees_latest_value_once() {
    let (tx, mut rx) = watch::channel(0);
    tx.send(1).unwrap();
    tx.send(2).unwrap();
    block_on(rx.changed()).unwrap();
    assert_eq!(*rx.borrow_and_update(), 2);
    assert!(poll(pin!(rx.changed())).is_pending());
}

#[test]
fn pending_changed_is_woken_by_send() {
    let (tx, mut rx) = watch::channel(0);
    {
        let mut c = pin!(rx.changed());
        assert!(poll(c.as_mut()).is_pending());
        tx.send(5).unwrap();
        assert!(matches!(poll(c.as_mut()), Poll::Ready(Ok(()))));
    }
    assert_eq!(*rx.borrow(), 5);
}

#[test]
fn closed_after_unseen_value_is_drained() {
    let (tx, mut rx) = watch::channel(0);
    tx.send(1).unwrap();
    drop(tx);
    assert!(rx.has_changed().is_err());
    // The last value is still delivered before the error.
    assert!(block_on(rx.changed()).is_ok());
    assert_eq!(*rx.borrow_and_update(), 1);
    assert!(block_on(rx.changed()).is_err());
}

#[test]
fn send_fails_without_receivers_but_replace_works() {
    let (tx, rx) = watch::channel(1);
    drop(rx);
    assert!(tx.is_closed());
    assert_eq!(tx.send(2).unwrap_err().0, 2);
    assert_eq!(tx.send_replace(3), 1);
    let rx = tx.subscribe();
    assert_eq!(*rx.borrow(), 3);
    assert!(!rx.has_changed().unwrap());
}

#[test]
fn mark_changed_and_unchanged() {
    let (tx, mut rx) = watch::channel(0);
    rx.mark_changed();
    assert!(rx.has_changed().unwrap());
    rx.mark_unchanged();
    assert!(!rx.has_changed().unwrap());
    tx.send_modify(|v| *v = 4);
    assert!(rx.borrow().has_changed());
    assert!(!tx.send_if_modified(|_| false));
}

#[test]
fn wait_for_checks_current_then_waits() {
    let (tx, mut rx) = watch::channel(3);
    assert_eq!(*block_on(rx.wait_for(|v| *v == 3)).unwrap(), 3);
    let t = std::thread::spawn(move || {
        for i in 4..10 {
            tx.send(i).unwrap();
        }
    });
    let v = *block_on(rx.wait_for(|v| *v == 9)).unwrap();
    assert_eq!(v, 9);
    t.join().unwrap();
    assert!(block_on(rx.wait_for(|v| *v == 100)).is_err());
}

#[test]
fn sender_closed_waits_for_all_receivers() {
    let (tx, rx) = watch::channel(());
    let rx2 = rx.clone();
    assert_eq!(tx.receiver_count(), 2);
    let mut closed = pin!(tx.closed());
    assert!(poll(closed.as_mut()).is_pending());
    drop(rx);
    assert!(poll(closed.as_mut()).is_pending());
    drop(rx2);
    assert!(poll(closed.as_mut()).is_ready());
}

#[test]
fn many_receivers_across_threads_see_final_value() {
    let (tx, rx) = watch::channel(0u32);
    let ts: Vec<_> = (0..4)
        .map(|_| {
            let mut rx = rx.clone();
            std::thread::spawn(move || {
                let mut last = 0;
                while block_on(rx.changed()).is_ok() {
                    let v = *rx.borrow_and_update();
                    assert!(v >= last, "values go backwards");
                    last = v;
                }
                last
            })
        })
        .collect();
    drop(rx);
    for i in 1..=1000 {
        tx.send(i).unwrap();
    }
    drop(tx);
    for t in ts {
        assert_eq!(t.join().unwrap(), 1000);
    }
}
