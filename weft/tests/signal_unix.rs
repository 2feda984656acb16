//! Unix signals: delivery, many listeners, no loss before the first `recv`, ctrl-c, bad
//! input, several runtimes. Each test uses its own signal number, because signals are
//! process-wide and the tests run in parallel; assertions only count "at least one".
mod support;

use std::io;
use weft::signal::unix::{signal, SignalKind};

fn raise(signum: i32) {
    // SAFETY: kill(2) has no memory-safety preconditions.
    let rc = unsafe { libc::kill(libc::getpid(), signum) };
    assert_eq!(rc, 0, "kill: {}", io::Error::last_os_error());
}

fn rt_signal(offset: i32) -> i32 {
    libc::SIGRTMIN() + offset
}

rt_test! {
    async fn usr1_is_received() {
        let mut sig = signal(SignalKind::user_defined1()).unwrap();
        raise(libc::SIGUSR1);
        assert_eq!(sig.recv().await, Some(()));
    }

    async fn two_listeners_both_see_one_delivery() {
        let signum = rt_signal(1);
        let mut a = signal(SignalKind::from_raw(signum)).unwrap();
        let mut b = signal(SignalKind::from_raw(signum)).unwrap();
        raise(signum);
        let other = weft::spawn(async move { b.recv().await });
        assert_eq!(a.recv().await, Some(()));
        assert_eq!(other.await.unwrap(), Some(()));
    }

    async fn delivery_before_first_recv_is_not_lost() {
        let signum = rt_signal(2);
        let mut sig = signal(SignalKind::from_raw(signum)).unwrap();
        raise(signum);
        // Let the runtime run (the reactor may drain the pipe) before anyone polls `sig`.
        for _ in 0..10 {
            weft::task::yield_now().await;
        }
        let got = weft::spawn(async move { sig.recv().await }).await.unwrap();
        assert_eq!(got, Some(()));
    }

    async fn recv_lost_in_select_keeps_the_delivery() {
        let signum = rt_signal(3);
        let mut sig = signal(SignalKind::from_raw(signum)).unwrap();
        // A `recv` polled once and dropped (pending), then a delivery: the next recv sees it.
        {
            let fut = sig.recv();
            futures::pin_mut!(fut);
            assert!(futures::poll!(fut).is_pending());
        }
        raise(signum);
        assert_eq!(sig.recv().await, Some(()));
    }

    async fn ctrl_c_completes_on_sigint() {
        // Keep a listener so the handler is installed before SIGINT is raised.
        let _guard = signal(SignalKind::interrupt()).unwrap();
        let ctrl_c = weft::signal::ctrl_c();
        futures::pin_mut!(ctrl_c);
        assert!(futures::poll!(ctrl_c.as_mut()).is_pending());
        raise(libc::SIGINT);
        ctrl_c.await.unwrap();
    }

    async fn forbidden_and_out_of_range_signals_are_refused() {
        for signum in [libc::SIGKILL, libc::SIGSTOP, libc::SIGSEGV, libc::SIGILL, libc::SIGFPE, 0, -1, 65, 1000] {
            let err = signal(SignalKind::from_raw(signum)).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "signal {signum}");
            assert!(err.to_string().contains(&signum.to_string()), "{err}");
        }
    }

    async fn every_listener_of_many_sees_it() {
        let signum = rt_signal(4);
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let mut sig = signal(SignalKind::from_raw(signum)).unwrap();
            tasks.push(weft::spawn(async move { sig.recv().await }));
        }
        raise(signum);
        for task in tasks {
            assert_eq!(task.await.unwrap(), Some(()));
        }
    }
}

#[test]
fn listeners_in_two_runtimes_both_see_it() {
    let signum = rt_signal(5);
    let a = support::current_thread();
    let b = support::multi_thread();
    let mut sig_a = a.block_on(async { signal(SignalKind::from_raw(signum)).unwrap() });
    let mut sig_b = b.block_on(async { signal(SignalKind::from_raw(signum)).unwrap() });
    raise(signum);
    let other = std::thread::spawn(move || b.block_on(sig_b.recv()));
    assert_eq!(a.block_on(sig_a.recv()), Some(()));
    assert_eq!(other.join().unwrap(), Some(()));
}

#[test]
fn recv_returns_none_after_its_runtime_is_gone() {
    let rt = support::current_thread();
    let mut sig = rt.block_on(async { signal(SignalKind::from_raw(rt_signal(6))).unwrap() });
    drop(rt);
    let other = support::current_thread();
    assert_eq!(other.block_on(sig.recv()), None);
}

#[test]
#[should_panic(expected = "runtime")]
fn signal_outside_a_runtime_panics() {
    let _ = signal(SignalKind::user_defined2());
}

/// Like tokio, a new listener reports deliveries after `signal()`, not one that arrived
/// while nobody listened (so `ctrl_c()` called again does not complete on an old ctrl-c).
/// `raise` runs the handler on this thread before it returns, so the stale delivery is
/// certainly recorded before the new listener is created.
#[test]
fn delivery_while_nobody_listened_is_not_reported_to_a_new_listener() {
    let signum = rt_signal(7);
    for rt in [support::current_thread(), support::multi_thread()] {
        rt.block_on(async {
            drop(signal(SignalKind::from_raw(signum)).unwrap()); // installs the handler
                                                                 // SAFETY: raise(3) has no memory-safety preconditions.
            assert_eq!(unsafe { libc::raise(signum) }, 0);
            let mut fresh = signal(SignalKind::from_raw(signum)).unwrap();
            // Let the reactor see the pipe's readiness, so a stale byte would be read.
            for _ in 0..20 {
                weft::task::yield_now().await;
            }
            {
                let recv = fresh.recv();
                futures::pin_mut!(recv);
                assert!(futures::poll!(recv).is_pending(), "stale delivery reported");
            }
            // SAFETY: as above.
            assert_eq!(unsafe { libc::raise(signum) }, 0);
            assert_eq!(fresh.recv().await, Some(()));
        });
    }
}
