//! The admin API under `/sandbox/` for QA and tests: the outbox, the clock, fault
//! rules, test numbers, snapshots, reset, Console-only service settings, and health.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::extract::{Path, Request, State};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::clock::format_time;
use crate::error::ApiError;
use crate::http::{ApiResult, created, decode_path, deleted, ok};
use crate::model::Fault;
use crate::outbox::Message;
use crate::params::Req;
use crate::sid::new_sid;
use crate::store::{App, State as Db};
use crate::test_numbers::{self, TestAnswer};
use crate::verify::service;

/// The longest `Wait` honoured, so a forgotten waiter cannot hold a connection forever.
const MAX_WAIT_SECS: i64 = 60;

/// `{"messages":[…]}`, rendered under the lock from the messages themselves: with
/// `To` only that destination's messages are looked at, and none is copied.
#[derive(Serialize)]
struct Messages<'a> {
    messages: Vec<Message<'a>>,
}

pub(crate) async fn outbox(State(app): State<App>, req: Req) -> ApiResult {
    let wait = req.int("Wait", 0, MAX_WAIT_SECS)?.unwrap_or(0);
    let (to, channel) = (req.get("To"), req.get("Channel"));
    let answer = app
        .wait_for(Duration::from_secs(wait as u64), |db, _| {
            let messages = db.outbox.matching(to, channel);
            (!messages.is_empty()).then(|| ok(Messages { messages }))
        })
        .await;
    Ok(answer.unwrap_or_else(|| {
        ok(Messages {
            messages: Vec::new(),
        })
    }))
}

pub(crate) async fn clear_outbox(State(app): State<App>) -> ApiResult {
    app.write(|db, _| db.outbox.clear()).await;
    Ok(deleted())
}

pub(crate) async fn clock(State(app): State<App>) -> ApiResult {
    let frozen = app.base_clock().is_frozen();
    Ok(ok(app.read(|db, now| {
        json!({ "now": format_time(now), "offset_seconds": db.clock_offset, "frozen": frozen })
    })))
}

pub(crate) async fn advance_clock(State(app): State<App>, req: Req) -> ApiResult {
    req.required("AdvanceSeconds")?;
    let secs = req
        .int("AdvanceSeconds", 0, 10 * 365 * 86_400)?
        .unwrap_or(0);
    Ok(ok(app
        .write(|db, now| {
            db.clock_offset += secs;
            json!({ "now": format_time(now + secs), "offset_seconds": db.clock_offset })
        })
        .await))
}

/// `DELETE /sandbox/clock`: back to the real time, so codes made now are
/// current again after an expiry test.
pub(crate) async fn reset_clock(State(app): State<App>) -> ApiResult {
    Ok(ok(app
        .write(|db, now| {
            let real = now - db.clock_offset;
            db.clock_offset = 0;
            json!({ "now": format_time(real), "offset_seconds": 0 })
        })
        .await))
}

/// A fault rule as asked for, before it is checked: what `POST /sandbox/faults`
/// reads from its form and [`crate::RunningSandbox::add_fault`] takes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewFault {
    pub method: Option<String>,
    pub path_prefix: Option<String>,
    pub to_prefix: Option<String>,
    pub status: Option<u16>,
    pub code: Option<u32>,
    pub message: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub latency_ms: Option<u64>,
    /// Default 1: it always fires.
    pub probability: Option<f64>,
    /// Default: drawn at random, and shown in the rule.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub seed: Option<u64>,
    /// Default: it applies to every matching request.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub times: Option<u64>,
    /// A `Retry-After` header of this many seconds on its answer (any status).
    #[serde(default)]
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub retry_after: Option<u64>,
}

/// The longest `RetryAfter` a rule may ask for: a day.
const MAX_RETRY_AFTER_SECS: u64 = 86_400;

/// The longest `LatencyMs` a rule may hold a request for.
const MAX_LATENCY_MS: u64 = 60_000;

