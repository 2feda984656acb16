//! TCP workloads on loopback: many small round trips; one bulk transfer.

/// Defines `pub mod net` for the runtime crate `$rt`.
macro_rules! net_workloads {
    ($rt:ident) => {
        /// TCP workloads.
        pub mod net {
            use std::time::Instant;

            use super::rt_core::runtime;
            use $crate::{Params, RunResult};

            /// The workloads of this area by name (weft's lookup goes through it).
            pub const TABLE: &[(&str, $crate::RunFn)] =
                &[("tcp_echo", tcp_echo), ("tcp_throughput", tcp_throughput)];
            use $rt::io::{AsyncReadExt, AsyncWriteExt};
            use $rt::net::{TcpListener, TcpStream};

            fn io_err(what: &'static str) -> impl Fn(std::io::Error) -> String {
                move |e| format!("{what}: {e}")
            }

            pub fn tcp_echo(p: &Params) -> RunResult {
                let rt = runtime(p);
                let (conns, rounds, size) =
                    (p.size.echo_conns, p.size.echo_rounds, p.size.echo_msg);
                rt.block_on(async move {
                    let listener = TcpListener::bind("127.0.0.1:0")
                        .await
                        .map_err(io_err("bind"))?;
                    let addr = listener.local_addr().map_err(io_err("local_addr"))?;
                    let start = Instant::now();
                    // The server accepts exactly `conns` connections; each echo task ends at EOF.
                    let server = $rt::spawn(async move {
                        let mut echoers = Vec::with_capacity(conns);
                        for _ in 0..conns {
                            let (mut s, _) = listener.accept().await.map_err(io_err("accept"))?;
                            s.set_nodelay(true).map_err(io_err("set_nodelay"))?;
                            echoers.push($rt::spawn(async move {
                                let mut buf = vec![0u8; size];
                                loop {
                                    match s.read(&mut buf).await.map_err(io_err("server read"))? {
                                        0 => return Ok::<(), String>(()),
                                        k => s
                                            .write_all(&buf[..k])
                                            .await
                                            .map_err(io_err("server write"))?,
                                    }
                                }
                            }));
                        }
                        for e in echoers {
                            e.await.map_err(|e| format!("echo task failed: {e}"))??;
                        }
                        Ok::<(), String>(())
                    });
                    let clients: Vec<_> = (0..conns)
                        .map(|c| {
                            $rt::spawn(async move {
                                let mut s =
                                    TcpStream::connect(addr).await.map_err(io_err("connect"))?;
                                s.set_nodelay(true).map_err(io_err("set_nodelay"))?;
                                let mut msg = vec![0u8; size];
                                let mut back = vec![0u8; size];
                                for r in 0..rounds {
                                    msg.iter_mut().for_each(|b| *b = (c + r) as u8);
                                    s.write_all(&msg).await.map_err(io_err("client write"))?;
                                    s.read_exact(&mut back)
                                        .await
                                        .map_err(io_err("client read"))?;
                                    if back != msg {
                                        return Err(format!(
                                            "connection {c} round {r}: echo differs"
                                        ));
                                    }
                                }
                                Ok::<(), String>(())
                            })
                        })
                        .collect();
                    for c in clients {
                        c.await.map_err(|e| format!("client failed: {e}"))??;
                    }
                    server.await.map_err(|e| format!("server failed: {e}"))??;
                    Ok(start.elapsed())
                })
            }

            pub fn tcp_throughput(p: &Params) -> RunResult {
                let rt = runtime(p);
                let (total, chunk) = (p.size.throughput_bytes, p.size.throughput_chunk);
                rt.block_on(async move {
                    let listener = TcpListener::bind("127.0.0.1:0")
                        .await
                        .map_err(io_err("bind"))?;
                    let addr = listener.local_addr().map_err(io_err("local_addr"))?;
                    let start = Instant::now();
                    let reader = $rt::spawn(async move {
                        let (mut s, _) = listener.accept().await.map_err(io_err("accept"))?;
                        let mut buf = vec![0u8; chunk];
                        let mut got = 0usize;
                        loop {
                            match s.read(&mut buf).await.map_err(io_err("read"))? {
                                0 => return Ok::<usize, String>(got),
                                k => got += k,
                            }
                        }
                    });
                    let writer = $rt::spawn(async move {
                        let mut s = TcpStream::connect(addr).await.map_err(io_err("connect"))?;
                        let buf = vec![0xA5u8; chunk];
                        let mut sent = 0;
                        while sent < total {
                            let k = chunk.min(total - sent);
                            s.write_all(&buf[..k]).await.map_err(io_err("write"))?;
                            sent += k;
                        }
                        s.shutdown().await.map_err(io_err("shutdown"))?;
                        Ok::<(), String>(())
                    });
                    writer.await.map_err(|e| format!("writer failed: {e}"))??;
                    let got = reader.await.map_err(|e| format!("reader failed: {e}"))??;
                    let elapsed = start.elapsed();
                    if got != total {
                        return Err(format!("received {got} bytes of {total}"));
                    }
                    Ok(elapsed)
                })
            }
        }
    };
}
