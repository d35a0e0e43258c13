//! The desk's HTTP client of `frontdesk-server`: blocking calls with JSON bodies, implementing the
//! proto's [`Transport`] for the core's sync run, plus the one-time [`enrol`].
//!
//! Invariants:
//! - No async runtime and no system TLS: `ureq` over rustls with ring and the webpki roots, so the
//!   Windows build carries everything it needs.
//! - Every call has a connect timeout and an overall timeout: a desk on a bad line waits a bounded
//!   time, then reports itself offline.
//! - A network failure (no route, refused, timeout, TLS) and a server that says it is unavailable
//!   are [`TransportError::Unreachable`] (the desk works on and retries later); any other error
//!   status is [`TransportError::Refused`] with the server's [`ErrorReply`] (or one made from the
//!   status when the body is not one).
//! - The credential goes only in the `Authorization: Bearer` header, never in a URL or a message.
//! - This crate does not depend on the desk's core (the core's CLI depends on it).

use std::time::Duration;

use frontdesk_sync_proto::{
    path, EnrolReply, EnrolRequest, ErrorReply, PullReply, PullRequest, PushReply, PushRequest,
    Transport, TransportError,
};
use serde::{de::DeserializeOwned, Serialize};

/// Time to open a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Time for a whole call, a large batch included.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(120);
/// The largest reply body read (a pull batch of a thousand changes is far below).
const MAX_BODY: u64 = 256 * 1024 * 1024;

/// A desk's connection to its server, with the desk's credential.
pub struct Client {
    agent: ureq::Agent,
    base: String,
    token: String,
}

impl Client {
    /// `base_url` as the supervisor typed it at enrolment (`https://sync.example.com`); `token` the
    /// desk's credential from the enrolment reply.
    pub fn new(base_url: &str, token: &str) -> Client {
        Client {
            agent: agent(),
            base: base_url.trim_end_matches('/').to_string(),
            token: token.to_string(),
        }
    }

    fn call<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<R, TransportError> {
        post(&self.agent, &self.base, path, Some(&self.token), body)
    }
}

impl Transport for Client {
    fn push(&self, request: &PushRequest) -> Result<PushReply, TransportError> {
        self.call(path::PUSH, request)
    }

    fn pull(&self, request: &PullRequest) -> Result<PullReply, TransportError> {
        self.call(path::PULL, request)
    }
}

