//! The task dump: every live task of a runtime (and of every `LocalSet`), read from the task
//! lists' headers under their shard locks. Nothing is polled and no worker is asked, so a
//! dump completes even while every worker is stuck in a poll.

use super::task::WaitArg;
use super::{clock, local_sets, RuntimeDiag, TaskList};
use crate::runtime::task::{Header, Lifecycle};
use crate::task::Id;
use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::panic::Location;
use std::sync::Arc;
use std::time::Duration;

/// A snapshot of every live task; see [`Handle::dump`](crate::runtime::Handle::dump).
///
/// ```
/// let rt = weft::runtime::Runtime::new().unwrap();
/// let dump = rt.handle().dump_blocking();
/// println!("{dump}"); // Go-style text; `dump.to_json()` for JSON
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Dump {
    /// The tasks, by list (the runtime's first, then each `LocalSet`'s), newest first within
    /// each.
    pub tasks: Vec<TaskDump>,
}

/// One task in a [`Dump`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct TaskDump {
    /// The task's id.
    pub id: Id,
    /// Its name (`task::Builder::name`).
    pub name: Option<String>,
    /// Where it was spawned.
    pub spawned_at: &'static Location<'static>,
    /// `"runtime"` or `"LocalSet"`.
    pub list: &'static str,
    /// What it is doing.
    pub state: TaskState,
    /// Aborted or shut down, not yet dropped.
    pub cancelled: bool,
    /// Time since it was spawned (milliseconds resolution).
    pub age: Duration,
    /// Polls so far.
    pub polls: u32,
    /// Time since its latest poll started (`None` before the first).
    pub since_last_poll: Option<Duration>,
    /// Where an idle task waits, if a weft resource recorded it during the latest poll.
    pub waiting_on: Option<WaitPoint>,
}

/// A task's state in a [`Dump`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TaskState {
    /// Waiting to be woken.
    Idle,
    /// Woken, waiting in a run queue.
    Scheduled,
    /// Being polled, on this worker if it is one of the runtime's scheduler loops.
    Running {
        /// The worker index.
        worker: Option<usize>,
    },
    /// Completed; the output waits for its `JoinHandle`.
    Finished,
}

/// Where an idle task waits.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct WaitPoint {
    /// The weft operation awaited (`"mpsc::Receiver::recv"`, `"time::sleep"`, …).
    pub what: &'static str,
    /// The resource's address, for telling apart (or grouping) channels and semaphores.
    pub resource: Option<u64>,
    /// For a sleep: time left until its deadline (zero if past).
    pub deadline_in: Option<Duration>,
    /// For a `JoinHandle`: the task it waits for.
    pub task: Option<u64>,
}

impl Dump {
    /// Reads `tasks` (a runtime's list, if any) and every `LocalSet`.
    pub(crate) fn collect(diag: Option<&RuntimeDiag>) -> Dump {
        let now = clock::tick();
        let mut running: HashMap<usize, usize> = HashMap::new();
        if let Some(d) = diag {
            for s in d.stamps() {
                let (word, _) = s.read();
                if word > super::BLOCK_ON {
                    running.insert(word, s.worker);
                }
            }
        }
        let mut lists: Vec<Arc<dyn TaskList>> = Vec::new();
        if let Some(t) = diag.and_then(RuntimeDiag::tasks) {
            lists.push(t);
        }
        lists.extend(local_sets());
        let mut tasks = Vec::new();
        for list in &lists {
            let kind = list.kind();
            list.for_each_header(&mut |h| tasks.push(task(h, kind, now, &running)));
        }
        Dump { tasks }
    }

    /// The dump as JSON: `{"tasks":[{"id":…,"name":…,"spawned_at":"file:line:col",…}]}`.
    ///
    /// ```
    /// let rt = weft::runtime::Runtime::new().unwrap();
    /// let json = rt.handle().dump_blocking().to_json();
    /// assert!(json.starts_with("{\"tasks\":["));
    /// ```
    pub fn to_json(&self) -> String {
        let mut out = String::from("{\"tasks\":[");
        for (i, t) in self.tasks.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "{{\"id\":{},\"name\":", t.id);
            match &t.name {
                Some(n) => json_str(&mut out, n),
                None => out.push_str("null"),
            }
            out.push_str(",\"spawned_at\":");
            json_str(
                &mut out,
                &format!(
                    "{}:{}:{}",
                    t.spawned_at.file(),
                    t.spawned_at.line(),
                    t.spawned_at.column()
                ),
            );
            let (state, worker) = match t.state {
                TaskState::Idle => ("idle", None),
                TaskState::Scheduled => ("scheduled", None),
                TaskState::Running { worker } => ("running", worker),
                TaskState::Finished => ("finished", None),
            };
            let _ = write!(
                out,
                ",\"list\":\"{}\",\"state\":\"{state}\",\"worker\":{},\"cancelled\":{},\"age_ms\":{},\"polls\":{},\"since_last_poll_ms\":{}",
                t.list,
                worker.map_or("null".to_owned(), |w| w.to_string()),
                t.cancelled,
                t.age.as_millis(),
                t.polls,
                t.since_last_poll
                    .map_or("null".to_owned(), |d| d.as_millis().to_string()),
            );
            out.push_str(",\"waiting_on\":");
            match &t.waiting_on {
                None => out.push_str("null"),
                Some(w) => {
                    out.push_str("{\"what\":");
                    json_str(&mut out, w.what);
                    let opt = |v: Option<u64>| v.map_or("null".to_owned(), |v| v.to_string());
                    let _ = write!(
                        out,
                        ",\"resource\":{},\"deadline_in_ms\":{},\"task\":{}}}",
                        opt(w.resource),
                        opt(w.deadline_in.map(|d| d.as_millis() as u64)),
                        opt(w.task)
                    );
                }
            }
            out.push('}');
        }
        out.push_str("]}");
        out
    }
}

fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn task(h: &Header, list: &'static str, now: u32, running: &HashMap<usize, usize>) -> TaskDump {
    let info = &h.info;
    let polls = info.polls.load(std::sync::atomic::Ordering::Relaxed);
    let last = info.last_poll_ms.load(std::sync::atomic::Ordering::Relaxed);
    let state = match h.lifecycle() {
        Lifecycle::Idle => TaskState::Idle,
        Lifecycle::Scheduled => TaskState::Scheduled,
        Lifecycle::Running => TaskState::Running {
            worker: running.get(&(h as *const Header as usize)).copied(),
        },
        Lifecycle::Finished => TaskState::Finished,
    };
    let waiting_on = match state {
        TaskState::Idle | TaskState::Scheduled => info.wait().map(|(site, arg)| WaitPoint {
            what: site.what,
            resource: (site.arg == WaitArg::Resource).then_some(arg),
            deadline_in: (site.arg == WaitArg::DeadlineMs)
                .then(|| Duration::from_millis(arg.saturating_sub(u64::from(now)))),
            task: (site.arg == WaitArg::Task).then_some(arg),
        }),
        _ => None,
    };
    TaskDump {
        id: h.id(),
        name: info.name.as_deref().map(str::to_owned),
        spawned_at: info.location,
        list,
        state,
        cancelled: h.is_cancelled(),
        age: Duration::from_millis(u64::from(now.saturating_sub(info.spawned_ms))),
        polls,
        since_last_poll: (polls > 0)
            .then(|| Duration::from_millis(u64::from(now.saturating_sub(last)))),
        waiting_on,
    }
}

impl fmt::Display for Dump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "weft task dump: {} live task(s)", self.tasks.len())?;
        for t in &self.tasks {
            writeln!(f)?;
            write!(f, "task {}", t.id)?;
            if let Some(n) = &t.name {
                write!(f, " \"{n}\"")?;
            }
            let state = match t.state {
                TaskState::Idle => "idle".to_owned(),
                TaskState::Scheduled => "scheduled".to_owned(),
                TaskState::Running { worker: Some(w) } => format!("running on worker {w}"),
                TaskState::Running { worker: None } => "running".to_owned(),
                TaskState::Finished => "finished, not joined".to_owned(),
            };
            write!(f, " [{state}")?;
            if t.cancelled {
                write!(f, ", cancelled")?;
            }
            write!(f, ", {} polls", t.polls)?;
            if let Some(d) = t.since_last_poll {
                write!(f, ", last polled {} ms ago", d.as_millis())?;
            }
            writeln!(f, ", age {} ms, {}]:", t.age.as_millis(), t.list)?;
            if let Some(w) = &t.waiting_on {
                write!(f, "    waiting on {}", w.what)?;
                if let Some(r) = w.resource {
                    write!(f, " (resource {r:#x})")?;
                }
                if let Some(d) = w.deadline_in {
                    write!(f, " (deadline in {} ms)", d.as_millis())?;
                }
                if let Some(id) = w.task {
                    write!(f, " (task {id})")?;
                }
                writeln!(f)?;
            }
            writeln!(
                f,
                "    spawned at {}:{}:{}",
                t.spawned_at.file(),
                t.spawned_at.line(),
                t.spawned_at.column()
            )?;
        }
        Ok(())
    }
}

impl crate::runtime::Handle {
    /// A snapshot of every live task of this runtime, and of every `LocalSet` in the process:
    /// id, name, spawn location, state (idle, scheduled, running on worker N, finished but not
    /// joined), age, poll count, time since the last poll, and for idle tasks where they wait
    /// (a sleep, an mpsc receive, a semaphore or lock, a `JoinHandle`).
    ///
    /// It reads the task headers under the task lists' locks: no future is polled and no
    /// worker is waited for, so it completes even while every worker is blocked. Blocking-pool
    /// closures are not listed.
    ///
    /// # Cancel safety
    /// The dump is taken in one step when first polled; dropping the future loses nothing.
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let (_tx, mut rx) = weft::sync::mpsc::channel::<u8>(1);
    /// let t = weft::spawn(async move { rx.recv().await });
    /// weft::task::yield_now().await;
    /// let dump = weft::runtime::Handle::current().dump().await;
    /// assert!(dump.tasks.iter().any(|d| d.id == t.id()));
    /// # });
    /// ```
    pub async fn dump(&self) -> Dump {
        self.dump_blocking()
    }

    /// As [`dump`](Self::dump), from any thread, without an async context.
    ///
    /// ```
    /// let rt = weft::runtime::Runtime::new().unwrap();
    /// let t = rt.spawn(std::future::pending::<()>());
    /// let dump = rt.handle().dump_blocking();
    /// assert!(dump.tasks.iter().any(|d| d.id == t.id()));
    /// ```
    pub fn dump_blocking(&self) -> Dump {
        Dump::collect(Some(self.inner.diag()))
    }
}
