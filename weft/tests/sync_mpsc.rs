//! mpsc: nothing lost across threads, drain after close, back-pressure order, permits, weak
//! senders. (Plain threads and `futures::executor`; runtime tests live in sync_mpsc_rt.rs.)

use futures::executor::block_on;
use futures::task::noop_waker;
use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::Arc;
use std::task::{Context, Poll};
use weft::sync::mpsc::{self, error::TryRecvError, error::TrySendError};

fn poll<F: Future>(f: Pin<&mut F>) -> Poll<F::Output> {
    let w = noop_waker();
    f.poll(&mut Context::from_waker(&w))
}

/// Debug builds are ~20x slower; the release run does the full size.
const PER_PRODUCER: u64 = if cfg!(debug_assertions) {
    2_000
} else {
    50_000
};

fn check_all_received(mut got: Vec<(u64, u64)>, producers: u64) {
    // Per producer, values arrive in send order, each exactly once.
    let mut next = vec![0u64; producers as usize];
    for &(p, i) in &got {
        assert_eq!(
            next[p as usize], i,
            "producer {p} out of order or duplicated"
        );
        next[p as usize] += 1;
    }
    assert!(next.iter().all(|&n| n == PER_PRODUCER));
    got.clear();
}

#[test]
fn bounded_threads_nothing_lost() {
    const P: u64 = 8;
    let (tx, mut rx) = mpsc::channel(16);
    let threads: Vec<_> = (0..P)
        .map(|p| {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for i in 0..PER_PRODUCER {
                    tx.blocking_send((p, i)).unwrap();
                }
            })
        })
        .collect();
    drop(tx);
    let mut got = Vec::new();
    while let Some(v) = rx.blocking_recv() {
        got.push(v);
    }
    for t in threads {
        t.join().unwrap();
    }
    check_all_received(got, P);
}

#[test]
fn unbounded_threads_nothing_lost_recv_many() {
    const P: u64 = 8;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let threads: Vec<_> = (0..P)
        .map(|p| {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for i in 0..PER_PRODUCER {
                    tx.send((p, i)).unwrap();
                }
            })
        })
        .collect();
    drop(tx);
    let mut got = Vec::new();
    while rx.blocking_recv_many(&mut got, 64) > 0 {}
    for t in threads {
        t.join().unwrap();
    }
    check_all_received(got, P);
}

#[test]
fn recv_none_only_after_all_senders_gone_and_drained() {
    let (tx, mut rx) = mpsc::channel(4);
    let tx2 = tx.clone();
    tx.try_send(1).unwrap();
    drop(tx);
    tx2.try_send(2).unwrap();
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(poll(pin!(rx.recv())), Poll::Ready(Some(2)));
    {
        let mut r = pin!(rx.recv());
        assert!(poll(r.as_mut()).is_pending());
    }
    drop(tx2);
    assert_eq!(poll(pin!(rx.recv())), Poll::Ready(None));
}

#[test]
fn close_lets_receiver_drain() {
    let (tx, mut rx) = mpsc::channel(4);
    tx.try_send(1).unwrap();
    tx.try_send(2).unwrap();
    rx.close();
    assert!(rx.is_closed());
    assert!(tx.is_closed());
    assert_eq!(tx.try_send(3), Err(TrySendError::Closed(3)));
    assert_eq!(block_on(rx.recv()), Some(1));
    assert_eq!(block_on(rx.recv()), Some(2));
    assert_eq!(block_on(rx.recv()), None);

    let (tx, mut rx) = mpsc::unbounded_channel();
    tx.send(1).unwrap();
    rx.close();
    assert_eq!(tx.send(2).unwrap_err().0, 2);
    assert_eq!(block_on(rx.recv()), Some(1));
    assert_eq!(block_on(rx.recv()), None);
}

#[test]
fn close_waits_for_outstanding_permit() {
    let (tx, mut rx) = mpsc::channel(2);
    let permit = tx.try_reserve().unwrap();
    rx.close();
    assert!(
        poll(pin!(rx.recv())).is_pending(),
        "a reserved slot may still be filled"
    );
    permit.send(5);
    assert_eq!(poll(pin!(rx.recv())), Poll::Ready(Some(5)));
    assert_eq!(block_on(rx.recv()), None);

    let (tx, mut rx) = mpsc::channel::<u8>(2);
    let permit = tx.try_reserve().unwrap();
    rx.close();
    drop(permit);
    assert_eq!(block_on(rx.recv()), None);
}

