//! The Verify operations the Admin room and `twofold-cli verify` share: each
//! calls Twilio through the profile's client and records what happened in
//! the history, whether it worked or not.

use secrecy::SecretString;
use twofold_authenticator::unix_now;
use twofold_twilio::{Channel, PhoneNumber, Verification, VerificationCheck, VerificationStatus};
use twofold_verify::{Client, Closing, CodeCheck, NewVerification};

use crate::ConsoleError;
use crate::history::{Action, History, HistoryEntry, mask_destination};
use crate::profiles::Profile;

/// A profile ready to act, with the history it records into.
#[derive(Debug, Clone)]
pub struct Console {
    client: Client,
    profile: Profile,
    history: History,
}

impl Console {
    /// Acts as `profile` with `secret`, recording into `history`.
    pub fn new(
        profile: Profile,
        secret: SecretString,
        history: History,
    ) -> Result<Console, ConsoleError> {
        Ok(Console {
            client: profile.client(secret)?,
            profile,
            history,
        })
    }

    /// The client, for operations that are not recorded (services, lists).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The profile acted as.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The Verify Service named, or else the profile's default.
    pub fn service<'a>(&'a self, named: Option<&'a str>) -> Result<&'a str, ConsoleError> {
        named
            .filter(|sid| !sid.trim().is_empty())
            .or(self.profile.default_service.as_deref())
            .ok_or(ConsoleError::NoService)
    }

    /// Sends a verification.
    pub async fn send(
        &self,
        service: &str,
        send: &NewVerification,
    ) -> Result<Verification, ConsoleError> {
        let outcome = self.client.send_verification(service, send).await;
        self.record(
            Action::Send,
            service,
            &send.to,
            Some(&send.channel),
            &outcome,
        );
        Ok(outcome?)
    }

    /// Checks a code.
    pub async fn check(
        &self,
        service: &str,
        check: &CodeCheck,
    ) -> Result<VerificationCheck, ConsoleError> {
        let outcome = self.client.check_verification(service, check).await;
        let to = check.to.clone().unwrap_or_default();
        self.record(Action::Check, service, &to, None, &outcome);
        Ok(outcome?)
    }

    /// Fetches a verification.
    pub async fn fetch(&self, service: &str, sid: &str) -> Result<Verification, ConsoleError> {
        let outcome = self.client.fetch_verification(service, sid).await;
        self.record(Action::Fetch, service, "", None, &outcome);
        Ok(outcome?)
    }

    /// Approves or cancels a verification.
    pub async fn close(
        &self,
        service: &str,
        sid: &str,
        closing: Closing,
    ) -> Result<Verification, ConsoleError> {
        let outcome = self.client.close_verification(service, sid, closing).await;
        let action = match closing {
            Closing::Approved => Action::Approve,
            Closing::Canceled => Action::Cancel,
        };
        self.record(action, service, "", None, &outcome);
        Ok(outcome?)
    }

    /// Looks a number up.
    pub async fn lookup(
        &self,
        number: &str,
        fields: &[String],
    ) -> Result<PhoneNumber, ConsoleError> {
        let outcome = self.client.lookup(number, fields).await;
        let entry = HistoryEntry {
            time: unix_now(),
            action: Action::Lookup,
            profile: self.profile.name.clone(),
            service: None,
            channel: None,
            to: mask_destination(number),
            status: outcome.as_ref().ok().map(|n| {
                if n.valid == Some(true) {
                    "valid"
                } else {
                    "invalid"
                }
                .to_owned()
            }),
            error_code: error_code(&outcome),
            verification_sid: None,
        };
        let _ = self.history.record(&entry);
        Ok(outcome?)
    }

    /// Records an action on a verification; `to` and `channel` as asked,
    /// replaced by what Twilio answered.
    fn record<T: Recorded>(
        &self,
        action: Action,
        service: &str,
        to: &str,
        channel: Option<&str>,
        outcome: &Result<T, twofold_verify::Error>,
    ) {
        let answered = outcome.as_ref().ok();
        let entry = HistoryEntry {
            time: unix_now(),
            action,
            profile: self.profile.name.clone(),
            service: Some(service.to_owned()),
            channel: answered
                .map(|v| v.channel().as_str().to_owned())
                .or(channel.map(str::to_owned)),
            to: mask_destination(answered.and_then(Recorded::to).unwrap_or(to)),
            status: answered
                .and_then(|v| v.status())
                .map(|s| s.as_str().to_owned()),
            error_code: error_code(outcome),
            verification_sid: answered.and_then(Recorded::sid).map(str::to_owned),
        };
        // The history is a record, not the operation: failing to write it
        // must not turn a done send into an error.
        let _ = self.history.record(&entry);
    }
}

/// What the history keeps of a verification or a check.
trait Recorded {
    fn sid(&self) -> Option<&str>;
    fn to(&self) -> Option<&str>;
    fn channel(&self) -> &Channel;
    fn status(&self) -> Option<&VerificationStatus>;
}

macro_rules! recorded {
    ($($answer:ty),*) => {$(
        impl Recorded for $answer {
            fn sid(&self) -> Option<&str> {
                self.sid.as_deref()
            }
            fn to(&self) -> Option<&str> {
                self.to.as_deref()
            }
            fn channel(&self) -> &Channel {
                &self.channel
            }
            fn status(&self) -> Option<&VerificationStatus> {
                self.status.as_ref()
            }
        }
    )*};
}

recorded!(Verification, VerificationCheck);

fn error_code<T>(outcome: &Result<T, twofold_verify::Error>) -> Option<u32> {
    outcome
        .as_ref()
        .err()
        .and_then(|e| e.twilio())
        .map(|e| e.code)
}
