//! What the person typed as a destination, read as Twilio needs it: an
//! E.164 number (with the suggestion "did you mean +44 7700 900123?") or an
//! email address.

use serde::Serialize;

/// What a typed destination is, and what to say about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DestinationHint {
    /// The number in E.164 (`+447700900123`), when it is one.
    pub e164: Option<String>,
    /// The same number written for people (`+44 7700 900123`).
    pub international: Option<String>,
    /// Whether it is an email address.
    pub email: bool,
    /// What to tell the person; `None` when it is fine as typed.
    pub message: Option<String>,
}

/// Reads `text`. A number without a country code is read as one of
/// `region` (ISO code, e.g. `GB`), when given.
pub fn destination_hint(text: &str, region: Option<&str>) -> DestinationHint {
    let text = text.trim();
    let mut hint = DestinationHint {
        e164: None,
        international: None,
        email: false,
        message: None,
    };
    if text.is_empty() {
        return hint;
    }
    if let Some((user, domain)) = text.split_once('@') {
        hint.email = true;
        if user.is_empty()
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
        {
            hint.message =
                Some("That does not look like an email address: name@example.com".to_owned());
        }
        return hint;
    }
    let country = region.and_then(|code| {
        code.to_ascii_uppercase()
            .parse::<phonenumber::country::Id>()
            .ok()
    });
    let parsed = phonenumber::parse(country, text).ok().or_else(|| {
        (!text.starts_with('+'))
            .then(|| phonenumber::parse(None, format!("+{text}")).ok())
            .flatten()
    });
    let Some(number) = parsed.filter(phonenumber::is_valid) else {
        hint.message = Some(
            "That is not a valid phone number: include the country code, like +14155552671"
                .to_owned(),
        );
        return hint;
    };
    let e164 = number.format().mode(phonenumber::Mode::E164).to_string();
    let international = number
        .format()
        .mode(phonenumber::Mode::International)
        .to_string();
    if e164 != text {
        hint.message = Some(format!("Did you mean {international}?"));
    }
    hint.e164 = Some(e164);
    hint.international = Some(international);
    hint
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_national_number_gets_its_e164_suggested() {
        let hint = destination_hint("07400 123456", Some("gb"));
        assert_eq!(hint.e164.as_deref(), Some("+447400123456"));
        assert_eq!(
            hint.message.as_deref(),
            Some("Did you mean +44 7400 123456?")
        );
    }

    #[test]
    fn e164_as_typed_needs_no_word() {
        let hint = destination_hint("+14155552671", None);
        assert_eq!(hint.e164.as_deref(), Some("+14155552671"));
        assert_eq!(hint.message, None);
    }

    #[test]
    fn digits_with_a_country_code_but_no_plus_are_read_too() {
        let hint = destination_hint("447400123456", None);
        assert_eq!(hint.e164.as_deref(), Some("+447400123456"));
    }

    #[test]
    fn nonsense_and_emails_are_told_apart() {
        assert!(
            destination_hint("12", None)
                .message
                .unwrap()
                .contains("not a valid phone number")
        );
        let email = destination_hint("ada@example.com", None);
        assert!(email.email && email.message.is_none());
        assert!(destination_hint("ada@", None).message.is_some());
    }
}
