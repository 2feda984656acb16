//! Files really go through io_uring when the runtime has one, stay off it when disabled, and
//! the ring's fd closes with the runtime. One test in its own binary: it counts io_uring descriptors in /proc/self/fd, which
//! other tests running in parallel would disturb.

use std::io::Write;
use weft::fs::File;
use weft::io::{AsyncReadExt, AsyncWriteExt};

fn uring_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| std::fs::read_link(e.unwrap().path()).ok())
        .filter(|target| target.to_string_lossy().contains("io_uring"))
        .count()
}

fn builder(multi: bool) -> weft::runtime::Builder {
    if multi {
        let mut b = weft::runtime::Builder::new_multi_thread();
        b.worker_threads(2);
        b
    } else {
        weft::runtime::Builder::new_current_thread()
    }
}

async fn file_round_trip(path: &std::path::Path) {
    let mut f = File::create(path).await.unwrap();
    f.write_all(b"through the ring").await.unwrap();
    f.sync_data().await.unwrap();
    drop(f);
    let mut s = String::new();
    File::open(path)
        .await
        .unwrap()
        .read_to_string(&mut s)
        .await
        .unwrap();
    assert_eq!(s, "through the ring");
    // A procfs file (generated on read, no page cache) reads the same as through std.
    let mut env = Vec::new();
    File::open("/proc/self/environ")
        .await
        .unwrap()
        .read_to_end(&mut env)
        .await
        .unwrap();
    assert_eq!(env, std::fs::read("/proc/self/environ").unwrap());
}

#[test]
fn files_use_io_uring_unless_disabled_and_the_ring_closes_with_the_runtime() {
    let dir = std::env::temp_dir().join(format!("weft-fs-uring-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("f");
    let baseline = uring_fds();
    for multi in [false, true] {
        let rt = builder(multi)
            .enable_all()
            .disable_io_uring()
            .build()
            .unwrap();
        rt.block_on(file_round_trip(&path));
        assert_eq!(
            uring_fds(),
            baseline,
            "io_uring disabled, yet a ring was set up"
        );
        drop(rt);

        let rt = builder(multi).enable_all().build().unwrap();
        assert_eq!(
            uring_fds(),
            baseline,
            "the ring is set up on first use, not at build"
        );
        rt.block_on(file_round_trip(&path));
        let with_ring = uring_fds();
        drop(rt);
        assert_eq!(uring_fds(), baseline, "the ring's fd outlived its runtime");
        if with_ring == baseline {
            // The kernel (or its seccomp policy) refuses io_uring: the fallback ran above.
            let _ = writeln!(
                std::io::stderr(),
                "note: io_uring unavailable; fallback tested only"
            );
        } else {
            assert_eq!(with_ring, baseline + 1, "one ring per runtime");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
