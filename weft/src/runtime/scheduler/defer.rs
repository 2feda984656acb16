//! Wakers deferred until after the scheduler polled its driver (see `context::defer`).

use std::cell::RefCell;
use std::task::Waker;

#[derive(Debug, Default)]
pub(crate) struct Defer {
    deferred: RefCell<Vec<Waker>>,
}

impl Defer {
    pub(crate) fn new() -> Defer {
        Defer::default()
    }

    pub(crate) fn defer(&self, waker: &Waker) {
        let mut deferred = self.deferred.borrow_mut();
        // A task that yields in a loop defers the same waker over and over.
        if let Some(last) = deferred.last() {
            if last.will_wake(waker) {
                return;
            }
        }
        deferred.push(waker.clone());
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.deferred.borrow().is_empty()
    }

    pub(crate) fn wake(&self) {
        // Take the list first: waking may defer again (and must not see a borrowed RefCell).
        loop {
            let wakers = std::mem::take(&mut *self.deferred.borrow_mut());
            if wakers.is_empty() {
                return;
            }
            for waker in wakers {
                waker.wake();
            }
        }
    }
}
