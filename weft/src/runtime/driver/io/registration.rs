//! A resource's registration with the reactor: its slot, plus the readiness protocol every
//! weft I/O type is built on (`poll_ready` → syscall → on `WouldBlock` `clear_readiness`).

use super::scheduled_io::{gone, Direction, ReadyEvent, ScheduledIo};
use super::Handle;
use crate::io::Interest;
use crate::runtime::coop;
use std::future::poll_fn;
use std::io;
use std::task::{ready, Context, Poll};

/// Owns one readiness slot while the resource is registered; releases it on drop. The mio
/// source itself is deregistered by its owner (see `PollEvented`), which must happen
/// before the slot is released.
pub(crate) struct Registration {
    handle: Handle,
    index: usize,
}

impl Registration {
    pub(crate) fn new_with_interest_and_handle(
        source: &mut impl mio::event::Source,
        interest: Interest,
        handle: Handle,
    ) -> io::Result<Registration> {
        let (index, _generation) = handle.add_source(source, interest.to_mio())?;
        Ok(Registration { handle, index })
    }

    /// Removes `source` from the reactor's interest list; the slot stays until drop.
    pub(crate) fn deregister(&self, source: &mut impl mio::event::Source) -> io::Result<()> {
        self.handle.deregister_source(source)
    }

    fn slot(&self) -> &ScheduledIo {
        self.handle.slot(self.index)
    }

    pub(crate) fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<ReadyEvent>> {
        self.poll_ready(cx, Direction::Read)
    }

    pub(crate) fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<ReadyEvent>> {
        self.poll_ready(cx, Direction::Write)
    }

    /// Waits (single waiter per direction) for readiness; spends one unit of coop budget.
    pub(crate) fn poll_ready(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
    ) -> Poll<io::Result<ReadyEvent>> {
        let mut coop = ready!(coop::poll_proceed(cx));
        let event = ready!(self.slot().poll_ready(cx, direction));
        if event.is_shutdown {
            return Poll::Ready(Err(gone()));
        }
        coop.made_progress();
        Poll::Ready(Ok(event))
    }

    pub(crate) fn clear_readiness(&self, event: ReadyEvent) {
        self.slot().clear_readiness(event);
    }

    /// Marks the resource ready without waiting for the driver's first event (see
    /// `ScheduledIo::assume_ready`): accepted sockets are read and written at once, as on
    /// tokio, instead of after a reactor round trip that under load queues behind every
    /// established connection's events.
    pub(crate) fn assume_ready(&self, ready: crate::io::Ready) {
        self.slot().assume_ready(ready);
    }

    /// Runs `f` whenever `direction` is ready until it does not return `WouldBlock`.
    pub(crate) fn poll_io<R>(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
        mut f: impl FnMut() -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        loop {
            let event = ready!(self.poll_ready(cx, direction))?;
            match f() {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.clear_readiness(event),
                res => return Poll::Ready(res),
            }
        }
    }

    /// Runs `f` once if the reactor last reported readiness matching `interest`; returns
    /// `WouldBlock` (clearing the readiness) otherwise.
    pub(crate) fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce() -> io::Result<R>,
    ) -> io::Result<R> {
        let event = self.slot().ready_event(interest.mask());
        if event.is_shutdown {
            return Err(gone());
        }
        if event.ready.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let res = f();
        if let Err(e) = &res {
            if e.kind() == io::ErrorKind::WouldBlock {
                self.clear_readiness(event);
            }
        }
        res
    }

    /// Clears `event` and has the reactor report the same readiness again after `delay`:
    /// the caller waits instead of retrying an operation that failed for a reason no
    /// readiness event will announce the end of (a listener out of file descriptors).
    pub(crate) fn defer_readiness(&self, event: ReadyEvent, delay: std::time::Duration) {
        self.clear_readiness(event);
        self.handle
            .defer(self.index, event.ready.without_closed(), delay);
    }

    /// Waits until readiness matching `interest` is set; any number of callers may wait at
    /// once. Cancel safe. Spends no coop budget, as in tokio: `ready`/`readable`/`writable`
    /// only report readiness (a task polling them in a loop without doing I/O must still see
    /// them complete); the I/O itself (`async_io`, `poll_*`) is what is budgeted.
    pub(crate) async fn readiness(&self, interest: Interest) -> io::Result<ReadyEvent> {
        let event = self.slot().readiness(interest).await;
        if event.is_shutdown {
            return Err(gone());
        }
        Ok(event)
    }

    /// `readiness` then `f`, repeated until `f` does not return `WouldBlock`. Spends one unit
    /// of coop budget per completed operation.
    pub(crate) async fn async_io<R>(
        &self,
        interest: Interest,
        mut f: impl FnMut() -> io::Result<R>,
    ) -> io::Result<R> {
        loop {
            let event = self.readiness(interest).await?;
            let mut coop = poll_fn(coop::poll_proceed).await;
            match f() {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.clear_readiness(event),
                res => {
                    coop.made_progress();
                    return res;
                }
            }
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.handle.release(self.index);
    }
}

impl std::fmt::Debug for Registration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registration")
            .field("index", &self.index)
            .field("slot", self.slot())
            .finish()
    }
}
