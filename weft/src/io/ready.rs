//! [`Ready`]: the readiness state an I/O resource reported.

use std::fmt;
use std::ops;

const READABLE: u8 = 0b0000_0001;
const WRITABLE: u8 = 0b0000_0010;
const READ_CLOSED: u8 = 0b0000_0100;
const WRITE_CLOSED: u8 = 0b0000_1000;
const PRIORITY: u8 = 0b0001_0000;
const ERROR: u8 = 0b0010_0000;
const ALL_BITS: u8 = READABLE | WRITABLE | READ_CLOSED | WRITE_CLOSED | PRIORITY | ERROR;

/// A set of readiness events an I/O resource reported.
///
/// ```
/// use weft::io::Ready;
///
/// let ready = Ready::READABLE | Ready::READ_CLOSED;
/// assert!(ready.is_readable());
/// assert!(ready.is_read_closed());
/// assert!(!ready.is_writable());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ready(u8);

impl Ready {
    /// No readiness.
    pub const EMPTY: Ready = Ready(0);
    /// Readable.
    pub const READABLE: Ready = Ready(READABLE);
    /// Writable.
    pub const WRITABLE: Ready = Ready(WRITABLE);
    /// The read half is closed (the peer shut down its writing side).
    pub const READ_CLOSED: Ready = Ready(READ_CLOSED);
    /// The write half is closed.
    pub const WRITE_CLOSED: Ready = Ready(WRITE_CLOSED);
    /// Priority (out-of-band) data is available.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub const PRIORITY: Ready = Ready(PRIORITY);
    /// An error is pending on the resource.
    pub const ERROR: Ready = Ready(ERROR);
    /// Every readiness state.
    pub const ALL: Ready = Ready(ALL_BITS);

    /// Converts a mio event into readiness.
    pub(crate) fn from_mio(event: &mio::event::Event) -> Ready {
        let mut bits = 0;
        if event.is_readable() {
            bits |= READABLE;
        }
        if event.is_writable() {
            bits |= WRITABLE;
        }
        if event.is_read_closed() {
            bits |= READ_CLOSED;
        }
        if event.is_write_closed() {
            bits |= WRITE_CLOSED;
        }
        if event.is_error() {
            bits |= ERROR;
        }
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if event.is_priority() {
            bits |= PRIORITY;
        }
        Ready(bits)
    }

    pub(crate) const fn from_bits(bits: u8) -> Ready {
        Ready(bits & ALL_BITS)
    }

    pub(crate) const fn bits(self) -> u8 {
        self.0
    }

    /// Whether nothing is ready.
    ///
    /// ```
    /// use weft::io::Ready;
    /// assert!(Ready::EMPTY.is_empty());
    /// assert!(!Ready::READABLE.is_empty());
    /// ```
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether the set includes readable readiness.
    ///
    /// ```
    /// use weft::io::Ready;
    /// assert!(Ready::READABLE.is_readable());
    /// assert!(!Ready::WRITABLE.is_readable());
    /// ```
    pub fn is_readable(self) -> bool {
        self.0 & READABLE != 0
    }

    /// Whether the set includes writable readiness.
    ///
    /// ```
    /// use weft::io::Ready;
    /// assert!(Ready::WRITABLE.is_writable());
    /// assert!(!Ready::READABLE.is_writable());
    /// ```
    pub fn is_writable(self) -> bool {
        self.0 & WRITABLE != 0
    }

    /// Whether the set includes read-closed readiness.
    ///
    /// ```
    /// use weft::io::Ready;
    /// assert!(Ready::READ_CLOSED.is_read_closed());
    /// assert!(!Ready::READABLE.is_read_closed());
    /// ```
    pub fn is_read_closed(self) -> bool {
        self.0 & READ_CLOSED != 0
    }

    /// Whether the set includes write-closed readiness.
    ///
    /// ```
    /// use weft::io::Ready;
    /// assert!(Ready::WRITE_CLOSED.is_write_closed());
    /// assert!(!Ready::WRITABLE.is_write_closed());
    /// ```
    pub fn is_write_closed(self) -> bool {
        self.0 & WRITE_CLOSED != 0
    }

    /// Whether the set includes priority readiness.
    ///
    /// ```
    /// use weft::io::Ready;
    /// assert!(Ready::PRIORITY.is_priority());
    /// assert!(!Ready::READABLE.is_priority());
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn is_priority(self) -> bool {
        self.0 & PRIORITY != 0
    }

    /// Whether the set includes error readiness.
    ///
    /// ```
    /// use weft::io::Ready;
    /// assert!(Ready::ERROR.is_error());
    /// assert!(!Ready::READABLE.is_error());
    /// ```
    pub fn is_error(self) -> bool {
        self.0 & ERROR != 0
    }

    /// The part of the set that final (closed) states do not make up: clearing readiness
    /// never removes a closed state, because a closed half never reopens.
    pub(crate) fn without_closed(self) -> Ready {
        Ready(self.0 & !(READ_CLOSED | WRITE_CLOSED))
    }

    pub(crate) fn intersection(self, other: Ready) -> Ready {
        Ready(self.0 & other.0)
    }
}

impl ops::BitOr for Ready {
    type Output = Ready;

    #[inline]
    fn bitor(self, other: Ready) -> Ready {
        Ready(self.0 | other.0)
    }
}

impl ops::BitOrAssign for Ready {
    #[inline]
    fn bitor_assign(&mut self, other: Ready) {
        self.0 |= other.0;
    }
}

impl ops::BitAnd for Ready {
    type Output = Ready;

    #[inline]
    fn bitand(self, other: Ready) -> Ready {
        Ready(self.0 & other.0)
    }
}

impl ops::Sub for Ready {
    type Output = Ready;

    #[inline]
    fn sub(self, other: Ready) -> Ready {
        Ready(self.0 & !other.0)
    }
}

impl fmt::Debug for Ready {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ready")
            .field("is_readable", &self.is_readable())
            .field("is_writable", &self.is_writable())
            .field("is_read_closed", &self.is_read_closed())
            .field("is_write_closed", &self.is_write_closed())
            .field("is_priority", &(self.0 & PRIORITY != 0))
            .field("is_error", &self.is_error())
            .finish()
    }
}
