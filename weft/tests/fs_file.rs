//! `weft::fs::File`: reads, writes, seeks, positional I/O, conversions, and what happens when
//! a future is dropped with its operation in flight; each on both schedulers.
mod support;

use support::TempDir;

use std::future::Future;
use std::io::{ErrorKind, SeekFrom};
use std::os::unix::fs::PermissionsExt;
use std::pin::pin;
use std::task::{Context, Poll};
use weft::fs::File;
use weft::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

/// The descriptor's own offset, from /proc/self/fdinfo.
fn fd_offset(f: &File) -> u64 {
    let fd = std::os::unix::io::AsRawFd::as_raw_fd(f);
    let info = std::fs::read_to_string(format!("/proc/self/fdinfo/{fd}")).unwrap();
    let line = info.lines().find(|l| l.starts_with("pos:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Polls a future exactly once (with a no-op waker) and drops it: the way `select!` cancels
/// a branch. Returns what that one poll gave.
fn poll_once_and_drop<F: Future>(fut: F) -> Poll<F::Output> {
    let mut fut = pin!(fut);
    fut.as_mut()
        .poll(&mut Context::from_waker(&futures::task::noop_waker()))
}

fs_test! {
    async fn create_write_open_read() {
        let dir = TempDir::new();
        let path = dir.join("f");
        let mut f = File::create(&path).await.unwrap();
        f.write_all(b"hello").await.unwrap();
        f.write_all(b" world").await.unwrap();
        drop(f);
        let mut s = String::new();
        File::open(&path).await.unwrap().read_to_string(&mut s).await.unwrap();
        assert_eq!(s, "hello world");
    }

    async fn completed_write_survives_immediate_drop() {
        // No write-behind: every completed write is in the kernel, with no flush.
        let dir = TempDir::new();
        let path = dir.join("f");
        let mut f = File::create(&path).await.unwrap();
        let data: Vec<u8> = (0..5_000_000u32).map(|i| i as u8).collect();
        f.write_all(&data).await.unwrap();
        drop(f);
        assert_eq!(std::fs::read(&path).unwrap(), data);
    }

    async fn create_new_and_options() {
        let dir = TempDir::new();
        let path = dir.join("f");
        let mut f = File::create_new(&path).await.unwrap();
        f.write_all(b"x").await.unwrap();
        assert_eq!(File::create_new(&path).await.unwrap_err().kind(), ErrorKind::AlreadyExists);
        let mut f = File::options().append(true).open(&path).await.unwrap();
        f.write_all(b"y").await.unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"xy");
    }

    async fn large_read_in_chunks() {
        let dir = TempDir::new();
        let path = dir.join("big");
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let mut f = File::open(&path).await.unwrap();
        let mut got = Vec::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = f.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
        }
        assert_eq!(got, data);
        let mut all = Vec::new();
        File::open(&path).await.unwrap().read_to_end(&mut all).await.unwrap();
        assert_eq!(all, data);
    }

    async fn seek_read_write_interleaved() {
        let dir = TempDir::new();
        let path = dir.join("f");
        std::fs::write(&path, b"0123456789").unwrap();
        let mut f = File::options().read(true).write(true).open(&path).await.unwrap();
        assert_eq!(f.seek(SeekFrom::Start(3)).await.unwrap(), 3);
        let mut b = [0u8; 2];
        f.read_exact(&mut b).await.unwrap();
        assert_eq!(&b, b"34");
        assert_eq!(f.stream_position().await.unwrap(), 5);
        f.write_all(b"ab").await.unwrap();
        assert_eq!(f.seek(SeekFrom::Current(-1)).await.unwrap(), 6);
        assert_eq!(f.seek(SeekFrom::End(-2)).await.unwrap(), 8);
        f.read_exact(&mut b).await.unwrap();
        assert_eq!(&b, b"89");
        f.rewind().await.unwrap();
        let mut s = String::new();
        f.read_to_string(&mut s).await.unwrap();
        assert_eq!(s, "01234ab789");
        assert_eq!(f.seek(SeekFrom::Current(-100)).await.unwrap_err().kind(), ErrorKind::InvalidInput);
    }

    async fn read_at_and_write_at_leave_cursor_alone() {
        let dir = TempDir::new();
        let path = dir.join("f");
        std::fs::write(&path, b"0123456789").unwrap();
        let mut f = File::options().read(true).write(true).open(&path).await.unwrap();
        let mut b = [0u8; 4];
        assert_eq!(f.read_at(&mut b, 6).await.unwrap(), 4);
        assert_eq!(&b, b"6789");
        assert_eq!(f.read_at(&mut b, 100).await.unwrap(), 0);
        assert_eq!(f.write_at(b"XY", 1).await.unwrap(), 2);
        // The cursor is still at 0.
        let mut s = String::new();
        f.read_to_string(&mut s).await.unwrap();
        assert_eq!(s, "0XY3456789");
        // Concurrent positional writes on one File.
        let f = std::sync::Arc::new(f);
        let mut hs = Vec::new();
        for i in 0..10u64 {
            let f = f.clone();
            hs.push(weft::spawn(async move { f.write_at(&[b'a' + i as u8], i).await.unwrap() }));
        }
        for h in hs {
            assert_eq!(h.await.unwrap(), 1);
        }
        assert_eq!(std::fs::read(&path).unwrap(), b"abcdefghij");
    }

    async fn metadata_set_len_set_permissions_sync() {
        let dir = TempDir::new();
        let path = dir.join("f");
        let mut f = File::create(&path).await.unwrap();
        f.write_all(b"abcdef").await.unwrap();
        f.sync_all().await.unwrap();
        f.sync_data().await.unwrap();
        assert_eq!(f.metadata().await.unwrap().len(), 6);
        f.set_len(3).await.unwrap();
        assert_eq!(f.metadata().await.unwrap().len(), 3);
        f.set_len(1 << 20).await.unwrap();
        assert_eq!(f.metadata().await.unwrap().len(), 1 << 20);
        f.set_permissions(std::fs::Permissions::from_mode(0o604)).await.unwrap();
        assert_eq!(f.metadata().await.unwrap().permissions().mode() & 0o777, 0o604);
    }

    async fn set_len_keeps_logical_position() {
        let dir = TempDir::new();
        let path = dir.join("f");
        std::fs::write(&path, b"0123456789").unwrap();
        let mut f = File::options().read(true).write(true).open(&path).await.unwrap();
        let mut b = [0u8; 2];
        f.read_exact(&mut b).await.unwrap();
        f.set_len(20).await.unwrap();
        assert_eq!(f.stream_position().await.unwrap(), 2);
    }

    async fn try_clone_shares_cursor() {
        let dir = TempDir::new();
        let path = dir.join("f");
        std::fs::write(&path, b"abcdef").unwrap();
        let mut f = File::open(&path).await.unwrap();
        let mut g = f.try_clone().await.unwrap();
        let mut b = [0u8; 2];
        f.read_exact(&mut b).await.unwrap();
        g.read_exact(&mut b).await.unwrap();
        assert_eq!(&b, b"cd");
    }

    async fn std_conversions() {
        let dir = TempDir::new();
        let path = dir.join("f");
        std::fs::write(&path, b"abcdef").unwrap();
        let mut f = File::from_std(std::fs::File::open(&path).unwrap());
        let mut b = [0u8; 2];
        f.read_exact(&mut b).await.unwrap();
        let mut std = f.try_into_std().expect("idle file converts");
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut std, &mut rest).unwrap();
        assert_eq!(rest, "cdef");

        let mut f = File::from(std::fs::File::open(&path).unwrap());
        f.read_exact(&mut b).await.unwrap();
        let mut std = f.into_std().await;
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut std, &mut rest).unwrap();
        assert_eq!(rest, "cdef");
        let f = File::open(&path).await.unwrap();
        assert!(std::os::unix::io::AsRawFd::as_raw_fd(&f) >= 0);
        assert!(format!("{f:?}").contains("File"));
    }

    async fn try_into_std_refuses_while_busy() {
        let dir = TempDir::new();
        let path = dir.join("f");
        std::fs::write(&path, vec![1u8; 1 << 20]).unwrap();
        let mut f = File::open(&path).await.unwrap();
        let mut buf = vec![0u8; 1 << 20];
        if poll_once_and_drop(f.read(&mut buf)).is_pending() {
            let f = f.try_into_std().expect_err("a read is in flight");
            // Once the operation is done, the file converts.
            let _ = f.into_std().await;
        }
    }

    async fn dropped_read_loses_no_bytes() {
        let dir = TempDir::new();
        let path = dir.join("f");
        std::fs::write(&path, b"0123456789").unwrap();
        let mut f = File::open(&path).await.unwrap();
        let mut first = [0u8; 4];
        let mut expect_from = 0;
        if let Poll::Ready(n) = poll_once_and_drop(f.read(&mut first)) {
            expect_from = n.unwrap();
        }
        // The dropped read's bytes come back on the next read.
        let mut rest = Vec::new();
        f.read_to_end(&mut rest).await.unwrap();
        assert_eq!(rest, &b"0123456789"[expect_from..]);
    }

    async fn seek_after_dropped_read_accounts_for_it() {
        let dir = TempDir::new();
        let path = dir.join("f");
        std::fs::write(&path, b"0123456789abcdef").unwrap();
        let mut f = File::options().read(true).write(true).open(&path).await.unwrap();
        let mut first = [0u8; 4];
        let consumed = match poll_once_and_drop(f.read(&mut first)) {
            Poll::Ready(n) => n.unwrap() as u64,
            Poll::Pending => 0,
        };
        // The seek waits for the read in flight; the read-ahead does not count.
        assert_eq!(f.seek(SeekFrom::Current(0)).await.unwrap(), consumed);
        let mut b = [0u8; 2];
        f.read_exact(&mut b).await.unwrap();
        assert_eq!(&b[..], &b"0123456789abcdef"[consumed as usize..consumed as usize + 2]);
        // A write after a dropped read goes at the logical position too.
        let pos = f.stream_position().await.unwrap();
        let mut more = [0u8; 4];
        let consumed = match poll_once_and_drop(f.read(&mut more)) {
            Poll::Ready(n) => n.unwrap() as u64,
            Poll::Pending => 0,
        };
        f.write_all(b"W").await.unwrap();
        let mut want = b"0123456789abcdef".to_vec();
        want[(pos + consumed) as usize] = b'W';
        assert_eq!(std::fs::read(&path).unwrap(), want);
    }

    async fn dropped_write_completes_and_retry_is_not_doubled() {
        let dir = TempDir::new();
        let path = dir.join("f");
        let mut f = File::create(&path).await.unwrap();
        let mut want = Vec::new();
        if poll_once_and_drop(f.write(b"abc")).is_ready() {
            // Finished within the one poll (and reported): the retry below is a new write.
            want.extend_from_slice(b"abc");
        }
        // Retrying the same bytes reports the write in flight instead of writing twice.
        f.write_all(b"abc").await.unwrap();
        want.extend_from_slice(b"abc");
        f.flush().await.unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), want);

        // Different bytes after a dropped write: both land, in order.
        let _ = poll_once_and_drop(f.write(b"def"));
        f.write_all(b"XYZ").await.unwrap();
        want.extend_from_slice(b"defXYZ");
        assert_eq!(std::fs::read(&path).unwrap(), want);

        // A dropped write then a drop of the File: the bytes still land.
        let _ = poll_once_and_drop(f.write(b"!"));
        drop(f);
        // The blocking pool finishes the write; wait for it through a fresh handle.
        let g = File::open(&path).await.unwrap();
        want.push(b'!');
        let mut len = g.metadata().await.unwrap().len();
        while len != want.len() as u64 {
            weft::task::yield_now().await;
            len = g.metadata().await.unwrap().len();
        }
        assert_eq!(std::fs::read(&path).unwrap(), want);
    }

    async fn flush_waits_for_dropped_write() {
        let dir = TempDir::new();
        let path = dir.join("f");
        let mut f = File::create(&path).await.unwrap();
        let data = vec![5u8; 1 << 20];
        let _ = poll_once_and_drop(f.write(&data));
        f.flush().await.unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 1 << 20);
        f.shutdown().await.unwrap();
    }

    async fn write_error_is_reported() {
        let dir = TempDir::new();
        let path = dir.join("f");
        std::fs::write(&path, b"x").unwrap();
        let mut f = File::open(&path).await.unwrap(); // read-only
        let err = f.write_all(b"no").await.unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::EBADF));
        let mut s = String::new();
        f.read_to_string(&mut s).await.unwrap();
        assert_eq!(s, "x");
    }

    async fn sync_all_waits_for_dropped_write() {
        let dir = TempDir::new();
        let path = dir.join("f");
        let mut f = File::create(&path).await.unwrap();
        let _ = poll_once_and_drop(f.write(b"sync me"));
        f.sync_all().await.unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"sync me");
    }

    async fn deferred_absolute_seeks_are_applied() {
        let dir = TempDir::new();
        let path = dir.join("f");
        std::fs::write(&path, b"0123456789").unwrap();
        // From std: weft does not know the descriptor is seekable yet (a file weft opened
        // itself may be known to be one from the start).
        let std = std::fs::OpenOptions::new().read(true).write(true).open(&path).unwrap();
        let mut f = File::from_std(std);
        // The first seek is a real one (it learns the file is seekable); later absolute ones
        // are deferred to the next operation.
        assert_eq!(f.seek(SeekFrom::Start(1)).await.unwrap(), 1);
        assert_eq!(f.seek(SeekFrom::Start(5)).await.unwrap(), 5);
        // Deferred: the descriptor's own offset has not moved yet.
        assert_eq!(fd_offset(&f), 1);
        assert_eq!(f.seek(SeekFrom::Current(2)).await.unwrap(), 7);
        assert_eq!(f.seek(SeekFrom::Current(-1)).await.unwrap(), 6);
        let mut b = [0u8; 2];
        f.read_exact(&mut b).await.unwrap();
        assert_eq!(&b, b"67");
        // Writes land at a deferred position.
        f.seek(SeekFrom::Start(2)).await.unwrap();
        f.write_all(b"W").await.unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"01W3456789");
        // Past the end reads nothing; a negative result is an error, not a deferral.
        f.seek(SeekFrom::Start(100)).await.unwrap();
        assert_eq!(f.read(&mut b).await.unwrap(), 0);
        f.seek(SeekFrom::Start(3)).await.unwrap();
        assert_eq!(
            f.seek(SeekFrom::Current(-10)).await.unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
        assert_eq!(f.stream_position().await.unwrap(), 3);
        // End is relative to the length, never deferred.
        assert_eq!(f.seek(SeekFrom::End(-1)).await.unwrap(), 9);
        f.read_exact(&mut b[..1]).await.unwrap();
        assert_eq!(b[0], b'9');
    }

    async fn deferred_seek_is_seen_by_clones_and_std() {
        let dir = TempDir::new();
        let path = dir.join("f");
        std::fs::write(&path, b"0123456789").unwrap();
        let mut f = File::open(&path).await.unwrap();
        f.seek(SeekFrom::Start(1)).await.unwrap();
        f.seek(SeekFrom::Start(4)).await.unwrap();
        let mut g = f.try_clone().await.unwrap();
        let mut b = [0u8; 2];
        g.read_exact(&mut b).await.unwrap();
        assert_eq!(&b, b"45");
        f.seek(SeekFrom::Start(8)).await.unwrap();
        let mut std = f.into_std().await;
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut std, &mut rest).unwrap();
        assert_eq!(rest, "89");
        g.seek(SeekFrom::Start(0)).await.unwrap();
        g.seek(SeekFrom::Start(3)).await.unwrap();
        let mut std = g.try_into_std().unwrap();
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut std, &mut rest).unwrap();
        assert_eq!(rest, "3456789");
    }

    async fn reads_after_a_seek_keep_the_position_for_writes_seeks_and_std() {
        let dir = TempDir::new();
        let path = dir.join("f");
        std::fs::write(&path, b"0123456789").unwrap();
        let mut f = File::options().read(true).write(true).open(&path).await.unwrap();
        f.seek(SeekFrom::Start(1)).await.unwrap(); // a real lseek: the file is seekable
        f.seek(SeekFrom::Start(2)).await.unwrap(); // deferred
        let mut b = [0u8; 3];
        f.read_exact(&mut b).await.unwrap();
        assert_eq!(&b, b"234");
        assert_eq!(f.stream_position().await.unwrap(), 5);
        f.write_all(b"X").await.unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"01234X6789");
        f.seek(SeekFrom::Start(7)).await.unwrap();
        f.read_exact(&mut b[..1]).await.unwrap();
        assert_eq!(b[0], b'7');
        let mut std = f.into_std().await;
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut std, &mut rest).unwrap();
        assert_eq!(rest, "89");
    }

    /// Data evicted from the page cache cannot be read without waiting for the disk, so it
    /// takes the slow path (io_uring, or the blocking pool) rather than the cached one.
    async fn data_not_in_the_page_cache_reads_right() {
        use std::os::unix::io::AsRawFd;
        let dir = TempDir::new();
        let path = dir.join("f");
        let data: Vec<u8> = (0..4u32 << 20).map(|i| (i % 253) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let evict = |path: &std::path::Path| {
            let f = std::fs::File::open(path).unwrap();
            f.sync_all().unwrap();
            // SAFETY: a valid descriptor; advice only, it touches no memory of ours.
            let rc = unsafe { libc::posix_fadvise(f.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED) };
            assert_eq!(rc, 0);
        };
        evict(&path);
        let mut back = Vec::new();
        File::open(&path).await.unwrap().read_to_end(&mut back).await.unwrap();
        assert!(back == data, "sequential read of evicted data differs");
        evict(&path);
        let mut f = File::open(&path).await.unwrap();
        let mut b = vec![0u8; 4096];
        for off in [3u64 << 20, 4096 * 7, 1 << 20, 0] {
            f.seek(SeekFrom::Start(off)).await.unwrap();
            f.read_exact(&mut b).await.unwrap();
            assert!(b[..] == data[off as usize..off as usize + 4096], "read at {off}");
        }
        let mut at = vec![0u8; 100];
        assert_eq!(f.read_at(&mut at, (2 << 20) + 5).await.unwrap(), 100);
        assert_eq!(at[..], data[(2 << 20) + 5..(2 << 20) + 105]);
        // fs::read of a small file: the path may be cached while the data is not.
        let small = dir.join("small");
        let text: String = (0..300_000u32).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
        std::fs::write(&small, &text).unwrap();
        evict(&small);
        assert!(weft::fs::read(&small).await.unwrap() == text.as_bytes());
        evict(&small);
        assert!(weft::fs::read_to_string(&small).await.unwrap() == text);
    }

    /// A pipe has no page cache: a read with nothing to read waits (on io_uring, or on the
    /// blocking pool) until the writer writes, then returns the bytes.
    async fn a_pipe_read_waits_for_the_writer() {
        use std::io::Write;
        use std::os::unix::io::FromRawFd;
        let mut fds = [0; 2];
        // SAFETY: `fds` has room for the two descriptors pipe2 writes.
        assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
        // SAFETY: both descriptors are fresh and owned by nobody else.
        let (rx, mut tx) = unsafe { (std::fs::File::from_raw_fd(fds[0]), std::fs::File::from_raw_fd(fds[1])) };
        let (started_tx, started_rx) = weft::sync::oneshot::channel();
        let reader = weft::spawn(async move {
            let mut f = File::from_std(rx);
            let mut b = [0u8; 5];
            let mut read = pin!(f.read_exact(&mut b));
            let first = std::future::poll_fn(|cx| Poll::Ready(read.as_mut().poll(cx))).await;
            let _ = started_tx.send(first.is_pending());
            if first.is_pending() {
                read.await.unwrap();
            }
            b
        });
        assert!(started_rx.await.unwrap(), "an empty pipe's read cannot complete yet");
        tx.write_all(b"hello").unwrap();
        assert_eq!(&reader.await.unwrap(), b"hello");
    }
}
