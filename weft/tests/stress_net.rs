//! Stress: sockets — 10,000 concurrent loopback TCP connections, EMFILE on accept in repeated
//! cycles (the listener keeps working once descriptors free up), and connections reset in
//! the middle of reads and writes (errors, never hangs, descriptors back to the baseline).
//!
//! `#[ignore]`d: run in release, `cargo test -p weft --release --test 'stress_*' -- --ignored
//! --test-threads=1` (CI does, in its own step). Each test runs on both schedulers under a
//! watchdog that aborts the process naming the test if it hangs; see `stress_support`.
//! Tests that change descriptor limits or count `/proc/self/fd` re-run this binary as a child
//! (`WEFT_STRESS_CHILD=<role>`), so nothing else in the process disturbs them.
mod stress_support;

use std::io::{ErrorKind, Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use stress_support::{open_fds, role, run_child, runtime, Watchdog};
use weft::io::{AsyncReadExt, AsyncWriteExt};
use weft::net::{TcpListener, TcpSocket, TcpStream};

const LIMIT: Duration = Duration::from_secs(300);

// ---- 10,000 concurrent connections ---------------------------------------------------------

const CONNS: usize = 10_000;
/// Descriptors one side needs besides its sockets (runtime, std, the harness).
const SPARE_FDS: u64 = 512;

fn ten_thousand(test: &str, flavor: &str) {
    match role() {
        Some(r) if r.starts_with("clients:") => return many_clients(&r["clients:".len()..]),
        Some(_) => return,
        None => {}
    }
    let _watchdog = Watchdog::start(&format!("stress_net::{test}"), LIMIT);
    let soft = stress_support::raise_nofile_limit();
    if soft < CONNS as u64 + SPARE_FDS {
        let _ = writeln!(
            std::io::stderr(),
            "stress: {test}: SKIPPED: the hard RLIMIT_NOFILE is {soft}, below the {} descriptors \
             one side of {CONNS} connections needs",
            CONNS as u64 + SPARE_FDS
        );
        return;
    }
    runtime(flavor).block_on(async {
        let socket = TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let listener = socket.listen(4096).unwrap();
        let addr = listener.local_addr().unwrap();
        let open = Arc::new(AtomicUsize::new(0));
        let max_open = Arc::new(AtomicUsize::new(0));
        let echoed = Arc::new(AtomicUsize::new(0));
        let server = {
            let (open, max_open, echoed) = (open.clone(), max_open.clone(), echoed.clone());
            weft::spawn(async move {
                loop {
                    let (mut s, _) = listener.accept().await.unwrap();
                    let now = open.fetch_add(1, Ordering::SeqCst) + 1;
                    max_open.fetch_max(now, Ordering::SeqCst);
                    let (open, echoed) = (open.clone(), echoed.clone());
                    weft::spawn(async move {
                        let mut buf = vec![0u8; 16 * 1024];
                        loop {
                            match s.read(&mut buf).await {
                                Ok(0) => break,
                                Ok(n) => {
                                    s.write_all(&buf[..n]).await.unwrap();
                                    echoed.fetch_add(n, Ordering::Relaxed);
                                }
                                Err(e) => panic!("server read: {e}"),
                            }
                        }
                        open.fetch_sub(1, Ordering::SeqCst);
                    });
                }
            })
        };
        let role = format!("clients:{flavor}:{addr}");
        let test = test.to_string();
        weft::task::spawn_blocking(move || run_child(&test, &role))
            .await
            .unwrap();
        assert_eq!(
            max_open.load(Ordering::SeqCst),
            CONNS,
            "all connections open at once"
        );
        // Each client sent 1 + 1,000 + 16,000 bytes before the barrier and 64 after it.
        assert_eq!(
            echoed.load(Ordering::Relaxed),
            CONNS * (1 + 1_000 + 16_000 + 64)
        );
        server.abort();
    });
}

/// The client side, in a child process: the hard limit may not fit both sides in one.
fn many_clients(arg: &str) {
    let soft = stress_support::raise_nofile_limit();
    assert!(
        soft >= CONNS as u64 + SPARE_FDS,
        "the child's limit is {soft}"
    );
    let (flavor, addr) = arg.split_once(':').unwrap();
    let addr: std::net::SocketAddr = addr.parse().unwrap();
    runtime(flavor).block_on(async move {
        let (done_tx, mut done_rx) = weft::sync::mpsc::unbounded_channel::<()>();
        let barrier = Arc::new(weft::sync::Barrier::new(CONNS));
        for i in 0..CONNS {
            let (barrier, done_tx) = (barrier.clone(), done_tx.clone());
            weft::spawn(async move {
                let mut s = TcpStream::connect(addr).await.unwrap();
                for len in [1usize, 1_000, 16_000] {
                    let msg: Vec<u8> = (0..len).map(|j| (i + j) as u8).collect();
                    s.write_all(&msg).await.unwrap();
                    let mut back = vec![0u8; len];
                    s.read_exact(&mut back).await.unwrap();
                    assert_eq!(back, msg, "connection {i} echoed wrong bytes");
                }
                // All 10,000 are open and verified before any goes on.
                barrier.wait().await;
                let msg = [i as u8; 64];
                s.write_all(&msg).await.unwrap();
                let mut back = [0u8; 64];
                s.read_exact(&mut back).await.unwrap();
                assert_eq!(back, msg);
                done_tx.send(()).unwrap();
            });
        }
        drop(done_tx);
        let mut done = 0;
        while done_rx.recv().await.is_some() {
            done += 1;
        }
        assert_eq!(
            done, CONNS,
            "every client finished (a panicking one drops its sender)"
        );
    });
}

#[test]
#[ignore = "stress test: cargo test -p weft --release --test 'stress_*' -- --ignored"]
fn ten_thousand_connections_current_thread() {
    ten_thousand("ten_thousand_connections_current_thread", "current_thread");
}

#[test]
#[ignore = "stress test: cargo test -p weft --release --test 'stress_*' -- --ignored"]
fn ten_thousand_connections_multi_thread() {
    ten_thousand("ten_thousand_connections_multi_thread", "multi_thread");
}

// ---- EMFILE on accept, three times over -----------------------------------------------------

fn emfile(test: &str, flavor: &str) {
    match role().as_deref() {
        Some("emfile") => {}
        Some(_) => return,
        None => {
            let _watchdog = Watchdog::start(&format!("stress_net::{test}"), LIMIT);
            return run_child(test, "emfile");
        }
    }
    const CLIENTS: usize = 200;
    let normal = stress_support::raise_nofile_limit();
    runtime(flavor).block_on(async {
        let listener = Arc::new(TcpListener::bind("127.0.0.1:0").await.unwrap());
        let addr = listener.local_addr().unwrap();
        for cycle in 0..3 {
            // Clients wait in the backlog: nobody accepts yet.
            let clients: Vec<_> = (0..CLIENTS)
                .map(|_| std::net::TcpStream::connect(addr).unwrap())
                .collect();
            // Use up every descriptor.
            stress_support::set_nofile_soft_limit(open_fds() as u64 + 16);
            let mut hogs = Vec::new();
            while let Ok(f) = std::fs::File::open("/dev/null") {
                hogs.push(f);
            }
            let (tx, mut rx) = weft::sync::mpsc::unbounded_channel();
            let acceptor = {
                let listener = listener.clone();
                weft::spawn(async move {
                    let mut accepted = 0;
                    while accepted < CLIENTS {
                        let res = listener.accept().await;
                        let ok = res.is_ok();
                        tx.send(res.map(|(s, _)| s)).unwrap();
                        accepted += ok as usize;
                    }
                })
            };
            match rx.recv().await.unwrap() {
                Err(e) => assert_eq!(e.raw_os_error(), Some(libc::EMFILE), "cycle {cycle}: {e}"),
                Ok(_) => panic!("cycle {cycle}: accepted without a free descriptor"),
            }
            // Descriptors free up: every queued client is served.
            drop(hogs);
            stress_support::set_nofile_soft_limit(normal);
            let mut streams = Vec::new();
            while streams.len() < CLIENTS {
                match rx.recv().await.unwrap() {
                    Ok(s) => streams.push(s),
                    Err(e) => {
                        assert_eq!(e.raw_os_error(), Some(libc::EMFILE), "cycle {cycle}: {e}")
                    }
                }
            }
            acceptor.await.unwrap();
            for s in &mut streams {
                s.write_all(b"served").await.unwrap();
            }
            for mut c in clients {
                let mut buf = [0u8; 6];
                c.read_exact(&mut buf).unwrap();
                assert_eq!(&buf, b"served", "cycle {cycle}");
            }
        }
    });
}

#[test]
#[ignore = "stress test: cargo test -p weft --release --test 'stress_*' -- --ignored"]
fn emfile_on_accept_recovers_current_thread() {
    emfile("emfile_on_accept_recovers_current_thread", "current_thread");
}

#[test]
#[ignore = "stress test: cargo test -p weft --release --test 'stress_*' -- --ignored"]
fn emfile_on_accept_recovers_multi_thread() {
    emfile("emfile_on_accept_recovers_multi_thread", "multi_thread");
}

// ---- resets in the middle of reads and writes -----------------------------------------------

/// A reset, as a read or write on a socket whose peer aborted may report it.
fn is_reset(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::ConnectionReset | ErrorKind::BrokenPipe | ErrorKind::ConnectionAborted
    )
}

