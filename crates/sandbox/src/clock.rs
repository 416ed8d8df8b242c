//! Time as the Sandbox sees it: the machine's clock plus an offset that the admin API
//! moves forward, so QA can expire codes and step TOTP windows without waiting.

use time::OffsetDateTime;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;

/// Twilio's datetime shape: `YYYY-MM-DDTHH:MM:SSZ`, no fractions (twilio-python
/// parses with `%Y-%m-%dT%H:%M:%SZ` and leaves anything else a raw string).
const TWILIO_FORMAT: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");

/// Seconds since the Unix epoch on the machine's clock.
pub(crate) fn system_now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// Formats Unix seconds the way Twilio's JSON does.
pub fn format_time(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(TWILIO_FORMAT).ok())
        .unwrap_or_default()
}

/// Parses an ISO 8601 / RFC 3339 datetime as sent in filters and `ExpirationDate`.
pub(crate) fn parse_time(text: &str) -> Option<i64> {
    use time::format_description::well_known::Rfc3339;
    OffsetDateTime::parse(text, &Rfc3339)
        .ok()
        .or_else(|| {
            time::PrimitiveDateTime::parse(text, TWILIO_FORMAT)
                .ok()
                .map(|t| t.assume_utc())
        })
        .map(|t| t.unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_twilio_datetimes() {
        assert_eq!(format_time(1_438_286_400), "2015-07-30T20:00:00Z");
        assert_eq!(parse_time("2015-07-30T20:00:00Z"), Some(1_438_286_400));
        assert_eq!(parse_time("2015-07-30T22:00:00+02:00"), Some(1_438_286_400));
        assert_eq!(parse_time("yesterday"), None);
    }
}
