//! An intrusive doubly linked list.
//!
//! Nodes live inside other structures (a task header, a waiter inside a pinned future, a timer
//! entry inside a `Sleep`), so adding to and removing from a list allocates nothing and removal
//! is O(1). The list itself is not synchronised: every user keeps it behind a lock (or on one
//! thread) and guarantees that a node stays at a fixed address while it is linked.

use std::cell::UnsafeCell;
use std::fmt;
use std::marker::{PhantomData, PhantomPinned};
use std::ptr::NonNull;

/// How a list reaches the [`Pointers`] inside its nodes.
///
/// # Safety
///
/// `pointers` must return the pointers embedded in `target`, the same ones every time, and
/// `from_raw(as_raw(h))` must give back a handle equivalent to `h`. A node must not move or be
/// freed while it is linked.
pub(crate) unsafe trait Link {
    /// The owning handle a node is pushed and popped as (for example `Task`, or `NonNull<W>`
    /// for nodes owned elsewhere).
    type Handle;
    /// The node type that embeds the pointers.
    type Target;

    /// Gives up the handle's ownership as a raw node pointer.
    fn as_raw(handle: &Self::Handle) -> NonNull<Self::Target>;

    /// Recreates the handle from a node pointer produced by [`as_raw`](Self::as_raw).
    ///
    /// # Safety
    /// `ptr` came from `as_raw` of a handle whose ownership was passed to the list.
    unsafe fn from_raw(ptr: NonNull<Self::Target>) -> Self::Handle;

    /// The pointers embedded in the node.
    ///
    /// # Safety
    /// `target` points at a live node.
    unsafe fn pointers(target: NonNull<Self::Target>) -> NonNull<Pointers<Self::Target>>;
}

/// The list: a head and a tail, nothing else.
pub(crate) struct LinkedList<L: Link> {
    head: Option<NonNull<L::Target>>,
    tail: Option<NonNull<L::Target>>,
    _marker: PhantomData<*const L>,
}

// SAFETY: the list only holds pointers to nodes it owns through handles; sending the list sends
// those handles, which is sound when the nodes themselves may be sent.
unsafe impl<L: Link> Send for LinkedList<L> where L::Target: Send {}
// SAFETY: a shared list gives no access to nodes except through `&mut self` methods.
unsafe impl<L: Link> Sync for LinkedList<L> where L::Target: Sync {}

/// The previous/next pointers embedded in a node.
pub(crate) struct Pointers<T> {
    inner: UnsafeCell<PointersInner<T>>,
}

struct PointersInner<T> {
    prev: Option<NonNull<T>>,
    next: Option<NonNull<T>>,
    /// A linked node must not move, so nodes are `!Unpin`.
    _pin: PhantomPinned,
}

// SAFETY: the pointers are only touched by the list's owner under its lock.
unsafe impl<T: Send> Send for Pointers<T> {}
// SAFETY: as above; a shared `Pointers` is only read or written by the list's lock holder.
unsafe impl<T: Sync> Sync for Pointers<T> {}

impl<T> Pointers<T> {
    /// Unlinked pointers.
    pub(crate) const fn new() -> Pointers<T> {
        Pointers {
            inner: UnsafeCell::new(PointersInner {
                prev: None,
                next: None,
                _pin: PhantomPinned,
            }),
        }
    }

    fn prev(&self) -> Option<NonNull<T>> {
        // SAFETY: the list's owner has exclusive access to linked nodes' pointers.
        unsafe { (*self.inner.get()).prev }
    }

    fn next(&self) -> Option<NonNull<T>> {
        // SAFETY: as in `prev`.
        unsafe { (*self.inner.get()).next }
    }

    fn set_prev(&self, prev: Option<NonNull<T>>) {
        // SAFETY: as in `prev`.
        unsafe { (*self.inner.get()).prev = prev }
    }

    fn set_next(&self, next: Option<NonNull<T>>) {
        // SAFETY: as in `prev`.
        unsafe { (*self.inner.get()).next = next }
    }
}

impl<T> fmt::Debug for Pointers<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pointers")
            .field("prev", &self.prev())
            .field("next", &self.next())
            .finish()
    }
}

