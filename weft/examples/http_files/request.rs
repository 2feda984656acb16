//! What a request asks for: its path, as safe segments under the root; its `Range`; and
//! the media type its file name implies.

use std::path::Path;

use hyper::StatusCode;

/// The path segments of a request path, or why the path is refused.
///
/// Decodes first, then checks, so `%2e%2e` and `%2F` are judged as what they stand for.
pub(crate) fn request_segments(raw: &str) -> Result<Vec<String>, (StatusCode, &'static str)> {
    let bad = StatusCode::BAD_REQUEST;
    let forbidden = StatusCode::FORBIDDEN;
    if !raw.starts_with('/') {
        return Err((bad, "the path must start with '/'"));
    }
    let decoded = percent_decode(raw.as_bytes())
        .map_err(|()| (bad, "the path has a malformed percent-escape"))?;
    let decoded = String::from_utf8(decoded).map_err(|_| (bad, "the path is not UTF-8"))?;
    if decoded.contains('\0') {
        return Err((bad, "the path contains a NUL byte"));
    }
    if decoded.contains('\\') {
        return Err((forbidden, "backslashes are not allowed in paths"));
    }
    let rest = &decoded[1..];
    if rest.starts_with('/') {
        return Err((forbidden, "absolute paths are not allowed"));
    }
    let mut segments = Vec::new();
    for seg in rest.split('/') {
        match seg {
            // "a//b" and the trailing slash of a folder.
            "" => {}
            "." | ".." => return Err((forbidden, "'.' and '..' are not allowed in paths")),
            _ => segments.push(seg.to_string()),
        }
    }
    Ok(segments)
}

/// `%XX` escapes to bytes; `Err` for a `%` not followed by two hex digits.
pub(crate) fn percent_decode(s: &[u8]) -> Result<Vec<u8>, ()> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%' {
            let hex = |b: u8| (b as char).to_digit(16);
            match (
                s.get(i + 1).and_then(|&b| hex(b)),
                s.get(i + 2).and_then(|&b| hex(b)),
            ) {
                (Some(hi), Some(lo)) => out.push((hi * 16 + lo) as u8),
                _ => return Err(()),
            }
            i += 3;
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    Ok(out)
}

/// The media type for a file name, by extension (case-insensitive).
pub(crate) fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("txt") => "text/plain; charset=utf-8",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("svg") => "image/svg+xml",
        Some("wasm") => "application/wasm",
        Some("pdf") => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// What a `Range` header asks of a file.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Range {
    /// No usable single range: send the whole file.
    Full,
    /// Bytes `start..end` (end exclusive, non-empty).
    Partial(u64, u64),
    /// A well-formed range that selects nothing of the file: 416.
    Unsatisfiable,
}

/// Parses a `Range` header value (RFC 9110 §14.1.2) for a file of `len` bytes. Malformed
/// values and multi-range requests give [`Range::Full`].
pub(crate) fn parse_range(value: &str, len: u64) -> Range {
    let value = value.trim();
    let Some((unit, set)) = value.split_once('=') else {
        return Range::Full;
    };
    if !unit.trim().eq_ignore_ascii_case("bytes") || set.contains(',') {
        return Range::Full;
    }
    let Some((first, last)) = set.trim().split_once('-') else {
        return Range::Full;
    };
    // Digits only; too many of them saturates (such a position is past any file's end).
    let number = |s: &str| -> Option<u64> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(s.bytes().fold(0u64, |n, b| {
            n.saturating_mul(10).saturating_add(u64::from(b - b'0'))
        }))
    };
    match (first.is_empty(), last.is_empty()) {
        // bytes=-n: the last n bytes.
        (true, false) => match number(last) {
            None => Range::Full,
            Some(0) => Range::Unsatisfiable,
            Some(_) if len == 0 => Range::Unsatisfiable,
            Some(n) => Range::Partial(len.saturating_sub(n), len),
        },
        // bytes=a-: from a to the end.
        (false, true) => match number(first) {
            None => Range::Full,
            Some(a) if a >= len => Range::Unsatisfiable,
            Some(a) => Range::Partial(a, len),
        },
        // bytes=a-b, inclusive.
        (false, false) => match (number(first), number(last)) {
            (Some(a), Some(b)) if a <= b => {
                if a >= len {
                    Range::Unsatisfiable
                } else {
                    Range::Partial(a, b.saturating_add(1).min(len))
                }
            }
            _ => Range::Full,
        },
        (true, true) => Range::Full,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        use Range::*;
        assert_eq!(parse_range("bytes=0-9", 100), Partial(0, 10));
        assert_eq!(parse_range("bytes=90-200", 100), Partial(90, 100));
        assert_eq!(parse_range("bytes=10-", 100), Partial(10, 100));
        assert_eq!(parse_range("bytes=-10", 100), Partial(90, 100));
        assert_eq!(parse_range("bytes=-1000", 100), Partial(0, 100));
        assert_eq!(parse_range("Bytes = 5-5", 100), Partial(5, 6));
        assert_eq!(parse_range("bytes=100-", 100), Unsatisfiable);
        assert_eq!(parse_range("bytes=100-200", 100), Unsatisfiable);
        assert_eq!(parse_range("bytes=-0", 100), Unsatisfiable);
        assert_eq!(parse_range("bytes=0-", 0), Unsatisfiable);
        assert_eq!(
            parse_range("bytes=99999999999999999999999-", 100),
            Unsatisfiable
        );
        assert_eq!(
            parse_range("bytes=0-99999999999999999999999", 100),
            Partial(0, 100)
        );
        for ignored in [
            "bytes=5-1",
            "bytes=0-1,5-6",
            "items=0-1",
            "bytes=a-b",
            "bytes=-",
            "bytes=1",
        ] {
            assert_eq!(parse_range(ignored, 100), Full, "{ignored}");
        }
    }

    #[test]
    fn paths() {
        assert_eq!(request_segments("/a/b%20c/").unwrap(), ["a", "b c"]);
        assert_eq!(request_segments("/").unwrap(), Vec::<String>::new());
        for (raw, status) in [
            ("/../etc/passwd", 403),
            ("/a/..", 403),
            ("/%2e%2e/x", 403),
            ("/%2E%2E%2Fetc%2Fpasswd", 403),
            ("//etc/passwd", 403),
            ("/%2Fetc/passwd", 403),
            ("/a\\..\\b", 403),
            ("/a%5Cb", 403),
            ("/./a", 403),
            ("/%zz", 400),
            ("/%2", 400),
            ("/%ff", 400),
            ("/a%00b", 400),
            ("*", 400),
        ] {
            assert_eq!(
                request_segments(raw).unwrap_err().0.as_u16(),
                status,
                "{raw}"
            );
        }
        assert_eq!(
            content_type(Path::new("x/INDEX.HTML")),
            "text/html; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("noext")), "application/octet-stream");
    }
}
