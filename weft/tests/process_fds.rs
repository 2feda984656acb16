//! No file descriptor leaks from children, their pipes, pidfds or signal listeners. A file
//! of its own (one test) so that no concurrent test opens descriptors while we count.
mod support;

use std::process::Stdio;
use weft::process::Command;
use weft::signal::unix::{signal, SignalKind};

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

#[test]
fn children_pipes_and_listeners_release_their_descriptors() {
    for rt in [support::current_thread(), support::multi_thread()] {
        rt.block_on(async {
            // Creates the process-wide signal pipe, which lives as long as the process.
            drop(signal(SignalKind::user_defined1()).unwrap());
            // One warm-up round so lazily created runtime resources exist before counting.
            Command::new("true").output().await.unwrap();
            let before = open_fds();
            for _ in 0..20 {
                let out = Command::new("cat")
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
                    .wait_with_output()
                    .await
                    .unwrap();
                assert!(out.status.success());
                let mut child = Command::new("sleep").arg("1000").spawn().unwrap();
                child.kill().await.unwrap();
                drop(signal(SignalKind::user_defined2()).unwrap());
            }
            assert_eq!(open_fds(), before);
        });
    }
}
