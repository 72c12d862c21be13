//! Parked streams and the fan-out threads that write to them. A stream with nothing pending is
//! handed to one of the threads ([`LiveHub::park`]), which writes its changes straight to its
//! socket, without waking the stream's task. Each thread makes rolling passes round its
//! streams: a pass writes to each stream what it may see of the changes it has not had, looked
//! up in the tail at the moment of that write, as one buffer (streams at the same position
//! with the same sight are sent the same bytes, built once per pass). Only a socket that does
//! not take a write whole, or a stream behind the tail, goes back to its task ([`Resume`]).

use super::tail::Tail;
use super::{Follow, Grant, Inner, LiveHub};
use app::domain::Principal;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

/// A fan-out thread starts a pass at most this often once its passes take half of it, so that
/// with thousands of streams a stream gets at most ten writes a second however busy the
/// journal is, and the passes leave the machine time for the requests and the clients time to
/// read. Shorter passes (fewer streams) may follow each other sooner: twice their length.
const PASS_EVERY: Duration = Duration::from_millis(100);
/// At most this many changes go out in one write to a parked stream; the rest follow in the
/// next pass.
const WRITE_CHANGES: usize = 512;

const KEEP_ALIVE_COMMENT: &[u8] = b": keep-alive\n\n";

/// The parked streams of one fan-out thread: the thread owns those it holds; new ones wait in
/// `incoming` until its next pass.
#[derive(Default)]
pub(super) struct Shard {
    incoming: std::sync::Mutex<Incoming>,
    /// How many streams the thread held after its last pass.
    held: AtomicUsize,
}

#[derive(Default)]
struct Incoming {
    streams: Vec<Parked>,
    /// The thread has ended (shutdown): nothing may be parked with it any more.
    ended: bool,
}

/// A stream with nothing pending, written by a fan-out thread: each pass writes what the reader
/// may see straight to its socket, without waking the stream's task. A socket that does not
/// take the whole write sends the stream back to its task ([`Resume`]); a task that ends (its
/// client went away) drops its [`Parking`], and the thread lets the stream go.
struct Parked {
    socket: Arc<TcpStream>,
    /// Its right to read: a pass sends the stream back once it has ended, and reads with its
    /// principal as of version `seen`.
    grant: Arc<Grant>,
    seen: u64,
    reader: Principal,
    last: i64,
    last_write: Instant,
    resume: oneshot::Sender<Resume>,
    /// The hub's count of database losses when it was parked: it ends when that moves.
    interruption: u64,
}

/// Why a parked stream is handed back to its task.
#[derive(Debug)]
pub enum Resume {
    /// Its socket took only part of a write: `rest` is still to be written, then the stream
    /// goes on after `last` (catching up from the journal if it must).
    Behind { rest: bytes::Bytes, last: i64 },
    /// Its access ended: the task tells the client why and closes the connection.
    Ended,
    /// The server is shutting down, or the database was lost: the stream ends.
    Closing,
}

/// A stream parked with a fan-out thread: `resume` says when its task must take it back.
/// Dropping it lets the stream go.
pub struct Parking {
    pub resume: oneshot::Receiver<Resume>,
}

impl Inner {
    /// Wakes the fan-out threads.
    pub(super) fn signal(&self) {
        *self.signal.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.signalled.notify_all();
    }

