//! Entities, TOTP Factors and Challenges, checked with real TOTP (totp-rs) at the
//! Sandbox's clock over the factor's skew window. Push and passkey factors answer
//! 60204: the Sandbox has no device to push to.

use axum::extract::{Path, State};
use data_encoding::BASE32_NOPAD;
use serde_json::Value;
use twofold_twilio::{ChallengeField, FactorBinding, NewFactor};

use crate::clock::parse_time;
use crate::error::ApiError;
use crate::http::{ApiResult, created, ctx, deleted, list_under_service, ok, page, sorted};
use crate::model::{Challenge, Entity, Factor};
use crate::params::Req;
use crate::sid::new_sid;
use crate::store::{App, State as Db, key};
use crate::verify::service;
use crate::webhook;

/// Wrong codes allowed when verifying a factor (60310 after) or answering a challenge (60308 after).
const MAX_TOTP_FAILURES: u32 = 5;
/// Challenges expire five minutes after creation unless told otherwise.
const CHALLENGE_TTL_SECS: i64 = 300;
const CHALLENGE_MAX_TTL_SECS: i64 = 3600;

fn valid_identity(identity: &str) -> bool {
    (8..=64).contains(&identity.len())
        && identity
            .split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// 60306 for an identity that cannot be one: a typo, not a missing entity.
fn check_identity(identity: &str) -> Result<(), ApiError> {
    if valid_identity(identity) {
        Ok(())
    } else {
        Err(ApiError::new(
            400,
            60306,
            "Invalid Request: Identity must be 8 to 64 dash-separated alphanumeric characters",
        ))
    }
}

/// Twilio's own not-found codes for the Factors APIs (60392, 60390, 60391), with
/// the 404 status their pages leave unstated.
fn entity_not_found(service_sid: &str, identity: &str) -> ApiError {
    ApiError::new(
        404,
        60392,
        format!("Entity not found: /Services/{service_sid}/Entities/{identity}"),
    )
}

fn entity<'a>(db: &'a Db, service_sid: &str, identity: &str) -> Result<&'a Entity, ApiError> {
    check_identity(identity)?;
    db.entities
        .get(&key(service_sid, identity))
        .ok_or_else(|| entity_not_found(service_sid, identity))
}

fn ensure_entity(
    db: &mut Db,
    now: i64,
    service_sid: &str,
    identity: &str,
) -> Result<Entity, ApiError> {
    service(db, service_sid)?;
    check_identity(identity)?;
    if let Some(e) = db.entities.get(&key(service_sid, identity)) {
        return Ok(e.clone());
    }
    let e = Entity {
        seq: db.seq(),
        sid: new_sid("YE"),
        service_sid: service_sid.to_owned(),
        identity: identity.to_owned(),
        created: now,
        updated: now,
    };
    db.entities.insert(key(service_sid, identity), e.clone());
    Ok(e)
}

/// Whether `code` is the factor's TOTP at `now`, within its skew window.
pub(crate) fn totp_matches(factor: &Factor, code: &str, now: i64) -> bool {
    let Ok(secret) = BASE32_NOPAD.decode(factor.secret.trim_end_matches('=').as_bytes()) else {
        return false;
    };
    let alg = match factor.alg.as_str() {
        "sha256" => totp_rs::Algorithm::SHA256,
        "sha512" => totp_rs::Algorithm::SHA512,
        _ => totp_rs::Algorithm::SHA1,
    };
    let totp = totp_rs::Builder::new()
        .with_algorithm(alg)
        .with_digits(factor.code_length)
        .with_skew(factor.skew)
        .with_step_duration(factor.time_step)
        .with_secret(secret)
        .build_noncompliant();
    code.len() == usize::from(factor.code_length)
        && code.bytes().all(|b| b.is_ascii_digit())
        && totp.check(code, u64::try_from(now).unwrap_or(0)).is_some()
}

pub(crate) async fn create_entity(
    State(app): State<App>,
    Path(sid): Path<String>,
    req: Req,
) -> ApiResult {
    let identity = req.required("Identity")?.to_owned();
    let ctx = ctx(&app, &req);
    app.write(|db, now| Ok(created(ensure_entity(db, now, &sid, &identity)?.wire(&ctx))))
        .await
}

