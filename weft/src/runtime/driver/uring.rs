//! Completion-based file I/O over io_uring (Linux): the fast path of [`File`](super::File).
//!
//! Each runtime owns at most one [`Ring`], created on the first file operation that wants it
//! (see `runtime::current::uring`) and dropped with the runtime. Creating it probes the kernel:
//! `ENOSYS` (no io_uring), `EPERM` (forbidden, e.g. by seccomp or
//! `kernel.io_uring_disabled`), a missing opcode or a kernel without "read/write at the
//! current position" all leave the runtime without a ring, and `File` uses the blocking pool.
//!
//! The ring's fd is registered with the reactor: the kernel makes it readable when
//! completions are queued, so a parked worker wakes for them like for any socket. Reads served
//! from the page cache usually complete inside the submitting `io_uring_enter`, and the
//! submitter finds the result in the completion queue at once, without a trip through the
//! reactor.
//!
//! Each operation owns its buffer and an `Arc` of its file. If its future is dropped while
//! the kernel still works on it, both move into the operation's slot (and a cancellation is
//! requested); they are freed only when the completion arrives, so the kernel never writes
//! into freed memory and the descriptor is never closed (and its number reused) under it.
//!
//! The reactor wakes only the last task that polled the ring's readiness, so whichever
//! operation finishes (or is dropped) hands that role to another waiting operation by waking
//! it; that task re-registers and reaps the next completions for everyone.

use super::io::{self as io_driver, Registration};
use super::Spawn;
use crate::io::Interest;
use crate::loom::sync::Mutex;
use crate::runtime::coop;
use io_uring::{opcode, register::Probe, types, IoUring};
use std::any::Any;
use std::fs::File as StdFile;
use std::future::Future;
use std::io;
use std::os::unix::io::{AsRawFd, RawFd};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll, Waker};

/// Submission queue depth (the completion queue is twice as deep).
const ENTRIES: u32 = 256;

/// `user_data` of cancellation requests, whose own completions are ignored.
const CANCEL_TAG: u64 = u64::MAX;

/// The offset that means "at the file's cursor, and move it" (`IORING_FEAT_RW_CUR_POS`).
const AT_CURSOR: u64 = u64::MAX;

pub(crate) struct Ring {
    /// Keeps the ring's fd on the reactor's interest list; deregistered in `Drop`.
    registration: Registration,
    inner: Mutex<Inner>,
    stats: Arc<Stats>,
    /// Starts the reaper task on the runtime that owns this ring.
    spawn: Spawn,
}

/// Entries handed to the kernel and completions taken back, for the runtime metrics:
/// written under the ring's lock (load and store), read from anywhere.
#[derive(Default, Debug)]
pub(crate) struct Stats {
    pub(crate) submitted: std::sync::atomic::AtomicU64,
    pub(crate) completed: std::sync::atomic::AtomicU64,
}

fn bump(counter: &std::sync::atomic::AtomicU64, n: u64) {
    use std::sync::atomic::Ordering::Relaxed;
    counter.store(counter.load(Relaxed) + n, Relaxed);
}

struct Inner {
    uring: IoUring,
    slots: Vec<Slot>,
    free: Vec<usize>,
    /// Bumped per submission and put in the high half of `user_data`, so a late cancellation
    /// can never hit a later operation that reuses the slot.
    generation: u32,
    /// A task reaps abandoned operations (see `Ring::watch_abandoned`).
    reaper_running: bool,
    /// That task's waker while it waits for the ring fd.
    reaper: Option<Waker>,
    stats: Arc<Stats>,
}

