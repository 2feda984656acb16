//! weft::io on real runtimes (both schedulers): tasks talking over duplex pipes, split halves
//! in separate tasks, a proxy with copy_bidirectional, and the cooperative budget.

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use weft::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

rt_test! {
    async fn duplex_round_trip_between_tasks() {
        let (client, mut server) = weft::io::duplex(64);
        let server = weft::spawn(async move {
            let mut buf = [0u8; 1024];
            let mut total = 0;
            loop {
                let n = server.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                total += n;
                server.write_all(&buf[..n]).await.unwrap();
            }
            server.shutdown().await.unwrap();
            total
        });
        let msg: Vec<u8> = (0..100_000u32).map(|i| (i % 253) as u8).collect();
        let (mut rd, mut wr) = weft::io::split(client);
        let to_send = msg.clone();
        let writer = weft::spawn(async move {
            wr.write_all(&to_send).await.unwrap();
            wr.shutdown().await.unwrap();
            wr
        });
        let mut echoed = Vec::new();
        rd.read_to_end(&mut echoed).await.unwrap();
        assert!(echoed == msg);
        assert_eq!(server.await.unwrap(), msg.len());
        let wr = writer.await.unwrap();
        let client = rd.unsplit(wr);
        drop(client);
    }

    async fn lines_from_a_writer_task() {
        let (mut tx, rx) = weft::io::duplex(16);
        weft::spawn(async move {
            for i in 0..500 {
                tx.write_all(format!("line {i}\r\n").as_bytes()).await.unwrap();
            }
            tx.write_all(b"last, without newline").await.unwrap();
        });
        let mut lines = BufReader::new(rx).lines();
        let mut n = 0;
        let mut last = String::new();
        while let Some(line) = lines.next_line().await.unwrap() {
            if n < 500 {
                assert_eq!(line, format!("line {n}"));
            }
            last = line;
            n += 1;
        }
        assert_eq!(n, 501);
        assert_eq!(last, "last, without newline");
    }

    async fn copy_bidirectional_proxy_between_tasks() {
        let (client, mut proxy_a) = weft::io::duplex(128);
        let (mut proxy_b, mut server) = weft::io::duplex(128);
        let proxy = weft::spawn(async move {
            weft::io::copy_bidirectional(&mut proxy_a, &mut proxy_b).await.unwrap()
        });
        let server = weft::spawn(async move {
            let mut data = Vec::new();
            server.read_to_end(&mut data).await.unwrap();
            data.reverse();
            server.write_all(&data).await.unwrap();
            server.shutdown().await.unwrap();
            data.len()
        });
        let (mut rd, mut wr) = weft::io::split(client);
        let payload: Vec<u8> = (0..50_000u32).map(|i| i as u8).collect();
        let mut expected = payload.clone();
        expected.reverse();
        wr.write_all(&payload).await.unwrap();
        wr.shutdown().await.unwrap();
        let mut got = Vec::new();
        rd.read_to_end(&mut got).await.unwrap();
        assert!(got == expected);
        assert_eq!(server.await.unwrap(), payload.len());
        assert_eq!(proxy.await.unwrap(), (payload.len() as u64, payload.len() as u64));
    }

    async fn read_exact_eof_on_runtime() {
        let (mut a, mut b) = weft::io::duplex(8);
        weft::spawn(async move {
            a.write_all(b"abc").await.unwrap();
            // Dropping `a` ends the stream early.
        });
        let mut buf = [0u8; 4];
        let err = b.read_exact(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
    }

    async fn always_ready_duplex_yields_to_other_tasks() {
        // The looping task's pipe is always ready (it reads what it just wrote), so only the
        // cooperative budget makes it yield; on the current-thread scheduler the flag-setting
        // task would otherwise never run.
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        let busy = weft::spawn(async move {
            let (mut a, mut b) = weft::io::duplex(64);
            let mut buf = [0u8; 8];
            let mut rounds = 0u64;
            // At least one round: on the multi-thread scheduler the flag may be set before
            // this task first runs.
            loop {
                a.write_all(b"12345678").await.unwrap();
                b.read_exact(&mut buf).await.unwrap();
                rounds += 1;
                if stop2.load(Ordering::Acquire) {
                    break;
                }
            }
            rounds
        });
        weft::spawn(async move { stop.store(true, Ordering::Release) }).await.unwrap();
        assert!(busy.await.unwrap() > 0);
    }

    async fn always_ready_copy_yields_to_other_tasks() {
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        let busy = weft::spawn(async move {
            // repeat -> sink never ends; the flag ends it through a reader that checks it.
            let mut total = 0u64;
            loop {
                let mut src = weft::io::repeat(1).take(1 << 16);
                total += weft::io::copy(&mut src, &mut weft::io::sink()).await.unwrap();
                if stop2.load(Ordering::Acquire) {
                    break;
                }
            }
            total
        });
        weft::spawn(async move { stop.store(true, Ordering::Release) }).await.unwrap();
        assert!(busy.await.unwrap() > 0);
    }

    async fn backpressure_through_a_tiny_duplex() {
        let (mut a, mut b) = weft::io::duplex(8);
        let data: Vec<u8> = (0..1u32 << 16).map(|i| (i * 31) as u8).collect();
        let expected = data.clone();
        let writer = weft::spawn(async move {
            a.write_all(&data).await.unwrap();
            a.shutdown().await.unwrap();
        });
        let mut got = Vec::new();
        b.read_to_end(&mut got).await.unwrap();
        writer.await.unwrap();
        assert!(got == expected);
    }

    async fn simplex_halves_in_two_tasks() {
        let (mut rx, mut tx) = weft::io::simplex(4);
        let producer = weft::spawn(async move {
            for i in 0..1000u32 {
                tx.write_u32(i).await.unwrap();
            }
            tx.shutdown().await.unwrap();
        });
        for i in 0..1000u32 {
            assert_eq!(rx.read_u32().await.unwrap(), i);
        }
        producer.await.unwrap();
        let mut rest = Vec::new();
        assert_eq!(rx.read_to_end(&mut rest).await.unwrap(), 0);
    }

    async fn buf_stream_request_response_between_tasks() {
        let (client, server) = weft::io::duplex(32);
        let server = weft::spawn(async move {
            let mut server = weft::io::BufStream::new(server);
            let mut line = String::new();
            let mut served = 0;
            while server.read_line(&mut line).await.unwrap() > 0 {
                server.write_all(format!("echo: {line}").as_bytes()).await.unwrap();
                server.flush().await.unwrap();
                line.clear();
                served += 1;
            }
            served
        });
        let mut client = weft::io::BufStream::new(client);
        let mut reply = String::new();
        for i in 0..50 {
            client.write_all(format!("req {i}\n").as_bytes()).await.unwrap();
            client.flush().await.unwrap();
            reply.clear();
            client.read_line(&mut reply).await.unwrap();
            assert_eq!(reply, format!("echo: req {i}\n"));
        }
        drop(client);
        assert_eq!(server.await.unwrap(), 50);
    }

    async fn dropping_a_duplex_end_wakes_a_blocked_reader() {
        let (a, mut b) = weft::io::duplex(8);
        let reader = weft::spawn(async move {
            let mut buf = [0u8; 4];
            b.read(&mut buf).await.unwrap()
        });
        weft::task::yield_now().await;
        drop(a);
        assert_eq!(reader.await.unwrap(), 0);
    }
}
