//! broadcast: every receiver gets every value, lag reporting without closing, close drain.

use futures::executor::block_on;
use futures::task::noop_waker;
use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::Arc;
use std::task::{Context, Poll};
use weft::sync::broadcast::{self, error::RecvError, error::TryRecvError};

fn poll<F: Future>(f: Pin<&mut F>) -> Poll<F::Output> {
    let w = noop_waker();
    f.poll(&mut Context::from_waker(&w))
}

#[test]
fn every_receiver_gets_every_value() {
    let (tx, mut a) = broadcast::channel(8);
    let mut b = tx.subscribe();
    for i in 0..5 {
        assert_eq!(tx.send(i).unwrap(), 2);
    }
    for i in 0..5 {
        assert_eq!(block_on(a.recv()), Ok(i));
        assert_eq!(block_on(b.recv()), Ok(i));
    }
    assert_eq!(tx.len(), 0);
}

#[test]
fn lagged_receiver_reports_and_continues() {
    let (tx, mut rx) = broadcast::channel(2);
    for i in 0..5 {
        tx.send(i).unwrap();
    }
    assert_eq!(rx.len(), 5);
    assert_eq!(block_on(rx.recv()), Err(RecvError::Lagged(3)));
    assert_eq!(block_on(rx.recv()), Ok(3));
    assert_eq!(block_on(rx.recv()), Ok(4));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    assert!(!rx.is_closed(), "lagging does not close the channel");
}

#[test]
fn closed_after_drain() {
    let (tx, mut rx) = broadcast::channel(4);
    tx.send(1).unwrap();
    drop(tx);
    assert!(rx.is_closed());
    assert_eq!(block_on(rx.recv()), Ok(1));
    assert_eq!(block_on(rx.recv()), Err(RecvError::Closed));
}

#[test]
fn pending_recv_is_woken_by_send_and_close() {
    let (tx, mut rx) = broadcast::channel(4);
    {
        let mut r = pin!(rx.recv());
        assert!(poll(r.as_mut()).is_pending());
        tx.send(7).unwrap();
        assert_eq!(poll(r.as_mut()), Poll::Ready(Ok(7)));
    }
    let mut r = pin!(rx.recv());
    assert!(poll(r.as_mut()).is_pending());
    drop(tx);
    assert_eq!(poll(r.as_mut()), Poll::Ready(Err(RecvError::Closed)));
}

#[test]
fn send_without_receivers_hands_value_back() {
    let tx = broadcast::Sender::<u8>::new(2);
    assert_eq!(tx.send(1).unwrap_err().0, 1);
    let rx = tx.subscribe();
    assert_eq!(tx.receiver_count(), 1);
    let rx2 = rx.resubscribe();
    drop(rx);
    drop(rx2);
    block_on(tx.closed());
}

#[test]
fn dropped_receiver_releases_values() {
    let v = Arc::new(());
    let (tx, rx) = broadcast::channel(4);
    let mut rx2 = tx.subscribe();
    tx.send(v.clone()).unwrap();
    drop(rx);
    assert_eq!(Arc::strong_count(&v), 2);
    drop(rx2.try_recv().unwrap());
    assert_eq!(
        Arc::strong_count(&v),
        1,
        "value freed once every receiver saw it"
    );
    assert!(tx.is_empty());
}

#[test]
fn threads_each_receiver_sees_all() {
    let (tx, rx) = broadcast::channel(1024);
    let ts: Vec<_> = (0..3)
        .map(|_| {
            let mut rx = rx.resubscribe();
            std::thread::spawn(move || {
                let mut sum = 0u64;
                loop {
                    match rx.blocking_recv() {
                        Ok(v) => sum += v,
                        Err(RecvError::Closed) => return sum,
                        Err(RecvError::Lagged(n)) => panic!("lagged {n} with a big buffer"),
                    }
                }
            })
        })
        .collect();
    drop(rx);
    for i in 0..1000u64 {
        tx.send(i).unwrap();
    }
    drop(tx);
    for t in ts {
        assert_eq!(t.join().unwrap(), 999 * 1000 / 2);
    }
}
