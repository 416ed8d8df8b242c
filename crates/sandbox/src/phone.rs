//! Phone numbers through libphonenumber's metadata (`phonenumber` crate): validation,
//! formatting, country, and the Sandbox's deterministic line type.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, PoisonError};

use phonenumber::metadata::DATABASE;
use phonenumber::{Mode, ParseError, Type};

/// What the Sandbox knows about a valid number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Number {
    pub e164: String,
    pub calling_code: u16,
    /// ISO 3166 alpha-2, when the number belongs to one country.
    pub country: Option<String>,
    pub national_format: String,
    /// Lookups v2 line type (`mobile`, `landline`, `tollFree`, `nonFixedVoip`, ...).
    pub line_type: &'static str,
}

/// Answers remembered per input: parsing with libphonenumber's regexes costs tens of
/// microseconds, and QA traffic repeats numbers (resends, checks, lookups).
type Analysis = Result<Number, &'static str>;
/// Keyed by the country hint and the input, `"US|(415) 992-9961"`.
type Cache = Mutex<HashMap<String, Analysis>>;
static CACHE: LazyLock<Cache> = LazyLock::new(Mutex::default);
const CACHE_LIMIT: usize = 100_000;

/// Parses `input` (E.164, or national when `country` is given) into a valid number,
/// or says why it is not one in Lookups' `validation_errors` vocabulary.
pub(crate) fn analyse(input: &str, country: Option<&str>) -> Analysis {
    let key = format!("{}|{input}", country.unwrap_or_default());
    if let Some(known) = CACHE
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&key)
    {
        return known.clone();
    }
    let answer = analyse_uncached(input, country);
    let mut cache = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
    if cache.len() >= CACHE_LIMIT {
        cache.clear();
    }
    cache.insert(key, answer.clone());
    answer
}

fn analyse_uncached(input: &str, country: Option<&str>) -> Analysis {
    let region = match country {
        Some(c) => Some(
            c.to_ascii_uppercase()
                .parse()
                .map_err(|_| "INVALID_COUNTRY_CODE")?,
        ),
        None => None,
    };
    let number = phonenumber::parse(region, input).map_err(|e| match e {
        ParseError::InvalidCountryCode => "INVALID_COUNTRY_CODE",
        ParseError::TooShortAfterIdd | ParseError::TooShortNsn => "TOO_SHORT",
        ParseError::TooLong => "TOO_LONG",
        _ => "NOT_A_NUMBER",
    })?;
    let national = number.national().to_string();
    // A number is valid when it matches one of its region's number types.
    let kind = number.number_type(&DATABASE);
    if kind == Type::Unknown {
        // An invalid number matches no region, so judge its length by its calling code.
        let lengths = DATABASE
            .by_code(&number.code().value())
            .and_then(|m| m.first().map(|m| possible_lengths(m)));
        let len = national.len() as u16;
        return Err(match lengths.as_deref() {
            None | Some([]) => "INVALID_COUNTRY_CODE",
            Some(l) if len < l[0] => "TOO_SHORT",
            Some(l) if l.last().is_some_and(|&max| len > max) => "TOO_LONG",
            Some(l) if !l.contains(&len) => "INVALID_LENGTH",
            Some(_) => "INVALID_BUT_POSSIBLE",
        });
    }
    let line_type = match kind {
        Type::Mobile => "mobile",
        Type::FixedLine => "landline",
        // Where the numbering plan cannot tell (US, Canada, ...), the Sandbox decides by
        // the last digit so QA can pick a landline on purpose: 0 → landline.
        Type::FixedLineOrMobile if national.ends_with('0') => "landline",
        Type::FixedLineOrMobile => "mobile",
        Type::TollFree => "tollFree",
        Type::PremiumRate => "premium",
        Type::SharedCost => "sharedCost",
        Type::PersonalNumber => "personal",
        Type::Voip => "nonFixedVoip",
        Type::Pager => "pager",
        Type::Uan => "uan",
        Type::Voicemail => "voicemail",
        _ => "unknown",
    };
    Ok(Number {
        e164: number.format().mode(Mode::E164).to_string(),
        calling_code: number.code().value(),
        country: number.country().id().map(|id| id.as_ref().to_owned()),
        national_format: number.format().mode(Mode::National).to_string(),
        line_type,
    })
}

/// Every national-number length the region's plan allows, ascending.
fn possible_lengths(meta: &phonenumber::Metadata) -> Vec<u16> {
    let d = meta.descriptors();
    let mut all: Vec<u16> = [
        Some(d.general()),
        d.fixed_line(),
        d.mobile(),
        d.toll_free(),
        d.voip(),
    ]
    .into_iter()
    .flatten()
    .flat_map(|desc| desc.possible_length().iter().copied())
    .collect();
    all.sort_unstable();
    all.dedup();
    all
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn valid_numbers_are_formatted_with_country_and_line_type() {
        let n = analyse("+14159929960", None).unwrap();
        assert_eq!(n.e164, "+14159929960");
        assert_eq!((n.calling_code, n.country.as_deref()), (1, Some("US")));
        assert_eq!(n.national_format, "(415) 992-9960");
        assert_eq!(n.line_type, "landline");
        assert_eq!(analyse("+14159929961", None).unwrap().line_type, "mobile");
        assert_eq!(analyse("+447911123456", None).unwrap().line_type, "mobile");
        assert_eq!(
            analyse("+442079460958", None).unwrap().line_type,
            "landline"
        );
        assert_eq!(
            analyse("(415) 992-9961", Some("us")).unwrap().e164,
            "+14159929961"
        );
    }

    #[test]
    fn invalid_numbers_say_why() {
        assert_eq!(analyse("+141599299600", None).unwrap_err(), "TOO_LONG");
        assert_eq!(analyse("+1415", None).unwrap_err(), "TOO_SHORT");
        assert_eq!(analyse("hello", None).unwrap_err(), "NOT_A_NUMBER");
        assert_eq!(
            analyse("+999123456789", None).unwrap_err(),
            "INVALID_COUNTRY_CODE"
        );
        assert_eq!(
            analyse("4159929960", Some("ZZ")).unwrap_err(),
            "INVALID_COUNTRY_CODE"
        );
    }
}
