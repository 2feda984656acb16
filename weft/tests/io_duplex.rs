//! duplex, simplex, split, copy, copy_buf, copy_bidirectional, empty, sink, repeat, join.
//!
//! Until the runtime core lands these run on `futures::executor::block_on`, with plain threads
//! for the cross-thread cases.

use futures::executor::block_on;
use std::future::Future;
use std::io::ErrorKind;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::thread;
use weft::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

fn poll_once<F: Future + Unpin>(fut: &mut F) -> Poll<F::Output> {
    let waker = futures::task::noop_waker();
    let mut cx = Context::from_waker(&waker);
    Pin::new(fut).poll(&mut cx)
}

#[test]
fn duplex_round_trip_both_directions() {
    block_on(async {
        let (mut a, mut b) = weft::io::duplex(64);
        a.write_all(b"ping").await.unwrap();
        let mut buf = [0u8; 4];
        b.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"ping");
        b.write_all(b"pong").await.unwrap();
        a.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"pong");
    });
}

#[test]
fn duplex_backpressure_across_threads() {
    // 256 KiB through an 8-byte pipe: the writer must wait for the reader again and again.
    let (mut a, mut b) = weft::io::duplex(8);
    let data: Vec<u8> = (0..1 << 18).map(|i: u32| (i * 31) as u8).collect();
    let expected = data.clone();
    let writer = thread::spawn(move || {
        block_on(async {
            a.write_all(&data).await.unwrap();
            a.shutdown().await.unwrap();
        })
    });
    let mut got = Vec::new();
    block_on(b.read_to_end(&mut got)).unwrap();
    writer.join().unwrap();
    assert_eq!(got.len(), expected.len());
    assert!(got == expected);
}

#[test]
fn duplex_full_write_is_pending_until_read() {
    let (mut a, mut b) = weft::io::duplex(4);
    block_on(a.write_all(b"1234")).unwrap();
    let mut w = a.write(b"5");
    assert!(poll_once(&mut w).is_pending());
    drop(w);
    let mut buf = [0u8; 2];
    block_on(b.read_exact(&mut buf)).unwrap();
    assert_eq!(block_on(a.write(b"567")).unwrap(), 2);
}

#[test]
fn duplex_drop_gives_eof_and_broken_pipe() {
    block_on(async {
        let (mut a, b) = weft::io::duplex(64);
        let (mut c, mut d) = weft::io::duplex(64);
        drop(b);
        let mut buf = Vec::new();
        assert_eq!(a.read_to_end(&mut buf).await.unwrap(), 0);
        let err = a.write_all(b"x").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BrokenPipe);

        // Data written before the drop is still delivered.
        c.write_all(b"last words").await.unwrap();
        drop(c);
        let mut s = String::new();
        d.read_to_string(&mut s).await.unwrap();
        assert_eq!(s, "last words");
    });
}

#[test]
fn duplex_shutdown_closes_one_direction() {
    block_on(async {
        let (mut a, mut b) = weft::io::duplex(64);
        a.write_all(b"req").await.unwrap();
        a.shutdown().await.unwrap();
        let mut s = String::new();
        b.read_to_string(&mut s).await.unwrap();
        assert_eq!(s, "req");
        // The other direction still works.
        b.write_all(b"resp").await.unwrap();
        let mut buf = [0u8; 4];
        a.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"resp");
        assert_eq!(
            a.write_all(b"more").await.unwrap_err().kind(),
            ErrorKind::BrokenPipe
        );
    });
}

#[test]
fn duplex_read_wakes_blocked_reader_on_another_thread() {
    let (mut a, mut b) = weft::io::duplex(64);
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = thread::spawn(move || {
        let mut lines = BufReader::new(&mut b).lines();
        block_on(async {
            let mut got = Vec::new();
            while let Some(line) = lines.next_line().await.unwrap() {
                got.push(line);
                tx.send(()).unwrap();
            }
            got
        })
    });
    block_on(async {
        for i in 0..100 {
            a.write_all(format!("line {i}\r\n").as_bytes())
                .await
                .unwrap();
            // Wait for the reader each time so it really blocks between lines.
            rx.recv().unwrap();
        }
    });
    drop(a);
    let got = reader.join().unwrap();
    assert_eq!(got.len(), 100);
    assert_eq!(got[99], "line 99");
}

#[test]
fn simplex_split_and_unsplit() {
    block_on(async {
        let (mut rx, mut tx) = weft::io::simplex(4);
        tx.write_all(b"ab").await.unwrap();
        let mut buf = [0u8; 2];
        rx.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"ab");
        assert!(rx.is_pair_of(&tx));
        let mut pipe = rx.unsplit(tx);
        pipe.write_all(b"cd").await.unwrap();
        pipe.shutdown().await.unwrap();
        let mut s = String::new();
        pipe.read_to_string(&mut s).await.unwrap();
        assert_eq!(s, "cd");
        assert_eq!(
            pipe.write_all(b"x").await.unwrap_err().kind(),
            ErrorKind::BrokenPipe
        );
    });
}

