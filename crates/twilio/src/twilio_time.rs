//! Twilio's date-time format, `YYYY-MM-DDTHH:MM:SSZ`, for serde's `with`.
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use time::OffsetDateTime;
//!
//! #[derive(Serialize, Deserialize)]
//! struct Thing {
//!     #[serde(with = "twofold_twilio::twilio_time")]
//!     created: OffsetDateTime,
//!     #[serde(default, with = "twofold_twilio::twilio_time::option")]
//!     updated: Option<OffsetDateTime>,
//! }
//! ```

use serde::{Deserialize, Deserializer, Serializer, de::Error as _};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// Writes `at` in UTC as `YYYY-MM-DDTHH:MM:SSZ`, dropping any fraction of a second.
pub fn format(at: OffsetDateTime) -> String {
    TwilioForm::new(at).as_str().to_owned()
}

/// A date-time written out in Twilio's form, on the stack: a Sandbox answer has
/// two or three dates, and written through `core::fmt`'s padded integers they
/// were almost half the time of writing a Verification's JSON (a profile of
/// creates under wrk).
struct TwilioForm {
    /// `-` for a year before 1 BCE (`time`'s range is ±9999), then the form.
    text: [u8; 21],
    start: usize,
}

impl TwilioForm {
    fn new(at: OffsetDateTime) -> Self {
        let utc = at.to_offset(UtcOffset::UTC);
        let mut text = *b"-0000-00-00T00:00:00Z";
        let mut put = |end: usize, value: u32, digits: usize| {
            let mut value = value;
            for slot in text[end - digits..end].iter_mut().rev() {
                *slot = b'0' + (value % 10) as u8;
                value /= 10;
            }
        };
        put(5, utc.year().unsigned_abs(), 4);
        put(8, u8::from(utc.month()).into(), 2);
        put(11, utc.day().into(), 2);
        put(14, utc.hour().into(), 2);
        put(17, utc.minute().into(), 2);
        put(20, utc.second().into(), 2);
        let start = usize::from(utc.year() >= 0);
        Self { text, start }
    }

    fn as_str(&self) -> &str {
        // Only ASCII digits and separators were written.
        std::str::from_utf8(&self.text[self.start..]).unwrap_or_default()
    }
}

/// Reads `YYYY-MM-DDTHH:MM:SSZ`, or any RFC 3339 date-time (fractions, offsets).
pub fn parse(text: &str) -> Result<OffsetDateTime, time::error::Parse> {
    let exact = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    PrimitiveDateTime::parse(text, exact)
        .map(PrimitiveDateTime::assume_utc)
        .or_else(|_| OffsetDateTime::parse(text, &Rfc3339))
}

/// Serializes a date-time as [`format`](fn@format) writes it.
pub fn serialize<S: Serializer>(at: &OffsetDateTime, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(TwilioForm::new(*at).as_str())
}

/// Deserializes a date-time string as [`parse`] reads it.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<OffsetDateTime, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse(&text).map_err(|e| D::Error::custom(format_args!("bad date-time {text:?}: {e}")))
}

/// The same for a nullable date-time: `null` is `None`.
pub mod option {
    use super::{Deserialize, Deserializer, OffsetDateTime, Serializer};
    use serde::de::Error as _;

    /// Serializes `Some` as [`super::format`](fn@super::format) writes it and `None` as `null`.
    pub fn serialize<S: Serializer>(
        at: &Option<OffsetDateTime>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => super::serialize(at, serializer),
            None => serializer.serialize_none(),
        }
    }

    /// Deserializes `null` as `None` and a string as [`super::parse`] reads it.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        Option::<String>::deserialize(deserializer)?
            .map(|text| {
                super::parse(&text)
                    .map_err(|e| D::Error::custom(format_args!("bad date-time {text:?}: {e}")))
            })
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use time::macros::datetime;

    #[test]
    fn writes_whole_utc_seconds_with_a_z() {
        assert_eq!(
            format(datetime!(2015-07-30 20:00:00 UTC)),
            "2015-07-30T20:00:00Z"
        );
        assert_eq!(
            format(datetime!(2020-01-02 03:04:05.678 +02:00)),
            "2020-01-02T01:04:05Z"
        );
        assert_eq!(
            format(datetime!(0999-12-31 23:59:59 UTC)),
            "0999-12-31T23:59:59Z"
        );
        assert_eq!(
            format(datetime!(-0044-03-15 12:00:00 UTC)),
            "-0044-03-15T12:00:00Z"
        );
    }

    #[test]
    fn reads_the_exact_form_and_rfc_3339() {
        assert_eq!(
            parse("2015-07-30T20:00:00Z").unwrap(),
            datetime!(2015-07-30 20:00:00 UTC)
        );
        assert_eq!(
            parse("2020-11-05T20:52:09.322Z").unwrap(),
            datetime!(2020-11-05 20:52:09.322 UTC)
        );
        assert_eq!(
            parse("2020-11-05T22:52:09+02:00").unwrap(),
            datetime!(2020-11-05 20:52:09 UTC)
        );
        assert!(parse("2020-11-05").is_err());
        assert!(parse("Thu, 30 Jul 2015 20:00:00 +0000").is_err());
    }
}
