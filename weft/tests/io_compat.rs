//! The `futures-io` feature: weft's types implement the `futures` I/O traits, and
//! `weft::io::compat` adapts in both directions.
#![cfg(feature = "futures-io")]

use futures::executor::block_on;
use futures::io::{AsyncReadExt as FuturesReadExt, AsyncWriteExt as FuturesWriteExt};
use std::io::SeekFrom;
use weft::io::compat::{
    FuturesAsyncReadCompatExt, FuturesAsyncWriteCompatExt, WeftAsyncReadCompatExt,
    WeftAsyncWriteCompatExt,
};
use weft::io::{AsyncBufReadExt, AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

#[test]
fn duplex_through_futures_traits() {
    block_on(async {
        let (mut a, mut b) = weft::io::duplex(16);
        FuturesWriteExt::write_all(&mut a, b"via futures")
            .await
            .unwrap();
        FuturesWriteExt::close(&mut a).await.unwrap();
        let mut s = String::new();
        FuturesReadExt::read_to_string(&mut b, &mut s)
            .await
            .unwrap();
        assert_eq!(s, "via futures");
    });
}

#[test]
fn buf_reader_lines_through_futures_traits() {
    block_on(async {
        let mut r = weft::io::BufReader::new(&b"a\nb\n"[..]);
        let mut line = String::new();
        futures::io::AsyncBufReadExt::read_line(&mut r, &mut line)
            .await
            .unwrap();
        assert_eq!(line, "a\n");
        let rest: Vec<String> =
            futures::StreamExt::collect::<Vec<_>>(futures::io::AsyncBufReadExt::lines(r))
                .await
                .into_iter()
                .map(Result::unwrap)
                .collect();
        assert_eq!(rest, ["b"]);
    });
}

#[test]
fn futures_reader_and_writer_used_by_weft() {
    block_on(async {
        let mut w = futures::io::Cursor::new(Vec::new()).compat_write();
        w.write_u32(0xdead_beef).await.unwrap();
        w.write_all(b"\nline two\n").await.unwrap();
        w.shutdown().await.unwrap();
        let bytes = w.into_inner().into_inner();

        let mut r = futures::io::Cursor::new(bytes).compat();
        assert_eq!(r.read_u32().await.unwrap(), 0xdead_beef);
        let mut line = String::new();
        AsyncBufReadExt::read_line(&mut r, &mut line).await.unwrap();
        assert_eq!(line, "\n");
        line.clear();
        AsyncBufReadExt::read_line(&mut r, &mut line).await.unwrap();
        assert_eq!(line, "line two\n");
        assert_eq!(
            AsyncSeekExt::seek(&mut r, SeekFrom::Start(1))
                .await
                .unwrap(),
            1
        );
        assert_eq!(r.read_u8().await.unwrap(), 0xad);
        assert_eq!(AsyncSeekExt::stream_position(&mut r).await.unwrap(), 2);
    });
}

#[test]
fn weft_reader_and_writer_used_by_futures() {
    block_on(async {
        // weft's own types implement the futures traits directly...
        let mut w = weft::io::BufWriter::with_capacity(4, Vec::new());
        FuturesWriteExt::write_all(&mut w, b"0123456789")
            .await
            .unwrap();
        FuturesWriteExt::close(&mut w).await.unwrap();
        assert_eq!(w.get_ref(), b"0123456789");

        // ...other weft readers and writers go through `compat`.
        let mut w = std::io::Cursor::new(Vec::new()).compat_write();
        FuturesWriteExt::write_all(&mut w, b"abc").await.unwrap();
        FuturesWriteExt::close(&mut w).await.unwrap();
        assert_eq!(w.get_ref().get_ref(), b"abc");

        let mut r = std::io::Cursor::new(b"0123456789".to_vec()).compat();
        assert_eq!(
            futures::io::AsyncSeekExt::seek(&mut r, SeekFrom::End(-2))
                .await
                .unwrap(),
            8
        );
        let mut s = String::new();
        FuturesReadExt::read_to_string(&mut r, &mut s)
            .await
            .unwrap();
        assert_eq!(s, "89");

        let mut lines =
            futures::io::AsyncBufReadExt::lines(std::io::Cursor::new(b"x\ny".to_vec()).compat());
        let first = futures::StreamExt::next(&mut lines).await.unwrap().unwrap();
        assert_eq!(first, "x");
    });
}

#[test]
fn futures_copy_between_weft_types() {
    block_on(async {
        let (mut a, mut b) = weft::io::duplex(8);
        let mut src = AsyncReadExt::take(weft::io::repeat(b'q'), 1000);
        let writer = async {
            let n = futures::io::copy(&mut src, &mut a).await.unwrap();
            FuturesWriteExt::close(&mut a).await.unwrap();
            n
        };
        let reader = async {
            let mut v = Vec::new();
            FuturesReadExt::read_to_end(&mut b, &mut v).await.unwrap();
            v
        };
        let (n, v) = futures::join!(writer, reader);
        assert_eq!(n, 1000);
        assert!(v.iter().all(|&c| c == b'q') && v.len() == 1000);
    });
}
