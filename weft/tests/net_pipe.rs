//! `net::unix::pipe`: anonymous pipes and FIFOs in a temp dir, on both schedulers.

mod support;

use std::io::{ErrorKind, Read, Write};
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use support::TempDir;
use weft::io::{AsyncReadExt, AsyncWriteExt, Interest};
use weft::net::unix::pipe;

fn mkfifo(dir: &TempDir, name: &str) -> PathBuf {
    let path = dir.join(name);
    let status = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .unwrap();
    assert!(status.success(), "mkfifo {path:?}");
    path
}

fn is_nonblocking(fd: impl AsFd) -> bool {
    // `O_NONBLOCK` shows in /proc's fdinfo `flags:` line (octal).
    let fd = std::os::fd::AsRawFd::as_raw_fd(&fd.as_fd());
    let info = std::fs::read_to_string(format!("/proc/self/fdinfo/{fd}")).unwrap();
    let flags = info
        .lines()
        .find_map(|l| l.strip_prefix("flags:"))
        .map(|v| i64::from_str_radix(v.trim(), 8).unwrap())
        .unwrap();
    flags & 0o4000 != 0
}

async fn write_and_close(path: &Path, data: &[u8]) {
    let mut tx = pipe::OpenOptions::new().open_sender(path).unwrap();
    tx.write_all(data).await.unwrap();
}

