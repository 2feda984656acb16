//! The workloads on smol: async-executor on N threads, async-io for I/O and timers,
//! async-channel for channels (bounded(1) standing in for a oneshot), async-lock for locks,
//! event-listener for Notify. Same shapes and checks as the tokio-style versions.

use std::future::Future;
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc as std_mpsc, Arc};
use std::task::Poll;
use std::time::{Duration, Instant};

use async_executor::Executor;
use async_io::{Async, Timer};
use futures_lite::future::yield_now;
use futures_lite::{AsyncReadExt, AsyncWriteExt};

use crate::smol_rt::SmolRt;
use crate::{Params, RunResult};

fn lost(what: &str) -> String {
    format!("{what}: a task was lost (its completion signal never came)")
}

fn io_err(what: &'static str) -> impl Fn(std::io::Error) -> String {
    move |e| format!("{what}: {e}")
}

pub fn spawn_many_local(p: &Params) -> RunResult {
    let rt = SmolRt::new(p.threads);
    let ex = rt.executor();
    let n = p.size.spawn;
    let (tx, rx) = std_mpsc::sync_channel(1);
    let rem = Arc::new(AtomicUsize::new(n));
    let start = Instant::now();
    rt.spawn(async move {
        for _ in 0..n {
            let tx = tx.clone();
            let rem = rem.clone();
            ex.spawn(async move {
                if rem.fetch_sub(1, Ordering::AcqRel) == 1 {
                    tx.send(()).unwrap();
                }
            })
            .detach();
        }
    })
    .detach();
    rx.recv().map_err(|_| lost("spawn_many_local"))?;
    Ok(start.elapsed())
}

fn spawn_many_remote(p: &Params, spinners: usize) -> RunResult {
    let rt = SmolRt::new(p.threads);
    let n = p.size.spawn;
    let flag = Arc::new(AtomicBool::new(true));
    let spinning: Vec<_> = (0..spinners)
        .map(|_| {
            let flag = flag.clone();
            rt.spawn(async move {
                while flag.load(Ordering::Relaxed) {
                    yield_now().await;
                }
            })
        })
        .collect();
    let ran = Arc::new(AtomicUsize::new(0));
    let mut handles = Vec::with_capacity(n);
    let start = Instant::now();
    for _ in 0..n {
        let ran = ran.clone();
        handles.push(rt.spawn(async move {
            ran.fetch_add(1, Ordering::Relaxed);
        }));
    }
    rt.block_on(async move {
        for h in handles {
            h.await;
        }
    });
    let elapsed = start.elapsed();
    flag.store(false, Ordering::Relaxed);
    rt.block_on(async move {
        for s in spinning {
            s.await;
        }
    });
    let ran = ran.load(Ordering::Relaxed);
    if ran != n {
        return Err(format!("{ran} of {n} tasks ran"));
    }
    Ok(elapsed)
}

pub fn spawn_many_remote_idle(p: &Params) -> RunResult {
    spawn_many_remote(p, 0)
}

pub fn spawn_many_remote_busy(p: &Params) -> RunResult {
    spawn_many_remote(p, p.size.busy_spinners)
}

fn chain(ex: Arc<Executor<'static>>, done: std_mpsc::SyncSender<()>, n: usize) {
    if n == 0 {
        done.send(()).unwrap();
    } else {
        ex.clone()
            .spawn(async move { chain(ex, done, n - 1) })
            .detach();
    }
}

pub fn chained_spawn(p: &Params) -> RunResult {
    let rt = SmolRt::new(p.threads);
    let ex = rt.executor();
    let depth = p.size.chain_depth;
    let (tx, rx) = std_mpsc::sync_channel(1);
    let start = Instant::now();
    rt.spawn(async move { chain(ex, tx, depth) }).detach();
    rx.recv().map_err(|_| lost("chained_spawn"))?;
    Ok(start.elapsed())
}

pub fn yield_many(p: &Params) -> RunResult {
    let rt = SmolRt::new(p.threads);
    let (tasks, yields) = (p.size.yield_tasks, p.size.yields);
    let (tx, rx) = std_mpsc::sync_channel(tasks);
    let start = Instant::now();
    for _ in 0..tasks {
        let tx = tx.clone();
        rt.spawn(async move {
            for _ in 0..yields {
                yield_now().await;
            }
            tx.send(()).unwrap();
        })
        .detach();
    }
    for _ in 0..tasks {
        rx.recv().map_err(|_| lost("yield_many"))?;
    }
    Ok(start.elapsed())
}