pub(crate) async fn list_entities(
    State(app): State<App>,
    Path(sid): Path<String>,
    req: Req,
) -> ApiResult {
    list_under_service(&app, &req, &sid, ("Entities", "entities"), |db| {
        &db.entities
    })
}

pub(crate) async fn fetch_entity(
    State(app): State<App>,
    Path((sid, identity)): Path<(String, String)>,
    req: Req,
) -> ApiResult {
    let ctx = ctx(&app, &req);
    app.read(|db, _| Ok(ok(entity(db, &sid, &identity)?.wire(&ctx))))
}

pub(crate) async fn delete_entity(
    State(app): State<App>,
    Path((sid, identity)): Path<(String, String)>,
) -> ApiResult {
    app.write(|db, _| {
        check_identity(&identity)?;
        let e = db
            .entities
            .remove(&key(&sid, &identity))
            .ok_or_else(|| entity_not_found(&sid, &identity))?;
        db.factors.retain(|_, f| f.entity_sid != e.sid);
        db.challenges.retain(|_, c| c.entity_sid != e.sid);
        Ok(deleted())
    })
    .await
}

fn factor_mut<'a>(
    db: &'a mut Db,
    sid: &str,
    identity: &str,
    fsid: &str,
) -> Result<&'a mut Factor, ApiError> {
    check_identity(identity)?;
    db.factors
        .get_mut(fsid)
        .filter(|f| f.service_sid == sid && f.identity == identity)
        .ok_or_else(|| factor_not_found(sid, identity, fsid))
}

fn factor<'a>(db: &'a Db, sid: &str, identity: &str, fsid: &str) -> Result<&'a Factor, ApiError> {
    check_identity(identity)?;
    db.factors
        .get(fsid)
        .filter(|f| f.service_sid == sid && f.identity == identity)
        .ok_or_else(|| factor_not_found(sid, identity, fsid))
}

fn factor_not_found(sid: &str, identity: &str, fsid: &str) -> ApiError {
    ApiError::new(
        404,
        60390,
        format!("Factor not found: /Services/{sid}/Entities/{identity}/Factors/{fsid}"),
    )
}

fn apply_factor_config(f: &mut Factor, req: &Req) -> Result<(), ApiError> {
    if let Some(v) = req.int("Config.TimeStep", 20, 60)? {
        f.time_step = v as u64;
    }
    if let Some(v) = req.int("Config.Skew", 0, 2)? {
        f.skew = v as u16;
    }
    if let Some(v) = req.int("Config.CodeLength", 3, 8)? {
        f.code_length = v as u8;
    }
    if let Some(v) = req.one_of("Config.Alg", &["sha1", "sha256", "sha512"])? {
        f.alg = v;
    }
    Ok(())
}

