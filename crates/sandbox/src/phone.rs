//! Phone numbers through libphonenumber's metadata (`phonenumber` crate): validation,
//! formatting, country, and the Sandbox's deterministic line type.
//!
//! The `phonenumber` crate keeps every compiled pattern in one LRU cache of 100 behind
//! a process-wide mutex, so each match locks, hashes the pattern text and often
//! recompiles: that made number checks most of the cost of a send. This module
//! compiles the patterns of the metadata once, per region and lock-free, and judges
//! numbers as libphonenumber does (region by leading digits or by type, then the
//! type by the first matching descriptor). `E.164` input, what every SDK sends, never
//! touches the crate's parser; anything else (national input, spaces, an invalid
//! number whose reason Lookups reports) goes through `phonenumber::parse` first.

use std::sync::{LazyLock, OnceLock};

use phonenumber::metadata::{DATABASE, Descriptor, Metadata};
use phonenumber::{Mode, ParseError};
use regex::{Regex, RegexBuilder};

/// What the Sandbox knows about a valid number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Number {
    pub e164: String,
    pub calling_code: u16,
    /// ISO 3166 alpha-2, when the number belongs to one country.
    pub country: Option<String>,
    /// Lookups v2 line type (`mobile`, `landline`, `tollFree`, `nonFixedVoip`, ...).
    pub line_type: &'static str,
}

/// A valid number, or why it is not one in Lookups' `validation_errors` vocabulary.
type Analysis = Result<Number, &'static str>;

/// Parses `input` (E.164, or national when `country` is given) into a valid number,
/// or says why it is not one.
pub(crate) fn analyse(input: &str, country: Option<&str>) -> Analysis {
    if country.is_none()
        && let Some(number) = e164_digits(input).and_then(classify_e164)
    {
        return Ok(number);
    }
    analyse_with_parser(input, country)
}

/// The national format (`(415) 992-9961`) of a number [`analyse`] accepted.
pub(crate) fn national_format(number: &Number) -> String {
    phonenumber::parse(None, &number.e164)
        .map(|n| n.format().mode(Mode::National).to_string())
        .unwrap_or_else(|_| number.e164.clone())
}

/// The digits of a strict E.164 string: `+`, no leading zero, at most 15 digits.
fn e164_digits(input: &str) -> Option<&str> {
    let digits = input.strip_prefix('+')?;
    let plausible = (2..=15).contains(&digits.len())
        && !digits.starts_with('0')
        && digits.bytes().all(|b| b.is_ascii_digit());
    plausible.then_some(digits)
}

/// Splits off the calling code (E.164 codes are prefix-free, so the first known
/// prefix is the one) and classifies the rest.
fn classify_e164(digits: &str) -> Option<Number> {
    let (plan, national) = (1..=3.min(digits.len() - 1)).find_map(|len| {
        let code: u16 = digits[..len].parse().ok()?;
        Some((plan(code)?, &digits[len..]))
    })?;
    let number = plan.classify(national)?;
    Some(number.with_e164(format!("+{digits}")))
}

/// The slow path: the crate's parser for anything but strict E.164, and the reason
/// a number is invalid.
fn analyse_with_parser(input: &str, country: Option<&str>) -> Analysis {
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
    let code = number.code().value();
    let national = number.national().to_string();
    if let Some(valid) = plan(code).and_then(|plan| plan.classify(&national)) {
        return Ok(valid.with_e164(format!("+{code}{national}")));
    }
    // An invalid number matches no region, so judge its length by its calling code.
    let lengths = DATABASE
        .by_code(&code)
        .and_then(|m| m.first().map(|m| possible_lengths(m)));
    let len = national.len() as u16;
    Err(match lengths.as_deref() {
        None | Some([]) => "INVALID_COUNTRY_CODE",
        Some(l) if len < l[0] => "TOO_SHORT",
        Some(l) if l.last().is_some_and(|&max| len > max) => "TOO_LONG",
        Some(l) if !l.contains(&len) => "INVALID_LENGTH",
        Some(_) => "INVALID_BUT_POSSIBLE",
    })
}

