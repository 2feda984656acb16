//! How a worker sleeps: on the shared driver if no other worker holds it, else on its own
//! condition variable.
//!
//! Waking a halted vCPU costs tens of microseconds on these machines, which argues for spinning
//! before blocking. Measured here it loses: with the `block_on` thread and two workers on two
//! cores, a worker spinning 20 µs before it parks made a main-thread/worker ping-pong 5×
//! slower (it takes the core the other side needs), so workers block at once.

use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::{Arc, Condvar, Mutex};
use crate::runtime::driver::{self, Driver};
use std::time::Duration;

const EMPTY: usize = 0;
const PARKED_CONDVAR: usize = 1;
const PARKED_DRIVER: usize = 2;
const NOTIFIED: usize = 3;

pub(super) struct Parker {
    inner: Arc<Inner>,
}

#[derive(Clone)]
pub(super) struct Unparker {
    inner: Arc<Inner>,
}

struct Inner {
    state: AtomicUsize,
    mutex: Mutex<()>,
    condvar: Condvar,
    shared: Arc<Shared>,
}

/// The driver, shared by all workers: whoever parks first takes it.
pub(super) struct Shared {
    driver: Mutex<Driver>,
}

impl Shared {
    pub(super) fn new(driver: Driver) -> Arc<Shared> {
        Arc::new(Shared {
            driver: Mutex::new(driver),
        })
    }
}

impl Parker {
    pub(super) fn new(shared: Arc<Shared>) -> Parker {
        Parker {
            inner: Arc::new(Inner {
                state: AtomicUsize::new(EMPTY),
                mutex: Mutex::new(()),
                condvar: Condvar::new(),
                shared,
            }),
        }
    }

    pub(super) fn unpark(&self) -> Unparker {
        Unparker {
            inner: self.inner.clone(),
        }
    }

    /// Blocks until unparked (or an I/O event or timer, when holding the driver).
    pub(super) fn park(&mut self, handle: &driver::Handle) {
        self.inner.park(handle, None);
    }

    /// Polls the driver without blocking if it is free; returns at once otherwise.
    pub(super) fn park_timeout(&mut self, handle: &driver::Handle, dur: Duration) {
        self.inner.park(handle, Some(dur));
    }

    /// Shuts the driver down (at runtime shutdown, from the last worker).
    pub(super) fn shutdown(&mut self, handle: &driver::Handle) {
        self.inner.shared.driver.lock().shutdown(handle);
        self.inner.condvar.notify_all();
    }
}

impl Unparker {
    pub(super) fn unpark(&self, handle: &driver::Handle) {
        match self.inner.state.swap(NOTIFIED, SeqCst) {
            EMPTY | NOTIFIED => {}
            PARKED_CONDVAR => {
                // Take the lock so the parker is either before its re-check or inside `wait`.
                drop(self.inner.mutex.lock());
                self.inner.condvar.notify_one();
            }
            PARKED_DRIVER => handle.unpark(),
            actual => panic!("inconsistent worker park state: {actual}"),
        }
    }
}

impl Inner {
    fn consume_notification(&self) -> bool {
        self.state
            .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
            .is_ok()
    }

    fn park(&self, handle: &driver::Handle, timeout: Option<Duration>) {
        if self.consume_notification() {
            return;
        }
        if let Some(mut driver) = self.shared.driver.try_lock() {
            self.park_driver(&mut driver, handle, timeout);
        } else if timeout != Some(Duration::ZERO) {
            self.park_condvar(timeout);
        }
    }

    fn park_driver(&self, driver: &mut Driver, handle: &driver::Handle, timeout: Option<Duration>) {
        match self
            .state
            .compare_exchange(EMPTY, PARKED_DRIVER, SeqCst, SeqCst)
        {
            Ok(_) => {}
            Err(NOTIFIED) => {
                self.state.swap(EMPTY, SeqCst);
                return;
            }
            Err(actual) => panic!("inconsistent worker park state: {actual}"),
        }
        match timeout {
            Some(dur) => driver.park_timeout(handle, dur),
            None => driver.park(handle),
        }
        // Consume a notification that arrived while parked (its wake-up was the driver's).
        self.state.swap(EMPTY, SeqCst);
    }

    fn park_condvar(&self, timeout: Option<Duration>) {
        let mut guard = self.mutex.lock();
        match self
            .state
            .compare_exchange(EMPTY, PARKED_CONDVAR, SeqCst, SeqCst)
        {
            Ok(_) => {}
            Err(NOTIFIED) => {
                self.state.swap(EMPTY, SeqCst);
                return;
            }
            Err(actual) => panic!("inconsistent worker park state: {actual}"),
        }
        match timeout {
            None => loop {
                guard = self.condvar.wait(guard);
                if self.consume_notification() {
                    return;
                }
            },
            Some(dur) => {
                let _guard = self.condvar.wait_timeout(guard, dur);
                self.state.swap(EMPTY, SeqCst);
            }
        }
    }
}
