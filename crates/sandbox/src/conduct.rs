//! The client conduct report (`GET /sandbox/report`): what clients did that real
//! Twilio would punish or that a careful client avoids, each kind with a count, one
//! example request and advice.
//!
//! Sources for the thresholds: Twilio's "Verify rate limits and timeouts" page
//! (twilio.com/docs/verify/api/rate-limits-and-timeouts, summarised in the project's
//! `verify-api-facts.md` §6) gives the status polling limit, 60 fetches a minute,
//! 180 an hour and 250 a day; the spec declares `Retry-After` on 429s. The 30 s
//! between sends to one destination is the Sandbox's choice, after Twilio's advice
//! to make users wait before offering a resend: no Twilio page stored with the
//! project states a figure.
//!
//! The record lives in the state, under its lock, and is written by the writes that
//! already happen (a send, a fetch); only the `Retry-After` bookkeeping needs one of
//! its own, and only for answers that carry the header and for requests made while
//! one is outstanding. Memory is bounded: a count and one example per kind, and per
//! key state that is dropped once it can no longer count (by age), at most
//! [`MAX_TRACKED`] keys of each sort.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::clock::format_time;
use crate::store::Map;

/// A send to a destination whose pending verification got a code less than this
/// long ago counts as a resend too soon.
pub(crate) const RESEND_WAIT_SECS: i64 = 30;

/// Twilio's status polling limits for one verification: (window in seconds, most
/// fetches in it).
const POLL_LIMITS: [(i64, u32); 3] = [(60, 60), (3_600, 180), (86_400, 250)];

/// The most keys followed per sort (outstanding `Retry-After`s, polled
/// verifications). Past it, new keys go unwatched until old ones age out.
const MAX_TRACKED: usize = 4_096;

/// What the report lists, in the order it lists them.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    RetryBeforeRetryAfter,
    PollingTooOften,
    ResendTooSoon,
}

impl Kind {
    const ALL: [Kind; 3] = [
        Kind::RetryBeforeRetryAfter,
        Kind::PollingTooOften,
        Kind::ResendTooSoon,
    ];

    fn id(self) -> &'static str {
        match self {
            Kind::RetryBeforeRetryAfter => "retry_before_retry_after",
            Kind::PollingTooOften => "polling_too_often",
            Kind::ResendTooSoon => "resend_too_soon",
        }
    }

    fn advice(self) -> &'static str {
        match self {
            Kind::RetryBeforeRetryAfter => {
                "The request was made again before the Retry-After of an earlier 429 or 503 answer to it had passed. Wait at least the Retry-After seconds before retrying (with jitter), and retry a send only if repeating it is safe: Twilio counts early retries against the same limit."
            }
            Kind::PollingTooOften => {
                "One verification was fetched more often than Twilio allows (60 fetches a minute, 180 an hour, 250 a day per verification). Check the code with VerificationCheck instead of polling the status, or poll no more than once every few seconds."
            }
            Kind::ResendTooSoon => {
                "A new verification was sent to a destination whose pending one got a code less than 30 seconds before. Let the user wait before offering a resend (Twilio resends the same code, and the fifth send answers 60203), or reuse the pending verification."
            }
        }
    }
}

/// The report: one entry per kind that happened, in a fixed order; empty for a
/// clean client.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConductReport {
    pub kinds: Vec<ConductEntry>,
}

/// One kind of conduct, how often it happened, the first request that did it and
/// what to do instead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConductEntry {
    /// `retry_before_retry_after`, `polling_too_often` or `resend_too_soon`.
    pub kind: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub count: u64,
    pub example: ConductExample,
    pub advice: String,
}

/// A request as the report shows it: never a token or a code, `To` masked to its
/// last two digits (an email to its first letter and domain).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConductExample {
    pub method: String,
    pub path: String,
    /// The parameters that made it count, by name.
    pub params: BTreeMap<String, String>,
    /// When it came (Sandbox clock), `YYYY-MM-DDTHH:MM:SSZ`.
    pub date: String,
}

impl ConductExample {
    pub(crate) fn new(method: &str, path: &str, now_secs: i64) -> ConductExample {
        ConductExample {
            method: method.to_owned(),
            path: path.to_owned(),
            params: BTreeMap::new(),
            date: format_time(now_secs),
        }
    }