fn spawn_blocking_trips(p: &Params, tasks: usize) -> RunResult {
    let rt = SmolRt::new(p.threads);
    let trips = p.size.blocking_trips / tasks;
    let start = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|t| {
            rt.spawn(async move {
                for i in 0..trips {
                    let got = smol::unblock(move || t + i).await;
                    if got != t + i {
                        return Err(format!("job returned {got}, not {}", t + i));
                    }
                }
                Ok::<(), String>(())
            })
        })
        .collect();
    let out = rt.block_on(async move {
        for h in handles {
            h.await?;
        }
        Ok::<(), String>(())
    });
    out.map(|()| start.elapsed())
}

pub fn spawn_blocking_serial(p: &Params) -> RunResult {
    spawn_blocking_trips(p, 1)
}

pub fn spawn_blocking_8(p: &Params) -> RunResult {
    spawn_blocking_trips(p, 8)
}

pub fn alloc_per_task(p: &Params) -> Result<(f64, f64), String> {
    let rt = SmolRt::new(p.threads);
    let n = p.size.alloc_tasks;
    let mut handles = Vec::with_capacity(n);
    let mut counted = crate::alloc_count::Counted::default();
    // Round 0 warms up; round 1 is the one counted.
    for _ in 0..2 {
        (_, counted) = crate::alloc_count::count(|| {
            for _ in 0..n {
                handles.push(rt.spawn(async {}));
            }
        });
        rt.block_on(async {
            for h in handles.drain(..) {
                h.await;
            }
        });
    }
    Ok((
        counted.bytes as f64 / n as f64,
        counted.allocs as f64 / n as f64,
    ))
}

pub fn ping_pong(p: &Params) -> RunResult {
    let rt = SmolRt::new(p.threads);
    let ex = rt.executor();
    let n = p.size.ping_pongs;
    let (done_tx, done_rx) = std_mpsc::sync_channel(1);
    let rem = Arc::new(AtomicUsize::new(n));
    let start = Instant::now();
    rt.spawn(async move {
        for _ in 0..n {
            let rem = rem.clone();
            let done_tx = done_tx.clone();
            let ex2 = ex.clone();
            ex.spawn(async move {
                let (tx1, rx1) = async_channel::bounded::<u32>(1);
                let (tx2, rx2) = async_channel::bounded::<u32>(1);
                ex2.spawn(async move {
                    let v = rx1.recv().await.unwrap();
                    tx2.try_send(v + 1).unwrap();
                })
                .detach();
                tx1.try_send(41).unwrap();
                assert_eq!(rx2.recv().await.unwrap(), 42);
                if rem.fetch_sub(1, Ordering::AcqRel) == 1 {
                    done_tx.send(()).unwrap();
                }
            })
            .detach();
        }
    })
    .detach();
    done_rx
        .recv()
        .map_err(|_| "ping_pong: a round trip never completed".to_string())?;
    Ok(start.elapsed())
}

fn check_mpsc(got: (usize, u64), producers: usize, per: usize) -> Result<(), String> {
    let want = (
        producers * per,
        producers as u64 * (per as u64 * (per as u64 - 1) / 2),
    );
    if got != want {
        return Err(format!(
            "received {} messages summing to {}, expected {} summing to {}",
            got.0, got.1, want.0, want.1
        ));
    }
    Ok(())
}

fn mpsc(p: &Params, (producers, per): (usize, usize), capacity: Option<usize>) -> RunResult {
    let rt = SmolRt::new(p.threads);
    let ex = rt.executor();
    let start = Instant::now();
    let got = rt.block_on(rt.spawn(async move {
        let (tx, rx) = match capacity {
            Some(cap) => async_channel::bounded::<u64>(cap),
            None => async_channel::unbounded::<u64>(),
        };
        for _ in 0..producers {
            let tx = tx.clone();
            ex.spawn(async move {
                for i in 0..per as u64 {
                    tx.send(i).await.unwrap();
                }
            })
            .detach();
        }
        drop(tx);
        let (mut count, mut sum) = (0, 0);
        while let Ok(v) = rx.recv().await {
            count += 1;
            sum += v;
        }
        (count, sum)
    }));
    let elapsed = start.elapsed();
    check_mpsc(got, producers, per)?;
    Ok(elapsed)
}

