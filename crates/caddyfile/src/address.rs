//! Site addresses (`[scheme://][host][:port][/path]`), parsed as Caddy's `ParseAddress` and
//! checked as its `standardizeAddress` does (scheme and port rules).
//!
//! An [`Address`] holds the text it was parsed from once (a [`TokenText`]: for a site key, the
//! key token's own shared text, so parsing allocates nothing) and the byte offsets of its parts
//! in it. Caddy reads at most 4,096 bytes of an address, so the offsets fit in `u16`s and the
//! whole address is 32 bytes; the five owned `String`s it replaced were 120 bytes plus three
//! to five heap blocks per site. A site address of the typed view keeps only the offsets (16
//! bytes) beside its key token, whose text the address is ([`crate::model::SiteAddress`]),
//! and hands out an [`AddressView`]: the same answers borrowed from the token's text, with no
//! reference count touched.

use std::borrow::Cow;
use std::fmt;

use crate::text::TokenText;

/// Caddy reads at most this many bytes of an address.
const MAX_ADDRESS_LEN: usize = 4096;

/// A parsed site address: accessors return the parts as written.
#[derive(Clone)]
pub struct Address {
    /// The text parsed (cut at [`MAX_ADDRESS_LEN`]); the parts are offsets into it.
    text: TokenText,
    parts: Parts,
}

/// Where an address's parts lie in the text it was parsed from: an [`Address`] without its
/// text, which a site address keeps beside its key token (whose text it is) instead of a
/// second handle on that text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Parts {
    /// The trimmed address: `text[start..end]`.
    start: u16,
    end: u16,
    /// The scheme is `text[start..scheme_end]` (empty when none was written).
    scheme_end: u16,
    host_start: u16,
    host_end: u16,
    port_start: u16,
    port_end: u16,
    /// The path (with its `/`) is `text[path_start..end]`; empty when `path_start == end`.
    path_start: u16,
}

impl Parts {
    /// Parts no address has (it starts after it ends): a site address whose key Caddy refuses.
    pub(crate) const NONE: Parts = Parts {
        start: 1,
        end: 0,
        scheme_end: 0,
        host_start: 0,
        host_end: 0,
        port_start: 0,
        port_end: 0,
        path_start: 0,
    };
}

impl Address {
    /// The address as a borrowed [`AddressView`] of its text.
    pub fn view(&self) -> AddressView<'_> {
        AddressView {
            text: &self.text,
            parts: self.parts,
        }
    }

    /// The address [`parse_address_text`] returned for `text` with these parts (which it
    /// returned then).
    pub(crate) fn from_parts(text: &TokenText, parts: Parts) -> Address {
        Address {
            text: cut_text(text),
            parts,
        }
    }

    /// The address as written (trimmed).
    pub fn original(&self) -> &str {
        self.view().original()
    }

    /// `http`, `https` (or another scheme, refused by [`check_address`]), or empty.
    pub fn scheme(&self) -> &str {
        self.view().scheme()
    }

    /// Host; empty for catch-all sites such as `:8080`.
    pub fn host(&self) -> &str {
        self.view().host()
    }

    /// Port digits; empty when none was given.
    pub fn port(&self) -> &str {
        self.view().port()
    }

    /// Path with its leading `/`, or empty.
    pub fn path(&self) -> &str {
        self.view().path()
    }

    /// Scheme, inferred from the port when not written (`:80` → http, everything else https).
    pub fn effective_scheme(&self) -> &str {
        self.view().effective_scheme()
    }

    /// Port, inferred from the scheme when not written.
    pub fn effective_port(&self) -> &str {
        self.view().effective_port()
    }

    /// The host in lower case except inside placeholders, as Caddy normalises it; borrowed when
    /// the host is already in that form.
    pub fn normalized_host(&self) -> Cow<'_, str> {
        self.view().normalized_host()
    }

    /// A key that is equal for two addresses Caddy would serve from the same site: scheme,
    /// normalised host, port and path.
    pub fn identity(&self) -> (&str, Cow<'_, str>, &str, &str) {
        self.view().identity()
    }

    /// Whether the host is a real DNS name (not empty, an IP, `localhost`, a wildcard or a
    /// placeholder) — the hosts that need a DNS record.
    pub fn is_dns_name(&self) -> bool {
        self.view().is_dns_name()
    }
}

