//! TCP over real loopback sockets, on both schedulers.

mod support;

use std::io::ErrorKind;
use weft::io::{AsyncReadExt, AsyncWriteExt, Interest};
use weft::net::{TcpListener, TcpSocket, TcpStream};

async fn pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (server, peer) = listener.accept().await.unwrap();
    assert_eq!(peer, client.local_addr().unwrap());
    (client, server)
}

rt_test! {
    async fn echo_roundtrip_through_spawned_server() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = weft::spawn(async move {
            for _ in 0..4 {
                let (mut s, _) = listener.accept().await.unwrap();
                weft::spawn(async move {
                    let mut buf = vec![0u8; 4096];
                    loop {
                        let n = s.read(&mut buf).await.unwrap();
                        if n == 0 { break; }
                        s.write_all(&buf[..n]).await.unwrap();
                    }
                });
            }
        });
        let mut clients = Vec::new();
        for i in 0..4u8 {
            clients.push(weft::spawn(async move {
                let mut c = TcpStream::connect(addr).await.unwrap();
                let msg: Vec<u8> = (0..100_000u32).map(|j| (j as u8).wrapping_add(i)).collect();
                let (mut r, mut w) = c.split();
                let write = async { w.write_all(&msg).await.unwrap(); w.shutdown().await.unwrap(); };
                let read = async { let mut v = Vec::new(); r.read_to_end(&mut v).await.unwrap(); v };
                let (_, got) = futures::join!(write, read);
                assert_eq!(got, msg);
            }));
        }
        for c in clients { c.await.unwrap(); }
        server.await.unwrap();
    }

    async fn connect_to_closed_port_is_connection_refused() {
        let addr = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap()
        };
        let err = TcpStream::connect(addr).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err}");
    }

    async fn half_close_reads_eof_while_writing_still_works() {
        let (mut client, mut server) = pair().await;
        client.write_all(b"request").await.unwrap();
        client.shutdown().await.unwrap();
        let mut got = Vec::new();
        server.read_to_end(&mut got).await.unwrap();
        assert_eq!(got, b"request");
        // Reading again keeps returning end of stream.
        assert_eq!(server.read(&mut [0u8; 8]).await.unwrap(), 0);
        server.write_all(b"response").await.unwrap();
        drop(server);
        let mut back = Vec::new();
        client.read_to_end(&mut back).await.unwrap();
        assert_eq!(back, b"response");
    }

    async fn peer_reset_is_reported() {
        let (client, mut server) = pair().await;
        client.set_zero_linger().unwrap();
        drop(client); // RST instead of FIN
        let err = server.read(&mut [0u8; 8]).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionReset, "{err}");
    }

    async fn write_to_closed_peer_is_broken_pipe_not_sigpipe() {
        let (client, mut server) = pair().await;
        drop(client);
        // The first writes may succeed (buffered) until the peer's RST comes back.
        let err = loop {
            match server.write_all(&[7u8; 64 * 1024]).await {
                Ok(()) => weft::task::yield_now().await,
                Err(e) => break e,
            }
        };
        assert!(
            matches!(err.kind(), ErrorKind::BrokenPipe | ErrorKind::ConnectionReset),
            "{err}"
        );
    }

    async fn try_read_try_write_and_readiness() {
        let (client, server) = pair().await;
        assert_eq!(server.try_read(&mut [0u8; 4]).unwrap_err().kind(), ErrorKind::WouldBlock);
        client.writable().await.unwrap();
        assert_eq!(client.try_write(b"abc").unwrap(), 3);
        let ready = server.ready(Interest::READABLE | Interest::WRITABLE).await.unwrap();
        assert!(ready.is_readable() || ready.is_writable());
        server.readable().await.unwrap();
        let mut buf = [0u8; 8];
        let n = server.peek(&mut buf).await.unwrap();
        assert!(n >= 1);
        let mut total = 0;
        while total < 3 {
            server.readable().await.unwrap();
            match server.try_read(&mut buf[total..]) {
                Ok(n) => total += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => continue,
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(&buf[..3], b"abc");
    }

    async fn many_tasks_wait_on_one_socket() {
        let (mut client, server) = pair().await;
        let server = std::sync::Arc::new(server);
        let waiters: Vec<_> = (0..8).map(|_| {
            let s = server.clone();
            weft::spawn(async move { s.readable().await.unwrap() })
        }).collect();
        client.write_all(b"!").await.unwrap();
        for w in waiters { w.await.unwrap(); }
    }

    async fn into_split_halves_move_to_tasks_and_reunite() {
        let (client, mut server) = pair().await;
        let (mut r, mut w) = client.into_split();
        let reader = weft::spawn(async move {
            let mut buf = [0u8; 5];
            r.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"hello");
            r
        });
        server.write_all(b"hello").await.unwrap();
        let r = reader.await.unwrap();
        w.write_all(b"back").await.unwrap();
        let mut buf = [0u8; 4];
        server.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"back");
        let stream = r.reunite(w).unwrap();
        assert!(stream.peer_addr().is_ok());
        let (other, _s) = pair().await;
        let (r1, _w1) = stream.into_split();
        let (_r2, w2) = other.into_split();
        assert!(r1.reunite(w2).is_err());
    }

    async fn dropped_write_half_sends_fin() {
        let (client, mut server) = pair().await;
        let (_r, w) = client.into_split();
        drop(w);
        assert_eq!(server.read(&mut [0u8; 4]).await.unwrap(), 0);
    }

    async fn aborting_a_task_waiting_on_a_socket_closes_it() {
        let (mut client, server) = pair().await;
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let waiting = weft::spawn(async move {
            let mut server = server;
            started_tx.send(()).unwrap();
            let _ = server.read(&mut [0u8; 8]).await;
            unreachable!("nobody writes");
        });
        // Let the task reach its read (it signals just before).
        while started_rx.try_recv().is_err() {
            weft::task::yield_now().await;
        }
        waiting.abort();
        assert!(waiting.await.unwrap_err().is_cancelled());
        // The task's socket was dropped with it: the client sees end of stream.
        assert_eq!(client.read(&mut [0u8; 8]).await.unwrap(), 0);
    }

    async fn peer_drop_wakes_a_waiting_reader() {
        let (client, mut server) = pair().await;
        let reader = weft::spawn(async move { server.read(&mut [0u8; 8]).await.unwrap() });
        weft::task::yield_now().await;
        drop(client);
        assert_eq!(reader.await.unwrap(), 0);
    }

    async fn tcp_socket_bind_listen_connect() {
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_reuseaddr(true).unwrap();
        socket.set_reuseport(true).unwrap();
        socket.set_recv_buffer_size(1 << 16).unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let listener = socket.listen(16).unwrap();
        let client = TcpSocket::new_v4().unwrap();
        client.set_nodelay(true).unwrap();
        let mut stream = client.connect(listener.local_addr().unwrap()).await.unwrap();
        assert!(stream.nodelay().unwrap());
        let (mut s, _) = listener.accept().await.unwrap();
        stream.write_all(b"x").await.unwrap();
        assert_eq!(s.read_u8().await.unwrap(), b'x');
    }

    async fn from_std_into_std_round_trip() {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let listener = TcpListener::from_std(std_listener).unwrap();
        let c = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (s, _) = listener.accept().await.unwrap();
        let std_stream = c.into_std().unwrap();
        let c = TcpStream::from_std(std_stream).unwrap();
        drop(s);
        let mut c = c;
        assert_eq!(c.read(&mut [0u8; 4]).await.unwrap(), 0);
        let _std = listener.into_std().unwrap();
    }

    async fn connect_by_host_name() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let _c = TcpStream::connect(("localhost", port)).await;
        let addrs: Vec<_> = weft::net::lookup_host(("localhost", port)).await.unwrap().collect();
        assert!(addrs.iter().all(|a| a.port() == port && a.ip().is_loopback()));
    }

    async fn coop_budget_yields_on_an_always_ready_socket() {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Arc;
        const LEN: usize = 64 * 1024;
        let (mut client, mut server) = pair().await;
        client.write_all(&vec![1u8; LEN]).await.unwrap();
        // Reading one byte at a time from a socket that always has data never returns Pending
        // on its own; the budget must still make the reading task yield so others run.
        let reader = weft::spawn(async move {
            let flag = Arc::new(AtomicBool::new(false));
            let f2 = flag.clone();
            let other = weft::spawn(async move { f2.store(true, Ordering::SeqCst) });
            let mut reads_before_other = None;
            for i in 0..LEN {
                server.read_exact(&mut [0u8; 1]).await.unwrap();
                if reads_before_other.is_none() && flag.load(Ordering::SeqCst) {
                    reads_before_other = Some(i);
                }
            }
            other.await.unwrap();
            reads_before_other
        });
        let seen_after = reader.await.unwrap();
        assert!(seen_after.is_some(), "the reading task never let the other task run");
    }
}

