//! Loom models of the runtime's lock-free parts: the task state machine, the local run queue,
//! the injection queue, parking, and shutdown racing spawn.
//!
//! Run: `RUSTFLAGS="--cfg weft_loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p weft --release --lib loom_`

use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::{Arc, Mutex};
use crate::loom::thread;
use crate::runtime::driver::park::ParkThread;
use crate::runtime::scheduler::inject::Inject;
use crate::runtime::scheduler::multi_thread::queue;
use crate::runtime::task::list::OwnedTasks;
use crate::runtime::task::{JoinHandle, Notified, Schedule, Task};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// A scheduler that queues woken tasks for the model to run.
struct TestSched {
    queue: Mutex<VecDeque<Notified<Arc<TestSched>>>>,
    owned: OwnedTasks<Arc<TestSched>>,
}

impl TestSched {
    fn new() -> Arc<TestSched> {
        Arc::new(TestSched {
            queue: Mutex::new(VecDeque::new()),
            owned: OwnedTasks::new(1),
        })
    }

    fn drain(&self) {
        loop {
            let task = self.queue.lock().pop_front();
            match task {
                Some(t) => t.run(),
                None => return,
            }
        }
    }
}

fn spawn<F>(
    sched: &Arc<TestSched>,
    f: F,
) -> (JoinHandle<F::Output>, Option<Notified<Arc<TestSched>>>)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    sched
        .owned
        .bind(f, sched.clone(), crate::runtime::diag::SpawnInfo::here())
}

impl Schedule for Arc<TestSched> {
    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.owned.remove(task)
    }

    fn schedule(&self, task: Notified<Self>) {
        self.queue.lock().push_back(task);
    }
}

/// Pending on the first poll (publishing its waker), ready on the next; counts drops.
struct TwoPoll {
    slot: Arc<Mutex<Option<Waker>>>,
    polled: bool,
    drops: Arc<AtomicUsize>,
}

impl Future for TwoPoll {
    type Output = u32;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        if self.polled {
            return Poll::Ready(7);
        }
        self.polled = true;
        *self.slot.lock() = Some(cx.waker().clone());
        Poll::Pending
    }
}

impl Drop for TwoPoll {
    fn drop(&mut self) {
        self.drops.fetch_add(1, SeqCst);
    }
}

fn two_poll() -> (TwoPoll, Arc<Mutex<Option<Waker>>>, Arc<AtomicUsize>) {
    let slot = Arc::new(Mutex::new(None));
    let drops = Arc::new(AtomicUsize::new(0));
    (
        TwoPoll {
            slot: slot.clone(),
            polled: false,
            drops: drops.clone(),
        },
        slot,
        drops,
    )
}

fn wake_when_published(slot: &Mutex<Option<Waker>>) {
    loop {
        let waker = slot.lock().take();
        if let Some(w) = waker {
            w.wake();
            return;
        }
        thread::yield_now();
    }
}

#[test]
fn loom_task_wake_vs_poll_vs_join() {
    loom::model(|| {
        let sched = TestSched::new();
        let (fut, slot, drops) = two_poll();
        let (join, notified) = spawn(&sched, fut);
        let s1 = sched.clone();
        let runner = thread::spawn(move || {
            notified.unwrap().run();
            s1.drain();
        });
        let waker = thread::spawn(move || wake_when_published(&slot));
        let out = loom::future::block_on(async move {
            runner.join().unwrap();
            waker.join().unwrap();
            sched.drain();
            join.await
        });
        assert_eq!(out.unwrap(), 7);
        assert_eq!(drops.load(SeqCst), 1);
    });
}

#[test]
fn loom_task_abort_vs_poll() {
    loom::model(|| {
        let sched = TestSched::new();
        let (fut, slot, drops) = two_poll();
        let (join, notified) = spawn(&sched, fut);
        let abort = join.abort_handle();
        let s1 = sched.clone();
        let runner = thread::spawn(move || {
            notified.unwrap().run();
            s1.drain();
        });
        let aborter = thread::spawn(move || abort.abort());
        runner.join().unwrap();
        aborter.join().unwrap();
        sched.drain();
        // Not woken: the task either was cancelled or is still pending.
        if let Some(w) = slot.lock().take() {
            w.wake();
        }
        sched.drain();
        let out = loom::future::block_on(join);
        match out {
            Ok(v) => assert_eq!(v, 7),
            Err(e) => assert!(e.is_cancelled()),
        }
        assert_eq!(drops.load(SeqCst), 1);
    });
}

#[test]
fn loom_task_join_handle_drop_vs_complete() {
    loom::model(|| {
        let sched = TestSched::new();
        let (fut, slot, drops) = two_poll();
        let (join, notified) = spawn(&sched, fut);
        let s1 = sched.clone();
        let runner = thread::spawn(move || {
            notified.unwrap().run();
            wake_when_published(&slot);
            s1.drain();
        });
        let dropper = thread::spawn(move || drop(join));
        runner.join().unwrap();
        dropper.join().unwrap();
        sched.drain();
        assert_eq!(drops.load(SeqCst), 1);
        assert!(sched.owned.is_empty());
    });
}