#[test]
fn split_halves_used_from_two_threads() {
    let (a, mut b) = weft::io::duplex(16);
    let (mut rd, mut wr) = weft::io::split(a);
    // An echo peer on its own thread.
    let echo = thread::spawn(move || {
        block_on(async {
            let mut buf = [0u8; 7];
            loop {
                match b.read(&mut buf).await.unwrap() {
                    0 => break,
                    n => b.write_all(&buf[..n]).await.unwrap(),
                }
            }
        })
    });
    let data: Vec<u8> = (0..100_000u32).map(|i| i as u8).collect();
    let to_send = data.clone();
    let writer = thread::spawn(move || {
        block_on(async {
            wr.write_all(&to_send).await.unwrap();
            wr.shutdown().await.unwrap();
            wr
        })
    });
    let mut got = vec![0u8; data.len()];
    block_on(rd.read_exact(&mut got)).unwrap();
    assert!(got == data);
    let wr = writer.join().unwrap();
    // Back together, the stream is whole again; dropping it ends the echo peer.
    let a = rd.unsplit(wr);
    drop(a);
    echo.join().unwrap();
}

#[test]
#[should_panic(expected = "different stream")]
fn unsplit_mismatched_halves_panics() {
    let (a, b) = weft::io::duplex(16);
    let (rd, _wr) = weft::io::split(a);
    let (_rd2, wr2) = weft::io::split(b);
    assert!(!rd.is_pair_of(&wr2));
    let _ = rd.unsplit(wr2);
}

#[test]
fn copy_moves_everything_and_flushes() {
    block_on(async {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let mut reader = &data[..];
        let mut out = weft::io::BufWriter::new(Vec::new());
        let n = weft::io::copy(&mut reader, &mut out).await.unwrap();
        assert_eq!(n, data.len() as u64);
        assert!(out.buffer().is_empty(), "copy flushes at the end");
        assert!(out.get_ref() == &data);
    });
}

#[test]
fn copy_buf_uses_the_readers_buffer() {
    block_on(async {
        let mut reader = BufReader::with_capacity(3, &b"hello world"[..]);
        let mut out = Vec::new();
        let n = weft::io::copy_buf(&mut reader, &mut out).await.unwrap();
        assert_eq!(n, 11);
        assert_eq!(out, b"hello world");
    });
}

#[test]
fn copy_between_threads_over_duplex() {
    let (mut a, mut b) = weft::io::duplex(1024);
    let writer = thread::spawn(move || {
        block_on(async {
            let mut src = weft::io::repeat(7).take(300_000);
            let n = weft::io::copy(&mut src, &mut a).await.unwrap();
            a.shutdown().await.unwrap();
            n
        })
    });
    let n = block_on(weft::io::copy(&mut b, &mut weft::io::sink())).unwrap();
    assert_eq!(n, 300_000);
    assert_eq!(writer.join().unwrap(), 300_000);
}

#[test]
fn copy_bidirectional_across_two_duplex_pairs() {
    let (client, mut proxy_a) = weft::io::duplex(32);
    let (mut proxy_b, mut server) = weft::io::duplex(32);
    let proxy = thread::spawn(move || {
        block_on(weft::io::copy_bidirectional(&mut proxy_a, &mut proxy_b)).unwrap()
    });
    let server = thread::spawn(move || {
        block_on(async {
            // Echo everything, upper-cased, until the client shuts down.
            let mut buf = [0u8; 100];
            let mut total = 0;
            loop {
                let n = server.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                total += n;
                buf[..n].make_ascii_uppercase();
                server.write_all(&buf[..n]).await.unwrap();
            }
            server.shutdown().await.unwrap();
            total
        })
    });
    let msg = "the quick brown fox jumps over the lazy dog ".repeat(200);
    let expected = msg.to_uppercase();
    let (mut rd, mut wr) = weft::io::split(client);
    let sender = thread::spawn(move || {
        block_on(async {
            wr.write_all(msg.as_bytes()).await.unwrap();
            wr.shutdown().await.unwrap();
        })
    });
    let mut got = String::new();
    block_on(rd.read_to_string(&mut got)).unwrap();
    sender.join().unwrap();
    assert_eq!(got, expected);
    assert_eq!(server.join().unwrap(), expected.len());
    assert_eq!(
        proxy.join().unwrap(),
        (expected.len() as u64, expected.len() as u64)
    );
}

#[test]
fn copy_bidirectional_with_sizes_rejects_zero() {
    let result = std::panic::catch_unwind(|| {
        let (mut a, _x) = weft::io::duplex(1);
        let (mut b, _y) = weft::io::duplex(1);
        block_on(weft::io::copy_bidirectional_with_sizes(
            &mut a, &mut b, 0, 1,
        ))
    });
    assert!(result.is_err());
}

#[test]
fn copy_write_zero_is_an_error() {
    block_on(async {
        let mut storage = [0u8; 3];
        let mut w = std::io::Cursor::new(&mut storage[..]);
        let mut r: &[u8] = b"too much";
        let err = weft::io::copy(&mut r, &mut w).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WriteZero);
    });
}

#[test]
fn empty_sink_repeat_join() {
    block_on(async {
        let mut v = Vec::new();
        assert_eq!(weft::io::empty().read_to_end(&mut v).await.unwrap(), 0);
        let mut lines = BufReader::new(weft::io::empty()).lines();
        assert_eq!(lines.next_line().await.unwrap(), None);

        let mut sink = weft::io::sink();
        sink.write_all(&[0u8; 10_000]).await.unwrap();
        sink.shutdown().await.unwrap();

        let mut buf = [0u8; 5];
        weft::io::repeat(b'a').read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"aaaaa");

        let mut j = weft::io::join(&b"in"[..], Vec::new());
        let mut s = String::new();
        j.read_to_string(&mut s).await.unwrap();
        j.write_all(b"out").await.unwrap();
        let (r, w) = j.into_inner();
        assert!(r.is_empty());
        assert_eq!(w, b"out");
    });
}