    /// One pass round `streams`: writes to each what it may see of the changes it has not had,
    /// or a comment when it has been silent for half the keep-alive; lets go of streams whose
    /// task has ended and sends back those whose socket did not take a write whole.
    fn pass(&self, streams: &mut Vec<Parked>) {
        let quiet_for = self.keep_alive / 2;
        let interruptions = self.interruptions.load(Ordering::Acquire);
        let mut tail = self.tail();
        let mut prepared = None;
        let mut now = Instant::now();
        let mut index = 0;
        let mut delivered = 0;
        while index < streams.len() {
            if index % 64 == 0 {
                now = Instant::now();
                // What was published meanwhile goes out in this pass too.
                tail = self.tail();
            }
            let stream = &mut streams[index];
            if stream.resume.is_closed() {
                streams.swap_remove(index);
                continue;
            }
            // The database was lost: the stream ends as at shutdown (see `lost_database`).
            if stream.interruption != interruptions {
                let _ = streams.swap_remove(index).resume.send(Resume::Closing);
                continue;
            }
            // Two atomic loads a stream: whether its access ended, whether its sight changed.
            if stream.grant.ended().is_some() {
                let _ = streams.swap_remove(index).resume.send(Resume::Ended);
                continue;
            }
            let version = stream.grant.version();
            if version != stream.seen {
                stream.reader = stream.grant.principal();
                stream.seen = version;
            }
            match write_parked(stream, &tail, &mut prepared, now, quiet_for, &mut delivered) {
                Written::Whole => index += 1,
                Written::Part(rest) => {
                    let stream = streams.swap_remove(index);
                    self.sent_back.fetch_add(1, Ordering::Relaxed);
                    let _ = stream.resume.send(Resume::Behind {
                        rest,
                        last: stream.last,
                    });
                }
                // The connection is broken: its task finds out and ends.
                Written::Broken => {
                    streams.swap_remove(index);
                }
            }
        }
        self.delivered.fetch_add(delivered, Ordering::Relaxed);
    }
}

/// What became of a write to a parked stream.
enum Written {
    /// All of it (or nothing was due).
    Whole,
    /// The socket took only part: the rest, for the stream's task.
    Part(bytes::Bytes),
    Broken,
}

/// What a pass last prepared for a stream: the next stream at the same position with the
/// same sight (role, ports) is sent the same bytes, built once. Streams that were written
/// together in the previous pass sit together, so most of a pass writes one buffer.
struct Prepared {
    tail: Arc<Tail>,
    last: i64,
    reader: Principal,
    /// The last change looked at (sent or not visible).
    through: i64,
    frames: bytes::Bytes,
    /// The changes in `frames`.
    events: u64,
}

impl Prepared {
    fn new(tail: &Arc<Tail>, last: i64, reader: &Principal) -> Prepared {
        let mut through = last;
        let mut frames = Vec::new();
        let mut events = 0;
        for published in tail.after(last).take(WRITE_CHANGES) {
            through = published.event.seq;
            if published.event.visible_to(reader) {
                frames.extend_from_slice(&published.frame);
                events += 1;
            }
        }
        Prepared {
            tail: tail.clone(),
            last,
            reader: reader.clone(),
            through,
            frames: frames.into(),
            events,
        }
    }

    /// Whether a stream at `last` reading as `reader` gets exactly these bytes from `tail`.
    fn fits(&self, tail: &Arc<Tail>, last: i64, reader: &Principal) -> bool {
        self.last == last
            && Arc::ptr_eq(&self.tail, tail)
            && self.reader.role == reader.role
            && self.reader.active == reader.active
            && self.reader.ports == reader.ports
    }
}

/// Writes to one parked stream what it may see of the changes in `tail` it has not had, and
/// adds the changes it sent (whole or in part, its task sending the rest) to `delivered`.
fn write_parked(
    stream: &mut Parked,
    tail: &Arc<Tail>,
    prepared: &mut Option<Prepared>,
    now: Instant,
    quiet_for: Duration,
    delivered: &mut u64,
) -> Written {
    if stream.last < tail.floor {
        // Too far behind for the tail: its task catches up from the journal.
        return Written::Part(bytes::Bytes::new());
    }
    let fresh = match prepared {
        Some(p) if p.fits(tail, stream.last, &stream.reader) => p,
        _ => prepared.insert(Prepared::new(tail, stream.last, &stream.reader)),
    };
    stream.last = fresh.through;
    let frames = if fresh.frames.is_empty() {
        if now.duration_since(stream.last_write) < quiet_for {
            return Written::Whole;
        }
        bytes::Bytes::from_static(KEEP_ALIVE_COMMENT)
    } else {
        *delivered += fresh.events;
        fresh.frames.clone()
    };
    stream.last_write = now;
    let written = match stream.socket.try_write(&frames) {
        Ok(n) => n,
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => 0,
        Err(_) => return Written::Broken,
    };
    if written == frames.len() {
        Written::Whole
    } else {
        Written::Part(frames.slice(written..))
    }
}

