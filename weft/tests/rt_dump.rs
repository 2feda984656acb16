//! The task dump: every live task with its id, name, spawn location and state, and where idle
//! tasks wait; on both schedulers and in a `LocalSet`, and while every worker is blocked.

use std::time::Duration;
use weft::runtime::{Builder, Dump, Runtime, TaskDump, TaskState};
use weft::task::Id;

fn runtime(multi: bool) -> Runtime {
    let mut b = if multi {
        let mut b = Builder::new_multi_thread();
        b.worker_threads(2);
        b
    } else {
        Builder::new_current_thread()
    };
    b.enable_all().build().unwrap()
}

fn find(dump: &Dump, id: Id) -> &TaskDump {
    dump.tasks
        .iter()
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("task {id} not in\n{dump}"))
}

/// Yields until the dump shows `id` idle and waiting (the task has run to its await).
async fn settled(id: Id) -> Dump {
    for _ in 0..100_000 {
        let dump = weft::runtime::Handle::current().dump().await;
        if let Some(t) = dump.tasks.iter().find(|t| t.id == id) {
            if t.state == TaskState::Idle && t.waiting_on.is_some() {
                return dump;
            }
        }
        weft::task::yield_now().await;
    }
    let dump = weft::runtime::Handle::current().dump().await;
    panic!("task {id} never settled:\n{dump}");
}

async fn waits(multi: bool) {
    let (_tx, mut rx) = weft::sync::mpsc::channel::<u8>(1);
    let line = line!() + 3;
    let recv = weft::task::Builder::new()
        .name("receiver")
        .spawn(async move { rx.recv().await })
        .unwrap();
    let dump = settled(recv.id()).await;
    let t = find(&dump, recv.id());
    assert_eq!(t.name.as_deref(), Some("receiver"));
    assert!(t.spawned_at.file().ends_with("rt_dump.rs"));
    assert_eq!(t.spawned_at.line(), line);
    assert_eq!(
        t.waiting_on.as_ref().unwrap().what,
        "mpsc::Receiver::recv",
        "{dump}"
    );
    assert!(t.polls >= 1);
    let text = dump.to_string();
    assert!(text.contains("\"receiver\""), "{text}");
    assert!(text.contains("waiting on mpsc::Receiver::recv"), "{text}");
    let json = dump.to_json();
    assert!(json.contains("\"what\":\"mpsc::Receiver::recv\""), "{json}");
    assert!(json.contains(&format!("\"id\":{}", recv.id())), "{json}");

    let sleeper = weft::spawn(weft::time::sleep(Duration::from_secs(3600)));
    let dump = settled(sleeper.id()).await;
    let w = find(&dump, sleeper.id()).waiting_on.clone().unwrap();
    assert_eq!(w.what, "time::sleep");
    assert!(w.deadline_in.unwrap() > Duration::from_secs(3000), "{dump}");

    let target = sleeper.id();
    let joiner = weft::spawn(async move { sleeper.await.is_err() });
    let dump = settled(joiner.id()).await;
    let w = find(&dump, joiner.id()).waiting_on.clone().unwrap();
    assert_eq!(w.what, "JoinHandle");
    assert_eq!(w.task, Some(target.to_string().parse().unwrap()));

    let sem = std::sync::Arc::new(weft::sync::Mutex::new(()));
    let guard = sem.clone().lock_owned().await;
    let s = sem.clone();
    let locker = weft::spawn(async move { drop(s.lock().await) });
    let dump = settled(locker.id()).await;
    assert!(find(&dump, locker.id())
        .waiting_on
        .as_ref()
        .unwrap()
        .what
        .contains("Mutex::lock"));
    drop(guard);
    locker.await.unwrap();
    let _ = multi;
    joiner.abort();
    recv.abort();
}

#[test]
fn dump_shows_wait_points_current_thread() {
    runtime(false).block_on(waits(false));
}

#[test]
fn dump_shows_wait_points_multi_thread() {
    runtime(true).block_on(waits(true));
}

#[test]
fn dump_shows_local_set_tasks() {
    let rt = runtime(false);
    let local = weft::task::LocalSet::new();
    local.block_on(&rt, async {
        let (_tx, mut rx) = weft::sync::mpsc::unbounded_channel::<std::rc::Rc<u8>>();
        let line = line!() + 3;
        let t = weft::task::Builder::new()
            .name("local-recv")
            .spawn_local(async move { rx.recv().await })
            .unwrap();
        let dump = settled(t.id()).await;
        let d = find(&dump, t.id());
        assert_eq!(d.list, "LocalSet");
        assert_eq!(d.name.as_deref(), Some("local-recv"));
        assert_eq!(d.spawned_at.line(), line);
        assert_eq!(d.waiting_on.as_ref().unwrap().what, "mpsc::Receiver::recv");
        t.abort();
    });
}

/// Both workers stuck in a blocking call: the dump still completes, from another thread, and
/// shows them running.
#[test]
fn dump_completes_while_every_worker_is_blocked() {
    let rt = runtime(true);
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let release_rx = std::sync::Arc::new(std::sync::Mutex::new(release_rx));
    let (started_tx, started_rx) = std::sync::mpsc::channel::<()>();
    let mut blocked = Vec::new();
    for _ in 0..2 {
        let (rx, started) = (release_rx.clone(), started_tx.clone());
        blocked.push(rt.spawn(async move {
            started.send(()).unwrap();
            // Holds the worker until released (a hang detector bounds it).
            let _ = rx.lock().unwrap().recv_timeout(Duration::from_secs(30));
        }));
    }
    let idle: Vec<_> = (0..1000)
        .map(|_| rt.spawn(std::future::pending::<()>()))
        .collect();
    started_rx.recv_timeout(Duration::from_secs(20)).unwrap();
    let dump = rt.handle().dump_blocking();
    assert!(dump.tasks.len() >= 1002, "{}", dump.tasks.len());
    let first = find(&dump, blocked[0].id());
    assert!(
        matches!(first.state, TaskState::Running { worker: Some(_) }),
        "{first:?}"
    );
    for id in idle.iter().map(|t| t.id()) {
        find(&dump, id);
    }
    release_tx.send(()).unwrap();
    release_tx.send(()).unwrap();
    for t in blocked {
        rt.block_on(t).unwrap();
    }
}
