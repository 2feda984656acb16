//! Timers: sleeps, timeouts and intervals.
