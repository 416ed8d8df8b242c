//! Entities, TOTP factors and challenges: Verify's TOTP flow.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use twofold_twilio::{Challenge, Entity, Factor, NewFactor};

use crate::client::{Form, Repeat, push_some};
use crate::{Client, Domain, Error, segment};

/// A TOTP factor to create. Unset settings come from the service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct NewTotpFactor {
    /// The account name authenticator apps show.
    pub friendly_name: String,
    /// `sha1`, `sha256` or `sha512`.
    pub algorithm: Option<String>,
    /// Digits, 3–8.
    pub code_length: Option<u32>,
    /// Seconds per code, 20–60.
    pub time_step: Option<u32>,
    /// Time steps accepted either side, 0–2.
    pub skew: Option<u32>,
}

impl Client {
    fn entity_url(&self, service: &str, identity: &str, rest: &str) -> String {
        self.url(
            Domain::Verify,
            &format!(
                "/v2/Services/{}/Entities/{}{rest}",
                segment(service),
                segment(identity)
            ),
        )
    }

    /// Every entity of a service.
    pub async fn list_entities(&self, service: &str) -> Result<Vec<Entity>, Error> {
        self.list(self.url(
            Domain::Verify,
            &format!("/v2/Services/{}/Entities?PageSize=50", segment(service)),
        ))
        .await
    }

    /// Creates the entity for your user `identity`.
    pub async fn create_entity(&self, service: &str, identity: &str) -> Result<Entity, Error> {
        let url = self.url(
            Domain::Verify,
            &format!("/v2/Services/{}/Entities", segment(service)),
        );
        let form = vec![("Identity", identity.to_owned())];
        self.call(Method::POST, url, &form, Repeat::Never).await
    }

    /// One entity.
    pub async fn fetch_entity(&self, service: &str, identity: &str) -> Result<Entity, Error> {
        let url = self.entity_url(service, identity, "");
        self.call(Method::GET, url, &Form::new(), Repeat::Safe)
            .await
    }

    /// Deletes an entity with its factors and challenges.
    pub async fn delete_entity(&self, service: &str, identity: &str) -> Result<(), Error> {
        self.call_empty(Method::DELETE, self.entity_url(service, identity, ""))
            .await
    }

    /// Creates a TOTP factor; its binding (secret and URI) comes only now.
    pub async fn create_totp_factor(
        &self,
        service: &str,
        identity: &str,
        factor: &NewTotpFactor,
    ) -> Result<NewFactor, Error> {
        let mut form: Form = vec![
            ("FactorType", "totp".to_owned()),
            ("FriendlyName", factor.friendly_name.clone()),
        ];
        push_some(&mut form, "Config.Alg", factor.algorithm.as_ref());
        push_some(&mut form, "Config.CodeLength", factor.code_length);
        push_some(&mut form, "Config.TimeStep", factor.time_step);
        push_some(&mut form, "Config.Skew", factor.skew);
        let url = self.entity_url(service, identity, "/Factors");
        self.call(Method::POST, url, &form, Repeat::Never).await
    }

    /// The factors of an entity.
    pub async fn list_factors(&self, service: &str, identity: &str) -> Result<Vec<Factor>, Error> {
        self.list(self.entity_url(service, identity, "/Factors?PageSize=50"))
            .await
    }

    /// One factor (`YF…`).
    pub async fn fetch_factor(
        &self,
        service: &str,
        identity: &str,
        sid: &str,
    ) -> Result<Factor, Error> {
        let url = self.entity_url(service, identity, &format!("/Factors/{}", segment(sid)));
        self.call(Method::GET, url, &Form::new(), Repeat::Safe)
            .await
    }

    /// Verifies a new factor with a code from it. Never retried: each try
    /// counts toward the five Twilio allows.
    pub async fn verify_factor(
        &self,
        service: &str,
        identity: &str,
        sid: &str,
        code: &str,
    ) -> Result<Factor, Error> {
        let url = self.entity_url(service, identity, &format!("/Factors/{}", segment(sid)));
        let form = vec![("AuthPayload", code.to_owned())];
        self.call(Method::POST, url, &form, Repeat::Never).await
    }

    /// Renames a factor.
    pub async fn rename_factor(
        &self,
        service: &str,
        identity: &str,
        sid: &str,
        friendly_name: &str,
    ) -> Result<Factor, Error> {
        let url = self.entity_url(service, identity, &format!("/Factors/{}", segment(sid)));
        let form = vec![("FriendlyName", friendly_name.to_owned())];
        self.call(Method::POST, url, &form, Repeat::Safe).await
    }

    /// Deletes a factor.
    pub async fn delete_factor(
        &self,
        service: &str,
        identity: &str,
        sid: &str,
    ) -> Result<(), Error> {
        let url = self.entity_url(service, identity, &format!("/Factors/{}", segment(sid)));
        self.call_empty(Method::DELETE, url).await
    }

    /// Creates a challenge for a factor, answered at once when `code` is given.
    pub async fn create_challenge(
        &self,
        service: &str,
        identity: &str,
        factor_sid: &str,
        code: Option<&str>,
    ) -> Result<Challenge, Error> {
        let mut form: Form = vec![("FactorSid", factor_sid.to_owned())];
        push_some(&mut form, "AuthPayload", code);
        let url = self.entity_url(service, identity, "/Challenges");
        self.call(Method::POST, url, &form, Repeat::Never).await
    }

    /// The challenges of an entity.
    pub async fn list_challenges(
        &self,
        service: &str,
        identity: &str,
    ) -> Result<Vec<Challenge>, Error> {
        self.list(self.entity_url(service, identity, "/Challenges?PageSize=50"))
            .await
    }

    /// One challenge (`YC…`).
    pub async fn fetch_challenge(
        &self,
        service: &str,
        identity: &str,
        sid: &str,
    ) -> Result<Challenge, Error> {
        let url = self.entity_url(service, identity, &format!("/Challenges/{}", segment(sid)));
        self.call(Method::GET, url, &Form::new(), Repeat::Safe)
            .await
    }

    /// Answers a pending challenge with a code. Never retried.
    pub async fn answer_challenge(
        &self,
        service: &str,
        identity: &str,
        sid: &str,
        code: &str,
    ) -> Result<Challenge, Error> {
        let url = self.entity_url(service, identity, &format!("/Challenges/{}", segment(sid)));
        let form = vec![("AuthPayload", code.to_owned())];
        self.call(Method::POST, url, &form, Repeat::Never).await
    }
}
