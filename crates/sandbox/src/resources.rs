//! The remaining Verify resources, CRUD as the spec has them: Rate Limits and their
//! Buckets (enforced on sends that pass `RateLimits`), Messaging Configurations,
//! Webhooks, the Safe List, Templates and Forms.

use axum::extract::{Path, State};
use serde_json::{Value, json};

use crate::error::{ApiError, TOO_MANY_REQUESTS};
use crate::http::{
    ApiResult, created, ctx, decode_path, deleted, list_under_service, ok, page, sorted,
};
use crate::model::{Bucket, MessagingConfiguration, RateLimit, SafeListEntry, Webhook};
use crate::params::Req;
use crate::phone;
use crate::sid::new_sid;
use crate::store::{App, State as Db, key};
use crate::verify::service;

fn not_found(path: String) -> ApiError {
    ApiError::not_found(&path)
}

/// The `rate_hits` keys a send counts against (with their bucket's interval), or
/// 20429 if a bucket is full. Its `Retry-After` is when every full bucket has
/// room again, so a retry then goes through.
pub(crate) fn rate_limit_keys(
    db: &Db,
    now: i64,
    service_sid: &str,
    req: &Req,
) -> Result<Vec<(String, i64)>, ApiError> {
    let Some(limits) = req.json_object("RateLimits")? else {
        return Ok(Vec::new());
    };
    let mut keys = Vec::new();
    let mut full: Option<(i64, &str)> = None;
    for (name, value) in limits {
        let value = match value {
            Value::String(s) => s,
            other => other.to_string(),
        };
        let Some(limit) = db
            .rate_limits
            .values()
            .find(|r| r.service_sid == service_sid && r.unique_name == name)
        else {
            continue;
        };
        for bucket in db
            .buckets
            .values()
            .filter(|b| b.rate_limit_sid == limit.sid)
        {
            let k = key(&bucket.sid, &value);
            let window_start = now - bucket.interval;
            let mut hits: Vec<i64> = db.rate_hits.get(&k).map_or_else(Vec::new, |h| {
                h.iter().copied().filter(|&t| t > window_start).collect()
            });
            // Room for one more once all but `max - 1` hits left the window (a
            // bucket whose `Max` was lowered may be over by more than one).
            let over = hits.len() as i64 - bucket.max;
            if over >= 0 {
                hits.sort_unstable();
                let frees_at = hits
                    .get(usize::try_from(over).unwrap_or(usize::MAX))
                    .map_or(now, |&t| t + bucket.interval);
                if full.is_none_or(|(at, _)| frees_at > at) {
                    full = Some((frees_at, &limit.unique_name));
                }
            }
            keys.push((k, bucket.interval));
        }
    }
    match full {
        Some((frees_at, limit)) => {
            Err(ApiError::from(TOO_MANY_REQUESTS).rate_limited(limit, frees_at - now))
        }
        None => Ok(keys),
    }
}

fn valid_unique_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

pub(crate) async fn create_rate_limit(
    State(app): State<App>,
    Path(sid): Path<String>,
    req: Req,
) -> ApiResult {
    let unique_name = req.required("UniqueName")?.to_owned();
    if !valid_unique_name(&unique_name) {
        return Err(ApiError::new(
            400,
            60209,
            "UniqueName format is invalid: use letters, digits, - and _",
        ));
    }
    let ctx = ctx(&app, &req);
    app.write(|db, now| {
        service(db, &sid)?;
        if db
            .rate_limits
            .values()
            .any(|r| r.service_sid == sid && r.unique_name == unique_name)
        {
            return Err(ApiError::new(
                409,
                60208,
                "A Rate Limit with this UniqueName already exists",
            ));
        }
        let r = RateLimit {
            seq: db.seq(),
            sid: new_sid("RK"),
            service_sid: sid.clone(),
            unique_name,
            description: req.text("Description"),
            created: now,
            updated: now,
        };
        let body = r.wire(&ctx);
        db.rate_limits.insert(r.sid.clone(), r);
        Ok(created(body))
    })
    .await
}

fn rate_limit<'a>(db: &'a Db, sid: &str, rsid: &str) -> Result<&'a RateLimit, ApiError> {
    db.rate_limits
        .get(rsid)
        .filter(|r| r.service_sid == sid)
        .ok_or_else(|| not_found(format!("/Services/{sid}/RateLimits/{rsid}")))
}

