//! One-time codes from account parameters, computed by totp-rs.
//!
//! HOTP (RFC 4226) is TOTP with a one-second step evaluated at the counter:
//! RFC 6238 defines TOTP as HOTP over `time / step`, so totp-rs computes both
//! and no HMAC code lives here.

use crate::otpauth::{Algorithm, OtpAuth, OtpKind};

impl OtpAuth {
    /// The code shown at `unix_time` (seconds since the epoch). HOTP codes do
    /// not depend on time: they are the code of the current counter.
    pub fn code_at(&self, unix_time: u64) -> String {
        let (algorithm, step, factor) = match self.kind() {
            OtpKind::Totp { period } => (totp_algorithm(self.algorithm()), period, unix_time),
            OtpKind::Steam { period } => (totp_rs::Algorithm::Steam, period, unix_time),
            OtpKind::Hotp { counter } => (totp_algorithm(self.algorithm()), 1, counter),
        };
        // The copy is zeroized when the Totp drops (totp-rs `zeroize` feature).
        let key = totp_rs::Secret::new(self.secret().as_bytes().into());
        totp_rs::Builder::new()
            .with_algorithm(algorithm)
            .with_digits(self.digits())
            .with_step_duration(u64::from(step))
            .with_secret(key)
            // The account's invariants (6–8 digits, 5 for Steam, a period of
            // at least one second) are the ones that keep totp-rs from
            // panicking; `build` would also refuse the 80-bit keys many
            // services still issue.
            .build_noncompliant()
            .generate(factor)
            .to_string()
    }

    /// Seconds until the code at `unix_time` changes (1 to the period);
    /// `None` for HOTP, whose codes change only when used.
    pub fn seconds_left(&self, unix_time: u64) -> Option<u32> {
        let period = self.kind().period()?;
        let elapsed = unix_time % u64::from(period);
        // elapsed < period, so the difference fits the period's type.
        u32::try_from(u64::from(period) - elapsed).ok()
    }
}

fn totp_algorithm(algorithm: Algorithm) -> totp_rs::Algorithm {
    match algorithm {
        Algorithm::Sha1 => totp_rs::Algorithm::SHA1,
        Algorithm::Sha256 => totp_rs::Algorithm::SHA256,
        Algorithm::Sha512 => totp_rs::Algorithm::SHA512,
    }
}
