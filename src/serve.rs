//! Accepting and serving connections.
//!
//! Every connection is served by hyper (HTTP/1.1 and HTTP/2), as `axum::serve` would, except
//! one kind: a connection whose first request opens the live stream (`GET /api/v1/live`).
//! Thousands of browsers hold such a connection for a whole shift and receive a few small
//! writes a second on it. For those, the router answers the request as it answers any other
//! (sessions, authentication, validation, every layer), and then the stream's frames are
//! written straight to the socket, the response delimited by closing the connection. That
//! spares each of them hyper's two connection buffers (16 KiB) and its framing of every write.
//! A live stream opened on a connection that already served other requests goes through hyper
//! like any request; both ways send the same frames.
//!
//! What a connection may hold ([`ConnectionLimits`]): a request head must arrive whole within
//! 10 s of the connection's opening (the first) or of the previous answer (the next ones, by
//! hyper's header timer, which runs from the moment a kept-alive connection waits for its next
//! request: so an idle HTTP/1.1 connection is closed 10 s after its last answer too); an
//! HTTP/2 connection whose peer stops answering pings is closed; and at most `max_open`
//! connections are open at once, the next ones answered 429 and closed unread.

use app::i18n::td_string;
use app::lang::current;
use axum::{
    Router,
    body::{Body, Bytes},
    extract::ConnectInfo,
    http::{HeaderName, HeaderValue, Method, Request, StatusCode, Version, header},
    response::IntoResponse,
};
use bytes::BytesMut;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::conn::auto::Builder,
    service::TowerToHyperService,
};
use std::{
    future::Future,
    io,
    net::SocketAddr,
    pin::{Pin, pin},
    task::{Context, Poll},
    time::Duration,
};
use tokio::{
    io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::{OwnedSemaphorePermit, Semaphore, watch},
};
use tower::ServiceExt;

use crate::api::live::{LiveStream, Stream, next_write};
use crate::live::Resume;
use std::sync::Arc;
use std::time::Instant;

/// The path of the live stream.
const LIVE: &str = "/api/v1/live";
/// A request head larger than this is left to hyper, which refuses it.
const MAX_HEAD: usize = 16 * 1024;
/// How long a connection may take to send a whole request head: from its opening for the
/// first, from the previous answer for the next ones on a kept-alive connection.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// The connections open at once by default: room for the board's thousands of live streams
/// (each holds one for a shift) with the rest of the traffic beside them.
pub const DEFAULT_MAX_OPEN: usize = 16_384;
/// File descriptors kept for what is not a client connection (the listener, the database,
/// the site's files, the log) when the cap is checked against the process's limit.
pub const RESERVED_DESCRIPTORS: usize = 256;
/// An HTTP/2 peer is pinged after this long without a frame, and its connection closed if it
/// does not answer within as long again.
const HTTP2_PING: Duration = Duration::from_secs(20);
/// Connections being refused at once (each holds a socket for at most a second or two); a
/// flood beyond them is closed without an answer.
const MAX_REFUSING: usize = 256;
/// How long a refused connection is given to take its answer and close.
const REFUSAL_GRACE: Duration = Duration::from_secs(1);
/// What a refused connection is told to wait, in seconds.
const RETRY_AFTER_SECS: u64 = 5;

