//! Faults and limits that need a process of their own: running out of file descriptors,
//! counting open fds across a runtime drop, and 10,000 concurrent connections. Each test
//! re-runs this binary as a child (`WEFT_NET_CHILD=<role>`), so lowering limits or counting
//! `/proc/self/fd` is not disturbed by other tests running in parallel.

use futures::StreamExt;
use std::io::ErrorKind;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use weft::io::{AsyncReadExt, AsyncWriteExt};
use weft::net::{TcpListener, TcpSocket, TcpStream};

const ROLE: &str = "WEFT_NET_CHILD";

fn runtime(flavor: &str) -> weft::runtime::Runtime {
    match flavor {
        "current_thread" => weft::runtime::Builder::new_current_thread(),
        _ => {
            let mut b = weft::runtime::Builder::new_multi_thread();
            b.worker_threads(2);
            b
        }
    }
    .enable_all()
    .build()
    .unwrap()
}

/// Runs `test` in a child process with the given role; panics with its output if it fails.
fn run_child(test: &str, role: &str) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(ROLE, role)
        .output()
        .unwrap();
    assert!(
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains("1 passed"),
        "child {role} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn set_nofile_soft_limit(n: u64) {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a valid, writable rlimit for getrlimit to fill.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
    lim.rlim_cur = n.min(lim.rlim_max);
    // SAFETY: `lim` is a valid rlimit; lowering or raising the soft limit up to the hard
    // limit is always allowed.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) }, 0);
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

// ---- EMFILE on accept --------------------------------------------------------------------

#[test]
fn emfile_on_accept_backs_off_and_recovers() {
    match std::env::var(ROLE).ok().as_deref() {
        Some(flavor @ ("current_thread" | "multi_thread")) => emfile_child(flavor),
        Some(_) => {}
        None => {
            run_child("emfile_on_accept_backs_off_and_recovers", "current_thread");
            run_child("emfile_on_accept_backs_off_and_recovers", "multi_thread");
        }
    }
}

enum Event {
    Accepted(TcpStream),
    Failed(std::io::Error),
}

fn emfile_child(flavor: &str) {
    let rt = runtime(flavor);
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        // Three clients wait in the backlog (their connects complete without an accept).
        let clients: Vec<_> = (0..3)
            .map(|_| std::net::TcpStream::connect(addr).unwrap())
            .collect();
        // Use up every remaining descriptor.
        set_nofile_soft_limit(open_fds() as u64 + 16);
        let mut hogs = Vec::new();
        loop {
            match std::fs::File::open("/dev/null") {
                Ok(f) => hogs.push(f),
                Err(e) => {
                    assert_eq!(e.raw_os_error(), Some(libc::EMFILE));
                    break;
                }
            }
        }
        // The obvious server loop: log the error and keep going.
        let (tx, mut rx) = futures::channel::mpsc::unbounded();
        let server = weft::spawn(async move {
            loop {
                let ev = match listener.accept().await {
                    Ok((s, _)) => Event::Accepted(s),
                    Err(e) => Event::Failed(e),
                };
                if tx.unbounded_send(ev).is_err() {
                    break;
                }
            }
        });
        match rx.next().await.unwrap() {
            Event::Failed(e) => assert_eq!(e.raw_os_error(), Some(libc::EMFILE), "{e}"),
            Event::Accepted(_) => panic!("accept cannot succeed without a free descriptor"),
        }
        // Measurement window: a spinning loop would retry thousands of times in it; the
        // listener's backoff (1 ms doubling) allows about eight.
        weft::task::spawn_blocking(|| std::thread::sleep(Duration::from_millis(300)))
            .await
            .unwrap();
        let mut retries = 0;
        while let Ok(ev) = rx.try_recv() {
            match ev {
                Event::Failed(_) => retries += 1,
                Event::Accepted(_) => panic!("accepted while out of descriptors"),
            }
        }
        assert!(
            retries < 40,
            "accept loop spun: {retries} retries in 300 ms"
        );
        // Free the descriptors: the queued connections are picked up without a new one.
        drop(hogs);
        let mut accepted = Vec::new();
        while accepted.len() < clients.len() {
            match rx.next().await.unwrap() {
                Event::Accepted(s) => accepted.push(s),
                Event::Failed(e) => assert_eq!(e.raw_os_error(), Some(libc::EMFILE)),
            }
        }
        for (mut s, mut c) in accepted.into_iter().zip(clients) {
            s.write_all(b"ok").await.unwrap();
            let mut buf = [0u8; 2];
            std::io::Read::read_exact(&mut c, &mut buf).unwrap();
            assert_eq!(&buf, b"ok");
        }
        server.abort();
    });
}

// ---- dropping the runtime with registered sockets ----------------------------------------

#[test]
fn runtime_drop_fails_later_io_and_leaks_no_fd() {
    match std::env::var(ROLE).ok().as_deref() {
        Some(flavor @ ("current_thread" | "multi_thread")) => runtime_drop_child(flavor),
        Some(_) => {}
        None => {
            run_child(
                "runtime_drop_fails_later_io_and_leaks_no_fd",
                "current_thread",
            );
            run_child(
                "runtime_drop_fails_later_io_and_leaks_no_fd",
                "multi_thread",
            );
        }
    }
}

