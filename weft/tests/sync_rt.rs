//! The sync primitives on weft's runtimes (both schedulers): the guarantees.

mod support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use weft::sync::{mpsc, oneshot, Mutex, Notify, RwLock, Semaphore};

/// 64 producers × 100,000 messages in release builds; debug builds are ~20× slower, so they
/// send 1/20 of that (the interleavings exercised are the same kind).
const PRODUCERS: usize = 64;
const PER_PRODUCER: usize = if cfg!(debug_assertions) {
    5_000
} else {
    100_000
};

/// Checks every (producer, seq) pair arrived exactly once and in per-producer order.
struct Tally(Vec<usize>);

impl Tally {
    fn new() -> Tally {
        Tally(vec![0; PRODUCERS])
    }
    fn see(&mut self, (p, i): (usize, usize)) {
        assert_eq!(
            self.0[p], i,
            "producer {p}: message lost, duplicated or reordered"
        );
        self.0[p] += 1;
    }
    fn done(&self) {
        assert!(
            self.0.iter().all(|&n| n == PER_PRODUCER),
            "messages missing"
        );
    }
}

rt_test! {
    async fn bounded_nothing_lost() {
        let (tx, mut rx) = mpsc::channel(128);
        for p in 0..PRODUCERS {
            let tx = tx.clone();
            weft::spawn(async move {
                for i in 0..PER_PRODUCER {
                    tx.send((p, i)).await.unwrap();
                }
            });
        }
        drop(tx);
        // Receive in a task too, so the multi-thread run measures workers, not the
        // block_on thread's wake-ups.
        weft::spawn(async move {
            let mut tally = Tally::new();
            while let Some(m) = rx.recv().await {
                tally.see(m);
            }
            tally.done();
        })
        .await
        .unwrap();
    }

    async fn unbounded_nothing_lost() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        for p in 0..PRODUCERS {
            let tx = tx.clone();
            weft::spawn(async move {
                for i in 0..PER_PRODUCER {
                    tx.send((p, i)).unwrap();
                    if i % 1024 == 0 {
                        weft::task::yield_now().await;
                    }
                }
            });
        }
        drop(tx);
        weft::spawn(async move {
            let mut tally = Tally::new();
            let mut buf = Vec::with_capacity(256);
            while rx.recv_many(&mut buf, 256).await > 0 {
                for m in buf.drain(..) {
                    tally.see(m);
                }
            }
            tally.done();
        })
        .await
        .unwrap();
    }

    async fn close_lets_receiver_drain() {
        let (tx, mut rx) = mpsc::channel(16);
        for i in 0..10 {
            tx.send(i).await.unwrap();
        }
        rx.close();
        assert!(tx.send(99).await.is_err());
        for i in 0..10 {
            assert_eq!(rx.recv().await, Some(i));
        }
        assert_eq!(rx.recv().await, None);
    }

    async fn bounded_sender_waits_then_proceeds() {
        let (tx, mut rx) = mpsc::channel(1);
        let h = weft::spawn(async move {
            for i in 0..100 {
                tx.send(i).await.unwrap();
            }
        });
        for i in 0..100 {
            assert_eq!(rx.recv().await, Some(i));
        }
        h.await.unwrap();
        assert_eq!(rx.recv().await, None);
    }

    async fn oneshot_across_tasks() {
        let (tx, rx) = oneshot::channel();
        let h = weft::spawn(async move { rx.await.unwrap() * 2 });
        tx.send(21).unwrap();
        assert_eq!(h.await.unwrap(), 42);

        let (mut tx, rx) = oneshot::channel::<()>();
        let h = weft::spawn(async move { tx.closed().await });
        drop(rx);
        h.await.unwrap();
    }

    async fn mutex_hands_off_in_arrival_order() {
        let m = Arc::new(Mutex::new(Vec::new()));
        let guard = m.lock().await;
        let mut handles = Vec::new();
        for i in 0..20 {
            let m = m.clone();
            let (queued_tx, queued_rx) = oneshot::channel();
            handles.push(weft::spawn(async move {
                let mut lock = std::pin::pin!(m.lock());
                // Poll once so this task is queued before the next one is spawned.
                let first = std::future::poll_fn(|cx| {
                    std::task::Poll::Ready(lock.as_mut().poll(cx))
                })
                .await;
                let _ = queued_tx.send(());
                let mut g = match first {
                    std::task::Poll::Ready(g) => g,
                    std::task::Poll::Pending => lock.await,
                };
                g.push(i);
            }));
            queued_rx.await.unwrap();
        }
        drop(guard);
        for h in handles {
            h.await.unwrap();
        }
        assert_eq!(*m.lock().await, (0..20).collect::<Vec<_>>());
    }

    async fn aborted_lock_waiter_passes_its_turn_on() {
        let m = Arc::new(Mutex::new(0));
        let guard = m.lock().await;
        let (queued_tx, queued_rx) = oneshot::channel();
        let m2 = m.clone();
        let waiter = weft::spawn(async move {
            let mut lock = std::pin::pin!(m2.lock());
            let _ = std::future::poll_fn(|cx| std::task::Poll::Ready(lock.as_mut().poll(cx))).await;
            let _ = queued_tx.send(());
            *lock.await += 100;
        });
        queued_rx.await.unwrap();
        waiter.abort();
        assert!(waiter.await.unwrap_err().is_cancelled());
        drop(guard);
        // The aborted waiter's turn passed on: we get the lock, and it never ran.
        assert_eq!(*m.lock().await, 0);
    }

    async fn semaphore_never_over_grants() {
        const PERMITS: usize = 5;
        let sem = Arc::new(Semaphore::new(PERMITS));
        let held = Arc::new(AtomicUsize::new(0));
        let mut handles = Vec::new();
        for t in 0..32usize {
            let (sem, held) = (sem.clone(), held.clone());
            handles.push(weft::spawn(async move {
                for _ in 0..200 {
                    let n = 1 + (t % 3) as u32;
                    let Ok(p) = sem.acquire_many(n).await else { return };
                    let now = held.fetch_add(n as usize, Ordering::SeqCst) + n as usize;
                    assert!(now <= PERMITS, "{now} permits held of {PERMITS}");
                    weft::task::yield_now().await;
                    held.fetch_sub(n as usize, Ordering::SeqCst);
                    drop(p);
                }
            }));
        }
        for h in handles {
            h.await.unwrap();
        }
        assert_eq!(sem.available_permits(), PERMITS);
        sem.close();
        assert!(sem.acquire().await.is_err());
    }

    async fn semaphore_close_fails_waiting_tasks() {
        let sem = Arc::new(Semaphore::new(0));
        let mut handles = Vec::new();
        for _ in 0..8 {
            let sem = sem.clone();
            handles.push(weft::spawn(async move { sem.acquire().await.is_err() }));
        }
        weft::task::yield_now().await;
        sem.add_permits(3);
        sem.close();
        let failed = {
            let mut n = 0;
            for h in handles {
                n += h.await.unwrap() as usize;
            }
            n
        };
        // Up to 3 got a permit (and dropped it); the rest saw the close.
        assert!(failed >= 5, "{failed} failed");
    }

    async fn notify_permit_is_not_lost() {
        let notify = Arc::new(Notify::new());
        for _ in 0..100 {
            let n2 = notify.clone();
            let h = weft::spawn(async move { n2.notify_one() });
            h.await.unwrap();
            // The permit stored before we wait completes the wait at once.
            notify.notified().await;
        }
        let n2 = notify.clone();
        let waiter = weft::spawn(async move { n2.notified().await });
        weft::task::yield_now().await;
        notify.notify_one();
        waiter.await.unwrap();
    }

    async fn rwlock_readers_and_writers() {
        let lock = Arc::new(RwLock::new(0u64));
        let mut handles = Vec::new();
        for i in 0..16 {
            let lock = lock.clone();
            handles.push(weft::spawn(async move {
                for _ in 0..100 {
                    if i % 4 == 0 {
                        *lock.write().await += 1;
                    } else {
                        let _r = lock.read().await;
                        weft::task::yield_now().await;
                    }
                }
            }));
        }
        for h in handles {
            h.await.unwrap();
        }
        assert_eq!(*lock.read().await, 400);
    }

    async fn watch_receivers_follow_the_sender() {
        let (tx, rx) = weft::sync::watch::channel(0u32);
        let mut handles = Vec::new();
        for _ in 0..4 {
            let mut rx = rx.clone();
            handles.push(weft::spawn(async move {
                let v = *rx.wait_for(|v| *v == 500).await.unwrap();
                while rx.changed().await.is_ok() {}
                v
            }));
        }
        drop(rx);
        for i in 1..=500 {
            tx.send(i).unwrap();
            if i % 50 == 0 {
                weft::task::yield_now().await;
            }
        }
        drop(tx);
        for h in handles {
            assert_eq!(h.await.unwrap(), 500);
        }
    }

    async fn broadcast_every_receiver_gets_everything() {
        let (tx, rx) = weft::sync::broadcast::channel(1024);
        let mut handles = Vec::new();
        for _ in 0..4 {
            let mut rx = rx.resubscribe();
            handles.push(weft::spawn(async move {
                let mut sum = 0u64;
                while let Ok(v) = rx.recv().await {
                    sum += v;
                }
                sum
            }));
        }
        drop(rx);
        for i in 0..1000u64 {
            tx.send(i).unwrap();
        }
        drop(tx);
        for h in handles {
            assert_eq!(h.await.unwrap(), 999 * 1000 / 2);
        }
    }

    async fn barrier_and_once_cells() {
        let barrier = Arc::new(weft::sync::Barrier::new(8));
        let cell = Arc::new(weft::sync::OnceCell::new());
        let set_once = Arc::new(weft::sync::SetOnce::new());
        let inits = Arc::new(AtomicUsize::new(0));
        let mut handles = Vec::new();
        for i in 0..8 {
            let (b, c, s, n) = (barrier.clone(), cell.clone(), set_once.clone(), inits.clone());
            handles.push(weft::spawn(async move {
                let leader = b.wait().await.is_leader();
                let v = *c
                    .get_or_init(|| async move {
                        n.fetch_add(1, Ordering::SeqCst);
                        weft::task::yield_now().await;
                        i
                    })
                    .await;
                (leader, v, *s.wait().await)
            }));
        }
        weft::task::yield_now().await;
        set_once.set(77).unwrap();
        let results: Vec<_> = {
            let mut out = Vec::new();
            for h in handles {
                out.push(h.await.unwrap());
            }
            out
        };
        assert_eq!(results.iter().filter(|r| r.0).count(), 1);
        assert!(results.iter().all(|r| r.1 == results[0].1 && r.2 == 77));
        assert_eq!(inits.load(Ordering::SeqCst), 1);
    }

    async fn notify_waiters_wakes_every_task() {
        let notify = Arc::new(Notify::new());
        let mut handles = Vec::new();
        let (ready_tx, mut ready_rx) = mpsc::channel(16);
        for _ in 0..10 {
            let (n, ready) = (notify.clone(), ready_tx.clone());
            handles.push(weft::spawn(async move {
                let notified = n.notified();
                ready.send(()).await.unwrap();
                notified.await;
            }));
        }
        for _ in 0..10 {
            ready_rx.recv().await.unwrap();
        }
        notify.notify_waiters();
        for h in handles {
            h.await.unwrap();
        }
    }

    async fn blocking_calls_panic_inside_runtime() {
        let (_tx, mut rx) = mpsc::channel::<()>(1);
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| rx.blocking_recv()));
        assert!(r.is_err(), "blocking_recv inside a runtime must panic");
        let m = Mutex::new(());
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(m.blocking_lock())));
        assert!(r.is_err(), "blocking_lock inside a runtime must panic");
    }

    async fn blocking_calls_work_in_spawn_blocking() {
        let (tx, mut rx) = mpsc::channel(1);
        let h = weft::task::spawn_blocking(move || {
            tx.blocking_send(5).unwrap();
        });
        assert_eq!(rx.recv().await, Some(5));
        h.await.unwrap();
        let (tx, rx) = oneshot::channel();
        let h = weft::task::spawn_blocking(move || rx.blocking_recv().unwrap());
        tx.send(1).unwrap();
        assert_eq!(h.await.unwrap(), 1);
    }
}

