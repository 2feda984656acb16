//! oneshot: value delivery, drop and close semantics, blocking use from plain threads.

use futures::executor::block_on;
use std::sync::Arc;
use std::task::{Context, Poll};
use weft::sync::oneshot::{self, error::TryRecvError};

#[test]
fn send_then_recv() {
    let (tx, rx) = oneshot::channel();
    tx.send(42).unwrap();
    assert_eq!(block_on(rx), Ok(42));
}

#[test]
fn recv_waits_for_send_from_thread() {
    let (tx, rx) = oneshot::channel();
    let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
    let t = std::thread::spawn(move || {
        go_rx.recv().unwrap();
        tx.send(String::from("hi")).unwrap();
    });
    let mut rx = rx;
    let waker = futures::task::noop_waker();
    let mut cx = Context::from_waker(&waker);
    assert!(std::pin::Pin::new(&mut rx).poll(&mut cx).is_pending());
    go_tx.send(()).unwrap();
    assert_eq!(block_on(rx).unwrap(), "hi");
    t.join().unwrap();
}

use std::future::Future;

#[test]
fn dropped_sender_is_error() {
    let (tx, rx) = oneshot::channel::<u8>();
    drop(tx);
    assert!(block_on(rx).is_err());
}

#[test]
fn dropped_receiver_hands_value_back() {
    let (tx, rx) = oneshot::channel();
    drop(rx);
    assert!(tx.is_closed());
    assert_eq!(tx.send(vec![1]), Err(vec![1]));
}

#[test]
fn close_keeps_value_sent_before() {
    let (tx, mut rx) = oneshot::channel();
    tx.send(1).unwrap();
    rx.close();
    assert_eq!(rx.try_recv(), Ok(1));
}

#[test]
fn try_recv_states() {
    let (tx, mut rx) = oneshot::channel();
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    assert!(rx.is_empty());
    tx.send(3).unwrap();
    assert!(!rx.is_empty());
    assert_eq!(rx.try_recv(), Ok(3));
    assert!(rx.is_terminated());
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
}

#[test]
fn sender_closed_wakes_on_receiver_drop() {
    let (mut tx, rx) = oneshot::channel::<()>();
    let t = std::thread::spawn(move || drop(rx));
    block_on(tx.closed());
    assert!(tx.is_closed());
    t.join().unwrap();
}

#[test]
fn receiver_drop_drops_value() {
    let v = Arc::new(());
    let (tx, rx) = oneshot::channel();
    tx.send(v.clone()).unwrap();
    drop(rx);
    assert_eq!(Arc::strong_count(&v), 1);
}

#[test]
fn blocking_recv_from_thread() {
    let (tx, rx) = oneshot::channel();
    let t = std::thread::spawn(move || rx.blocking_recv());
    tx.send(9).unwrap();
    assert_eq!(t.join().unwrap(), Ok(9));
}

#[test]
fn many_threads_ping_pong() {
    for _ in 0..1000 {
        let (tx, rx) = oneshot::channel();
        let (tx2, rx2) = oneshot::channel();
        let t = std::thread::spawn(move || {
            let v: u32 = rx.blocking_recv().unwrap();
            tx2.send(v + 1).unwrap();
        });
        tx.send(1).unwrap();
        assert_eq!(rx2.blocking_recv(), Ok(2));
        t.join().unwrap();
    }
}

#[test]
fn poll_after_sender_changes_waker() {
    let (tx, mut rx) = oneshot::channel();
    let waker = futures::task::noop_waker();
    let mut cx = Context::from_waker(&waker);
    assert_eq!(std::pin::Pin::new(&mut rx).poll(&mut cx), Poll::Pending);
    tx.send(5).unwrap();
    assert_eq!(block_on(rx), Ok(5));
}