/// What the server holds open: how long a request head may take and how many connections.
#[derive(Debug, Clone)]
pub struct ConnectionLimits {
    /// Open connections at once (live streams included); the next are answered 429.
    pub max_open: usize,
    /// See [`HEAD_TIMEOUT`].
    pub head_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            max_open: DEFAULT_MAX_OPEN,
            head_timeout: HEAD_TIMEOUT,
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves; then stops accepting, lets every
/// connection finish (hyper's graceful shutdown; live streams end when the live hub closes)
/// and returns.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let max_open = within_descriptor_limit(limits.max_open);
    let open = Arc::new(Semaphore::new(max_open));
    let refusing = Arc::new(Semaphore::new(MAX_REFUSING));
    let refusal = Bytes::from(refusal(max_open).await);
    let head_timeout = limits.head_timeout;
    // Dropping `stop_rx` tells every connection to finish.
    let (stop_tx, stop_rx) = watch::channel(());
    tokio::spawn(async move {
        shutdown.await;
        drop(stop_rx);
    });
    // Every connection task holds a receiver; when all are gone, so are the connections.
    let (done_tx, done_rx) = watch::channel(());
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(connection) => connection,
                Err(error) => {
                    accept_failed(error).await;
                    continue;
                }
            },
            _ = stop_tx.closed() => break,
        };
        // Frames and answers are written whole; waiting to coalesce them only adds latency.
        let _ = stream.set_nodelay(true);
        let Ok(permit) = open.clone().try_acquire_owned() else {
            metrics::counter!(crate::exporter::CONNECTIONS_REFUSED).increment(1);
            if let Ok(refusing) = refusing.clone().try_acquire_owned() {
                tokio::spawn(refuse(stream, refusal.clone(), refusing));
            }
            continue;
        };
        let (router, stop, done) = (router.clone(), stop_tx.clone(), done_rx.clone());
        tokio::spawn(async move {
            connection(stream, remote, router, stop, head_timeout).await;
            drop(permit);
            drop(done);
        });
    }
    drop(done_rx);
    drop(listener);
    done_tx.closed().await;
    Ok(())
}

/// Too many open files and the like: wait a moment rather than spin (as hyper and axum do).
async fn accept_failed(error: io::Error) {
    if matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(%error, "accepting a connection");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// The cap, lowered to what the process's file descriptors allow (after raising their soft
/// limit to the hard one), so that a full server refuses with an answer rather than failing
/// to accept.
fn within_descriptor_limit(max_open: usize) -> usize {
    let Some(descriptors) = raise_descriptor_limit() else {
        return max_open;
    };
    let allowed = descriptors.saturating_sub(RESERVED_DESCRIPTORS).max(1);
    if allowed < max_open {
        tracing::warn!(
            max_open,
            descriptors,
            allowed,
            "the process may open {descriptors} files: at most {allowed} connections are accepted at once, not {max_open} (raise `ulimit -n` to {} for all of them)",
            max_open + RESERVED_DESCRIPTORS
        );
    }
    allowed.min(max_open)
}

/// Raises the soft limit of open files to the hard limit; returns the limit now in force.
#[cfg(unix)]
fn raise_descriptor_limit() -> Option<usize> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `limit` is a valid `rlimit` for the call to fill and then read.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return None;
    }
    if limit.rlim_cur < limit.rlim_max {
        let raised = libc::rlimit {
            rlim_cur: limit.rlim_max,
            rlim_max: limit.rlim_max,
        };
        // SAFETY: as above; a refusal leaves the soft limit as it was.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            limit = raised;
        }
    }
    Some(usize::try_from(limit.rlim_cur).unwrap_or(usize::MAX))
}

#[cfg(not(unix))]
fn raise_descriptor_limit() -> Option<usize> {
    None
}

/// The whole answer a connection beyond the cap gets: 429, when to try again, and why.
async fn refusal(max_open: usize) -> Vec<u8> {
    let response = app::AppError::TooManyAttempts {
        message: td_string!(
            current(),
            api.connections_full,
            max = max_open,
            seconds = RETRY_AFTER_SECS
        )
        .to_string(),
        retry_after_secs: RETRY_AFTER_SECS,
    }
    .into_response();
    let (parts, body) = response.into_parts();
    let content = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let mut out = response_head(&parts);
    out.extend_from_slice(format!("content-length: {}\r\n\r\n", content.len()).as_bytes());
    out.extend_from_slice(&content);
    out
}

/// Answers a connection beyond the cap without reading its request, then closes it. What the
/// client sent meanwhile is drained for a moment, so that closing does not reset the
/// connection before the client has read the answer.
async fn refuse(mut stream: TcpStream, answer: Bytes, _refusing: OwnedSemaphorePermit) {
    let _ = tokio::time::timeout(REFUSAL_GRACE, async {
        stream.write_all(&answer).await?;
        stream.shutdown().await?;
        let mut scratch = [0u8; 1024];
        while stream.read(&mut scratch).await? > 0 {}
        io::Result::Ok(())
    })
    .await;
}

