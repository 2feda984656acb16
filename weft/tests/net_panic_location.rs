//! Constructors that panic outside an I/O-enabled runtime report the caller's location
//! (`#[track_caller]`, as tokio's `net_panic`/`io_panic` tests check). One test in this
//! binary, so the process-wide panic hook it installs sees no other test's panics.

use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

/// Runs `f`, which must panic, and returns the file the panic was reported at.
fn panic_file(f: impl FnOnce()) -> String {
    let seen = Arc::new(Mutex::new(None));
    let seen2 = seen.clone();
    let prev = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let file = info.location().map(|l| l.file().to_owned());
        *seen2.lock().unwrap() = file;
    }));
    let res = panic::catch_unwind(AssertUnwindSafe(f));
    panic::set_hook(prev);
    assert!(res.is_err(), "expected a panic");
    let file = seen.lock().unwrap().take();
    file.expect("the panic had a location")
}

fn without_io() -> weft::runtime::Runtime {
    weft::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

#[test]
fn constructors_report_the_callers_location() {
    let here = file!();
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    std_listener.set_nonblocking(true).unwrap();
    let std_stream = std::net::TcpStream::connect(std_listener.local_addr().unwrap()).unwrap();
    let std_udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let (ua, ub) = std::os::unix::net::UnixStream::pair().unwrap();
    let (da, _db) = std::os::unix::net::UnixDatagram::pair().unwrap();
    let dir = std::env::temp_dir().join(format!("weft-panic-loc-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let std_unix_listener = std::os::unix::net::UnixListener::bind(dir.join("l.sock")).unwrap();

    let rt = without_io();
    let _guard = rt.enter();
    assert_eq!(
        panic_file(|| drop(weft::net::TcpListener::from_std(std_listener))),
        here
    );
    assert_eq!(
        panic_file(|| drop(weft::net::TcpStream::from_std(std_stream))),
        here
    );
    assert_eq!(
        panic_file(|| drop(weft::net::UdpSocket::from_std(std_udp))),
        here
    );
    assert_eq!(
        panic_file(|| drop(weft::net::UnixStream::from_std(ua))),
        here
    );
    assert_eq!(
        panic_file(|| drop(weft::net::UnixDatagram::from_std(da))),
        here
    );
    assert_eq!(
        panic_file(|| drop(weft::net::UnixListener::from_std(std_unix_listener))),
        here
    );
    assert_eq!(
        panic_file(|| drop(weft::net::UnixListener::bind(dir.join("b.sock")))),
        here
    );
    assert_eq!(panic_file(|| drop(weft::net::UnixStream::pair())), here);
    assert_eq!(panic_file(|| drop(weft::net::UnixDatagram::pair())), here);
    assert_eq!(panic_file(|| drop(weft::net::unix::pipe::pipe())), here);
    assert_eq!(
        panic_file(|| drop(weft::net::UnixSocket::new_datagram().unwrap().datagram())),
        here
    );
    drop(ub);

    assert_eq!(panic_file(|| drop(weft::io::duplex(0))), here);
    assert_eq!(panic_file(|| drop(weft::io::simplex(0))), here);
    assert_eq!(
        panic_file(|| drop(weft::io::SimplexStream::new_unsplit(0))),
        here
    );
    assert_eq!(
        panic_file(|| drop(weft::io::BufReader::with_capacity(0, weft::io::empty()))),
        here
    );
    let (d, _d2) = weft::io::duplex(1);
    assert_eq!(
        panic_file(|| drop(weft::io::BufStream::with_capacity(0, 1, d))),
        here
    );
    let _ = std::fs::remove_dir_all(&dir);
}
