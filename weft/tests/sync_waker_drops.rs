//! Conformance fixes in `sync` and `time`: replaced wakers drop outside locks, `notify_waiters`
//! leaves a later permit alone, cooperative `wait_for`, FIFO under an exhausted budget. On
//! both schedulers.

mod support;

use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Wake, Waker};
use weft::sync::{broadcast, Mutex, Notify};

/// A waker whose destructor runs `F`.
struct OnDrop<F: Fn() + Send + Sync>(F);
impl<F: Fn() + Send + Sync> Wake for OnDrop<F> {
    fn wake(self: Arc<Self>) {}
}
impl<F: Fn() + Send + Sync> Drop for OnDrop<F> {
    fn drop(&mut self) {
        (self.0)()
    }
}

rt_test! {
    /// The replaced waker of a `recv` sends on the same channel when dropped: no deadlock.
    async fn broadcast_waker_dropped_outside_the_lock() {
        let (tx, mut rx) = broadcast::channel::<()>(4);
        let mut fut = Box::pin(async move { let _ = rx.recv().await; });
        let waker = Waker::from(Arc::new(OnDrop(move || { let _ = tx.send(()); })));
        assert!(fut.as_mut().poll(&mut Context::from_waker(&waker)).is_pending());
        drop(waker);
        let _ = fut.as_mut().poll(&mut Context::from_waker(futures::task::noop_waker_ref()));
    }

    /// A timer owned by the waker of another timer is dropped with it: no deadlock.
    async fn timer_dropped_from_a_waker_drop() {
        let mut inner = Box::pin(weft::time::sleep(std::time::Duration::from_secs(3600)));
        assert!(inner.as_mut().poll(&mut Context::from_waker(futures::task::noop_waker_ref())).is_pending());
        let inner = std::sync::Mutex::new(Some(inner));
        let waker = Waker::from(Arc::new(OnDrop(move || drop(inner.lock().unwrap().take()))));
        let mut outer = Box::pin(weft::time::sleep(std::time::Duration::from_secs(3600)));
        assert!(outer.as_mut().poll(&mut Context::from_waker(&waker)).is_pending());
        drop(waker);
        drop(outer);
    }

    async fn notify_waiters_keeps_a_later_permit() {
        let notify = Notify::new();
        let first = notify.notified();
        notify.notify_waiters();
        notify.notify_one();
        assert!(futures::FutureExt::now_or_never(first).is_some());
        assert!(futures::FutureExt::now_or_never(notify.notified()).is_some());
    }

    /// A loop on a `wait_for` that is always ready still yields to its neighbours.
    async fn watch_wait_for_is_cooperative() {
        let (tx, mut rx) = weft::sync::watch::channel(1);
        weft::select! {
            biased;
            _ = async { loop { assert!(rx.wait_for(|v| *v == 1).await.is_ok()); } } => {}
            _ = weft::task::yield_now() => {}
        }
        drop(tx);
    }

    /// A task out of budget keeps its place in the mutex's queue.
    async fn mutex_fifo_with_an_exhausted_budget() {
        let m = Arc::new(Mutex::new(()));
        let g = m.clone().lock_owned().await;
        let (order_tx, mut order_rx) = weft::sync::mpsc::unbounded_channel();
        let a = {
            let (m, tx) = (m.clone(), order_tx.clone());
            weft::spawn(async move {
                while futures::FutureExt::now_or_never(weft::task::consume_budget()).is_some() {}
                let _g = m.lock_owned().await;
                tx.send('a').unwrap();
            })
        };
        // Let `a` queue first.
        for _ in 0..10 { weft::task::yield_now().await; }
        let b = {
            let (m, tx) = (m.clone(), order_tx);
            weft::spawn(async move { let _g = m.lock_owned().await; tx.send('b').unwrap(); })
        };
        for _ in 0..10 { weft::task::yield_now().await; }
        drop(g);
        a.await.unwrap();
        b.await.unwrap();
        assert_eq!(order_rx.recv().await, Some('a'));
        assert_eq!(order_rx.recv().await, Some('b'));
    }
}

#[test]
#[should_panic(expected = "a RwLock may not be created with 0 readers")]
fn rwlock_zero_readers_message() {
    weft::sync::RwLock::with_max_readers((), 0);
}
