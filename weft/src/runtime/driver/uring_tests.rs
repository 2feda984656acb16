//! The ring on its own: positional reads and writes, errors, many tasks at once, and
//! operations dropped (or left behind by a dropped runtime) while the kernel works on them.

use super::*;
use std::os::unix::io::FromRawFd;

fn runtimes() -> Vec<crate::runtime::Runtime> {
    vec![
        crate::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap(),
        crate::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap(),
    ]
}

fn temp_file(name: &str, contents: &[u8]) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("weft-uring-{name}-{}", std::process::id()));
    std::fs::write(&path, contents).unwrap();
    path
}

/// The runtime's ring, or `None` (with a note) where io_uring is unavailable.
fn ring() -> Option<Arc<Ring>> {
    let ring = crate::runtime::current::uring();
    if ring.is_none() {
        println!("note: io_uring unavailable here; the blocking pool would be used");
    }
    ring
}

fn pipe() -> (StdFile, StdFile) {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 writes.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    // SAFETY: both descriptors are fresh and owned by nobody else.
    unsafe { (StdFile::from_raw_fd(fds[0]), StdFile::from_raw_fd(fds[1])) }
}

fn fd_open(fd: RawFd) -> bool {
    std::fs::read_link(format!("/proc/self/fd/{fd}")).is_ok()
}

/// Lets the runtime (and its reactor) run until `fd` is closed; false if it stays open. The
/// bound turns a bug into a failure instead of a hang; it is not a timing assertion.
async fn closes_soon(fd: RawFd) -> bool {
    for _ in 0..10_000 {
        if !fd_open(fd) {
            return true;
        }
        crate::task::yield_now().await;
    }
    !fd_open(fd)
}

#[test]
fn one_ring_per_runtime_and_none_when_disabled() {
    for rt in runtimes() {
        rt.block_on(async {
            let (Some(a), Some(b)) = (ring(), ring()) else {
                return;
            };
            assert!(Arc::ptr_eq(&a, &b));
        });
    }
    let rt = crate::runtime::Builder::new_current_thread()
        .enable_all()
        .disable_io_uring()
        .build()
        .unwrap();
    rt.block_on(async { assert!(crate::runtime::current::uring().is_none()) });
    let rt = crate::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    rt.block_on(async {
        assert!(
            crate::runtime::current::uring().is_none(),
            "no reactor, no ring"
        )
    });
}

#[test]
fn read_and_write_at_offsets_and_at_the_cursor() {
    for rt in runtimes() {
        rt.block_on(async {
            let Some(ring) = ring() else { return };
            let path = temp_file("rw", b"0123456789");
            let file = Arc::new(
                std::fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .open(&path)
                    .unwrap(),
            );
            let (n, buf) = ring.read(file.clone(), vec![0; 8], 4, Some(3)).await;
            assert_eq!(n.unwrap(), 4);
            assert_eq!(&buf[..4], b"3456");
            assert_eq!(buf.len(), 8, "the buffer is handed back as it was given");
            let (n, _) = ring
                .write(file.clone(), b"xab".to_vec(), 1, 2, Some(8))
                .await;
            assert_eq!(n.unwrap(), 2);
            assert_eq!(std::fs::read(&path).unwrap(), b"01234567ab");
            let (n, _) = ring.read(file.clone(), vec![0; 4], 4, Some(100)).await;
            assert_eq!(n.unwrap(), 0);
            // At the cursor: reads move it, like read(2).
            let (n, buf) = ring.read(file.clone(), vec![0; 3], 3, None).await;
            assert_eq!((n.unwrap(), &buf[..]), (3, &b"012"[..]));
            let (n, buf) = ring.read(file.clone(), vec![0; 3], 3, None).await;
            assert_eq!((n.unwrap(), &buf[..]), (3, &b"345"[..]));
            let (n, _) = ring.write(file.clone(), b"Z".to_vec(), 0, 1, None).await;
            assert_eq!(n.unwrap(), 1);
            assert_eq!(std::fs::read(&path).unwrap(), b"012345Z7ab");
            let (res, _) = ring.fsync(file.clone(), false).await;
            assert_eq!(res.unwrap(), 0);
            let (res, _) = ring.fsync(file, true).await;
            assert_eq!(res.unwrap(), 0);
            std::fs::remove_file(&path).unwrap();
        });
    }
}

