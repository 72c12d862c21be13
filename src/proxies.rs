//! Client addresses behind a reverse proxy. `X-Forwarded-For` is written by whoever sends the
//! request, so it is believed only from the proxies named in `TRUSTED_PROXIES`, and only as
//! far as they vouch for it: each trusted proxy appends the address it received the request
//! from, so the client is the rightmost address that is not itself a trusted proxy. Anything
//! a client wrote to the left of that is ignored.

use ipnet::IpNet;
use std::net::IpAddr;

/// The addresses and ranges whose `X-Forwarded-For` is believed (`TRUSTED_PROXIES`); empty
/// when the server is reached directly, and then the header is ignored.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// A comma-separated list of addresses (`10.0.0.5`, `::1`) and ranges (`10.0.0.0/8`,
    /// `fd00::/8`); the error names the first entry that is neither.
    pub fn parse(text: &str) -> Result<Self, String> {
        text.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        format!(
                            "{entry:?} is neither an address (10.0.0.5, ::1) nor a range \
                             (10.0.0.0/8, fd00::/8)"
                        )
                    })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        let address = canonical(address);
        self.0.iter().any(|net| net.contains(&address))
    }

    /// The client's address: the peer's, unless the peer is a trusted proxy and the
    /// `X-Forwarded-For` headers (`forwarded`, in the order received) name a client. Then it is
    /// the rightmost address that is not a trusted proxy, or the leftmost if all are. A header
    /// with an entry that is not an address is ignored whole.
    pub fn client<'a>(
        &self,
        peer: IpAddr,
        forwarded: impl IntoIterator<Item = &'a [u8]>,
    ) -> IpAddr {
        let peer = canonical(peer);
        if !self.contains(peer) {
            return peer;
        }
        let mut hops = Vec::new();
        for header in forwarded {
            let Ok(header) = std::str::from_utf8(header) else {
                return peer;
            };
            for entry in header.split(',') {
                match entry.trim().parse::<IpAddr>() {
                    Ok(address) => hops.push(canonical(address)),
                    Err(_) => return peer,
                }
            }
        }
        hops.iter()
            .rev()
            .find(|hop| !self.contains(**hop))
            .or(hops.first())
            .copied()
            .unwrap_or(peer)
    }
}

/// An IPv4 address seen through an IPv6 socket (`::ffff:10.0.0.5`) is the IPv4 address.
fn canonical(address: IpAddr) -> IpAddr {
    address.to_canonical()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn client(trusted: &str, peer: &str, headers: &[&str]) -> IpAddr {
        TrustedProxies::parse(trusted)
            .unwrap()
            .client(ip(peer), headers.iter().map(|h| h.as_bytes()))
    }

    #[test]
    fn addresses_and_ranges_of_both_families_are_read_and_a_bad_entry_named() {
        let proxies = TrustedProxies::parse(" 10.0.0.5, 192.168.0.0/16 ,::1,fd00::/8,").unwrap();
        for trusted in [
            "10.0.0.5",
            "192.168.4.20",
            "::1",
            "fd00::17",
            "::ffff:10.0.0.5",
        ] {
            assert!(proxies.contains(ip(trusted)), "{trusted}");
        }
        for other in ["10.0.0.6", "192.169.0.1", "::2", "fe80::1"] {
            assert!(!proxies.contains(ip(other)), "{other}");
        }
        assert_eq!(TrustedProxies::parse(""), Ok(TrustedProxies::default()));
        for (list, bad) in [
            ("10.0.0.5, proxy.local", "\"proxy.local\""),
            ("10.0.0.0/33", "\"10.0.0.0/33\""),
            ("10.0.0.5,10.0.0.300", "\"10.0.0.300\""),
        ] {
            let error = TrustedProxies::parse(list).unwrap_err();
            assert!(error.starts_with(bad), "{list}: {error}");
        }
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        assert_eq!(client("", "127.0.0.1", &["203.0.113.9"]), ip("127.0.0.1"));
        // A peer that is not one of the proxies is believed no more.
        assert_eq!(
            client("10.0.0.5", "198.51.100.7", &["203.0.113.9"]),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn the_client_is_the_rightmost_hop_that_is_not_a_trusted_proxy() {
        assert_eq!(
            client("127.0.0.1", "127.0.0.1", &["203.0.113.9, 198.51.100.7"]),
            ip("198.51.100.7")
        );
        // Entries a client wrote itself, to the left, are spoofed and skipped.
        assert_eq!(
            client(
                "10.0.0.0/8",
                "10.0.0.5",
                &["1.2.3.4, 5.6.7.8, 198.51.100.7, 10.1.1.1"]
            ),
            ip("198.51.100.7")
        );
        // Through a chain of trusted proxies.
        assert_eq!(
            client(
                "10.0.0.5, 10.0.0.6",
                "10.0.0.5",
                &["198.51.100.7, 10.0.0.6"]
            ),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn when_every_hop_is_trusted_the_leftmost_is_the_client() {
        assert_eq!(
            client("10.0.0.0/8", "10.0.0.5", &["10.9.9.9, 10.0.0.6"]),
            ip("10.9.9.9")
        );
    }

    #[test]
    fn ipv6_peers_and_hops_are_read() {
        assert_eq!(
            client("::1, fd00::/8", "::1", &["2001:db8::9, fd00::2"]),
            ip("2001:db8::9")
        );
        // An IPv4 proxy seen through an IPv6 socket is still that proxy.
        assert_eq!(
            client("127.0.0.1", "::ffff:127.0.0.1", &["2001:db8::9"]),
            ip("2001:db8::9")
        );
    }

    #[test]
    fn a_malformed_header_is_ignored_whole() {
        for header in [
            "203.0.113.9, nonsense",
            "203.0.113.9,,198.51.100.7",
            "198.51.100.7:4711",
            "unknown",
            "",
            "[2001:db8::9]",
        ] {
            assert_eq!(
                client("127.0.0.1", "127.0.0.1", &[header]),
                ip("127.0.0.1"),
                "{header:?}"
            );
        }
        assert_eq!(
            TrustedProxies::parse("127.0.0.1")
                .unwrap()
                .client(ip("127.0.0.1"), [&b"203.0.113.9, \xff"[..]]),
            ip("127.0.0.1")
        );
        // No header at all.
        assert_eq!(client("127.0.0.1", "127.0.0.1", &[]), ip("127.0.0.1"));
    }

    #[test]
    fn several_headers_are_one_list_in_order() {
        assert_eq!(
            client(
                "127.0.0.1",
                "127.0.0.1",
                &["1.2.3.4", "198.51.100.7, 127.0.0.1"]
            ),
            ip("198.51.100.7")
        );
        assert_eq!(
            client("127.0.0.1", "127.0.0.1", &["198.51.100.7", "203.0.113.9"]),
            ip("203.0.113.9")
        );
        // A bad entry in any of them sets them all aside.
        assert_eq!(
            client("127.0.0.1", "127.0.0.1", &["198.51.100.7", "x"]),
            ip("127.0.0.1")
        );
    }
}
