//! `vtts normalize`: text as vtts reads it (the lexicon applied, written
//! forms read out), one output line per input line.

use std::io::{BufWriter, Write};

use anyhow::Result;

use crate::input::Lines;
use crate::options::NormalizeOptions;

pub fn run(options: NormalizeOptions) -> Result<()> {
    let reading = options.reading.load()?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    for line in Lines::new(options.sources) {
        let line = line?;
        let text = line.text.strip_suffix('\n').unwrap_or(&line.text);
        let text = text.strip_suffix('\r').unwrap_or(text);
        writeln!(out, "{}", vtts_text::spoken_text(text, &reading))?;
        out.flush()?;
    }
    Ok(())
}