async fn connection(
    mut stream: TcpStream,
    remote: SocketAddr,
    router: Router,
    stop: watch::Sender<()>,
    head_timeout: Duration,
) {
    let mut head = BytesMut::with_capacity(2048);
    let read = tokio::select! {
        read = tokio::time::timeout(head_timeout, read_head(&mut stream, &mut head)) => read,
        _ = stop.closed() => return,
    };
    if !matches!(read, Ok(Ok(()))) || head.is_empty() {
        return;
    }
    match live_request(&head) {
        Some(request) => {
            drop(head);
            live(stream, remote, router, request).await
        }
        None => {
            let io = Rewind {
                prefix: head.freeze(),
                inner: stream,
            };
            // Boxed: hyper's connection state is large, and a live stream's task never needs it.
            Box::pin(with_hyper(io, remote, router, stop, head_timeout)).await
        }
    }
}

/// Reads until the end of the first request head, the size limit, or the end of the stream.
async fn read_head(stream: &mut TcpStream, head: &mut BytesMut) -> io::Result<()> {
    loop {
        if head.len() >= MAX_HEAD || end_of_head(head).is_some() {
            return Ok(());
        }
        if stream.read_buf(head).await? == 0 {
            return Ok(());
        }
    }
}

fn end_of_head(bytes: &[u8]) -> Option<usize> {
    bytes.windows(4).position(|w| w == b"\r\n\r\n")
}

/// The first request, when it is an HTTP/1.1 `GET` of the live stream with nothing after it.
/// Anything else (another path, a body, HTTP/2, a malformed head) is hyper's to answer.
fn live_request(head: &[u8]) -> Option<Request<Body>> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Request::new(&mut headers);
    let httparse::Status::Complete(length) = parsed.parse(head).ok()? else {
        return None;
    };
    let path = parsed.path?;
    let live_path = path == LIVE || path.strip_prefix(LIVE)?.starts_with('?');
    if length != head.len() || parsed.method? != "GET" || parsed.version? != 1 || !live_path {
        return None;
    }
    let mut request = Request::builder()
        .method(Method::GET)
        .uri(path)
        .version(Version::HTTP_11);
    for h in parsed.headers.iter() {
        let name = HeaderName::from_bytes(h.name.as_bytes()).ok()?;
        if name == header::CONTENT_LENGTH && h.value != b"0" || name == header::TRANSFER_ENCODING {
            return None;
        }
        request = request.header(name, HeaderValue::from_bytes(h.value).ok()?);
    }
    request.body(Body::empty()).ok()
}

/// Answers a live-stream request through the router, then writes the stream to the socket.
async fn live(
    mut stream: TcpStream,
    remote: SocketAddr,
    router: Router,
    mut request: Request<Body>,
) {
    request.extensions_mut().insert(ConnectInfo(remote));
    // Boxed, so that the router's future (every layer's state) is freed once it has answered
    // rather than sized into a task that lives as long as the stream.
    let Ok(response) = Box::pin(router.oneshot(request)).await;
    let (parts, body) = response.into_parts();
    let mut out = response_head(&parts);
    let started = (parts.status == StatusCode::OK)
        .then(|| parts.extensions.get::<LiveStream>()?.take())
        .flatten();
    let Some(started) = started else {
        // A refusal (sign-in needed, a bad position…): the whole answer, then close.
        let Ok(collected) = body.collect().await else {
            return;
        };
        let content = collected.to_bytes();
        out.extend_from_slice(format!("content-length: {}\r\n\r\n", content.len()).as_bytes());
        out.extend_from_slice(&content);
        let _ = stream.write_all(&out).await;
        let _ = stream.shutdown().await;
        return;
    };
    // Only what the stream needs is kept for the hours it may last.
    drop((parts, body));
    out.extend_from_slice(b"\r\n");
    direct(Arc::new(stream), out, started).await;
}

