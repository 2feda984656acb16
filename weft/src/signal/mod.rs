//! Asynchronous signal handling.
