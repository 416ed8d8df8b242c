//! Verify Services, verifications (send, check, fetch, approve, cancel) and
//! their delivery attempts.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use twofold_twilio::{
    Service, Verification, VerificationAttempt, VerificationAttemptsSummary, VerificationCheck,
};

use crate::client::{Form, Repeat, push_some};
use crate::{Client, Domain, Error, segment};

/// A Verify Service's settings, for creating or updating one. `None` keeps
/// a setting as it is (update) or leaves it to Twilio's default (create).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ServiceSettings {
    /// The name customers see in messages ("Your Acme code is…").
    pub friendly_name: Option<String>,
    /// Digits in a code, 4–10.
    pub code_length: Option<u8>,
    /// Look the number up (line type, carrier) before each send.
    pub lookup_enabled: Option<bool>,
    /// Refuse SMS to landlines (needs `lookup_enabled`).
    pub skip_sms_to_landlines: Option<bool>,
    /// Calls ask the customer to press a key first.
    pub dtmf_input_required: Option<bool>,
    /// The name read out in calls.
    pub tts_name: Option<String>,
    /// PSD2: every send and check carries an amount and a payee.
    pub psd2_enabled: Option<bool>,
    /// Add "do not share this code" to messages.
    pub do_not_share_warning_enabled: Option<bool>,
    /// Allow sends with a code of your own.
    pub custom_code_enabled: Option<bool>,
    /// TOTP factors: the issuer shown in authenticator apps.
    pub totp_issuer: Option<String>,
    /// TOTP factors: seconds per code, 20–60.
    pub totp_time_step: Option<u32>,
    /// TOTP factors: digits, 3–8.
    pub totp_code_length: Option<u32>,
    /// TOTP factors: time steps accepted either side, 0–2.
    pub totp_skew: Option<u32>,
    /// The message template used by default (`HJ…`).
    pub default_template_sid: Option<String>,
    /// WhatsApp: the Messaging Service that sends (`MG…`).
    pub whatsapp_msg_service_sid: Option<String>,
    /// WhatsApp: the sender, `whatsapp:+1…`.
    pub whatsapp_from: Option<String>,
    /// Publish Verify events to Event Streams.
    pub verify_event_subscription_enabled: Option<bool>,
}

impl ServiceSettings {
    fn form(&self) -> Form {
        let mut form = Form::new();
        push_some(&mut form, "FriendlyName", self.friendly_name.as_ref());
        push_some(&mut form, "CodeLength", self.code_length);
        push_some(&mut form, "LookupEnabled", self.lookup_enabled);
        push_some(&mut form, "SkipSmsToLandlines", self.skip_sms_to_landlines);
        push_some(&mut form, "DtmfInputRequired", self.dtmf_input_required);
        push_some(&mut form, "TtsName", self.tts_name.as_ref());
        push_some(&mut form, "Psd2Enabled", self.psd2_enabled);
        push_some(
            &mut form,
            "DoNotShareWarningEnabled",
            self.do_not_share_warning_enabled,
        );
        push_some(&mut form, "CustomCodeEnabled", self.custom_code_enabled);
        push_some(&mut form, "Totp.Issuer", self.totp_issuer.as_ref());
        push_some(&mut form, "Totp.TimeStep", self.totp_time_step);
        push_some(&mut form, "Totp.CodeLength", self.totp_code_length);
        push_some(&mut form, "Totp.Skew", self.totp_skew);
        push_some(
            &mut form,
            "DefaultTemplateSid",
            self.default_template_sid.as_ref(),
        );
        push_some(
            &mut form,
            "Whatsapp.MsgServiceSid",
            self.whatsapp_msg_service_sid.as_ref(),
        );
        push_some(&mut form, "Whatsapp.From", self.whatsapp_from.as_ref());
        push_some(
            &mut form,
            "VerifyEventSubscriptionEnabled",
            self.verify_event_subscription_enabled,
        );
        form
    }
}

