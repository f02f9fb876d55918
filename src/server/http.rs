//! HTTP plumbing on top of tiny_http: errors as JSON, headers, URL decoding,
//! and hand-written chunked responses that leave the server as soon as each
//! chunk is written (tiny_http's own streaming holds back 8 KiB at a time).

use std::io::{self, Write};

use tiny_http::{Header, Request, Response, StatusCode};

/// A request that cannot be served, with the status and message the client gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub message: String,
    /// Extra headers such as `Allow` or `Retry-After`.
    pub headers: Vec<(&'static str, String)>,
    /// The request field at fault, and a machine-readable reason, as
    /// OpenAI's error objects carry them.
    pub param: Option<&'static str>,
    pub code: Option<&'static str>,
}

impl ApiError {
    pub fn new(status: u16, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            headers: Vec::new(),
            param: None,
            code: None,
        }
    }

    /// Names the request field at fault.
    pub fn param(mut self, param: &'static str) -> Self {
        self.param = Some(param);
        self
    }

    /// Gives the machine-readable reason.
    pub fn code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, message)
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

/// The one place a library error becomes an HTTP status: the caller's
/// mistakes are 400, an unknown voice 404, everything else the server's fault.
impl From<&vtts_core::Error> for ApiError {
    fn from(error: &vtts_core::Error) -> Self {
        use vtts_core::Error;
        let status = match error {
            Error::InvalidSetting { .. } | Error::NothingToSay => 400,
            Error::UnknownVoice { .. } | Error::Offline { .. } => 404,
            // More audio than a request may make, or than its format holds.
            Error::TooLong(_) => 413,
            // A synthesis stopped because its client went away: nobody
            // reads the answer, and the log says so with nginx's 499.
            Error::Interrupted => 499,
            Error::InvalidVoice { .. }
            | Error::Runtime(_)
            | Error::Synthesis(_)
            | Error::Device(_)
            | Error::Catalog(_)
            | Error::Download(_)
            | Error::Encoder(_)
            | Error::Io { .. } => 500,
        };
        ApiError::new(status, error.to_string())
    }
}

pub fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("header names and values are ASCII")
}

/// A JSON response.
pub fn json(status: u16, value: &serde_json::Value) -> Response<io::Cursor<Vec<u8>>> {
    Response::from_data(value.to_string().into_bytes())
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", "application/json; charset=utf-8"))
}

/// An error as the client at `path` reads them: OpenAI's shape under
/// `/v1/` (`{"error": {"message", "type", "param", "code"}}`, which the
/// openai SDKs turn into their exception classes), `{"error": message}`
/// everywhere else, as the original service answered.
pub fn error_response(error: &ApiError, path: &str) -> Response<io::Cursor<Vec<u8>>> {
    let body = if path.starts_with("/v1/") {
        let kind = match error.status {
            401 => "authentication_error",
            400..=499 => "invalid_request_error",
            _ => "server_error",
        };
        serde_json::json!({"error": {
            "message": error.message,
            "type": kind,
            "param": error.param,
            "code": error.code,
        }})
    } else {
        serde_json::json!({ "error": error.message })
    };
    let mut response = json(error.status, &body);
    for (name, value) in &error.headers {
        response.add_header(header(name, value));
    }
    response
}

/// The value of a request header, if present and text.
pub fn request_header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request
        .headers()
        .iter()
        .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

/// Decodes `application/x-www-form-urlencoded` text (a query string or a form body)
/// into pairs, refusing bytes that are not UTF-8 once decoded.
pub fn decode_form(input: &str) -> Result<Vec<(String, String)>, ApiError> {
    input
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((percent_decode(key)?, percent_decode(value)?))
        })
        .collect()
}

fn percent_decode(text: &str) -> Result<String, ApiError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push(high << 4 | low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8(out)
        .map_err(|_| ApiError::bad_request("the request is not valid UTF-8 once URL-decoded"))
}

fn hex(digit: u8) -> Option<u8> {
    (digit as char).to_digit(16).map(|d| d as u8)
}

/// Writes a streamed response by hand: the head at once, then each write
/// as one chunk, flushed immediately. HTTP/1.0 has no chunks: its body is
/// the bytes as they are, ended by closing the connection (which HTTP/1.0
/// allows, and which the head says), never held back in memory.
pub struct StreamWriter {
    out: Box<dyn Write + Send>,
    chunked: bool,
    pub bytes: u64,
}

