//! Twilio-style request parameters: form-encoded PascalCase keys (dotted for nested
//! settings, repeated for lists, JSON strings for objects) from the query string and body.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;

use crate::error::ApiError;

/// The largest request body accepted; Twilio's own limits are far below this.
const MAX_BODY: usize = 1 << 20;

/// One request as a handler sees it: its parameters and the base URL the client used.
#[derive(Debug, Default, Clone)]
pub(crate) struct Req {
    /// Query-string pairs followed by form-body pairs, in the order sent.
    pub params: Vec<(String, String)>,
    /// Only the query-string pairs, which list URLs carry on to the next page.
    pub query: Vec<(String, String)>,
    /// `http://host:port` as the client addressed the Sandbox.
    pub base: String,
}

impl Req {
    /// The first value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a repeated key, in order.
    pub fn all(&self, key: &str) -> Vec<&str> {
        self.params
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// A value that must be present and non-empty.
    pub fn required(&self, key: &str) -> Result<&str, ApiError> {
        self.get(key)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| Self::missing(key))
    }

    /// 20001: a required parameter is absent or empty.
    pub fn missing(key: &str) -> ApiError {
        ApiError::new(
            400,
            20001,
            format!("Missing required parameter {key} in the post body"),
        )
    }

    /// An optional non-empty string.
    pub fn text(&self, key: &str) -> Option<String> {
        self.get(key).filter(|v| !v.is_empty()).map(str::to_owned)
    }

    /// An optional non-empty string of `min..=max` characters.
    pub fn text_sized(
        &self,
        key: &str,
        min: usize,
        max: usize,
    ) -> Result<Option<String>, ApiError> {
        match self.text(key) {
            Some(v) if !(min..=max).contains(&v.chars().count()) => Err(ApiError::invalid_because(
                key,
                &format!("must be {min} to {max} characters long"),
            )),
            v => Ok(v),
        }
    }

    /// An optional SID with this two-letter prefix (the spec's `^XX[0-9a-fA-F]{32}$`).
    pub fn sid(&self, key: &str, prefix: &str) -> Result<Option<&str>, ApiError> {
        match self.get(key).filter(|v| !v.is_empty()) {
            Some(v) if !crate::sid::is_sid(v, prefix) => Err(ApiError::invalid_because(
                key,
                &format!("must be {prefix} followed by 32 hex digits"),
            )),
            v => Ok(v),
        }
    }

    /// An optional boolean sent as `true`/`false` (any case).
    pub fn bool(&self, key: &str) -> Result<Option<bool>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(_) => Err(ApiError::invalid_because(key, "must be true or false")),
        }
    }

    /// An optional integer within `min..=max`.
    pub fn int(&self, key: &str, min: i64, max: i64) -> Result<Option<i64>, ApiError> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        match v.trim().parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
            _ => Err(ApiError::invalid_because(
                key,
                &format!("must be a whole number from {min} to {max}"),
            )),
        }
    }

    /// An optional number from 0 to 1, such as a probability.
    pub fn fraction(&self, key: &str) -> Result<Option<f64>, ApiError> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        match v.trim().parse::<f64>() {
            // NaN is in no range, so "NaN" is refused here too.
            Ok(n) if (0.0..=1.0).contains(&n) => Ok(Some(n)),
            _ => Err(ApiError::invalid_because(
                key,
                "must be a number from 0 to 1, such as 0.25",
            )),
        }
    }

    /// An optional whole number that fills all 64 bits, such as a seed.
    pub fn uint64(&self, key: &str) -> Result<Option<u64>, ApiError> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        v.trim().parse::<u64>().map(Some).map_err(|_| {
            ApiError::invalid_because(
                key,
                &format!("must be a whole number from 0 to {}", u64::MAX),
            )
        })
    }

    /// An optional JSON object sent as a string (`RateLimits`, `Metadata`, ...).
    pub fn json_object(
        &self,
        key: &str,
    ) -> Result<Option<serde_json::Map<String, serde_json::Value>>, ApiError> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        match serde_json::from_str::<serde_json::Value>(v) {
            Ok(serde_json::Value::Object(map)) => Ok(Some(map)),
            _ => Err(ApiError::invalid_because(key, "must be a JSON object")),
        }
    }

    /// One of a fixed set of values, or `None` when absent.
    pub fn one_of(&self, key: &str, allowed: &[&str]) -> Result<Option<String>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) if allowed.contains(&v) => Ok(Some(v.to_owned())),
            Some(_) => Err(ApiError::invalid_because(
                key,
                &format!("must be one of {}", allowed.join(", ")),
            )),
        }
    }
}

fn parse_pairs(bytes: &[u8]) -> impl Iterator<Item = (String, String)> + '_ {
    url::form_urlencoded::parse(bytes).map(|(k, v)| (k.into_owned(), v.into_owned()))
}

impl<S: Send + Sync> FromRequest<S> for Req {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("127.0.0.1")
            .to_owned();
        let query: Vec<_> = parse_pairs(req.uri().query().unwrap_or("").as_bytes()).collect();
        let is_form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|h| h.to_str().ok())
            .is_none_or(|ct| ct.starts_with("application/x-www-form-urlencoded"));
        let body = Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError::new(400, 20001, "The request body could not be read"))?;
        if body.len() > MAX_BODY {
            return Err(ApiError::new(413, 20001, "The request body is too large"));
        }
        let mut params = query.clone();
        if is_form {
            params.extend(parse_pairs(&body));
        }
        Ok(Req {
            params,
            query,
            base: format!("http://{host}"),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn req(body: &str) -> Req {
        Req {
            params: parse_pairs(body.as_bytes()).collect(),
            ..Req::default()
        }
    }

    #[test]
    fn reads_dotted_repeated_and_json_fields() {
        let r = req(
            "To=%2B15017122661&Totp.TimeStep=30&EventTypes=a&EventTypes=b&RateLimits=%7B%22k%22%3A%22v%22%7D",
        );
        assert_eq!(r.get("To"), Some("+15017122661"));
        assert_eq!(r.int("Totp.TimeStep", 20, 60).unwrap(), Some(30));
        assert_eq!(r.all("EventTypes"), vec!["a", "b"]);
        assert_eq!(r.json_object("RateLimits").unwrap().unwrap()["k"], "v");
    }

    #[test]
    fn rejects_out_of_range_and_malformed_values() {
        let r = req("CodeLength=11&LookupEnabled=maybe&Metadata=[1]");
        assert_eq!(r.int("CodeLength", 4, 10).unwrap_err().code, 60200);
        assert!(
            r.bool("LookupEnabled")
                .unwrap_err()
                .message
                .contains("LookupEnabled")
        );
        assert!(r.json_object("Metadata").is_err());
        let r = req("Probability=1.5&Seed=-1&Share=NaN&Other=abc");
        assert!(
            r.fraction("Probability")
                .unwrap_err()
                .message
                .contains("Probability")
        );
        assert!(r.fraction("Share").is_err());
        assert!(r.fraction("Other").is_err());
        assert_eq!(r.uint64("Seed").unwrap_err().code, 60200);
        let r = req("Probability=0.25&Seed=18446744073709551615");
        assert_eq!(r.fraction("Probability").unwrap(), Some(0.25));
        assert_eq!(r.uint64("Seed").unwrap(), Some(u64::MAX));
        assert_eq!(r.required("FriendlyName").unwrap_err().code, 20001);
    }
}