/// Writing to thousands of sockets is bulk work: the fan-out threads run at a lower priority
/// than the runtime's workers, so that requests, commits and the pump that publishes them come
/// first and the passes take the time left.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: two system calls about the calling thread, with no memory passed.
    unsafe {
        let thread = libc::gettid() as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, thread, 5);
    }
}

/// A fan-out thread: waits for something new (or the keep-alive tick), then makes a pass
/// round its streams; at shutdown hands them back to their tasks and ends. It holds the hub
/// weakly, taking hold of it again for each round, so that it also ends once the hub is gone.
pub(super) fn fan_out(inner: &std::sync::Weak<Inner>, shard: usize) {
    let mut streams: Vec<Parked> = Vec::new();
    let mut seen = 0;
    lower_priority();
    let mut next_pass = Instant::now();
    while let Some(inner) = inner.upgrade() {
        {
            let until = Instant::now() + inner.keep_alive / 2;
            let mut signal = inner.signal.lock().unwrap_or_else(|e| e.into_inner());
            while *signal == seen && !inner.closed.load(Ordering::Acquire) {
                let left = until.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break;
                }
                signal = inner
                    .signalled
                    .wait_timeout(signal, left)
                    .map_or_else(|e| e.into_inner().0, |(signal, _)| signal);
            }
            seen = *signal;
        }
        if let Some(rest) = next_pass.checked_duration_since(Instant::now()) {
            std::thread::sleep(rest);
        }
        let shard = &inner.shards[shard];
        {
            let mut incoming = shard.incoming.lock().unwrap_or_else(|e| e.into_inner());
            streams.append(&mut incoming.streams);
            if inner.closed.load(Ordering::Acquire) {
                incoming.ended = true;
                for stream in streams.drain(..) {
                    let _ = stream.resume.send(Resume::Closing);
                }
                shard.held.store(0, Ordering::Relaxed);
                return;
            }
        }
        let started = Instant::now();
        inner.pass(&mut streams);
        next_pass = started + PASS_EVERY.min(started.elapsed() * 2);
        shard.held.store(streams.len(), Ordering::Relaxed);
    }
}

impl LiveHub {
    /// Hands a stream with nothing pending to a fan-out thread, which then writes its changes
    /// straight to `socket` until the socket does not take a write whole (or the server shuts
    /// down); the caller then drops `follow` and waits for [`Parking::resume`]. `None` for a
    /// stream that still has something to send or is behind the changes the threads keep: it
    /// goes on reading `follow`.
    pub fn park(
        &self,
        follow: &Follow,
        socket: &Arc<TcpStream>,
        last_write: Instant,
    ) -> Option<Parking> {
        if !follow.nothing_pending() {
            return None;
        }
        // Every change after the tail's floor is in the tail, published before the broadcast:
        // what this stream has not had yet, the thread finds there.
        if follow.position() < self.inner.tail().floor {
            return None;
        }
        let turn = self.inner.parked_so_far.fetch_add(1, Ordering::Relaxed);
        let shard = &self.inner.shards[turn as usize % self.inner.shards.len()];
        let (resume, resumed) = oneshot::channel();
        {
            let mut incoming = shard.incoming.lock().unwrap_or_else(|e| e.into_inner());
            if incoming.ended {
                return None;
            }
            let grant = follow.grant().clone();
            incoming.streams.push(Parked {
                socket: socket.clone(),
                seen: grant.version(),
                reader: grant.principal(),
                grant,
                last: follow.position(),
                last_write,
                resume,
                interruption: follow.interruption(),
            });
        }
        if follow.position() < self.latest() {
            self.inner.signal();
        }
        Some(Parking { resume: resumed })
    }

    /// How many times a parked stream went back to its task because its socket did not take
    /// a write whole.
    pub fn sent_back(&self) -> u64 {
        self.inner.sent_back.load(Ordering::Relaxed)
    }