rt_test! {
    async fn anonymous_pipe_carries_bytes_then_eof() {
        let (mut tx, mut rx) = pipe::pipe().unwrap();
        let writer = weft::spawn(async move {
            for i in 0..100u32 {
                tx.write_all(&i.to_le_bytes()).await.unwrap();
            }
        });
        let mut all = Vec::new();
        rx.read_to_end(&mut all).await.unwrap();
        writer.await.unwrap();
        let want: Vec<u8> = (0..100u32).flat_map(|i| i.to_le_bytes()).collect();
        assert_eq!(all, want);
    }

    async fn writer_blocks_when_full_and_resumes() {
        let (mut tx, mut rx) = pipe::pipe().unwrap();
        // Fill the kernel buffer with try_write, then a pending write_all must finish once
        // the reader drains.
        let mut written = 0usize;
        loop {
            match tx.try_write(&[7u8; 4096]) {
                Ok(n) => written += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) => panic!("{e}"),
            }
        }
        assert!(written >= 4096);
        let writer = weft::spawn(async move {
            tx.write_all(&[9u8; 10_000]).await.unwrap();
        });
        let mut got = Vec::new();
        rx.read_to_end(&mut got).await.unwrap();
        writer.await.unwrap();
        assert_eq!(got.len(), written + 10_000);
        assert!(got[written..].iter().all(|&b| b == 9));
    }

    async fn write_after_reader_gone_is_broken_pipe() {
        let (mut tx, rx) = pipe::pipe().unwrap();
        drop(rx);
        let err = tx.write_all(b"x").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BrokenPipe);
    }

    async fn try_read_and_vectored_forms() {
        let (tx, rx) = pipe::pipe().unwrap();
        assert_eq!(rx.try_read(&mut [0u8; 4]).unwrap_err().kind(), ErrorKind::WouldBlock);
        let bufs = [std::io::IoSlice::new(b"ab"), std::io::IoSlice::new(b"cd")];
        assert_eq!(tx.try_write_vectored(&bufs).unwrap(), 4);
        rx.readable().await.unwrap();
        let (mut a, mut b) = ([0u8; 1], [0u8; 8]);
        let mut bufs = [std::io::IoSliceMut::new(&mut a), std::io::IoSliceMut::new(&mut b)];
        assert_eq!(rx.try_read_vectored(&mut bufs).unwrap(), 4);
        assert_eq!((&a, &b[..3]), (b"a", &b"bcd"[..]));
        // Drained: a fresh WouldBlock clears readiness, so `ready` waits for new data.
        assert_eq!(rx.try_read(&mut [0u8; 4]).unwrap_err().kind(), ErrorKind::WouldBlock);
        let ready = tx.ready(Interest::WRITABLE).await.unwrap();
        assert!(ready.is_writable());
    }

    async fn try_io_runs_only_when_ready() {
        let (mut tx, rx) = pipe::pipe().unwrap();
        let mut called = false;
        let _ = rx.try_io(|| {
            called = true;
            Ok(())
        });
        assert!(!called, "an empty pipe is not readable");
        tx.write_all(b"z").await.unwrap();
        rx.readable().await.unwrap();
        assert_eq!(rx.try_io(|| Ok(5)).unwrap(), 5);
        assert_eq!(tx.try_io(|| Ok(6)).unwrap(), 6);
    }

    async fn fifo_by_path_both_orders() {
        let dir = TempDir::new();
        let path = mkfifo(&dir, "fifo");
        // No reader yet: a non-blocking open for writing fails (ENXIO).
        let err = pipe::OpenOptions::new().open_sender(&path).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::ENXIO));
        // read_write lets the sender open first.
        let mut tx = pipe::OpenOptions::new().read_write(true).open_sender(&path).unwrap();
        let mut rx = pipe::OpenOptions::new().open_receiver(&path).unwrap();
        tx.write_all(b"fifo data").await.unwrap();
        let mut buf = [0u8; 9];
        rx.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"fifo data");
    }

    async fn read_write_receiver_outlives_writers() {
        let dir = TempDir::new();
        let path = mkfifo(&dir, "resilient");
        let mut rx = pipe::OpenOptions::new().read_write(true).open_receiver(&path).unwrap();
        write_and_close(&path, b"one").await;
        let mut buf = [0u8; 3];
        rx.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"one");
        // The writer is gone, but the receiver is a writer too: no end of stream, it waits.
        let second = weft::spawn(async move {
            let mut buf = [0u8; 3];
            rx.read_exact(&mut buf).await.unwrap();
            buf
        });
        weft::task::yield_now().await;
        write_and_close(&path, b"two").await;
        assert_eq!(&second.await.unwrap(), b"two");
    }

    async fn open_and_from_file_check_the_file() {
        let dir = TempDir::new();
        let plain = dir.join("plain");
        std::fs::write(&plain, b"not a fifo").unwrap();
        let err = pipe::OpenOptions::new().open_receiver(&plain).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        let err = pipe::Sender::from_file(std::fs::File::create(&plain).unwrap()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        // unchecked skips the check (epoll then refuses the regular file: EPERM).
        match pipe::OpenOptions::new().unchecked(true).open_receiver(&plain) {
            Ok(rx) => drop(rx),
            Err(e) => assert_ne!(e.kind(), ErrorKind::InvalidInput, "{e}"),
        }

        let fifo = mkfifo(&dir, "modes");
        // Both ends open, so the blocking opens below do not wait for a peer.
        let _reader = pipe::OpenOptions::new().open_receiver(&fifo).unwrap();
        let _writer = pipe::OpenOptions::new().open_sender(&fifo).unwrap();
        let write_only = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
        let err = pipe::Receiver::from_file(write_only).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "write-only file as a receiver");
        let read_only = std::fs::File::open(&fifo).unwrap();
        let err = pipe::Sender::from_file(read_only).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "read-only file as a sender");
    }

    async fn from_file_sets_nonblocking_and_into_fd_restores() {
        let dir = TempDir::new();
        let fifo = mkfifo(&dir, "nonblock");
        let _reader = pipe::OpenOptions::new().open_receiver(&fifo).unwrap();
        let _writer = pipe::OpenOptions::new().open_sender(&fifo).unwrap();
        let rdonly = std::fs::File::open(&fifo).unwrap();
        assert!(!is_nonblocking(&rdonly));
        let rx = pipe::Receiver::from_file(rdonly).unwrap();
        assert!(is_nonblocking(&rx));
        let wronly = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
        let tx = pipe::Sender::from_file(wronly).unwrap();
        assert!(is_nonblocking(&tx));

        let (tx2, rx2) = pipe::pipe().unwrap();
        let tx2 = tx2.into_blocking_fd().unwrap();
        let rx2 = rx2.into_nonblocking_fd().unwrap();
        assert!(!is_nonblocking(&tx2));
        assert!(is_nonblocking(&rx2));
        // The blocking descriptor works as a plain file, and the other end still reads it.
        std::fs::File::from(tx2).write_all(b"plain").unwrap();
        let rx2 = pipe::Receiver::from_owned_fd(rx2).unwrap();
        rx2.readable().await.unwrap();
        let mut buf = [0u8; 5];
        assert_eq!(rx2.try_read(&mut buf).unwrap(), 5);
        drop((tx, rx));
    }

    async fn from_owned_fd_of_std_pipe_ends() {
        let (tx, rx) = pipe::pipe().unwrap();
        let (tx, rx) = (tx.into_blocking_fd().unwrap(), rx.into_blocking_fd().unwrap());
        let mut tx = pipe::Sender::from_owned_fd(tx).unwrap();
        let rx = pipe::Receiver::from_owned_fd(rx).unwrap();
        tx.write_all(b"owned").await.unwrap();
        drop(tx);
        let mut blocking = std::fs::File::from(rx.into_blocking_fd().unwrap());
        let mut s = String::new();
        blocking.read_to_string(&mut s).unwrap();
        assert_eq!(s, "owned");
    }
}

#[cfg(feature = "bytes")]
rt_test! {
    async fn try_read_buf_fills_spare_capacity() {
        let (mut tx, rx) = pipe::pipe().unwrap();
        tx.write_all(b"into bytes").await.unwrap();
        let mut buf = bytes::BytesMut::with_capacity(4);
        loop {
            rx.readable().await.unwrap();
            match rx.try_read_buf(&mut buf) {
                Ok(_) if buf.len() == 10 => break,
                Ok(_) => buf.reserve(4),
                Err(e) if e.kind() == ErrorKind::WouldBlock => continue,
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(&buf[..], b"into bytes");
    }
}