pub(crate) async fn create_factor(
    State(app): State<App>,
    Path((sid, identity)): Path<(String, String)>,
    req: Req,
) -> ApiResult {
    let friendly_name = req
        .text_sized("FriendlyName", 1, MAX_NAME_CHARS)?
        .ok_or_else(|| Req::missing("FriendlyName"))?;
    match req.required("FactorType")? {
        "totp" => {}
        "push" | "passkeys" => return Err(totp_only_error()),
        _ => {
            return Err(ApiError::invalid_because(
                "FactorType",
                "must be push, totp or passkeys",
            ));
        }
    }
    let secret = match req.text("Binding.Secret") {
        Some(s) => {
            let clean = s.trim_end_matches('=').to_ascii_uppercase();
            if BASE32_NOPAD.decode(clean.as_bytes()).is_err() {
                return Err(ApiError::invalid_because(
                    "Binding.Secret",
                    "must be Base32 (A-Z, 2-7)",
                ));
            }
            clean
        }
        None => BASE32_NOPAD.encode(&rand::random::<[u8; 20]>()),
    };
    let metadata = sized_json_object(&req, "Metadata")?.map_or(Value::Null, Value::Object);
    let ctx = ctx(&app, &req);
    app.write(|db, now| {
        let s = service(db, &sid)?.clone();
        let e = ensure_entity(db, now, &sid, &identity)?;
        let mut f = Factor {
            seq: db.seq(),
            sid: new_sid("YF"),
            service_sid: sid.clone(),
            entity_sid: e.sid.clone(),
            identity: identity.clone(),
            friendly_name,
            verified: false,
            secret,
            alg: "sha1".into(),
            code_length: s.totp_code_length.map_or(6, |v| v as u8),
            time_step: s.totp_time_step.map_or(30, |v| v as u64),
            skew: s.totp_skew.map_or(1, |v| v as u16),
            metadata,
            failed_verifications: 0,
            created: now,
            updated: now,
        };
        apply_factor_config(&mut f, &req)?;
        let issuer = s
            .totp_issuer
            .clone()
            .unwrap_or_else(|| s.friendly_name.clone());
        let body = NewFactor {
            factor: f.wire(&ctx),
            binding: Some(FactorBinding::Totp {
                secret: f.secret.clone(),
                uri: otpauth_uri(&issuer, &f),
            }),
            // Twilio's answer for a TOTP factor has `"options": null`.
            options: Some(Value::Null),
        };
        webhook::emit(db, &ctx, "factor.created", &f, None);
        db.factors.insert(f.sid.clone(), f);
        Ok(created(body))
    })
    .await
}

fn otpauth_uri(issuer: &str, f: &Factor) -> String {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    let enc = |s: &str| utf8_percent_encode(s, NON_ALPHANUMERIC).to_string();
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm={}&digits={}&period={}",
        enc(issuer),
        enc(&f.friendly_name),
        f.secret,
        enc(issuer),
        f.alg.to_ascii_uppercase(),
        f.code_length,
        f.time_step
    )
}

pub(crate) async fn list_factors(
    State(app): State<App>,
    Path((sid, identity)): Path<(String, String)>,
    req: Req,
) -> ApiResult {
    let ctx = ctx(&app, &req);
    let items = app.read(|db, _| {
        let e = entity(db, &sid, &identity)?;
        Ok::<_, ApiError>(sorted(
            db.factors.values().filter(|f| f.entity_sid == e.sid),
            |f| f.seq,
            |f| f.wire(&ctx),
        ))
    })?;
    page(
        &req,
        &format!("/v2/Services/{sid}/Entities/{identity}/Factors"),
        "factors",
        items,
    )
}

pub(crate) async fn fetch_factor(
    State(app): State<App>,
    Path((sid, identity, fsid)): Path<(String, String, String)>,
    req: Req,
) -> ApiResult {
    let ctx = ctx(&app, &req);
    app.read(|db, _| Ok(ok(factor(db, &sid, &identity, &fsid)?.wire(&ctx))))
}

pub(crate) async fn update_factor(
    State(app): State<App>,
    Path((sid, identity, fsid)): Path<(String, String, String)>,
    req: Req,
) -> ApiResult {
    let name = req.text_sized("FriendlyName", 1, MAX_NAME_CHARS)?;
    let ctx = ctx(&app, &req);
    app.write(|db, now| {
        let f = factor_mut(db, &sid, &identity, &fsid)?;
        let mut changed = f.clone();
        apply_factor_config(&mut changed, &req)?;
        if let Some(name) = &name {
            changed.friendly_name = name.clone();
        }
        changed.updated = now;
        let mut verified_now = false;
        if let Some(code) = req.text("AuthPayload")
            && !changed.verified
        {
            if changed.failed_verifications >= MAX_TOTP_FAILURES {
                return Err(ApiError::new(
                    429,
                    60310,
                    "Factor verification attempts reached",
                ));
            }
            if totp_matches(&changed, &code, now) {
                changed.verified = true;
                verified_now = true;
            } else {
                changed.failed_verifications += 1;
            }
        }
        *f = changed.clone();
        if verified_now {
            webhook::emit(db, &ctx, "factor.verified", &changed, None);
        }
        Ok(ok(changed.wire(&ctx)))
    })
    .await
}

