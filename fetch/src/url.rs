//! The URLs the fetcher accepts, and the addresses it connects to.
//!
//! Deliberately narrower than a browser's URL parser: an absolute `https://`
//! (or loopback `http://`) URL with a plain host name, a dotted IPv4 address
//! or a bracketed IPv6 address, an optional decimal port, and a path and
//! query of printable ASCII. User info, fragments, percent-encoded or
//! numeric-shorthand hosts (`127.1`, `0x7f.0.0.1`) and trailing dots are
//! refused rather than interpreted, so the host checked by the policy is the
//! host connected to.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::error::{FetchError, FetchErrorCode};

/// The longest URL accepted, in bytes.
pub const MAX_URL_BYTES: usize = 8 * 1024;

/// `http` or `https`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scheme {
    Http,
    Https,
}

/// A host: a lower-case DNS name or an IP address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Host {
    Name(String),
    Ip(IpAddr),
}

/// A parsed URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Target {
    pub scheme: Scheme,
    pub host: Host,
    pub port: u16,
    /// Starts with `/`.
    pub path_and_query: String,
}

fn invalid(url: &str, why: &str) -> FetchError {
    FetchError::new(
        FetchErrorCode::UrlInvalid,
        format!("{why}: {}", crate::cut(url)),
    )
}

impl Target {
    pub fn parse(url: &str) -> Result<Target, FetchError> {
        if url.len() > MAX_URL_BYTES {
            return Err(invalid(url, "URL longer than 8 KiB"));
        }
        if url.bytes().any(|b| b <= b' ' || b >= 0x7f) {
            return Err(invalid(url, "space, control or non-ASCII byte in the URL"));
        }
        if url.contains('#') {
            return Err(invalid(url, "fragment in the URL"));
        }
        let (scheme, rest) = if let Some(r) = strip_prefix_ci(url, "https://") {
            (Scheme::Https, r)
        } else if let Some(r) = strip_prefix_ci(url, "http://") {
            (Scheme::Http, r)
        } else {
            return Err(invalid(url, "not an http(s) URL"));
        };
        let split = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(split);
        if authority.contains('@') {
            return Err(invalid(url, "user info in the URL"));
        }
        let (host, port) = split_host_port(authority).ok_or_else(|| invalid(url, "bad host"))?;
        let port = match port {
            None => match scheme {
                Scheme::Https => 443,
                Scheme::Http => 80,
            },
            Some(p) => parse_port(p).ok_or_else(|| invalid(url, "bad port"))?,
        };
        let host = parse_host(host).ok_or_else(|| invalid(url, "bad host"))?;
        let path_and_query = if path.starts_with('?') || path.is_empty() {
            format!("/{path}")
        } else {
            path.to_owned()
        };
        Ok(Target {
            scheme,
            host,
            port,
            path_and_query,
        })
    }

    /// Scheme, host and port.
    pub fn same_origin(&self, other: &Target) -> bool {
        self.scheme == other.scheme && self.host == other.host && self.port == other.port
    }

    /// The `Host` header's value.
    pub fn authority(&self) -> String {
        let default = match self.scheme {
            Scheme::Https => 443,
            Scheme::Http => 80,
        };
        let host = match &self.host {
            Host::Name(n) => n.clone(),
            Host::Ip(IpAddr::V4(a)) => a.to_string(),
            Host::Ip(IpAddr::V6(a)) => format!("[{a}]"),
        };
        if self.port == default {
            host
        } else {
            format!("{host}:{}", self.port)
        }
    }

    /// Resolves a `Location` header against this URL: an absolute
    /// `http(s)` URL or an absolute path; anything else is refused.
    pub fn redirect(&self, location: &str) -> Result<Target, FetchError> {
        if location.starts_with('/') && !location.starts_with("//") {
            let mut t = self.clone();
            if location.contains('#') || location.bytes().any(|b| b <= b' ' || b >= 0x7f) {
                return Err(FetchError::new(
                    FetchErrorCode::RedirectRefused,
                    format!("unusable Location: {}", crate::cut(location)),
                ));
            }
            t.path_and_query = location.to_owned();
            return Ok(t);
        }
        Target::parse(location).map_err(|e| {
            FetchError::new(
                FetchErrorCode::RedirectRefused,
                format!("unusable Location ({})", e.detail()),
            )
        })
    }

