//! Connections whose answers wait for the rest of the runtime's turn.
//!
//! Each answer written to a client that sleeps on its socket wakes it, and on
//! another core that wake is an inter-processor interrupt: under `wrk` it was
//! the biggest single cost of a request (15 % of the samples). A connection
//! here lets the other connections with a request waiting go first (one turn
//! of the scheduler) before it writes its answer, so the answers of a turn
//! leave together and the first of them wakes the client for all.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// A TCP listener whose connections are [`Connection`]s.
pub(crate) struct Listener(pub TcpListener);

impl axum::serve::Listener for Listener {
    type Io = Connection;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Connection, SocketAddr) {
        let (stream, addr) = axum::serve::Listener::accept(&mut self.0).await;
        let connection = Connection {
            stream,
            turn_given: true,
        };
        (connection, addr)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

pub(crate) struct Connection {
    stream: TcpStream,
    /// Whether the answer to the last request read may be written now.
    turn_given: bool,
}

impl Connection {
    /// Ready once the connection has let the others go first since its last read.
    fn give_turn(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if self.turn_given {
            return Poll::Ready(());
        }
        self.turn_given = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

impl AsyncRead for Connection {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let read = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.turn_given = false;
        }
        read
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        std::task::ready!(self.give_turn(cx));
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        std::task::ready!(self.give_turn(cx));
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::poll_fn;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// Polls a write to `connection` to its end; returns how many polls it took.
    async fn polls_to_write(connection: &mut Connection, bytes: &[u8]) -> usize {
        let mut polls = 0;
        poll_fn(|cx| {
            polls += 1;
            Pin::new(&mut *connection).poll_write(cx, bytes)
        })
        .await
        .expect("write");
        polls
    }

    #[tokio::test]
    async fn an_answer_waits_one_turn_after_its_request_then_writes_at_once() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let mut listener = Listener(listener);
        let mut client = TcpStream::connect(addr).await.expect("connect");
        let (mut server, _) = axum::serve::Listener::accept(&mut listener).await;

        assert_eq!(
            polls_to_write(&mut server, b"hello").await,
            1,
            "nothing read yet"
        );
        client.write_all(b"ping").await.expect("request");
        let mut request = [0; 4];
        server.read_exact(&mut request).await.expect("read");
        assert_eq!(
            polls_to_write(&mut server, b"pong").await,
            2,
            "the answer waited a turn"
        );
        assert_eq!(
            polls_to_write(&mut server, b"!").await,
            1,
            "the rest of it did not"
        );

        let mut answers = [0; 10];
        client.read_exact(&mut answers).await.expect("answers");
        assert_eq!(&answers, b"hellopong!");
    }
}