/// A parsed address borrowed from the text it was parsed from: what an [`Address`] answers,
/// without a handle of its own on the text. A site address of the typed view hands one out
/// ([`crate::SiteAddress::view`]), so a rule reading the addresses of every site touches no
/// reference count and builds nothing.
#[derive(Clone, Copy)]
pub struct AddressView<'a> {
    /// The text parsed (cut at [`MAX_ADDRESS_LEN`]); the parts are offsets into it.
    text: &'a str,
    parts: Parts,
}

impl<'a> AddressView<'a> {
    /// The view of `text` (already cut where Caddy stops reading) with these parts.
    pub(crate) fn new(text: &'a str, parts: Parts) -> Self {
        AddressView { text, parts }
    }

    fn part(&self, start: u16, end: u16) -> &'a str {
        &self.text[usize::from(start)..usize::from(end)]
    }

    /// The address as written (trimmed).
    pub fn original(&self) -> &'a str {
        self.part(self.parts.start, self.parts.end)
    }

    /// `http`, `https` (or another scheme, refused by [`check_address`]), or empty.
    pub fn scheme(&self) -> &'a str {
        self.part(self.parts.start, self.parts.scheme_end)
    }

    /// Host; empty for catch-all sites such as `:8080`.
    pub fn host(&self) -> &'a str {
        self.part(self.parts.host_start, self.parts.host_end)
    }

    /// Port digits; empty when none was given.
    pub fn port(&self) -> &'a str {
        self.part(self.parts.port_start, self.parts.port_end)
    }

    /// Path with its leading `/`, or empty.
    pub fn path(&self) -> &'a str {
        self.part(self.parts.path_start, self.parts.end)
    }

    /// Scheme, inferred from the port when not written (`:80` → http, everything else https).
    pub fn effective_scheme(&self) -> &'a str {
        let scheme = self.scheme();
        if !scheme.is_empty() {
            scheme
        } else if self.port() == "80" {
            "http"
        } else {
            "https"
        }
    }

    /// Port, inferred from the scheme when not written.
    pub fn effective_port(&self) -> &'a str {
        let port = self.port();
        if !port.is_empty() {
            port
        } else if self.effective_scheme() == "http" {
            "80"
        } else {
            "443"
        }
    }

    /// The host in lower case except inside placeholders, as Caddy normalises it; borrowed when
    /// the host is already in that form.
    pub fn normalized_host(&self) -> Cow<'a, str> {
        let host = self.host();
        // One pass decides the common case: ASCII, no placeholder, already lower case (a
        // table lookup per byte, read by every rule that compares hosts).
        let class = host
            .bytes()
            .fold(0u8, |class, byte| class | HOST_BYTE[usize::from(byte)]);
        if class & NOT_SIMPLE == 0 {
            return if class & UPPER != 0 {
                Cow::Owned(host.to_ascii_lowercase())
            } else {
                Cow::Borrowed(host)
            };
        }
        let mut out = String::with_capacity(host.len());
        let mut depth = 0u32;
        for ch in host.chars() {
            match ch {
                '{' => depth += 1,
                '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
            if depth == 0 {
                out.extend(ch.to_lowercase());
            } else {
                out.push(ch);
            }
        }
        Cow::Owned(out)
    }

    /// A key that is equal for two addresses Caddy would serve from the same site: scheme,
    /// normalised host, port and path.
    pub fn identity(&self) -> (&'a str, Cow<'a, str>, &'a str, &'a str) {
        (
            self.effective_scheme(),
            self.normalized_host(),
            self.effective_port(),
            self.path(),
        )
    }

    /// Whether the host is a real DNS name (not empty, an IP, `localhost`, a wildcard or a
    /// placeholder) — the hosts that need a DNS record.
    pub fn is_dns_name(&self) -> bool {
        let host = self.host();
        !(host.is_empty()
            || host.contains('{')
            || host.contains('*')
            || host.eq_ignore_ascii_case("localhost")
            || host.parse::<std::net::IpAddr>().is_ok())
    }
}

/// [`HOST_BYTE`]: an ASCII upper-case letter.
const UPPER: u8 = 1;
/// [`HOST_BYTE`]: a byte that sends a host through the character-wise normalisation
/// (non-ASCII, or the `{` of a placeholder).
const NOT_SIMPLE: u8 = 2;

/// What each byte of a host says about its normalisation ([`AddressView::normalized_host`]).
const HOST_BYTE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = if !b.is_ascii() || b == b'{' {
            NOT_SIMPLE
        } else if b.is_ascii_uppercase() {
            UPPER
        } else {
            0
        };
        byte += 1;
    }
    table
};

