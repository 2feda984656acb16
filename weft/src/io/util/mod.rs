//! I/O utilities: the extension traits and the adapters built on the core traits.

#[allow(unsafe_code)]
mod pin;
pub(crate) use pin::pin_as_deref_mut;
