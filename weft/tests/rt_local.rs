//! `runtime::LocalRuntime` and `Builder::build_local`: `!Send` tasks without a `LocalSet`.

use std::cell::Cell;
use std::rc::Rc;
use weft::runtime::{Builder, LocalOptions, LocalRuntime};

#[test]
fn spawn_local_inside_block_on_and_from_the_runtime() {
    let rt = LocalRuntime::new().unwrap();
    let hits = Rc::new(Cell::new(0));
    let before = rt.spawn_local({
        let hits = hits.clone();
        async move { hits.set(hits.get() + 1) }
    });
    let out = rt.block_on({
        let hits = hits.clone();
        async move {
            before.await.unwrap();
            let inner = weft::task::spawn_local(async move {
                hits.set(hits.get() + 10);
                hits.get()
            });
            inner.await.unwrap()
        }
    });
    assert_eq!(out, 11);
    assert_eq!(hits.get(), 11);
}

#[test]
fn send_tasks_and_io_run_on_a_local_runtime() {
    let rt = Builder::new_current_thread()
        .enable_all()
        .build_local(LocalOptions::default())
        .unwrap();
    let out = rt.block_on(async {
        let (tx, rx) = weft::sync::oneshot::channel();
        weft::spawn(async move { tx.send(5).unwrap() });
        weft::time::sleep(std::time::Duration::from_millis(1)).await;
        rx.await.unwrap()
    });
    assert_eq!(out, 5);
    assert_eq!(rt.block_on(rt.spawn_blocking(|| 3)).unwrap(), 3);
}

#[test]
#[should_panic(expected = "multi_thread is not supported for LocalRuntime")]
fn build_local_refuses_multi_thread() {
    let _ = Builder::new_multi_thread().build_local(LocalOptions::default());
}

#[weft::test(flavor = "local")]
async fn local_flavor_in_the_attribute() {
    let v = Rc::new(2);
    assert_eq!(weft::task::spawn_local(async move { *v }).await.unwrap(), 2);
}