impl AddressView<'_> {
    /// The parts, under the type name `name`: one `Debug` for the view and the address.
    fn debug_as(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(name)
            .field("original", &self.original())
            .field("scheme", &self.scheme())
            .field("host", &self.host())
            .field("port", &self.port())
            .field("path", &self.path())
            .finish()
    }
}

impl fmt::Debug for AddressView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.debug_as("AddressView", f)
    }
}

impl PartialEq for Address {
    /// Equal when every part is written the same (wherever the texts came from).
    fn eq(&self, other: &Self) -> bool {
        self.original() == other.original()
            && self.scheme() == other.scheme()
            && self.host() == other.host()
            && self.port() == other.port()
            && self.path() == other.path()
    }
}

impl Eq for Address {}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.view().debug_as("Address", f)
    }
}

/// Parse a site address the way Caddy's `ParseAddress` does. Errors use Caddy's wording.
pub fn parse_address(input: &str) -> Result<Address, String> {
    // Only the part Caddy reads is copied.
    parse_address_text(&TokenText::from(&input[..cut_len(input)]))
}

/// [`parse_address`] on a token's text, sharing it: no allocation unless the address is refused.
pub fn parse_address_text(text: &TokenText) -> Result<Address, String> {
    let text = cut_text(text);
    let parts = parse_parts(&text)?;
    Ok(Address { text, parts })
}

/// Where the parts of the address `whole` lie (`whole` already cut at [`MAX_ADDRESS_LEN`]), or
/// Caddy's error.
pub(crate) fn parse_parts(whole: &str) -> Result<Parts, String> {
    match plain_host(whole) {
        Some(parts) => Ok(parts),
        None => parse_parts_fully(whole),
    }
}

/// [`parse_parts`] without its shortcut for a bare host.
fn parse_parts_fully(whole: &str) -> Result<Parts, String> {
    // Nearly every key starts and ends with a byte that is not (the start of) white space:
    // then there is nothing to trim and the Unicode-aware `trim` is skipped.
    let plain = |byte: Option<&u8>| {
        byte.is_some_and(|&b| b.is_ascii() && !b.is_ascii_whitespace() && b != b'\x0b')
    };
    let trimmed = if plain(whole.as_bytes().first()) && plain(whole.as_bytes().last()) {
        whole
    } else {
        whole.trim()
    };
    // `trim` returns a subslice: its offset is where the trimmed text starts.
    let start = trimmed.as_ptr() as usize - whole.as_ptr() as usize;
    let end = start + trimmed.len();
    let (scheme_end, rest_start) = match find_scheme_separator(trimmed) {
        Some(at) => (start + at, start + at + 3),
        None => (start, start),
    };
    let rest = &whole[rest_start..end];
    let (host_port_end, path_start) = match rest.bytes().position(|b| b == b'/') {
        Some(slash) => (rest_start + slash, rest_start + slash),
        None => (end, end),
    };
    let host_port = &whole[rest_start..host_port_end];
    let ((host_start, host_end), (port_start, port_end)) =
        match host_port.bytes().rposition(|b| b == b':') {
            Some(colon) => go_split_host_port(host_port, colon, host_port.len()),
            None => None,
        }
        .or_else(|| {
            // Caddy retries with a `:` appended: a host without a port.
            go_split_host_port(host_port, host_port.len(), host_port.len() + 1)
        })
        .map_or(
            ((0, host_port.len()), (host_port.len(), host_port.len())),
            |spans| spans,
        );
    let port = &host_port[port_start..port_end];
    if !port.is_empty() {
        match parse_go_int(port) {
            None => {
                return Err(format!(
                    "invalid port '{port}': strconv.Atoi: parsing \"{port}\": invalid syntax"
                ))
            }
            Some(number) if !(0..=65535).contains(&number) => {
                return Err(format!("port {number} is out of range"));
            }
            Some(_) => {}
        }
    }
    // Every offset is at most `cut` ≤ MAX_ADDRESS_LEN.
    let at = |offset: usize| u16::try_from(offset).unwrap_or(u16::MAX);
    Ok(Parts {
        start: at(start),
        end: at(end),
        scheme_end: at(scheme_end),
        host_start: at(rest_start + host_start),
        host_end: at(rest_start + host_end),
        port_start: at(rest_start + port_start),
        port_end: at(rest_start + port_end),
        path_start: at(path_start),
    })
}

