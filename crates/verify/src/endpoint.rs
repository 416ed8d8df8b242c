//! Where requests go: Twilio's hosts, with region and edge mapped as the
//! official SDKs map them, or one base URL (the Sandbox, a proxy) for both
//! Verify and Lookups.

use url::Url;

use crate::Error;

/// The two Twilio products the client talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// `verify.twilio.com`
    Verify,
    /// `lookups.twilio.com`
    Lookups,
}

impl Domain {
    fn product(self) -> &'static str {
        match self {
            Domain::Verify => "verify",
            Domain::Lookups => "lookups",
        }
    }
}

/// Where the client sends its requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// Twilio itself; `region` (e.g. `au1`) and `edge` (e.g. `sydney`) as
    /// `TWILIO_REGION` / `TWILIO_EDGE` give them to the official SDKs.
    Twilio {
        /// The processing region, e.g. `ie1`.
        region: Option<String>,
        /// The network edge, e.g. `dublin`.
        edge: Option<String>,
    },
    /// One base URL serving both Verify and Lookups paths.
    BaseUrl(Url),
}

impl Endpoint {
    /// Twilio's default hosts.
    pub fn twilio() -> Endpoint {
        Endpoint::Twilio {
            region: None,
            edge: None,
        }
    }

    /// A base URL such as `http://127.0.0.1:7722`; it must be http(s).
    pub fn base_url(text: &str) -> Result<Endpoint, Error> {
        let url = Url::parse(text.trim()).map_err(|error| Error::BaseUrl {
            url: text.to_owned(),
            reason: error.to_string(),
        })?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(Error::BaseUrl {
                url: text.to_owned(),
                reason: "it must be an http:// or https:// address".to_owned(),
            });
        }
        Ok(Endpoint::BaseUrl(url))
    }

    /// The origin (scheme, host, port) that serves `domain`, without a
    /// trailing slash. With only an edge the region is `us1`, as in
    /// twilio-python's `get_hostname` and twilio-node's `getHostname`.
    pub fn origin(&self, domain: Domain) -> String {
        match self {
            Endpoint::BaseUrl(url) => url.as_str().trim_end_matches('/').to_owned(),
            Endpoint::Twilio { region, edge } => {
                let edge = edge.as_deref().filter(|edge| !edge.is_empty());
                let region = region
                    .as_deref()
                    .filter(|region| !region.is_empty())
                    .or(edge.map(|_| "us1"));
                let host: Vec<&str> = [Some(domain.product()), edge, region, Some("twilio.com")]
                    .into_iter()
                    .flatten()
                    .collect();
                format!("https://{}", host.join("."))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn twilio(region: Option<&str>, edge: Option<&str>) -> Endpoint {
        Endpoint::Twilio {
            region: region.map(str::to_owned),
            edge: edge.map(str::to_owned),
        }
    }

    #[test]
    fn region_and_edge_map_to_hosts_as_the_official_sdks_do() {
        let cases = [
            (None, None, "https://verify.twilio.com"),
            (Some("au1"), None, "https://verify.au1.twilio.com"),
            (None, Some("sydney"), "https://verify.sydney.us1.twilio.com"),
            (
                Some("ie1"),
                Some("dublin"),
                "https://verify.dublin.ie1.twilio.com",
            ),
        ];
        for (region, edge, host) in cases {
            assert_eq!(twilio(region, edge).origin(Domain::Verify), host);
        }
        assert_eq!(
            twilio(Some("ie1"), None).origin(Domain::Lookups),
            "https://lookups.ie1.twilio.com"
        );
    }

    #[test]
    fn a_base_url_serves_both_domains() {
        let endpoint = Endpoint::base_url("http://127.0.0.1:7722/").unwrap();
        assert_eq!(endpoint.origin(Domain::Verify), "http://127.0.0.1:7722");
        assert_eq!(endpoint.origin(Domain::Lookups), "http://127.0.0.1:7722");
        assert!(Endpoint::base_url("ftp://example.com").is_err());
        assert!(Endpoint::base_url("127.0.0.1:7722").is_err());
    }
}
