//! The driver over real sockets, driven by a thread that turns it (no runtime needed).

use super::*;
use crate::io::Interest;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;

/// A thread turning the reactor until dropped.
pub(crate) struct DriverThread {
    pub(crate) handle: Handle,
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<Driver>>,
}

impl DriverThread {
    pub(crate) fn start() -> DriverThread {
        let (mut driver, handle) = Driver::new(1024).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = stop.clone();
            thread::spawn(move || {
                while !stop.load(Ordering::Acquire) {
                    driver.turn(None);
                }
                driver
            })
        };
        DriverThread {
            handle,
            stop,
            thread: Some(thread),
        }
    }

    /// Stops the thread and shuts the reactor down, as a dropped runtime does.
    pub(crate) fn shutdown(mut self) {
        self.stop_thread().shutdown();
    }

    fn stop_thread(&mut self) -> Driver {
        self.stop.store(true, Ordering::Release);
        self.handle.unpark();
        self.thread.take().unwrap().join().unwrap()
    }
}

impl Drop for DriverThread {
    fn drop(&mut self) {
        if self.thread.is_some() {
            self.stop_thread().shutdown();
        }
    }
}

fn pair(handle: &Handle) -> (PollEvented<mio::net::TcpStream>, std::net::TcpStream) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().unwrap();
    server.set_nonblocking(true).unwrap();
    let io = PollEvented::new_with_interest(
        mio::net::TcpStream::from_std(server),
        Interest::READABLE | Interest::WRITABLE,
        handle.clone(),
    )
    .unwrap();
    (io, client)
}

#[test]
fn read_wakes_when_data_arrives() {
    let driver = DriverThread::start();
    let (io, mut client) = pair(&driver.handle);
    let writer = thread::spawn(move || {
        for chunk in [&b"hello "[..], b"world"] {
            client.write_all(chunk).unwrap();
        }
        client
    });
    let mut got = Vec::new();
    futures::executor::block_on(async {
        let mut buf = [0u8; 64];
        while got.len() < 11 {
            let n = std::future::poll_fn(|cx| io.poll_read_slice(cx, &mut buf))
                .await
                .unwrap();
            got.extend_from_slice(&buf[..n]);
        }
    });
    assert_eq!(got, b"hello world");
    let client = writer.join().unwrap();
    client.shutdown(std::net::Shutdown::Write).unwrap();
    let n = futures::executor::block_on(std::future::poll_fn(|cx| {
        let mut buf = [0u8; 8];
        io.poll_read_slice(cx, &mut buf)
    }))
    .unwrap();
    assert_eq!(n, 0, "half-close reads as end of stream");
    // The other direction still works after the peer's half-close.
    let n = futures::executor::block_on(std::future::poll_fn(|cx| io.poll_write_slice(cx, b"ok")))
        .unwrap();
    assert_eq!(n, 2);
    let mut client = client;
    let mut back = [0u8; 2];
    client.read_exact(&mut back).unwrap();
    assert_eq!(&back, b"ok");
}

#[test]
fn many_waiters_on_one_socket() {
    let driver = DriverThread::start();
    let (io, mut client) = pair(&driver.handle);
    let io = Arc::new(io);
    let waiters: Vec<_> = (0..4)
        .map(|_| {
            let io = io.clone();
            thread::spawn(move || {
                futures::executor::block_on(io.registration().readiness(Interest::READABLE))
                    .unwrap()
                    .ready
            })
        })
        .collect();
    client.write_all(b"!").unwrap();
    for w in waiters {
        assert!(w.join().unwrap().is_readable());
    }
}

#[test]
fn shutdown_wakes_waiters_and_later_io_fails() {
    let driver = DriverThread::start();
    let (io, _client) = pair(&driver.handle);
    let io = Arc::new(io);
    let (started_tx, started_rx) = std::sync::mpsc::channel();
    let waiter = {
        let io = io.clone();
        thread::spawn(move || {
            futures::executor::block_on(async {
                let fut = io.registration().readiness(Interest::READABLE);
                let mut fut = std::pin::pin!(fut);
                // Poll once so the waiter is registered before shutdown.
                let first = futures::poll!(fut.as_mut());
                assert!(first.is_pending());
                started_tx.send(()).unwrap();
                fut.await
            })
        })
    };
    started_rx.recv().unwrap();
    driver.shutdown();
    let err = waiter.join().unwrap().unwrap_err();
    assert!(err.to_string().contains("shut down"), "{err}");
    let err = futures::executor::block_on(std::future::poll_fn(|cx| {
        io.poll_read_slice(cx, &mut [0u8; 4])
    }))
    .unwrap_err();
    assert!(err.to_string().contains("runtime"), "{err}");
}

#[test]
fn register_after_shutdown_fails_with_clear_error() {
    let driver = DriverThread::start();
    let handle = driver.handle.clone();
    driver.shutdown();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let err = PollEvented::new_with_interest(
        mio::net::TcpListener::from_std(listener),
        Interest::READABLE,
        handle,
    )
    .unwrap_err();
    assert!(err.to_string().contains("shut down"), "{err}");
}

#[test]
fn dropping_registrations_frees_slots_for_reuse() {
    let driver = DriverThread::start();
    for _ in 0..3 {
        let pairs: Vec<_> = (0..40).map(|_| pair(&driver.handle)).collect();
        assert_eq!(driver.handle.num_registrations(), 40);
        drop(pairs);
        assert_eq!(driver.handle.num_registrations(), 0);
    }
}

#[test]
fn unpark_interrupts_a_parked_turn() {
    let (mut driver, handle) = Driver::new(16).unwrap();
    let t = thread::spawn(move || {
        driver.turn(None);
        driver
    });
    handle.unpark();
    t.join().unwrap();
}