    /// Whether the host is `localhost` or a loopback address.
    pub fn is_loopback_host(&self) -> bool {
        match &self.host {
            Host::Name(n) => n == "localhost",
            Host::Ip(ip) => ip.is_loopback(),
        }
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

fn split_host_port(authority: &str) -> Option<(&str, Option<&str>)> {
    if let Some(rest) = authority.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        host.parse::<Ipv6Addr>().ok()?;
        return match after {
            "" => Some((host, None)),
            p => Some((host, Some(p.strip_prefix(':')?))),
        };
    }
    match authority.split_once(':') {
        Some((h, p)) => Some((h, Some(p))),
        None => Some((authority, None)),
    }
}

fn parse_port(p: &str) -> Option<u16> {
    if p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    p.parse::<u16>().ok().filter(|&n| n != 0)
}

fn parse_host(host: &str) -> Option<Host> {
    if let Ok(v6) = host.parse::<Ipv6Addr>() {
        return Some(Host::Ip(IpAddr::V6(v6)));
    }
    if host.is_empty() || host.len() > 253 {
        return None;
    }
    let labels: Vec<&str> = host.split('.').collect();
    let last = labels.last()?;
    if last.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
        // A name whose last label starts with a digit is an address or
        // nothing: only the four-part dotted decimal form is taken.
        return dotted_quad(host).map(|a| Host::Ip(IpAddr::V4(a)));
    }
    let ok = labels.iter().all(|l| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    });
    ok.then(|| Host::Name(host.to_ascii_lowercase()))
}

fn dotted_quad(s: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut octets = [0u8; 4];
    for (o, p) in octets.iter_mut().zip(&parts) {
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if p.len() > 1 && p.starts_with('0') {
            return None; // no octal-looking octets
        }
        *o = p.parse().ok()?;
    }
    Some(Ipv4Addr::from(octets))
}

/// Whether `ip` is a globally routed unicast address: not unspecified,
/// loopback, private (RFC 1918, RFC 4193), shared (RFC 6598), link-local,
/// multicast, broadcast, reserved, documentation or benchmarking, and no
/// IPv6 form that embeds such an IPv4 address (mapped, compatible, NAT64,
/// 6to4) or tunnels to one (Teredo).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => is_public_v4(a),
        IpAddr::V6(a) => is_public_v6(a),
    }
}

fn is_public_v4(a: Ipv4Addr) -> bool {
    let [o0, o1, o2, _] = a.octets();
    !(o0 == 0
        || o0 == 10
        || o0 == 127
        || (o0 == 100 && (64..128).contains(&o1))
        || (o0 == 169 && o1 == 254)
        || (o0 == 172 && (16..32).contains(&o1))
        || (o0 == 192 && o1 == 0 && o2 == 0)
        || (o0 == 192 && o1 == 0 && o2 == 2)
        || (o0 == 192 && o1 == 88 && o2 == 99)
        || (o0 == 192 && o1 == 168)
        || (o0 == 198 && (o1 == 18 || o1 == 19))
        || (o0 == 198 && o1 == 51 && o2 == 100)
        || (o0 == 203 && o1 == 0 && o2 == 113)
        || o0 >= 224)
}