/// Every national-number length the region's plan allows, ascending.
fn possible_lengths(meta: &Metadata) -> Vec<u16> {
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

/// The regions sharing one calling code, in the metadata's order.
struct Plan {
    regions: Vec<Region>,
}

/// One region's metadata; its patterns are compiled the first time a number needs them.
struct Region {
    meta: &'static Metadata,
    /// `None` for the non-geographic entities (`001`: +800, +882, ...).
    country: Option<String>,
    compiled: OnceLock<Compiled>,
}

struct Compiled {
    leading_digits: Option<Regex>,
    /// `None` when the metadata leaves the region without numbers.
    general: Option<Pattern>,
    /// The types in libphonenumber's order of precedence; fixed line and mobile last.
    kinds: Vec<(Pattern, &'static str)>,
    fixed_line: Option<Pattern>,
    mobile: Option<Pattern>,
}

/// A descriptor: the national-number pattern (matched whole) and its allowed lengths.
struct Pattern {
    regex: Regex,
    lengths: Vec<u16>,
}

/// Calling codes are 1 to 3 digits.
const CALLING_CODES: usize = 1000;
static PLANS: LazyLock<Vec<OnceLock<Option<Plan>>>> =
    LazyLock::new(|| (0..CALLING_CODES).map(|_| OnceLock::new()).collect());

fn plan(code: u16) -> Option<&'static Plan> {
    PLANS
        .get(usize::from(code))?
        .get_or_init(|| {
            let metas = DATABASE.by_code(&code)?;
            let regions = metas
                .into_iter()
                .map(|meta| Region {
                    meta,
                    country: (meta.id() != "001").then(|| meta.id().to_owned()),
                    compiled: OnceLock::new(),
                })
                .collect();
            Some(Plan { regions })
        })
        .as_ref()
}

impl Plan {
    /// The region a national number belongs to and its line type, when it is valid.
    /// A shared calling code goes to the first region whose leading digits match, or
    /// (for a region without them) where the number is valid.
    fn classify(&self, national: &str) -> Option<Number> {
        let shared = self.regions.len() > 1;
        for region in &self.regions {
            let compiled = region.compiled();
            match (&compiled.leading_digits, shared) {
                (Some(leading), true) if !leading.is_match(national) => continue,
                (None, true) => match compiled.line_type(national) {
                    Some(line_type) => return Some(region.number(line_type)),
                    None => continue,
                },
                _ => return compiled.line_type(national).map(|t| region.number(t)),
            }
        }
        None
    }
}

impl Number {
    fn with_e164(self, e164: String) -> Number {
        Number { e164, ..self }
    }
}

impl Region {
    fn compiled(&self) -> &Compiled {
        self.compiled.get_or_init(|| Compiled::new(self.meta))
    }

    /// A number of this region, its E.164 form filled in by the caller.
    fn number(&self, line_type: &'static str) -> Number {
        Number {
            e164: String::new(),
            calling_code: self.meta.country_code(),
            country: self.country.clone(),
            line_type,
        }
    }
}

impl Compiled {
    fn new(meta: &Metadata) -> Compiled {
        let d = meta.descriptors();
        let kinds = [
            (d.premium_rate(), "premium"),
            (d.toll_free(), "tollFree"),
            (d.shared_cost(), "sharedCost"),
            (d.voip(), "nonFixedVoip"),
            (d.personal_number(), "personal"),
            (d.pager(), "pager"),
            (d.uan(), "uan"),
            (d.voicemail(), "voicemail"),
        ]
        .into_iter()
        .filter_map(|(desc, name)| Some((Pattern::new(desc?)?, name)))
        .collect();
        Compiled {
            leading_digits: meta
                .leading_digits()
                .and_then(|p| compile(&format!("^(?:{})", p.as_str()))),
            general: Pattern::new(d.general()),
            kinds,
            fixed_line: d.fixed_line().and_then(Pattern::new),
            mobile: d.mobile().and_then(Pattern::new),
        }
    }

    /// The line type of a national number in this region, `None` when it is not valid here.
    fn line_type(&self, national: &str) -> Option<&'static str> {
        if !self.general.as_ref().is_some_and(|p| p.matches(national)) {
            return None;
        }
        if let Some((_, name)) = self.kinds.iter().find(|(p, _)| p.matches(national)) {
            return Some(name);
        }
        let mobile = self.mobile.as_ref().is_some_and(|p| p.matches(national));
        match self
            .fixed_line
            .as_ref()
            .is_some_and(|p| p.matches(national))
        {
            // Where the numbering plan cannot tell (US, Canada, ...), the Sandbox decides
            // by the last digit so QA can pick a landline on purpose: 0 → landline.
            true if mobile && national.ends_with('0') => Some("landline"),
            true if mobile => Some("mobile"),
            true => Some("landline"),
            false if mobile => Some("mobile"),
            false => None,
        }
    }
}

