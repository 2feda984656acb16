//! A Redis-protocol (RESP2) key-value server with expiry and pub/sub.
//!
//! ```text
//! cargo run --release -p weft --example mini_redis -- 127.0.0.1:6379
//! redis-cli -p 6379 set greeting hello EX 60
//! redis-cli -p 6379 get greeting
//! redis-benchmark -p 6379 -t set,get -P 16 -q
//! ```
//!
//! Commands: PING, ECHO, GET, SET (EX/PX/NX/XX), DEL, EXISTS, INCR, DECR, EXPIRE, TTL, MGET,
//! MSET, PUBLISH, SUBSCRIBE/UNSUBSCRIBE, QUIT. Also answered, so that stock clients and
//! redis-benchmark start up: PUNSUBSCRIBE (no patterns), SELECT 0, CLIENT SETINFO, COMMAND,
//! CONFIG GET (`save` and `appendonly` only).
//!
//! Requests are read in batches: every complete command in the buffer is executed and the
//! replies are written back in one write, so pipelined clients pay one round trip per batch.
//! A malformed request gets a RESP error; the server then skips the offending line and carries
//! on, so the connection stays usable (only an over-long request closes it). Keys expire on
//! time: a lookup never returns an expired key, and a background task frees them.

use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use weft::io::{AsyncReadExt, AsyncWriteExt};
use weft::net::{TcpListener, TcpStream};
use weft::sync::{broadcast, mpsc, Notify};
use weft::task::{AbortHandle, JoinSet};
use weft::time::Instant;

/// Longest bulk string accepted (Redis' own limit is 512 MB; a demo server stays smaller).
const MAX_BULK: usize = 64 * 1024 * 1024;
/// Most elements in one request array.
const MAX_ARGS: usize = 1024 * 1024;
/// Longest inline command or header line.
const MAX_LINE: usize = 64 * 1024;
/// Messages a slow subscriber may fall behind by before it misses some.
const CHANNEL_CAPACITY: usize = 1024;

#[allow(dead_code)]
#[weft::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:6379".to_string());
    let listener = TcpListener::bind(&addr).await?;
    println!("listening on {}", listener.local_addr()?);
    serve(listener, async {
        if weft::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    })
    .await
}

/// Serves RESP2 clients on `listener` until `shutdown` completes, then closes every connection
/// and returns.
pub async fn serve(
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let db = Db::new();
    let purger = weft::spawn(purge_expired(db.clone()));
    let mut conns = JoinSet::new();
    weft::pin!(shutdown);
    loop {
        weft::select! {
            () = &mut shutdown => break,
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((socket, peer)) => {
                    let db = db.clone();
                    conns.spawn(async move {
                        if let Err(e) = Connection::new(socket, db).run().await {
                            eprintln!("connection {peer}: {e}");
                        }
                    });
                }
                Err(e) => eprintln!("accept failed: {e}"),
            },
        }
    }
    // Subscribers never end a connection themselves: close them all.
    conns.abort_all();
    while conns.join_next().await.is_some() {}
    purger.abort();
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The shared state.

#[derive(Clone)]
struct Db {
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<State>,
    /// Woken when the earliest expiry moves earlier, so the purge task re-arms its sleep.
    expiry_changed: Notify,
}

#[derive(Default)]
struct State {
    entries: HashMap<Vec<u8>, Entry>,
    /// Every key with a deadline, by deadline, for the purge task.
    expirations: BTreeSet<(Instant, Vec<u8>)>,
    channels: HashMap<Vec<u8>, broadcast::Sender<Vec<u8>>>,
}

struct Entry {
    value: Vec<u8>,
    expires_at: Option<Instant>,
}

impl State {
    /// The live entry for `key`; an expired one is removed first.
    fn live(&mut self, key: &[u8], now: Instant) -> Option<&mut Entry> {
        if self
            .entries
            .get(key)?
            .expires_at
            .is_some_and(|at| at <= now)
        {
            self.remove(key);
            return None;
        }
        self.entries.get_mut(key)
    }