    pub(crate) fn with(mut self, name: &str, value: impl Into<String>) -> ConductExample {
        self.params.insert(name.to_owned(), value.into());
        self
    }
}

/// A destination as the app's history shows it (the console crate's
/// `mask_destination` rule): a number's last two digits, an email's first letter
/// and domain.
pub(crate) fn mask(to: &str) -> String {
    let to = to.trim();
    if let Some((user, domain)) = to.split_once('@') {
        let first = user.chars().next().map(String::from).unwrap_or_default();
        return format!("{first}…@{domain}");
    }
    let count = to.chars().count();
    let hidden = count.saturating_sub(2);
    let tail: String = to.chars().skip(hidden).collect();
    format!("{}{tail}", "•".repeat(hidden))
}

/// Notes a send to the destination of the pending verification `existing` (if
/// any): one less than [`RESEND_WAIT_SECS`] after its last code counts.
pub(crate) fn note_send(
    db: &mut crate::store::State,
    existing: Option<&str>,
    now: i64,
    service_sid: &str,
    channel: &str,
) {
    let Some(v) = existing.and_then(|sid| db.verifications.get(sid)) else {
        return;
    };
    let Some(last) = v.send_attempts.last().map(|a| a.time) else {
        return;
    };
    let to = &v.to;
    db.conduct.note_resend(last, now, || {
        ConductExample::new(
            "POST",
            &format!("/v2/Services/{service_sid}/Verifications"),
            now,
        )
        .with("To", mask(to))
        .with("Channel", channel)
    });
}

/// Notes a fetch of `/v2/Services/{service_sid}/Verifications/{sid}`, where `sid`
/// may also be the `To` (masked in the example).
pub(crate) fn note_fetch(db: &mut crate::store::State, now: i64, service_sid: &str, sid: &str) {
    db.conduct.note_fetch(sid, now, || {
        let shown = if sid.starts_with("VE") {
            sid.to_owned()
        } else {
            mask(sid)
        };
        ConductExample::new(
            "GET",
            &format!("/v2/Services/{service_sid}/Verifications/{shown}"),
            now,
        )
    });
}

#[derive(Default)]
struct Seen {
    count: u64,
    example: Option<ConductExample>,
}

/// An answer that told the client to wait.
struct Wait {
    /// Sandbox milliseconds when it was answered, and until when to wait.
    answered_ms: i64,
    until_ms: i64,
    seconds: u64,
    status: u16,
}

/// Fetches of one verification, counted in windows that start at the first
/// fetch after the last window ended (the Sandbox's reading of "per minute").
#[derive(Default)]
struct Polls {
    windows: [(i64, u32); 3],
    last: i64,
}

/// The conduct seen since the last clear.
#[derive(Default)]
pub(crate) struct Conduct {
    seen: [Seen; 3],
    /// `account\nMETHOD\n/path/{template}\nTo` → the wait it was told.
    waits: Map<Wait>,
    /// Verification SID → its fetches.
    polls: Map<Polls>,
}

impl Conduct {
    fn count(&mut self, kind: Kind, example: impl FnOnce() -> ConductExample) {
        let seen = &mut self.seen[kind as usize];
        seen.count += 1;
        if seen.example.is_none() {
            seen.example = Some(example());
        }
    }

    /// Whether some answer's `Retry-After` may still be running: only then does
    /// every request need to be looked at.
    pub(crate) fn watching_retries(&self) -> bool {
        !self.waits.is_empty()
    }

    /// A request with this identity arrived at `arrived_ms` and was answered at
    /// `answered_ms` (Sandbox milliseconds), with `Retry-After: retry_after` or not.
    pub(crate) fn note_answer(
        &mut self,
        identity: String,
        arrived_ms: i64,
        answered_ms: i64,
        answer: (u16, Option<u64>),
        example: impl FnOnce() -> ConductExample,
    ) {
        let (status, retry_after) = answer;
        let told = self
            .waits
            .get(&identity)
            .map(|w| (w.answered_ms, w.until_ms, w.seconds, w.status));
        if let Some((told_ms, until_ms, seconds, earlier)) = told {
            if arrived_ms < until_ms && arrived_ms >= told_ms {
                let waited = arrived_ms - told_ms;
                self.count(Kind::RetryBeforeRetryAfter, || {
                    example()
                        .with("earlier_status", earlier.to_string())
                        .with("Retry-After", seconds.to_string())
                        .with("waited", format!("{:.1} s", waited as f64 / 1000.0))
                });
            }
            if until_ms <= answered_ms {
                self.waits.remove(&identity);
            }
        }
        if self.waits.len() >= MAX_TRACKED {
            self.waits.retain(|_, w| w.until_ms > answered_ms);
        }
        if let Some(seconds) = retry_after
            && self.waits.len() < MAX_TRACKED
        {
            let until_ms = answered_ms.saturating_add(seconds.saturating_mul(1000) as i64);
            self.waits.insert(
                identity,
                Wait {
                    answered_ms,
                    until_ms,
                    seconds,
                    status,
                },
            );
        } else if !self.waits.is_empty() {
            // Waits nobody retries after would keep every request looked at.
            self.waits.retain(|_, w| w.until_ms > answered_ms);
        }
    }

