//! Wyoming's framing: a JSON header line, then `data_length` bytes of JSON
//! data, then `payload_length` bytes of payload. Every length is checked
//! against its cap before anything is allocated.

use std::io::{self, BufRead, Read, Write};

use serde_json::{Map, Value, json};

/// The protocol version written in every header (no reader reads it).
const VERSION: &str = "1.7.2";

/// One event, as read.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub kind: String,
    /// The header's `data` with the data block over it; empty when neither is there.
    pub data: Map<String, Value>,
    pub payload: Vec<u8>,
}

impl Event {
    /// A string field of the data.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.data.get(key).and_then(Value::as_str)
    }
}

/// The most each part of an event may take.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The header line, newline included: 64 KiB, as the Python reader's buffer.
    pub line: usize,
    pub data: usize,
    pub payload: usize,
}

/// Why no event could be read.
#[derive(Debug)]
pub enum ReadError {
    /// The connection ended between two events.
    Closed,
    /// The connection failed or timed out, perhaps inside an event.
    Io(io::Error),
    /// The bytes are not a Wyoming event, or one over a limit: say so and close.
    Protocol(String),
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

/// Reads the next event; blank lines between events are skipped.
pub fn read(reader: &mut impl BufRead, limits: &Limits) -> Result<Event, ReadError> {
    let mut line = Vec::new();
    while line.iter().all(u8::is_ascii_whitespace) {
        line.clear();
        let read = reader
            .by_ref()
            .take(limits.line as u64)
            .read_until(b'\n', &mut line)?;
        if read == 0 {
            return Err(ReadError::Closed);
        }
        if line.last() != Some(&b'\n') {
            return Err(match read >= limits.line {
                true => ReadError::Protocol(format!(
                    "the header line is longer than {} bytes",
                    limits.line
                )),
                false => ReadError::Io(io::ErrorKind::UnexpectedEof.into()),
            });
        }
    }
    let header: Value = serde_json::from_slice(&line)
        .map_err(|e| ReadError::Protocol(format!("the header is not JSON: {e}")))?;
    let Value::Object(mut header) = header else {
        return Err(ReadError::Protocol(
            "the header is not a JSON object".into(),
        ));
    };
    let kind = match header.remove("type") {
        Some(Value::String(kind)) => kind,
        _ => return Err(ReadError::Protocol("the header has no \"type\"".into())),
    };
    let mut data = match header.remove("data") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(data)) => data,
        Some(_) => return Err(ReadError::Protocol("\"data\" is not an object".into())),
    };
    let data_length = length(&header, "data_length", limits.data)?;
    let payload_length = length(&header, "payload_length", limits.payload)?;
    if data_length > 0 {
        let mut block = vec![0; data_length];
        reader.read_exact(&mut block)?;
        match serde_json::from_slice(&block) {
            Ok(Value::Object(block)) => data.extend(block),
            _ => return Err(ReadError::Protocol("the data is not a JSON object".into())),
        }
    }
    let mut payload = vec![0; payload_length];
    reader.read_exact(&mut payload)?;
    Ok(Event {
        kind,
        data,
        payload,
    })
}

/// A length field of the header: absent or a whole number up to `cap`.
fn length(header: &Map<String, Value>, key: &str, cap: usize) -> Result<usize, ReadError> {
    let value = match header.get(key) {
        None | Some(Value::Null) => return Ok(0),
        Some(value) => value,
    };
    match value.as_u64() {
        Some(n) if n <= cap as u64 => Ok(n as usize),
        Some(n) => Err(ReadError::Protocol(format!(
            "{key} {n} is over the limit of {cap} bytes"
        ))),
        None => Err(ReadError::Protocol(format!(
            "{key} must be a whole number of bytes, not {value}"
        ))),
    }
}

/// The bytes of an event as the Python writer makes them: data and payload
/// in their own blocks, their lengths counted in bytes, and no `data` key
/// when there is none.
pub fn encode(kind: &str, data: &Value, payload: &[u8]) -> Vec<u8> {
    let data = match data {
        Value::Object(map) if !map.is_empty() => serde_json::to_vec(map).expect("JSON of a map"),
        _ => Vec::new(),
    };
    let mut header = json!({"type": kind, "version": VERSION});
    if !data.is_empty() {
        header["data_length"] = data.len().into();
    }
    if !payload.is_empty() {
        header["payload_length"] = payload.len().into();
    }
    let mut bytes = serde_json::to_vec(&header).expect("JSON of a map");
    bytes.push(b'\n');
    bytes.extend_from_slice(&data);
    bytes.extend_from_slice(payload);
    bytes
}

