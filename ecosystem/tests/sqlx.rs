//! sqlx with SQLite in memory on weft: sqlx runs SQLite on a worker thread and talks to it
//! through channels and weft's runtime (`runtime-tokio`): create, insert, select.

use sqlx::sqlite::SqlitePoolOptions;
use sqlx::Row;

async fn create_insert_select() {
    // One connection: each `:memory:` connection is its own database.
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .unwrap();
    sqlx::query("CREATE TABLE crates (name TEXT PRIMARY KEY, downloads INTEGER NOT NULL)")
        .execute(&pool)
        .await
        .unwrap();
    for (name, downloads) in [("weft", 7), ("axum", 500), ("tonic", 300)] {
        let done = sqlx::query("INSERT INTO crates (name, downloads) VALUES (?, ?)")
            .bind(name)
            .bind(downloads)
            .execute(&pool)
            .await
            .unwrap();
        assert_eq!(done.rows_affected(), 1);
    }
    let dup = sqlx::query("INSERT INTO crates (name, downloads) VALUES ('weft', 1)")
        .execute(&pool)
        .await;
    assert!(dup.is_err(), "primary key must reject a duplicate");

    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT name, downloads FROM crates WHERE downloads > ? ORDER BY downloads DESC",
    )
    .bind(100)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        rows,
        [("axum".to_string(), 500), ("tonic".to_string(), 300)]
    );

    let row = sqlx::query("SELECT COUNT(*) AS n, SUM(downloads) AS total FROM crates")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(row.get::<i64, _>("n"), 3);
    assert_eq!(row.get::<i64, _>("total"), 807);

    // A transaction rolled back leaves nothing behind.
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("DELETE FROM crates")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM crates")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 3);
    pool.close().await;
}

#[tokio::test]
async fn sqlite_current_thread() {
    create_insert_select().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_multi_thread() {
    create_insert_select().await;
}
