//! Ogg pages (RFC 3533), as Ogg Opus needs them: a page is flushed when a
//! sentence ends, so what a client has received is playable so far.

/// One logical stream being cut into pages.
pub(crate) struct OggStream {
    serial: u32,
    sequence: u32,
    /// The lacing values and payload of the page being filled.
    segments: Vec<u8>,
    payload: Vec<u8>,
    /// Granule position of the last packet completed on this page.
    granule: Option<i64>,
    started: bool,
}

/// The most lacing values one page holds.
const MAX_SEGMENTS: usize = 255;

const BEGINNING: u8 = 0x02;
const END: u8 = 0x04;

impl OggStream {
    pub fn new(serial: u32) -> Self {
        Self {
            serial,
            sequence: 0,
            segments: Vec::new(),
            payload: Vec::new(),
            granule: None,
            started: false,
        }
    }

    /// Adds a packet ending at `granule`; appends to `out` any page that
    /// had to be closed to make room. Packets never span pages.
    pub fn packet(&mut self, data: &[u8], granule: i64, out: &mut Vec<u8>) {
        let lacing = data.len() / 255 + 1;
        if self.segments.len() + lacing > MAX_SEGMENTS {
            self.page(false, out);
        }
        self.segments
            .extend(std::iter::repeat_n(255u8, data.len() / 255));
        self.segments.push((data.len() % 255) as u8);
        self.payload.extend_from_slice(data);
        self.granule = Some(granule);
    }

    /// Ends the stream with the page being filled, saying its audio ends at
    /// `granule` (which may trim padding off its last packet).
    pub fn finish_at(&mut self, granule: i64, out: &mut Vec<u8>) {
        self.granule = Some(granule);
        self.page(true, out);
    }

    /// Closes the page being filled, if it holds anything (or ends the
    /// stream), and appends it to `out`.
    pub fn page(&mut self, last: bool, out: &mut Vec<u8>) {
        if self.segments.is_empty() && !last {
            return;
        }
        let mut flags = if self.started { 0 } else { BEGINNING };
        if last {
            flags |= END;
        }
        let start = out.len();
        out.extend_from_slice(b"OggS");
        out.push(0);
        out.push(flags);
        out.extend_from_slice(&self.granule.unwrap_or(-1).to_le_bytes());
        out.extend_from_slice(&self.serial.to_le_bytes());
        out.extend_from_slice(&self.sequence.to_le_bytes());
        out.extend_from_slice(&[0; 4]);
        out.push(self.segments.len() as u8);
        out.extend_from_slice(&self.segments);
        out.extend_from_slice(&self.payload);
        let crc = crc32(&out[start..]);
        out[start + 22..start + 26].copy_from_slice(&crc.to_le_bytes());
        self.sequence += 1;
        self.started = true;
        self.segments.clear();
        self.payload.clear();
        self.granule = None;
    }
}

/// Ogg's CRC-32: polynomial 0x04C11DB7, most significant bit first, no
/// reflection, starting at 0.
fn crc32(bytes: &[u8]) -> u32 {
    static TABLE: std::sync::LazyLock<[u32; 256]> = std::sync::LazyLock::new(|| {
        let mut table = [0u32; 256];
        for (i, entry) in table.iter_mut().enumerate() {
            let mut r = (i as u32) << 24;
            for _ in 0..8 {
                r = if r & 0x8000_0000 != 0 {
                    (r << 1) ^ 0x04C1_1DB7
                } else {
                    r << 1
                };
            }
            *entry = r;
        }
        table
    });
    bytes.iter().fold(0u32, |crc, &b| {
        (crc << 8) ^ TABLE[(((crc >> 24) as u8) ^ b) as usize]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checksum_is_oggs() {
        // CRC-32/CKSUM without its final inversion (its check value is 0x765E7680).
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0x89A1_897F);
    }

    #[test]
    fn pages_carry_lacing_granules_and_flags() {
        let mut stream = OggStream::new(7);
        let mut out = Vec::new();
        stream.packet(&[1; 300], 960, &mut out);
        assert!(out.is_empty(), "nothing until the page is closed");
        stream.page(false, &mut out);
        assert_eq!(&out[..4], b"OggS");
        assert_eq!(out[5], BEGINNING);
        assert_eq!(i64::from_le_bytes(out[6..14].try_into().unwrap()), 960);
        assert_eq!(out[26], 2, "300 bytes are two lacing values");
        assert_eq!(&out[27..29], &[255, 45]);
        assert_eq!(out.len(), 27 + 2 + 300);
        let first = out.len();
        stream.page(true, &mut out);
        assert_eq!(out[first + 5], END);
        assert_eq!(
            u32::from_le_bytes(out[first + 18..first + 22].try_into().unwrap()),
            1
        );
    }

    #[test]
    fn a_full_page_is_closed_before_a_packet_that_does_not_fit() {
        let mut stream = OggStream::new(1);
        let mut out = Vec::new();
        for i in 0..300 {
            stream.packet(&[0; 10], i, &mut out);
        }
        assert_eq!(out.len(), 27 + 255 + 2550, "one page of 255 packets");
    }
}
