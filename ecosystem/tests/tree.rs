//! The patch took: every `tokio` in this workspace's graph is weft's compatibility crate.

use std::process::Command;

fn cargo_tree(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO"))
        .args(["tree", "--offline", "--manifest-path"])
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "cargo tree {args:?} failed:\n{stderr}"
    );
    // Cargo warns "Patch `tokio ...` was not used in the crate graph" if it did not take.
    assert!(!stderr.contains("was not used"), "{stderr}");
    stdout
}

#[test]
fn only_the_compat_crate_is_tokio() {
    // `-i tokio` fails on its own if two packages named tokio are in the graph.
    let inverted = cargo_tree(&["-i", "tokio", "-e", "normal,build,dev"]);
    let first = inverted.lines().next().unwrap();
    assert!(
        first.starts_with("tokio v1.54.1 (") && first.contains("compat/tokio)"),
        "{first}"
    );

    let all = cargo_tree(&[
        "-e",
        "normal,build,dev",
        "--prefix",
        "none",
        "--format",
        "{p}",
    ]);
    let tokios: Vec<&str> = all.lines().filter(|l| l.starts_with("tokio v")).collect();
    assert!(!tokios.is_empty());
    for line in &tokios {
        assert!(
            line.contains("compat/tokio"),
            "a tokio that is not weft: {line}"
        );
    }
    // And the real crates it stands in for are there, using it.
    for name in [
        "axum v0.8",
        "hyper v1",
        "tonic v0.14",
        "reqwest v0.12",
        "sqlx v0.8",
    ] {
        assert!(
            all.lines().any(|l| l.starts_with(name)),
            "{name} missing from the graph"
        );
    }
}