pub(crate) async fn list_rate_limits(
    State(app): State<App>,
    Path(sid): Path<String>,
    req: Req,
) -> ApiResult {
    list_under_service(&app, &req, &sid, ("RateLimits", "rate_limits"), |db| {
        &db.rate_limits
    })
}

pub(crate) async fn fetch_rate_limit(
    State(app): State<App>,
    Path((sid, rsid)): Path<(String, String)>,
    req: Req,
) -> ApiResult {
    let ctx = ctx(&app, &req);
    app.read(|db, _| Ok(ok(rate_limit(db, &sid, &rsid)?.wire(&ctx))))
}

pub(crate) async fn update_rate_limit(
    State(app): State<App>,
    Path((sid, rsid)): Path<(String, String)>,
    req: Req,
) -> ApiResult {
    let ctx = ctx(&app, &req);
    app.write(|db, now| {
        rate_limit(db, &sid, &rsid)?;
        let r = db
            .rate_limits
            .get_mut(&rsid)
            .ok_or_else(|| not_found(format!("/RateLimits/{rsid}")))?;
        if let Some(d) = req.text("Description") {
            r.description = Some(d);
        }
        r.updated = now;
        Ok(ok(r.wire(&ctx)))
    })
    .await
}

pub(crate) async fn delete_rate_limit(
    State(app): State<App>,
    Path((sid, rsid)): Path<(String, String)>,
) -> ApiResult {
    app.write(|db, _| {
        rate_limit(db, &sid, &rsid)?;
        db.rate_limits.remove(&rsid);
        db.buckets.retain(|_, b| b.rate_limit_sid != rsid);
        Ok(deleted())
    })
    .await
}

fn bucket<'a>(db: &'a Db, sid: &str, rsid: &str, bsid: &str) -> Result<&'a Bucket, ApiError> {
    db.buckets
        .get(bsid)
        .filter(|b| b.service_sid == sid && b.rate_limit_sid == rsid)
        .ok_or_else(|| not_found(format!("/Services/{sid}/RateLimits/{rsid}/Buckets/{bsid}")))
}

/// 60211 if another Bucket of the Rate Limit already counts over `interval`.
fn interval_free(db: &Db, rsid: &str, interval: i64, except: Option<&str>) -> Result<(), ApiError> {
    if db.buckets.values().any(|b| {
        b.rate_limit_sid == rsid && b.interval == interval && Some(b.sid.as_str()) != except
    }) {
        return Err(ApiError::new(
            409,
            60211,
            "A Bucket with this Interval already exists for the Rate Limit",
        ));
    }
    Ok(())
}

pub(crate) async fn create_bucket(
    State(app): State<App>,
    Path((sid, rsid)): Path<(String, String)>,
    req: Req,
) -> ApiResult {
    req.required("Max")?;
    req.required("Interval")?;
    let max = req.int("Max", 1, i64::from(u32::MAX))?.unwrap_or(1);
    let interval = req.int("Interval", 1, 86_400 * 365)?.unwrap_or(1);
    let ctx = ctx(&app, &req);
    app.write(|db, now| {
        rate_limit(db, &sid, &rsid)?;
        interval_free(db, &rsid, interval, None)?;
        let b = Bucket {
            seq: db.seq(),
            sid: new_sid("BL"),
            rate_limit_sid: rsid.clone(),
            service_sid: sid.clone(),
            max,
            interval,
            created: now,
            updated: now,
        };
        let body = b.wire(&ctx);
        db.buckets.insert(b.sid.clone(), b);
        Ok(created(body))
    })
    .await
}

pub(crate) async fn list_buckets(
    State(app): State<App>,
    Path((sid, rsid)): Path<(String, String)>,
    req: Req,
) -> ApiResult {
    let ctx = ctx(&app, &req);
    let items = app.read(|db, _| {
        rate_limit(db, &sid, &rsid)?;
        Ok::<_, ApiError>(sorted(
            db.buckets.values().filter(|b| b.rate_limit_sid == rsid),
            |b| b.seq,
            |b| b.wire(&ctx),
        ))
    })?;
    page(
        &req,
        &format!("/v2/Services/{sid}/RateLimits/{rsid}/Buckets"),
        "buckets",
        items,
    )
}

pub(crate) async fn fetch_bucket(
    State(app): State<App>,
    Path((sid, rsid, bsid)): Path<(String, String, String)>,
    req: Req,
) -> ApiResult {
    let ctx = ctx(&app, &req);
    app.read(|db, _| Ok(ok(bucket(db, &sid, &rsid, &bsid)?.wire(&ctx))))
}

