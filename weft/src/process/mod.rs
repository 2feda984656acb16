//! Asynchronous child processes.
