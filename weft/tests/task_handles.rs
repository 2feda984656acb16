//! `JoinSet: Extend`, `AbortHandle: Clone`, `LocalSet::id`: on both schedulers.

mod support;

use weft::task::{JoinSet, LocalSet};

rt_test! {
    async fn join_set_extend_spawns_each() {
        let mut set: JoinSet<u32> = (0..2).map(|i| async move { i }).collect();
        set.extend((2..5).map(|i| async move { i }));
        assert_eq!(set.len(), 5);
        let mut out = set.join_all().await;
        out.sort();
        assert_eq!(out, [0, 1, 2, 3, 4]);
    }

    async fn abort_handle_clones_abort_the_same_task() {
        let task = weft::spawn(std::future::pending::<()>());
        let a = task.abort_handle();
        let b = a.clone();
        assert_eq!(a.id(), b.id());
        drop(a);
        assert!(!b.is_finished());
        b.clone().abort();
        assert!(task.await.unwrap_err().is_cancelled());
        assert!(b.is_finished());
    }

    async fn local_set_ids_are_distinct_from_runtimes() {
        let a = LocalSet::new();
        let b = LocalSet::new();
        assert_ne!(a.id(), b.id());
        assert_ne!(a.id(), weft::runtime::Handle::current().id());
        assert_eq!(a.id(), a.id());
    }
}
