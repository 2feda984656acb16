//! The `mini_redis` example's server on a weft runtime, driven from a std thread by the
//! `redis` crate's synchronous client (and by raw TCP for malformed input).

mod support;

#[allow(dead_code)]
#[path = "../examples/mini_redis.rs"]
mod mini_redis;

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::time::Duration;

use redis::{Commands, RedisResult, Value};

/// Runs the server on `rt` in a background thread while `client` runs here, then shuts the
/// server down and checks that it stopped cleanly.
fn with_server(rt: weft::runtime::Runtime, client: impl FnOnce(SocketAddr)) {
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = weft::sync::oneshot::channel::<()>();
    let server = std::thread::spawn(move || {
        rt.block_on(async move {
            let listener = weft::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            addr_tx.send(listener.local_addr().unwrap()).unwrap();
            mini_redis::serve(listener, async {
                let _ = stop_rx.await;
            })
            .await
        })
    });
    let addr = addr_rx.recv().unwrap();
    client(addr);
    stop_tx.send(()).unwrap();
    server.join().unwrap().unwrap();
}

fn connect(addr: SocketAddr) -> redis::Connection {
    let client = redis::Client::open(format!("redis://{addr}/")).unwrap();
    let con = client.get_connection().unwrap();
    con.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    con
}

/// Defines `NAME::current_thread` and `NAME::multi_thread`, each running `f` against a server.
macro_rules! both_schedulers {
    ($($name:ident => $f:expr;)*) => {$(
        mod $name {
            #[test]
            fn current_thread() {
                super::with_server(super::support::current_thread(), $f);
            }
            #[test]
            fn multi_thread() {
                super::with_server(super::support::multi_thread(), $f);
            }
        }
    )*};
}

both_schedulers! {
    string_commands => super::string_commands;
    set_options_and_expiry => super::set_options_and_expiry;
    pipelining => super::pipelining;
    pub_sub => super::pub_sub;
    malformed_input_keeps_the_connection_usable => super::malformed_input;
}

fn string_commands(addr: SocketAddr) {
    let mut c = connect(addr);
    let pong: String = redis::cmd("PING").query(&mut c).unwrap();
    assert_eq!(pong, "PONG");
    let hi: String = redis::cmd("PING").arg("hi").query(&mut c).unwrap();
    assert_eq!(hi, "hi");
    let echoed: Vec<u8> = redis::cmd("ECHO")
        .arg(&b"bin\0\r\nary"[..])
        .query(&mut c)
        .unwrap();
    assert_eq!(echoed, b"bin\0\r\nary");

    let () = c.set("k", "v").unwrap();
    assert_eq!(
        c.get::<_, Option<String>>("k").unwrap().as_deref(),
        Some("v")
    );
    assert_eq!(c.get::<_, Option<String>>("missing").unwrap(), None);

    assert_eq!(redis::cmd("INCR").arg("n").query::<i64>(&mut c).unwrap(), 1);
    assert_eq!(redis::cmd("INCR").arg("n").query::<i64>(&mut c).unwrap(), 2);
    assert_eq!(redis::cmd("DECR").arg("n").query::<i64>(&mut c).unwrap(), 1);
    assert_eq!(
        redis::cmd("DECR")
            .arg("fresh")
            .query::<i64>(&mut c)
            .unwrap(),
        -1
    );
    let err = redis::cmd("INCR")
        .arg("k")
        .query::<i64>(&mut c)
        .unwrap_err();
    assert!(err.to_string().contains("not an integer"), "{err}");
    let () = c.set("max", i64::MAX).unwrap();
    let err = redis::cmd("INCR")
        .arg("max")
        .query::<i64>(&mut c)
        .unwrap_err();
    assert!(err.to_string().contains("overflow"), "{err}");

    let () = redis::cmd("MSET")
        .arg("a")
        .arg("1")
        .arg("b")
        .arg("2")
        .query(&mut c)
        .unwrap();
    let got: Vec<Option<String>> = redis::cmd("MGET")
        .arg("a")
        .arg("nope")
        .arg("b")
        .query(&mut c)
        .unwrap();
    assert_eq!(got, vec![Some("1".into()), None, Some("2".into())]);
    assert_eq!(
        redis::cmd("EXISTS")
            .arg("a")
            .arg("a")
            .arg("nope")
            .query::<i64>(&mut c)
            .unwrap(),
        2
    );
    assert_eq!(
        redis::cmd("DEL")
            .arg("a")
            .arg("b")
            .arg("nope")
            .query::<i64>(&mut c)
            .unwrap(),
        2
    );
    assert_eq!(
        redis::cmd("EXISTS").arg("a").query::<i64>(&mut c).unwrap(),
        0
    );

    let err = redis::cmd("MSET")
        .arg("odd")
        .query::<()>(&mut c)
        .unwrap_err();
    assert!(
        err.to_string().contains("wrong number of arguments"),
        "{err}"
    );
    let err = redis::cmd("NOSUCH").query::<()>(&mut c).unwrap_err();
    assert!(err.to_string().contains("unknown command"), "{err}");

    // QUIT answers OK and closes the connection.
    let ok: String = redis::cmd("QUIT").query(&mut c).unwrap();
    assert_eq!(ok, "OK");
    assert!(redis::cmd("PING").query::<String>(&mut c).is_err());
}

