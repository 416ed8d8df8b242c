//! The body of every Twilio error response.

use serde::{Deserialize, Serialize};

/// Twilio's error body, e.g. `{"code": 20404, "message": "...", "more_info": "https://www.twilio.com/docs/errors/20404", "status": 404}`
/// (the Lookups spec's `TwilioServiceErrorResponse`; twilio-python also reads `details`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiErrorBody {
    /// Twilio's error code, e.g. 60200.
    pub code: u32,
    /// What went wrong, for people.
    pub message: String,
    /// The code's documentation page.
    pub more_info: String,
    /// The HTTP status code of the response.
    pub status: u16,
    /// Extra structured detail, when Twilio gives any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

impl ApiErrorBody {
    /// An error whose `more_info` is Twilio's page for `code`.
    pub fn new(code: u32, status: u16, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            more_info: format!("https://www.twilio.com/docs/errors/{code}"),
            status,
            details: None,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use serde_json::json;

    #[test]
    fn writes_the_four_keys_of_the_spec_example() {
        let body = ApiErrorBody::new(20429, 429, "Too many requests");
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            json!({
                "code": 20429,
                "message": "Too many requests",
                "more_info": "https://www.twilio.com/docs/errors/20429",
                "status": 429
            })
        );
    }
}