#[test]
#[should_panic(expected = "there is no reactor running")]
fn creating_a_socket_outside_a_runtime_panics_clearly() {
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let _ = TcpListener::from_std(std_listener);
}

#[test]
#[should_panic(expected = "IO is disabled")]
fn creating_a_socket_in_a_runtime_without_io_panics_clearly() {
    let rt = weft::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let _guard = rt.enter();
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let _ = TcpListener::from_std(std_listener);
}

/// On the multi-thread runtime, a task hogging one worker must not stop I/O on the other.
#[test]
fn io_proceeds_while_another_worker_is_busy() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::{Duration, Instant};
    let rt = support::multi_thread();
    rt.block_on(async {
        let done = Arc::new(AtomicBool::new(false));
        let (started_tx, started_rx) = futures::channel::oneshot::channel();
        let hog = {
            let done = done.clone();
            weft::spawn(async move {
                started_tx.send(()).unwrap();
                // Never yields; gives up after a generous deadline so a failure cannot hang.
                let deadline = Instant::now() + Duration::from_secs(20);
                while !done.load(Ordering::SeqCst) && Instant::now() < deadline {
                    std::hint::spin_loop();
                }
                done.load(Ordering::SeqCst)
            })
        };
        started_rx.await.unwrap();
        let io = weft::spawn(async {
            let (mut client, mut server) = pair().await;
            for _ in 0..100 {
                client.write_all(b"ping").await.unwrap();
                let mut buf = [0u8; 4];
                server.read_exact(&mut buf).await.unwrap();
                server.write_all(&buf).await.unwrap();
                client.read_exact(&mut buf).await.unwrap();
            }
        });
        io.await.unwrap();
        done.store(true, Ordering::SeqCst);
        assert!(
            hog.await.unwrap(),
            "I/O only finished after the hog gave up"
        );
    });
}

