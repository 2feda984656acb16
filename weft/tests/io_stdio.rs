//! stdin/stdout/stderr: the test binary runs itself as a child with piped standard streams.

mod support;

use std::io::Write;
use std::process::{Command, Stdio};
use weft::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const CHILD_ENV: &str = "WEFT_IO_STDIO_CHILD";

/// In the child: upper-case stdin line by line to stdout, count lines on stderr.
#[test]
fn child_echo() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    support::current_thread().block_on(async {
        let mut lines = BufReader::new(weft::io::stdin()).lines();
        let mut out = weft::io::stdout();
        let mut n = 0;
        while let Some(line) = lines.next_line().await.unwrap() {
            out.write_all(line.to_uppercase().as_bytes()).await.unwrap();
            out.write_all(b"\n").await.unwrap();
            n += 1;
        }
        out.flush().await.unwrap();
        let mut err = weft::io::stderr();
        err.write_all(format!("lines={n}\n").as_bytes())
            .await
            .unwrap();
        err.flush().await.unwrap();
    });
}

#[test]
fn stdin_stdout_stderr_through_a_child() {
    let exe = std::env::current_exe().unwrap();
    let mut child = Command::new(exe)
        .args(["--exact", "child_echo", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        for i in 0..1000 {
            writeln!(stdin, "hello {i}").unwrap();
        }
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    // libtest prints "test child_echo ... " (no newline) before the child's own output.
    let start = stdout.find("HELLO 0\n").expect("the child's output");
    let ours: Vec<&str> = stdout[start..]
        .lines()
        .filter(|l| l.starts_with("HELLO"))
        .collect();
    assert_eq!(ours.len(), 1000);
    assert_eq!(ours[999], "HELLO 999");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("lines=1000"), "{stderr}");
}
