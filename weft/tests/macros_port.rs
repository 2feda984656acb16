//! A tokio-style program compiles and runs with `use weft as tokio;`: the attributes, the
//! declarative macros and `task_local!` all resolve through the renamed path.

use weft as tokio;

tokio::task_local! {
    static DEPTH: u32;
}

#[tokio::main(flavor = "current_thread")]
async fn run() -> Result<u32, tokio::task::JoinError> {
    let (a, b) = tokio::join!(tokio::spawn(async { 1 }), async { 2 });
    let c = tokio::select! {
        v = std::future::ready(3) => v,
        else => 0,
    };
    let (d,) = tokio::try_join!(tokio::spawn(DEPTH.scope(4, async { DEPTH.get() })))?;
    let fut = async { 5 };
    tokio::pin!(fut);
    Ok(a? + b + c + d + (&mut fut).await)
}

#[test]
fn tokio_style_program_runs() {
    assert_eq!(run().unwrap(), 15);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokio_style_test() {
    assert_eq!(tokio::spawn(async { 6 }).await.unwrap(), 6);
}