pub(crate) async fn update_bucket(
    State(app): State<App>,
    Path((sid, rsid, bsid)): Path<(String, String, String)>,
    req: Req,
) -> ApiResult {
    let max = req.int("Max", 1, i64::from(u32::MAX))?;
    let interval = req.int("Interval", 1, 86_400 * 365)?;
    let ctx = ctx(&app, &req);
    app.write(|db, now| {
        bucket(db, &sid, &rsid, &bsid)?;
        if let Some(interval) = interval {
            interval_free(db, &rsid, interval, Some(&bsid))?;
        }
        let b = db
            .buckets
            .get_mut(&bsid)
            .ok_or_else(|| not_found(format!("/Buckets/{bsid}")))?;
        b.max = max.unwrap_or(b.max);
        b.interval = interval.unwrap_or(b.interval);
        b.updated = now;
        Ok(ok(b.wire(&ctx)))
    })
    .await
}

pub(crate) async fn delete_bucket(
    State(app): State<App>,
    Path((sid, rsid, bsid)): Path<(String, String, String)>,
) -> ApiResult {
    app.write(|db, _| {
        bucket(db, &sid, &rsid, &bsid)?;
        db.buckets.remove(&bsid);
        Ok(deleted())
    })
    .await
}

/// A country as configurations are kept under it: `US` for `us`, `all` for `ALL`.
fn normal_country(country: &str) -> String {
    if country.eq_ignore_ascii_case("all") {
        "all".into()
    } else {
        country.to_ascii_uppercase()
    }
}

fn configuration_key(sid: &str, country: &str) -> String {
    key(sid, &normal_country(country))
}

fn country_code(req: &Req) -> Result<String, ApiError> {
    let country = req.required("Country")?;
    let ok = country.eq_ignore_ascii_case("all")
        || (country.len() == 2 && country.bytes().all(|b| b.is_ascii_alphabetic()));
    if ok {
        Ok(normal_country(country))
    } else {
        Err(ApiError::invalid_because(
            "Country",
            "must be an ISO 3166-1 alpha-2 code or all",
        ))
    }
}

fn messaging_sid(req: &Req) -> Result<String, ApiError> {
    req.sid("MessagingServiceSid", "MG")?
        .map(str::to_owned)
        .ok_or_else(|| Req::missing("MessagingServiceSid"))
}

pub(crate) async fn create_messaging_configuration(
    State(app): State<App>,
    Path(sid): Path<String>,
    req: Req,
) -> ApiResult {
    let country = country_code(&req)?;
    let messaging_service_sid = messaging_sid(&req)?;
    let ctx = ctx(&app, &req);
    app.write(|db, now| {
        service(db, &sid)?;
        let k = key(&sid, &country);
        if db.messaging_configurations.contains_key(&k) {
            return Err(ApiError::new(
                409,
                60213,
                "A Messaging Configuration already exists for this country",
            ));
        }
        let m = MessagingConfiguration {
            seq: db.seq(),
            service_sid: sid.clone(),
            country,
            messaging_service_sid,
            created: now,
            updated: now,
        };
        let body = m.wire(&ctx);
        db.messaging_configurations.insert(k, m);
        Ok(created(body))
    })
    .await
}

pub(crate) async fn list_messaging_configurations(
    State(app): State<App>,
    Path(sid): Path<String>,
    req: Req,
) -> ApiResult {
    list_under_service(
        &app,
        &req,
        &sid,
        ("MessagingConfigurations", "messaging_configurations"),
        |db| &db.messaging_configurations,
    )
}

fn configuration_missing(sid: &str, country: &str) -> ApiError {
    not_found(format!("/Services/{sid}/MessagingConfigurations/{country}"))
}

pub(crate) async fn fetch_messaging_configuration(
    State(app): State<App>,
    Path((sid, country)): Path<(String, String)>,
    req: Req,
) -> ApiResult {
    let ctx = ctx(&app, &req);
    app.read(|db, _| {
        let m = db
            .messaging_configurations
            .get(&configuration_key(&sid, &country))
            .ok_or_else(|| configuration_missing(&sid, &country))?;
        Ok(ok(m.wire(&ctx)))
    })
}

