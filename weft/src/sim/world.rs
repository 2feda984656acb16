//! The state of one simulation: its hosts, the event log, the seeded generator and the
//! network, under one lock (everything runs on one thread; the lock only makes the sockets
//! `Send`, as the program under test expects). Wakers and aborts are collected under the lock
//! and run after it is released, so a woken or dropped task may lock it again.

use super::host::{self, Current, HostTask};
use super::log::{Kind, Log, NONE};
use super::net::Net;
use super::Config;
use crate::task::AbortHandle;
use crate::time::Instant;
use crate::util::rand::FastRand;
use std::collections::BTreeSet;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

/// What a host or client future returns.
pub(crate) type BoxResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;
pub(crate) type BoxFuture = Pin<Box<dyn Future<Output = BoxResult> + Send>>;
pub(crate) type Factory = Arc<dyn Fn() -> BoxFuture + Send + Sync>;

#[derive(Debug)]
pub(crate) struct World {
    inner: Mutex<Inner>,
}

pub(crate) struct Inner {
    pub(crate) seed: u64,
    pub(crate) config: Config,
    /// Virtual time zero.
    pub(crate) start: Instant,
    pub(crate) hosts: Vec<Host>,
    pub(crate) log: Log,
    pub(crate) rng: FastRand,
    /// Unordered host pairs (smaller index first) that cannot reach each other.
    pub(crate) partitions: BTreeSet<(u32, u32)>,
    pub(crate) net: Net,
    clients_left: usize,
    /// The `Sim::run` future, woken when a client finishes or something fails.
    pub(crate) done_waker: Option<Waker>,
    pub(crate) failure: Option<String>,
}

pub(crate) struct Host {
    pub(crate) name: String,
    pub(crate) ip: IpAddr,
    /// Bumped by every crash; tasks and sockets of an older generation are dead.
    pub(crate) gen: u64,
    pub(crate) up: bool,
    client: bool,
    next_task: u64,
    tasks: Vec<AbortHandle>,
    /// Pruned of finished tasks when `tasks` grows past this.
    prune_at: usize,
    /// Starts the host again on restart (`None` for a client).
    factory: Option<Factory>,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("sim::World")
            .field("seed", &self.seed)
            .field("hosts", &self.hosts.len())
            .finish_non_exhaustive()
    }
}

/// The address of the `index`-th host: 10.0.0.1, 10.0.0.2, … (then 10.0.1.0 and on).
fn host_ip(index: usize) -> IpAddr {
    let n = index as u32 + 1;
    IpAddr::V4(Ipv4Addr::new(10, (n >> 16) as u8, (n >> 8) as u8, n as u8))
}

