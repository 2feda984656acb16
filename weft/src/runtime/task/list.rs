//! `OwnedTasks`: every live task of a scheduler, so shutdown can cancel them all.
//!
//! Sharded by task id: spawns and completions on different workers rarely take the same lock.

use super::cell::Header;
use super::{new_task, JoinHandle, Notified, Schedule, Task};
use crate::loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use crate::loom::sync::Mutex;
use crate::util::linked_list::{Link, LinkedList, Pointers};
use std::future::Future;
use std::marker::PhantomData;
use std::ptr::NonNull;

pub(crate) struct OwnedTasks<S: 'static> {
    shards: Box<[Mutex<LinkedList<TaskLink<S>>>]>,
    closed: AtomicBool,
    count: AtomicUsize,
    /// Tasks ever bound, per shard, written under that shard's lock (for the metrics).
    spawned: Box<[std::sync::atomic::AtomicU64]>,
}

struct TaskLink<S>(PhantomData<S>);

// SAFETY: `pointers` returns the `owned` field embedded in the header; handles are `Task`s whose
// reference keeps the cell alive while linked.
unsafe impl<S: 'static> Link for TaskLink<S> {
    type Handle = Task<S>;
    type Target = Header;

    fn as_raw(handle: &Task<S>) -> NonNull<Header> {
        handle.header_ptr()
    }

    unsafe fn from_raw(ptr: NonNull<Header>) -> Task<S> {
        // SAFETY: the list held this task's reference since `as_raw`.
        unsafe { Task::from_raw(super::RawTask::from_raw(ptr)) }
    }

    unsafe fn pointers(target: NonNull<Header>) -> NonNull<Pointers<Header>> {
        // SAFETY: `target` is live; this forms a pointer to its field without a reference.
        unsafe { NonNull::new_unchecked(std::ptr::addr_of_mut!((*target.as_ptr()).owned)) }
    }
}

impl<S: Schedule> OwnedTasks<S> {
    pub(crate) fn new(shards: usize) -> OwnedTasks<S> {
        let shards = shards.next_power_of_two();
        OwnedTasks {
            shards: (0..shards).map(|_| Mutex::new(LinkedList::new())).collect(),
            closed: AtomicBool::new(false),
            count: AtomicUsize::new(0),
            spawned: (0..shards)
                .map(|_| std::sync::atomic::AtomicU64::new(0))
                .collect(),
        }
    }

    /// Tasks bound since the start (including ones cancelled at once by a closed list).
    pub(crate) fn spawned(&self) -> u64 {
        self.spawned
            .iter()
            .map(|n| n.load(std::sync::atomic::Ordering::Relaxed))
            .sum()
    }

    fn shard(&self, id: u64) -> &Mutex<LinkedList<TaskLink<S>>> {
        &self.shards[id as usize & (self.shards.len() - 1)]
    }

    /// Creates a `Send` task owned by this list. Returns its handle and, unless the list is
    /// closed (then the task was cancelled at once), the `Notified` to schedule.
    pub(crate) fn bind<T>(
        &self,
        future: T,
        scheduler: S,
        spawn: super::SpawnInfo,
    ) -> (JoinHandle<T::Output>, Option<Notified<S>>)
    where
        T: Future + Send + 'static,
        T::Output: Send + 'static,
    {
        self.bind_inner(future, scheduler, spawn)
    }

    /// As `bind`, for a `!Send` future.
    #[allow(dead_code)] // for LocalSet
    ///
    /// # Safety
    /// The scheduler `S` only polls, drops and schedules the task on the thread that owns it.
    pub(crate) unsafe fn bind_local<T>(
        &self,
        future: T,
        scheduler: S,
        spawn: super::SpawnInfo,
    ) -> (JoinHandle<T::Output>, Option<Notified<S>>)
    where
        T: Future + 'static,
        T::Output: 'static,
    {
        self.bind_inner(future, scheduler, spawn)
    }