/// Checks `new` and adds it as the last rule tried: the one way both the HTTP
/// API and the embedding app add a rule, so both refuse the same things alike.
pub(crate) async fn add_fault_rule(app: &App, new: NewFault) -> Result<Fault, ApiError> {
    let within = |key: &str, value: Option<u64>, min: u64, max: u64| match value {
        Some(v) if !(min..=max).contains(&v) => Err(ApiError::invalid_because(
            key,
            &format!("must be a whole number from {min} to {max}"),
        )),
        _ => Ok(()),
    };
    within("Status", new.status.map(u64::from), 100, 599)?;
    within("LatencyMs", new.latency_ms, 0, MAX_LATENCY_MS)?;
    within("Times", new.times, 1, u64::MAX)?;
    within("RetryAfter", new.retry_after, 0, MAX_RETRY_AFTER_SECS)?;
    // NaN is in no range, so it is refused too.
    if new.probability.is_some_and(|p| !(0.0..=1.0).contains(&p)) {
        return Err(ApiError::invalid_because(
            "Probability",
            "must be a number from 0 to 1, such as 0.25",
        ));
    }
    let text = |value: Option<String>| value.filter(|v| !v.is_empty());
    let fault = Fault {
        sid: new_sid("FR"),
        method: text(new.method).map(|m| m.to_ascii_uppercase()),
        path_prefix: text(new.path_prefix),
        to_prefix: text(new.to_prefix),
        status: new.status,
        code: new.code,
        message: text(new.message),
        latency_ms: new.latency_ms.unwrap_or(0),
        remaining: new.times,
        probability: new.probability.unwrap_or(1.0),
        // A seed drawn here is shown in the answer, so the run can be repeated.
        // Below 2^53, so it survives JavaScript and jq, which read JSON numbers
        // as doubles.
        seed: new
            .seed
            .unwrap_or_else(|| rand::random_range(0..1u64 << 53)),
        matched: 0,
        retry_after: new.retry_after,
    };
    if fault.status.is_none() && fault.latency_ms == 0 {
        return Err(ApiError::invalid_because(
            "Status",
            "a fault needs a Status, a LatencyMs, or both",
        ));
    }
    let added = fault.clone();
    app.write(|db, _| db.faults.push(added)).await;
    Ok(fault)
}

/// `POST /sandbox/faults`: reads the form's values; [`add_fault_rule`] checks them.
pub(crate) async fn add_fault(State(app): State<App>, req: Req) -> ApiResult {
    let whole = |key: &str, max: u64| -> Result<Option<u64>, ApiError> {
        Ok(req
            .int(key, 0, max.try_into().unwrap_or(i64::MAX))?
            .map(|n| n as u64))
    };
    let new = NewFault {
        method: req.text("Method"),
        path_prefix: req.text("PathPrefix"),
        to_prefix: req.text("ToPrefix"),
        status: whole("Status", u16::MAX.into())?.map(|s| s as u16),
        code: whole("Code", u32::MAX.into())?.map(|c| c as u32),
        message: req.text("Message"),
        latency_ms: whole("LatencyMs", u64::MAX)?,
        probability: req.fraction("Probability")?,
        seed: req.uint64("Seed")?,
        times: whole("Times", u64::MAX)?,
        retry_after: whole("RetryAfter", u64::MAX)?,
    };
    Ok(created(add_fault_rule(&app, new).await?))
}

/// `{"key": items}`, each item in its fields' order, as when it was added (`json!`
/// would go through a `Value` and sort them).
fn listed<T: serde::Serialize>(key: &str, items: &[T]) -> axum::response::Response {
    ok(BTreeMap::from([(key, items)]))
}

pub(crate) async fn faults(State(app): State<App>) -> ApiResult {
    Ok(app.read(|db, _| listed("faults", &db.faults)))
}

pub(crate) async fn clear_faults(State(app): State<App>) -> ApiResult {
    app.write(|db, _| db.faults.clear()).await;
    Ok(deleted())
}

pub(crate) async fn test_numbers(State(app): State<App>) -> ApiResult {
    Ok(app.read(|db, _| listed("test_numbers", &db.test_numbers)))
}

/// `POST /sandbox/test-numbers` with `To` and either `Code` or `ErrorCode`.
pub(crate) async fn add_test_number(State(app): State<App>, req: Req) -> ApiResult {
    let to = req.required("To")?;
    let answer = match (req.get("Code"), req.get("ErrorCode")) {
        (Some(code), None) => TestAnswer::Code(code.trim().to_owned()),
        (None, Some(code)) => TestAnswer::ErrorCode(code.trim().parse().map_err(|_| {
            ApiError::invalid_because("ErrorCode", "must be a Twilio error code, such as 60410")
        })?),
        _ => {
            return Err(ApiError::invalid_because(
                "Code",
                "give exactly one of Code (the code every verification sent to To gets) and ErrorCode (the Twilio error every send to To answers)",
            ));
        }
    };
    Ok(created(test_numbers::add(&app, to, answer).await?))
}

