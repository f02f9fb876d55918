//! WAV headers for 16-bit mono PCM.
//!
//! A WAV written to a pipe or an HTTP response cannot go back and fill in its
//! sizes, so its header says "as long as the stream": both the RIFF and the
//! data size are 0xFFFFFFFF, which ffmpeg, sox, browsers and Python's `wave`
//! accept. Files (and stdout redirected to a file) get exact sizes instead.

/// The size of the canonical PCM WAV header.
pub const HEADER_LEN: usize = 44;

/// The data size written when the length is not known in advance.
pub const UNKNOWN_LEN: u32 = u32::MAX;

/// A canonical 44-byte header for mono 16-bit PCM at `sample_rate`, holding
/// `data_len` bytes of samples, or an unknown amount when `data_len` is `None`.
pub fn header(sample_rate: u32, data_len: Option<u32>) -> [u8; HEADER_LEN] {
    const CHANNELS: u16 = 1;
    const BITS: u16 = 16;
    let block_align = CHANNELS * BITS / 8;
    let riff_len = data_len.map_or(UNKNOWN_LEN, |len| len.saturating_add(36));
    let data_len = data_len.unwrap_or(UNKNOWN_LEN);

    let mut h = [0u8; HEADER_LEN];
    h[0..4].copy_from_slice(b"RIFF");
    h[4..8].copy_from_slice(&riff_len.to_le_bytes());
    h[8..12].copy_from_slice(b"WAVE");
    h[12..16].copy_from_slice(b"fmt ");
    h[16..20].copy_from_slice(&16u32.to_le_bytes());
    h[20..22].copy_from_slice(&1u16.to_le_bytes()); // PCM
    h[22..24].copy_from_slice(&CHANNELS.to_le_bytes());
    h[24..28].copy_from_slice(&sample_rate.to_le_bytes());
    h[28..32].copy_from_slice(&(sample_rate * u32::from(block_align)).to_le_bytes());
    h[32..34].copy_from_slice(&block_align.to_le_bytes());
    h[34..36].copy_from_slice(&BITS.to_le_bytes());
    h[36..40].copy_from_slice(b"data");
    h[40..44].copy_from_slice(&data_len.to_le_bytes());
    h
}

/// Little-endian bytes of 16-bit samples, as they go into a WAV or raw stream.
pub fn pcm_bytes(samples: &[i16]) -> Vec<u8> {
    samples.iter().flat_map(|s| s.to_le_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_with_known_length_reads_back_with_hound() {
        let samples = [1i16, -2, 3];
        let mut bytes = header(22050, Some(6)).to_vec();
        bytes.extend(pcm_bytes(&samples));
        let reader = hound::WavReader::new(std::io::Cursor::new(bytes)).unwrap();
        let spec = reader.spec();
        assert_eq!(
            (spec.channels, spec.sample_rate, spec.bits_per_sample),
            (1, 22050, 16)
        );
        let read: Vec<i16> = reader.into_samples().map(Result::unwrap).collect();
        assert_eq!(read, samples);
    }

    #[test]
    fn a_streaming_header_says_the_length_is_unknown() {
        let h = header(16000, None);
        assert_eq!(&h[4..8], &[0xff; 4]);
        assert_eq!(&h[40..44], &[0xff; 4]);
        assert_eq!(u32::from_le_bytes(h[24..28].try_into().unwrap()), 16000);
    }
}