pub fn mpsc_bounded_5x1000(p: &Params) -> RunResult {
    mpsc(p, p.size.mpsc_small, Some(p.size.mpsc_capacity))
}

pub fn mpsc_bounded_64x10000(p: &Params) -> RunResult {
    mpsc(p, p.size.mpsc_large, Some(p.size.mpsc_capacity))
}

pub fn mpsc_unbounded_5x1000(p: &Params) -> RunResult {
    mpsc(p, p.size.mpsc_small, None)
}

pub fn mpsc_unbounded_64x10000(p: &Params) -> RunResult {
    mpsc(p, p.size.mpsc_large, None)
}

pub fn mutex_contended(p: &Params) -> RunResult {
    let rt = SmolRt::new(p.threads);
    let (tasks, iters) = (p.size.lock_tasks, p.size.lock_iters);
    let m = Arc::new(async_lock::Mutex::new(0usize));
    let start = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let m = m.clone();
            rt.spawn(async move {
                for _ in 0..iters {
                    let mut g = m.lock().await;
                    yield_now().await;
                    *g += 1;
                }
            })
        })
        .collect();
    rt.block_on(async move {
        for h in handles {
            h.await;
        }
    });
    let elapsed = start.elapsed();
    let total = *rt.block_on(m.lock());
    if total != tasks * iters {
        return Err(format!("counter is {total}, expected {}", tasks * iters));
    }
    Ok(elapsed)
}

pub fn semaphore_contended(p: &Params) -> RunResult {
    let rt = SmolRt::new(p.threads);
    let (tasks, iters, permits) = (
        p.size.lock_tasks,
        p.size.lock_iters,
        p.size.semaphore_permits,
    );
    let sem = Arc::new(async_lock::Semaphore::new(permits));
    let inside = Arc::new(AtomicUsize::new(0));
    let acquired = Arc::new(AtomicUsize::new(0));
    let over = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let (sem, inside, acquired, over) =
                (sem.clone(), inside.clone(), acquired.clone(), over.clone());
            rt.spawn(async move {
                for _ in 0..iters {
                    let _permit = sem.acquire().await;
                    if inside.fetch_add(1, Ordering::Relaxed) + 1 > permits {
                        over.store(true, Ordering::Relaxed);
                    }
                    yield_now().await;
                    inside.fetch_sub(1, Ordering::Relaxed);
                    acquired.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    rt.block_on(async move {
        for h in handles {
            h.await;
        }
    });
    let elapsed = start.elapsed();
    if over.load(Ordering::Relaxed) {
        return Err(format!("more than {permits} holders at once"));
    }
    let total = acquired.load(Ordering::Relaxed);
    if total != tasks * iters {
        return Err(format!("{total} acquisitions, expected {}", tasks * iters));
    }
    Ok(elapsed)
}

pub fn idle_tasks(p: &Params) -> Result<crate::rss::IdleRss, String> {
    let rt = SmolRt::new(p.threads);
    let n = p.size.idle_tasks;
    let baseline = crate::rss::current_kib();
    let event = Arc::new(event_listener::Event::new());
    let parked = Arc::new(AtomicUsize::new(0));
    let woken = Arc::new(AtomicUsize::new(0));
    let (all_parked_tx, all_parked_rx) = std_mpsc::sync_channel(1);
    let (all_woken_tx, all_woken_rx) = std_mpsc::sync_channel(1);
    for _ in 0..n {
        let (event, parked, woken) = (event.clone(), parked.clone(), woken.clone());
        let (all_parked_tx, all_woken_tx) = (all_parked_tx.clone(), all_woken_tx.clone());
        rt.spawn(async move {
            // `listen` registers the listener at once.
            let listener = event.listen();
            if parked.fetch_add(1, Ordering::AcqRel) + 1 == n {
                all_parked_tx.send(()).unwrap();
            }
            listener.await;
            if woken.fetch_add(1, Ordering::AcqRel) + 1 == n {
                all_woken_tx.send(()).unwrap();
            }
        })
        .detach();
    }
    drop((all_parked_tx, all_woken_tx));
    all_parked_rx
        .recv()
        .map_err(|_| "idle_tasks: not every task parked".to_string())?;
    let peak = crate::rss::peak_kib();
    event.notify(usize::MAX);
    all_woken_rx
        .recv()
        .map_err(|_| "idle_tasks: not every task was woken".to_string())?;
    Ok(crate::rss::IdleRss {
        tasks: n,
        baseline_kib: baseline,
        peak_kib: peak,
    })
}

pub fn timers_sleep(p: &Params) -> RunResult {
    let rt = SmolRt::new(p.threads);
    let (n, max_ms) = (p.size.sleeps, p.size.sleep_max_ms);
    let start = Instant::now();
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let d = crate::sleep_for(i, max_ms);
            rt.spawn(async move {
                let t0 = Instant::now();
                Timer::after(d).await;
                t0.elapsed() >= d
            })
        })
        .collect();
    let on_time = rt.block_on(async move {
        let mut on_time = 0;
        for h in handles {
            on_time += h.await as usize;
        }
        on_time
    });
    let elapsed = start.elapsed();
    if on_time != n {
        return Err(format!("{} of {n} sleeps woke early", n - on_time));
    }
    Ok(elapsed)
}

pub fn timers_create_drop(p: &Params) -> RunResult {
    let rt = SmolRt::new(p.threads);
    let n = p.size.timer_churn;
    let tasks = 8;
    let armed = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|t| {
            let armed = armed.clone();
            rt.spawn(async move {
                for i in (t..n).step_by(tasks) {
                    let d = Duration::from_millis(1_000 + (i as u64 * 7919) % 9_000);
                    let mut timer = Timer::after(d);
                    // One poll arms the timer; the drop at the end of the iteration cancels it.
                    let pending = std::future::poll_fn(|cx| {
                        Poll::Ready(std::pin::Pin::new(&mut timer).poll(cx).is_pending())
                    })
                    .await;
                    armed.fetch_add(pending as usize, Ordering::Relaxed);
                }
            })
        })
        .collect();
    rt.block_on(async move {
        for h in handles {
            h.await;
        }
    });
    let elapsed = start.elapsed();
    let armed = armed.load(Ordering::Relaxed);
    if armed != n {
        return Err(format!("{} of {n} timers fired at once", n - armed));
    }
    Ok(elapsed)
}

