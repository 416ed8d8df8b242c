//! A service's programmable rate limits and buckets, messaging
//! configurations and webhooks, and the account's safe list.

use reqwest::Method;
use twofold_twilio::{Bucket, MessagingConfiguration, RateLimit, SafeList, Webhook};

use crate::client::{Form, Repeat, push_some};
use crate::{Client, Domain, Error, segment};

impl Client {
    fn service_url(&self, service: &str, rest: &str) -> String {
        self.url(
            Domain::Verify,
            &format!("/v2/Services/{}{rest}", segment(service)),
        )
    }

    /// The service's rate limits.
    pub async fn list_rate_limits(&self, service: &str) -> Result<Vec<RateLimit>, Error> {
        self.list(self.service_url(service, "/RateLimits?PageSize=50"))
            .await
    }

    /// Creates a rate limit keyed by `unique_name` (sent as `RateLimits` on sends).
    pub async fn create_rate_limit(
        &self,
        service: &str,
        unique_name: &str,
        description: Option<&str>,
    ) -> Result<RateLimit, Error> {
        let mut form: Form = vec![("UniqueName", unique_name.to_owned())];
        push_some(&mut form, "Description", description);
        let url = self.service_url(service, "/RateLimits");
        self.call(Method::POST, url, &form, Repeat::Never).await
    }

    /// Deletes a rate limit with its buckets.
    pub async fn delete_rate_limit(&self, service: &str, sid: &str) -> Result<(), Error> {
        let url = self.service_url(service, &format!("/RateLimits/{}", segment(sid)));
        self.call_empty(Method::DELETE, url).await
    }

    /// A rate limit's buckets.
    pub async fn list_buckets(
        &self,
        service: &str,
        rate_limit: &str,
    ) -> Result<Vec<Bucket>, Error> {
        self.list(self.service_url(
            service,
            &format!("/RateLimits/{}/Buckets?PageSize=50", segment(rate_limit)),
        ))
        .await
    }

    /// Allows `max` sends per `interval` seconds for each value of the limit.
    pub async fn create_bucket(
        &self,
        service: &str,
        rate_limit: &str,
        max: u32,
        interval: u32,
    ) -> Result<Bucket, Error> {
        let form = vec![("Max", max.to_string()), ("Interval", interval.to_string())];
        let url = self.service_url(
            service,
            &format!("/RateLimits/{}/Buckets", segment(rate_limit)),
        );
        self.call(Method::POST, url, &form, Repeat::Never).await
    }

    /// The service's per-country messaging configurations.
    pub async fn list_messaging_configurations(
        &self,
        service: &str,
    ) -> Result<Vec<MessagingConfiguration>, Error> {
        self.list(self.service_url(service, "/MessagingConfigurations?PageSize=50"))
            .await
    }

    /// Sends SMS to `country` (ISO code, or `all`) through a Messaging Service.
    pub async fn set_messaging_configuration(
        &self,
        service: &str,
        country: &str,
        messaging_service_sid: &str,
    ) -> Result<MessagingConfiguration, Error> {
        let form = vec![
            ("Country", country.to_owned()),
            ("MessagingServiceSid", messaging_service_sid.to_owned()),
        ];
        let url = self.service_url(service, "/MessagingConfigurations");
        self.call(Method::POST, url, &form, Repeat::Never).await
    }

    /// The service's webhooks.
    pub async fn list_webhooks(&self, service: &str) -> Result<Vec<Webhook>, Error> {
        self.list(self.service_url(service, "/Webhooks?PageSize=50"))
            .await
    }

    /// Calls `url` for the `event_types` (`*` for all).
    pub async fn create_webhook(
        &self,
        service: &str,
        friendly_name: &str,
        url: &str,
        event_types: &[String],
    ) -> Result<Webhook, Error> {
        let mut form: Form = vec![
            ("FriendlyName", friendly_name.to_owned()),
            ("WebhookUrl", url.to_owned()),
        ];
        form.extend(
            event_types
                .iter()
                .map(|event| ("EventTypes", event.clone())),
        );
        let endpoint = self.service_url(service, "/Webhooks");
        self.call(Method::POST, endpoint, &form, Repeat::Never)
            .await
    }

    /// Deletes a webhook.
    pub async fn delete_webhook(&self, service: &str, sid: &str) -> Result<(), Error> {
        let url = self.service_url(service, &format!("/Webhooks/{}", segment(sid)));
        self.call_empty(Method::DELETE, url).await
    }

    /// Puts a number on the account's safe list (never blocked by Fraud Guard).
    pub async fn add_to_safe_list(&self, number: &str) -> Result<SafeList, Error> {
        let url = self.url(Domain::Verify, "/v2/SafeList/Numbers");
        let form = vec![("PhoneNumber", number.to_owned())];
        self.call(Method::POST, url, &form, Repeat::Never).await
    }

    /// The safe-list entry of a number.
    pub async fn fetch_safe_list(&self, number: &str) -> Result<SafeList, Error> {
        let url = self.url(
            Domain::Verify,
            &format!("/v2/SafeList/Numbers/{}", segment(number)),
        );
        self.call(Method::GET, url, &Form::new(), Repeat::Safe)
            .await
    }

    /// Takes a number off the safe list.
    pub async fn remove_from_safe_list(&self, number: &str) -> Result<(), Error> {
        let url = self.url(
            Domain::Verify,
            &format!("/v2/SafeList/Numbers/{}", segment(number)),
        );
        self.call_empty(Method::DELETE, url).await
    }
}
