//! Synchronisation primitives for async code: channels and locks.
