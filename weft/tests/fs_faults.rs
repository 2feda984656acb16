//! Bad input to `weft::fs`: the same `io::ErrorKind` std gives, never a panic. Both schedulers.
mod support;

use support::TempDir;

use std::io::ErrorKind;
use std::os::unix::fs::PermissionsExt;
use weft::fs::{self, File, OpenOptions};
use weft::io::{AsyncReadExt, AsyncWriteExt};

/// Whether this process runs with uid 0, which bypasses file permissions.
fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|euid| euid == "0"))
        })
        .unwrap_or(false)
}

fs_test! {
    async fn missing_file_is_not_found() {
        let dir = TempDir::new();
        let missing = dir.join("missing");
        let std_kind = std::fs::File::open(&missing).unwrap_err().kind();
        assert_eq!(std_kind, ErrorKind::NotFound);
        assert_eq!(File::open(&missing).await.unwrap_err().kind(), std_kind);
        assert_eq!(fs::read(&missing).await.unwrap_err().kind(), std_kind);
        assert_eq!(fs::read_to_string(&missing).await.unwrap_err().kind(), std_kind);
        assert_eq!(fs::metadata(&missing).await.unwrap_err().kind(), std_kind);
        assert_eq!(fs::remove_file(&missing).await.unwrap_err().kind(), std_kind);
        assert_eq!(fs::remove_dir(&missing).await.unwrap_err().kind(), std_kind);
        assert_eq!(fs::canonicalize(&missing).await.unwrap_err().kind(), std_kind);
        assert_eq!(fs::rename(&missing, dir.join("x")).await.unwrap_err().kind(), std_kind);
        // Writing into a missing directory.
        assert_eq!(fs::write(dir.join("no/such"), b"x").await.unwrap_err().kind(), std_kind);
    }

    async fn directory_opened_as_a_file() {
        let dir = TempDir::new();
        let sub = dir.join("sub");
        std::fs::create_dir(&sub).unwrap();
        // Opening read-only succeeds, as in std; reading fails as std's read does.
        let std_err = std::io::Read::read(&mut std::fs::File::open(&sub).unwrap(), &mut [0u8; 8])
            .unwrap_err();
        assert_eq!(std_err.raw_os_error(), Some(libc::EISDIR));
        let std_err = std_err.kind();
        let mut f = File::open(&sub).await.unwrap();
        let mut buf = [0u8; 8];
        assert_eq!(f.read(&mut buf).await.unwrap_err().kind(), std_err);
        assert_eq!(fs::read(&sub).await.unwrap_err().kind(), std_err);
        // Opening for writing fails at open.
        let std_create = std::fs::File::create(&sub).unwrap_err().kind();
        assert_eq!(File::create(&sub).await.unwrap_err().kind(), std_create);
        assert_eq!(fs::write(&sub, b"x").await.unwrap_err().kind(), std_create);
        assert_eq!(fs::remove_file(&sub).await.unwrap_err().kind(),
                   std::fs::remove_file(&sub).unwrap_err().kind());
    }

    async fn no_permission() {
        let dir = TempDir::new();
        let path = dir.join("locked");
        std::fs::write(&path, b"secret").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
        let std_res = std::fs::File::open(&path);
        let ours = File::open(&path).await;
        if is_root() {
            println!("note: running as root, which bypasses file permissions; \
                      checking only that weft agrees with std");
            assert_eq!(std_res.is_ok(), ours.is_ok());
        } else {
            assert_eq!(std_res.unwrap_err().kind(), ErrorKind::PermissionDenied);
            assert_eq!(ours.unwrap_err().kind(), ErrorKind::PermissionDenied);
            assert_eq!(fs::read(&path).await.unwrap_err().kind(), ErrorKind::PermissionDenied);
            assert_eq!(
                OpenOptions::new().write(true).open(&path).await.unwrap_err().kind(),
                ErrorKind::PermissionDenied
            );
        }
    }

    async fn interior_nul_is_invalid_input() {
        let bad = "weft\0nul";
        let kind = ErrorKind::InvalidInput;
        assert_eq!(std::fs::File::open(bad).unwrap_err().kind(), kind);
        assert_eq!(File::open(bad).await.unwrap_err().kind(), kind);
        assert_eq!(File::create(bad).await.unwrap_err().kind(), kind);
        assert_eq!(File::create_new(bad).await.unwrap_err().kind(), kind);
        assert_eq!(OpenOptions::new().read(true).open(bad).await.unwrap_err().kind(), kind);
        assert_eq!(fs::read(bad).await.unwrap_err().kind(), kind);
        assert_eq!(fs::read_to_string(bad).await.unwrap_err().kind(), kind);
        assert_eq!(fs::write(bad, b"x").await.unwrap_err().kind(), kind);
        assert_eq!(fs::copy(bad, "x").await.unwrap_err().kind(), kind);
        assert_eq!(fs::create_dir(bad).await.unwrap_err().kind(), kind);
        assert_eq!(fs::create_dir_all(bad).await.unwrap_err().kind(), kind);
        assert_eq!(fs::DirBuilder::new().create(bad).await.unwrap_err().kind(), kind);
        assert_eq!(fs::remove_file(bad).await.unwrap_err().kind(), kind);
        assert_eq!(fs::remove_dir(bad).await.unwrap_err().kind(), kind);
        assert_eq!(fs::remove_dir_all(bad).await.unwrap_err().kind(), kind);
        assert_eq!(fs::rename(bad, "x").await.unwrap_err().kind(), kind);
        assert_eq!(fs::metadata(bad).await.unwrap_err().kind(), kind);
        assert_eq!(fs::symlink_metadata(bad).await.unwrap_err().kind(), kind);
        assert_eq!(fs::read_dir(bad).await.unwrap_err().kind(), kind);
        assert_eq!(fs::canonicalize(bad).await.unwrap_err().kind(), kind);
        assert_eq!(fs::hard_link(bad, "x").await.unwrap_err().kind(), kind);
        assert_eq!(fs::symlink(bad, "x").await.unwrap_err().kind(), kind);
        assert_eq!(fs::read_link(bad).await.unwrap_err().kind(), kind);
        assert_eq!(
            fs::set_permissions(bad, std::fs::Permissions::from_mode(0o644)).await.unwrap_err().kind(),
            kind
        );
        assert_eq!(fs::try_exists(bad).await.unwrap_err().kind(), kind);
    }

    async fn write_to_a_read_only_file_and_read_from_write_only() {
        let dir = TempDir::new();
        let path = dir.join("f");
        std::fs::write(&path, b"abc").unwrap();
        let mut ro = File::open(&path).await.unwrap();
        let std_kind = std::io::Write::write(&mut std::fs::File::open(&path).unwrap(), b"x")
            .unwrap_err()
            .kind();
        assert_eq!(ro.write(b"x").await.unwrap_err().kind(), std_kind);
        let mut wo = OpenOptions::new().write(true).open(&path).await.unwrap();
        let mut buf = [0u8; 3];
        let std_kind = std::io::Read::read(
            &mut std::fs::OpenOptions::new().write(true).open(&path).unwrap(),
            &mut buf,
        )
        .unwrap_err()
        .kind();
        assert_eq!(wo.read(&mut buf).await.unwrap_err().kind(), std_kind);
        // The file is still usable afterwards.
        wo.write_all(b"xyz").await.unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"xyz");
    }

    /// Opening a FIFO blocks until the other end opens: it must block a pool thread, never a
    /// worker (a current-thread runtime would deadlock here).
    async fn opening_a_fifo_does_not_block_the_runtime() {
        use std::os::unix::ffi::OsStrExt;
        let dir = TempDir::new();
        let path = dir.join("fifo");
        let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let reader = weft::spawn({
            let path = path.clone();
            async move { File::open(&path).await }
        });
        weft::task::yield_now().await;
        let mut w = OpenOptions::new().write(true).open(&path).await.unwrap();
        let mut r = reader.await.unwrap().unwrap();
        w.write_all(b"through a fifo").await.unwrap();
        drop(w);
        let mut s = String::new();
        r.read_to_string(&mut s).await.unwrap();
        assert_eq!(s, "through a fifo");
    }
}
