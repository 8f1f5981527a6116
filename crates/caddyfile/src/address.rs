//! Site addresses (`[scheme://][host][:port][/path]`), parsed as Caddy's `ParseAddress` and
//! checked as its `standardizeAddress` does (scheme and port rules).

/// A parsed site address.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Address {
    /// The address as written (trimmed).
    pub original: String,
    /// `http`, `https`, or empty.
    pub scheme: String,
    /// Host; empty for catch-all sites such as `:8080`.
    pub host: String,
    /// Port digits; empty when none was given.
    pub port: String,
    /// Path with its leading `/`, or empty.
    pub path: String,
}

impl Address {
    /// Scheme, inferred from the port when not written (`:80` → http, everything else https).
    pub fn effective_scheme(&self) -> &str {
        if !self.scheme.is_empty() {
            &self.scheme
        } else if self.port == "80" {
            "http"
        } else {
            "https"
        }
    }

    /// Port, inferred from the scheme when not written.
    pub fn effective_port(&self) -> &str {
        if !self.port.is_empty() {
            &self.port
        } else if self.effective_scheme() == "http" {
            "80"
        } else {
            "443"
        }
    }

    /// The host in lower case except inside placeholders, as Caddy normalises it.
    pub fn normalized_host(&self) -> String {
        if self.host.is_ascii() && !self.host.contains('{') {
            return self.host.to_ascii_lowercase();
        }
        let mut out = String::with_capacity(self.host.len());
        let mut depth = 0u32;
        for ch in self.host.chars() {
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
        out
    }

    /// A key that is equal for two addresses Caddy would serve from the same site.
    pub fn identity(&self) -> (String, String, String, String) {
        (
            self.effective_scheme().to_owned(),
            self.normalized_host(),
            self.effective_port().to_owned(),
            self.path.clone(),
        )
    }

    /// Whether the host is a real DNS name (not empty, an IP, `localhost`, a wildcard or a
    /// placeholder) — the hosts that need a DNS record.
    pub fn is_dns_name(&self) -> bool {
        let host = &self.host;
        !(host.is_empty()
            || host.contains('{')
            || host.contains('*')
            || host.eq_ignore_ascii_case("localhost")
            || host.parse::<std::net::IpAddr>().is_ok())
    }
}

/// Parse a site address the way Caddy's `ParseAddress` does. Errors use Caddy's wording.
pub fn parse_address(input: &str) -> Result<Address, String> {
    let truncated: String;
    let input = if input.len() > 4096 {
        let mut end = 4096;
        while !input.is_char_boundary(end) {
            end -= 1;
        }
        truncated = input[..end].to_owned();
        &truncated
    } else {
        input
    };
    let remaining = input.trim();
    let mut address = Address {
        original: remaining.to_owned(),
        ..Address::default()
    };
    let rest = match remaining.split_once("://") {
        Some((scheme, rest)) => {
            address.scheme = scheme.to_owned();
            rest
        }
        None => remaining,
    };
    let (host_port, path) = match rest.split_once('/') {
        Some((host_port, path)) => (host_port, Some(path)),
        None => (rest, None),
    };
    match split_host_port(host_port) {
        Some((host, port)) => {
            address.host = host.to_owned();
            address.port = port.to_owned();
        }
        None => {
            let with_colon = format!("{host_port}:");
            match split_host_port(&with_colon) {
                Some((host, port)) => {
                    address.host = host.to_owned();
                    address.port = port.to_owned();
                }
                None => address.host = host_port.to_owned(),
            }
        }
    }
    if let Some(path) = path {
        address.path = format!("/{path}");
    }
    if !address.port.is_empty() {
        match parse_go_int(&address.port) {
            None => {
                return Err(format!(
                    "invalid port '{}': strconv.Atoi: parsing \"{}\": invalid syntax",
                    address.port, address.port
                ))
            }
            Some(number) if !(0..=65535).contains(&number) => {
                return Err(format!("port {number} is out of range"));
            }
            Some(_) => {}
        }
    }
    Ok(address)
}

/// The adapter's checks on a parsed address: supported schemes and the scheme/port convention.
pub fn check_address(address: &Address, http_port: &str, https_port: &str) -> Result<(), String> {
    match address.scheme.as_str() {
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
    if (address.scheme == "http" && address.port == https_port)
        || (address.scheme == "https" && address.port == http_port)
    {
        return Err(format!(
            "[{}] scheme and port violate convention",
            address.original
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
    let colon = hostport.rfind(':')?;
    let (host, host_start, host_end);
    if hostport.starts_with('[') {
        let close = hostport.find(']')?;
        if close + 1 == hostport.len() || close + 1 != colon {
            return None;
        }
        host = &hostport[1..close];
        host_start = 1;
        host_end = close + 1;
    } else {
        host = &hostport[..colon];
        if host.contains(':') {
            return None;
        }
        host_start = 0;
        host_end = 0;
    }
    if hostport[host_start..].contains('[') || hostport[host_end..].contains(']') {
        return None;
    }
    Some((host, &hostport[colon + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_forms() {
        let a = parse_address("https://Example.com:8443/api").unwrap();
        assert_eq!(
            (
                a.scheme.as_str(),
                a.host.as_str(),
                a.port.as_str(),
                a.path.as_str()
            ),
            ("https", "Example.com", "8443", "/api")
        );
        let b = parse_address("[::1]:443").unwrap();
        assert_eq!((b.host.as_str(), b.port.as_str()), ("::1", "443"));
        assert!(parse_address(":http").is_err());
        assert_eq!(
            parse_address("a:70000").unwrap_err(),
            "port 70000 is out of range"
        );
    }
}
