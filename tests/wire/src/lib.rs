//! What a server sees of a request, decoded so that two clients' requests can be compared: the
//! parts of a `multipart/form-data` body. The tests and the whole-API exercise
//! (`xtask/exercise`, a crate of its own) both read multipart bodies with it.

/// One part of a `multipart/form-data` body.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// The parts of a `multipart/form-data` body sent with the header `Content-Type: content_type`,
/// in order. Strict: the body must be exactly the parts between CRLF-delimited boundaries,
/// closed by the final delimiter and CRLF, each part with a `Content-Disposition` naming it; the
/// error says what is wrong.
pub fn multipart_parts(content_type: &str, body: &[u8]) -> Result<Vec<Part>, String> {
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .ok_or_else(|| format!("not a multipart content type: {content_type}"))?;
    let first = format!("--{boundary}\r\n");
    let delimiter = format!("\r\n--{boundary}");
    let mut rest = body
        .strip_prefix(first.as_bytes())
        .ok_or("the body does not start with the first delimiter")?;
    let mut parts = Vec::new();
    loop {
        let end = find(rest, delimiter.as_bytes()).ok_or("a part does not end with a delimiter")?;
        let (part, after) = (&rest[..end], &rest[end + delimiter.len()..]);
        let headers_end = find(part, b"\r\n\r\n").ok_or("part headers do not end")?;
        let headers =
            std::str::from_utf8(&part[..headers_end]).map_err(|_| "part headers are not UTF-8")?;
        let mut parsed = Part {
            name: String::new(),
            filename: None,
            content_type: None,
            data: part[headers_end + 4..].to_vec(),
        };
        for line in headers.split("\r\n") {
            let (header, value) = line
                .split_once(": ")
                .ok_or_else(|| format!("not a header line: {line}"))?;
            match header.to_ascii_lowercase().as_str() {
                "content-disposition" => disposition(value, &mut parsed)?,
                "content-type" => parsed.content_type = Some(value.to_owned()),
                other => return Err(format!("unexpected part header {other}")),
            }
        }
        if parsed.name.is_empty() {
            return Err(format!("a part without a name: {headers}"));
        }
        parts.push(parsed);
        match after.strip_prefix(b"\r\n") {
            Some(next) => rest = next,
            None if after == b"--\r\n" => return Ok(parts),
            None => return Err("the body does not end with the closing delimiter and CRLF".into()),
        }
    }
}

/// `form-data; name="..."[; filename="..."]`, into `part`.
fn disposition(value: &str, part: &mut Part) -> Result<(), String> {
    let mut fields = value.split("; ");
    if fields.next() != Some("form-data") {
        return Err(format!("not a form-data disposition: {value}"));
    }
    for field in fields {
        let (key, quoted) = field
            .split_once('=')
            .ok_or_else(|| format!("not key=\"value\": {field}"))?;
        let text = quoted
            .strip_prefix('"')
            .and_then(|q| q.strip_suffix('"'))
            .ok_or_else(|| format!("not a quoted value: {field}"))?
            .to_owned();
        match key {
            "name" => part.name = text,
            "filename" => part.filename = Some(text),
            other => return Err(format!("unexpected disposition field {other}")),
        }
    }
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TYPE: &str = "multipart/form-data; boundary=b0";

    #[test]
    fn reads_text_and_file_parts_in_order() {
        let body = b"--b0\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nidentity\r\n\
            --b0\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\
            Content-Type: application/octet-stream\r\n\r\n\x00\r\n\xff\r\n--b0--\r\n";
        let parts = multipart_parts(TYPE, body).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(
            (parts[0].name.as_str(), parts[0].data.as_slice()),
            ("purpose", &b"identity"[..])
        );
        assert_eq!(parts[1].filename.as_deref(), Some("a.pdf"));
        assert_eq!(
            parts[1].content_type.as_deref(),
            Some("application/octet-stream")
        );
        assert_eq!(parts[1].data, b"\x00\r\n\xff");
    }

    #[test]
    fn malformed_bodies_are_errors() {
        for body in [
            &b""[..],
            b"--b0\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx",
            b"--b0\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--b0",
            b"--b0\r\nX-Other: 1\r\n\r\nx\r\n--b0--\r\n",
            b"--b0\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b0--\r\n",
        ] {
            assert!(multipart_parts(TYPE, body).is_err(), "{body:?}");
        }
        assert!(multipart_parts("text/plain", b"").is_err());
    }
}