enum Slot {
    Free,
    /// In flight; the waker of the task that last polled it.
    Waiting(Option<Waker>),
    /// The kernel's result (a byte count, or a negated errno).
    Done(i32),
    /// In flight, its future dropped: its `user_data`, and what the kernel uses, kept alive
    /// until the completion.
    Abandoned(u64, #[allow(dead_code)] Box<dyn Any + Send>),
}

impl Ring {
    /// Sets up a ring if this kernel (and its seccomp policy) allows io_uring and supports
    /// every opcode used here; the error says what is missing.
    pub(crate) fn new(reactor: &io_driver::Handle, spawn: Spawn) -> io::Result<Ring> {
        let uring = IoUring::builder().dontfork().build(ENTRIES)?;
        if !uring.params().is_feature_rw_cur_pos() {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "io_uring cannot read or write at the file cursor (kernel older than 5.6)",
            ));
        }
        let mut probe = Probe::new();
        uring.submitter().register_probe(&mut probe)?;
        for (code, name) in [
            (opcode::Read::CODE, "READ"),
            (opcode::Write::CODE, "WRITE"),
            (opcode::Fsync::CODE, "FSYNC"),
            (opcode::AsyncCancel::CODE, "ASYNC_CANCEL"),
        ] {
            if !probe.is_supported(code) {
                return Err(io::Error::new(
                    io::ErrorKind::Unsupported,
                    format!("io_uring lacks IORING_OP_{name}"),
                ));
            }
        }
        let fd = uring.as_raw_fd();
        let registration = Registration::new_with_interest_and_handle(
            &mut mio::unix::SourceFd(&fd),
            Interest::READABLE,
            reactor.clone(),
        )?;
        let stats = Arc::new(Stats::default());
        Ok(Ring {
            registration,
            stats: stats.clone(),
            spawn,
            inner: Mutex::new(Inner {
                stats,
                uring,
                slots: Vec::new(),
                free: Vec::new(),
                generation: 0,
                reaper_running: false,
                reaper: None,
            }),
        })
    }

    /// Submission and completion counts (for the runtime metrics).
    pub(crate) fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Reads up to `len` bytes into `buf[..len]` (`buf.len() >= len`), at `offset` like
    /// `pread(2)`, or at the file's cursor (moving it) like `read(2)` when `offset` is `None`.
    pub(crate) fn read(
        self: &Arc<Self>,
        file: Arc<StdFile>,
        mut buf: Vec<u8>,
        len: usize,
        offset: Option<u64>,
    ) -> Op {
        let dst = &mut buf[..len];
        let entry = opcode::Read::new(types::Fd(file.as_raw_fd()), dst.as_mut_ptr(), len as u32)
            .offset(offset.unwrap_or(AT_CURSOR))
            .build();
        self.submit(entry, file, buf, true)
    }

    /// Writes `buf[start..start + len]`, at `offset` like `pwrite(2)`, or at the file's cursor
    /// (moving it) like `write(2)` when `offset` is `None`.
    pub(crate) fn write(
        self: &Arc<Self>,
        file: Arc<StdFile>,
        buf: Vec<u8>,
        start: usize,
        len: usize,
        offset: Option<u64>,
    ) -> Op {
        let src = &buf[start..start + len];
        let entry = opcode::Write::new(types::Fd(file.as_raw_fd()), src.as_ptr(), len as u32)
            .offset(offset.unwrap_or(AT_CURSOR))
            .build();
        self.submit(entry, file, buf, false)
    }

    /// `fsync(2)`, or `fdatasync(2)` when `data_only`.
    pub(crate) fn fsync(self: &Arc<Self>, file: Arc<StdFile>, data_only: bool) -> Op {
        let flags = if data_only {
            types::FsyncFlags::DATASYNC
        } else {
            types::FsyncFlags::empty()
        };
        let entry = opcode::Fsync::new(types::Fd(file.as_raw_fd()))
            .flags(flags)
            .build();
        self.submit(entry, file, Vec::new(), false)
    }

    fn submit(
        self: &Arc<Self>,
        entry: io_uring::squeue::Entry,
        file: Arc<StdFile>,
        buf: Vec<u8>,
        cancel_on_drop: bool,
    ) -> Op {
        let mut inner = self.inner.lock();
        let index = match inner.free.pop() {
            Some(i) => {
                inner.slots[i] = Slot::Waiting(None);
                i
            }
            None => {
                inner.slots.push(Slot::Waiting(None));
                inner.slots.len() - 1
            }
        };
        inner.generation = inner.generation.wrapping_add(1);
        let tag = (u64::from(inner.generation) << 32) | index as u64;
        let entry = entry.user_data(tag);
        // SAFETY: the entry points into `buf`'s heap memory (which does not move when the Vec
        // is moved) and at `file`'s descriptor. Both go into the returned `Op`, and if it is
        // dropped before the completion, into `Slot::Abandoned`; a slot is freed only after
        // its completion is reaped, and `Ring`'s drop waits for every completion (or leaks
        // what it cannot wait for). So both outlive the kernel's use of them.
        let res = unsafe { inner.push(&entry) }.and_then(|()| inner.submit());
        let (index, err) = match res {
            Ok(()) => (Some(index), None),
            Err(e) => {
                // Not submitted: the kernel holds no reference, the slot can go.
                inner.slots[index] = Slot::Free;
                inner.free.push(index);
                (None, Some(e))
            }
        };
        Op {
            ring: Arc::clone(self),
            index,
            tag,
            cancel_on_drop,
            data: Some((file, buf)),
            err,
        }
    }

    /// Makes sure abandoned operations are reaped when they complete, even if no other
    /// operation is waiting: until then they keep their file open. A task of the current
    /// runtime watches the ring fd while any are left; outside a runtime the next operation
    /// or the ring's drop reaps them.
    fn watch_abandoned(self: &Arc<Self>) {
        let mut inner = self.inner.lock();
        if inner.reaper_running {
            return;
        }
        inner.reaper_running = true;
        drop(inner);
        let mut guard = ReaperGuard {
            ring: Arc::clone(self),
            finished: false,
        };
        let reaper = Box::pin(std::future::poll_fn(move |cx| {
            let poll = guard.ring.poll_reap_abandoned(cx);
            guard.finished = poll.is_ready();
            poll
        }));
        if !(self.spawn)(reaper) {
            self.inner.lock().reaper_running = false;
        }
    }

    fn poll_reap_abandoned(&self, cx: &mut Context<'_>) -> Poll<()> {
        loop {
            {
                let mut inner = self.inner.lock();
                inner.reap();
                if !inner.slots.iter().any(|s| matches!(s, Slot::Abandoned(..))) {
                    inner.reaper_running = false;
                    inner.reaper = None;
                    return Poll::Ready(());
                }
                inner.reaper = Some(cx.waker().clone());
            }
            match self.registration.poll_read_ready(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Ok(event)) => self.registration.clear_readiness(event),
                // Runtime shutting down: the ring's drop waits for what is left.
                Poll::Ready(Err(_)) => {
                    self.forget_reaper();
                    return Poll::Ready(());
                }
            }
        }
    }

    /// Drops the reaper's waker. The waker holds the reaper task, the task holds the
    /// runtime's handle, and the handle holds this ring: kept past the reaper's end, it would
    /// leak the whole runtime (AddressSanitizer caught it when shutdown cancelled a waiting
    /// reaper).
    fn forget_reaper(&self) {
        let mut inner = self.inner.lock();
        inner.reaper = None;
        inner.reaper_running = false;
    }
}