#[test]
fn bounded_senders_served_in_order() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.try_send(0).unwrap();
    let mut a = pin!(tx.send(1));
    let mut b = pin!(tx.send(2));
    assert!(poll(a.as_mut()).is_pending());
    assert!(poll(b.as_mut()).is_pending());
    assert_eq!(rx.try_recv(), Ok(0));
    assert!(poll(b.as_mut()).is_pending(), "b must not overtake a");
    assert!(poll(a.as_mut()).is_ready());
    assert_eq!(rx.try_recv(), Ok(1));
    assert!(poll(b.as_mut()).is_ready());
    assert_eq!(rx.try_recv(), Ok(2));
}

#[test]
fn cancelled_send_frees_its_place() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.try_send(0).unwrap();
    let mut a = Box::pin(tx.send(1));
    let mut b = pin!(tx.send(2));
    assert!(poll(a.as_mut()).is_pending());
    assert!(poll(b.as_mut()).is_pending());
    drop(a);
    assert_eq!(rx.try_recv(), Ok(0));
    assert!(poll(b.as_mut()).is_ready());
    assert_eq!(rx.try_recv(), Ok(2));
}

#[test]
fn cancelled_recv_loses_nothing() {
    let (tx, mut rx) = mpsc::channel(2);
    {
        let mut r = pin!(rx.recv());
        assert!(poll(r.as_mut()).is_pending());
    }
    tx.try_send(7).unwrap();
    assert_eq!(rx.try_recv(), Ok(7));
}

#[test]
fn reserve_keeps_the_slot() {
    let (tx, mut rx) = mpsc::channel(2);
    let p = block_on(tx.reserve()).unwrap();
    assert_eq!(tx.capacity(), 1);
    let many = tx.try_reserve_many(1).unwrap();
    assert!(matches!(tx.try_reserve(), Err(TrySendError::Full(()))));
    drop(many);
    assert_eq!(tx.capacity(), 1);
    p.send(1);
    assert_eq!(rx.len(), 1);
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(tx.capacity(), 2);
    assert!(block_on(tx.reserve_many(3)).is_err());

    let owned = tx.clone().try_reserve_owned().unwrap();
    assert!(owned.same_channel_as_sender(&tx));
    let tx2 = owned.send(9);
    assert!(tx2.same_channel(&tx));
    assert_eq!(rx.try_recv(), Ok(9));
}

#[test]
fn weak_senders_do_not_keep_channel_open() {
    let (tx, mut rx) = mpsc::channel::<u8>(1);
    let weak = tx.downgrade();
    assert_eq!((tx.strong_count(), tx.weak_count()), (1, 1));
    let strong = weak.upgrade().unwrap();
    assert_eq!(rx.sender_strong_count(), 2);
    drop(strong);
    drop(tx);
    assert!(weak.upgrade().is_none());
    assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));

    let (tx, mut rx) = mpsc::unbounded_channel::<u8>();
    let weak = tx.downgrade();
    drop(tx);
    assert!(weak.upgrade().is_none());
    assert_eq!(block_on(rx.recv()), None);
}

#[test]
fn dropping_receiver_drops_values_and_fails_senders() {
    let v = Arc::new(());
    let (tx, rx) = mpsc::channel(4);
    tx.try_send(v.clone()).unwrap();
    drop(rx);
    assert_eq!(Arc::strong_count(&v), 1);
    assert!(block_on(tx.send(v.clone())).is_err());
    block_on(tx.closed());
}

#[test]
fn sender_closed_wakes_from_other_thread() {
    let (tx, rx) = mpsc::unbounded_channel::<()>();
    let t = std::thread::spawn(move || drop(rx));
    block_on(tx.closed());
    t.join().unwrap();
}

#[test]
fn recv_many_limits() {
    let (tx, mut rx) = mpsc::channel(8);
    for i in 0..5 {
        tx.try_send(i).unwrap();
    }
    let mut buf = vec![];
    assert_eq!(block_on(rx.recv_many(&mut buf, 0)), 0);
    assert_eq!(block_on(rx.recv_many(&mut buf, 3)), 3);
    assert_eq!(block_on(rx.recv_many(&mut buf, 3)), 2);
    assert_eq!(buf, [0, 1, 2, 3, 4]);
    assert_eq!(tx.capacity(), 8);
    drop(tx);
    assert_eq!(block_on(rx.recv_many(&mut buf, 3)), 0);
}