/// Reads the pointers of a node.
///
/// # Safety
/// `node` is live and belongs to the caller's list (or is about to be linked into it).
unsafe fn ptrs<'a, L: Link>(node: NonNull<L::Target>) -> &'a Pointers<L::Target> {
    // SAFETY: the caller guarantees the node is live; `L::pointers` gives its embedded pointers.
    unsafe { L::pointers(node).as_ref() }
}

impl<L: Link> LinkedList<L> {
    /// An empty list.
    pub(crate) const fn new() -> Self {
        LinkedList {
            head: None,
            tail: None,
            _marker: PhantomData,
        }
    }

    /// Whether the list has no nodes.
    pub(crate) fn is_empty(&self) -> bool {
        self.head.is_none()
    }

    /// Links a node at the front.
    pub(crate) fn push_front(&mut self, handle: L::Handle) {
        let node = L::as_raw(&handle);
        std::mem::forget(handle);
        assert_ne!(self.head, Some(node), "node pushed twice");
        // SAFETY: the handle kept the node alive and we now own it; it is not in any list.
        unsafe {
            let p = ptrs::<L>(node);
            p.set_next(self.head);
            p.set_prev(None);
            if let Some(head) = self.head {
                ptrs::<L>(head).set_prev(Some(node));
            }
        }
        self.head = Some(node);
        if self.tail.is_none() {
            self.tail = Some(node);
        }
    }

    /// Links a node at the back.
    pub(crate) fn push_back(&mut self, handle: L::Handle) {
        let node = L::as_raw(&handle);
        std::mem::forget(handle);
        assert_ne!(self.tail, Some(node), "node pushed twice");
        // SAFETY: as in `push_front`.
        unsafe {
            let p = ptrs::<L>(node);
            p.set_prev(self.tail);
            p.set_next(None);
            if let Some(tail) = self.tail {
                ptrs::<L>(tail).set_next(Some(node));
            }
        }
        self.tail = Some(node);
        if self.head.is_none() {
            self.head = Some(node);
        }
    }

    /// Unlinks and returns the front node.
    pub(crate) fn pop_front(&mut self) -> Option<L::Handle> {
        let head = self.head?;
        // SAFETY: `head` is linked in this list, so it is live and ours to unlink.
        unsafe { self.remove(head) }
    }

    /// Unlinks and returns the back node.
    pub(crate) fn pop_back(&mut self) -> Option<L::Handle> {
        let tail = self.tail?;
        // SAFETY: `tail` is linked in this list, so it is live and ours to unlink.
        unsafe { self.remove(tail) }
    }

    /// The front node, still linked.
    pub(crate) fn front(&self) -> Option<NonNull<L::Target>> {
        self.head
    }

    /// The back node, still linked.
    pub(crate) fn back(&self) -> Option<NonNull<L::Target>> {
        self.tail
    }

    /// Unlinks `node` if it is in this list, and returns its handle; `None` if it is not linked
    /// here (already removed, or never pushed).
    ///
    /// # Safety
    /// `node` is live, and is either in this list or in no list at all.
    pub(crate) unsafe fn remove(&mut self, node: NonNull<L::Target>) -> Option<L::Handle> {
        // SAFETY: the caller guarantees `node` is live; its neighbours are live nodes of this list.
        unsafe {
            let p = ptrs::<L>(node);
            match p.prev() {
                Some(prev) => ptrs::<L>(prev).set_next(p.next()),
                None => {
                    if self.head != Some(node) {
                        return None;
                    }
                    self.head = p.next();
                }
            }
            match p.next() {
                Some(next) => ptrs::<L>(next).set_prev(p.prev()),
                None => {
                    debug_assert_eq!(self.tail, Some(node));
                    self.tail = p.prev();
                }
            }
            p.set_prev(None);
            p.set_next(None);
            Some(L::from_raw(node))
        }
    }