    /// How many streams are parked with the fan-out threads.
    pub fn parked(&self) -> usize {
        self.inner
            .shards
            .iter()
            .map(|shard| {
                shard.held.load(Ordering::Relaxed)
                    + shard.incoming.lock().map_or(0, |i| i.streams.len())
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::tail::tests::{batch, of_kinds};
    use app::auth::access::Credential;
    use app::domain::{PortScope, Role};
    use std::collections::VecDeque;

    fn reader(name: &str, role: Role) -> Principal {
        Principal {
            username: name.into(),
            role,
            ports: PortScope::Only(vec!["YYZ".into()]),
            active: true,
        }
    }

    /// A parked stream over a real connection, and the client's end of it.
    async fn parked(
        reader: Principal,
        last: i64,
    ) -> (Parked, TcpStream, oneshot::Receiver<Resume>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (server, _) = listener.accept().await.unwrap();
        let (resume, resumed) = oneshot::channel();
        let grant = Grant::new(0, Credential::Token(0), "test", reader.clone());
        let stream = Parked {
            socket: Arc::new(server),
            grant: Arc::new(grant),
            seen: 0,
            reader,
            last,
            last_write: Instant::now(),
            resume,
            interruption: 0,
        };
        (stream, client, resumed)
    }

    async fn read_ids(client: &mut TcpStream) -> Vec<i64> {
        use tokio::io::AsyncReadExt;
        let mut buffer = vec![0; 64 * 1024];
        let n = tokio::time::timeout(Duration::from_secs(5), client.read(&mut buffer))
            .await
            .unwrap()
            .unwrap();
        String::from_utf8_lossy(&buffer[..n])
            .lines()
            .filter_map(|line| line.strip_prefix("id: ")?.parse().ok())
            .collect()
    }

    #[tokio::test]
    async fn a_pass_writes_each_stream_what_it_may_see_once_and_in_order() {
        // Board changes are for every reader, account changes for administrators only.
        let tail = Arc::new(Tail::default().with(of_kinds([
            (1, "shipment"),
            (2, "account"),
            (3, "hold"),
            (4, "account"),
        ])));
        let now = Instant::now();
        let quiet = Duration::from_secs(60);
        let (mut admin, mut admin_client, _) = parked(reader("a", Role::Admin), 0).await;
        let (mut viewer, mut viewer_client, _) = parked(reader("b", Role::Viewer), 0).await;
        let (mut late, mut late_client, _) = parked(reader("c", Role::Admin), 2).await;
        let mut prepared = None;
        let mut delivered = 0;
        for stream in [&mut admin, &mut viewer, &mut late] {
            assert!(matches!(
                write_parked(stream, &tail, &mut prepared, now, quiet, &mut delivered),
                Written::Whole
            ));
        }
        assert_eq!(
            delivered,
            4 + 2 + 2,
            "each change counted once per stream it reached"
        );
        assert_eq!(read_ids(&mut admin_client).await, [1, 2, 3, 4]);
        assert_eq!(read_ids(&mut viewer_client).await, [1, 3]);
        assert_eq!(read_ids(&mut late_client).await, [3, 4]);
        // Every stream has looked at everything, seen or not: the next pass sends nothing.
        assert_eq!((admin.last, viewer.last, late.last), (4, 4, 4));
        let newer = Arc::new(tail.with(of_kinds([(5, "account")])));
        for stream in [&mut admin, &mut viewer] {
            assert!(matches!(
                write_parked(stream, &newer, &mut prepared, now, quiet, &mut delivered),
                Written::Whole
            ));
        }
        assert_eq!(delivered, 9, "the viewer was sent nothing");
        assert_eq!(read_ids(&mut admin_client).await, [5]);
        assert_eq!(viewer.last, 5, "looked at, and not for a viewer");
    }

    #[tokio::test]
    async fn a_stream_behind_the_tail_goes_back_to_its_task_with_nothing_written() {
        let tail = Arc::new(
            Tail {
                floor: 10,
                batches: VecDeque::new(),
            }
            .with(batch([11, 12])),
        );
        let (mut stream, _client, _) = parked(reader("a", Role::Viewer), 9).await;
        let written = write_parked(
            &mut stream,
            &tail,
            &mut None,
            Instant::now(),
            Duration::from_secs(60),
            &mut 0,
        );
        assert!(matches!(written, Written::Part(rest) if rest.is_empty()));
        assert_eq!(
            stream.last, 9,
            "it resumes from where it was, from the journal"
        );
    }
}
