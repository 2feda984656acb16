//! Inside `spawn_blocking` the runtime that spawned the closure is the current one, as in
//! tokio (tokio-util's `SyncIoBridge::new` calls `Handle::current()` there), on both schedulers.

mod support;

use weft::runtime::Handle;

rt_test! {
    async fn spawn_blocking_sees_its_runtime_as_current() {
        let (spawned, counted) = weft::task::spawn_blocking(|| {
            let here = Handle::try_current().expect("no current runtime in spawn_blocking");
            // The pool thread is not a runtime worker, so it may block on the runtime too.
            let counted = here.block_on(async { 2 + 2 });
            (weft::spawn(async { 7 }), counted)
        })
        .await
        .unwrap();
        // The task spawned from the pool thread runs on this runtime.
        assert_eq!(spawned.await.unwrap(), 7);
        assert_eq!(counted, 4);
    }

    async fn sync_io_bridge_pattern_writes_through_the_runtime() {
        use weft::io::{AsyncReadExt, AsyncWriteExt};
        let (mut reader, mut writer) = weft::io::duplex(64);
        weft::task::spawn_blocking(move || {
            let handle = Handle::current();
            handle.block_on(async move {
                writer.write_all(b"from the pool").await.unwrap();
                writer.shutdown().await.unwrap();
            });
        })
        .await
        .unwrap();
        let mut got = String::new();
        reader.read_to_string(&mut got).await.unwrap();
        assert_eq!(got, "from the pool");
    }
}