/// `DELETE /sandbox/test-numbers/{To}`: the `+` may come raw or as `%2B`.
pub(crate) async fn remove_test_number(
    State(app): State<App>,
    Path(to): Path<String>,
) -> ApiResult {
    let to = decode_path(&to);
    match test_numbers::remove(&app, &to).await {
        true => Ok(deleted()),
        false => Err(ApiError::new(
            404,
            20404,
            format!("{to} is not a test number; GET /sandbox/test-numbers lists them"),
        )),
    }
}

/// `GET /sandbox/snapshot`: the whole state, the document a state file holds.
pub(crate) async fn snapshot(State(app): State<App>) -> ApiResult {
    Ok(app.read(|db, _| ok(db)))
}

/// The largest snapshot `PUT /sandbox/snapshot` reads. axum's default body limit
/// (2 MiB) is a few thousand verifications; a long session's state is more, and
/// the whole of it is read into memory anyway.
const MAX_SNAPSHOT: usize = 1 << 30;

/// `PUT /sandbox/snapshot`: replaces the whole state with a snapshot, or, if the
/// body is not one, answers what is wrong and changes nothing.
pub(crate) async fn restore_snapshot(State(app): State<App>, req: Request) -> ApiResult {
    let body = axum::body::to_bytes(req.into_body(), MAX_SNAPSHOT)
        .await
        .map_err(|_| {
            ApiError::new(
                413,
                20001,
                format!(
                    "The snapshot could not be read whole; it must be under {} MiB",
                    MAX_SNAPSHOT >> 20
                ),
            )
        })?;
    restore(&app, &body).await?;
    Ok(deleted())
}

/// Replaces the whole state with `snapshot`, or says what is wrong with it and
/// changes nothing: for the HTTP API and the embedding app alike.
pub(crate) async fn restore(app: &App, snapshot: &[u8]) -> Result<(), ApiError> {
    let refuse = |why: &dyn std::fmt::Display| {
        ApiError::new(
            400,
            60200,
            format!(
                "The body is not a Sandbox snapshot ({why}); send a document GET /sandbox/snapshot answered. Nothing was changed."
            ),
        )
    };
    // serde reads a struct from an array of its fields in order too, so `[]`
    // would parse as the empty state: a snapshot is an object.
    if !snapshot.trim_ascii_start().starts_with(b"{") {
        return Err(refuse(&"it must be a JSON object"));
    }
    let state: Db = serde_json::from_slice(snapshot).map_err(|e| refuse(&e))?;
    app.write(|db, _| db.replace(state)).await;
    Ok(())
}

pub(crate) async fn reset(State(app): State<App>) -> ApiResult {
    app.write(|db, _| db.reset()).await;
    Ok(ok(json!({ "reset": true })))
}

/// Settings a real account makes in the Console, not the API: the email integration
/// (Mailer) and channels switched off for the service.
pub(crate) async fn configure_service(
    State(app): State<App>,
    Path(sid): Path<String>,
    req: Req,
) -> ApiResult {
    let email = req.bool("EmailIntegration")?;
    let disabled: Option<Vec<String>> = req.get("DisabledChannels").map(|_| {
        req.all("DisabledChannels")
            .into_iter()
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect()
    });
    app.write(|db, _| {
        service(db, &sid)?;
        let s = db.services.get_mut(&sid).ok_or_else(|| ApiError::not_found(&format!("/Services/{sid}")))?;
        if let Some(e) = email {
            s.email_integration = e;
        }
        if let Some(d) = disabled {
            s.disabled_channels = d;
        }
        Ok(ok(json!({ "sid": s.sid, "email_integration": s.email_integration, "disabled_channels": s.disabled_channels })))
    })
    .await
}

/// `GET /sandbox/report`: the client conduct report.
pub(crate) async fn conduct_report(State(app): State<App>) -> ApiResult {
    Ok(ok(app.read(|db, _| db.conduct.report())))
}

/// `DELETE /sandbox/report`.
pub(crate) async fn clear_conduct_report(State(app): State<App>) -> ApiResult {
    clear_conduct(&app).await;
    Ok(deleted())
}

/// Forgets the conduct seen so far, outstanding `Retry-After`s included.
pub(crate) async fn clear_conduct(app: &App) {
    app.write(|db, _| db.conduct = Default::default()).await;
}

pub(crate) async fn health() -> ApiResult {
    Ok(ok(json!({ "status": "ok" })))
}