pub(crate) async fn update_messaging_configuration(
    State(app): State<App>,
    Path((sid, country)): Path<(String, String)>,
    req: Req,
) -> ApiResult {
    let messaging_service_sid = messaging_sid(&req)?;
    let ctx = ctx(&app, &req);
    app.write(|db, now| {
        let m = db
            .messaging_configurations
            .get_mut(&configuration_key(&sid, &country))
            .ok_or_else(|| configuration_missing(&sid, &country))?;
        m.messaging_service_sid = messaging_service_sid;
        m.updated = now;
        Ok(ok(m.wire(&ctx)))
    })
    .await
}

pub(crate) async fn delete_messaging_configuration(
    State(app): State<App>,
    Path((sid, country)): Path<(String, String)>,
) -> ApiResult {
    app.write(|db, _| {
        db.messaging_configurations
            .remove(&configuration_key(&sid, &country))
            .ok_or_else(|| configuration_missing(&sid, &country))?;
        Ok(deleted())
    })
    .await
}

const EVENT_TYPES: &[&str] = &[
    "*",
    "factor.deleted",
    "factor.created",
    "factor.verified",
    "challenge.approved",
    "challenge.denied",
];

fn apply_webhook(w: &mut Webhook, req: &Req) -> Result<(), ApiError> {
    if let Some(name) = req.text("FriendlyName") {
        w.friendly_name = name;
    }
    let events = req.all("EventTypes");
    if !events.is_empty() {
        if let Some(bad) = events.iter().find(|e| !EVENT_TYPES.contains(e)) {
            return Err(ApiError::invalid_because(
                "EventTypes",
                &format!("{bad} is not one of {}", EVENT_TYPES.join(", ")),
            ));
        }
        w.event_types = events.into_iter().map(str::to_owned).collect();
    }
    if let Some(url) = req.text("WebhookUrl") {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(ApiError::invalid_because(
                "WebhookUrl",
                "must be an http:// or https:// URL",
            ));
        }
        w.webhook_url = url;
    }
    if let Some(s) = req.one_of("Status", &["enabled", "disabled"])? {
        w.status = s;
    }
    if let Some(v) = req.one_of("Version", &["v1", "v2"])? {
        w.version = v;
    }
    Ok(())
}

fn webhook<'a>(db: &'a mut Db, sid: &str, wsid: &str) -> Result<&'a mut Webhook, ApiError> {
    db.webhooks
        .get_mut(wsid)
        .filter(|w| w.service_sid == sid)
        .ok_or_else(|| not_found(format!("/Services/{sid}/Webhooks/{wsid}")))
}

pub(crate) async fn create_webhook(
    State(app): State<App>,
    Path(sid): Path<String>,
    req: Req,
) -> ApiResult {
    for field in ["FriendlyName", "EventTypes", "WebhookUrl"] {
        req.required(field)?;
    }
    let ctx = ctx(&app, &req);
    app.write(|db, now| {
        service(db, &sid)?;
        let mut w = Webhook {
            seq: db.seq(),
            sid: new_sid("YW"),
            service_sid: sid.clone(),
            friendly_name: String::new(),
            event_types: Vec::new(),
            status: "enabled".into(),
            version: "v2".into(),
            webhook_url: String::new(),
            created: now,
            updated: now,
        };
        apply_webhook(&mut w, &req)?;
        let body = w.wire(&ctx);
        db.webhooks.insert(w.sid.clone(), w);
        Ok(created(body))
    })
    .await
}

pub(crate) async fn list_webhooks(
    State(app): State<App>,
    Path(sid): Path<String>,
    req: Req,
) -> ApiResult {
    list_under_service(&app, &req, &sid, ("Webhooks", "webhooks"), |db| {
        &db.webhooks
    })
}

pub(crate) async fn fetch_webhook(
    State(app): State<App>,
    Path((sid, wsid)): Path<(String, String)>,
    req: Req,
) -> ApiResult {
    let ctx = ctx(&app, &req);
    app.read(|db, _| {
        let w = db
            .webhooks
            .get(&wsid)
            .filter(|w| w.service_sid == sid)
            .ok_or_else(|| not_found(format!("/Services/{sid}/Webhooks/{wsid}")))?;
        Ok(ok(w.wire(&ctx)))
    })
}