/// A verification to send.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct NewVerification {
    /// E.164 phone number, or an email address for the email channel.
    pub to: String,
    /// `sms`, `call`, `email`, `whatsapp`, `rcs`, `sna` or `auto`.
    pub channel: String,
    /// The message language, e.g. `en`, `pt-BR`.
    pub locale: Option<String>,
    /// A code of your own (the service must allow custom codes).
    pub custom_code: Option<String>,
    /// Replaces the service's name in this message.
    pub custom_friendly_name: Option<String>,
    /// PSD2: the amount being approved.
    pub amount: Option<String>,
    /// PSD2: who is being paid.
    pub payee: Option<String>,
    /// Channel settings as JSON, e.g. an email's `from` and `template_id`.
    pub channel_configuration: Option<String>,
    /// The customer's IP address (helps `auto` pick SNA).
    pub device_ip: Option<String>,
}

/// A code to check, against the pending verification of `to` or a
/// verification by its SID.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct CodeCheck {
    /// The destination the code was sent to.
    pub to: Option<String>,
    /// Or the verification (`VE…`).
    pub verification_sid: Option<String>,
    /// The code the customer read back; none for SNA.
    pub code: Option<String>,
    /// PSD2: the same amount as the send.
    pub amount: Option<String>,
    /// PSD2: the same payee as the send.
    pub payee: Option<String>,
}

/// Closing a verification by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Closing {
    /// The customer proved themselves another way.
    Approved,
    /// Stop it: a new send gets a new code.
    Canceled,
}

/// Which delivery attempts to list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AttemptFilter {
    /// Attempts to this destination.
    pub to: Option<String>,
    /// Attempts of one verification.
    pub verification_sid: Option<String>,
    /// Attempts of one Verify Service.
    pub service_sid: Option<String>,
}

/// Like [`push_some`], and an empty text (a field left blank in a form) counts as none.
fn push_filled(form: &mut Form, key: &'static str, value: &Option<String>) {
    push_some(form, key, value.as_ref().filter(|value| !value.is_empty()));
}

impl Client {
    /// Every Verify Service of the account.
    pub async fn list_services(&self) -> Result<Vec<Service>, Error> {
        self.list(self.url(Domain::Verify, "/v2/Services?PageSize=50"))
            .await
    }

    /// One Verify Service.
    pub async fn fetch_service(&self, sid: &str) -> Result<Service, Error> {
        let url = self.url(Domain::Verify, &format!("/v2/Services/{}", segment(sid)));
        self.call(Method::GET, url, &Form::new(), Repeat::Safe)
            .await
    }

    /// Creates a Verify Service; `friendly_name` is required.
    pub async fn create_service(&self, settings: &ServiceSettings) -> Result<Service, Error> {
        let url = self.url(Domain::Verify, "/v2/Services");
        self.call(Method::POST, url, &settings.form(), Repeat::Never)
            .await
    }

    /// Changes the settings given, leaving the others as they are.
    pub async fn update_service(
        &self,
        sid: &str,
        settings: &ServiceSettings,
    ) -> Result<Service, Error> {
        let url = self.url(Domain::Verify, &format!("/v2/Services/{}", segment(sid)));
        self.call(Method::POST, url, &settings.form(), Repeat::Safe)
            .await
    }

    /// Deletes a Verify Service and everything under it.
    pub async fn delete_service(&self, sid: &str) -> Result<(), Error> {
        let url = self.url(Domain::Verify, &format!("/v2/Services/{}", segment(sid)));
        self.call_empty(Method::DELETE, url).await
    }