    fn remove(&mut self, key: &[u8]) -> bool {
        match self.entries.remove(key) {
            Some(entry) => {
                if let Some(at) = entry.expires_at {
                    self.expirations.remove(&(at, key.to_vec()));
                }
                true
            }
            None => false,
        }
    }

    /// Sets the deadline of an existing key; returns whether the earliest deadline moved earlier.
    fn set_expiry(&mut self, key: &[u8], at: Option<Instant>) -> bool {
        let earliest = self.expirations.first().map(|(t, _)| *t);
        let Some(entry) = self.entries.get_mut(key) else {
            return false;
        };
        if let Some(old) = std::mem::replace(&mut entry.expires_at, at) {
            self.expirations.remove(&(old, key.to_vec()));
        }
        match at {
            Some(at) => {
                self.expirations.insert((at, key.to_vec()));
                match earliest {
                    Some(e) => at < e,
                    None => true,
                }
            }
            None => false,
        }
    }

    fn set(&mut self, key: Vec<u8>, value: Vec<u8>, at: Option<Instant>) -> bool {
        self.remove(&key);
        self.entries.insert(
            key.clone(),
            Entry {
                value,
                expires_at: None,
            },
        );
        self.set_expiry(&key, at)
    }
}

impl Db {
    fn new() -> Db {
        Db {
            shared: Arc::new(Shared {
                state: Mutex::new(State::default()),
                expiry_changed: Notify::new(),
            }),
        }
    }

    /// Runs `f` on the state, waking the purge task if `f` says the earliest deadline moved.
    fn with<R>(&self, f: impl FnOnce(&mut State, Instant) -> (R, bool)) -> R {
        let (r, wake) = {
            let mut state = self.shared.state.lock().unwrap_or_else(|e| e.into_inner());
            f(&mut state, Instant::now())
        };
        if wake {
            self.shared.expiry_changed.notify_one();
        }
        r
    }

    fn read<R>(&self, f: impl FnOnce(&mut State, Instant) -> R) -> R {
        self.with(|s, now| (f(s, now), false))
    }

    fn subscribe(&self, channel: &[u8]) -> broadcast::Receiver<Vec<u8>> {
        self.read(|s, _| {
            s.channels
                .entry(channel.to_vec())
                .or_insert_with(|| broadcast::channel(CHANNEL_CAPACITY).0)
                .subscribe()
        })
    }

    fn publish(&self, channel: &[u8], message: Vec<u8>) -> usize {
        self.read(|s, _| {
            let Some(tx) = s.channels.get(channel) else {
                return 0;
            };
            let n = tx.send(message).unwrap_or(0);
            if n == 0 {
                // Nobody listens any more: forget the channel.
                s.channels.remove(channel);
            }
            n
        })
    }
}