/// Writes a started stream to its socket: the head and the first frame, then each change.
/// While it has nothing pending the stream is parked with a fan-out thread of the live hub,
/// which writes its changes itself ([`crate::live::LiveHub::park`]); it comes back here when
/// its socket does not take a write whole, and goes on from the journal.
async fn direct(socket: Arc<TcpStream>, mut first: Vec<u8>, started: Stream) {
    let Stream {
        hello,
        mut follow,
        quiet_for,
        hub,
    } = started;
    first.extend_from_slice(&hello);
    if write_all(&socket, &first).await.is_err() {
        return;
    }
    drop(first);
    let pool = follow.pool().clone();
    let grant = follow.grant().clone();
    let mut last_write = Instant::now();
    loop {
        if let Some(parking) = hub.park(&follow, &socket, last_write) {
            // A fan-out thread writes it now: its place in the broadcast is not needed.
            drop(follow);
            let resumed = tokio::select! {
                resumed = parking.resume => resumed.ok(),
                // Dropping the parking lets the fan-out thread forget the stream.
                _ = closed_by_peer(&socket) => None,
            };
            let (rest, last) = match resumed {
                Some(Resume::Behind { rest, last }) => (rest, last),
                Some(Resume::Ended) => {
                    let _ = write_all(&socket, &grant.ended_frame()).await;
                    return;
                }
                _ => return,
            };
            if write_all(&socket, &rest).await.is_err() {
                return;
            }
            last_write = Instant::now();
            follow = hub.follow(pool.clone(), grant.clone(), Some(last)).await;
        }
        let next = tokio::select! {
            next = next_write(&mut follow, &mut last_write, quiet_for) => next,
            _ = closed_by_peer(&socket) => None,
        };
        match next {
            // Woken with nothing to send: perhaps it can be parked now.
            Some(None) => {}
            Some(Some(bytes)) if write_all(&socket, &bytes).await.is_ok() => {}
            _ => return,
        }
    }
}