    /// Sends a verification. Never retried: a second try could send a
    /// second message.
    pub async fn send_verification(
        &self,
        service: &str,
        send: &NewVerification,
    ) -> Result<Verification, Error> {
        let mut form: Form = vec![("To", send.to.clone()), ("Channel", send.channel.clone())];
        push_filled(&mut form, "Locale", &send.locale);
        push_filled(&mut form, "CustomCode", &send.custom_code);
        push_filled(&mut form, "CustomFriendlyName", &send.custom_friendly_name);
        push_filled(&mut form, "Amount", &send.amount);
        push_filled(&mut form, "Payee", &send.payee);
        push_filled(
            &mut form,
            "ChannelConfiguration",
            &send.channel_configuration,
        );
        push_filled(&mut form, "DeviceIp", &send.device_ip);
        let url = self.url(
            Domain::Verify,
            &format!("/v2/Services/{}/Verifications", segment(service)),
        );
        self.call(Method::POST, url, &form, Repeat::Never).await
    }

    /// Checks a code. Never retried: every check counts toward the five
    /// Twilio allows.
    pub async fn check_verification(
        &self,
        service: &str,
        check: &CodeCheck,
    ) -> Result<VerificationCheck, Error> {
        let mut form = Form::new();
        push_filled(&mut form, "To", &check.to);
        push_filled(&mut form, "VerificationSid", &check.verification_sid);
        push_filled(&mut form, "Code", &check.code);
        push_filled(&mut form, "Amount", &check.amount);
        push_filled(&mut form, "Payee", &check.payee);
        let url = self.url(
            Domain::Verify,
            &format!("/v2/Services/{}/VerificationCheck", segment(service)),
        );
        self.call(Method::POST, url, &form, Repeat::Never).await
    }

    /// A verification by its SID (`VE…`).
    pub async fn fetch_verification(
        &self,
        service: &str,
        sid: &str,
    ) -> Result<Verification, Error> {
        let url = self.verification_url(service, sid);
        self.call(Method::GET, url, &Form::new(), Repeat::Safe)
            .await
    }

    /// Approves or cancels a pending verification.
    pub async fn close_verification(
        &self,
        service: &str,
        sid: &str,
        closing: Closing,
    ) -> Result<Verification, Error> {
        let status = match closing {
            Closing::Approved => "approved",
            Closing::Canceled => "canceled",
        };
        let url = self.verification_url(service, sid);
        self.call(
            Method::POST,
            url,
            &vec![("Status", status.to_owned())],
            Repeat::Safe,
        )
        .await
    }

    fn verification_url(&self, service: &str, sid: &str) -> String {
        self.url(
            Domain::Verify,
            &format!(
                "/v2/Services/{}/Verifications/{}",
                segment(service),
                segment(sid)
            ),
        )
    }

    /// Delivery attempts, newest first as Twilio lists them.
    pub async fn list_attempts(
        &self,
        filter: &AttemptFilter,
    ) -> Result<Vec<VerificationAttempt>, Error> {
        let mut query: Form = vec![("PageSize", "50".to_owned())];
        push_filled(&mut query, "ChannelData.To", &filter.to);
        push_filled(&mut query, "VerificationSid", &filter.verification_sid);
        push_filled(&mut query, "VerifyServiceSid", &filter.service_sid);
        let query = query_string(&query);
        self.list(self.url(Domain::Verify, &format!("/v2/Attempts?{query}")))
            .await
    }

    /// One delivery attempt (`VL…`).
    pub async fn fetch_attempt(&self, sid: &str) -> Result<VerificationAttempt, Error> {
        let url = self.url(Domain::Verify, &format!("/v2/Attempts/{}", segment(sid)));
        self.call(Method::GET, url, &Form::new(), Repeat::Safe)
            .await
    }

    /// How many attempts converted, over the account or one service.
    pub async fn attempts_summary(
        &self,
        service_sid: Option<&str>,
    ) -> Result<VerificationAttemptsSummary, Error> {
        let mut query = Form::new();
        push_some(&mut query, "VerifyServiceSid", service_sid);
        let url = self.url(Domain::Verify, "/v2/Attempts/Summary");
        self.call(Method::GET, url, &query, Repeat::Safe).await
    }
}

/// `a=b&c=d`, each part form-encoded.
fn query_string(pairs: &Form) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}