fn runtime_drop_child(flavor: &str) {
    drop(runtime(flavor)); // warm-up: anything opened once per process is open now
    let before = open_fds();
    {
        let rt = runtime(flavor);
        let (listener, mut client, server) = rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let client = TcpStream::connect(listener.local_addr().unwrap())
                .await
                .unwrap();
            let (server, _) = listener.accept().await.unwrap();
            (listener, client, server)
        });
        // A task waiting on a socket when the runtime goes away.
        let (tx, rx) = futures::channel::oneshot::channel::<()>();
        let (started_tx, started_rx) = futures::channel::oneshot::channel::<()>();
        rt.spawn(async move {
            let mut server = server;
            let _tx = tx;
            started_tx.send(()).unwrap();
            let _ = server.read(&mut [0u8; 8]).await;
        });
        rt.block_on(started_rx).unwrap();
        drop(rt);
        // The waiting task ended (its future, and the sender in it, were dropped).
        assert!(futures::executor::block_on(rx).is_err());
        let err = futures::executor::block_on(client.read(&mut [0u8; 8])).unwrap_err();
        assert!(err.to_string().contains("runtime"), "{err}");
        assert!(err.to_string().contains("shut down"), "{err}");
        let err = futures::executor::block_on(listener.accept()).unwrap_err();
        assert!(err.to_string().contains("shut down"), "{err}");
        assert!(client.try_write(b"x").is_err());
    }
    assert_eq!(open_fds(), before, "file descriptors leaked");
}

// ---- 10,000 concurrent connections -------------------------------------------------------

const CONNS: usize = 10_000;

#[test]
fn ten_thousand_concurrent_connections_echo() {
    match std::env::var(ROLE).ok().as_deref() {
        Some(role) if role.starts_with("server:") => many_server(&role["server:".len()..]),
        Some(role) if role.starts_with("clients:") => many_clients(&role["clients:".len()..]),
        Some(_) => {}
        None => {
            run_child(
                "ten_thousand_concurrent_connections_echo",
                "server:current_thread",
            );
            run_child(
                "ten_thousand_concurrent_connections_echo",
                "server:multi_thread",
            );
        }
    }
}

/// The server side (10,000 sockets) in one process; the clients (10,000 more) in another,
/// because the hard limit here is 20,000 descriptors per process.
fn many_server(flavor: &str) {
    set_nofile_soft_limit(u64::MAX);
    let rt = runtime(flavor);
    rt.block_on(async {
        let socket = TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let listener = socket.listen(4096).unwrap();
        let addr = listener.local_addr().unwrap();
        let open = Arc::new(AtomicUsize::new(0));
        let max_open = Arc::new(AtomicUsize::new(0));
        let (o, m) = (open.clone(), max_open.clone());
        let server = weft::spawn(async move {
            loop {
                let (mut s, _) = listener.accept().await.unwrap();
                let now = o.fetch_add(1, Ordering::SeqCst) + 1;
                m.fetch_max(now, Ordering::SeqCst);
                let o = o.clone();
                weft::spawn(async move {
                    let mut buf = [0u8; 64];
                    loop {
                        let n = s.read(&mut buf).await.unwrap();
                        if n == 0 {
                            break;
                        }
                        s.write_all(&buf[..n]).await.unwrap();
                    }
                    o.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        let role = format!("clients:{flavor}:{addr}");
        let child = weft::task::spawn_blocking(move || {
            run_child("ten_thousand_concurrent_connections_echo", &role)
        });
        child.await.unwrap();
        assert_eq!(max_open.load(Ordering::SeqCst), CONNS);
        server.abort();
    });
}

fn many_clients(arg: &str) {
    set_nofile_soft_limit(u64::MAX);
    let (flavor, addr) = arg.split_once(':').unwrap();
    let addr: std::net::SocketAddr = addr.parse().unwrap();
    let rt = runtime(flavor);
    rt.block_on(async move {
        let verified = Arc::new(AtomicUsize::new(0));
        let (all_tx, all_rx) = futures::channel::oneshot::channel::<()>();
        let all_tx = Arc::new(std::sync::Mutex::new(Some(all_tx)));
        let all_rx = futures::FutureExt::shared(all_rx);
        let tasks: Vec<_> = (0..CONNS)
            .map(|i| {
                let (verified, all_tx, all_rx) = (verified.clone(), all_tx.clone(), all_rx.clone());
                weft::spawn(async move {
                    let mut s = TcpStream::connect(addr).await.unwrap();
                    let msg = format!("connection {i:05}");
                    s.write_all(msg.as_bytes()).await.unwrap();
                    let mut back = vec![0u8; msg.len()];
                    s.read_exact(&mut back).await.unwrap();
                    assert_eq!(back, msg.as_bytes());
                    // Hold the connection until every client has echoed: all are open at once.
                    if verified.fetch_add(1, Ordering::SeqCst) + 1 == CONNS {
                        let _ = all_tx.lock().unwrap().take().unwrap().send(());
                    }
                    let _ = all_rx.await;
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(verified.load(Ordering::SeqCst), CONNS);
    });
}

#[test]
fn connection_refused_error_names_the_problem() {
    if std::env::var(ROLE).is_ok() {
        return;
    }
    let rt = runtime("current_thread");
    let err = rt.block_on(TcpStream::connect("127.0.0.1:1")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
}