pub(crate) async fn delete_factor(
    State(app): State<App>,
    Path((sid, identity, fsid)): Path<(String, String, String)>,
    req: Req,
) -> ApiResult {
    let ctx = ctx(&app, &req);
    app.write(|db, _| {
        let f = factor_mut(db, &sid, &identity, &fsid)?.clone();
        db.factors.remove(&fsid);
        db.challenges.retain(|_, c| c.factor_sid != fsid);
        webhook::emit(db, &ctx, "factor.deleted", &f, None);
        Ok(deleted())
    })
    .await
}

/// Answers a pending challenge with a TOTP code: approved, or still pending.
fn answer(db: &mut Db, now: i64, csid: &str, code: &str) -> Result<bool, ApiError> {
    let c = db
        .challenges
        .get(csid)
        .ok_or_else(|| ApiError::not_found(&format!("/Challenges/{csid}")))?;
    let f = db
        .factors
        .get(&c.factor_sid)
        .ok_or_else(|| ApiError::not_found(&format!("/Factors/{}", c.factor_sid)))?;
    if c.status == "pending" && now >= c.expires {
        if let Some(c) = db.challenges.get_mut(csid) {
            c.status = "expired".into();
            c.updated = now;
        }
        return Err(ApiError::new(403, 60323, "Challenge expired"));
    }
    match c.status.as_str() {
        "pending" => {}
        "expired" => return Err(ApiError::new(403, 60323, "Challenge expired")),
        _ => return Err(ApiError::new(403, 60322, "Challenge already responded")),
    }
    if c.failed_attempts >= MAX_TOTP_FAILURES {
        return Err(ApiError::new(
            429,
            60308,
            "Challenge verification attempts limit reached",
        ));
    }
    let right = totp_matches(f, code, now);
    let c = db
        .challenges
        .get_mut(csid)
        .ok_or_else(|| ApiError::not_found(&format!("/Challenges/{csid}")))?;
    c.updated = now;
    if right {
        c.status = "approved".into();
        c.responded = Some(now);
    } else {
        c.failed_attempts += 1;
    }
    Ok(right)
}

pub(crate) async fn create_challenge(
    State(app): State<App>,
    Path((sid, identity)): Path<(String, String)>,
    req: Req,
) -> ApiResult {
    let fsid = req
        .sid("FactorSid", "YF")?
        .ok_or_else(|| Req::missing("FactorSid"))?
        .to_owned();
    let auth_payload = totp_payload(&req)?;
    let message = req.text_sized("Details.Message", 1, 256)?;
    let fields = challenge_fields(&req)?;
    let hidden = sized_json_object(&req, "HiddenDetails")?.map_or(Value::Null, Value::Object);
    let ctx = ctx(&app, &req);
    app.write(|db, now| {
        let e = entity(db, &sid, &identity)?.clone();
        let f = factor_mut(db, &sid, &identity, &fsid)?.clone();
        if !f.verified {
            return Err(ApiError::new(
                403,
                60318,
                "Factor is unverified: verify it with its first code before creating challenges",
            ));
        }
        let expires = match req.get("ExpirationDate") {
            Some(t) => parse_time(t)
                .filter(|&at| at > now && at <= now + CHALLENGE_MAX_TTL_SECS)
                .ok_or_else(|| {
                    ApiError::invalid_because(
                        "ExpirationDate",
                        "must be an ISO 8601 time within the next 60 minutes",
                    )
                })?,
            None => now + CHALLENGE_TTL_SECS,
        };
        let c = Challenge {
            seq: db.seq(),
            sid: new_sid("YC"),
            service_sid: sid.clone(),
            entity_sid: e.sid.clone(),
            identity: identity.clone(),
            factor_sid: fsid.clone(),
            status: "pending".into(),
            responded: None,
            expires,
            message,
            fields,
            hidden_details: hidden,
            metadata: Value::Null,
            failed_attempts: 0,
            created: now,
            updated: now,
        };
        let csid = c.sid.clone();
        db.challenges.insert(csid.clone(), c);
        if let Some(code) = &auth_payload
            && answer(db, now, &csid, code)?
        {
            emit_challenge(db, &ctx, &csid, &f);
        }
        let c = db
            .challenges
            .get(&csid)
            .ok_or_else(|| ApiError::not_found("/Challenges"))?;
        Ok(created(c.wire(&ctx)))
    })
    .await
}

