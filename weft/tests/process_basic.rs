//! Child processes: spawning, exit statuses, piped stdio, killing, and reaping (no zombies),
//! each on both schedulers.
mod support;

use std::io;
use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;
use std::time::{Duration, Instant};
use weft::io::{AsyncReadExt, AsyncWriteExt};
use weft::process::Command;

/// The process state letter from /proc (`R`, `S`, `Z`, …), or `None` once the pid is gone
/// (reaped).
fn proc_state(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) S ..." — comm may contain spaces, so look after the last ')'.
    stat.rsplit_once(')')?.1.trim_start().chars().next()
}

/// Yields to the runtime until the pid is reaped. The reap happens in a background task
/// woken by the kernel; there is no event a test can await, so this polls /proc with a
/// generous deadline (it normally succeeds within a few yields).
async fn until_reaped(pid: u32) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while let Some(state) = proc_state(pid) {
        assert!(
            Instant::now() < deadline,
            "pid {pid} still present in state {state}"
        );
        weft::task::yield_now().await;
    }
}

rt_test! {
    async fn output_captures_stdout_stderr_and_status() {
        let out = Command::new("sh")
            .args(["-c", "echo out; echo err >&2; exit 5"])
            .output()
            .await
            .unwrap();
        assert_eq!(out.stdout, b"out\n");
        assert_eq!(out.stderr, b"err\n");
        assert_eq!(out.status.code(), Some(5));
    }

    async fn missing_program_is_not_found() {
        let err = Command::new("/definitely/not/a/program").spawn().unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        let err = Command::new("weft-no-such-program-in-path").status().await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        let err = Command::new("weft-no-such-program-in-path").output().await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
    }

    async fn non_executable_program_is_permission_denied() {
        let err = Command::new("/etc/passwd").spawn().unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
    }

    async fn killed_child_reports_the_signal() {
        let mut child = Command::new("sleep").arg("1000").spawn().unwrap();
        child.start_kill().unwrap();
        let status = child.wait().await.unwrap();
        assert_eq!(status.signal(), Some(libc::SIGKILL));
        assert_eq!(status.code(), None);
        assert!(!status.success());

        // Killed by a signal it sent itself.
        let status = Command::new("sh").args(["-c", "kill -TERM $$"]).status().await.unwrap();
        assert_eq!(status.signal(), Some(libc::SIGTERM));
    }

    async fn kill_waits_and_status_repeats() {
        let mut child = Command::new("sleep").arg("1000").spawn().unwrap();
        let pid = child.id().unwrap();
        assert_eq!(child.try_wait().unwrap(), None);
        child.kill().await.unwrap();
        assert_eq!(child.id(), None);
        let status = child.try_wait().unwrap().unwrap();
        assert_eq!(status.signal(), Some(libc::SIGKILL));
        assert_eq!(child.wait().await.unwrap(), status);
        // Killing a reaped child does nothing.
        child.start_kill().unwrap();
        child.kill().await.unwrap();
        assert_eq!(proc_state(pid), None, "reaped by wait");
    }

    async fn wait_with_output_large_stdout_does_not_deadlock() {
        // 4 MiB on stdout and 1 MiB on stderr: far beyond a 64 KiB pipe buffer each.
        let child = Command::new("sh")
            .args(["-c", "head -c 1048576 /dev/zero >&2; head -c 4194304 /dev/zero"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let out = child.wait_with_output().await.unwrap();
        assert!(out.status.success());
        assert_eq!(out.stdout.len(), 4 << 20);
        assert_eq!(out.stderr.len(), 1 << 20);
        assert!(out.stdout.iter().all(|&b| b == 0));
    }

    async fn stdin_closed_gives_eof_to_cat() {
        let mut child = Command::new("cat")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"hello through a pipe").await.unwrap();
        drop(stdin); // cat sees EOF and exits
        let out = child.wait_with_output().await.unwrap();
        assert!(out.status.success());
        assert_eq!(out.stdout, b"hello through a pipe");
    }

    async fn cat_round_trips_a_large_payload_while_reading() {
        let mut child = Command::new("cat")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let payload: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        let expected = payload.clone();
        let writer = weft::spawn(async move {
            stdin.write_all(&payload).await.unwrap();
        });
        let mut got = Vec::new();
        stdout.read_to_end(&mut got).await.unwrap();
        writer.await.unwrap();
        assert_eq!(got.len(), expected.len());
        assert!(got == expected);
        assert!(child.wait().await.unwrap().success());
    }

    async fn writing_to_an_exited_child_is_broken_pipe() {
        let mut child = Command::new("true").stdin(Stdio::piped()).spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        assert!(child.wait().await.unwrap().success());
        // A concurrent test's fork may hold a copy of the read end until its exec, so the
        // first writes can still land in the pipe buffer; the error must come, and be EPIPE.
        let chunk = [0u8; 8192];
        let mut written = 0;
        let err = loop {
            match stdin.write(&chunk).await {
                Ok(n) => written += n,
                Err(e) => break e,
            }
            assert!(written <= 1 << 20, "wrote {written} bytes to a dead child");
        };
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
    }

    async fn wait_closes_stdin() {
        let mut child = Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
        assert!(child.stdin.is_some());
        assert!(child.wait().await.unwrap().success());
        assert!(child.stdin.is_none());
    }

    async fn status_closes_pipes_it_does_not_use() {
        let status = Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::piped()).status().await.unwrap();
        assert!(status.success());
    }

    async fn kill_on_drop_kills_and_reaps() {
        let child = Command::new("sleep").arg("1000").kill_on_drop(true).spawn().unwrap();
        let pid = child.id().unwrap();
        // Alive: running, sleeping, or in uninterruptible sleep while exec loads `sleep`
        // from a busy disk; not a zombie, not gone.
        let state = proc_state(pid);
        assert!(matches!(state, Some('S' | 'R' | 'D')), "state {state:?}");
        drop(child);
        until_reaped(pid).await;
    }

    async fn dropped_child_keeps_running_then_is_reaped() {
        let child = Command::new("sleep").arg("1000").spawn().unwrap();
        let pid = child.id().unwrap();
        drop(child);
        // Without kill_on_drop the child survives its handle.
        let state = proc_state(pid);
        assert!(matches!(state, Some('S' | 'R' | 'D')), "state {state:?}");
        // SAFETY: kill(2) has no memory-safety preconditions; `pid` is our unreaped child.
        assert_eq!(unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) }, 0);
        until_reaped(pid).await;
    }

    async fn exited_child_dropped_without_wait_leaves_no_zombie() {
        let mut pids = Vec::new();
        for _ in 0..10 {
            let child = Command::new("true").spawn().unwrap();
            pids.push(child.id().unwrap());
        }
        for pid in pids {
            until_reaped(pid).await;
        }
    }

    async fn many_children_waited_concurrently() {
        let mut tasks = Vec::new();
        for i in 0..16 {
            tasks.push(weft::spawn(async move {
                let status = Command::new("sh").arg("-c").arg(format!("exit {i}")).status().await.unwrap();
                assert_eq!(status.code(), Some(i));
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
    }

    async fn wait_is_cancel_safe() {
        let mut child = Command::new("sleep").arg("1000").kill_on_drop(true).spawn().unwrap();
        {
            let wait = child.wait();
            futures::pin_mut!(wait);
            assert!(futures::poll!(wait).is_pending());
        }
        child.start_kill().unwrap();
        assert_eq!(child.wait().await.unwrap().signal(), Some(libc::SIGKILL));
    }

    async fn stdout_pipes_into_another_childs_stdin() {
        let mut first = Command::new("echo").arg("piped along").stdout(Stdio::piped()).spawn().unwrap();
        let stdio: Stdio = first.stdout.take().unwrap().try_into().unwrap();
        let out = Command::new("tr").args(["a-z", "A-Z"]).stdin(stdio).output().await.unwrap();
        assert_eq!(out.stdout, b"PIPED ALONG\n");
        assert!(first.wait().await.unwrap().success());
    }

    async fn into_owned_fd_is_blocking_again() {
        let mut child = Command::new("echo").arg("x").stdout(Stdio::piped()).spawn().unwrap();
        let fd = child.stdout.take().unwrap().into_owned_fd().unwrap();
        let mut file = std::fs::File::from(fd);
        let mut s = String::new();
        // A blocking read: with O_NONBLOCK left on this could fail with WouldBlock.
        std::io::Read::read_to_string(&mut file, &mut s).unwrap();
        assert_eq!(s, "x\n");
        child.wait().await.unwrap();
    }

    async fn env_and_current_dir_apply() {
        let out = Command::new("sh")
            .args(["-c", "echo $WEFT_TEST_VAR; pwd"])
            .env_clear()
            .env("WEFT_TEST_VAR", "set")
            .env("PATH", "/usr/bin:/bin")
            .current_dir("/tmp")
            .output()
            .await
            .unwrap();
        assert_eq!(String::from_utf8(out.stdout).unwrap(), "set\n/tmp\n");
    }
}

#[test]
fn child_outliving_its_runtime_is_reaped_by_the_orphan_queue() {
    let rt = support::current_thread();
    let child = rt.block_on(async { Command::new("sleep").arg("1000").spawn().unwrap() });
    let pid = child.id().unwrap();
    drop(rt);
    // SAFETY: kill(2) has no memory-safety preconditions; `pid` is our unreaped child.
    assert_eq!(unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) }, 0);
    // Its runtime is gone: the child goes to the orphan queue, swept by later spawns.
    drop(child);
    let rt = support::current_thread();
    rt.block_on(async {
        let deadline = Instant::now() + Duration::from_secs(20);
        while proc_state(pid).is_some() {
            assert!(Instant::now() < deadline, "orphan {pid} never reaped");
            Command::new("true").status().await.unwrap();
        }
    });
}

#[test]
#[should_panic(expected = "runtime")]
fn spawn_outside_a_runtime_panics_before_starting_the_child() {
    let _ = Command::new("true").spawn();
}

/// A task still waiting on a child when its runtime shuts down: dropping the task drops the
/// `Child` during shutdown, which must neither deadlock nor leave a zombie.
#[test]
fn runtime_shutdown_with_a_task_waiting_on_a_child() {
    for rt in [support::current_thread(), support::multi_thread()] {
        let (tx, rx) = std::sync::mpsc::channel();
        rt.block_on(async move {
            weft::spawn(async move {
                let mut child = Command::new("sleep")
                    .arg("1000")
                    .kill_on_drop(true)
                    .spawn()
                    .unwrap();
                tx.send(child.id().unwrap()).unwrap();
                let _ = child.wait().await;
            });
            // Let the task start.
            for _ in 0..10 {
                weft::task::yield_now().await;
            }
        });
        let pid = rx.recv().unwrap();
        drop(rt);
        let rt = support::current_thread();
        rt.block_on(async {
            let deadline = Instant::now() + Duration::from_secs(20);
            while proc_state(pid).is_some() {
                assert!(Instant::now() < deadline, "child {pid} never reaped");
                Command::new("true").status().await.unwrap();
            }
        });
    }
}