#[test]
fn loom_shutdown_vs_spawn() {
    loom::model(|| {
        let sched = TestSched::new();
        let s1 = sched.clone();
        let spawner = thread::spawn(move || {
            let (fut, _slot, drops) = two_poll();
            let (join, notified) = spawn(&s1, fut);
            if let Some(n) = notified {
                s1.schedule(n);
            }
            (join, drops)
        });
        sched.owned.close_and_shutdown_all();
        let (join, drops) = spawner.join().unwrap();
        // Whatever was queued only holds references now.
        sched.queue.lock().clear();
        let out = loom::future::block_on(join);
        assert!(out.unwrap_err().is_cancelled());
        assert_eq!(drops.load(SeqCst), 1);
        assert!(sched.owned.is_empty());
    });
}

fn ready_task(sched: &Arc<TestSched>) -> Notified<Arc<TestSched>> {
    let (join, notified) = spawn(sched, async {});
    drop(join);
    notified.unwrap()
}

/// Runs every task `next` yields; returns how many.
fn run_all(mut next: impl FnMut() -> Option<Notified<Arc<TestSched>>>) -> usize {
    let mut n = 0;
    while let Some(t) = next() {
        t.run();
        n += 1;
    }
    n
}

/// A thief: steals half of `steal`'s queue into a queue of its own and runs all of it.
fn steal_and_run_all(steal: &queue::Steal<Arc<TestSched>>) -> usize {
    let (_, mut mine) = queue::local();
    let first = steal.steal_into(&mut mine).map(|t| t.run()).is_some();
    usize::from(first) + run_all(|| mine.pop())
}

#[test]
fn loom_local_queue_pop_vs_steal() {
    loom::model(|| {
        let sched = TestSched::new();
        let inject = Arc::new(Inject::new());
        let (steal, mut local) = queue::local();
        for _ in 0..3 {
            local.push_back_or_overflow(ready_task(&sched), &inject);
        }
        let thief = thread::spawn(move || steal_and_run_all(&steal));
        let mut n = run_all(|| local.pop());
        n += thief.join().unwrap();
        n += run_all(|| inject.pop());
        assert_eq!(n, 3);
        assert!(sched.owned.is_empty());
    });
}

#[test]
fn loom_local_queue_overflow_vs_steal() {
    loom::model(|| {
        let sched = TestSched::new();
        let inject = Arc::new(Inject::new());
        let (steal, mut local) = queue::local();
        // Capacity is 4 under loom: the fifth push overflows.
        for _ in 0..4 {
            local.push_back_or_overflow(ready_task(&sched), &inject);
        }
        let thief = thread::spawn(move || steal_and_run_all(&steal));
        local.push_back_or_overflow(ready_task(&sched), &inject);
        let mut n = run_all(|| local.pop());
        n += thief.join().unwrap();
        n += run_all(|| inject.pop());
        assert_eq!(n, 5);
        assert!(sched.owned.is_empty());
    });
}

#[test]
fn loom_inject_push_pop() {
    loom::model(|| {
        let sched = TestSched::new();
        let inject = Arc::new(Inject::new());
        let i2 = inject.clone();
        let t1 = ready_task(&sched);
        let t2 = ready_task(&sched);
        let pusher = thread::spawn(move || {
            i2.push(t1);
            i2.push(t2);
        });
        let mut n = 0;
        while n < 2 {
            match inject.pop() {
                Some(t) => {
                    t.run();
                    n += 1;
                }
                None => thread::yield_now(),
            }
        }
        pusher.join().unwrap();
        assert!(inject.is_empty());
        assert!(sched.owned.is_empty());
    });
}

#[test]
fn loom_park_unpark_no_lost_wakeup() {
    loom::model(|| {
        let park = ParkThread::new();
        let unpark = park.unpark();
        let flag = Arc::new(AtomicUsize::new(0));
        let f2 = flag.clone();
        let t = thread::spawn(move || {
            f2.store(1, SeqCst);
            unpark.unpark();
        });
        while flag.load(SeqCst) == 0 {
            park.park();
        }
        t.join().unwrap();
    });
}

/// The LIFO slot: the owner refills and empties it while a thief (the long-poll monitor's
/// rescue) steals from it; every task comes out exactly once (a lost or doubled swap would
/// run one twice or never, and leave the owned list non-empty).
#[test]
fn loom_lifo_slot_take_vs_steal() {
    use crate::runtime::scheduler::multi_thread::lifo::Lifo;
    loom::model(|| {
        let sched = TestSched::new();
        let lifo = Arc::new(Lifo::new());
        assert!(lifo.replace(ready_task(&sched)).is_none());
        let thief = {
            let lifo = lifo.clone();
            thread::spawn(move || run_all(|| lifo.steal()))
        };
        let mut n = 0;
        if let Some(prev) = lifo.replace(ready_task(&sched)) {
            prev.run();
            n += 1;
        }
        n += run_all(|| lifo.take());
        n += thief.join().unwrap();
        assert_eq!(n, 2);
        assert!(!lifo.is_some());
        assert!(sched.owned.is_empty());
    });
}