fn emit_challenge(db: &mut Db, ctx: &crate::model::Ctx<'_>, csid: &str, f: &Factor) {
    if let Some(c) = db.challenges.get(csid).cloned() {
        webhook::emit(db, ctx, "challenge.approved", f, Some(&c));
    }
}

fn challenge_of<'a>(
    db: &'a Db,
    sid: &str,
    identity: &str,
    csid: &str,
) -> Result<&'a Challenge, ApiError> {
    check_identity(identity)?;
    db.challenges
        .get(csid)
        .filter(|c| c.service_sid == sid && c.identity == identity)
        .ok_or_else(|| {
            ApiError::new(
                404,
                60391,
                format!(
                    "Challenge not found: /Services/{sid}/Entities/{identity}/Challenges/{csid}"
                ),
            )
        })
}

/// Marks a pending challenge past its expiration as expired, as Twilio reports it.
fn expire(c: &Challenge, now: i64) -> Challenge {
    let mut c = c.clone();
    if c.status == "pending" && now >= c.expires {
        c.status = "expired".into();
    }
    c
}

pub(crate) async fn list_challenges(
    State(app): State<App>,
    Path((sid, identity)): Path<(String, String)>,
    req: Req,
) -> ApiResult {
    let status = req.one_of("Status", &["pending", "expired", "approved", "denied"])?;
    let desc = req.one_of("Order", &["asc", "desc"])?.as_deref() == Some("desc");
    let ctx = ctx(&app, &req);
    let items = app.read(|db, now| {
        let e = entity(db, &sid, &identity)?;
        let mut all: Vec<Challenge> = db
            .challenges
            .values()
            .filter(|c| c.entity_sid == e.sid)
            .filter(|c| req.get("FactorSid").is_none_or(|f| c.factor_sid == f))
            .map(|c| expire(c, now))
            .filter(|c| status.as_deref().is_none_or(|s| c.status == s))
            .collect();
        all.sort_by_key(|c| c.seq);
        if desc {
            all.reverse();
        }
        Ok::<_, ApiError>(all.iter().map(|c| c.wire(&ctx)).collect())
    })?;
    page(
        &req,
        &format!("/v2/Services/{sid}/Entities/{identity}/Challenges"),
        "challenges",
        items,
    )
}

pub(crate) async fn fetch_challenge(
    State(app): State<App>,
    Path((sid, identity, csid)): Path<(String, String, String)>,
    req: Req,
) -> ApiResult {
    let ctx = ctx(&app, &req);
    app.read(|db, now| {
        Ok(ok(
            expire(challenge_of(db, &sid, &identity, &csid)?, now).wire(&ctx)
        ))
    })
}

pub(crate) async fn update_challenge(
    State(app): State<App>,
    Path((sid, identity, csid)): Path<(String, String, String)>,
    req: Req,
) -> ApiResult {
    let metadata = sized_json_object(&req, "Metadata")?;
    let auth_payload = totp_payload(&req)?;
    let ctx = ctx(&app, &req);
    app.write(|db, now| {
        let c = challenge_of(db, &sid, &identity, &csid)?;
        let f = db
            .factors
            .get(&c.factor_sid)
            .cloned()
            .ok_or_else(|| ApiError::not_found("/Factors"))?;
        if let Some(m) = metadata
            && let Some(c) = db.challenges.get_mut(&csid)
        {
            c.metadata = Value::Object(m);
        }
        if let Some(code) = &auth_payload
            && answer(db, now, &csid, code)?
        {
            emit_challenge(db, &ctx, &csid, &f);
        }
        let c = challenge_of(db, &sid, &identity, &csid)?;
        Ok(ok(expire(c, now).wire(&ctx)))
    })
    .await
}

