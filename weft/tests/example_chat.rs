//! The `chat` example's server, driven by raw TCP clients on both schedulers.

mod support;

#[allow(dead_code)]
#[path = "../examples/chat.rs"]
mod chat;

use std::net::SocketAddr;

use weft::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use weft::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use weft::net::{TcpListener, TcpStream};
use weft::sync::oneshot;

struct Client {
    lines: Lines<BufReader<OwnedReadHalf>>,
    write: OwnedWriteHalf,
}

impl Client {
    /// Connects and joins as `name`, returning once the server confirmed the subscription.
    async fn join(addr: SocketAddr, name: &str) -> (Client, String) {
        let (read, write) = TcpStream::connect(addr).await.unwrap().into_split();
        let mut c = Client {
            lines: BufReader::new(read).lines(),
            write,
        };
        assert_eq!(c.line().await, "* what is your name?");
        c.send(name).await;
        let welcome = c.line().await;
        (c, welcome)
    }

    async fn send(&mut self, line: &str) {
        self.write
            .write_all(format!("{line}\r\n").as_bytes())
            .await
            .unwrap();
    }

    async fn line(&mut self) -> String {
        self.lines
            .next_line()
            .await
            .unwrap()
            .expect("the server closed the connection")
    }
}

async fn start() -> (
    SocketAddr,
    oneshot::Sender<()>,
    weft::task::JoinHandle<std::io::Result<()>>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = weft::spawn(chat::serve(listener, async {
        let _ = stopped.await;
    }));
    (addr, stop, server)
}

rt_test! {
    async fn lines_reach_everyone_else_and_joins_and_leaves_are_announced() {
        let (addr, stop, server) = start().await;
        let (mut alice, welcome) = Client::join(addr, "alice").await;
        assert_eq!(welcome, "* welcome alice, 1 online");
        let (mut bob, welcome) = Client::join(addr, "bob").await;
        assert_eq!(welcome, "* welcome bob, 2 online");
        assert_eq!(alice.line().await, "* bob joined");
        let (mut carol, _) = Client::join(addr, "  ").await;
        assert_eq!(alice.line().await, "* guest2 joined");
        assert_eq!(bob.line().await, "* guest2 joined");

        alice.send("hi all").await;
        assert_eq!(bob.line().await, "alice: hi all");
        assert_eq!(carol.line().await, "alice: hi all");
        bob.send("hey alice").await;
        // alice's next line is bob's: her own line did not come back to her.
        assert_eq!(alice.line().await, "bob: hey alice");
        assert_eq!(carol.line().await, "bob: hey alice");

        // A line longer than the cap arrives cut into capped pieces, not buffered forever.
        let long = "x".repeat(5000);
        carol.send(&long).await;
        assert_eq!(alice.line().await, format!("guest2: {}", &long[..4096]));
        assert_eq!(alice.line().await, format!("guest2: {}", &long[4096..]));

        drop(carol);
        assert_eq!(alice.line().await, "* guest2 left");
        assert_eq!(bob.line().await, "guest2: ".to_string() + &long[..4096]);
        assert_eq!(bob.line().await, "guest2: ".to_string() + &long[4096..]);
        assert_eq!(bob.line().await, "* guest2 left");

        // Shutdown says goodbye, closes every connection and returns Ok.
        stop.send(()).unwrap();
        server.await.unwrap().unwrap();
        assert_eq!(alice.line().await, "* server shutting down");
        assert_eq!(alice.lines.next_line().await.unwrap(), None);
        assert_eq!(bob.line().await, "* server shutting down");
        assert_eq!(bob.lines.next_line().await.unwrap(), None);
    }

    async fn many_clients_all_get_every_line() {
        let (addr, stop, server) = start().await;
        let mut clients = Vec::new();
        for i in 0..20 {
            let (c, welcome) = Client::join(addr, &format!("c{i}")).await;
            assert_eq!(welcome, format!("* welcome c{i}, {} online", i + 1));
            clients.push(c);
        }
        // Each client has seen the joins after its own; skip them.
        for (i, c) in clients.iter_mut().enumerate() {
            for j in i + 1..20 {
                assert_eq!(c.line().await, format!("* c{j} joined"));
            }
        }
        clients[0].send("one").await;
        clients[19].send("two").await;
        for c in &mut clients[1..19] {
            let mut got = vec![c.line().await, c.line().await];
            got.sort();
            assert_eq!(got, ["c0: one", "c19: two"]);
        }
        assert_eq!(clients[0].line().await, "c19: two");
        assert_eq!(clients[19].line().await, "c0: one");
        stop.send(()).unwrap();
        server.await.unwrap().unwrap();
    }
}
