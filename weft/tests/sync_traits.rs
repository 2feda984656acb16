//! Compile-time checks: the types and futures that tokio makes `Send`/`Sync` are so here too,
//! so they can be held across `.await` in spawned tasks.

#![allow(dead_code, clippy::let_underscore_future)]

use std::sync::Arc;
use weft::sync::*;

fn send<T: Send>(_: &T) {}
fn sync<T: Sync>(_: &T) {}
fn send_sync<T: Send + Sync>(_: &T) {}

async fn futures_are_send(
    m: Arc<Mutex<u8>>,
    rw: Arc<RwLock<u8>>,
    s: Arc<Semaphore>,
    n: Arc<Notify>,
    b: Arc<Barrier>,
    c: Arc<OnceCell<u8>>,
    so: Arc<SetOnce<u8>>,
) {
    send(&m.lock());
    send(&m.clone().lock_owned());
    send(&rw.read());
    send(&rw.write());
    send(&rw.clone().read_owned());
    send(&rw.clone().write_owned());
    send(&s.acquire());
    send(&s.acquire_many(2));
    send(&s.clone().acquire_owned());
    send(&n.notified());
    send(&n.clone().notified_owned());
    send(&b.wait());
    send(&c.get_or_init(|| async { 1 }));
    send(&so.wait());
    let (tx, mut rx) = mpsc::channel::<u8>(1);
    send(&tx.send(1));
    send(&tx.reserve());
    send(&tx.closed());
    send(&rx.recv());
    let (utx, mut urx) = mpsc::unbounded_channel::<u8>();
    send(&utx.closed());
    send(&urx.recv());
    let (otx, orx) = oneshot::channel::<u8>();
    send_sync(&otx);
    send_sync(&orx);
    let (wtx, mut wrx) = watch::channel(0u8);
    send(&wrx.changed());
    send(&wtx.closed());
    let (btx, mut brx) = broadcast::channel::<u8>(1);
    send(&brx.recv());
    send(&btx.closed());
}

fn types_are_send_sync() {
    let (tx, rx) = mpsc::channel::<u8>(1);
    send_sync(&tx);
    send_sync(&rx);
    send_sync(&tx.downgrade());
    let m = Mutex::new(0u8);
    send_sync(&m);
    send_sync(&m.try_lock().unwrap());
    sync(&Semaphore::new(1));
    send_sync(&Notify::new());
    send_sync(&RwLock::new(0u8));
    send_sync(&Barrier::new(1));
    send_sync(&OnceCell::<u8>::new());
    send_sync(&SetOnce::<u8>::new());
    let (wtx, wrx) = watch::channel(0u8);
    send_sync(&wtx);
    send_sync(&wrx);
    let (btx, brx) = broadcast::channel::<u8>(1);
    send_sync(&btx);
    send_sync(&brx);
}

/// A `Send` but not `Sync` message type: receivers are still `Sync`, as in tokio.
fn receivers_sync_for_send_only_values() {
    type Msg = Box<dyn std::any::Any + Send>;
    let (_tx, rx) = mpsc::channel::<Msg>(1);
    send_sync(&rx);
    let (_tx, rx) = mpsc::unbounded_channel::<Msg>();
    send_sync(&rx);
    let (_tx, rx) = oneshot::channel::<Msg>();
    send_sync(&rx);
    let (_tx, rx) = broadcast::channel::<std::sync::Arc<u8>>(1);
    send_sync(&rx);
    send_sync(&Mutex::new(Box::new(()) as Msg));
}

#[test]
fn compiles() {}
