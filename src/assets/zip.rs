//! Reproducible Lambda zips: one entry, `bootstrap`, mode 0755, a fixed timestamp.

use std::io::{Seek, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// Writes `executable` as the single entry `bootstrap` (mode 0755, 1980-01-01 00:00) into `out`.
pub fn write_bootstrap_zip<W: Write + Seek>(
    executable: &[u8],
    out: W,
) -> zip::result::ZipResult<W> {
    let mut zip = ZipWriter::new(out);
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o755);
    zip.start_file("bootstrap", options)?;
    zip.write_all(executable)?;
    zip.finish()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::io::{Cursor, Read};

    #[test]
    fn zips_are_reproducible_and_executable() {
        let bin = b"\x7fELF pretend executable".repeat(100);
        let a = write_bootstrap_zip(&bin, Cursor::new(Vec::new()))
            .unwrap()
            .into_inner();
        let b = write_bootstrap_zip(&bin, Cursor::new(Vec::new()))
            .unwrap()
            .into_inner();
        assert_eq!(a, b);
        let mut archive = zip::ZipArchive::new(Cursor::new(a)).unwrap();
        assert_eq!(archive.len(), 1);
        let mut entry = archive.by_name("bootstrap").unwrap();
        assert_eq!(entry.unix_mode().map(|m| m & 0o777), Some(0o755));
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap();
        assert_eq!(content, bin);
    }
}