fn is_public_v6(a: Ipv6Addr) -> bool {
    let s = a.segments();
    let [s0, s1, s2, s3, s4, s5, s6, s7] = s;
    let embedded = || Ipv4Addr::new((s6 >> 8) as u8, s6 as u8, (s7 >> 8) as u8, s7 as u8);
    if s0 == 0 && s1 == 0 && s2 == 0 && s3 == 0 && s4 == 0 {
        // ::, ::1, IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d)
        return s5 == 0xffff && is_public_v4(embedded());
    }
    if s0 == 0x64 && s1 == 0xff9b && s2 == 0 && s3 == 0 && s4 == 0 && s5 == 0 {
        return is_public_v4(embedded()); // NAT64 (RFC 6052)
    }
    if s0 == 0x2002 {
        // 6to4: the IPv4 address is in segments 1 and 2
        let v4 = Ipv4Addr::new((s1 >> 8) as u8, s1 as u8, (s2 >> 8) as u8, s2 as u8);
        return is_public_v4(v4);
    }
    !((s0 & 0xfe00) == 0xfc00 // unique local
        || (s0 & 0xffc0) == 0xfe80 // link-local
        || (s0 & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (s0 & 0xff00) == 0xff00 // multicast
        || (s0 == 0x2001 && s1 == 0x0db8) // documentation
        || (s0 == 0x2001 && s1 == 0) // Teredo
        || (s0 == 0x0100 && s1 == 0 && s2 == 0 && s3 == 0)) // discard-only
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn accepted_urls_split_as_expected() {
        let t = Target::parse("https://OP.Example.it/oidc/op/fetch?sub=x").unwrap();
        assert_eq!(t.scheme, Scheme::Https);
        assert_eq!(t.host, Host::Name("op.example.it".into()));
        assert_eq!(t.port, 443);
        assert_eq!(t.path_and_query, "/oidc/op/fetch?sub=x");
        assert_eq!(t.authority(), "op.example.it");
        let t = Target::parse("http://127.0.0.1:8000?sub=x").unwrap();
        assert_eq!(t.path_and_query, "/?sub=x");
        assert_eq!(t.authority(), "127.0.0.1:8000");
        let t = Target::parse("https://[::1]:8443").unwrap();
        assert_eq!(t.host, Host::Ip("::1".parse().unwrap()));
        assert_eq!(t.authority(), "[::1]:8443");
        assert_eq!(t.path_and_query, "/");
    }

    #[test]
    fn odd_urls_are_refused_not_interpreted() {
        for bad in [
            "ftp://a.example/",
            "https://user@a.example/",
            "https://a.example@b.example/",
            "https://a.example/#frag",
            "https://a.example/a b",
            "https://a.example/\u{e9}",
            "https://127.1/",
            "https://0x7f.0.0.1/",
            "https://017.0.0.1/",
            "https://2130706433/",
            "https://a.example./",
            "https://-a.example/",
            "https://a..example/",
            "https://a.example:0/",
            "https://a.example:65536/",
            "https://a.example:+80/",
            "https://a.example:/",
            "https://[::1/",
            "https://[not-v6]/",
            "https:///path",
            "https://a_b.example/",
            "//a.example/",
        ] {
            let e = Target::parse(bad).unwrap_err();
            assert_eq!(e.code(), FetchErrorCode::UrlInvalid, "{bad}");
        }
        let long = format!("https://a.example/{}", "a".repeat(MAX_URL_BYTES));
        assert!(Target::parse(&long).is_err());
    }

    #[test]
    fn redirects_resolve_paths_and_absolute_urls_only() {
        let base = Target::parse("https://a.example:8443/x?y").unwrap();
        let t = base.redirect("/z?q").unwrap();
        assert!(t.same_origin(&base));
        assert_eq!(t.path_and_query, "/z?q");
        assert!(!base
            .redirect("https://b.example/")
            .unwrap()
            .same_origin(&base));
        assert!(!base
            .redirect("https://a.example/")
            .unwrap()
            .same_origin(&base));
        assert!(!base
            .redirect("http://a.example:8443/")
            .unwrap()
            .same_origin(&base));
        for bad in ["//b.example/", "relative", "/a#b", "javascript:x"] {
            assert_eq!(
                base.redirect(bad).unwrap_err().code(),
                FetchErrorCode::RedirectRefused,
                "{bad}"
            );
        }
    }

    #[test]
    fn only_global_unicast_addresses_are_public() {
        for ok in [
            "8.8.8.8",
            "151.101.1.1",
            "2a00:1450:4002::1",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
        ] {
            assert!(is_public(ok.parse().unwrap()), "{ok}");
        }
        for bad in [
            "0.0.0.0",
            "127.0.0.1",
            "127.255.0.9",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "192.0.0.8",
            "192.0.2.1",
            "198.18.0.1",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "::127.0.0.1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a00:1",
            "2002:a00:1::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "2001:db8::1",
            "2001::1",
            "100::1",
        ] {
            assert!(!is_public(bad.parse().unwrap()), "{bad}");
        }
    }
}
