//! The SMTP dialogue with the owner's mail server (`SMTP_URL`) over the runtime's TCP sockets:
//! EHLO, STARTTLS when asked for, AUTH PLAIN, MAIL/RCPT/DATA. What goes over the wire and what
//! the replies mean is `protocol::smtp`'s.

use protocol::smtp::{
    auth_plain, is_permanent, message_text, reply_code, SmtpSecurity, SmtpServer,
};
use protocol::OutboxEmail;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use worker::{ConnectionBuilder, SecureTransport, Socket};

/// Why a mail did not go: `permanent` when the server refused it for good (5xx).
pub struct SmtpError {
    pub permanent: bool,
    pub reason: String,
}

fn transient(reason: impl std::fmt::Display) -> SmtpError {
    SmtpError {
        permanent: false,
        reason: reason.to_string(),
    }
}

/// One connection, one mail.
pub async fn send(
    server: &SmtpServer,
    from: &str,
    email: &OutboxEmail,
    message_id: &str,
    date: &str,
) -> Result<(), SmtpError> {
    let transport = match server.security {
        SmtpSecurity::StartTls => SecureTransport::StartTls,
        SmtpSecurity::Tls => SecureTransport::On,
        SmtpSecurity::Plain => SecureTransport::Off,
    };
    let socket = ConnectionBuilder::new()
        .secure_transport(transport)
        .connect(server.host.clone(), server.port)
        .map_err(|e| transient(format!("cannot connect: {e}")))?;
    let mut session = Session::new(socket);
    session.expect(220).await?;
    let helo = from.rsplit('@').next().unwrap_or("localhost");
    let features = session.command(&format!("EHLO {helo}"), 250).await?;
    let features = if server.security == SmtpSecurity::StartTls {
        if !features
            .iter()
            .any(|l| l.to_ascii_uppercase().contains("STARTTLS"))
        {
            return Err(SmtpError {
                permanent: true,
                reason: "the server offers no STARTTLS (use smtp+plain:// only for a server on this machine)".into(),
            });
        }
        session.command("STARTTLS", 220).await?;
        session = Session::new(session.into_socket().start_tls());
        session.command(&format!("EHLO {helo}"), 250).await?
    } else {
        features
    };
    if let Some((user, password)) = &server.login {
        if !features
            .iter()
            .any(|l| l.to_ascii_uppercase().contains("AUTH"))
        {
            return Err(transient("the server offers no AUTH"));
        }
        // A refused login is the configuration's fault, not the mail's: it waits in the
        // outbox for the owner to fix `SMTP_URL`.
        session
            .command(&format!("AUTH PLAIN {}", auth_plain(user, password)), 235)
            .await
            .map_err(|e| transient(e.reason))?;
    }
    session.command(&format!("MAIL FROM:<{from}>"), 250).await?;
    session
        .command(&format!("RCPT TO:<{}>", email.to), 250)
        .await?;
    session.command("DATA", 354).await?;
    let text = message_text(email, from, message_id, date);
    session.write(&format!("{text}.\r\n")).await?;
    session.expect(250).await?;
    // The mail is taken: a failed goodbye changes nothing.
    let _ = session.write("QUIT\r\n").await;
    Ok(())
}

struct Session {
    io: BufReader<Socket>,
}

impl Session {
    fn new(socket: Socket) -> Self {
        Self {
            io: BufReader::new(socket),
        }
    }

    fn into_socket(self) -> Socket {
        self.io.into_inner()
    }

    async fn write(&mut self, text: &str) -> Result<(), SmtpError> {
        let socket = self.io.get_mut();
        socket
            .write_all(text.as_bytes())
            .await
            .map_err(|e| transient(format!("connection lost: {e}")))?;
        socket
            .flush()
            .await
            .map_err(|e| transient(format!("connection lost: {e}")))
    }

    /// Sends a command and reads its reply, which must have code `want`.
    async fn command(&mut self, command: &str, want: u16) -> Result<Vec<String>, SmtpError> {
        self.write(&format!("{command}\r\n")).await?;
        self.expect(want).await.map_err(|mut e| {
            // `AUTH PLAIN <secret>` is never repeated in a reason.
            let verb = command.split(' ').next().unwrap_or(command);
            e.reason = format!("{verb}: {}", e.reason);
            e
        })
    }

    /// Reads one reply (all its lines): its lines when the code is `want`.
    async fn expect(&mut self, want: u16) -> Result<Vec<String>, SmtpError> {
        let mut lines = Vec::new();
        loop {
            let mut line = String::new();
            let read = self
                .io
                .read_line(&mut line)
                .await
                .map_err(|e| transient(format!("connection lost: {e}")))?;
            if read == 0 {
                return Err(transient("the server closed the connection"));
            }
            let line = line.trim_end().to_owned();
            let (code, last) =
                reply_code(&line).ok_or_else(|| transient(format!("unreadable reply {line:?}")))?;
            lines.push(line);
            if !last {
                continue;
            }
            if code == want {
                return Ok(lines);
            }
            return Err(SmtpError {
                permanent: is_permanent(code),
                reason: lines.join(" / "),
            });
        }
    }
}
