//! `JoinError`: why a task produced no output.

use super::Id;
use std::any::Any;
use std::fmt;
use std::io;

/// A task failed to run to completion: it was cancelled, or it panicked.
///
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let err = weft::spawn(async { panic!("boom") }).await.unwrap_err();
/// assert!(err.is_panic());
/// let payload = err.into_panic();
/// assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));
/// # });
/// ```
pub struct JoinError {
    repr: Repr,
    id: Id,
}

/// The stored failure, without the id (which the cell already holds).
pub(crate) enum Repr {
    Cancelled,
    Panic(SyncPayload),
}

/// A panic payload that may be shared across threads because nothing reads it through `&self`
/// except its type id and, for the two `Sync` message types (`&str`, `String`), the message.
/// Boxed twice so the failure fits in one word of the task cell.
pub(crate) struct SyncPayload(Box<Box<dyn Any + Send + 'static>>);

// SAFETY: through `&SyncPayload` only `type_id` (which reads no data) and `downcast_ref` to
// `&'static str` / `String` (both `Sync`) are ever called; the payload itself is handed out only
// by value.
unsafe impl Sync for SyncPayload {}

impl SyncPayload {
    pub(crate) fn new(payload: Box<dyn Any + Send + 'static>) -> SyncPayload {
        SyncPayload(Box::new(payload))
    }

    fn message(&self) -> Option<&str> {
        let p = &*self.0;
        p.downcast_ref::<&'static str>()
            .copied()
            .or_else(|| p.downcast_ref::<String>().map(|s| s.as_str()))
    }
}

impl JoinError {
    pub(crate) fn from_repr(repr: Repr, id: Id) -> JoinError {
        JoinError { repr, id }
    }

    /// Whether the task was cancelled (aborted, or dropped at runtime shutdown).
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let handle = weft::spawn(std::future::pending::<()>());
    /// handle.abort();
    /// assert!(handle.await.unwrap_err().is_cancelled());
    /// # });
    /// ```
    pub fn is_cancelled(&self) -> bool {
        matches!(self.repr, Repr::Cancelled)
    }

    /// Whether the task panicked.
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let err = weft::spawn(async { panic!() }).await.unwrap_err();
    /// assert!(err.is_panic());
    /// # });
    /// ```
    pub fn is_panic(&self) -> bool {
        matches!(self.repr, Repr::Panic(_))
    }

    /// The panic payload.
    ///
    /// # Panics
    /// If the error is not a panic (use [`try_into_panic`](Self::try_into_panic) to check).
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let err = weft::spawn(async { std::panic::panic_any(7u32) }).await.unwrap_err();
    /// assert_eq!(*err.into_panic().downcast::<u32>().unwrap(), 7);
    /// # });
    /// ```
    #[track_caller]
    pub fn into_panic(self) -> Box<dyn Any + Send + 'static> {
        self.try_into_panic()
            .expect("`JoinError::into_panic` called on a task that was cancelled, not panicked")
    }

    /// The panic payload, or the error back if it is not a panic.
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let handle = weft::spawn(std::future::pending::<()>());
    /// handle.abort();
    /// let err = handle.await.unwrap_err();
    /// assert!(err.try_into_panic().is_err());
    /// # });
    /// ```
    pub fn try_into_panic(self) -> Result<Box<dyn Any + Send + 'static>, JoinError> {
        match self.repr {
            Repr::Panic(p) => Ok(*p.0),
            Repr::Cancelled => Err(self),
        }
    }

    /// The id of the task that failed.
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let handle = weft::spawn(async { panic!() });
    /// let id = handle.id();
    /// assert_eq!(handle.await.unwrap_err().id(), id);
    /// # });
    /// ```
    pub fn id(&self) -> Id {
        self.id
    }

    fn panic_message(&self) -> Option<&str> {
        match &self.repr {
            Repr::Panic(p) => p.message(),
            Repr::Cancelled => None,
        }
    }
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.repr, self.panic_message()) {
            (Repr::Cancelled, _) => write!(f, "task {} was cancelled", self.id),
            (Repr::Panic(_), Some(msg)) => {
                write!(f, "task {} panicked with message {msg:?}", self.id)
            }
            (Repr::Panic(_), None) => write!(f, "task {} panicked", self.id),
        }
    }
}

impl fmt::Debug for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.repr, self.panic_message()) {
            (Repr::Cancelled, _) => write!(f, "JoinError::Cancelled({:?})", self.id),
            (Repr::Panic(_), Some(msg)) => {
                write!(f, "JoinError::Panic({:?}, {msg:?}, ...)", self.id)
            }
            (Repr::Panic(_), None) => write!(f, "JoinError::Panic({:?}, ...)", self.id),
        }
    }
}

impl std::error::Error for JoinError {}

impl From<JoinError> for io::Error {
    fn from(src: JoinError) -> io::Error {
        io::Error::other(src.to_string())
    }
}
