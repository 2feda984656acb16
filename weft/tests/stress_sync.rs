//! Stress: channel floods — 64 producers × 100,000 messages in order, and receivers dropped
//! mid-stream (every blocked sender must wake with an error, none may hang).
//!
//! `#[ignore]`d: run in release, `cargo test -p weft --release --test 'stress_*' -- --ignored
//! --test-threads=1` (CI does, in its own step). Each test runs on both schedulers under a
//! watchdog that aborts the process naming the test if it hangs; see `stress_support`.
mod stress_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use weft::sync::{broadcast, mpsc, oneshot, watch};

const PRODUCERS: usize = 64;
const PER_PRODUCER: usize = 100_000;

stress_test! {
    /// 64 producers × 100,000 messages through a bounded (capacity 1,024) and an unbounded
    /// channel: all arrive, each producer's in order.
    fn mpsc_64_producers_in_order(rt) limit 300 {
        rt.block_on(async {
            let (tx, mut rx) = mpsc::channel::<(usize, usize)>(1_024);
            for p in 0..PRODUCERS {
                let tx = tx.clone();
                weft::spawn(async move {
                    for i in 0..PER_PRODUCER {
                        tx.send((p, i)).await.unwrap();
                    }
                });
            }
            drop(tx);
            let mut next = vec![0usize; PRODUCERS];
            let mut total = 0;
            while let Some((p, i)) = rx.recv().await {
                assert_eq!(i, next[p], "producer {p} out of order");
                next[p] += 1;
                total += 1;
            }
            assert_eq!(total, PRODUCERS * PER_PRODUCER);

            let (tx, mut rx) = mpsc::unbounded_channel::<(usize, usize)>();
            for p in 0..PRODUCERS {
                let tx = tx.clone();
                weft::spawn(async move {
                    for i in 0..PER_PRODUCER {
                        tx.send((p, i)).unwrap();
                        if i % 1_024 == 0 {
                            weft::task::yield_now().await;
                        }
                    }
                });
            }
            drop(tx);
            let mut next = vec![0usize; PRODUCERS];
            let mut total = 0;
            let mut batch = Vec::with_capacity(256);
            while rx.recv_many(&mut batch, 256).await > 0 {
                for (p, i) in batch.drain(..) {
                    assert_eq!(i, next[p], "producer {p} out of order");
                    next[p] += 1;
                    total += 1;
                }
            }
            assert_eq!(total, PRODUCERS * PER_PRODUCER);
        });
    }

    /// Receivers dropped mid-stream: 64 producers flood a bounded channel (many blocked in
    /// `send`), an unbounded one, a broadcast channel and a watch channel; the receivers go
    /// away after 50,000 messages, and every producer ends with a send error.
    fn channel_receivers_dropped_mid_stream(rt) limit 300 {
        rt.block_on(async {
            const TAKE: usize = 50_000;
            let ended = Arc::new(AtomicUsize::new(0));

            let (tx, mut rx) = mpsc::channel::<usize>(64);
            let mut producers = Vec::new();
            for _ in 0..PRODUCERS {
                let (tx, ended) = (tx.clone(), ended.clone());
                producers.push(weft::spawn(async move {
                    let mut i = 0;
                    while tx.send(i).await.is_ok() {
                        i += 1;
                    }
                    ended.fetch_add(1, Ordering::Relaxed);
                }));
            }
            drop(tx);
            for _ in 0..TAKE {
                rx.recv().await.unwrap();
            }
            drop(rx);
            for p in producers.drain(..) {
                p.await.unwrap();
            }

            let (tx, mut rx) = mpsc::unbounded_channel::<usize>();
            for _ in 0..PRODUCERS {
                let (tx, ended) = (tx.clone(), ended.clone());
                producers.push(weft::spawn(async move {
                    let mut i = 0;
                    while tx.send(i).is_ok() {
                        i += 1;
                        if i % 256 == 0 {
                            weft::task::yield_now().await;
                        }
                    }
                    ended.fetch_add(1, Ordering::Relaxed);
                }));
            }
            drop(tx);
            for _ in 0..TAKE {
                rx.recv().await.unwrap();
            }
            drop(rx);
            for p in producers.drain(..) {
                p.await.unwrap();
            }

            // Broadcast: 16 receivers, some lagging; once all are gone, send fails.
            let (tx, _) = broadcast::channel::<usize>(128);
            let mut receivers = Vec::new();
            for r in 0..16 {
                let mut rx = tx.subscribe();
                receivers.push(weft::spawn(async move {
                    let mut got = 0;
                    while got < TAKE / 16 * (r % 4 + 1) {
                        match rx.recv().await {
                            Ok(_) => got += 1,
                            Err(broadcast::error::RecvError::Lagged(_)) => {}
                            Err(e) => panic!("broadcast receiver: {e}"),
                        }
                    }
                }));
            }
            let sender = {
                let ended = ended.clone();
                weft::spawn(async move {
                    let mut i = 0;
                    while tx.send(i).is_ok() {
                        i += 1;
                        if i % 64 == 0 {
                            weft::task::yield_now().await;
                        }
                    }
                    ended.fetch_add(1, Ordering::Relaxed);
                })
            };
            for r in receivers {
                r.await.unwrap();
            }
            sender.await.unwrap();

            // Watch: the sender sees `closed()` once the last receiver drops.
            let (tx, rx) = watch::channel(0usize);
            let mut watchers = Vec::new();
            for _ in 0..PRODUCERS {
                let mut rx = rx.clone();
                watchers.push(weft::spawn(async move {
                    for _ in 0..100 {
                        if rx.changed().await.is_err() {
                            break;
                        }
                    }
                }));
            }
            drop(rx);
            let writer = weft::spawn(async move {
                let mut i = 0;
                while tx.send(i).is_ok() {
                    i += 1;
                    weft::task::yield_now().await;
                }
                tx.closed().await;
            });
            for w in watchers {
                w.await.unwrap();
            }
            writer.await.unwrap();

            // 100,000 oneshots, every other receiver dropped before the send.
            let mut handles = Vec::new();
            for i in 0..100_000usize {
                let (tx, rx) = oneshot::channel::<usize>();
                if i % 2 == 0 {
                    drop(rx);
                    handles.push(weft::spawn(async move { tx.send(i).is_err() }));
                } else {
                    weft::spawn(async move { tx.send(i).unwrap() });
                    handles.push(weft::spawn(async move { rx.await.unwrap() == i }));
                }
            }
            for h in handles {
                assert!(h.await.unwrap());
            }
            assert_eq!(ended.load(Ordering::Relaxed), 2 * PRODUCERS + 1);
        });
    }
}
