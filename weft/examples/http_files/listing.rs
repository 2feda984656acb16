//! A folder as an HTML page, with names escaped and links percent-encoded.

use std::path::Path;

use hyper::header::{self, HeaderValue};
use hyper::Response;

use super::{fs_error, Body};

/// An HTML page listing `dir`, which is served at the (decoded) URL path `shown`.
pub(crate) async fn listing(
    dir: &Path,
    shown: &str,
    is_root: bool,
) -> Result<Response<Body>, Response<Body>> {
    let mut entries = Vec::new();
    let mut read = weft::fs::read_dir(dir).await.map_err(fs_error)?;
    while let Some(entry) = read.next_entry().await.map_err(fs_error)? {
        let is_dir = match entry.file_type().await {
            Ok(t) if t.is_dir() => true,
            Ok(t) if t.is_symlink() => weft::fs::metadata(entry.path())
                .await
                .is_ok_and(|m| m.is_dir()),
            _ => false,
        };
        entries.push((entry.file_name(), is_dir));
    }
    entries.sort();

    let title = html_escape(shown);
    let mut page = format!(
        "<!DOCTYPE html>\n<html>\n<head><meta charset=\"utf-8\"><title>Index of {title}</title></head>\n\
         <body>\n<h1>Index of {title}</h1>\n<ul>\n"
    );
    if !is_root {
        page.push_str("<li><a href=\"../\">../</a></li>\n");
    }
    for (name, is_dir) in &entries {
        let slash = if *is_dir { "/" } else { "" };
        match name.to_str() {
            Some(name) => page.push_str(&format!(
                "<li><a href=\"{}{slash}\">{}{slash}</a></li>\n",
                percent_encode(name),
                html_escape(name)
            )),
            // Request paths must be UTF-8, so such a name cannot be linked; show it anyway.
            None => page.push_str(&format!(
                "<li>{}{slash} (name is not UTF-8)</li>\n",
                html_escape(&name.to_string_lossy())
            )),
        }
    }
    page.push_str("</ul>\n</body>\n</html>\n");
    let mut res = Response::new(Body::from(page));
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    Ok(res)
}

/// Escapes every byte but RFC 3986's unreserved ones, so a name is one safe path segment
/// (`:` in particular, so `javascript:x` cannot become a scheme).
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped() {
        assert_eq!(percent_encode("a b/<c>:&é"), "a%20b%2F%3Cc%3E%3A%26%C3%A9");
        assert_eq!(
            html_escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