async fn write_all(socket: &TcpStream, mut data: &[u8]) -> io::Result<()> {
    while !data.is_empty() {
        socket.writable().await?;
        match socket.try_write(data) {
            Ok(n) => data = &data[n..],
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Resolves when the client has closed its side (a browser sends nothing on this connection).
async fn closed_by_peer(socket: &TcpStream) {
    let mut scratch = [0u8; 64];
    loop {
        if socket.readable().await.is_err() {
            return;
        }
        match socket.try_read(&mut scratch) {
            Ok(0) => return,
            Ok(_) => continue,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(_) => return,
        }
    }
}

/// Status line and headers of a response the connection will close after.
fn response_head(parts: &axum::http::response::Parts) -> Vec<u8> {
    let mut out = Vec::with_capacity(512);
    let status = parts.status;
    out.extend_from_slice(
        format!(
            "HTTP/1.1 {} {}\r\ndate: {}\r\nconnection: close\r\n",
            status.as_u16(),
            status.canonical_reason().unwrap_or(""),
            chrono::Utc::now().format("%a, %d %b %Y %H:%M:%S GMT")
        )
        .as_bytes(),
    );
    for (name, value) in &parts.headers {
        if matches!(
            name,
            &header::CONNECTION | &header::CONTENT_LENGTH | &header::TRANSFER_ENCODING
        ) || name.as_str() == "keep-alive"
        {
            continue;
        }
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Every other connection: hyper, HTTP/1.1 or HTTP/2, finishing gracefully at shutdown.
async fn with_hyper<I>(
    io: I,
    remote: SocketAddr,
    router: Router,
    stop: watch::Sender<()>,
    head_timeout: Duration,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = router.map_request(move |request: Request<Incoming>| {
        let mut request = request.map(Body::new);
        request.extensions_mut().insert(ConnectInfo(remote));
        request
    });
    let mut builder = Builder::new(TokioExecutor::new());
    // The header timer starts whenever the connection waits for a request: it bounds both a
    // head sent slowly and the idle time of a kept-alive connection.
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(head_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(HTTP2_PING)
        .keep_alive_timeout(HTTP2_PING);
    let mut connection = pin!(
        builder.serve_connection_with_upgrades(TokioIo::new(io), TowerToHyperService::new(service))
    );
    // Once told to stop, the connection finishes what it is answering and closes; the signal is
    // awaited once only (a finished future must not be polled again).
    let result = tokio::select! {
        result = connection.as_mut() => result,
        () = stop.closed() => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(error) = result {
        tracing::trace!(%error, "connection ended");
    }
}

/// A connection whose first bytes were already read: they are read again first.
struct Rewind {
    prefix: Bytes,
    inner: TcpStream,
}

impl AsyncRead for Rewind {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if !self.prefix.is_empty() {
            let n = self.prefix.len().min(buf.remaining());
            let taken = self.prefix.split_to(n);
            buf.put_slice(&taken);
            if self.prefix.is_empty() {
                // Give the head's buffer back now rather than with the connection.
                self.prefix = Bytes::new();
            }
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Rewind {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_plain_first_request_for_the_live_stream_is_taken_from_hyper() {
        let live = b"GET /api/v1/live?after=3 HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 7\r\n\r\n";
        let request = live_request(live).expect("a live request");
        assert_eq!(request.uri().path(), "/api/v1/live");
        assert_eq!(request.uri().query(), Some("after=3"));
        assert_eq!(request.headers()["last-event-id"], "7");
        assert!(live_request(b"GET /api/v1/live HTTP/1.1\r\nHost: x\r\n\r\n").is_some());
        for other in [
            &b"GET /api/v1/livestock HTTP/1.1\r\nHost: x\r\n\r\n"[..],
            b"GET /api/v1/holds HTTP/1.1\r\nHost: x\r\n\r\n",
            b"POST /api/v1/live HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}",
            b"GET /api/v1/live HTTP/1.0\r\nHost: x\r\n\r\n",
            // A second request pipelined behind the first.
            b"GET /api/v1/live HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\n\r\n",
            b"GET /api/v1/live HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
            b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
            b"GET /api/v1/live HTTP/1.1\r\nHost: x\r\n",
        ] {
            assert!(
                live_request(other).is_none(),
                "{}",
                String::from_utf8_lossy(other)
            );
        }
    }

    /// A request being answered when the server is told to stop is answered whole before the
    /// server returns: a write it carries out is never left without its answer (a proxy would
    /// report a failure, and the write be sent again and made twice).
    #[tokio::test]
    async fn a_request_under_way_at_shutdown_gets_its_whole_answer() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let carried_out = Arc::new(AtomicUsize::new(0));
        let started = Arc::new(tokio::sync::Notify::new());
        let router = Router::new().route(
            "/slow",
            axum::routing::post({
                let (carried_out, started) = (carried_out.clone(), started.clone());
                move || async move {
                    started.notify_one();
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    carried_out.fetch_add(1, Ordering::SeqCst);
                    "written"
                }
            }),
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve(
            listener,
            router,
            ConnectionLimits::default(),
            async move {
                let _ = stopped.await;
            },
        ));
        let mut client = TcpStream::connect(address).await.unwrap();
        // A first request answered on the kept-alive connection, then the one under way.
        for path in ["/missing", "/slow"] {
            let request = format!("POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
            client.write_all(request.as_bytes()).await.unwrap();
            if path == "/missing" {
                let mut head = [0u8; 512];
                let n = client.read(&mut head).await.unwrap();
                assert!(String::from_utf8_lossy(&head[..n]).starts_with("HTTP/1.1 404"));
            }
        }
        started.notified().await;
        stop.send(()).unwrap();
        let mut answer = String::new();
        tokio::time::timeout(Duration::from_secs(5), client.read_to_string(&mut answer))
            .await
            .expect("the answer within 5 s")
            .expect("the answer, not a reset connection");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.ends_with("written"), "{answer}");
        assert_eq!(carried_out.load(Ordering::SeqCst), 1);
        tokio::time::timeout(Duration::from_secs(5), server)
            .await
            .expect("the server returns once the answer is written")
            .unwrap()
            .unwrap();
    }

    #[tokio::test]
    async fn a_rewound_connection_reads_its_first_bytes_again() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let client = tokio::spawn(async move {
            let mut s = TcpStream::connect(address).await.unwrap();
            s.write_all(b" world").await.unwrap();
        });
        let (inner, _) = listener.accept().await.unwrap();
        let mut rewound = Rewind {
            prefix: Bytes::from_static(b"hello"),
            inner,
        };
        let mut all = String::new();
        client.await.unwrap();
        rewound.read_to_string(&mut all).await.unwrap();
        assert_eq!(all, "hello world");
    }
}
