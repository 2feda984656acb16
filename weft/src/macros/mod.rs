//! `select!`, `join!`, `try_join!` and `pin!`.
