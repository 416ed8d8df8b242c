//! Time as the Sandbox sees it: the machine's clock (or, frozen, the moment it
//! started) plus an offset that the admin API moves forward, so QA can expire codes
//! and step TOTP windows without waiting.

use time::OffsetDateTime;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;

/// Twilio's datetime shape: `YYYY-MM-DDTHH:MM:SSZ`, no fractions (twilio-python
/// parses with `%Y-%m-%dT%H:%M:%SZ` and leaves anything else a raw string).
const TWILIO_FORMAT: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");

/// Whether the Sandbox's time moves by itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ClockMode {
    /// The machine's time plus the offset `POST /sandbox/clock` adds.
    #[default]
    Running,
    /// Stands at the second the Sandbox started and moves only when `POST
    /// /sandbox/clock` advances it (as a Stripe test clock does): expiry,
    /// `Retry-After` and TOTP windows come out the same on every run, however
    /// slowly a test runs or wherever a second turns between two requests.
    Frozen,
}

/// The time the Sandbox clock's offset is added to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BaseClock {
    frozen_at_ms: Option<i64>,
}

impl BaseClock {
    pub(crate) fn new(mode: ClockMode) -> BaseClock {
        BaseClock {
            frozen_at_ms: (mode == ClockMode::Frozen).then(|| {
                OffsetDateTime::now_utc()
                    .unix_timestamp()
                    .saturating_mul(1000)
            }),
        }
    }

    pub(crate) fn is_frozen(self) -> bool {
        self.frozen_at_ms.is_some()
    }

    /// Seconds since the Unix epoch.
    pub(crate) fn now(self) -> i64 {
        self.now_millis().div_euclid(1000)
    }

    /// Milliseconds since the Unix epoch.
    pub(crate) fn now_millis(self) -> i64 {
        self.frozen_at_ms.unwrap_or_else(|| {
            i64::try_from(OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000)
                .unwrap_or(i64::MAX)
        })
    }
}

/// Formats Unix seconds the way Twilio's JSON does.
pub fn format_time(unix: i64) -> String {
    // Every outbox message gets a date: for 1970–9999 the digits are written directly
    // (days to civil date as in Howard Hinnant's `civil_from_days`), which costs a
    // fraction of a format description; the `time` crate's formatter does the rest.
    if (0..253_402_300_800).contains(&unix) {
        let (days, secs) = (unix / 86_400, unix % 86_400);
        let (year, month, day) = civil_from_days(days);
        let mut text = String::with_capacity(20);
        let mut push = |n: i64, width: u32, after: char| {
            for place in (0..width).rev() {
                text.push(char::from(b'0' + (n / 10i64.pow(place) % 10) as u8));
            }
            text.push(after);
        };
        push(year, 4, '-');
        push(month, 2, '-');
        push(day, 2, 'T');
        push(secs / 3600, 2, ':');
        push(secs / 60 % 60, 2, ':');
        push(secs % 60, 2, 'Z');
        return text;
    }
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(TWILIO_FORMAT).ok())
        .unwrap_or_default()
}

/// (year, month, day) of a day count since 1970-01-01, in the proleptic Gregorian calendar.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
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
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn formats_and_parses_twilio_datetimes() {
        assert_eq!(format_time(1_438_286_400), "2015-07-30T20:00:00Z");
        assert_eq!(parse_time("2015-07-30T20:00:00Z"), Some(1_438_286_400));
        assert_eq!(parse_time("2015-07-30T22:00:00+02:00"), Some(1_438_286_400));
        assert_eq!(parse_time("yesterday"), None);
    }

    #[test]
    fn the_direct_formatter_agrees_with_the_time_crate() {
        let by_time_crate = |unix: i64| {
            OffsetDateTime::from_unix_timestamp(unix)
                .unwrap()
                .format(TWILIO_FORMAT)
                .unwrap()
        };
        // Leap days, century rules, ends of months and years, the last second of 9999.
        let mut samples = vec![
            0,
            59,
            951_782_399,
            951_868_800,
            4_107_542_399,
            253_402_300_799,
        ];
        samples.extend((0..2_000).map(|i| i * 126_230_400_007 % 253_402_300_800));
        for unix in samples {
            assert_eq!(format_time(unix), by_time_crate(unix), "{unix}");
        }
        assert_eq!(format_time(-1), by_time_crate(-1));
    }
}