#[test]
fn errors_come_back_as_io_errors() {
    for rt in runtimes() {
        rt.block_on(async {
            let Some(ring) = ring() else { return };
            let path = temp_file("err", b"x");
            let ro = Arc::new(std::fs::File::open(&path).unwrap());
            let (res, _) = ring.write(ro, b"no".to_vec(), 0, 2, Some(0)).await;
            assert_eq!(res.unwrap_err().raw_os_error(), Some(libc::EBADF));
            std::fs::remove_file(&path).unwrap();
        });
    }
}

#[test]
fn many_concurrent_ops_from_many_tasks() {
    for rt in runtimes() {
        rt.block_on(async {
            let Some(ring) = ring() else { return };
            let data: Vec<u8> = (0..1 << 20).map(|i: u32| (i % 251) as u8).collect();
            let path = temp_file("many", &data);
            let file = Arc::new(std::fs::File::open(&path).unwrap());
            let mut handles = Vec::new();
            for t in 0..16u64 {
                let (ring, file) = (ring.clone(), file.clone());
                handles.push(crate::spawn(async move {
                    for i in 0..50u64 {
                        let off = (t * 7919 + i * 4099) % ((1 << 20) - 4096);
                        let (n, buf) = ring
                            .read(file.clone(), vec![0; 4096], 4096, Some(off))
                            .await;
                        assert_eq!(n.unwrap(), 4096);
                        let want: Vec<u8> = (off..off + 4096).map(|i| (i % 251) as u8).collect();
                        assert_eq!(buf, want);
                    }
                }));
            }
            for h in handles {
                h.await.unwrap();
            }
            std::fs::remove_file(&path).unwrap();
        });
    }
}

#[test]
fn a_read_that_waits_wakes_its_task_through_the_reactor() {
    for rt in runtimes() {
        rt.block_on(async {
            let Some(ring) = ring() else { return };
            let (rx, tx) = pipe();
            let reader = crate::spawn({
                let ring = ring.clone();
                async move { ring.read(Arc::new(rx), vec![0; 16], 16, None).await }
            });
            // The read is queued in the kernel (a pipe with no data): the writer's bytes
            // complete it, and the completion wakes the reader's task.
            crate::task::yield_now().await;
            (&tx).write_all_std(b"ping");
            let (n, buf) = reader.await.unwrap();
            assert_eq!(n.unwrap(), 4);
            assert_eq!(&buf[..4], b"ping");
        });
    }
}

/// A dropped write is not cancelled: its bytes land, and its descriptor is closed once it
/// completes, with no other file operation needed to notice.
#[test]
fn a_dropped_write_lands_and_releases_its_descriptor() {
    for rt in runtimes() {
        rt.block_on(async {
            let Some(ring) = ring() else { return };
            let path = temp_file("dropw", b"");
            let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
            let fd = file.as_raw_fd();
            let mut op = ring.write(Arc::new(file), vec![7u8; 1 << 20], 0, 1 << 20, Some(0));
            let waker = noop_waker();
            let _ = Pin::new(&mut op).poll(&mut Context::from_waker(&waker));
            drop(op);
            let closed = closes_soon(fd).await;
            assert!(closed, "the dropped write still holds its descriptor");
            assert_eq!(std::fs::read(&path).unwrap(), vec![7u8; 1 << 20]);
            std::fs::remove_file(&path).unwrap();
        });
    }
}

