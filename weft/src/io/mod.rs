//! Asynchronous I/O traits, utilities and the reactor.
