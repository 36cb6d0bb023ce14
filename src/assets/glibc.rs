//! The newest glibc symbol version an executable needs: `provided.al2023` ships glibc 2.34, and a
//! binary that needs a newer `GLIBC_x.y` will not start there.

/// The glibc of Amazon Linux 2023.
pub const MAX_GLIBC: (u32, u32) = (2, 34);

/// The highest `GLIBC_x.y` version named in the binary (its version-needs strings), if any.
pub fn max_glibc_version(binary: &[u8]) -> Option<(u32, u32)> {
    const TAG: &[u8] = b"GLIBC_";
    let mut best = None;
    let mut i = 0;
    while let Some(pos) = find(&binary[i..], TAG) {
        let start = i + pos + TAG.len();
        let rest = &binary[start..];
        if let Some(v) = parse_version(rest) {
            best = best.max(Some(v));
        }
        i = start;
    }
    best
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn parse_version(s: &[u8]) -> Option<(u32, u32)> {
    let end = s
        .iter()
        .position(|b| !(b.is_ascii_digit() || *b == b'.'))
        .unwrap_or(s.len());
    let text = std::str::from_utf8(&s[..end]).ok()?;
    let mut parts = text.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn finds_the_highest_version() {
        let bin = b"\0GLIBC_2.2.5\0GLIBC_2.34\0GLIBC_2.17\0GLIBC_PRIVATE\0";
        assert_eq!(max_glibc_version(bin), Some((2, 34)));
        assert_eq!(max_glibc_version(b"GLIBC_2.39\0"), Some((2, 39)));
        assert_eq!(max_glibc_version(b"static binary"), None);
    }
}
