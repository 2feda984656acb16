//! `#[tokio::main]` through the compatibility crate, on a non-`main` function (as a test).

#[tokio::main(flavor = "current_thread")]
async fn run_current() -> u32 {
    tokio::spawn(async { 40 }).await.unwrap() + 2
}

#[tokio::main]
async fn run_multi() -> tokio::runtime::RuntimeFlavor {
    tokio::runtime::Handle::current().runtime_flavor()
}

#[tokio::main(flavor = "local")]
async fn run_local() -> u32 {
    let v = std::rc::Rc::new(1);
    tokio::task::spawn_local(async move { *v }).await.unwrap()
}

#[test]
fn main_attribute_builds_the_runtime() {
    assert_eq!(run_current(), 42);
    assert_eq!(run_multi(), tokio::runtime::RuntimeFlavor::MultiThread);
    assert_eq!(run_local(), 1);
}