rt_test! {
    // tokio treats a freshly accepted stream as readable and writable, so the first read and
    // write go straight to the socket instead of waiting for the reactor's first event for
    // it (which, under load, queues behind every established connection's events). Whatever
    // the peer sent before `accept` (a request, even a request and its FIN) is there at once.
    async fn accepted_stream_reads_what_was_sent_before_accept_without_waiting() {
        use std::io::Write;
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        client.write_all(b"request").unwrap();
        client.shutdown(std::net::Shutdown::Write).unwrap();
        let (server, _) = listener.accept().await.unwrap();

        let mut buf = [0u8; 64];
        assert_eq!(server.try_read(&mut buf).unwrap(), 7, "data sent before accept is readable at once");
        assert_eq!(&buf[..7], b"request");
        assert_eq!(server.try_write(b"response").unwrap(), 8, "an accepted stream is writable at once");
        // The FIN is reported as usual once the socket is drained.
        let mut server = server;
        assert_eq!(server.read(&mut buf).await.unwrap(), 0);
        drop(server);
        let mut got = Vec::new();
        std::io::Read::read_to_end(&mut client, &mut got).unwrap();
        assert_eq!(got, b"response");
    }

    async fn accepted_stream_with_nothing_to_read_still_waits() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        // The assumed readiness is a guess: the first read finds nothing, clears it and waits.
        assert_eq!(server.try_read(&mut [0u8; 4]).unwrap_err().kind(), ErrorKind::WouldBlock);
        let reader = weft::spawn(async move {
            let mut buf = [0u8; 4];
            server.read_exact(&mut buf).await.unwrap();
            buf
        });
        client.write_all(b"late").await.unwrap();
        assert_eq!(&reader.await.unwrap(), b"late");
    }
}

rt_test! {
    // `bind` documents a backlog of 1024 (mio's own `bind` uses 128). The kernel reports a
    // listener's backlog in TCP_INFO (`tcpi_sacked` holds `sk_max_ack_backlog` for a listening
    // socket), and the accept queue really holds more than 129 connections: 300 clients all
    // complete their handshake with nobody accepting (with 128, the 130th connect times out).
    async fn bind_listens_with_a_backlog_of_1024() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let somaxconn: u32 = std::fs::read_to_string("/proc/sys/net/core/somaxconn")
            .map(|s| s.trim().parse().unwrap())
            .unwrap_or(4096);
        assert_eq!(listen_backlog(&listener), 1024.min(somaxconn));

        let addr = listener.local_addr().unwrap();
        let clients: Vec<_> = (0..300)
            .map(|i| {
                std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_secs(5))
                    .unwrap_or_else(|e| panic!("connect {i} with nobody accepting: {e}"))
            })
            .collect();
        for _ in 0..clients.len() {
            listener.accept().await.unwrap();
        }
    }
}

/// The listen backlog the kernel holds for `listener`, read back with `getsockopt(TCP_INFO)`.
fn listen_backlog(listener: &TcpListener) -> u32 {
    use std::os::fd::AsRawFd;
    // SAFETY: `tcp_info` is plain integers, so all-zero is a valid value.
    let mut info: libc::tcp_info = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::tcp_info>() as libc::socklen_t;
    // SAFETY: the fd is open for the call (borrowed from `listener`); `info` and `len` are
    // valid for writes of `len` bytes.
    let rc = unsafe {
        libc::getsockopt(
            listener.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_INFO,
            (&mut info as *mut libc::tcp_info).cast(),
            &mut len,
        )
    };
    assert_eq!(
        rc,
        0,
        "getsockopt(TCP_INFO): {}",
        std::io::Error::last_os_error()
    );
    info.tcpi_sacked
}
