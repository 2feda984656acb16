//! Internal building blocks shared by several subsystems.

#[allow(unsafe_code, dead_code)]
pub(crate) mod linked_list;
#[allow(dead_code)]
pub(crate) mod rand;
