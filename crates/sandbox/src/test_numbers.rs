//! Test numbers: destinations every send to which ends the same way, on any
//! service — a fixed code, so a demo or an app-store reviewer can always sign in,
//! or a fixed Twilio error, so an app's error handling can be shown on demand.

use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{ApiError, send_error};
use crate::store::App;

/// A destination whose sends always end the same way: `GET /sandbox/test-numbers`
/// lists them in this shape (`{"to": …, "code": …}` or `{"to": …, "error_code": …}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TestNumber {
    /// E.164 number or email address, as a send's `To` is stored.
    pub to: String,
    /// What every send to it gets.
    #[serde(flatten)]
    pub answer: TestAnswer,
}

/// What a test number answers to every send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum TestAnswer {
    /// The code (4–10 digits) of every verification sent to it.
    // The checks change no wire type: say so, or specta refuses to describe it.
    Code(
        #[serde(deserialize_with = "checked_code")]
        #[cfg_attr(feature = "specta", specta(type = String))]
        String,
    ),
    /// The Twilio error every send to it answers, with Twilio's HTTP status
    /// (20429, 60200, 60203, 60205, 60212, 60410, 60605).
    ErrorCode(
        #[serde(deserialize_with = "checked_error_code")]
        #[cfg_attr(feature = "specta", specta(type = u32))]
        u32,
    ),
}

impl TestAnswer {
    /// Whether the Sandbox can answer this: 4–10 digits, or an error whose HTTP
    /// status it knows.
    fn check(&self) -> Result<(), ApiError> {
        match self {
            TestAnswer::Code(code) => check_code(code),
            TestAnswer::ErrorCode(code) => send_error(*code).map(drop),
        }
    }
}

fn check_code(code: &str) -> Result<(), ApiError> {
    // The lengths a service's CodeLength allows.
    if (4..=10).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(ApiError::invalid_because(
            "Code",
            &format!("{code:?} must be 4 to 10 digits"),
        ))
    }
}

/// Snapshots and state files are checked as requests are: what parses can be answered.
fn checked_code<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let code = String::deserialize(d)?;
    check_code(&code).map_err(|e| serde::de::Error::custom(e.message))?;
    Ok(code)
}

fn checked_error_code<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let code = u32::deserialize(d)?;
    send_error(code).map_err(|e| serde::de::Error::custom(e.message))?;
    Ok(code)
}

/// `to` as a send stores its `To`: an email address as given, a phone number in E.164.
fn destination(to: &str) -> Result<String, ApiError> {
    if to.contains('@') {
        return match crate::verify::is_email(to) {
            true => Ok(to.to_owned()),
            false => Err(ApiError::invalid_because(
                "To",
                &format!("{to} is neither an E.164 phone number nor an email address"),
            )),
        };
    }
    crate::verify::phone_number(to).map(|number| number.e164)
}

/// Makes `to` a test number answering `answer`, replacing what it answered before.
pub(crate) async fn add(app: &App, to: &str, answer: TestAnswer) -> Result<TestNumber, ApiError> {
    answer.check()?;
    let number = TestNumber {
        to: destination(to)?,
        answer,
    };
    let stored = number.clone();
    app.write(
        |db, _| match db.test_numbers.iter_mut().find(|t| t.to == stored.to) {
            Some(old) => *old = stored,
            None => db.test_numbers.push(stored),
        },
    )
    .await;
    Ok(number)
}

/// Makes `to` an ordinary destination again; false if it was not a test number.
pub(crate) async fn remove(app: &App, to: &str) -> bool {
    // As it was added (`+1 415 555 0188`) or as listed (`+14155550188`).
    let to = destination(to).unwrap_or_else(|_| to.to_owned());
    app.write(|db, _| {
        let before = db.test_numbers.len();
        db.test_numbers.retain(|t| t.to != to);
        db.test_numbers.len() < before
    })
    .await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn lists_as_flat_json_and_parses_only_what_can_be_answered() {
        let number = TestNumber {
            to: "+14155550100".into(),
            answer: TestAnswer::ErrorCode(60410),
        };
        let json = serde_json::to_value(&number).unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "to": "+14155550100", "error_code": 60410 })
        );
        assert_eq!(serde_json::from_value::<TestNumber>(json).unwrap(), number);
        for bad in [
            r#"{"to":"+14155550100","error_code":12345}"#,
            r#"{"to":"+14155550100","code":"12ab"}"#,
            r#"{"to":"+14155550100","code":"123"}"#,
            r#"{"to":"+14155550100"}"#,
        ] {
            assert!(serde_json::from_str::<TestNumber>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn destinations_are_stored_as_sends_store_them() {
        assert_eq!(destination("+1 415 555 0101").unwrap(), "+14155550101");
        assert_eq!(
            destination("reviewer@example.com").unwrap(),
            "reviewer@example.com"
        );
        assert!(destination("reviewer@localhost").is_err());
        assert!(destination("12").unwrap_err().message.contains("To"));
    }
}