/// A factor's `FriendlyName`, at most 64 characters (the spec).
const MAX_NAME_CHARS: usize = 64;

/// `Metadata` and `HiddenDetails`: JSON objects of at most 1,024 characters.
fn sized_json_object(
    req: &Req,
    key: &str,
) -> Result<Option<serde_json::Map<String, Value>>, ApiError> {
    if req.get(key).is_some_and(|v| v.chars().count() > 1024) {
        return Err(ApiError::invalid_because(
            key,
            "must be at most 1024 characters",
        ));
    }
    req.json_object(key)
}

/// `Details.Fields`: at most 20 `{label, value}` objects (the only shape
/// `details.fields` can answer with), labels up to 36 characters, values up to 128.
fn challenge_fields(req: &Req) -> Result<Vec<Value>, ApiError> {
    let fields = req.all("Details.Fields");
    if fields.len() > 20 {
        return Err(ApiError::invalid_because(
            "Details.Fields",
            "at most 20 fields",
        ));
    }
    fields
        .into_iter()
        .map(|f| {
            serde_json::from_str::<ChallengeField>(f)
                .ok()
                .filter(|f| f.label.chars().count() <= 36 && f.value.chars().count() <= 128)
                .and_then(|f| serde_json::to_value(f).ok())
                .ok_or_else(|| {
                    ApiError::invalid_because(
                        "Details.Fields",
                        "each must be a JSON object {\"label\":…,\"value\":…}, a label of at most 36 characters and a value of at most 128",
                    )
                })
        })
        .collect()
}

/// A challenge's `AuthPayload`: for a TOTP factor, 3 to 8 characters (the spec).
fn totp_payload(req: &Req) -> Result<Option<String>, ApiError> {
    req.text_sized("AuthPayload", 3, 8)
}

fn totp_only_error() -> ApiError {
    ApiError::new(
        403,
        60204,
        "Service does not support this feature: the Sandbox emulates TOTP factors only, not push or passkeys",
    )
}

/// Notifications, access tokens and the passkey operations exist for push and
/// passkey factors only.
pub(crate) async fn totp_only() -> ApiError {
    totp_only_error()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn factor(skew: u16) -> Factor {
        Factor {
            seq: 1,
            sid: "YF".into(),
            service_sid: "VA".into(),
            entity_sid: "YE".into(),
            identity: "user-0001".into(),
            friendly_name: "f".into(),
            verified: false,
            // RFC 6238's SHA-1 test seed "12345678901234567890".
            secret: BASE32_NOPAD.encode(b"12345678901234567890"),
            alg: "sha1".into(),
            code_length: 8,
            time_step: 30,
            skew,
            metadata: Value::Null,
            failed_verifications: 0,
            created: 0,
            updated: 0,
        }
    }

    #[test]
    fn totp_matches_rfc6238_vectors() {
        assert!(totp_matches(&factor(0), "94287082", 59));
        assert!(totp_matches(&factor(0), "07081804", 1_111_111_109));
        assert!(!totp_matches(&factor(0), "94287083", 59));
    }

    #[test]
    fn skew_window_accepts_neighbouring_steps_only() {
        // 94287082 is the code of step 1 (t = 30..59).
        assert!(
            totp_matches(&factor(1), "94287082", 89),
            "one step later is inside skew 1"
        );
        assert!(
            !totp_matches(&factor(0), "94287082", 89),
            "but outside skew 0"
        );
        assert!(
            !totp_matches(&factor(1), "94287082", 119),
            "two steps later is outside skew 1"
        );
        assert!(
            totp_matches(&factor(2), "94287082", 119),
            "and inside skew 2"
        );
    }

    #[test]
    fn identities_follow_twilio_rules() {
        assert!(valid_identity("ff483d1ff591898a9942916050d2ca3f"));
        assert!(valid_identity("user-0001"));
        assert!(!valid_identity("short"));
        assert!(!valid_identity("has space-0001"));
        assert!(!valid_identity("double--dash1"));
    }
}
