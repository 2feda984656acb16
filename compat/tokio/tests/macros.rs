//! The macros and paths through the compatibility crate, in a crate that depends on nothing
//! but `tokio` (this one) and has no `use` or `extern crate` for them.

#[tokio::test]
async fn test_default_flavor_is_current_thread() {
    assert_eq!(
        tokio::runtime::Handle::current().runtime_flavor(),
        tokio::runtime::RuntimeFlavor::CurrentThread
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_multi_thread() {
    assert_eq!(
        tokio::runtime::Handle::current().runtime_flavor(),
        tokio::runtime::RuntimeFlavor::MultiThread
    );
    assert_eq!(tokio::spawn(async { 1 }).await.unwrap(), 1);
}

#[tokio::test(flavor = "local")]
async fn test_local_flavor_runs_spawn_local() {
    let v = std::rc::Rc::new(5);
    let out = tokio::task::spawn_local(async move { *v }).await.unwrap();
    assert_eq!(out, 5);
}

#[tokio::test(start_paused = true)]
async fn test_start_paused() {
    let start = tokio::time::Instant::now();
    tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
    assert!(start.elapsed() >= std::time::Duration::from_secs(3600));
}

#[tokio::test(crate = "tokio")]
async fn test_crate_argument() {
    assert_eq!(tokio::spawn(async { 2 }).await.unwrap(), 2);
}

tokio::task_local! {
    static NUMBER: u32;
}

#[tokio::test]
async fn test_declarative_macros() {
    let v = tokio::select! {
        v = async { 1 } => v,
        _ = std::future::pending::<()>() => 0,
    };
    assert_eq!(v, 1);
    assert_eq!(tokio::join!(async { 1 }, async { 2 }), (1, 2));
    let r: Result<(u8, u8), ()> = tokio::try_join!(async { Ok(1) }, async { Ok(2) });
    assert_eq!(r, Ok((1, 2)));
    let fut = async { 3 };
    tokio::pin!(fut);
    assert_eq!((&mut fut).await, 3);
    let n = NUMBER.scope(7, async { NUMBER.get() }).await;
    assert_eq!(n, 7);
}

#[tokio::test]
async fn test_paths_resolve() {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<std::marker::PhantomPinned>();
    tx.send(std::marker::PhantomPinned).unwrap();
    // `UnboundedReceiver<T>` is `Unpin` for every `T`, as tokio's is.
    fn unpin<T: Unpin>(_: &T) {}
    unpin(&rx);
    assert!(rx.recv().await.is_some());
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let (c, s) = tokio::join!(tokio::net::TcpStream::connect(addr), l.accept());
    let (mut c, (mut s, _)) = (c.unwrap(), s.unwrap());
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    c.write_all(b"hi").await.unwrap();
    let mut buf = [0; 2];
    s.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"hi");
    let v = tokio::task::coop::cooperative(async { 4 }).await;
    assert_eq!(v, 4);
    assert!(tokio::task::coop::has_budget_remaining());
}
