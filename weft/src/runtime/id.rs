//! Runtime ids.

use std::fmt;
use std::num::NonZeroU64;

/// An opaque id that is unique among all runtimes of the process, for as long as it runs.
///
/// Two handles return the same id exactly when they belong to the same runtime.
///
/// ```
/// let rt1 = weft::runtime::Builder::new_current_thread().build().unwrap();
/// let rt2 = weft::runtime::Builder::new_current_thread().build().unwrap();
/// assert_eq!(rt1.handle().id(), rt1.handle().clone().id());
/// assert_ne!(rt1.handle().id(), rt2.handle().id());
/// println!("runtime {}", rt1.handle().id());
/// ```
#[derive(Clone, Copy, Debug, Hash, Eq, PartialEq)]
pub struct Id(NonZeroU64);

impl Id {
    pub(crate) fn new(id: u64) -> Id {
        Id(NonZeroU64::new(id).expect("runtime ids start at 1"))
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