#[test]
fn recv_loop_yields_to_other_tasks() {
    // On the current-thread runtime the spawned task can only run if the loop yields.
    support::current_thread().block_on(async {
        // An always-ready channel must not starve other tasks: the budget makes recv return
        // Pending after 128 operations.
        let flag = Arc::new(AtomicBool::new(false));
        let f2 = flag.clone();
        weft::spawn(async move { f2.store(true, Ordering::SeqCst) });
        let (tx, mut rx) = mpsc::unbounded_channel();
        for _ in 0..100_000 {
            tx.send(()).unwrap();
            rx.recv().await.unwrap();
            if flag.load(Ordering::SeqCst) {
                return;
            }
        }
        panic!("the spawned task never ran: recv does not yield");
    });
}

use std::future::Future;

rt_test! {
    async fn mpsc_send_timeout_hands_value_back() {
        use weft::sync::mpsc::error::SendTimeoutError;
        let (tx, mut rx) = weft::sync::mpsc::channel::<String>(1);
        tx.send_timeout("a".into(), std::time::Duration::from_millis(5)).await.unwrap();
        match tx.send_timeout("b".into(), std::time::Duration::from_millis(5)).await {
            Err(SendTimeoutError::Timeout(v)) => assert_eq!(v, "b"),
            other => panic!("expected a timeout, got {other:?}"),
        }
        assert_eq!(rx.recv().await.as_deref(), Some("a"));
        drop(rx);
        match tx.send_timeout("c".into(), std::time::Duration::from_millis(5)).await {
            Err(SendTimeoutError::Closed(v)) => assert_eq!(v, "c"),
            other => panic!("expected closed, got {other:?}"),
        }
    }
}