fn resets(test: &str, flavor: &str) {
    match role().as_deref() {
        Some("resets") => {}
        Some(_) => return,
        None => {
            let _watchdog = Watchdog::start(&format!("stress_net::{test}"), LIMIT);
            return run_child(test, "resets");
        }
    }
    const PAIRS: usize = 1_000;
    /// Pairs in flight at once.
    const WAVE: usize = 100;
    stress_support::raise_nofile_limit();
    let rt = runtime(flavor);
    rt.block_on(async {
        // Warm-up: whatever the runtime opens once (the ring, the blocking pool) is open now.
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        drop(TcpStream::connect(l.local_addr().unwrap()).await.unwrap());
    });
    let before = open_fds();
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        // Far more than the (shrunk) socket buffers of both ends hold: a write_all of it blocks.
        let big: Arc<[u8]> = vec![7u8; 4 << 20].into();
        for wave in 0..PAIRS / WAVE {
            let mut tasks = Vec::new();
            for j in 0..WAVE {
                let client = TcpStream::connect(addr).await.unwrap();
                let (server, _) = listener.accept().await.unwrap();
                socket2::SockRef::from(&server)
                    .set_send_buffer_size(16 * 1024)
                    .unwrap();
                socket2::SockRef::from(&client)
                    .set_recv_buffer_size(16 * 1024)
                    .unwrap();
                tasks.push(weft::spawn(reset_pair(
                    wave * WAVE + j,
                    client,
                    server,
                    big.clone(),
                )));
            }
            for t in tasks {
                t.await.unwrap();
            }
        }
        // The runtime is fine afterwards.
        let mut c = TcpStream::connect(addr).await.unwrap();
        let (mut s, _) = listener.accept().await.unwrap();
        c.write_all(b"still here").await.unwrap();
        let mut buf = [0u8; 10];
        s.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"still here");
    });
    assert_eq!(open_fds(), before, "descriptors leaked");
    drop(rt);
}