#[test]
fn dropped_ops_keep_buffers_alive_and_leak_no_fd() {
    for rt in runtimes() {
        rt.block_on(async {
            let Some(ring) = ring() else { return };
            let path = temp_file("drop", &vec![9u8; 1 << 20]);
            let mut fds = Vec::new();
            for _ in 0..64 {
                let file = Arc::new(std::fs::File::open(&path).unwrap());
                fds.push(file.as_raw_fd());
                let mut op = ring.read(file, vec![0; 1 << 20], 1 << 20, Some(0));
                // Poll once so it is in flight, then drop it (file handle included).
                let waker = noop_waker();
                let _ = Pin::new(&mut op).poll(&mut Context::from_waker(&waker));
                drop(op);
            }
            // A later op reaps the abandoned completions.
            let file = Arc::new(std::fs::File::open(&path).unwrap());
            let (n, _) = ring.read(file, vec![0; 16], 16, Some(0)).await;
            assert_eq!(n.unwrap(), 16);
            // Abandoned ops keep their files open until they complete; after that no
            // descriptor refers to the file any more (other tests in this process may reuse
            // the numbers, for other files).
            drop(ring);
            for fd in fds {
                let target = std::fs::read_link(format!("/proc/self/fd/{fd}")).ok();
                assert_ne!(target.as_deref(), Some(path.as_path()), "fd {fd} leaked");
            }
            std::fs::remove_file(&path).unwrap();
        });
    }
}

/// A read from a pipe nobody writes to never completes by itself: dropping its future asks
/// the kernel to cancel it, which closes the descriptor the operation kept alive.
/// (`yield_now` lets the reactor run; the loop is bounded so a bug fails instead of hanging.)
#[test]
fn a_dropped_read_that_would_wait_forever_is_cancelled() {
    for rt in runtimes() {
        rt.block_on(async {
            let Some(ring) = ring() else { return };
            let (rx, tx) = pipe();
            let fd = rx.as_raw_fd();
            let mut op = ring.read(Arc::new(rx), vec![0; 16], 16, None);
            let waker = noop_waker();
            assert!(Pin::new(&mut op)
                .poll(&mut Context::from_waker(&waker))
                .is_pending());
            drop(op);
            // The cancellation's completion arrives through the reactor, and the reaper task
            // frees the operation with no other operation running.
            let closed = closes_soon(fd).await;
            assert!(closed, "the cancelled read still holds its descriptor");
            drop(tx);
        });
    }
}

/// A runtime dropped while a task waits on a read that cannot complete: the drop cancels it
/// instead of waiting forever, and the descriptor is closed.
#[test]
fn runtime_drop_with_a_read_in_flight_does_not_hang() {
    for rt in runtimes() {
        let (rx, tx) = pipe();
        let fd = rx.as_raw_fd();
        let started = rt.block_on(async move {
            let Some(ring) = ring() else { return false };
            let (ready_tx, ready_rx) = crate::sync::oneshot::channel();
            crate::spawn(async move {
                let mut op = ring.read(Arc::new(rx), vec![0; 16], 16, None);
                let first =
                    std::future::poll_fn(|cx| Poll::Ready(Pin::new(&mut op).poll(cx).is_pending()))
                        .await;
                let _ = ready_tx.send(first);
                op.await
            });
            ready_rx.await.unwrap()
        });
        drop(rt);
        if started {
            assert!(!fd_open(fd), "the read's descriptor outlived the runtime");
        }
        drop(tx);
    }
}

fn noop_waker() -> Waker {
    struct Noop;
    impl std::task::Wake for Noop {
        fn wake(self: Arc<Self>) {}
    }
    Waker::from(Arc::new(Noop))
}

trait WriteAllStd {
    fn write_all_std(self, bytes: &[u8]);
}

impl WriteAllStd for &StdFile {
    fn write_all_std(self, bytes: &[u8]) {
        use std::io::Write;
        let mut f = self;
        f.write_all(bytes).unwrap();
    }
}
