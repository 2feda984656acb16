//! The event log: every event of a simulation is folded into one 64-bit hash (so two runs can
//! be compared bit for bit), and the most recent ones are kept to explain a failure.

use std::collections::VecDeque;
use std::fmt;
use std::time::Duration;

/// How many events (other than task polls) a failure report shows.
const TAIL: usize = 64;

/// Who an event happened to: a host's index, or `NONE` for the network and the harness.
pub(crate) const NONE: u32 = u32::MAX;

#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Start,
    /// A task of the host was polled (the host's n-th spawned task).
    Poll(u64),
    Done,
    Failed(String),
    Crash,
    Restart,
    User(String),
    Partition(u32),
    Repair(u32),
    /// A network event: what (`net::Log`), a connection or socket number, a byte count.
    Net(&'static str, u64, u64),
}

#[derive(Debug, Clone)]
pub(crate) struct Event {
    pub(crate) at: Duration,
    pub(crate) host: u32,
    pub(crate) kind: Kind,
}

#[derive(Debug)]
pub(crate) struct Log {
    hash: u64,
    count: u64,
    tail: VecDeque<Event>,
}

impl Log {
    pub(crate) fn new() -> Log {
        Log {
            hash: 0xcbf2_9ce4_8422_2325,
            count: 0,
            tail: VecDeque::with_capacity(TAIL),
        }
    }

    fn mix(&mut self, word: u64) {
        // Not cryptographic; only needs to make two different event sequences differ.
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn mix_str(&mut self, s: &str) {
        for chunk in s.as_bytes().chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.mix(u64::from_le_bytes(word));
        }
        self.mix(s.len() as u64);
    }

    pub(crate) fn record(&mut self, at: Duration, host: u32, kind: Kind) {
        self.count += 1;
        self.mix(at.as_nanos() as u64);
        self.mix(u64::from(host));
        match &kind {
            Kind::Start => self.mix(1),
            Kind::Poll(task) => {
                self.mix(2);
                self.mix(*task);
                // Polls are most of the events and say little to a reader: hashed, not kept.
                return;
            }
            Kind::Done => self.mix(3),
            Kind::Failed(msg) => {
                self.mix(4);
                self.mix_str(msg);
            }
            Kind::Crash => self.mix(5),
            Kind::Restart => self.mix(6),
            Kind::User(msg) => {
                self.mix(7);
                self.mix_str(msg);
            }
            Kind::Partition(other) => {
                self.mix(8);
                self.mix(u64::from(*other));
            }
            Kind::Repair(other) => {
                self.mix(9);
                self.mix(u64::from(*other));
            }
            Kind::Net(what, id, n) => {
                self.mix(10);
                self.mix_str(what);
                self.mix(*id);
                self.mix(*n);
            }
        }
        if self.tail.len() == TAIL {
            self.tail.pop_front();
        }
        self.tail.push_back(Event { at, host, kind });
    }

    pub(crate) fn hash(&self) -> u64 {
        self.hash
    }

    pub(crate) fn count(&self) -> u64 {
        self.count
    }

    /// The kept events, oldest first, with host indices turned into names by `name`.
    pub(crate) fn tail(&self, name: impl Fn(u32) -> String) -> Vec<String> {
        self.tail
            .iter()
            .map(|e| {
                let who = if e.host == NONE {
                    "-".to_string()
                } else {
                    name(e.host)
                };
                format!("{:>12?} {who}: {}", e.at, Show(&e.kind, &name))
            })
            .collect()
    }
}

struct Show<'a, F>(&'a Kind, &'a F);

impl<F: Fn(u32) -> String> fmt::Display for Show<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Kind::Start => f.write_str("start"),
            Kind::Poll(t) => write!(f, "poll task {t}"),
            Kind::Done => f.write_str("done"),
            Kind::Failed(msg) => write!(f, "failed: {msg}"),
            Kind::Crash => f.write_str("crash"),
            Kind::Restart => f.write_str("restart"),
            Kind::User(msg) => write!(f, "log: {msg}"),
            Kind::Partition(o) => write!(f, "partition from {}", (self.1)(*o)),
            Kind::Repair(o) => write!(f, "repair link to {}", (self.1)(*o)),
            Kind::Net(what, id, n) => write!(f, "{what} #{id} ({n})"),
        }
    }
}
