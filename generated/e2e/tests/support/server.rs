//! A scripted HTTP/1.1 server on 127.0.0.1 for the client tests and the adapters' benchmark.
//!
//! Each case is a path `/case/N` with a script of steps; the K-th request to a case gets
//! its K-th step (the last step repeats). A step answers, drops the connection without an
//! answer, or holds the request until the server stops. Every request is logged with the
//! tokio clock's time of arrival, so a test with the clock paused reads each wait the
//! client made. The server answers at most [`Server::MAX_REQUESTS`] requests, listens on
//! 127.0.0.1 only, and stops when dropped.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// What the server does with one request.
#[derive(Clone, Debug)]
pub enum Step {
    /// Answers with this status, these headers and this body.
    Reply {
        /// The HTTP status.
        status: u16,
        /// The headers, in order.
        headers: Vec<(String, String)>,
        /// The body.
        body: String,
    },
    /// Reads the request and closes the connection without an answer.
    Drop,
    /// Reads the request and never answers (the client times out).
    Hang,
}

impl Step {
    /// An answer with no headers.
    pub fn reply(status: u16, body: &str) -> Step {
        Step::Reply {
            status,
            headers: Vec::new(),
            body: body.to_owned(),
        }
    }

    /// This answer with one more header.
    pub fn with_header(self, name: &str, value: &str) -> Step {
        match self {
            Step::Reply {
                status,
                mut headers,
                body,
            } => {
                headers.push((name.to_owned(), value.to_owned()));
                Step::Reply {
                    status,
                    headers,
                    body,
                }
            }
            other => other,
        }
    }

    /// The plain success every script ends with.
    pub fn ok() -> Step {
        Step::reply(200, r#"{"ok":true}"#)
    }
}

/// One request the server received.
#[derive(Clone, Debug)]
pub struct Hit {
    /// The case the request was for, `None` for a path that names none.
    pub case: Option<usize>,
    /// The request's method.
    pub method: String,
    /// When it arrived, on the tokio clock.
    pub at: Instant,
}

/// Every request so far, and how many each case has had.
#[derive(Default)]
struct Log {
    hits: Vec<Hit>,
    per_case: Vec<usize>,
}

/// What the server shares with its connections.
struct State {
    scripts: Vec<Vec<Step>>,
    max_requests: usize,
    log: Mutex<Log>,
    stop: Notify,
}

/// A running server; dropping it stops the server and every connection.
pub struct Server {
    addr: SocketAddr,
    state: Arc<State>,
    accept: JoinHandle<()>,
}

/// Why a request got no answer; hyper closes the connection on it.
#[derive(Debug)]
struct NoAnswer;

impl std::fmt::Display for NoAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the script drops this connection")
    }
}

impl std::error::Error for NoAnswer {}

impl Server {
    /// Starts a server on 127.0.0.1 on a free port, with one script per case, that answers
    /// at most `max_requests` requests.
    pub async fn start(scripts: Vec<Vec<Step>>, max_requests: usize) -> Server {
        assert!(
            scripts.iter().all(|s| !s.is_empty()),
            "every script needs a step"
        );
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let state = Arc::new(State {
            scripts,
            max_requests,
            log: Mutex::new(Log::default()),
            stop: Notify::new(),
        });
        let shared = Arc::clone(&state);
        let accept = tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            loop {
                let (stream, _) = tokio::select! {
                    accepted = listener.accept() => match accepted {
                        Ok(accepted) => accepted,
                        Err(_) => continue,
                    },
                    () = shared.stop.notified() => break,
                };
                let state = Arc::clone(&shared);
                connections.spawn(async move {
                    let service = service_fn(move |request| answer(Arc::clone(&state), request));
                    // A dropped connection ends here with an error; that is the point.
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
            connections.shutdown().await;
        });
        Server {
            addr,
            state,
            accept,
        }
    }

    /// The base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The URL of case `case`.
    pub fn case_url(&self, case: usize) -> String {
        format!("http://{}/case/{case}", self.addr)
    }

    /// Every request so far.
    pub fn hits(&self) -> Vec<Hit> {
        self.state
            .log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .hits
            .clone()
    }

    /// The arrival times of the requests for `case`, in order.
    pub fn arrivals(&self, case: usize) -> Vec<Instant> {
        self.hits()
            .into_iter()
            .filter(|hit| hit.case == Some(case))
            .map(|hit| hit.at)
            .collect()
    }

    /// Stops the server: no more connections, held requests are dropped.
    pub async fn stop(mut self) {
        self.state.stop.notify_waiters();
        self.accept.abort();
        let _ = (&mut self.accept).await;
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.state.stop.notify_waiters();
        self.accept.abort();
    }
}

/// The case a path names: `/case/N`.
fn case_of(path: &str) -> Option<usize> {
    path.strip_prefix("/case/")?.parse().ok()
}

/// Answers one request from its case's script.
async fn answer(
    state: Arc<State>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, NoAnswer> {
    let case = case_of(request.uri().path());
    let (seen, total) = {
        let mut log = state.log.lock().unwrap_or_else(PoisonError::into_inner);
        log.hits.push(Hit {
            case,
            method: request.method().as_str().to_owned(),
            at: Instant::now(),
        });
        let seen = match case {
            Some(case) => {
                if log.per_case.len() <= case {
                    log.per_case.resize(case + 1, 0);
                }
                log.per_case[case] += 1;
                log.per_case[case] - 1
            }
            None => 0,
        };
        (seen, log.hits.len())
    };
    let step = match case.and_then(|case| state.scripts.get(case)) {
        Some(_) if total > state.max_requests => Step::reply(599, "request bound reached"),
        Some(script) => script[seen.min(script.len() - 1)].clone(),
        None => Step::reply(404, "no such case"),
    };
    match step {
        Step::Reply {
            status,
            headers,
            body,
        } => {
            let mut response = Response::builder().status(status);
            for (name, value) in headers {
                response = response.header(name, value);
            }
            Ok(response
                .body(Full::new(Bytes::from(body)))
                .expect("a valid scripted response"))
        }
        Step::Drop => Err(NoAnswer),
        Step::Hang => {
            state.stop.notified().await;
            Err(NoAnswer)
        }
    }
}
