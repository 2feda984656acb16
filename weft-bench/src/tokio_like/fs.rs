//! File workloads (issue 6): random 4 KiB reads, a sequential read, many small files.

/// Defines `pub mod fs` for the runtime crate `$rt`.
macro_rules! fs_workloads {
    ($rt:ident) => {
        /// File workloads.
        pub mod fs {
            use std::io::SeekFrom;
            use std::time::Instant;

            use super::rt_core::runtime;
            use $crate::fs_data::{self, BLOCK};
            use $crate::{Params, RunResult};

            /// The workloads of this area by name (weft's lookup goes through it).
            pub const TABLE: &[(&str, $crate::RunFn)] = &[
                ("fs_random_read_4k", fs_random_read_4k),
                ("fs_sequential_read", fs_sequential_read),
                ("fs_small_files", fs_small_files),
            ];
            use $rt::io::{AsyncReadExt, AsyncSeekExt};

            fn io_err(what: &'static str) -> impl Fn(std::io::Error) -> String {
                move |e| format!("{what}: {e}")
            }

            pub fn fs_random_read_4k(p: &Params) -> RunResult {
                let (bytes, tasks, reads) = (
                    p.size.fs_random_file,
                    p.size.fs_random_tasks,
                    p.size.fs_random_reads,
                );
                let path = fs_data::pattern_file(bytes)?;
                let rt = runtime(p);
                rt.block_on(async move {
                    let start = Instant::now();
                    let handles: Vec<_> = (0..tasks)
                        .map(|t| {
                            let path = path.clone();
                            $rt::spawn(async move {
                                let mut f =
                                    $rt::fs::File::open(&path).await.map_err(io_err("open"))?;
                                let mut buf = vec![0u8; BLOCK];
                                for i in 0..reads {
                                    let off = fs_data::random_offset(t, i, bytes);
                                    f.seek(SeekFrom::Start(off)).await.map_err(io_err("seek"))?;
                                    f.read_exact(&mut buf).await.map_err(io_err("read"))?;
                                    fs_data::check(&buf, off)?;
                                }
                                Ok::<(), String>(())
                            })
                        })
                        .collect();
                    for h in handles {
                        h.await.map_err(|e| format!("reader failed: {e}"))??;
                    }
                    Ok(start.elapsed())
                })
            }

            pub fn fs_sequential_read(p: &Params) -> RunResult {
                let (bytes, chunk) = (p.size.fs_seq_file, p.size.fs_seq_chunk);
                let path = fs_data::pattern_file(bytes)?;
                let rt = runtime(p);
                rt.block_on(async move {
                    let start = Instant::now();
                    let got = $rt::spawn(async move {
                        let mut f = $rt::fs::File::open(&path).await.map_err(io_err("open"))?;
                        let mut buf = vec![0u8; chunk];
                        let mut pos = 0u64;
                        loop {
                            match f.read(&mut buf).await.map_err(io_err("read"))? {
                                0 => return Ok::<u64, String>(pos),
                                k => {
                                    fs_data::check(&buf[..k], pos)?;
                                    pos += k as u64;
                                }
                            }
                        }
                    })
                    .await
                    .map_err(|e| format!("reader failed: {e}"))??;
                    let elapsed = start.elapsed();
                    if got != bytes as u64 {
                        return Err(format!("read {got} bytes of {bytes}"));
                    }
                    Ok(elapsed)
                })
            }

            pub fn fs_small_files(p: &Params) -> RunResult {
                let (tasks, files, size) = (
                    p.size.fs_small_tasks,
                    p.size.fs_small_files,
                    p.size.fs_small_size,
                );
                let dir = fs_data::scratch_dir(stringify!($rt))?;
                let rt = runtime(p);
                let dir2 = dir.clone();
                let out = rt.block_on(async move {
                    let start = Instant::now();
                    let handles: Vec<_> = (0..tasks)
                        .map(|t| {
                            let dir = dir2.clone();
                            $rt::spawn(async move {
                                for k in 0..files {
                                    let path = dir.join(format!("{t}-{k}"));
                                    let content = vec![(t * 31 + k) as u8; size];
                                    $rt::fs::write(&path, &content)
                                        .await
                                        .map_err(io_err("write"))?;
                                    let back =
                                        $rt::fs::read(&path).await.map_err(io_err("read"))?;
                                    if back != content {
                                        return Err(format!(
                                            "{} reads back different bytes",
                                            path.display()
                                        ));
                                    }
                                    $rt::fs::remove_file(&path)
                                        .await
                                        .map_err(io_err("remove"))?;
                                }
                                Ok::<(), String>(())
                            })
                        })
                        .collect();
                    for h in handles {
                        h.await.map_err(|e| format!("task failed: {e}"))??;
                    }
                    Ok(start.elapsed())
                });
                let _ = std::fs::remove_dir_all(&dir);
                out
            }
        }
    };
}
