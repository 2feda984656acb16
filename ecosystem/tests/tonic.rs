//! tonic on weft: the gRPC health service (tonic-health's generated code, so no protoc), a
//! unary `Check` and a server-streaming `Watch` over loopback HTTP/2.

use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use tokio_stream::StreamExt;
use tonic::transport::{Channel, Server};
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;

async fn health() {
    let (reporter, service) = tonic_health::server::health_reporter();
    reporter
        .set_service_status("weft.Echo", tonic_health::ServingStatus::Serving)
        .await;

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(
        Server::builder()
            .add_service(service)
            .serve_with_incoming_shutdown(TcpListenerStream::new(listener), async {
                stop_rx.await.ok();
            }),
    );

    let channel = Channel::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut client = HealthClient::new(channel);

    // Unary.
    let req = HealthCheckRequest {
        service: "weft.Echo".into(),
    };
    let res = client.check(req).await.unwrap().into_inner();
    assert_eq!(res.status(), ServingStatus::Serving);
    let err = client
        .check(HealthCheckRequest {
            service: "nope".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), tonic::Code::NotFound);

    // Server streaming: the current status first, then each change as it is reported.
    let mut watch = client
        .watch(HealthCheckRequest {
            service: "weft.Echo".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        watch.next().await.unwrap().unwrap().status(),
        ServingStatus::Serving
    );
    reporter
        .set_service_status("weft.Echo", tonic_health::ServingStatus::NotServing)
        .await;
    assert_eq!(
        watch.next().await.unwrap().unwrap().status(),
        ServingStatus::NotServing
    );
    reporter
        .set_service_status("weft.Echo", tonic_health::ServingStatus::Serving)
        .await;
    assert_eq!(
        watch.next().await.unwrap().unwrap().status(),
        ServingStatus::Serving
    );

    // Many unary calls at once, multiplexed on one channel.
    let mut calls = Vec::new();
    for _ in 0..16 {
        let mut client = client.clone();
        calls.push(tokio::spawn(async move {
            let req = HealthCheckRequest {
                service: String::new(),
            };
            client.check(req).await.unwrap().into_inner().status()
        }));
    }
    for call in calls {
        assert_eq!(call.await.unwrap(), ServingStatus::Serving);
    }

    drop(watch);
    drop(client);
    stop_tx.send(()).unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn health_current_thread() {
    health().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_multi_thread() {
    health().await;
}