/// Enrols a desk with the one-time code its supervisor typed; the reply carries its credential.
pub fn enrol(base_url: &str, request: &EnrolRequest) -> Result<EnrolReply, TransportError> {
    post(
        &agent(),
        base_url.trim_end_matches('/'),
        path::ENROL,
        None,
        request,
    )
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_connect(Some(CONNECT_TIMEOUT))
        .timeout_global(Some(CALL_TIMEOUT))
        .http_status_as_error(false)
        .user_agent(concat!("frontdesk-sync-client/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

fn post<B: Serialize, R: DeserializeOwned>(
    agent: &ureq::Agent,
    base: &str,
    path: &str,
    token: Option<&str>,
    body: &B,
) -> Result<R, TransportError> {
    let body = serde_json::to_string(body).map_err(|e| refused("bad_request", e.to_string()))?;
    let mut request = agent
        .post(format!("{base}{path}"))
        .header("Content-Type", "application/json");
    if let Some(token) = token {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    let mut response = request.send(body).map_err(unreachable)?;
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .with_config()
        .limit(MAX_BODY)
        .read_to_string()
        .map_err(unreachable)?;
    if (200..300).contains(&status) {
        return serde_json::from_str(&text).map_err(|e| {
            refused(
                "protocol",
                format!("同步服务器的回复无法识别（{e}），请确认服务器地址并升级 FrontDesk"),
            )
        });
    }
    match serde_json::from_str::<ErrorReply>(&text) {
        Ok(e) if e.code == "unavailable" => Err(TransportError::Unreachable(e.message)),
        Ok(e) => Err(TransportError::Refused(e)),
        Err(_) if matches!(status, 502..=504) => Err(TransportError::Unreachable(format!(
            "同步服务器暂时不可用（HTTP {status}）"
        ))),
        Err(_) => Err(refused(
            &format!("http_{status}"),
            format!("同步服务器返回错误（HTTP {status}），请确认服务器地址"),
        )),
    }
}

fn unreachable(e: ureq::Error) -> TransportError {
    TransportError::Unreachable(e.to_string())
}

fn refused(code: &str, message: String) -> TransportError {
    TransportError::Refused(ErrorReply {
        code: code.to_string(),
        message,
        entry: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use frontdesk_sync_proto::PROTOCOL;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpListener;

    /// Serves one request with `status` and `body`; returns the base URL and a handle giving the
    /// request's head and body.
    fn serve_once(
        status: u16,
        body: &'static str,
    ) -> (String, std::thread::JoinHandle<(String, String)>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let handle = std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            let mut length = 0;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap();
                }
                if line == "\r\n" {
                    break;
                }
                head.push_str(&line);
            }
            let mut request_body = vec![0; length];
            reader.read_exact(&mut request_body).unwrap();
            let mut stream = stream;
            write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{body}",
                body.len()
            )
            .unwrap();
            (head, String::from_utf8(request_body).unwrap())
        });
        (base, handle)
    }

    fn pull() -> PullRequest {
        PullRequest {
            protocol: PROTOCOL,
            after: 7,
            limit: 10,
        }
    }

    #[test]
    fn a_call_posts_json_with_the_bearer_token() {
        let (base, server) = serve_once(200, r#"{"changes":[],"cursor":7,"more":false}"#);
        let reply = Client::new(&format!("{base}/"), "secret")
            .pull(&pull())
            .unwrap();
        assert_eq!(reply.cursor, 7);
        let (head, body) = server.join().unwrap();
        assert!(head.starts_with("POST /v1/pull HTTP/1.1"), "{head}");
        assert!(
            head.contains("authorization: Bearer secret")
                || head.contains("Authorization: Bearer secret"),
            "{head}"
        );
        let sent: PullRequest = serde_json::from_str(&body).unwrap();
        assert_eq!(sent, pull());
    }

    #[test]
    fn an_error_body_is_the_servers_reply() {
        let (base, server) = serve_once(
            403,
            r#"{"code":"forbidden_estate","message":"本机无权同步该管理处"}"#,
        );
        match Client::new(&base, "t").pull(&pull()) {
            Err(TransportError::Refused(e)) => {
                assert_eq!(e.code, "forbidden_estate");
                assert_eq!(e.message, "本机无权同步该管理处");
            }
            other => panic!("{other:?}"),
        }
        server.join().unwrap();
    }

    #[test]
    fn an_unavailable_server_or_no_server_is_offline() {
        let (base, server) = serve_once(503, "<html>maintenance</html>");
        assert!(matches!(
            Client::new(&base, "t").pull(&pull()),
            Err(TransportError::Unreachable(_))
        ));
        server.join().unwrap();
        // Nothing listens on the port any more.
        assert!(matches!(
            Client::new(&base, "t").pull(&pull()),
            Err(TransportError::Unreachable(_))
        ));
    }

    #[test]
    fn enrol_sends_no_token() {
        let (base, server) = serve_once(
            200,
            r#"{"desk_id":"d","desk_prefix":"B","token":"tok","estates":[]}"#,
        );
        let reply = enrol(
            &base,
            &EnrolRequest {
                protocol: PROTOCOL,
                code: "ABCD-1234".into(),
                desk_name: "前台2".into(),
            },
        )
        .unwrap();
        assert_eq!(reply.desk_prefix, "B");
        let (head, _) = server.join().unwrap();
        assert!(head.starts_with("POST /v1/enrol "));
        assert!(!head.to_ascii_lowercase().contains("authorization"));
    }
}
