//! Deterministic simulation (feature `sim`): many simulated hosts in one thread, on a seeded
//! scheduler and virtual time, so that one seed decides every ordering and a failing run can
//! be replayed exactly.
//!
//! A [`Sim`] owns a current-thread weft runtime whose clock is virtual (it starts paused and
//! jumps to the next timer whenever every task is idle: an hour of simulated sleeping takes
//! microseconds) and whose scheduler picks the next ready task with a generator seeded from
//! the simulation's seed. Hosts are named groups of tasks: everything a host's task spawns
//! with [`weft::spawn`](crate::spawn) belongs to the host too, and a crash drops all of it.
//! Every step (task polls, starts, crashes, partitions, network events, [`log`] lines) is
//! folded into one hash, printed at the end of [`Sim::run`]: the same seed gives the same hash.
//!
//! The program under test uses weft's own `time` and `spawn`; the network is
//! [`weft::sim::net`](net) (an in-memory TCP and UDP with latency, flow control, loss,
//! partitions), reached through its own types until `weft::net` routes to it inside a
//! simulated host. See `docs/simulation.md` for what is and is not simulated.
//!
//! ```
//! use std::time::Duration;
//! use weft::sim::Sim;
//!
//! let mut sim = Sim::new(7);
//! sim.host("ticker", || async {
//!     loop {
//!         weft::time::sleep(Duration::from_secs(1)).await;
//!     }
//! });
//! sim.client("waiter", async {
//!     weft::time::sleep(Duration::from_secs(3600)).await;
//!     assert_eq!(weft::sim::elapsed(), Duration::from_secs(3600));
//!     Ok(())
//! });
//! let report = sim.run().unwrap();
//! assert_eq!(report.elapsed, Duration::from_secs(3600));
//! assert_eq!(Sim::new(7).seed(), report.seed);
//! ```

mod host;
#[allow(dead_code)]
mod log;
pub mod net;
// Until the network (next piece) uses the generator, the partitions and the net events.
#[allow(dead_code)]
mod world;

pub(crate) use host::{current as current_host, spawn_in_host};

use crate::runtime::Runtime;
use crate::time::{Instant, Sleep};
use std::fmt;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use world::{BoxFuture, Factory, World};

/// What a simulated host or client returns: an error (or a panic) fails the simulation.
pub type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// The knobs of a simulation (see [`Builder`]).
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub(crate) max_time: Duration,
    pub(crate) tcp_window: usize,
    pub(crate) latency: (Duration, Duration),
    pub(crate) udp_loss: f64,
    pub(crate) udp_duplicate: f64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_time: Duration::from_secs(3600),
            tcp_window: 64 * 1024,
            latency: (Duration::from_millis(1), Duration::from_millis(5)),
            udp_loss: 0.0,
            udp_duplicate: 0.0,
        }
    }
}

/// Configures a [`Sim`] before it starts.
///
/// ```
/// use std::time::Duration;
///
/// let sim = weft::sim::Builder::new(1)
///     .max_time(Duration::from_secs(60))
///     .tcp_window(4096)
///     .latency(Duration::from_millis(2), Duration::from_millis(20))
///     .udp_loss(0.1)
///     .udp_duplicate(0.05)
///     .build();
/// assert_eq!(sim.seed(), 1);
/// ```
#[derive(Debug, Clone)]
pub struct Builder {
    seed: u64,
    config: Config,
}

impl Builder {
    /// A simulation of `seed` with the defaults: at most one simulated hour, a 64 KiB TCP
    /// window, 1–5 ms latency per message, no UDP loss or duplication.
    ///
    /// ```
    /// let sim = weft::sim::Builder::new(3).build();
    /// assert_eq!(sim.seed(), 3);
    /// ```
    pub fn new(seed: u64) -> Builder {
        Builder {
            seed,
            config: Config::default(),
        }
    }

    /// How much virtual time [`Sim::run`] allows before it fails with "clients not done".
    ///
    /// ```
    /// let sim = weft::sim::Builder::new(0).max_time(std::time::Duration::from_secs(5)).build();
    /// # drop(sim);
    /// ```
    pub fn max_time(&mut self, max: Duration) -> &mut Builder {
        self.config.max_time = max;
        self
    }