    /// Whether `node` is linked in this list (O(1): checks its neighbours and the head).
    ///
    /// # Safety
    /// `node` is live, and is either in this list or in no list at all.
    pub(crate) unsafe fn contains(&self, node: NonNull<L::Target>) -> bool {
        // SAFETY: the caller guarantees `node` is live.
        let p = unsafe { ptrs::<L>(node) };
        p.prev().is_some() || self.head == Some(node)
    }

    /// Visits every node from front to back without unlinking it.
    pub(crate) fn for_each(&self, mut f: impl FnMut(NonNull<L::Target>)) {
        let mut cur = self.head;
        while let Some(node) = cur {
            // SAFETY: every node reachable from `head` is linked here, hence live.
            cur = unsafe { ptrs::<L>(node).next() };
            f(node);
        }
    }
}

impl<L: Link> Default for LinkedList<L> {
    fn default() -> Self {
        Self::new()
    }
}

impl<L: Link> fmt::Debug for LinkedList<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LinkedList")
            .field("head", &self.head)
            .field("tail", &self.tail)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::pin::Pin;

    #[derive(Debug)]
    struct Entry {
        pointers: Pointers<Entry>,
        value: i32,
    }

    struct EntryLink;

    // SAFETY: `pointers` returns the embedded field; handles are plain pointers to pinned entries.
    unsafe impl Link for EntryLink {
        type Handle = NonNull<Entry>;
        type Target = Entry;
        fn as_raw(handle: &NonNull<Entry>) -> NonNull<Entry> {
            *handle
        }
        unsafe fn from_raw(ptr: NonNull<Entry>) -> NonNull<Entry> {
            ptr
        }
        unsafe fn pointers(target: NonNull<Entry>) -> NonNull<Pointers<Entry>> {
            // SAFETY: `target` is live; we only form a pointer to its field.
            unsafe { NonNull::new_unchecked(std::ptr::addr_of_mut!((*target.as_ptr()).pointers)) }
        }
    }

    fn entry(value: i32) -> Pin<Box<Entry>> {
        Box::pin(Entry {
            pointers: Pointers::new(),
            value,
        })
    }

    fn ptr(e: &Pin<Box<Entry>>) -> NonNull<Entry> {
        NonNull::from(&**e)
    }

    fn values(list: &LinkedList<EntryLink>) -> Vec<i32> {
        let mut out = vec![];
        // SAFETY: every linked entry outlives the list in these tests.
        list.for_each(|n| out.push(unsafe { n.as_ref().value }));
        out
    }

    #[test]
    fn push_pop_both_ends() {
        let (a, b, c) = (entry(1), entry(2), entry(3));
        let mut list = LinkedList::<EntryLink>::new();
        assert!(list.is_empty());
        list.push_back(ptr(&a));
        list.push_back(ptr(&b));
        list.push_front(ptr(&c));
        assert_eq!(values(&list), vec![3, 1, 2]);
        assert_eq!(list.pop_front(), Some(ptr(&c)));
        assert_eq!(list.pop_back(), Some(ptr(&b)));
        assert_eq!(list.pop_back(), Some(ptr(&a)));
        assert_eq!(list.pop_back(), None);
        assert!(list.is_empty());
    }

    #[test]
    fn remove_middle_and_absent() {
        let (a, b, c, d) = (entry(1), entry(2), entry(3), entry(4));
        let mut list = LinkedList::<EntryLink>::new();
        for e in [&a, &b, &c] {
            list.push_back(ptr(e));
        }
        // SAFETY: all entries are live and in this list or in none.
        unsafe {
            assert!(list.contains(ptr(&b)));
            assert_eq!(list.remove(ptr(&b)), Some(ptr(&b)));
            assert!(!list.contains(ptr(&b)));
            assert_eq!(list.remove(ptr(&b)), None);
            assert_eq!(list.remove(ptr(&d)), None);
        }
        assert_eq!(values(&list), vec![1, 3]);
        // SAFETY: as above.
        unsafe {
            assert_eq!(list.remove(ptr(&a)), Some(ptr(&a)));
            assert_eq!(list.remove(ptr(&c)), Some(ptr(&c)));
        }
        assert!(list.is_empty());
        assert_eq!(list.front(), None);
        assert_eq!(list.back(), None);
    }
}
