//! `AsyncFd` over Unix socket pairs, on both schedulers.

mod support;

use std::io::{ErrorKind, Read, Write};
use std::os::unix::net::UnixStream;
use weft::io::unix::AsyncFd;
use weft::io::Interest;

fn pair() -> (AsyncFd<UnixStream>, UnixStream) {
    let (a, b) = UnixStream::pair().unwrap();
    a.set_nonblocking(true).unwrap();
    // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    (unsafe { AsyncFd::register(a) }.unwrap(), b)
}

async fn read_some(fd: &AsyncFd<UnixStream>, buf: &mut [u8]) -> usize {
    loop {
        let mut guard = fd.readable().await.unwrap();
        match guard.try_io(|inner| inner.get_ref().read(buf)) {
            Ok(res) => return res.unwrap(),
            Err(_would_block) => continue,
        }
    }
}

rt_test! {
    async fn readable_after_write_and_clear_on_would_block() {
        let (fd, mut peer) = pair();
        peer.write_all(b"one").unwrap();
        let mut buf = [0u8; 16];
        assert_eq!(read_some(&fd, &mut buf).await, 3);
        // Drained: the next try gets WouldBlock and clears; a later write wakes us again.
        {
            let mut guard = fd.readable().await.unwrap();
            assert!(guard.try_io(|inner| inner.get_ref().read(&mut buf)).is_err());
            assert!(guard.ready().is_empty());
        }
        let writer = std::thread::spawn(move || { peer.write_all(b"two").unwrap(); peer });
        assert_eq!(read_some(&fd, &mut buf).await, 3);
        assert_eq!(&buf[..3], b"two");
        drop(writer.join().unwrap());
        // Hang-up: reads return end of file.
        assert_eq!(read_some(&fd, &mut buf).await, 0);
    }

    async fn async_io_and_try_io() {
        let (mut fd, mut peer) = pair();
        let n = fd.async_io(Interest::WRITABLE, |s| (&*s).write(b"hello")).await.unwrap();
        assert_eq!(n, 5);
        let mut got = [0u8; 5];
        peer.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"hello");
        assert_eq!(
            fd.try_io(Interest::READABLE, |s| (&*s).read(&mut [0u8; 4])).unwrap_err().kind(),
            ErrorKind::WouldBlock
        );
        peer.write_all(b"x").unwrap();
        let mut b = [0u8; 1];
        let n = fd.async_io_mut(Interest::READABLE, |s| s.read(&mut b)).await.unwrap();
        assert_eq!(n, 1);
    }

    async fn many_waiters_and_mut_guard() {
        let (fd, mut peer) = pair();
        let fd = std::sync::Arc::new(fd);
        let tasks: Vec<_> = (0..4).map(|_| {
            let fd = fd.clone();
            weft::spawn(async move { fd.readable().await.unwrap().ready().is_readable() })
        }).collect();
        peer.write_all(b"!").unwrap();
        for t in tasks { assert!(t.await.unwrap()); }
        let mut fd = std::sync::Arc::try_unwrap(fd).unwrap();
        let mut guard = fd.readable_mut().await.unwrap();
        let res = guard.try_io(|fd| fd.get_mut().read(&mut [0u8; 8]));
        assert_eq!(res.unwrap().unwrap(), 1);
        let inner = fd.into_inner();
        assert!(inner.peer_addr().is_ok());
    }
}

#[test]
fn waiting_after_the_runtime_is_dropped_fails_clearly() {
    let rt = support::current_thread();
    let (fd, _peer) = rt.block_on(async { pair() });
    drop(rt);
    let err = futures::executor::block_on(fd.readable()).unwrap_err();
    assert!(err.to_string().contains("shut down"), "{err}");
    // The value can still be taken back out.
    let inner = fd.into_inner();
    assert!(inner.peer_addr().is_ok());
}
