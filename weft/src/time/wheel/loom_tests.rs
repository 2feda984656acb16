//! Loom models of the entry protocol: the driver firing a shard races the owner resetting
//! or dropping its timer.