    fn bind_inner<T>(
        &self,
        future: T,
        scheduler: S,
        spawn: super::SpawnInfo,
    ) -> (JoinHandle<T::Output>, Option<Notified<S>>)
    where
        T: Future + 'static,
    {
        let id = spawn.id;
        let (task, notified, join) = new_task(future, scheduler, spawn);
        let index = id.as_u64() as usize & (self.shards.len() - 1);
        let mut shard = self.shards[index].lock();
        let spawned = &self.spawned[index];
        // Under the shard's lock: a load and a store suffice.
        spawned.store(
            spawned.load(std::sync::atomic::Ordering::Relaxed) + 1,
            std::sync::atomic::Ordering::Relaxed,
        );
        // Read under the shard lock: `close_and_shutdown_all` sets the flag before it drains
        // each shard, so a task is either rejected here or drained there.
        if self.closed.load(Ordering::Acquire) {
            drop(shard);
            drop(notified);
            task.shutdown();
            return (join, None);
        }
        shard.push_front(task);
        self.count.fetch_add(1, Ordering::Relaxed);
        (join, Some(notified))
    }

    /// Removes a completed task; returns the list's reference if it was still linked.
    pub(crate) fn remove(&self, task: &Task<S>) -> Option<Task<S>> {
        let mut shard = self.shard(task.id().as_u64()).lock();
        // SAFETY: the task is live (the caller holds it) and is in this list or in none.
        let removed = unsafe { shard.remove(task.header_ptr()) };
        if removed.is_some() {
            self.count.fetch_sub(1, Ordering::Relaxed);
        }
        removed
    }

    /// Refuses new tasks and cancels every task in the list. Tasks running on other threads
    /// are only marked; they cancel themselves when their poll returns.
    pub(crate) fn close_and_shutdown_all(&self) {
        self.closed.store(true, Ordering::Release);
        for shard in self.shards.iter() {
            loop {
                let task = shard.lock().pop_back();
                match task {
                    Some(task) => {
                        self.count.fetch_sub(1, Ordering::Relaxed);
                        task.shutdown();
                    }
                    None => break,
                }
            }
        }
    }

    /// Calls `f` with every task in the list, one shard at a time under that shard's lock
    /// (so each header stays alive while `f` reads it). Never polls or touches a future.
    pub(crate) fn for_each_header(&self, mut f: impl FnMut(&Header)) {
        for shard in self.shards.iter() {
            let shard = shard.lock();
            shard.for_each(|ptr| {
                // SAFETY: linked tasks hold the list's reference, and the shard lock keeps
                // them linked while we look.
                f(unsafe { ptr.as_ref() })
            });
        }
    }

    /// Calls `f` with the task whose header is at `ptr`, if it is in the list (under the
    /// shard lock, so the header is alive while `f` runs). `ptr` may dangle: it is only
    /// compared, never followed, unless found.
    pub(crate) fn with_header<R>(
        &self,
        ptr: *const Header,
        f: impl FnOnce(&Header) -> R,
    ) -> Option<R> {
        let mut f = Some(f);
        let mut out = None;
        for shard in self.shards.iter() {
            let shard = shard.lock();
            shard.for_each(|p| {
                if std::ptr::eq(p.as_ptr(), ptr) {
                    if let Some(f) = f.take() {
                        // SAFETY: found in the list, under its lock: live.
                        out = Some(f(unsafe { p.as_ref() }));
                    }
                }
            });
            if out.is_some() {
                break;
            }
        }
        out
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.count.load(Ordering::Relaxed) == 0
    }

    pub(crate) fn len(&self) -> usize {
        self.count.load(Ordering::Relaxed)
    }
}

impl<S> std::fmt::Debug for OwnedTasks<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OwnedTasks")
            .field("len", &self.count.load(Ordering::Relaxed))
            .field("closed", &self.closed.load(Ordering::Relaxed))
            .finish()
    }
}