    /// How many bytes a TCP connection carries unread per direction: a writer that finds the
    /// window full waits until the reader has read some.
    ///
    /// # Panics
    /// If `bytes` is zero.
    ///
    /// ```
    /// let sim = weft::sim::Builder::new(0).tcp_window(1024).build();
    /// # drop(sim);
    /// ```
    #[track_caller]
    pub fn tcp_window(&mut self, bytes: usize) -> &mut Builder {
        assert!(bytes > 0, "a zero TCP window would block every writer");
        self.config.tcp_window = bytes;
        self
    }

    /// Each message (TCP segment, datagram, handshake step) takes a latency drawn uniformly
    /// from `min..=max`, in whole milliseconds (the timer wheel's tick). TCP keeps its order
    /// anyway; datagrams may overtake each other.
    ///
    /// # Panics
    /// If `min > max`.
    ///
    /// ```
    /// use std::time::Duration;
    /// let sim = weft::sim::Builder::new(0).latency(Duration::ZERO, Duration::from_millis(50)).build();
    /// # drop(sim);
    /// ```
    #[track_caller]
    pub fn latency(&mut self, min: Duration, max: Duration) -> &mut Builder {
        assert!(min <= max, "latency: min is above max");
        self.config.latency = (min, max);
        self
    }

    /// The probability that a UDP datagram is lost.
    ///
    /// ```
    /// let sim = weft::sim::Builder::new(0).udp_loss(0.5).build();
    /// # drop(sim);
    /// ```
    pub fn udp_loss(&mut self, p: f64) -> &mut Builder {
        self.config.udp_loss = p.clamp(0.0, 1.0);
        self
    }

    /// The probability that a UDP datagram is delivered twice (each copy with its own latency).
    ///
    /// ```
    /// let sim = weft::sim::Builder::new(0).udp_duplicate(0.5).build();
    /// # drop(sim);
    /// ```
    pub fn udp_duplicate(&mut self, p: f64) -> &mut Builder {
        self.config.udp_duplicate = p.clamp(0.0, 1.0);
        self
    }

    /// The simulation, with no hosts yet.
    ///
    /// # Panics
    /// If the runtime cannot be built (it needs no I/O driver, so only if threads or memory
    /// are short).
    ///
    /// ```
    /// let sim = weft::sim::Builder::new(9).build();
    /// assert_eq!(sim.seed(), 9);
    /// ```
    pub fn build(&self) -> Sim {
        let rt = crate::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .sim_schedule_seed(world::mix_seed(self.seed, 0))
            // `select!`'s branch order and the runtime's other random choices.
            .rng_seed(crate::runtime::RngSeed::from_bytes(
                &self.seed.to_le_bytes(),
            ))
            .build()
            .expect("weft::sim: building the simulation's runtime");
        let start = {
            let _enter = rt.enter();
            Instant::now()
        };
        let world = Arc::new(World::new(self.seed, self.config.clone(), start));
        {
            let _enter = rt.enter();
            net::start(&world);
        }
        Sim {
            rt,
            world,
            seed: self.seed,
        }
    }
}

/// A deterministic simulation: hosts, clients, virtual time and a network, all decided by
/// one seed (see the [module docs](self)).
///
/// ```
/// use weft::sim::Sim;
///
/// let hash = |seed| {
///     let mut sim = Sim::new(seed);
///     for name in ["a", "b", "c"] {
///         sim.client(name, async move {
///             for i in 0..3 {
///                 weft::sim::log(format!("{name} {i}"));
///                 weft::task::yield_now().await;
///             }
///             Ok(())
///         });
///     }
///     sim.run().unwrap().hash
/// };
/// assert_eq!(hash(1), hash(1));
/// ```
pub struct Sim {
    rt: Runtime,
    world: Arc<World>,
    seed: u64,
}