/// The reaper task's hold on the ring; if the task is dropped before it finished (the runtime
/// shut down and cancelled it), the ring forgets the task's waker.
struct ReaperGuard {
    ring: Arc<Ring>,
    finished: bool,
}

impl Drop for ReaperGuard {
    fn drop(&mut self) {
        if !self.finished {
            self.ring.forget_reaper();
        }
    }
}

impl Inner {
    /// Queues `entry`, handing what is already queued to the kernel if the queue is full.
    ///
    /// # Safety
    /// Whatever `entry` points at must stay valid until its completion is reaped.
    unsafe fn push(&mut self, entry: &io_uring::squeue::Entry) -> io::Result<()> {
        loop {
            // SAFETY: forwarded to the caller.
            if unsafe { self.uring.submission().push(entry) }.is_ok() {
                bump(&self.stats.submitted, 1);
                return Ok(());
            }
            self.submit()?;
        }
    }

    /// Hands the queued entries to the kernel. Buffered reads and writes that the page cache
    /// can serve complete during this call.
    fn submit(&mut self) -> io::Result<()> {
        loop {
            match self.uring.submit() {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                // The completion queue is full: the entries stay queued and the next submit
                // (after a reap) takes them.
                Err(e) if e.raw_os_error() == Some(libc::EBUSY) => return Ok(()),
                res => return res.map(|_| ()),
            }
        }
    }

