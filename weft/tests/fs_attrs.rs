//! `weft::fs::File`'s timestamps (`set_times`, `set_modified`), its per-operation size limit
//! (`set_max_buf_size`), and building one from a descriptor; each on both schedulers, with
//! and without io_uring.
mod support;

use support::TempDir;

use std::os::fd::{AsRawFd, FromRawFd, IntoRawFd, OwnedFd};
use std::time::{Duration, SystemTime};
use weft::fs::{File, FileTimes};
use weft::io::{AsyncReadExt, AsyncWriteExt};

fn at_secs(secs: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
}

fs_test! {
    async fn set_times_sets_both_and_leaves_unset_ones() {
        let dir = TempDir::new();
        let path = dir.join("f");
        let f = File::create(&path).await.unwrap();
        f.set_times(FileTimes::new().set_accessed(at_secs(1_000)).set_modified(at_secs(2_000)))
            .await
            .unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!(meta.accessed().unwrap(), at_secs(1_000));
        assert_eq!(meta.modified().unwrap(), at_secs(2_000));

        // Only the modification time: the access time stays.
        f.set_modified(at_secs(3_000)).await.unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!(meta.accessed().unwrap(), at_secs(1_000));
        assert_eq!(meta.modified().unwrap(), at_secs(3_000));
    }

    async fn set_times_waits_for_a_write_left_running() {
        let dir = TempDir::new();
        let path = dir.join("f");
        let mut f = File::create(&path).await.unwrap();
        // Start a write and drop its future: the write still lands, and must land before the
        // times are set, or it would move the modification time past them.
        let big = vec![7u8; 1 << 20];
        let _ = futures::poll!(Box::pin(f.write(&big)));
        f.set_modified(at_secs(5_000)).await.unwrap();
        f.flush().await.unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!(meta.modified().unwrap(), at_secs(5_000));
        assert_eq!(meta.len(), big.len() as u64);
    }

    async fn set_times_on_a_read_only_file_owned_by_us() {
        let dir = TempDir::new();
        let path = dir.join("f");
        std::fs::write(&path, b"x").unwrap();
        let f = File::open(&path).await.unwrap();
        f.set_modified(at_secs(42)).await.unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), at_secs(42));
    }

    async fn max_buf_size_limits_one_read_and_one_write() {
        let dir = TempDir::new();
        let path = dir.join("f");
        let mut f = File::create(&path).await.unwrap();
        assert_eq!(f.max_buf_size(), 2 * 1024 * 1024);
        f.set_max_buf_size(3);
        assert_eq!(f.write(b"hello").await.unwrap(), 3);
        f.write_all(b"lo, world").await.unwrap();
        drop(f);
        assert_eq!(std::fs::read(&path).unwrap(), b"hello, world");

        let mut f = File::open(&path).await.unwrap();
        f.set_max_buf_size(1);
        let mut buf = [0u8; 64];
        assert_eq!(f.read(&mut buf).await.unwrap(), 1);
        assert_eq!(buf[0], b'h');
        let mut rest = String::new();
        f.read_to_string(&mut rest).await.unwrap();
        assert_eq!(rest, "ello, world");
    }

    async fn max_buf_size_survives_try_clone() {
        let dir = TempDir::new();
        let mut f = File::create(dir.join("f")).await.unwrap();
        f.set_max_buf_size(128);
        assert_eq!(f.try_clone().await.unwrap().max_buf_size(), 128);
    }

    async fn from_raw_fd_and_owned_fd() {
        let dir = TempDir::new();
        let path = dir.join("f");
        std::fs::write(&path, b"raw").unwrap();

        let raw = std::fs::File::open(&path).unwrap().into_raw_fd();
        // SAFETY: `raw` was just released by its only owner.
        let mut f = unsafe { File::from_raw_fd(raw) };
        assert_eq!(f.as_raw_fd(), raw);
        let mut s = String::new();
        f.read_to_string(&mut s).await.unwrap();
        assert_eq!(s, "raw");

        let owned: OwnedFd = std::fs::File::open(&path).unwrap().into();
        let mut f = File::from(owned);
        s.clear();
        f.read_to_string(&mut s).await.unwrap();
        assert_eq!(s, "raw");
    }
}

#[test]
#[should_panic(expected = "`max_buf_size` must be greater than 0")]
fn max_buf_size_zero_panics() {
    support::current_thread().block_on(async {
        let mut f = File::open(".").await.unwrap();
        f.set_max_buf_size(0);
    });
}