    /// A fetch of verification `sid` at `now` (Sandbox seconds).
    pub(crate) fn note_fetch(
        &mut self,
        sid: &str,
        now: i64,
        example: impl FnOnce() -> ConductExample,
    ) {
        if !self.polls.contains_key(sid) && self.polls.len() >= MAX_TRACKED {
            // A verification's fetches count for a day at most.
            self.polls.retain(|_, p| p.last > now - 86_400);
            if self.polls.len() >= MAX_TRACKED {
                return;
            }
        }
        let polls = self.polls.entry(sid.to_owned()).or_default();
        polls.last = now;
        let mut over = None;
        for ((start, count), (length, limit)) in polls.windows.iter_mut().zip(POLL_LIMITS) {
            if *count == 0 || now >= *start + length {
                (*start, *count) = (now, 0);
            }
            *count += 1;
            if *count > limit && over.is_none() {
                over = Some((*count, length));
            }
        }
        if let Some((count, length)) = over {
            self.count(Kind::PollingTooOften, || {
                let window = match length {
                    60 => "minute",
                    3_600 => "hour",
                    _ => "day",
                };
                example().with("fetches", format!("{count} in a {window}"))
            });
        }
    }

    /// A send to a destination whose pending verification last got a code at
    /// `last_send` (Sandbox seconds).
    pub(crate) fn note_resend(
        &mut self,
        last_send: i64,
        now: i64,
        example: impl FnOnce() -> ConductExample,
    ) {
        let since = now - last_send;
        if since < RESEND_WAIT_SECS {
            self.count(Kind::ResendTooSoon, || {
                example().with("since_last_send", format!("{since} s"))
            });
        }
    }

    pub(crate) fn report(&self) -> ConductReport {
        let kinds = Kind::ALL
            .iter()
            .zip(&self.seen)
            .filter_map(|(kind, seen)| {
                Some(ConductEntry {
                    kind: kind.id().to_owned(),
                    count: seen.count,
                    example: seen.example.clone()?,
                    advice: kind.advice().to_owned(),
                })
            })
            .collect();
        ConductReport { kinds }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn example() -> ConductExample {
        ConductExample::new("GET", "/v2/x", 0)
    }

    #[test]
    fn destinations_are_masked_as_in_the_history() {
        assert_eq!(mask("+14155550101"), "••••••••••01");
        assert_eq!(mask("ada@example.com"), "a…@example.com");
    }

    #[test]
    fn the_sixty_first_fetch_in_a_minute_counts_and_a_new_minute_starts_afresh() {
        let mut conduct = Conduct::default();
        for _ in 0..60 {
            conduct.note_fetch("VE1", 100, example);
        }
        assert!(conduct.report().kinds.is_empty());
        conduct.note_fetch("VE1", 159, example);
        let report = conduct.report();
        assert_eq!(report.kinds[0].count, 1);
        assert_eq!(report.kinds[0].example.params["fetches"], "61 in a minute");
        conduct.note_fetch("VE1", 160, example);
        assert_eq!(conduct.report().kinds[0].count, 1);
    }

    #[test]
    fn outstanding_waits_are_forgotten_once_over() {
        let mut conduct = Conduct::default();
        conduct.note_answer("k".into(), 0, 10, (429, Some(1)), example);
        assert!(conduct.watching_retries());
        conduct.note_answer("other".into(), 2_000, 2_000, (200, None), example);
        assert!(!conduct.watching_retries());
        assert!(conduct.report().kinds.is_empty());
    }
}
