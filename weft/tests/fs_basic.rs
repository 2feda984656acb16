//! The one-call `weft::fs` functions, `OpenOptions`, `DirBuilder` and `read_dir`, each on both
//! schedulers, in unique temp dirs removed afterwards.
mod support;

use support::TempDir;

use std::io::ErrorKind;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use weft::fs;
use weft::io::{AsyncReadExt, AsyncWriteExt};

fs_test! {
    async fn write_then_read_and_read_to_string() {
        let dir = TempDir::new();
        let path = dir.join("f");
        fs::write(&path, b"hello weft").await.unwrap();
        assert_eq!(fs::read(&path).await.unwrap(), b"hello weft");
        assert_eq!(fs::read_to_string(&path).await.unwrap(), "hello weft");
        // write truncates
        fs::write(&path, "hi").await.unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"hi");
    }

    async fn read_to_string_rejects_invalid_utf8() {
        let dir = TempDir::new();
        let path = dir.join("bin");
        fs::write(&path, [0xff, 0xfe]).await.unwrap();
        let err = fs::read_to_string(&path).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidData);
    }

    async fn copy_copies_contents() {
        let dir = TempDir::new();
        fs::write(dir.join("a"), vec![7u8; 10_000]).await.unwrap();
        assert_eq!(fs::copy(dir.join("a"), dir.join("b")).await.unwrap(), 10_000);
        assert_eq!(std::fs::read(dir.join("b")).unwrap(), vec![7u8; 10_000]);
        let err = fs::copy(dir.join("missing"), dir.join("c")).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound);
    }

    async fn create_dir_and_remove_dir() {
        let dir = TempDir::new();
        let sub = dir.join("sub");
        fs::create_dir(&sub).await.unwrap();
        assert!(std::fs::metadata(&sub).unwrap().is_dir());
        assert_eq!(fs::create_dir(&sub).await.unwrap_err().kind(), ErrorKind::AlreadyExists);
        assert_eq!(
            fs::create_dir(dir.join("x/y")).await.unwrap_err().kind(),
            ErrorKind::NotFound
        );
        std::fs::write(sub.join("f"), b"").unwrap();
        assert_eq!(
            fs::raw_os_error(&fs::remove_dir(&sub).await.unwrap_err()),
            Some(libc::ENOTEMPTY)
        );
        std::fs::remove_file(sub.join("f")).unwrap();
        fs::remove_dir(&sub).await.unwrap();
        assert!(!sub.exists());
    }

    async fn create_dir_all_and_remove_dir_all() {
        let dir = TempDir::new();
        let deep = dir.join("a/b/c");
        fs::create_dir_all(&deep).await.unwrap();
        fs::create_dir_all(&deep).await.unwrap(); // existing: fine
        std::fs::write(deep.join("f"), b"x").unwrap();
        fs::remove_dir_all(dir.join("a")).await.unwrap();
        assert!(!dir.join("a").exists());
    }

    async fn dir_builder_recursive_and_mode() {
        let dir = TempDir::new();
        let deep = dir.join("p/q");
        assert_eq!(
            fs::DirBuilder::new().create(&deep).await.unwrap_err().kind(),
            ErrorKind::NotFound
        );
        fs::DirBuilder::new().recursive(true).mode(0o700).create(&deep).await.unwrap();
        let meta = std::fs::metadata(&deep).unwrap();
        assert!(meta.is_dir());
        assert_eq!(meta.permissions().mode() & 0o777, 0o700);
    }

    async fn remove_file_removes() {
        let dir = TempDir::new();
        let path = dir.join("f");
        std::fs::write(&path, b"").unwrap();
        fs::remove_file(&path).await.unwrap();
        assert!(!path.exists());
        assert_eq!(fs::remove_file(&path).await.unwrap_err().kind(), ErrorKind::NotFound);
    }

    async fn rename_moves_and_replaces() {
        let dir = TempDir::new();
        std::fs::write(dir.join("a"), b"A").unwrap();
        std::fs::write(dir.join("b"), b"B").unwrap();
        fs::rename(dir.join("a"), dir.join("b")).await.unwrap();
        assert!(!dir.join("a").exists());
        assert_eq!(std::fs::read(dir.join("b")).unwrap(), b"A");
    }

    async fn metadata_and_symlink_metadata() {
        let dir = TempDir::new();
        let file = dir.join("f");
        std::fs::write(&file, b"12345").unwrap();
        let link = dir.join("l");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        let meta = fs::metadata(&link).await.unwrap();
        assert!(meta.is_file());
        assert_eq!(meta.len(), 5);
        let lmeta = fs::symlink_metadata(&link).await.unwrap();
        assert!(lmeta.file_type().is_symlink());
        assert_eq!(
            fs::metadata(dir.join("none")).await.unwrap_err().kind(),
            ErrorKind::NotFound
        );
    }

    async fn symlink_read_link_canonicalize() {
        let dir = TempDir::new();
        let file = dir.join("target");
        std::fs::write(&file, b"t").unwrap();
        let link = dir.join("link");
        fs::symlink(&file, &link).await.unwrap();
        assert_eq!(fs::read_link(&link).await.unwrap(), file);
        assert_eq!(
            fs::canonicalize(&link).await.unwrap(),
            std::fs::canonicalize(&file).unwrap()
        );
        assert_eq!(fs::read_link(&file).await.unwrap_err().kind(), ErrorKind::InvalidInput);
    }

    async fn hard_link_shares_inode() {
        let dir = TempDir::new();
        std::fs::write(dir.join("a"), b"same").unwrap();
        fs::hard_link(dir.join("a"), dir.join("b")).await.unwrap();
        let (ma, mb) = (
            std::fs::metadata(dir.join("a")).unwrap(),
            std::fs::metadata(dir.join("b")).unwrap(),
        );
        assert_eq!(ma.ino(), mb.ino());
        assert_eq!(ma.nlink(), 2);
    }

    async fn set_permissions_changes_mode() {
        let dir = TempDir::new();
        let path = dir.join("f");
        std::fs::write(&path, b"").unwrap();
        fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).await.unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
    }

    async fn try_exists_reports_presence() {
        let dir = TempDir::new();
        assert!(fs::try_exists(dir.path()).await.unwrap());
        assert!(!fs::try_exists(dir.join("nope")).await.unwrap());
        std::os::unix::fs::symlink(dir.join("nope"), dir.join("dangling")).unwrap();
        assert!(!fs::try_exists(dir.join("dangling")).await.unwrap());
    }

    async fn read_dir_lists_every_entry() {
        let dir = TempDir::new();
        // More than one batch (32 per trip to the blocking pool).
        for i in 0..70 {
            std::fs::write(dir.join(&format!("f{i}")), b"").unwrap();
        }
        std::fs::create_dir(dir.join("sub")).unwrap();
        let mut rd = fs::read_dir(dir.path()).await.unwrap();
        let mut names = Vec::new();
        while let Some(entry) = rd.next_entry().await.unwrap() {
            let name = entry.file_name().into_string().unwrap();
            assert_eq!(entry.path(), dir.join(&name));
            let ft = entry.file_type().await.unwrap();
            let meta = entry.metadata().await.unwrap();
            assert_eq!(ft.is_dir(), name == "sub");
            assert_eq!(meta.is_dir(), name == "sub");
            assert_eq!(entry.ino(), meta.ino());
            names.push(name);
        }
        assert!(rd.next_entry().await.unwrap().is_none());
        names.sort();
        let mut want: Vec<String> = (0..70).map(|i| format!("f{i}")).collect();
        want.push("sub".into());
        want.sort();
        assert_eq!(names, want);
    }

    async fn read_dir_poll_next_entry_and_errors() {
        let dir = TempDir::new();
        std::fs::write(dir.join("only"), b"").unwrap();
        let mut rd = fs::read_dir(dir.path()).await.unwrap();
        let first = std::future::poll_fn(|cx| rd.poll_next_entry(cx)).await.unwrap();
        assert_eq!(first.unwrap().file_name(), "only");
        assert!(std::future::poll_fn(|cx| rd.poll_next_entry(cx)).await.unwrap().is_none());
        assert_eq!(
            fs::read_dir(dir.join("missing")).await.unwrap_err().kind(),
            ErrorKind::NotFound
        );
        assert_eq!(
            fs::raw_os_error(&fs::read_dir(dir.join("only")).await.unwrap_err()),
            Some(libc::ENOTDIR)
        );
    }

    async fn open_options_flags() {
        let dir = TempDir::new();
        let path = dir.join("f");
        // create_new
        let mut f = fs::OpenOptions::new().write(true).create_new(true).open(&path).await.unwrap();
        f.write_all(b"abc").await.unwrap();
        assert_eq!(
            fs::OpenOptions::new().write(true).create_new(true).open(&path).await.unwrap_err().kind(),
            ErrorKind::AlreadyExists
        );
        // append
        let mut f = fs::OpenOptions::new().append(true).open(&path).await.unwrap();
        f.write_all(b"def").await.unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"abcdef");
        // truncate
        fs::OpenOptions::new().write(true).truncate(true).open(&path).await.unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"");
        // missing without create
        assert_eq!(
            fs::OpenOptions::new().write(true).open(dir.join("g")).await.unwrap_err().kind(),
            ErrorKind::NotFound
        );
        // contradictory flags: truncate without write access
        assert_eq!(
            fs::OpenOptions::new().read(true).truncate(true).open(&path).await.unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
        // from std, Default, Clone
        let std_opts = {
            let mut o = std::fs::OpenOptions::new();
            o.read(true);
            o
        };
        let opts = fs::OpenOptions::from(std_opts).clone();
        let mut s = String::new();
        opts.open(&path).await.unwrap().read_to_string(&mut s).await.unwrap();
        assert_eq!(s, "");
        let _ = fs::OpenOptions::default();
    }

    async fn open_options_mode_and_custom_flags() {
        let dir = TempDir::new();
        let path = dir.join("m");
        fs::OpenOptions::new().write(true).create(true).mode(0o600).open(&path).await.unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        let link = dir.join("l");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        let err = fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&link)
            .await
            .unwrap_err();
        assert_eq!(fs::raw_os_error(&err), Some(libc::ELOOP));
    }

    async fn functions_run_concurrently_from_tasks() {
        let dir = std::sync::Arc::new(TempDir::new());
        let mut handles = Vec::new();
        for t in 0..8 {
            let dir = dir.clone();
            handles.push(weft::spawn(async move {
                let path = dir.join(&format!("t{t}"));
                fs::write(&path, vec![t as u8; 1000]).await.unwrap();
                let back = fs::read(&path).await.unwrap();
                fs::remove_file(&path).await.unwrap();
                back == vec![t as u8; 1000]
            }));
        }
        for h in handles {
            assert!(h.await.unwrap());
        }
    }
}