/// Writes an event in one piece and flushes it.
pub fn write(out: &mut impl Write, kind: &str, data: &Value, payload: &[u8]) -> io::Result<()> {
    out.write_all(&encode(kind, data, payload))?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        line: 1024,
        data: 1024,
        payload: 4096,
    };

    fn read_all(bytes: &[u8]) -> Vec<Result<Event, String>> {
        let mut reader = io::BufReader::new(bytes);
        let mut events = Vec::new();
        loop {
            match read(&mut reader, &LIMITS) {
                Ok(event) => events.push(Ok(event)),
                Err(ReadError::Closed) => return events,
                Err(ReadError::Protocol(message)) => {
                    events.push(Err(message));
                    return events;
                }
                Err(ReadError::Io(e)) => {
                    events.push(Err(format!("io: {e}")));
                    return events;
                }
            }
        }
    }

    #[test]
    fn the_python_writers_bytes_read_back() {
        // As wyoming 1.10.2 writes a synthesize and a bare stop (WYOMING.md §2).
        let text = "Xin chào. Hôm nay trời đẹp.";
        let data = format!(r#"{{"text": "{text}", "voice": {{"name": "vi_VN-vais1000-medium"}}}}"#);
        assert_eq!(data.len(), 90);
        let bytes = format!(
            "{{\"type\": \"synthesize\", \"version\": \"1.10.2\", \"data_length\": 90}}\n{data}{{\"type\": \"synthesize-stop\", \"version\": \"1.10.2\"}}\n"
        );
        let events = read_all(bytes.as_bytes());
        let synthesize = events[0].as_ref().unwrap();
        assert_eq!(synthesize.kind, "synthesize");
        assert_eq!(synthesize.text("text"), Some(text));
        assert_eq!(synthesize.data["voice"]["name"], "vi_VN-vais1000-medium");
        let stop = events[1].as_ref().unwrap();
        assert_eq!(
            (stop.kind.as_str(), stop.data.len()),
            ("synthesize-stop", 0)
        );
        assert_eq!(events.len(), 2);
    }

    #[test]
    fn inline_data_is_read_and_the_block_wins() {
        let bytes = b"{\"type\": \"ping\", \"data\": {\"text\": \"a\", \"x\": 1}, \"data_length\": 13}\n{\"text\": \"b\"}";
        let event = read_all(bytes).remove(0).unwrap();
        assert_eq!(event.text("text"), Some("b"));
        assert_eq!(event.data["x"], 1);
        let null = read_all(b"{\"type\": \"ping\", \"data\": null}\n")
            .remove(0)
            .unwrap();
        assert!(null.data.is_empty());
    }

    #[test]
    fn what_is_written_reads_back_with_byte_lengths() {
        let data = json!({"rate": 22050, "width": 2, "channels": 1, "text": "chào"});
        let bytes = encode("audio-chunk", &data, &[1, 2, 3, 4]);
        let header =
            std::str::from_utf8(&bytes[..bytes.iter().position(|&b| b == b'\n').unwrap()]).unwrap();
        let header: Value = serde_json::from_str(header).unwrap();
        assert_eq!(header["payload_length"], 4);
        let event = read_all(&bytes).remove(0).unwrap();
        assert_eq!(Value::Object(event.data), data);
        assert_eq!(event.payload, [1, 2, 3, 4]);
        let bare = encode("synthesize-stopped", &json!({}), &[]);
        assert_eq!(
            bare,
            b"{\"type\":\"synthesize-stopped\",\"version\":\"1.7.2\"}\n"
        );
    }

    #[test]
    fn lengths_are_capped_before_anything_is_read() {
        for header in [
            r#"{"type": "x", "data_length": 1025}"#,
            r#"{"type": "x", "payload_length": 99999999999999}"#,
            r#"{"type": "x", "payload_length": -1}"#,
            r#"{"type": "x", "data_length": 1.5}"#,
            r#"{"type": "x", "data_length": "10"}"#,
        ] {
            let events = read_all(format!("{header}\n").as_bytes());
            assert!(
                matches!(&events[..], [Err(message)] if message.contains("length")),
                "{header}: {events:?}"
            );
        }
    }

    #[test]
    fn bad_headers_are_protocol_errors() {
        let long = format!("{{\"type\": \"x\", \"pad\": \"{}\"}}\n", "a".repeat(2000));
        for bytes in [
            long.as_bytes(),
            b"not json\n",
            b"[1, 2]\n",
            b"{\"data\": {}}\n",
            b"{\"type\": \"x\", \"data_length\": 3}\n[1]",
        ] {
            let events = read_all(bytes);
            assert!(
                matches!(&events[..], [Err(message)] if !message.starts_with("io")),
                "{:?}: {events:?}",
                String::from_utf8_lossy(bytes)
            );
        }
        // Cut inside an event: a failed read, not an event.
        let events = read_all(b"{\"type\": \"x\", \"data_length\": 30}\n{\"te");
        assert!(matches!(&events[..], [Err(message)] if message.starts_with("io")));
    }
}
