//! [`Interest`]: which readiness events a caller wants to wait for.

use crate::io::ready::Ready;
use std::fmt;
use std::ops;

// Bit values match `Ready`'s so converting between the two is cheap.
const READABLE: u8 = 0b0000_0001;
const WRITABLE: u8 = 0b0000_0010;
const PRIORITY: u8 = 0b0001_0000;
const ERROR: u8 = 0b0010_0000;

/// Readiness event interest: the events a caller wants to wait for on an I/O resource.
///
/// Combine interests with `|`.
///
/// ```
/// use weft::io::Interest;
///
/// let both = Interest::READABLE | Interest::WRITABLE;
/// assert!(both.is_readable() && both.is_writable());
/// ```
#[derive(Clone, Copy, Eq, PartialEq, Hash)]
pub struct Interest(u8);

impl Interest {
    /// Interest in readable events; includes read-closed events.
    pub const READABLE: Interest = Interest(READABLE);

    /// Interest in writable events; includes write-closed events.
    pub const WRITABLE: Interest = Interest(WRITABLE);

    /// Interest in error events. What counts as an error event is platform specific
    /// (`EPOLLERR` on Linux).
    pub const ERROR: Interest = Interest(ERROR);

    /// Interest in priority (out-of-band) data, `EPOLLPRI` on Linux.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub const PRIORITY: Interest = Interest(PRIORITY);

    /// Whether the set includes readable interest.
    ///
    /// ```
    /// use weft::io::Interest;
    /// assert!(Interest::READABLE.is_readable());
    /// assert!(!Interest::WRITABLE.is_readable());
    /// ```
    pub const fn is_readable(self) -> bool {
        self.0 & READABLE != 0
    }

    /// Whether the set includes writable interest.
    ///
    /// ```
    /// use weft::io::Interest;
    /// assert!(Interest::WRITABLE.is_writable());
    /// assert!(!Interest::READABLE.is_writable());
    /// ```
    pub const fn is_writable(self) -> bool {
        self.0 & WRITABLE != 0
    }

    /// Whether the set includes error interest.
    ///
    /// ```
    /// use weft::io::Interest;
    /// assert!(Interest::ERROR.is_error());
    /// assert!(!Interest::READABLE.is_error());
    /// ```
    pub const fn is_error(self) -> bool {
        self.0 & ERROR != 0
    }

    /// Whether the set includes priority interest.
    ///
    /// ```
    /// use weft::io::Interest;
    /// assert!(Interest::PRIORITY.is_priority());
    /// assert!(!Interest::READABLE.is_priority());
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub const fn is_priority(self) -> bool {
        self.0 & PRIORITY != 0
    }

    /// Adds two interests together (a `const` form of `|`).
    ///
    /// ```
    /// use weft::io::Interest;
    /// const BOTH: Interest = Interest::READABLE.add(Interest::WRITABLE);
    /// assert!(BOTH.is_readable() && BOTH.is_writable());
    /// ```
    #[must_use = "this returns the result of the operation, without modifying the original"]
    pub const fn add(self, other: Interest) -> Interest {
        Interest(self.0 | other.0)
    }

    /// Removes `other` from the set; `None` if nothing would be left (an empty interest is
    /// not a valid interest).
    ///
    /// ```
    /// use weft::io::Interest;
    /// let both = Interest::READABLE | Interest::WRITABLE;
    /// assert_eq!(both.remove(Interest::READABLE), Some(Interest::WRITABLE));
    /// assert_eq!(Interest::READABLE.remove(Interest::READABLE), None);
    /// ```
    #[must_use = "this returns the result of the operation, without modifying the original"]
    pub fn remove(self, other: Interest) -> Option<Interest> {
        let left = self.0 & !other.0;
        (left != 0).then_some(Interest(left))
    }

    /// The interest as mio sees it. mio has no error interest (errors are always reported),
    /// so an error-only interest registers for readable events.
    pub(crate) fn to_mio(self) -> mio::Interest {
        let mut mio: Option<mio::Interest> = None;
        let mut add = |i: mio::Interest| {
            mio = Some(match mio {
                Some(m) => m.add(i),
                None => i,
            })
        };
        if self.is_readable() {
            add(mio::Interest::READABLE);
        }
        if self.is_writable() {
            add(mio::Interest::WRITABLE);
        }
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if self.is_priority() {
            add(mio::Interest::PRIORITY);
        }
        mio.unwrap_or(mio::Interest::READABLE)
    }

    /// The readiness bits that satisfy this interest.
    pub(crate) fn mask(self) -> Ready {
        let mut ready = Ready::EMPTY;
        if self.is_readable() {
            ready |= Ready::READABLE | Ready::READ_CLOSED;
        }
        if self.is_writable() {
            ready |= Ready::WRITABLE | Ready::WRITE_CLOSED;
        }
        if self.0 & PRIORITY != 0 {
            ready |= Ready::PRIORITY | Ready::READ_CLOSED;
        }
        if self.is_error() {
            ready |= Ready::ERROR;
        }
        ready
    }
}

impl ops::BitOr for Interest {
    type Output = Interest;

    #[inline]
    fn bitor(self, other: Interest) -> Interest {
        self.add(other)
    }
}

impl ops::BitOrAssign for Interest {
    #[inline]
    fn bitor_assign(&mut self, other: Interest) {
        *self = *self | other;
    }
}

impl fmt::Debug for Interest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = [
            (READABLE, "READABLE"),
            (WRITABLE, "WRITABLE"),
            (PRIORITY, "PRIORITY"),
            (ERROR, "ERROR"),
        ];
        let mut first = true;
        for (bit, name) in names {
            if self.0 & bit != 0 {
                if !first {
                    f.write_str(" | ")?;
                }
                f.write_str(name)?;
                first = false;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_include_closed_states() {
        assert!(Interest::READABLE.mask().is_read_closed());
        assert!(!Interest::READABLE.mask().is_write_closed());
        assert!(Interest::WRITABLE.mask().is_write_closed());
        assert_eq!(Interest::ERROR.mask(), Ready::ERROR);
        assert_eq!(
            format!("{:?}", Interest::READABLE | Interest::ERROR),
            "READABLE | ERROR"
        );
        assert_eq!(Interest::ERROR.to_mio(), mio::Interest::READABLE);
    }
}
