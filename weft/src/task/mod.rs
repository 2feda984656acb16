//! Asynchronous tasks: spawning, joining, yielding, task-local values.
