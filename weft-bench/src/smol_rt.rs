//! smol as a multi-thread runtime: one `async-executor` Executor run by N threads, each inside
//! `async_io::block_on` (so an idle worker drives the async-io reactor), the way smol's own
//! global executor works, but with the same thread count as the other runtimes.

use std::future::Future;
use std::sync::Arc;
use std::thread;

use async_executor::{Executor, Task};

/// An executor and the threads that run it; dropping it stops and joins the threads.
pub struct SmolRt {
    ex: Arc<Executor<'static>>,
    stop: Option<async_channel::Sender<()>>,
    threads: Vec<thread::JoinHandle<()>>,
}

impl SmolRt {
    /// Starts `threads` worker threads.
    pub fn new(threads: usize) -> SmolRt {
        let ex = Arc::new(Executor::new());
        let (stop, stopped) = async_channel::bounded::<()>(1);
        let threads = (0..threads)
            .map(|i| {
                let ex = ex.clone();
                let stopped = stopped.clone();
                thread::Builder::new()
                    .name(format!("smol-worker-{i}"))
                    .spawn(move || {
                        // Ends when the sender is dropped.
                        let _ = async_io::block_on(ex.run(stopped.recv()));
                    })
                    .expect("spawning a smol worker thread")
            })
            .collect();
        SmolRt {
            ex,
            stop: Some(stop),
            threads,
        }
    }

    /// The executor, for tasks that spawn more tasks.
    pub fn executor(&self) -> Arc<Executor<'static>> {
        self.ex.clone()
    }

    /// Spawns a task (dropping the returned `Task` cancels it: `.detach()` to let it run).
    pub fn spawn<T: Send + 'static>(&self, f: impl Future<Output = T> + Send + 'static) -> Task<T> {
        self.ex.spawn(f)
    }

    /// Runs `f` on the calling thread (which does not run the executor's tasks, as the main
    /// thread in tokio's multi-thread `block_on` does not run spawned tasks).
    pub fn block_on<T>(&self, f: impl Future<Output = T>) -> T {
        async_io::block_on(f)
    }
}

impl Drop for SmolRt {
    fn drop(&mut self) {
        drop(self.stop.take());
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}
