//! `select!`, `join!`, `try_join!` and `pin!`, and what their expansions need.
//!
//! The macros are `#[macro_export]`ed, so they live at the crate root (`weft::select!`). Their
//! expansions reach helpers through `$crate::macros::support`, which is public only so that
//! the expansions in users' crates can name it; it is not part of weft's API.

mod join;
mod maybe_done;
mod pin;
mod select;
mod try_join;

#[doc(hidden)]
pub mod support;