pub(crate) async fn update_webhook(
    State(app): State<App>,
    Path((sid, wsid)): Path<(String, String)>,
    req: Req,
) -> ApiResult {
    let ctx = ctx(&app, &req);
    app.write(|db, now| {
        let w = webhook(db, &sid, &wsid)?;
        let mut changed = w.clone();
        apply_webhook(&mut changed, &req)?;
        changed.updated = now;
        *w = changed;
        Ok(ok(w.wire(&ctx)))
    })
    .await
}

pub(crate) async fn delete_webhook(
    State(app): State<App>,
    Path((sid, wsid)): Path<(String, String)>,
) -> ApiResult {
    app.write(|db, _| {
        webhook(db, &sid, &wsid)?;
        db.webhooks.remove(&wsid);
        Ok(deleted())
    })
    .await
}

pub(crate) async fn create_safe_list(State(app): State<App>, req: Req) -> ApiResult {
    let raw = req.required("PhoneNumber")?;
    let number = phone::analyse(raw, None).map_err(|why| {
        ApiError::invalid_because(
            "PhoneNumber",
            &format!("{raw} is not a valid E.164 number ({why})"),
        )
    })?;
    let ctx = ctx(&app, &req);
    app.write(|db, _| {
        let entry = db
            .safe_list
            .entry(number.e164.clone())
            .or_insert_with(|| SafeListEntry {
                sid: new_sid("GN"),
                phone_number: number.e164.clone(),
            });
        Ok(created(entry.wire(&ctx)))
    })
    .await
}

fn safe_list_missing(number: &str) -> ApiError {
    not_found(format!("/SafeList/Numbers/{number}"))
}

pub(crate) async fn fetch_safe_list(
    State(app): State<App>,
    Path(number): Path<String>,
    req: Req,
) -> ApiResult {
    let number = decode_path(&number);
    let ctx = ctx(&app, &req);
    app.read(|db, _| {
        Ok(ok(db
            .safe_list
            .get(&number)
            .ok_or_else(|| safe_list_missing(&number))?
            .wire(&ctx)))
    })
}

pub(crate) async fn delete_safe_list(
    State(app): State<App>,
    Path(number): Path<String>,
) -> ApiResult {
    let number = decode_path(&number);
    app.write(|db, _| {
        db.safe_list
            .remove(&number)
            .ok_or_else(|| safe_list_missing(&number))?;
        Ok(deleted())
    })
    .await
}

/// Verify's built-in templates as the Sandbox offers them (fixed SIDs so tests can use them).
fn templates() -> Vec<Value> {
    let translation = |text: &str| {
        json!({ "en": { "is_default_translation": true, "status": "approved", "locale": "en", "text": text,
            "date_created": "2024-01-01T00:00:00Z", "date_updated": "2024-01-01T00:00:00Z" } })
    };
    vec![
        json!({ "sid": "HJ00000000000000000000000000000001", "friendly_name": "Sandbox default",
            "channels": ["sms", "voice"], "translations": translation("Your {{friendly_name}} verification code is: {{code}}") }),
        json!({ "sid": "HJ00000000000000000000000000000002", "friendly_name": "Sandbox do-not-share",
            "channels": ["sms"], "translations": translation("Your {{friendly_name}} verification code is: {{code}}. Don't share this code with anyone; our employees will never ask for the code.") }),
    ]
}

pub(crate) async fn list_templates(State(app): State<App>, req: Req) -> ApiResult {
    let account = app.credentials().account_sid().to_owned();
    let wanted = req.get("FriendlyName").map(str::to_ascii_lowercase);
    let items = templates()
        .into_iter()
        .filter(|t| {
            wanted.as_deref().is_none_or(|w| {
                t["friendly_name"]
                    .as_str()
                    .is_some_and(|n| n.to_ascii_lowercase().contains(w))
            })
        })
        .map(|mut t| {
            t["account_sid"] = json!(account);
            t
        })
        .collect();
    page(&req, "/v2/Templates", "templates", items)
}

pub(crate) async fn fetch_form(Path(form_type): Path<String>, req: Req) -> ApiResult {
    if form_type != "form-push" {
        return Err(not_found(format!("/Forms/{form_type}")));
    }
    let field =
        |title: &str| json!({ "type": "object", "title": title, "properties": {}, "required": [] });
    Ok(ok(json!({
        "form_type": "form-push",
        "forms": {
            "create_factor": field("Create Factor Form"),
            "verify_factor": field("Verify Factor Form"),
            "create_challenge": field("Create Challenge Form"),
        },
        "form_meta": {},
        "url": format!("{}/v2/Forms/form-push", req.base),
    })))
}