/// Frees expired keys when their deadline passes (lookups already hide them).
async fn purge_expired(db: Db) {
    loop {
        let next = db.read(|s, now| {
            while let Some((at, key)) = s.expirations.first().cloned() {
                if at > now {
                    return Some(at);
                }
                s.expirations.pop_first();
                s.entries.remove(&key);
            }
            None
        });
        let changed = db.shared.expiry_changed.notified();
        match next {
            Some(at) => {
                weft::select! {
                    () = weft::time::sleep_until(at) => {}
                    () = changed => {}
                }
            }
            None => changed.await,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// RESP2 parsing and encoding.

enum Parsed {
    /// Not a whole request yet.
    Incomplete,
    /// A request and how many bytes it took.
    Request(Vec<Vec<u8>>, usize),
    /// A malformed request: the error to send and how many bytes to skip to resync.
    Malformed(&'static str, usize),
    /// A request too large to buffer: answer and close.
    TooLarge(&'static str),
}

fn find_crlf(buf: &[u8], from: usize) -> Option<usize> {
    buf.get(from..)?
        .windows(2)
        .position(|w| w == b"\r\n")
        .map(|i| from + i)
}

fn parse_int(bytes: &[u8]) -> Option<i64> {
    std::str::from_utf8(bytes).ok()?.parse().ok()
}

/// Parses one request: a RESP array of bulk strings, or an inline command line.
fn parse(buf: &[u8]) -> Parsed {
    let Some(&first) = buf.first() else {
        return Parsed::Incomplete;
    };
    let Some(eol) = find_crlf(buf, 0) else {
        return if buf.len() > MAX_LINE {
            Parsed::TooLarge("ERR Protocol error: too big inline request")
        } else {
            Parsed::Incomplete
        };
    };
    if first != b'*' {
        // Inline command (`PING\r\n`), as typed into telnet.
        let args = buf[..eol]
            .split(|b| b.is_ascii_whitespace())
            .filter(|a| !a.is_empty())
            .map(<[u8]>::to_vec)
            .collect();
        return Parsed::Request(args, eol + 2);
    }
    let count = match parse_int(&buf[1..eol]) {
        Some(n) if n <= 0 => return Parsed::Request(Vec::new(), eol + 2),
        Some(n) if n as usize <= MAX_ARGS => n as usize,
        _ => return Parsed::Malformed("ERR Protocol error: invalid multibulk length", eol + 2),
    };
    let mut pos = eol + 2;
    let mut args = Vec::with_capacity(count.min(64));
    for _ in 0..count {
        let Some(eol) = find_crlf(buf, pos) else {
            return Parsed::Incomplete;
        };
        if buf[pos] != b'$' {
            return Parsed::Malformed("ERR Protocol error: expected '$'", eol + 2);
        }
        let len = match parse_int(&buf[pos + 1..eol]) {
            Some(n) if n >= 0 && n as usize <= MAX_BULK => n as usize,
            Some(n) if n > 0 => return Parsed::TooLarge("ERR Protocol error: invalid bulk length"),
            _ => return Parsed::Malformed("ERR Protocol error: invalid bulk length", eol + 2),
        };
        let start = eol + 2;
        if buf.len() < start + len + 2 {
            return Parsed::Incomplete;
        }
        if &buf[start + len..start + len + 2] != b"\r\n" {
            return Parsed::Malformed(
                "ERR Protocol error: bulk string not followed by CRLF",
                start + len,
            );
        }
        args.push(buf[start..start + len].to_vec());
        pos = start + len + 2;
    }
    Parsed::Request(args, pos)
}

/// Appends RESP2 replies to an output buffer.
struct Out(Vec<u8>);

impl Out {
    fn simple(&mut self, s: &str) {
        self.0.extend_from_slice(format!("+{s}\r\n").as_bytes());
    }
    fn error(&mut self, s: &str) {
        self.0.extend_from_slice(format!("-{s}\r\n").as_bytes());
    }
    fn int(&mut self, n: i64) {
        self.0.extend_from_slice(format!(":{n}\r\n").as_bytes());
    }
    fn bulk(&mut self, b: &[u8]) {
        self.0
            .extend_from_slice(format!("${}\r\n", b.len()).as_bytes());
        self.0.extend_from_slice(b);
        self.0.extend_from_slice(b"\r\n");
    }
    fn nil(&mut self) {
        self.0.extend_from_slice(b"$-1\r\n");
    }
    fn array(&mut self, len: usize) {
        self.0.extend_from_slice(format!("*{len}\r\n").as_bytes());
    }
}

// ---------------------------------------------------------------------------------------------
// One client connection.

struct Connection {
    socket: TcpStream,
    db: Db,
    input: Vec<u8>,
    out: Out,
    /// Pub/sub: one forwarding task per subscribed channel feeds `messages`.
    subscriptions: HashMap<Vec<u8>, AbortHandle>,
    messages_tx: mpsc::Sender<(Vec<u8>, Vec<u8>)>,
    messages: mpsc::Receiver<(Vec<u8>, Vec<u8>)>,
    quit: bool,
}

impl Drop for Connection {
    fn drop(&mut self) {
        for (_, task) in self.subscriptions.drain() {
            task.abort();
        }
    }
}

impl Connection {
    fn new(socket: TcpStream, db: Db) -> Connection {
        let _ = socket.set_nodelay(true);
        let (messages_tx, messages) = mpsc::channel(CHANNEL_CAPACITY);
        Connection {
            socket,
            db,
            input: Vec::with_capacity(4096),
            out: Out(Vec::with_capacity(4096)),
            subscriptions: HashMap::new(),
            messages_tx,
            messages,
            quit: false,
        }
    }

    async fn run(mut self) -> std::io::Result<()> {
        let mut chunk = vec![0u8; 16 * 1024];
        loop {
            self.execute_buffered();
            if !self.out.0.is_empty() {
                self.socket.write_all(&self.out.0).await?;
                self.out.0.clear();
            }
            if self.quit {
                return Ok(());
            }
            // Both branches are cancel safe: `read` loses nothing when another branch wins.
            weft::select! {
                n = self.socket.read(&mut chunk) => {
                    let n = n?;
                    if n == 0 {
                        return Ok(());
                    }
                    self.input.extend_from_slice(&chunk[..n]);
                }
                Some((channel, message)) = self.messages.recv() => {
                    self.out.array(3);
                    self.out.bulk(b"message");
                    self.out.bulk(&channel);
                    self.out.bulk(&message);
                }
            }
        }
    }

    /// Executes every complete request in the input buffer, queueing the replies.
    fn execute_buffered(&mut self) {
        let mut used = 0;
        while !self.quit {
            match parse(&self.input[used..]) {
                Parsed::Incomplete => break,
                Parsed::Request(args, n) => {
                    used += n;
                    if !args.is_empty() {
                        self.execute(args);
                    }
                }
                Parsed::Malformed(msg, skip) => {
                    used += skip;
                    self.out.error(msg);
                }
                Parsed::TooLarge(msg) => {
                    self.out.error(msg);
                    self.quit = true;
                }
            }
        }
        self.input.drain(..used);
    }

    fn execute(&mut self, args: Vec<Vec<u8>>) {
        let name = String::from_utf8_lossy(&args[0]).to_ascii_lowercase();
        let argc = args.len();
        let arity_ok = match name.as_str() {
            "ping" => argc <= 2,
            "quit" | "command" => true,
            "echo" | "get" | "incr" | "decr" | "ttl" | "select" => argc == 2,
            "set" => argc >= 3,
            "del" | "exists" | "mget" | "subscribe" => argc >= 2,
            "unsubscribe" | "punsubscribe" => argc >= 1,
            "expire" | "publish" => argc == 3,
            "mset" => argc >= 3 && argc % 2 == 1,
            "client" | "config" => argc >= 2,
            _ => {
                let shown = String::from_utf8_lossy(&args[0]);
                self.out.error(&format!("ERR unknown command '{shown}'"));
                return;
            }
        };
        if !arity_ok {
            self.out.error(&format!(
                "ERR wrong number of arguments for '{name}' command"
            ));
            return;
        }
        if !self.subscriptions.is_empty()
            && !matches!(
                name.as_str(),
                "subscribe" | "unsubscribe" | "punsubscribe" | "ping" | "quit"
            )
        {
            self.out.error(&format!(
                "ERR Can't execute '{name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT are allowed in this context"
            ));
            return;
        }
        let mut args = args.into_iter().skip(1);
        // Arity was checked above; a missing argument reads as empty.
        macro_rules! arg {
            () => {
                args.next().unwrap_or_default()
            };
        }
        match name.as_str() {
            "ping" => {
                let msg = arg!();
                if !self.subscriptions.is_empty() {
                    self.out.array(2);
                    self.out.bulk(b"pong");
                    self.out.bulk(&msg);
                } else if argc == 2 {
                    self.out.bulk(&msg);
                } else {
                    self.out.simple("PONG");
                }
            }
            "quit" => {
                self.out.simple("OK");
                self.quit = true;
            }
            "echo" => self.out.bulk(&arg!()),
            "get" => {
                let key = arg!();
                match self
                    .db
                    .read(|s, now| s.live(&key, now).map(|e| e.value.clone()))
                {
                    Some(v) => self.out.bulk(&v),
                    None => self.out.nil(),
                }
            }
            "set" => {
                let (key, value) = (arg!(), arg!());
                let rest: Vec<Vec<u8>> = args.collect();
                self.set(key, value, &rest);
            }
            "del" | "exists" => {
                let keys: Vec<Vec<u8>> = args.collect();
                let del = name == "del";
                let n = self.db.read(|s, now| {
                    keys.iter()
                        .filter(|k| s.live(k, now).is_some() && (!del || s.remove(k)))
                        .count()
                });
                self.out.int(n as i64);
            }
            "incr" | "decr" => {
                let key = arg!();
                let delta = if name == "incr" { 1 } else { -1 };
                let r = self.db.read(|s, now| {
                    let current = match s.live(&key, now) {
                        Some(e) => parse_int(&e.value)
                            .ok_or("ERR value is not an integer or out of range")?,
                        None => 0,
                    };
                    let new = current
                        .checked_add(delta)
                        .ok_or("ERR increment or decrement would overflow")?;
                    let digits = new.to_string().into_bytes();
                    match s.live(&key, now) {
                        // INCR keeps the key's time to live, as Redis does.
                        Some(e) => e.value = digits,
                        None => drop(s.set(key.clone(), digits, None)),
                    }
                    Ok(new)
                });
                match r {
                    Ok(n) => self.out.int(n),
                    Err(e) => self.out.error(e),
                }
            }
            "expire" => {
                let key = arg!();
                let Some(secs) = parse_int(&arg!()) else {
                    self.out
                        .error("ERR value is not an integer or out of range");
                    return;
                };
                let found = self.db.with(|s, now| {
                    if s.live(&key, now).is_none() {
                        return (false, false);
                    }
                    if secs <= 0 {
                        // A deadline in the past deletes the key, as in Redis.
                        s.remove(&key);
                        return (true, false);
                    }
                    let at = now + Duration::from_secs(secs as u64);
                    (true, s.set_expiry(&key, Some(at)))
                });
                self.out.int(found as i64);
            }
            "ttl" => {
                let key = arg!();
                let ttl = self.db.read(|s, now| match s.live(&key, now) {
                    None => -2,
                    Some(Entry {
                        expires_at: None, ..
                    }) => -1,
                    // Rounded to the nearest second, as Redis does.
                    Some(Entry {
                        expires_at: Some(at),
                        ..
                    }) => ((at.duration_since(now).as_millis() + 500) / 1000) as i64,
                });
                self.out.int(ttl);
            }
            "mget" => {
                let keys: Vec<Vec<u8>> = args.collect();
                let values: Vec<Option<Vec<u8>>> = self.db.read(|s, now| {
                    keys.iter()
                        .map(|k| s.live(k, now).map(|e| e.value.clone()))
                        .collect()
                });
                self.out.array(values.len());
                for v in values {
                    match v {
                        Some(v) => self.out.bulk(&v),
                        None => self.out.nil(),
                    }
                }
            }
            "mset" => {
                let pairs: Vec<Vec<u8>> = args.collect();
                self.db.read(|s, _| {
                    for kv in pairs.chunks_exact(2) {
                        s.set(kv[0].clone(), kv[1].clone(), None);
                    }
                });
                self.out.simple("OK");
            }
            "publish" => {
                let (channel, message) = (arg!(), arg!());
                let n = self.db.publish(&channel, message);
                self.out.int(n as i64);
            }
            "subscribe" => {
                for channel in args {
                    self.subscribe(channel);
                }
            }
            "unsubscribe" => {
                let mut channels: Vec<Vec<u8>> = args.collect();
                if argc == 1 {
                    channels = self.subscriptions.keys().cloned().collect();
                    if channels.is_empty() {
                        self.out.array(3);
                        self.out.bulk(b"unsubscribe");
                        self.out.nil();
                        self.out.int(0);
                    }
                }
                for channel in channels {
                    if let Some(task) = self.subscriptions.remove(&channel) {
                        task.abort();
                    }
                    self.out.array(3);
                    self.out.bulk(b"unsubscribe");
                    self.out.bulk(&channel);
                    self.out.int(self.subscriptions.len() as i64);
                }
            }
            // Patterns are not supported, so there are none to drop; clients leaving
            // subscriber mode send this and expect the usual acknowledgement.
            "punsubscribe" => {
                let patterns: Vec<Vec<u8>> = args.collect();
                let count = self.subscriptions.len() as i64;
                if patterns.is_empty() {
                    self.out.array(3);
                    self.out.bulk(b"punsubscribe");
                    self.out.nil();
                    self.out.int(count);
                }
                for pattern in patterns {
                    self.out.array(3);
                    self.out.bulk(b"punsubscribe");
                    self.out.bulk(&pattern);
                    self.out.int(count);
                }
            }
            "select" => match parse_int(&arg!()) {
                Some(0) => self.out.simple("OK"),
                _ => self.out.error("ERR DB index is out of range"),
            },
            "client" => match arg!().to_ascii_lowercase().as_slice() {
                b"setinfo" | b"setname" => self.out.simple("OK"),
                _ => self.out.error("ERR unknown CLIENT subcommand"),
            },
            // Clients probe these on start-up; an empty answer means "nothing to report".
            "command" => self.out.array(0),
            "config" => {
                let sub = arg!().to_ascii_lowercase();
                let param = arg!();
                // redis-benchmark asks for these two and warns if they are missing.
                let value: Option<&[u8]> = match param.to_ascii_lowercase().as_slice() {
                    b"save" => Some(b""),
                    b"appendonly" => Some(b"no"),
                    _ => None,
                };
                match (sub.as_slice(), value) {
                    (b"get", Some(value)) => {
                        self.out.array(2);
                        self.out.bulk(&param);
                        self.out.bulk(value);
                    }
                    (b"get", None) => self.out.array(0),
                    _ => self.out.error("ERR only CONFIG GET is supported"),
                }
            }
            _ => unreachable!("arity table covers every command"),
        }
    }

    fn set(&mut self, key: Vec<u8>, value: Vec<u8>, options: &[Vec<u8>]) {
        let (mut ttl, mut nx, mut xx) = (None, false, false);
        let mut opts = options.iter();
        while let Some(opt) = opts.next() {
            match opt.to_ascii_uppercase().as_slice() {
                b"NX" if !xx => nx = true,
                b"XX" if !nx => xx = true,
                unit @ (b"EX" | b"PX") if ttl.is_none() => {
                    let Some(n) = opts.next().map(|n| parse_int(n)) else {
                        self.out.error("ERR syntax error");
                        return;
                    };
                    match n {
                        Some(n) if n > 0 => {
                            let n = n as u64;
                            ttl = Some(if unit == b"EX" {
                                Duration::from_secs(n)
                            } else {
                                Duration::from_millis(n)
                            });
                        }
                        Some(_) => {
                            self.out.error("ERR invalid expire time in 'set' command");
                            return;
                        }
                        None => {
                            self.out
                                .error("ERR value is not an integer or out of range");
                            return;
                        }
                    }
                }
                _ => {
                    self.out.error("ERR syntax error");
                    return;
                }
            }
        }
        let stored = self.db.with(|s, now| {
            let exists = s.live(&key, now).is_some();
            if (nx && exists) || (xx && !exists) {
                return (false, false);
            }
            let wake = s.set(key, value, ttl.map(|d| now + d));
            (true, wake)
        });
        if stored {
            self.out.simple("OK");
        } else {
            self.out.nil();
        }
    }

    fn subscribe(&mut self, channel: Vec<u8>) {
        if !self.subscriptions.contains_key(&channel) {
            let mut rx = self.db.subscribe(&channel);
            let tx = self.messages_tx.clone();
            let name = channel.clone();
            let task = weft::spawn(async move {
                loop {
                    match rx.recv().await {
                        Ok(message) => {
                            if tx.send((name.clone(), message)).await.is_err() {
                                return;
                            }
                        }
                        // A subscriber that falls behind misses messages, as in Redis when
                        // its output buffer overflows; it keeps the newer ones.
                        Err(broadcast::error::RecvError::Lagged(_)) => {}
                        Err(broadcast::error::RecvError::Closed) => return,
                    }
                }
            });
            self.subscriptions
                .insert(channel.clone(), task.abort_handle());
        }
        self.out.array(3);
        self.out.bulk(b"subscribe");
        self.out.bulk(&channel);
        self.out.int(self.subscriptions.len() as i64);
    }
}
