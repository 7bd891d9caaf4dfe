//! Plain HTTP on the HTTPS port: someone typed the kiosk's address without
//! `https://`. A GET or HEAD is sent to the same address over HTTPS (its
//! request carried nothing but the page's address); anything else is told
//! to use HTTPS, and nothing it sent is read as a request.

use std::future::Future;
use std::io;
use std::pin::Pin;

use axum_server::accept::Accept;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A TLS connection starts with a handshake record.
const TLS_HANDSHAKE: u8 = 0x16;
/// More than a browser's request head for one page.
const LONGEST_HEAD: usize = 8 * 1024;

/// Comes before the TLS acceptor: passes TLS on, answers plain HTTP.
#[derive(Clone, Copy, Debug, Default)]
pub struct RedirectPlainHttp;

impl<S: Send + 'static> Accept<TcpStream, S> for RedirectPlainHttp {
    type Stream = TcpStream;
    type Service = S;
    type Future = Pin<Box<dyn Future<Output = io::Result<(TcpStream, S)>> + Send>>;

    fn accept(&self, stream: TcpStream, service: S) -> Self::Future {
        Box::pin(async move {
            let mut first = [0u8; 1];
            let peeked = tokio::time::timeout(FIRST_REQUEST_WITHIN, stream.peek(&mut first)).await;
            // A client that sends nothing is the TLS acceptor's to time out.
            if matches!(peeked, Ok(Ok(1))) && first[0] != TLS_HANDSHAKE {
                answer_plain_http(stream).await;
                return Err(io::Error::other("plain HTTP on the HTTPS port"));
            }
            // Answers go out whole at once: a kiosk's sync is many small
            // requests, each otherwise held back by Nagle's algorithm.
            stream.set_nodelay(true)?;
            Ok((stream, service))
        })
    }
}

async fn answer_plain_http(mut stream: TcpStream) {
    let mut head = Vec::with_capacity(1024);
    let read = tokio::time::timeout(HEADERS_WITHIN, async {
        let mut buffer = [0u8; 1024];
        while head.len() < LONGEST_HEAD && !head.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => head.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await;
    if read.is_err() {
        return;
    }
    let answer = answer_to(&head);
    let _ = stream.write_all(answer.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// The whole answer to a plain HTTP request head.
fn answer_to(head: &[u8]) -> String {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut headers);
    let parsed = request.parse(head).is_ok();
    let host = request
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("host"))
        .and_then(|h| std::str::from_utf8(h.value).ok())
        .filter(|host| is_plain_host(host));
    let path = request.path.filter(|path| path.starts_with('/'));
    match (parsed, request.method, host, path) {
        (true, Some("GET" | "HEAD"), Some(host), Some(path)) => format!(
            "HTTP/1.1 301 Moved Permanently\r\nLocation: https://{host}{path}\r\n\
             Content-Length: 0\r\nConnection: close\r\n\r\n"
        ),
        _ => {
            let body = "This address needs https:// in front of it.\n";
            format!(
                "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
        }
    }
}

/// A host and port as browsers send them (a name, an IPv4 or a bracketed
/// IPv6 address): nothing that could end a header or start another.
fn is_plain_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
}

/// A request's headers arrive within this, or the connection is closed: a
/// client sending a byte at a time cannot hold connections open.
pub(super) const HEADERS_WITHIN: std::time::Duration = std::time::Duration::from_secs(10);
/// A new connection sends its first request within this.
pub(super) const FIRST_REQUEST_WITHIN: std::time::Duration = std::time::Duration::from_secs(15);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_asked_for_in_the_clear_is_sent_to_the_same_page_over_https() {
        let answer = answer_to(b"GET /people/sam?x=1 HTTP/1.1\r\nHost: kiosk.local:8470\r\n\r\n");
        assert!(
            answer.starts_with("HTTP/1.1 301 ")
                && answer.contains("\r\nLocation: https://kiosk.local:8470/people/sam?x=1\r\n"),
            "{answer}"
        );
    }

    #[test]
    fn a_form_sent_in_the_clear_or_a_strange_host_is_told_to_use_https() {
        for head in [
            &b"POST /signin HTTP/1.1\r\nHost: kiosk.local:8470\r\n\r\nname=jo"[..],
            b"GET / HTTP/1.1\r\nHost: kiosk.local/elsewhere\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
            b"GET / HTTP/1.1\r\n\r\n",
            b"GET http://elsewhere/ HTTP/1.1\r\nHost: kiosk.local\r\n\r\n",
            b"\x00\x01garbage",
        ] {
            let answer = answer_to(head);
            assert!(
                answer.starts_with("HTTP/1.1 400 ") && answer.contains("https://"),
                "{}: {answer}",
                String::from_utf8_lossy(head)
            );
        }
    }
}