impl StreamWriter {
    pub fn start(
        request: Request,
        content_type: &str,
        extra_headers: &[(String, String)],
    ) -> io::Result<Self> {
        let chunked = *request.http_version() >= tiny_http::HTTPVersion(1, 1);
        let mut out = request.into_writer();
        let (version, framing) = match chunked {
            true => ("1.1", "Transfer-Encoding: chunked\r\n"),
            false => ("1.0", ""),
        };
        let mut head = format!(
            "HTTP/{version} 200 OK\r\nContent-Type: {content_type}\r\n{framing}\
             Cache-Control: no-store\r\nConnection: close\r\n"
        );
        for (name, value) in extra_headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        out.write_all(head.as_bytes())?;
        out.flush()?;
        Ok(Self {
            out,
            chunked,
            bytes: 0,
        })
    }

    /// Ends the body properly; without it the client sees a cut-off response.
    pub fn finish(mut self) -> io::Result<u64> {
        if self.chunked {
            self.out.write_all(b"0\r\n\r\n")?;
        }
        self.out.flush()?;
        Ok(self.bytes)
    }
}

impl Write for StreamWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if !self.chunked {
            self.out.write_all(buf)?;
            self.bytes += buf.len() as u64;
            return Ok(buf.len());
        }
        write!(self.out, "{:x}\r\n", buf.len())?;
        self.out.write_all(buf)?;
        self.out.write_all(b"\r\n")?;
        self.bytes += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// A byte range of a file, from a `Range: bytes=...` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    pub start: u64,
    pub end: u64,
}

/// Parses a single `bytes=` range against a file of `len` bytes. `Ok(None)`
/// means "send the whole file" (no header, or a form we choose to ignore,
/// such as several ranges); `Err` means the range cannot be satisfied (416).
pub fn parse_range(value: Option<&str>, len: u64) -> Result<Option<ByteRange>, ApiError> {
    let Some(spec) = value.and_then(|v| v.trim().strip_prefix("bytes=")) else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let unsatisfiable = || {
        ApiError::new(
            416,
            format!("range {spec:?} is outside the file's {len} bytes"),
        )
        .with_header("Content-Range", format!("bytes */{len}"))
    };
    let (start, end) = spec.split_once('-').ok_or_else(unsatisfiable)?;
    let range = match (start.trim(), end.trim()) {
        ("", suffix) => {
            let n: u64 = suffix.parse().map_err(|_| unsatisfiable())?;
            if n == 0 || len == 0 {
                return Err(unsatisfiable());
            }
            ByteRange {
                start: len.saturating_sub(n),
                end: len - 1,
            }
        }
        (start, end) => {
            let start: u64 = start.parse().map_err(|_| unsatisfiable())?;
            let end: u64 = if end.is_empty() {
                len.saturating_sub(1)
            } else {
                end.parse::<u64>()
                    .map_err(|_| unsatisfiable())?
                    .min(len.saturating_sub(1))
            };
            if start >= len || end < start {
                return Err(unsatisfiable());
            }
            ByteRange { start, end }
        }
    };
    Ok(Some(range))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decoding_handles_plus_percent_and_vietnamese() {
        let pairs = decode_form("text=Xin+ch%C3%A0o&speed=slow&empty=").unwrap();
        assert_eq!(
            pairs,
            vec![
                ("text".into(), "Xin chào".into()),
                ("speed".into(), "slow".into()),
                ("empty".into(), "".into())
            ]
        );
    }

    #[test]
    fn bad_percent_escapes_are_kept_literally() {
        let pairs = decode_form("text=100%25+%zz+%").unwrap();
        assert_eq!(pairs[0].1, "100% %zz %");
    }

    #[test]
    fn invalid_utf8_after_decoding_is_a_bad_request() {
        let error = decode_form("text=%C3%28").unwrap_err();
        assert_eq!(error.status, 400);
        assert!(error.message.contains("UTF-8"));
    }

    #[test]
    fn ranges_follow_rfc_9110() {
        let r = |v: &str| parse_range(Some(v), 100);
        assert_eq!(
            r("bytes=0-9").unwrap(),
            Some(ByteRange { start: 0, end: 9 })
        );
        assert_eq!(
            r("bytes=90-").unwrap(),
            Some(ByteRange { start: 90, end: 99 })
        );
        assert_eq!(
            r("bytes=-10").unwrap(),
            Some(ByteRange { start: 90, end: 99 })
        );
        assert_eq!(
            r("bytes=50-500").unwrap(),
            Some(ByteRange { start: 50, end: 99 })
        );
        assert_eq!(r("bytes=0-1,5-6").unwrap(), None);
        assert_eq!(parse_range(None, 100).unwrap(), None);
        assert_eq!(r("bytes=100-").unwrap_err().status, 416);
        assert_eq!(r("bytes=9-3").unwrap_err().status, 416);
        assert_eq!(r("bytes=x-3").unwrap_err().status, 416);
        assert_eq!(r("bytes=-0").unwrap_err().status, 416);
    }
}