pub fn tcp_echo(p: &Params) -> RunResult {
    let rt = SmolRt::new(p.threads);
    let ex = rt.executor();
    let (conns, rounds, size) = (p.size.echo_conns, p.size.echo_rounds, p.size.echo_msg);
    let listener = Async::<TcpListener>::bind(([127, 0, 0, 1], 0)).map_err(io_err("bind"))?;
    let addr = listener
        .get_ref()
        .local_addr()
        .map_err(io_err("local_addr"))?;
    let start = Instant::now();
    // The server accepts exactly `conns` connections; each echo task ends at EOF.
    let server = rt.spawn(async move {
        let mut echoers = Vec::with_capacity(conns);
        for _ in 0..conns {
            let (mut s, _) = listener.accept().await.map_err(io_err("accept"))?;
            s.get_ref()
                .set_nodelay(true)
                .map_err(io_err("set_nodelay"))?;
            echoers.push(ex.spawn(async move {
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
            e.await?;
        }
        Ok::<(), String>(())
    });
    let clients: Vec<_> = (0..conns)
        .map(|c| {
            rt.spawn(async move {
                let mut s = Async::<TcpStream>::connect(addr)
                    .await
                    .map_err(io_err("connect"))?;
                s.get_ref()
                    .set_nodelay(true)
                    .map_err(io_err("set_nodelay"))?;
                let mut msg = vec![0u8; size];
                let mut back = vec![0u8; size];
                for r in 0..rounds {
                    msg.iter_mut().for_each(|b| *b = (c + r) as u8);
                    s.write_all(&msg).await.map_err(io_err("client write"))?;
                    s.read_exact(&mut back)
                        .await
                        .map_err(io_err("client read"))?;
                    if back != msg {
                        return Err(format!("connection {c} round {r}: echo differs"));
                    }
                }
                Ok::<(), String>(())
            })
        })
        .collect();
    rt.block_on(async move {
        for c in clients {
            c.await?;
        }
        server.await
    })?;
    Ok(start.elapsed())
}

pub fn tcp_throughput(p: &Params) -> RunResult {
    let rt = SmolRt::new(p.threads);
    let (total, chunk) = (p.size.throughput_bytes, p.size.throughput_chunk);
    let listener = Async::<TcpListener>::bind(([127, 0, 0, 1], 0)).map_err(io_err("bind"))?;
    let addr = listener
        .get_ref()
        .local_addr()
        .map_err(io_err("local_addr"))?;
    let start = Instant::now();
    let reader = rt.spawn(async move {
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
    let writer = rt.spawn(async move {
        let mut s = Async::<TcpStream>::connect(addr)
            .await
            .map_err(io_err("connect"))?;
        let buf = vec![0xA5u8; chunk];
        let mut sent = 0;
        while sent < total {
            let k = chunk.min(total - sent);
            s.write_all(&buf[..k]).await.map_err(io_err("write"))?;
            sent += k;
        }
        s.get_ref()
            .shutdown(std::net::Shutdown::Write)
            .map_err(io_err("shutdown"))?;
        Ok::<(), String>(())
    });
    let got = rt.block_on(async move {
        writer.await?;
        reader.await
    })?;
    let elapsed = start.elapsed();
    if got != total {
        return Err(format!("received {got} bytes of {total}"));
    }
    Ok(elapsed)
}

pub fn fs_random_read_4k(p: &Params) -> RunResult {
    use crate::fs_data::{self, BLOCK};
    use futures_lite::AsyncSeekExt;
    let (bytes, tasks, reads) = (
        p.size.fs_random_file,
        p.size.fs_random_tasks,
        p.size.fs_random_reads,
    );
    let path = fs_data::pattern_file(bytes)?;
    let rt = SmolRt::new(p.threads);
    let start = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|t| {
            let path = path.clone();
            rt.spawn(async move {
                let mut f = smol::fs::File::open(&path).await.map_err(io_err("open"))?;
                let mut buf = vec![0u8; BLOCK];
                for i in 0..reads {
                    let off = fs_data::random_offset(t, i, bytes);
                    f.seek(std::io::SeekFrom::Start(off))
                        .await
                        .map_err(io_err("seek"))?;
                    f.read_exact(&mut buf).await.map_err(io_err("read"))?;
                    fs_data::check(&buf, off)?;
                }
                Ok::<(), String>(())
            })
        })
        .collect();
    rt.block_on(async move {
        for h in handles {
            h.await?;
        }
        Ok::<(), String>(())
    })?;
    Ok(start.elapsed())
}

pub fn fs_sequential_read(p: &Params) -> RunResult {
    let (bytes, chunk) = (p.size.fs_seq_file, p.size.fs_seq_chunk);
    let path = crate::fs_data::pattern_file(bytes)?;
    let rt = SmolRt::new(p.threads);
    let start = Instant::now();
    let got = rt.block_on(rt.spawn(async move {
        let mut f = smol::fs::File::open(&path).await.map_err(io_err("open"))?;
        let mut buf = vec![0u8; chunk];
        let mut pos = 0u64;
        loop {
            match f.read(&mut buf).await.map_err(io_err("read"))? {
                0 => return Ok::<u64, String>(pos),
                k => {
                    crate::fs_data::check(&buf[..k], pos)?;
                    pos += k as u64;
                }
            }
        }
    }))?;
    let elapsed = start.elapsed();
    if got != bytes as u64 {
        return Err(format!("read {got} bytes of {bytes}"));
    }
    Ok(elapsed)
}

pub fn fs_small_files(p: &Params) -> RunResult {
    let (tasks, files, size) = (
        p.size.fs_small_tasks,
        p.size.fs_small_files,
        p.size.fs_small_size,
    );
    let dir = crate::fs_data::scratch_dir("smol")?;
    let rt = SmolRt::new(p.threads);
    let start = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|t| {
            let dir = dir.clone();
            rt.spawn(async move {
                for k in 0..files {
                    let path = dir.join(format!("{t}-{k}"));
                    let content = vec![(t * 31 + k) as u8; size];
                    smol::fs::write(&path, &content)
                        .await
                        .map_err(io_err("write"))?;
                    let back = smol::fs::read(&path).await.map_err(io_err("read"))?;
                    if back != content {
                        return Err(format!("{} reads back different bytes", path.display()));
                    }
                    smol::fs::remove_file(&path)
                        .await
                        .map_err(io_err("remove"))?;
                }
                Ok::<(), String>(())
            })
        })
        .collect();
    let out = rt.block_on(async move {
        for h in handles {
            h.await?;
        }
        Ok::<(), String>(())
    });
    let elapsed = start.elapsed();
    let _ = std::fs::remove_dir_all(&dir);
    out.map(|()| elapsed)
}