/// One connection reset in one of four ways, chosen by `i % 4`.
async fn reset_pair(i: usize, client: TcpStream, mut server: TcpStream, big: Arc<[u8]>) {
    match i % 4 {
        // The server is blocked in read when the client resets.
        0 => {
            let reader = weft::spawn(async move {
                let mut buf = [0u8; 1024];
                server.read(&mut buf).await
            });
            weft::task::yield_now().await;
            client.set_zero_linger().unwrap();
            drop(client);
            match reader.await.unwrap() {
                Ok(0) => {}
                Ok(n) => panic!("read {n} bytes from a reset connection"),
                Err(e) => assert!(is_reset(&e), "{e}"),
            }
        }
        // The server is blocked in write_all (the client reads a little, then stops) when
        // the client resets.
        1 => {
            let mut client = client;
            let writer = weft::spawn(async move { server.write_all(&big).await });
            let mut buf = [0u8; 8 * 1024];
            client.read_exact(&mut buf).await.unwrap();
            client.set_zero_linger().unwrap();
            drop(client);
            let err = writer
                .await
                .unwrap()
                .expect_err("write_all to a reset peer");
            assert!(is_reset(&err), "{err}");
        }
        // The client is in read_exact when the server resets.
        2 => {
            let mut client = client;
            server.write_all(b"half").await.unwrap();
            server.set_zero_linger().unwrap();
            let reader = weft::spawn(async move {
                let mut buf = [0u8; 1024];
                client.read_exact(&mut buf).await
            });
            weft::task::yield_now().await;
            drop(server);
            let err = reader
                .await
                .unwrap()
                .expect_err("read_exact of a reset stream");
            assert!(
                is_reset(&err) || err.kind() == ErrorKind::UnexpectedEof,
                "{err}"
            );
        }
        // Split halves, one blocked in read and one in write, then the peer resets.
        _ => {
            let (mut rd, mut wr) = server.into_split();
            let r = weft::spawn(async move { rd.read(&mut [0u8; 16]).await });
            let w = weft::spawn(async move { wr.write_all(&big).await });
            weft::task::yield_now().await;
            client.set_zero_linger().unwrap();
            drop(client);
            match r.await.unwrap() {
                Ok(0) => {}
                Ok(n) => panic!("read {n} bytes from a reset connection"),
                Err(e) => assert!(is_reset(&e), "{e}"),
            }
            let err = w.await.unwrap().expect_err("write_all to a reset peer");
            assert!(is_reset(&err), "{err}");
        }
    }
}

#[test]
#[ignore = "stress test: cargo test -p weft --release --test 'stress_*' -- --ignored"]
fn resets_mid_read_and_write_current_thread() {
    resets("resets_mid_read_and_write_current_thread", "current_thread");
}

#[test]
#[ignore = "stress test: cargo test -p weft --release --test 'stress_*' -- --ignored"]
fn resets_mid_read_and_write_multi_thread() {
    resets("resets_mid_read_and_write_multi_thread", "multi_thread");
}