/// The parts of `whole` when it is a bare host (nearly every site key: `app.example.com`),
/// found in one pass over its bytes; `None` sends it through the full parse. A text without
/// `:`, `/`, `[` or `]` and without white space at either end has no scheme, port or path,
/// and Go's `SplitHostPort` on it with a `:` appended (what [`parse_parts`] would try) gives
/// the whole text as the host (what [`parse_parts_fully`] finds: tested).
fn plain_host(whole: &str) -> Option<Parts> {
    let bytes = whole.as_bytes();
    let edge = |b: u8| b.is_ascii() && !b.is_ascii_whitespace() && b != b'\x0b';
    if !edge(*bytes.first()?) || !edge(*bytes.last()?) {
        return None;
    }
    if bytes
        .iter()
        .any(|&b| matches!(b, b':' | b'/' | b'[' | b']'))
    {
        return None;
    }
    // Cut at MAX_ADDRESS_LEN before this call, so the length fits.
    let end = u16::try_from(bytes.len()).ok()?;
    Some(Parts {
        start: 0,
        end,
        scheme_end: 0,
        host_start: 0,
        host_end: end,
        port_start: end,
        port_end: end,
        path_start: end,
    })
}

/// The part of `text` Caddy reads, sharing it.
fn cut_text(text: &TokenText) -> TokenText {
    let cut = cut_len(text);
    if cut == text.len() {
        text.clone()
    } else {
        text.prefix(cut)
    }
}

/// How many bytes of `input` Caddy reads: [`MAX_ADDRESS_LEN`], cut back to a character boundary.
pub(crate) fn cut_len(input: &str) -> usize {
    if input.len() <= MAX_ADDRESS_LEN {
        return input.len();
    }
    let mut end = MAX_ADDRESS_LEN;
    while !input.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// Where the first `://` starts.
pub fn find_scheme_separator(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(2))
        .find(|&at| bytes[at] == b':' && bytes[at + 1] == b'/' && bytes[at + 2] == b'/')
}

/// Whether `text` holds `byte` (a plain loop: the strings here are a few bytes long, where
/// `str::contains` costs more in setting up its search than in searching).
fn has(text: &str, byte: u8) -> bool {
    text.bytes().any(|b| b == byte)
}

/// The adapter's checks on a parsed address: supported schemes and the scheme/port convention.
pub fn check_address(address: &Address, http_port: &str, https_port: &str) -> Result<(), String> {
    check_view(address.view(), http_port, https_port)
}

/// [`check_address`] on a borrowed address.
pub(crate) fn check_view(
    address: AddressView<'_>,
    http_port: &str,
    https_port: &str,
) -> Result<(), String> {
    let scheme = address.scheme();
    match scheme {
        "" | "http" | "https" => {}
        "ws" => {
            return Err(
                "the scheme ws:// is only supported in browsers; use http:// instead".into(),
            )
        }
        "wss" => {
            return Err(
                "the scheme wss:// is only supported in browsers; use https:// instead".into(),
            )
        }
        other => return Err(format!("unsupported URL scheme {other}://")),
    }
    let port = address.port();
    if (scheme == "http" && port == https_port) || (scheme == "https" && port == http_port) {
        return Err(format!(
            "[{}] scheme and port violate convention",
            address.original()
        ));
    }
    Ok(())
}

/// Go's `strconv.Atoi`: optional sign, decimal digits, no spaces; `None` on syntax error.
fn parse_go_int(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Out-of-range values still count as "out of range" numbers, not syntax errors.
    let value: i64 = digits.parse().unwrap_or(i64::MAX);
    Some(if text.starts_with('-') { -value } else { value })
}

/// Go's `net.SplitHostPort`, returning `None` where Go returns an error.
pub fn split_host_port(hostport: &str) -> Option<(&str, &str)> {
    let colon = hostport.bytes().rposition(|b| b == b':')?;
    let ((host_start, host_end), (port_start, port_end)) =
        go_split_host_port(hostport, colon, hostport.len())?;
    Some((
        &hostport[host_start..host_end],
        &hostport[port_start..port_end],
    ))
}