    /// Takes every queued completion: records results, wakes their tasks, frees abandoned
    /// operations' buffers.
    fn reap(&mut self) {
        let mut cq = self.uring.completion();
        cq.sync();
        bump(&self.stats.completed, cq.len() as u64);
        for cqe in cq {
            if cqe.user_data() == CANCEL_TAG {
                continue;
            }
            let index = (cqe.user_data() & u64::from(u32::MAX)) as usize;
            match std::mem::replace(&mut self.slots[index], Slot::Free) {
                Slot::Waiting(waker) => {
                    self.slots[index] = Slot::Done(cqe.result());
                    if let Some(w) = waker {
                        w.wake();
                    }
                }
                Slot::Abandoned(..) => self.free.push(index),
                other => self.slots[index] = other,
            }
        }
        // Entries left queued by a full completion queue go now that it has room.
        if !self.uring.submission().is_empty() {
            let _ = self.submit();
        }
    }

    /// Asks the kernel to cancel the operation tagged `tag` (best effort: a read from a regular file
    /// usually finishes anyway). Without it, a read from a pipe nobody writes to would keep
    /// its buffer, its descriptor and the ring's drop waiting forever.
    fn cancel(&mut self, tag: u64) {
        let entry = opcode::AsyncCancel::new(tag).build().user_data(CANCEL_TAG);
        // SAFETY: a cancellation points at no memory; it names the operation by `user_data`.
        if unsafe { self.push(&entry) }.is_ok() {
            let _ = self.submit();
        }
    }

    /// Wakes one waiting operation (or else the reaper task) so that it takes over watching
    /// the ring fd.
    fn hand_off(&mut self) {
        for slot in &mut self.slots {
            if let Slot::Waiting(w @ Some(_)) = slot {
                w.take().expect("checked").wake();
                return;
            }
        }
        if let Some(w) = self.reaper.take() {
            w.wake();
        }
    }

    fn in_flight(&self) -> usize {
        self.slots
            .iter()
            .filter(|s| matches!(s, Slot::Waiting(_) | Slot::Abandoned(..)))
            .count()
    }
}

impl std::fmt::Debug for Ring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ring").finish_non_exhaustive()
    }
}