/// What a finished simulation reports (also printed by [`Sim::run`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The seed it ran with.
    pub seed: u64,
    /// The hash of its event log: equal for two runs of one seed.
    pub hash: u64,
    /// How many events the log holds.
    pub events: u64,
    /// Virtual time from the start to the end of the run.
    pub elapsed: Duration,
}

/// Why a simulation failed, with the seed that replays it and its last events.
#[derive(Debug, Clone)]
pub struct Error {
    /// The seed to replay it with (`Sim::new(seed)` and the same hosts).
    pub seed: u64,
    /// What went wrong.
    pub message: String,
    /// Virtual time of the failure.
    pub at: Duration,
    /// The last events before it (not task polls), oldest first.
    pub tail: Vec<String>,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "simulation failed at {:?} of virtual time (seed {}): {}",
            self.at, self.seed, self.message
        )?;
        writeln!(
            f,
            "replay: the same test with weft::sim::Sim::new({})",
            self.seed
        )?;
        writeln!(f, "last events:")?;
        for line in &self.tail {
            writeln!(f, "  {line}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

enum Outcome {
    AllDone,
    Failed(String),
    TimeUp,
}

/// Waits until every client is done, something failed, or `sleep` fires.
struct RunUntil {
    world: Arc<World>,
    sleep: Pin<Box<Sleep>>,
}

impl Future for RunUntil {
    type Output = Outcome;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Outcome> {
        {
            let mut w = self.world.lock();
            if let Some(msg) = w.failure.clone() {
                return Poll::Ready(Outcome::Failed(msg));
            }
            if w.clients_left() == 0 {
                return Poll::Ready(Outcome::AllDone);
            }
            w.done_waker = Some(cx.waker().clone());
        }
        match self.sleep.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Outcome::TimeUp),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl Sim {
    /// A simulation of `seed` with [`Builder`]'s defaults.
    ///
    /// ```
    /// assert_eq!(weft::sim::Sim::new(42).seed(), 42);
    /// ```
    pub fn new(seed: u64) -> Sim {
        Builder::new(seed).build()
    }

    /// The seed.
    ///
    /// ```
    /// assert_eq!(weft::sim::Sim::new(5).seed(), 5);
    /// ```
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Adds a host that runs `start()` now and again after each [`restart`](Sim::restart).
    /// A host runs until the simulation ends; an error or panic from it fails the run.
    ///
    /// # Panics
    /// If a host or client of that name exists.
    ///
    /// ```
    /// let mut sim = weft::sim::Sim::new(0);
    /// sim.host("server", || async {
    ///     assert_eq!(weft::sim::hostname().as_deref(), Some("server"));
    ///     std::future::pending::<()>().await;
    ///     Ok(())
    /// });
    /// sim.client("c", async { Ok(()) });
    /// sim.run().unwrap();
    /// ```
    #[track_caller]
    pub fn host<F, Fut>(&mut self, name: impl AsRef<str>, start: F)
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result> + Send + 'static,
    {
        let factory: Factory = Arc::new(move || Box::pin(start()) as BoxFuture);
        let _enter = self.rt.enter();
        self.world.add_host(name.as_ref(), false, factory);
    }

    /// Adds a client: it runs `future` once, and [`run`](Sim::run) ends when every client has
    /// returned `Ok`.
    ///
    /// # Panics
    /// If a host or client of that name exists.
    ///
    /// ```
    /// let mut sim = weft::sim::Sim::new(0);
    /// sim.client("c", async { Ok(()) });
    /// assert_eq!(sim.run().unwrap().elapsed, std::time::Duration::ZERO);
    /// ```
    #[track_caller]
    pub fn client<Fut>(&mut self, name: impl AsRef<str>, future: Fut)
    where
        Fut: Future<Output = Result> + Send + 'static,
    {
        let once = Mutex::new(Some(Box::pin(future) as BoxFuture));
        let factory: Factory = Arc::new(move || {
            once.lock()
                .unwrap_or_else(|e| e.into_inner())
                .take()
                .expect("a client starts once")
        });
        let _enter = self.rt.enter();
        self.world.add_host(name.as_ref(), true, factory);
    }

    /// Runs until every client is done (`Ok` with the report, which it also prints to
    /// stderr), a host or client fails, or the virtual time limit passes (`Err`, with the seed
    /// and the last events).
    ///
    /// ```
    /// let mut sim = weft::sim::Sim::new(11);
    /// sim.client("c", async { Err("nope".into()) });
    /// let err = sim.run().unwrap_err();
    /// assert_eq!(err.seed, 11);
    /// assert!(err.message.contains("nope"));
    /// ```
    pub fn run(&mut self) -> std::result::Result<Report, Error> {
        let max = self.world.lock().config.max_time;
        // One tick past the limit: a client that finishes at the limit itself is in time
        // (its timer fires in the same tick as this one, and may run after us).
        let deadline = self.world.lock().start + max + Duration::from_millis(1);
        match self.run_until(deadline) {
            Outcome::AllDone => {
                let report = self.report();
                eprintln!(
                    "weft::sim: seed {} hash {:016x} ({} events, {:?} virtual)",
                    report.seed, report.hash, report.events, report.elapsed
                );
                Ok(report)
            }
            Outcome::Failed(msg) => Err(self.error(msg)),
            Outcome::TimeUp => Err(self.error(format!(
                "the clients were not done after {max:?} of virtual time"
            ))),
        }
    }

    /// Runs for `duration` of virtual time (or until every client is done, or a failure), so a
    /// test can crash hosts or cut links in between; `Ok(true)` once every client is done.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut sim = weft::sim::Sim::new(0);
    /// sim.client("c", async {
    ///     weft::time::sleep(Duration::from_secs(10)).await;
    ///     Ok(())
    /// });
    /// assert!(!sim.run_for(Duration::from_secs(4)).unwrap());
    /// assert_eq!(sim.elapsed(), Duration::from_secs(4));
    /// assert!(sim.run_for(Duration::from_secs(10)).unwrap());
    /// ```
    pub fn run_for(&mut self, duration: Duration) -> std::result::Result<bool, Error> {
        let deadline = {
            let _enter = self.rt.enter();
            Instant::now() + duration
        };
        match self.run_until(deadline) {
            Outcome::AllDone => Ok(true),
            Outcome::TimeUp => Ok(false),
            Outcome::Failed(msg) => Err(self.error(msg)),
        }
    }

    fn run_until(&mut self, deadline: Instant) -> Outcome {
        let world = self.world.clone();
        self.rt.block_on(async move {
            RunUntil {
                world,
                sleep: Box::pin(crate::time::sleep_until(deadline)),
            }
            .await
        })
    }

    fn report(&self) -> Report {
        let _enter = self.rt.enter();
        let w = self.world.lock();
        Report {
            seed: self.seed,
            hash: w.log.hash(),
            events: w.log.count(),
            elapsed: w.now(),
        }
    }

    fn error(&self, message: String) -> Error {
        let _enter = self.rt.enter();
        let w = self.world.lock();
        Error {
            seed: self.seed,
            message,
            at: w.now(),
            tail: w.log.tail(|h| w.host_name(h)),
        }
    }

    /// The hash of the event log so far.
    ///
    /// ```
    /// let sim = weft::sim::Sim::new(0);
    /// assert_eq!(sim.hash(), weft::sim::Sim::new(1).hash());
    /// ```
    pub fn hash(&self) -> u64 {
        self.world.lock().log.hash()
    }

    /// Virtual time since the simulation started.
    ///
    /// ```
    /// assert_eq!(weft::sim::Sim::new(0).elapsed(), std::time::Duration::ZERO);
    /// ```
    pub fn elapsed(&self) -> Duration {
        let _enter = self.rt.enter();
        self.world.lock().now()
    }

    #[track_caller]
    fn index(&self, name: &str) -> u32 {
        self.world
            .lock()
            .host_index(name)
            .unwrap_or_else(|| panic!("weft::sim: no host named {name:?}"))
    }

    /// Crashes a host: every task it has is dropped (its sockets with them; peers see a
    /// reset), and it stays down until [`restart`](Sim::restart).
    ///
    /// # Panics
    /// If there is no such host, or it is a client.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut sim = weft::sim::Sim::new(0);
    /// sim.host("h", || async { std::future::pending().await });
    /// sim.client("c", async {
    ///     weft::time::sleep(Duration::from_secs(1)).await;
    ///     Ok(())
    /// });
    /// sim.crash("h");
    /// sim.run().unwrap();
    /// ```
    #[track_caller]
    pub fn crash(&mut self, name: &str) {
        let host = self.index(name);
        let _enter = self.rt.enter();
        self.world.crash(host);
    }

    /// Crashes a host if it is up, then runs its start closure again.
    ///
    /// # Panics
    /// If there is no such host, or it is a client.
    ///
    /// ```
    /// let mut sim = weft::sim::Sim::new(0);
    /// sim.host("h", || async { std::future::pending().await });
    /// sim.client("c", async { Ok(()) });
    /// sim.restart("h");
    /// sim.run().unwrap();
    /// ```
    #[track_caller]
    pub fn restart(&mut self, name: &str) {
        let host = self.index(name);
        let _enter = self.rt.enter();
        self.world.restart(host);
    }

    /// Cuts the link between two hosts (both directions): datagrams are lost, TCP segments
    /// and handshakes wait until [`repair`](Sim::repair).
    ///
    /// # Panics
    /// If either host does not exist.
    ///
    /// ```
    /// let mut sim = weft::sim::Sim::new(0);
    /// sim.client("a", async { Ok(()) });
    /// sim.client("b", async { Ok(()) });
    /// sim.partition("a", "b");
    /// sim.repair("a", "b");
    /// sim.run().unwrap();
    /// ```
    #[track_caller]
    pub fn partition(&mut self, a: &str, b: &str) {
        let (a, b) = (self.index(a), self.index(b));
        let _enter = self.rt.enter();
        self.world.set_partition(a, b, true);
    }

    /// Repairs a link cut by [`partition`](Sim::partition).
    ///
    /// # Panics
    /// If either host does not exist.
    ///
    /// ```
    /// let mut sim = weft::sim::Sim::new(0);
    /// sim.client("a", async { Ok(()) });
    /// sim.client("b", async { Ok(()) });
    /// sim.repair("a", "b"); // not cut: nothing happens
    /// sim.run().unwrap();
    /// ```
    #[track_caller]
    pub fn repair(&mut self, a: &str, b: &str) {
        let (a, b) = (self.index(a), self.index(b));
        let _enter = self.rt.enter();
        self.world.set_partition(a, b, false);
    }

    /// The address of a host.
    ///
    /// ```
    /// let mut sim = weft::sim::Sim::new(0);
    /// sim.client("a", async { Ok(()) });
    /// assert_eq!(sim.lookup("a"), Some("10.0.0.1".parse().unwrap()));
    /// assert_eq!(sim.lookup("nobody"), None);
    /// ```
    pub fn lookup(&self, name: &str) -> Option<IpAddr> {
        let w = self.world.lock();
        w.host_index(name).map(|h| w.hosts[h as usize].ip)
    }
}

impl fmt::Debug for Sim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sim")
            .field("seed", &self.seed)
            .finish_non_exhaustive()
    }
}

#[track_caller]
fn here() -> host::Current {
    host::current().expect("weft::sim: called outside a simulated host's task")
}

/// The name of the simulated host whose task is running, or `None` outside a simulation.
///
/// ```
/// assert_eq!(weft::sim::hostname(), None);
/// ```
pub fn hostname() -> Option<String> {
    let cur = host::current()?;
    let w = cur.world.lock();
    Some(w.hosts[cur.host as usize].name.clone())
}

/// Virtual time since the simulation started.
///
/// # Panics
/// Outside a simulated host's task.
///
/// ```
/// let mut sim = weft::sim::Sim::new(0);
/// sim.client("c", async {
///     weft::time::sleep(std::time::Duration::from_millis(1500)).await;
///     assert_eq!(weft::sim::elapsed().as_millis(), 1500);
///     Ok(())
/// });
/// sim.run().unwrap();
/// ```
#[track_caller]
pub fn elapsed() -> Duration {
    here().world.lock().now()
}

/// Adds a line to the event log (it changes the hash and shows in a failure's tail).
///
/// # Panics
/// Outside a simulated host's task.
///
/// ```
/// let mut sim = weft::sim::Sim::new(0);
/// sim.client("c", async {
///     weft::sim::log("hello");
///     Ok(())
/// });
/// sim.run().unwrap();
/// ```
#[track_caller]
pub fn log(line: impl Into<String>) {
    let cur = here();
    cur.world
        .lock()
        .record(cur.host, log::Kind::User(line.into()));
}

/// Crashes a host from inside the simulation (see [`Sim::crash`]); a host may crash itself,
/// and then its code stops at its next await.
///
/// # Panics
/// Outside a simulated host's task, or if there is no such host, or it is a client.
///
/// ```
/// let mut sim = weft::sim::Sim::new(0);
/// sim.host("h", || async { std::future::pending().await });
/// sim.client("c", async {
///     weft::sim::crash("h");
///     weft::sim::restart("h");
///     Ok(())
/// });
/// sim.run().unwrap();
/// ```
#[track_caller]
pub fn crash(name: &str) {
    let cur = here();
    let host = index(&cur, name);
    cur.world.crash(host);
}

/// Restarts a host from inside the simulation (see [`Sim::restart`]).
///
/// # Panics
/// Outside a simulated host's task, or if there is no such host, or it is a client.
///
/// ```
/// let mut sim = weft::sim::Sim::new(0);
/// sim.host("h", || async { std::future::pending().await });
/// sim.client("c", async {
///     weft::sim::restart("h");
///     Ok(())
/// });
/// sim.run().unwrap();
/// ```
#[track_caller]
pub fn restart(name: &str) {
    let cur = here();
    let host = index(&cur, name);
    cur.world.restart(host);
}

/// Cuts a link from inside the simulation (see [`Sim::partition`]).
///
/// # Panics
/// Outside a simulated host's task, or if a host does not exist.
///
/// ```
/// let mut sim = weft::sim::Sim::new(0);
/// sim.client("a", async {
///     weft::sim::partition("a", "b");
///     weft::sim::repair("a", "b");
///     Ok(())
/// });
/// sim.client("b", async { Ok(()) });
/// sim.run().unwrap();
/// ```
#[track_caller]
pub fn partition(a: &str, b: &str) {
    let cur = here();
    let (a, b) = (index(&cur, a), index(&cur, b));
    cur.world.set_partition(a, b, true);
}

/// Repairs a link from inside the simulation (see [`Sim::repair`]).
///
/// # Panics
/// Outside a simulated host's task, or if a host does not exist.
///
/// ```
/// let mut sim = weft::sim::Sim::new(0);
/// sim.client("a", async {
///     weft::sim::repair("a", "b");
///     Ok(())
/// });
/// sim.client("b", async { Ok(()) });
/// sim.run().unwrap();
/// ```
#[track_caller]
pub fn repair(a: &str, b: &str) {
    let cur = here();
    let (a, b) = (index(&cur, a), index(&cur, b));
    cur.world.set_partition(a, b, false);
}

/// The address of a simulated host, from inside the simulation; `None` if there is no host
/// of that name (or no simulation).
///
/// ```
/// let mut sim = weft::sim::Sim::new(0);
/// sim.client("a", async {
///     assert_eq!(weft::sim::lookup("a"), Some("10.0.0.1".parse().unwrap()));
///     Ok(())
/// });
/// sim.run().unwrap();
/// ```
pub fn lookup(name: &str) -> Option<IpAddr> {
    let cur = host::current()?;
    let w = cur.world.lock();
    w.host_index(name).map(|h| w.hosts[h as usize].ip)
}

#[track_caller]
fn index(cur: &host::Current, name: &str) -> u32 {
    cur.world
        .lock()
        .host_index(name)
        .unwrap_or_else(|| panic!("weft::sim: no host named {name:?}"))
}