/// Go's `net.SplitHostPort` on `hostport` whose last `:` is at `colon` and whose length is
/// `len`: either `hostport` itself (`colon` its last `:`, `len` its length) or `hostport`
/// with a `:` appended (`colon` = `hostport.len()`, `len` one more), without building that
/// string. Returns the host and port spans in `hostport`.
#[allow(clippy::type_complexity)]
fn go_split_host_port(
    hostport: &str,
    colon: usize,
    len: usize,
) -> Option<((usize, usize), (usize, usize))> {
    let (host, host_start, host_end);
    if hostport.starts_with('[') {
        let close = hostport.bytes().position(|b| b == b']')?;
        if close + 1 == len || close + 1 != colon {
            return None;
        }
        host = (1, close);
        host_start = 1;
        host_end = close + 1;
    } else {
        if has(&hostport[..colon], b':') {
            return None;
        }
        host = (0, colon);
        host_start = 0;
        host_end = 0;
    }
    if has(&hostport[host_start..], b'[') || has(&hostport[host_end..], b']') {
        return None;
    }
    let port_start = (colon + 1).min(hostport.len());
    Some((host, (port_start, hostport.len())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(address: &Address) -> (&str, &str, &str, &str) {
        (
            address.scheme(),
            address.host(),
            address.port(),
            address.path(),
        )
    }

    #[test]
    fn parses_common_forms() {
        let a = parse_address("https://Example.com:8443/api").unwrap();
        assert_eq!(parts(&a), ("https", "Example.com", "8443", "/api"));
        assert_eq!(a.original(), "https://Example.com:8443/api");
        let b = parse_address("[::1]:443").unwrap();
        assert_eq!((b.host(), b.port()), ("::1", "443"));
        assert!(parse_address(":http").is_err());
        assert_eq!(
            parse_address("a:70000").unwrap_err(),
            "port 70000 is out of range"
        );
    }

    #[test]
    fn parts_are_spans_of_the_trimmed_text() {
        let a = parse_address("  http://[::1]/x/y ").unwrap();
        assert_eq!(a.original(), "http://[::1]/x/y");
        assert_eq!(parts(&a), ("http", "::1", "", "/x/y"));
        assert_eq!(
            parts(&parse_address("example.com/").unwrap()),
            ("", "example.com", "", "/")
        );
        assert_eq!(
            parts(&parse_address(":8080").unwrap()),
            ("", "", "8080", "")
        );
        assert_eq!(parts(&parse_address("://h:1").unwrap()), ("", "h", "1", ""));
        // Not a host:port for Go (two colons): the whole text is the host.
        assert_eq!(
            parts(&parse_address("a:b:c").unwrap()),
            ("", "a:b:c", "", "")
        );
        assert_eq!(parts(&parse_address("x]y").unwrap()), ("", "x]y", "", ""));
        assert_eq!(parts(&parse_address("[::1]").unwrap()), ("", "::1", "", ""));
        assert_eq!(std::mem::size_of::<Address>(), 32);
    }

    #[test]
    fn the_bare_host_shortcut_agrees_with_the_full_parse() {
        let mut shortcuts = 0;
        for text in [
            "example.com",
            "a",
            "*.example.com",
            "{$HOST}",
            "Example.COM",
            "é.example",
            "x é",
            "",
            " a",
            "a ",
            "a\u{b}",
            "\u{a0}a",
            "a:1",
            "a/b",
            "[::1]",
            "x]y",
            "http://a",
            "a b",
            "localhost",
            "10.0.0.1",
            "a\tb",
            "<name>",
        ] {
            if let Some(parts) = plain_host(text) {
                shortcuts += 1;
                assert_eq!(Ok(parts), parse_parts_fully(text), "{text:?}");
            }
        }
        assert_eq!(shortcuts, 10);
    }

    #[test]
    fn long_addresses_are_cut_where_caddy_cuts_them() {
        // A three-byte character across byte 4,096 is left out whole.
        let long = format!("{}€{}", "a".repeat(4095), "b".repeat(100));
        let a = parse_address(&long).unwrap();
        assert_eq!(a.host(), "a".repeat(4095));
    }

    #[test]
    fn identity_normalises_case_outside_placeholders() {
        let a = parse_address("Example.COM").unwrap();
        let b = parse_address("https://example.com:443").unwrap();
        assert_eq!(a.identity(), b.identity());
        let c = parse_address("{Env}.Example.com").unwrap();
        assert_eq!(c.normalized_host(), "{Env}.example.com");
        assert!(matches!(
            parse_address("plain.example").unwrap().normalized_host(),
            Cow::Borrowed(_)
        ));
    }
}
