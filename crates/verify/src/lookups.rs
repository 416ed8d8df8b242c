//! Lookups v2: what a phone number is (valid, its country, its line type).

use reqwest::Method;
use twofold_twilio::PhoneNumber;

use crate::client::{Form, Repeat};
use crate::{Client, Domain, Error, segment};

impl Client {
    /// Looks `number` up. `fields` adds data packages such as
    /// `line_type_intelligence`; none gives formatting and validation (free).
    pub async fn lookup(&self, number: &str, fields: &[String]) -> Result<PhoneNumber, Error> {
        let mut query = Form::new();
        if !fields.is_empty() {
            query.push(("Fields", fields.join(",")));
        }
        let url = self.url(
            Domain::Lookups,
            &format!("/v2/PhoneNumbers/{}", segment(number.trim())),
        );
        self.call(Method::GET, url, &query, Repeat::Safe).await
    }
}
