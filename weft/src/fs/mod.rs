//! Asynchronous file system operations (io_uring on Linux, the blocking pool elsewhere).