impl Drop for Ring {
    fn drop(&mut self) {
        let fd: RawFd = self.inner.lock().uring.as_raw_fd();
        let _ = self.registration.deregister(&mut mio::unix::SourceFd(&fd));
        // Every `Op` holds an `Arc<Ring>`, so only abandoned operations can be in flight. The
        // kernel may still be writing into their buffers: cancel them and wait for every
        // completion before the slots (and the buffers in them) are freed.
        let mut inner = self.inner.lock();
        let abandoned: Vec<u64> = inner
            .slots
            .iter()
            .filter_map(|s| match s {
                Slot::Abandoned(tag, _) => Some(*tag),
                _ => None,
            })
            .collect();
        for tag in abandoned {
            inner.cancel(tag);
        }
        loop {
            inner.reap();
            if inner.in_flight() == 0 {
                return;
            }
            match inner.uring.submit_and_wait(1) {
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        // The kernel would not let us wait: leak the buffers rather than free memory it may
        // still write to.
        std::mem::forget(std::mem::take(&mut inner.slots));
    }
}

/// One operation in flight; resolves to its result and its buffer.
pub(crate) struct Op {
    ring: Arc<Ring>,
    /// `None` once finished (or if submission failed).
    index: Option<usize>,
    /// The `user_data` the kernel knows it by.
    tag: u64,
    /// Reads are cancelled when dropped (nobody wants their bytes); writes are not (a
    /// dropped write still lands, see `File`).
    cancel_on_drop: bool,
    data: Option<(Arc<StdFile>, Vec<u8>)>,
    err: Option<io::Error>,
}

impl Future for Op {
    /// The kernel's result (bytes moved) and the buffer, which is not resized.
    type Output = (io::Result<usize>, Vec<u8>);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let me = &mut *self;
        let Some(index) = me.index else {
            let (_, buf) = me.data.take().expect("Op polled after completion");
            let err = me
                .err
                .take()
                .unwrap_or_else(|| io::Error::other("io_uring operation failed"));
            return Poll::Ready((Err(err), buf));
        };
        // Page-cache reads complete without ever returning Pending: the budget makes a task
        // that reads a file in a loop still yield to others.
        let mut coop = ready!(coop::poll_proceed(cx));
        loop {
            {
                let mut inner = me.ring.inner.lock();
                // Reading the completion queue is a look at shared memory, no system call.
                if matches!(inner.slots[index], Slot::Waiting(_)) {
                    inner.reap();
                }
                match &mut inner.slots[index] {
                    Slot::Done(result) => {
                        let result = *result;
                        inner.slots[index] = Slot::Free;
                        inner.free.push(index);
                        inner.hand_off();
                        drop(inner);
                        me.index = None;
                        let (_, buf) = me.data.take().expect("Op data present while in flight");
                        let res = if result < 0 {
                            Err(io::Error::from_raw_os_error(-result))
                        } else {
                            Ok(result as usize)
                        };
                        coop.made_progress();
                        return Poll::Ready((res, buf));
                    }
                    Slot::Waiting(waker) => match waker {
                        Some(w) if w.will_wake(cx.waker()) => {}
                        _ => *waker = Some(cx.waker().clone()),
                    },
                    Slot::Free | Slot::Abandoned(..) => {
                        unreachable!("Op's slot reused while in flight")
                    }
                }
            }
            match me.ring.registration.poll_read_ready(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Ok(event)) => {
                    // Clear first, then drain: a completion queued after the drain sets the
                    // readiness again, so none is missed.
                    me.ring.registration.clear_readiness(event);
                    me.ring.inner.lock().reap();
                }
                Poll::Ready(Err(e)) => {
                    // The reactor is gone (runtime shutting down): the operation stays in
                    // flight; its buffer moves to the slot when this `Op` is dropped.
                    return Poll::Ready((Err(e), Vec::new()));
                }
            }
        }
    }
}

impl Drop for Op {
    fn drop(&mut self) {
        let Some(index) = self.index.take() else {
            return;
        };
        let mut inner = self.ring.inner.lock();
        match &inner.slots[index] {
            Slot::Done(_) => {
                inner.slots[index] = Slot::Free;
                inner.free.push(index);
            }
            _ => {
                let data: Box<dyn Any + Send> = Box::new(self.data.take());
                inner.slots[index] = Slot::Abandoned(self.tag, data);
                if self.cancel_on_drop {
                    inner.cancel(self.tag);
                }
                inner.hand_off();
                drop(inner);
                self.ring.watch_abandoned();
                return;
            }
        }
        inner.hand_off();
    }
}

#[cfg(test)]
#[path = "uring_tests.rs"]
mod tests;