/// The metadata's patterns are laid out over several lines, as in libphonenumber's XML.
fn compile(pattern: &str) -> Option<Regex> {
    RegexBuilder::new(pattern)
        .ignore_whitespace(true)
        .build()
        .ok()
}

impl Pattern {
    /// Compiles a descriptor whole-anchored; `None` for a pattern the metadata leaves empty.
    fn new(desc: &Descriptor) -> Option<Pattern> {
        let source = desc.national_number().as_str().trim();
        if source.is_empty() || source == "NA" {
            return None;
        }
        Some(Pattern {
            regex: compile(&format!("^(?:{source})$"))?,
            lengths: desc.possible_length().to_vec(),
        })
    }

    fn matches(&self, national: &str) -> bool {
        let len_ok = self.lengths.is_empty() || self.lengths.contains(&(national.len() as u16));
        len_ok && self.regex.is_match(national)
    }
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
        assert_eq!(national_format(&n), "(415) 992-9960");
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
        assert_eq!(
            analyse("+1 415 992 9961", None).unwrap().e164,
            "+14159929961"
        );
        let toronto = analyse("+14165550123", None).unwrap();
        assert_eq!(toronto.country.as_deref(), Some("CA"));
        let freephone = analyse("+80012345678", None).unwrap();
        assert_eq!((freephone.country, freephone.line_type), (None, "tollFree"));
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

    /// The compiled patterns must judge as libphonenumber does: every example number
    /// in the metadata is valid, has the type its descriptor names, and lands in the
    /// region the crate's own resolution picks (a Manx mobile example is British by the
    /// metadata, whose leading digits for the Isle of Man do not cover it) wherever that
    /// parser gets the number right: it strips the national prefix 8 off Russia's and
    /// Kazakhstan's `+7 800 123 4567` and calls the rest too short, and finds no region
    /// for the Vatican's `+39 06 698 12345`.
    #[test]
    fn every_metadata_example_is_judged_like_libphonenumber() {
        let (mut checked, mut agreed) = (0, 0);
        for meta in DATABASE.iter() {
            let d = meta.descriptors();
            let examples = [
                (d.fixed_line(), &["landline", "mobile"][..]),
                (d.mobile(), &["mobile", "landline"][..]),
                (d.toll_free(), &["tollFree"][..]),
                (d.premium_rate(), &["premium"][..]),
                (d.voip(), &["nonFixedVoip"][..]),
            ];
            for (desc, types) in examples {
                let Some(example) = desc.and_then(Descriptor::example) else {
                    continue;
                };
                let e164 = format!("+{}{example}", meta.country_code());
                let n = analyse(&e164, None)
                    .unwrap_or_else(|why| panic!("{} {e164}: {why}", meta.id()));
                assert_eq!(n.e164, e164);
                assert_eq!(n.calling_code, meta.country_code());
                assert!(types.contains(&n.line_type), "{e164}: {}", n.line_type);
                let library_region = phonenumber::parse(None, &e164)
                    .ok()
                    .filter(|parsed| parsed.is_valid())
                    .and_then(|parsed| parsed.country().id());
                if let Some(region) = library_region {
                    assert_eq!(n.country.as_deref(), Some(region.as_ref()), "{e164}");
                    agreed += 1;
                }
                checked += 1;
            }
        }
        assert!(checked > 900, "only {checked} examples");
        assert!(
            agreed * 100 > checked * 95,
            "{agreed} of {checked} compared"
        );
    }
}
