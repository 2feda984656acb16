//! Reading a 1 GiB file in 64 KiB chunks keeps memory flat. Alone in its own test binary so no
//! other test's allocations move the resident-set numbers; a memory bound, not a timing one.

mod support;

use std::path::PathBuf;
use weft::fs::File;
use weft::io::AsyncReadExt;

const GIB: u64 = 1 << 30;
const CHUNK: usize = 64 * 1024;
const MAX_GROWTH_KIB: u64 = 32 * 1024;

/// This process's resident set size in KiB, from /proc/self/status.
fn vm_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

async fn read_sparse_gib(path: PathBuf) -> u64 {
    // Sparse: set_len allocates no blocks, and reads of holes return zeros.
    let f = File::create(&path).await.unwrap();
    f.set_len(GIB).await.unwrap();
    drop(f);
    let mut f = File::open(&path).await.unwrap();
    let mut buf = vec![0u8; CHUNK];
    // Warm up once so the blocking pool's threads and buffers exist before the baseline.
    let mut total = f.read(&mut buf).await.unwrap() as u64;
    let before = vm_rss_kib();
    loop {
        let n = f.read(&mut buf).await.unwrap();
        if n == 0 {
            break;
        }
        // Spot checks: scanning every byte would dominate the run in debug builds.
        assert_eq!((buf[0], buf[n / 2], buf[n - 1]), (0, 0, 0));
        total += n as u64;
    }
    let after = vm_rss_kib();
    assert_eq!(total, GIB);
    let growth = after.saturating_sub(before);
    println!("VmRSS before {before} KiB, after {after} KiB, growth {growth} KiB");
    assert!(
        growth < MAX_GROWTH_KIB,
        "reading 1 GiB grew the resident set by {growth} KiB (limit {MAX_GROWTH_KIB} KiB)"
    );
    total
}

#[test]
fn reading_a_gib_in_chunks_keeps_memory_flat() {
    let dir = std::env::temp_dir().join(format!("weft-fs-memory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("sparse");
    for rt in [
        support::current_thread(),
        support::multi_thread(),
        support::current_thread_no_uring(),
        support::multi_thread_no_uring(),
    ] {
        assert_eq!(rt.block_on(read_sparse_gib(path.clone())), GIB);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
