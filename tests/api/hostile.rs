//! Hostile input: every request below gets a 4xx problem, never a 5xx, and changes nothing.
use std::time::Duration;

use reqwest::Method;
use tests::{expect_problem, spawn_apps, spawn_apps_with};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn malformed_bodies_are_refused_with_4xx() {
    for app in spawn_apps().await {
        let nested = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let huge = format!(r#"{{"name": "{}", "kind": "city", "country": "ML"}}"#, "a".repeat(10 * 1024 * 1024));
        let cases: Vec<(&str, Vec<u8>, u16)> = vec![
            ("deeply nested JSON", nested.into_bytes(), 400),
            ("10 MB string", huge.into_bytes(), 413),
            ("invalid UTF-8", b"{\"name\": \"\xff\xfe\", \"kind\": \"city\", \"country\": \"ML\"}".to_vec(), 400),
            (
                "NUL byte in a value",
                b"{\"name\": \"a\\u0000b\", \"kind\": \"city\", \"country\": \"ML\"}".to_vec(),
                422,
            ),
            ("raw NUL byte", b"{\"name\": \"a\x00b\"}".to_vec(), 400),
            ("not JSON at all", b"<xml/>".to_vec(), 400),
        ];
        for (name, body, status) in cases {
            let response = app
                .request(Method::POST, "/api/v1/partners")
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            expect_problem(response, status, &format!("{}: {name}", app.backend)).await;
        }
        assert_eq!(app.count_rows("partner", "1 = 1").await, 35, "nothing written");
    }
}

#[tokio::test]
async fn hostile_query_parameters_are_refused_or_harmless() {
    for app in spawn_apps().await {
        for query in [
            "q=%27%3B%20DROP%20TABLE%20partner%3B--",
            "q=..%2F..%2Fetc%2Fpasswd",
            "country=%27%20OR%201%3D1--",
            "kind=city%27%20OR%20%271%27%3D%271",
            "domain=%27%20OR%201%3D1--",
            "sort=name%3B%20DROP%20TABLE%20partner",
            "limit=-1",
            "limit=99999999999999999999",
            "limit=0",
            "cursor=%00%00",
            "cursor=..%2F..%2F",
            "include_archived=1%27",
        ] {
            let response = app.get(&format!("/api/v1/partners?{query}")).await;
            let status = response.status().as_u16();
            assert!(
                (200..500).contains(&status) && status != 401 && status != 403,
                "{}: {query}: {status}",
                app.backend
            );
            if status >= 400 {
                expect_problem(response, status, query).await;
            }
        }
        for path in
            ["/api/v1/partners/..%2F..%2Fetc%2Fpasswd", "/api/v1/partners/%00", "/api/v1/domains/%27%20OR%201%3D1"]
        {
            let status = app.get(path).await.status().as_u16();
            assert!((400..500).contains(&status), "{path}: {status}");
        }
        assert_eq!(app.count_rows("partner", "1 = 1").await, 35, "the table is still there");
    }
}

#[tokio::test]
async fn a_slow_client_is_cut_off_instead_of_holding_a_worker() {
    for app in spawn_apps_with(|settings| settings.client_request_timeout = Duration::from_millis(300)).await {
        let address = app.address.trim_start_matches("http://").to_owned();
        let mut slow = tokio::net::TcpStream::connect(&address).await.unwrap();
        slow.write_all(b"GET /health/live HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        // Never finish the head: the server must answer 408 or close, within about the time-out.
        let mut buffer = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut buffer)).await;
        assert!(read.is_ok(), "{}: the server kept a half-sent request open", app.backend);
        let text = String::from_utf8_lossy(&buffer);
        assert!(text.is_empty() || text.starts_with("HTTP/1.1 408"), "{text}");
        // Meanwhile the server still serves everyone else.
        assert_eq!(app.get("/health/live").await.status().as_u16(), 200);
    }
}

#[tokio::test]
async fn a_slow_second_request_on_a_kept_alive_connection_is_cut_off_too() {
    for app in spawn_apps_with(|settings| settings.client_request_timeout = Duration::from_secs(1)).await {
        let address = app.address.trim_start_matches("http://").to_owned();
        let mut slow = tokio::net::TcpStream::connect(&address).await.unwrap();
        slow.write_all(b"GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
        let mut first = [0u8; 1024];
        let n = slow.read(&mut first).await.unwrap();
        let answer = String::from_utf8_lossy(&first[..n]);
        assert!(answer.starts_with("HTTP/1.1 200"), "{}: the first request is answered: {answer}", app.backend);
        // Then the next head, a byte every 200 ms: actix-http times only a connection's first head,
        // the server's own watchdog must cut this one (keep-alive 5 s + time-out + 1 s tick).
        let started = std::time::Instant::now();
        slow.write_all(b"GET /health/live HTTP/1.1\r\n").await.unwrap();
        let mut closed = false;
        while started.elapsed() < Duration::from_secs(14) {
            let mut buffer = [0u8; 256];
            match tokio::time::timeout(Duration::from_millis(200), slow.read(&mut buffer)).await {
                Ok(_) => {
                    closed = true;
                    break;
                }
                Err(_) => {
                    if slow.write_all(b"x").await.is_err() {
                        closed = true;
                        break;
                    }
                }
            }
        }
        assert!(closed, "{}: a crawling second request held its connection for 14 s", app.backend);
        assert!(started.elapsed() < Duration::from_secs(10), "{}: cut after {:?}", app.backend, started.elapsed());
        assert_eq!(app.get("/health/live").await.status().as_u16(), 200);
    }
}