// tokio's receivers are `Unpin` for every `T` (hyper's client and tokio-stream's wrappers rely
// on it): receive `!Unpin` values through `Pin::new` on both channels.
rt_test! {
    async fn receivers_are_unpin_for_any_t() {
        use std::marker::PhantomPinned;
        use std::pin::Pin;
        fn recv_pinned<R: Unpin>(
            rx: &mut R,
            poll: fn(Pin<&mut R>, &mut std::task::Context<'_>) -> std::task::Poll<Option<PhantomPinned>>,
        ) -> impl std::future::Future<Output = Option<PhantomPinned>> + '_ {
            std::future::poll_fn(move |cx| poll(Pin::new(&mut *rx), cx))
        }
        let (tx, mut rx) = weft::sync::mpsc::unbounded_channel::<PhantomPinned>();
        weft::spawn(async move { tx.send(PhantomPinned).unwrap() });
        assert!(recv_pinned(&mut rx, |rx, cx| rx.get_mut().poll_recv(cx)).await.is_some());
        assert!(recv_pinned(&mut rx, |rx, cx| rx.get_mut().poll_recv(cx)).await.is_none());
        let (tx, mut rx) = weft::sync::mpsc::channel::<PhantomPinned>(1);
        weft::spawn(async move { tx.send(PhantomPinned).await.unwrap() });
        assert!(recv_pinned(&mut rx, |rx, cx| rx.get_mut().poll_recv(cx)).await.is_some());
        assert!(recv_pinned(&mut rx, |rx, cx| rx.get_mut().poll_recv(cx)).await.is_none());
    }
}