/// Polls `key` until it is gone: the server must drop it once its deadline passes. Bounded in
/// count, so a key that never expires fails the test instead of hanging it.
fn wait_until_gone(c: &mut redis::Connection, key: &str) {
    for _ in 0..1000 {
        if c.get::<_, Option<String>>(key).unwrap().is_none() {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("{key} did not expire");
}

fn set_options_and_expiry(addr: SocketAddr) {
    let mut c = connect(addr);
    // NX sets only a new key; XX only an existing one; a refused SET answers nil.
    let r: Option<String> = redis::cmd("SET")
        .arg("k")
        .arg("1")
        .arg("NX")
        .query(&mut c)
        .unwrap();
    assert_eq!(r.as_deref(), Some("OK"));
    let r: Option<String> = redis::cmd("SET")
        .arg("k")
        .arg("2")
        .arg("NX")
        .query(&mut c)
        .unwrap();
    assert_eq!(r, None);
    let r: Option<String> = redis::cmd("SET")
        .arg("other")
        .arg("2")
        .arg("XX")
        .query(&mut c)
        .unwrap();
    assert_eq!(r, None);
    let r: Option<String> = redis::cmd("SET")
        .arg("k")
        .arg("3")
        .arg("xx")
        .query(&mut c)
        .unwrap();
    assert_eq!(r.as_deref(), Some("OK"));
    assert_eq!(c.get::<_, String>("k").unwrap(), "3");
    let err = redis::cmd("SET")
        .arg("k")
        .arg("1")
        .arg("NX")
        .arg("XX")
        .query::<()>(&mut c)
        .unwrap_err();
    assert!(err.to_string().contains("syntax"), "{err}");
    let err = redis::cmd("SET")
        .arg("k")
        .arg("1")
        .arg("EX")
        .arg("0")
        .query::<()>(&mut c)
        .unwrap_err();
    assert!(err.to_string().contains("invalid expire"), "{err}");
    let err = redis::cmd("SET")
        .arg("k")
        .arg("1")
        .arg("PX")
        .arg("soon")
        .query::<()>(&mut c)
        .unwrap_err();
    assert!(err.to_string().contains("not an integer"), "{err}");

    // TTL: -2 missing, -1 no deadline, seconds otherwise.
    assert_eq!(c.ttl::<_, i64>("missing").unwrap(), -2);
    assert_eq!(c.ttl::<_, i64>("k").unwrap(), -1);
    let () = redis::cmd("SET")
        .arg("ex")
        .arg("v")
        .arg("EX")
        .arg("100")
        .query(&mut c)
        .unwrap();
    assert_eq!(c.ttl::<_, i64>("ex").unwrap(), 100);
    assert_eq!(c.expire::<_, i64>("k", 50).unwrap(), 1);
    assert_eq!(c.ttl::<_, i64>("k").unwrap(), 50);
    assert_eq!(c.expire::<_, i64>("missing", 50).unwrap(), 0);
    // A plain SET clears the deadline; INCR keeps it.
    let () = c.set("k", "5").unwrap();
    assert_eq!(c.ttl::<_, i64>("k").unwrap(), -1);
    assert_eq!(c.expire::<_, i64>("k", 30).unwrap(), 1);
    assert_eq!(redis::cmd("INCR").arg("k").query::<i64>(&mut c).unwrap(), 6);
    assert_eq!(c.ttl::<_, i64>("k").unwrap(), 30);
    // EXPIRE with a non-positive time deletes the key.
    assert_eq!(c.expire::<_, i64>("k", 0).unwrap(), 1);
    assert_eq!(c.exists::<_, i64>("k").unwrap(), 0);

    // Keys really expire: PX and EXPIRE with short real deadlines.
    let () = redis::cmd("SET")
        .arg("px")
        .arg("v")
        .arg("PX")
        .arg("30")
        .query(&mut c)
        .unwrap();
    let () = c.set("later", "v").unwrap();
    assert_eq!(c.expire::<_, i64>("later", 1).unwrap(), 1);
    wait_until_gone(&mut c, "px");
    assert_eq!(c.ttl::<_, i64>("px").unwrap(), -2);
    wait_until_gone(&mut c, "later");
    // A key set again without a deadline outlives its old one.
    let () = redis::cmd("SET")
        .arg("again")
        .arg("v")
        .arg("PX")
        .arg("20")
        .query(&mut c)
        .unwrap();
    let () = c.set("again", "w").unwrap();
    let () = redis::cmd("SET")
        .arg("marker")
        .arg("v")
        .arg("PX")
        .arg("40")
        .query(&mut c)
        .unwrap();
    wait_until_gone(&mut c, "marker");
    assert_eq!(c.get::<_, String>("again").unwrap(), "w");
}

fn pipelining(addr: SocketAddr) {
    let mut c = connect(addr);
    let mut pipe = redis::pipe();
    for i in 0..500 {
        pipe.cmd("SET").arg(format!("key{i}")).arg(i).ignore();
    }
    for i in 0..500 {
        pipe.cmd("INCR").arg(format!("key{i}"));
    }
    pipe.cmd("MGET").arg("key0").arg("key499");
    let results: Vec<Value> = pipe.query(&mut c).unwrap();
    assert_eq!(results.len(), 501);
    for (i, v) in results[..500].iter().enumerate() {
        assert_eq!(*v, Value::Int(i as i64 + 1));
    }
    let last: Vec<String> = redis::from_redis_value(&results[500]).unwrap();
    assert_eq!(last, vec!["1", "500"]);

    // An error inside a pipeline answers that command only.
    let r: RedisResult<(String, i64, String)> = redis::pipe()
        .cmd("SET")
        .arg("s")
        .arg("x")
        .cmd("INCR")
        .arg("s")
        .cmd("GET")
        .arg("s")
        .query(&mut c);
    assert!(r.is_err());
    assert_eq!(c.get::<_, String>("s").unwrap(), "x");
}

fn pub_sub(addr: SocketAddr) {
    let mut publisher = connect(addr);
    let mut sub_con = connect(addr);
    let mut sub = sub_con.as_pubsub();
    sub.subscribe("news").unwrap();
    sub.subscribe("sport").unwrap();
    // Subscriptions are in place once acknowledged, so these are delivered.
    assert_eq!(publisher.publish::<_, _, i64>("news", "hello").unwrap(), 1);
    assert_eq!(publisher.publish::<_, _, i64>("sport", "goal").unwrap(), 1);
    assert_eq!(publisher.publish::<_, _, i64>("nobody", "x").unwrap(), 0);
    let m = sub.get_message().unwrap();
    assert_eq!(
        (
            m.get_channel_name(),
            m.get_payload::<String>().unwrap().as_str()
        ),
        ("news", "hello")
    );
    let m = sub.get_message().unwrap();
    assert_eq!(
        (
            m.get_channel_name(),
            m.get_payload::<String>().unwrap().as_str()
        ),
        ("sport", "goal")
    );

    sub.unsubscribe("sport").unwrap();
    assert_eq!(
        publisher.publish::<_, _, i64>("sport", "missed").unwrap(),
        0
    );
    assert_eq!(publisher.publish::<_, _, i64>("news", "again").unwrap(), 1);
    let m = sub.get_message().unwrap();
    assert_eq!(m.get_payload::<String>().unwrap(), "again");

    // Two subscribers on one channel both get every message, in order.
    let mut second_con = connect(addr);
    let mut second = second_con.as_pubsub();
    second.subscribe("news").unwrap();
    for i in 0..20 {
        assert_eq!(publisher.publish::<_, _, i64>("news", i).unwrap(), 2);
    }
    for i in 0..20 {
        assert_eq!(sub.get_message().unwrap().get_payload::<i64>().unwrap(), i);
        assert_eq!(
            second.get_message().unwrap().get_payload::<i64>().unwrap(),
            i
        );
    }
    drop(second);
    drop(second_con);
    sub.unsubscribe("news").unwrap();
    drop(sub);
    // Out of subscriber mode, the connection runs ordinary commands again.
    let pong: String = redis::cmd("PING").query(&mut sub_con).unwrap();
    assert_eq!(pong, "PONG");
}

/// Sends raw bytes and reads until `expected` bytes of reply have arrived.
fn raw(stream: &mut std::net::TcpStream, send: &[u8], expected: &str) {
    stream.write_all(send).unwrap();
    let mut got = vec![0u8; expected.len()];
    stream.read_exact(&mut got).unwrap();
    assert_eq!(String::from_utf8_lossy(&got), expected);
}

fn malformed_input(addr: SocketAddr) {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    raw(&mut s, b"PING\r\n", "+PONG\r\n");
    raw(
        &mut s,
        b"*x\r\n",
        "-ERR Protocol error: invalid multibulk length\r\n",
    );
    raw(
        &mut s,
        b"*1\r\n+PING\r\n",
        "-ERR Protocol error: expected '$'\r\n",
    );
    raw(
        &mut s,
        b"*1\r\n$abc\r\n",
        "-ERR Protocol error: invalid bulk length\r\n",
    );
    // A request split across writes is assembled.
    raw(&mut s, b"*2\r\n$4\r\nECHO\r\n$5\r\nhel", "");
    raw(&mut s, b"lo\r\n", "$5\r\nhello\r\n");
    // Inline commands and a pipelined batch, with an error in the middle.
    raw(
        &mut s,
        b"SET k 1\r\nINCR k\r\nGET\r\nGET k\r\n",
        "+OK\r\n:2\r\n-ERR wrong number of arguments for 'get' command\r\n$1\r\n2\r\n",
    );
    raw(&mut s, b"*1\r\n$4\r\nQUIT\r\n", "+OK\r\n");
    let mut rest = Vec::new();
    s.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty());
}