impl World {
    pub(crate) fn new(seed: u64, config: Config, start: Instant) -> World {
        World {
            inner: Mutex::new(Inner {
                seed,
                net: Net::new(&config),
                config,
                start,
                hosts: Vec::new(),
                log: Log::new(),
                rng: FastRand::from_seed(mix_seed(seed, 1)),
                partitions: BTreeSet::new(),
                clients_left: 0,
                done_waker: None,
                failure: None,
            }),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds a host (or client) and starts it; must run inside the simulation's runtime.
    pub(crate) fn add_host(self: &Arc<Self>, name: &str, client: bool, factory: Factory) -> u32 {
        let first = {
            let mut w = self.lock();
            assert!(
                w.host_index(name).is_none(),
                "weft::sim: there is already a host named {name:?}"
            );
            let index = w.hosts.len();
            w.hosts.push(Host {
                name: name.to_string(),
                ip: host_ip(index),
                gen: 0,
                up: true,
                client,
                next_task: 0,
                tasks: Vec::new(),
                prune_at: 64,
                factory: (!client).then(|| factory.clone()),
            });
            if client {
                w.clients_left += 1;
            }
            index as u32
        };
        self.start_host(first, factory);
        first
    }

    fn start_host(self: &Arc<Self>, host: u32, factory: Factory) {
        let (gen, task, client) = {
            let mut w = self.lock();
            w.record(host, Kind::Start);
            let client = w.hosts[host as usize].client;
            let task = w.next_task_id(host);
            (w.hosts[host as usize].gen, task, client)
        };
        let current = Current {
            world: self.clone(),
            host,
            gen,
        };
        let world = self.clone();
        let future = factory();
        let top = async move {
            let result = CatchUnwind(future).await;
            world.top_finished(host, gen, client, result);
        };
        let join = host::without_host(|| crate::spawn(HostTask::new(current, task, top)));
        self.track(host, gen, join.abort_handle());
    }

    fn top_finished(&self, host: u32, gen: u64, client: bool, result: Result<BoxResult, String>) {
        let waker = {
            let mut w = self.lock();
            if w.hosts[host as usize].gen != gen {
                return;
            }
            let name = w.hosts[host as usize].name.clone();
            let failure = match result {
                Ok(Ok(())) => None,
                Ok(Err(e)) => Some(format!("{name} returned an error: {e}")),
                Err(panic) => Some(format!("{name} panicked: {panic}")),
            };
            match failure {
                Some(msg) => {
                    w.record(host, Kind::Failed(msg.clone()));
                    w.failure.get_or_insert(msg);
                }
                None => {
                    w.record(host, Kind::Done);
                    if client {
                        w.clients_left -= 1;
                    }
                }
            }
            w.done_waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Remembers a task of `host` so a crash can abort it.
    pub(crate) fn track(&self, host: u32, gen: u64, abort: AbortHandle) {
        let stale = {
            let mut w = self.lock();
            let h = &mut w.hosts[host as usize];
            if h.gen != gen {
                Some(abort)
            } else {
                h.tasks.push(abort);
                if h.tasks.len() >= h.prune_at {
                    h.tasks.retain(|t| !t.is_finished());
                    h.prune_at = (h.tasks.len() * 2).max(64);
                }
                None
            }
        };
        // Spawned by a task of a generation that has crashed since.
        if let Some(abort) = stale {
            abort.abort();
        }
    }

    /// Drops every task and socket of `host`; it stays down until [`World::restart`].
    pub(crate) fn crash(&self, host: u32) {
        let (tasks, wakers) = {
            let mut w = self.lock();
            let h = &mut w.hosts[host as usize];
            assert!(
                !h.client,
                "weft::sim: a client cannot crash (only hosts restart)"
            );
            if !h.up {
                return;
            }
            h.gen += 1;
            h.up = false;
            let tasks = std::mem::take(&mut h.tasks);
            h.prune_at = 64;
            w.record(host, Kind::Crash);
            let wakers = w.net_crash(host);
            (tasks, wakers)
        };
        for task in tasks {
            task.abort();
        }
        wakers.into_iter().for_each(Waker::wake);
    }

    /// Crashes `host` if it is up, then runs its start closure again.
    pub(crate) fn restart(self: &Arc<Self>, host: u32) {
        self.crash(host);
        let factory = {
            let mut w = self.lock();
            let h = &mut w.hosts[host as usize];
            h.up = true;
            let factory = h.factory.clone().expect("hosts have a factory");
            w.record(host, Kind::Restart);
            factory
        };
        self.start_host(host, factory);
    }

    pub(crate) fn set_partition(&self, a: u32, b: u32, cut: bool) {
        let wakers = {
            let mut w = self.lock();
            let key = (a.min(b), a.max(b));
            if cut {
                if w.partitions.insert(key) {
                    w.record(key.0, Kind::Partition(key.1));
                }
                Vec::new()
            } else if w.partitions.remove(&key) {
                w.record(key.0, Kind::Repair(key.1));
                w.net_repair(key)
            } else {
                Vec::new()
            }
        };
        wakers.into_iter().for_each(Waker::wake);
    }
}

impl Inner {
    pub(crate) fn now(&self) -> Duration {
        Instant::now().saturating_duration_since(self.start)
    }

    pub(crate) fn record(&mut self, host: u32, kind: Kind) {
        let at = self.now();
        self.log.record(at, host, kind);
    }

    pub(crate) fn record_net(&mut self, host: u32, what: &'static str, id: u64, n: u64) {
        self.record(host, Kind::Net(what, id, n));
    }

    pub(crate) fn next_task_id(&mut self, host: u32) -> u64 {
        let h = &mut self.hosts[host as usize];
        h.next_task += 1;
        h.next_task
    }

    pub(crate) fn host_index(&self, name: &str) -> Option<u32> {
        self.hosts
            .iter()
            .position(|h| h.name == name)
            .map(|i| i as u32)
    }

    pub(crate) fn host_by_ip(&self, ip: IpAddr) -> Option<u32> {
        self.hosts.iter().position(|h| h.ip == ip).map(|i| i as u32)
    }

    pub(crate) fn clients_left(&self) -> usize {
        self.clients_left
    }

    pub(crate) fn partitioned(&self, a: u32, b: u32) -> bool {
        !self.partitions.is_empty() && self.partitions.contains(&(a.min(b), a.max(b)))
    }

    /// A number in `0..n` from the simulation's generator.
    pub(crate) fn rand_n(&mut self, n: u64) -> u64 {
        if n <= 1 {
            return 0;
        }
        let hi = u64::from(self.rng.fastrand_n(u32::MAX));
        let lo = u64::from(self.rng.fastrand_n(u32::MAX));
        ((hi << 32) | lo) % n
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && (self.rand_n(1 << 24) as f64) < p * f64::from(1u32 << 24)
    }

    pub(crate) fn host_name(&self, host: u32) -> String {
        if host == NONE {
            return "-".into();
        }
        self.hosts[host as usize].name.clone()
    }
}

/// Catches a panic of a host's or client's start future, so the simulation can report it with
/// the seed instead of losing it in a `JoinHandle`.
struct CatchUnwind(BoxFuture);

impl Future for CatchUnwind {
    type Output = Result<BoxResult, String>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let fut = &mut self.0;
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| fut.as_mut().poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(r)) => Poll::Ready(Ok(r)),
            Err(panic) => Poll::Ready(Err(panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(a non-string panic)".into()))),
        }
    }
}

/// The `stream`-th generator seed drawn from a simulation's seed (splitmix64), so that nearby
/// seeds (0 and 1 would give `FastRand` the same state) and the scheduler's and the network's
/// streams are unrelated.
pub(crate) fn mix_seed(seed: u64, stream: u64) -> u64 {
    let mut z = seed
        .wrapping_add(stream.wrapping_mul(0x9e37_79b9_7f4a_7c15))
        .wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
