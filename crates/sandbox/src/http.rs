//! The HTTP surface: routes, Basic auth, fault injection, paging and response helpers.

use axum::Router;
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde::Serialize;

use crate::conduct::{self, ConductExample};
use crate::error::ApiError;
use crate::model::{Ctx, Fault, ServiceRecord};
use crate::params::Req;
use crate::store::App;
use crate::{admin, factors, lookup, resources, verify};

pub(crate) type ApiResult = Result<Response, ApiError>;

pub(crate) fn ok(body: impl Serialize) -> Response {
    json_response(StatusCode::OK, &body)
}

pub(crate) fn created(body: impl Serialize) -> Response {
    json_response(StatusCode::CREATED, &body)
}

/// A JSON response, written into a buffer sized for a typical resource in one go
/// (axum's `Json` starts at 128 bytes and grows it several times per response).
pub(crate) fn json_response(status: StatusCode, body: &impl Serialize) -> Response {
    let mut bytes = Vec::with_capacity(1024);
    if let Err(e) = serde_json::to_writer(&mut bytes, body) {
        // Only a map with non-string keys fails, and the Sandbox renders none.
        return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response();
    }
    (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response()
}

pub(crate) fn deleted() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// The renderer context for this request.
pub(crate) fn ctx<'a>(app: &'a App, req: &'a Req) -> Ctx<'a> {
    Ctx {
        base: &req.base,
        account: app.credentials().account_sid(),
    }
}

/// Records in creation order, rendered: what every list starts from.
pub(crate) fn sorted<'a, T: 'a, W>(
    records: impl Iterator<Item = &'a T>,
    seq: impl Fn(&T) -> u64,
    render: impl Fn(&T) -> W,
) -> Vec<W> {
    let mut all: Vec<&T> = records.collect();
    all.sort_by_key(|r| seq(r));
    all.into_iter().map(render).collect()
}

/// A list of one kind of record under a service: 20404 for an unknown service, else
/// the page of the service's records in `table` at `/v2/Services/{sid}/{segment}`.
pub(crate) fn list_under_service<T: ServiceRecord>(
    app: &App,
    req: &Req,
    sid: &str,
    (segment, key): (&str, &str),
    table: impl FnOnce(&crate::store::State) -> &crate::store::Table<T>,
) -> ApiResult {
    let ctx = ctx(app, req);
    let items = app.read(|db, _| {
        crate::verify::service(db, sid)?;
        let records = table(db).values().filter(|r| r.service_sid() == sid);
        Ok::<_, ApiError>(sorted(records, T::seq, |r| r.render(&ctx)))
    })?;
    page(req, &format!("/v2/Services/{sid}/{segment}"), key, items)
}

/// One page of a list, with Twilio's `meta`. `PageToken` (as put in our own next/previous
/// links) wins over `Page`, as with Twilio.
pub(crate) fn page<T: Serialize>(req: &Req, path: &str, key: &str, items: Vec<T>) -> ApiResult {
    let page_size = req.int("PageSize", 1, 1000)?.unwrap_or(50) as usize;
    let page = req.int("Page", 0, i64::from(u32::MAX))?.unwrap_or(0) as usize;
    let offset = match req.get("PageToken") {
        Some(token) => token
            .strip_prefix("PT")
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or_else(|| {
                ApiError::invalid_because(
                    "PageToken",
                    "use the token from a next_page_url or previous_page_url",
                )
            })?,
        None => page * page_size,
    };
    let filters: Vec<(String, String)> = req
        .query
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "PageSize" | "Page" | "PageToken"))
        .cloned()
        .collect();
    let link = |page: usize, token: Option<usize>| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &filters {
            query.append_pair(k, v);
        }
        query.append_pair("PageSize", &page_size.to_string());
        query.append_pair("Page", &page.to_string());
        if let Some(t) = token {
            query.append_pair("PageToken", &format!("PT{t}"));
        }
        format!("{}{path}?{}", req.base, query.finish())
    };
    let total = items.len();
    let records: Vec<T> = items.into_iter().skip(offset).take(page_size).collect();
    let next = (offset + page_size < total).then(|| link(page + 1, Some(offset + page_size)));
    let previous = (page > 0).then(|| link(page - 1, Some(offset.saturating_sub(page_size))));
    let current = link(page, req.get("PageToken").map(|_| offset));
    let page = twofold_twilio::Page {
        items: records,
        meta: twofold_twilio::Meta {
            page: u32::try_from(page).unwrap_or(u32::MAX),
            page_size: u32::try_from(page_size).unwrap_or(u32::MAX),
            first_page_url: link(0, None),
            previous_page_url: previous,
            url: current,
            next_page_url: next,
            key: key.to_owned(),
        },
    };
    Ok(ok(page))
}

/// Every route of Verify v2, Lookups v2 and the admin API.
pub(crate) fn router(app: App) -> Router {
    let factors_api = Router::new()
        .route(
            "/v2/Services/{sid}/Entities",
            post(factors::create_entity).get(factors::list_entities),
        )
        .route(
            "/v2/Services/{sid}/Entities/{identity}",
            get(factors::fetch_entity).delete(factors::delete_entity),
        )
        .route(
            "/v2/Services/{sid}/Entities/{identity}/Factors",
            post(factors::create_factor).get(factors::list_factors),
        )
        .route(
            "/v2/Services/{sid}/Entities/{identity}/Factors/{fsid}",
            get(factors::fetch_factor)
                .post(factors::update_factor)
                .delete(factors::delete_factor),
        )
        .route(
            "/v2/Services/{sid}/Entities/{identity}/Challenges",
            post(factors::create_challenge).get(factors::list_challenges),
        )
        .route(
            "/v2/Services/{sid}/Entities/{identity}/Challenges/{csid}",
            get(factors::fetch_challenge).post(factors::update_challenge),
        )
        .route(
            "/v2/Services/{sid}/AccessTokens/{tsid}",
            get(factors::totp_only),
        );
    let factors_api = PUSH_AND_PASSKEY_POSTS
        .into_iter()
        .fold(factors_api, |api, path| {
            api.route(path, post(factors::totp_only))
        })
        .route_layer(middleware::map_response(invalid_request_on_factors_api));
    let api = Router::new()
        .merge(factors_api)
        .route(
            "/v2/Services",
            post(verify::create_service).get(verify::list_services),
        )
        .route(
            "/v2/Services/{sid}",
            get(verify::fetch_service)
                .post(verify::update_service)
                .delete(verify::delete_service),
        )
        .route(
            "/v2/Services/{sid}/Verifications",
            post(verify::create_verification),
        )
        .route(
            "/v2/Services/{sid}/Verifications/{vsid}",
            get(verify::fetch_verification).post(verify::update_verification),
        )
        .route(
            "/v2/Services/{sid}/VerificationCheck",
            post(verify::check_verification),
        )
        .route("/v2/Attempts", get(verify::list_attempts))
        .route("/v2/Attempts/Summary", get(verify::attempts_summary))
        .route("/v2/Attempts/{asid}", get(verify::fetch_attempt))
        .route(
            "/v2/Services/{sid}/RateLimits",
            post(resources::create_rate_limit).get(resources::list_rate_limits),
        )
        .route(
            "/v2/Services/{sid}/RateLimits/{rsid}",
            get(resources::fetch_rate_limit)
                .post(resources::update_rate_limit)
                .delete(resources::delete_rate_limit),
        )
        .route(
            "/v2/Services/{sid}/RateLimits/{rsid}/Buckets",
            post(resources::create_bucket).get(resources::list_buckets),
        )
        .route(
            "/v2/Services/{sid}/RateLimits/{rsid}/Buckets/{bsid}",
            get(resources::fetch_bucket)
                .post(resources::update_bucket)
                .delete(resources::delete_bucket),
        )
        .route(
            "/v2/Services/{sid}/MessagingConfigurations",
            post(resources::create_messaging_configuration)
                .get(resources::list_messaging_configurations),
        )
        .route(
            "/v2/Services/{sid}/MessagingConfigurations/{country}",
            get(resources::fetch_messaging_configuration)
                .post(resources::update_messaging_configuration)
                .delete(resources::delete_messaging_configuration),
        )
        .route(
            "/v2/Services/{sid}/Webhooks",
            post(resources::create_webhook).get(resources::list_webhooks),
        )
        .route(
            "/v2/Services/{sid}/Webhooks/{wsid}",
            get(resources::fetch_webhook)
                .post(resources::update_webhook)
                .delete(resources::delete_webhook),
        )
        .route("/v2/SafeList/Numbers", post(resources::create_safe_list))
        .route(
            "/v2/SafeList/Numbers/{number}",
            get(resources::fetch_safe_list).delete(resources::delete_safe_list),
        )
        .route("/v2/Templates", get(resources::list_templates))
        .route("/v2/Forms/{form_type}", get(resources::fetch_form))
        .route("/v2/PhoneNumbers/{number}", get(lookup::fetch_phone_number))
        .route("/v2/batch/query", post(lookup::not_emulated))
        .route("/v2/RateLimits", get(lookup::not_emulated))
        .route(
            "/v2/RateLimits/Fields/{field}/Bucket/{bucket}",
            get(lookup::not_emulated)
                .put(lookup::not_emulated)
                .delete(lookup::not_emulated),
        )
        .route(
            "/v2/PhoneNumbers/{number}/Overrides/{field}",
            get(lookup::not_emulated)
                .post(lookup::not_emulated)
                .put(lookup::not_emulated)
                .delete(lookup::not_emulated),
        )
        .route(
            "/sandbox/outbox",
            get(admin::outbox).delete(admin::clear_outbox),
        )
        .route(
            "/sandbox/clock",
            get(admin::clock)
                .post(admin::advance_clock)
                .delete(admin::reset_clock),
        )
        .route(
            "/sandbox/faults",
            get(admin::faults)
                .post(admin::add_fault)
                .delete(admin::clear_faults),
        )
        .route(
            "/sandbox/test-numbers",
            get(admin::test_numbers).post(admin::add_test_number),
        )
        .route(
            "/sandbox/test-numbers/{to}",
            delete(admin::remove_test_number),
        )
        .route(
            "/sandbox/snapshot",
            get(admin::snapshot).put(admin::restore_snapshot),
        )
        .route("/sandbox/reset", post(admin::reset))
        .route(
            "/sandbox/report",
            get(admin::conduct_report).delete(admin::clear_conduct_report),
        )
        .route("/sandbox/services/{sid}", post(admin::configure_service))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(app.clone(), guard));
    Router::new()
        .route("/sandbox/health", get(admin::health))
        .route("/sandbox/sna/{vsid}", get(verify::complete_sna))
        .merge(api)
        .with_state(app)
}

/// The operations of push and passkey factors that create something: the
/// Sandbox emulates TOTP factors only, and answers these 60204.
const PUSH_AND_PASSKEY_POSTS: [&str; 6] = [
    "/v2/Services/{sid}/Entities/{identity}/Challenges/{csid}/Notifications",
    "/v2/Services/{sid}/AccessTokens",
    "/v2/Services/{sid}/Passkeys/Factors",
    "/v2/Services/{sid}/Passkeys/VerifyFactor",
    "/v2/Services/{sid}/Passkeys/Challenges",
    "/v2/Services/{sid}/Passkeys/ApproveChallenge",
];

/// The Entities, Factors and Challenges APIs call a bad parameter 60306,
/// "Invalid Request" (twilio.com/docs/api/errors/60306), where the rest of
/// Verify says 60200.
async fn invalid_request_on_factors_api(response: Response) -> Response {
    match response.extensions().get::<ApiError>() {
        Some(error) if error.code == 60200 => ApiError {
            code: 60306,
            ..error.clone()
        }
        .into_response(),
        _ => response,
    }
}

async fn not_found(req: Request) -> ApiError {
    ApiError::not_found(req.uri().path())
}

/// A method the resource does not support: Twilio's JSON error 20004, not
/// axum's empty 405.
async fn method_not_allowed(req: Request) -> ApiError {
    ApiError::new(
        405,
        20004,
        format!(
            "Method {} not allowed on {}",
            req.method(),
            req.uri().path()
        ),
    )
}

/// Basic auth, then the fault rules, then the conduct report's look at the answer:
/// one layer in front of every API route.
async fn guard(State(app): State<App>, req: Request, next: Next) -> Response {
    let header = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok());
    if let Err(e) = app.credentials().check(header) {
        let mut response = e.into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Basic realm=\"Twilio API\""),
        );
        return response;
    }
    if req.uri().path().starts_with("/sandbox/") {
        return next.run(req).await;
    }
    let arrived_ms = app.base_clock().now_millis();
    // The body is read here once (the handler's `Req` then reads it from memory):
    // fault rules match on its `To`, and so does the identity a `Retry-After` is
    // kept under, which is only known to be needed once the answer is there.
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return ApiError::new(413, 20001, "The request body is too large").into_response();
    };
    let request = Seen {
        method: parts.method.clone(),
        uri: parts.uri.clone(),
        template: parts.extensions.get::<MatchedPath>().cloned(),
        body: bytes.clone(),
        arrived_ms,
    };
    let watched = app.retries_watched();
    let response = if app.faults_set() {
        apply_faults(&app, parts, &request, bytes, next).await
    } else {
        next.run(Request::from_parts(parts, Body::from(bytes)))
            .await
    };
    let status = response.status().as_u16();
    let retry_after = matches!(status, 429 | 503)
        .then(|| response.headers().get(header::RETRY_AFTER))
        .flatten()
        .and_then(|h| h.to_str().ok()?.trim().parse::<u64>().ok());
    if watched || retry_after.is_some() {
        note_answer(&app, &request, (status, retry_after)).await;
    }
    response
}

/// The largest request body read; a larger one answers 413, as `Req` does.
const MAX_BODY: usize = 2 << 20;

/// A request as the guard keeps it for the conduct report.
struct Seen {
    method: Method,
    uri: axum::http::Uri,
    template: Option<MatchedPath>,
    body: axum::body::Bytes,
    arrived_ms: i64,
}

impl Seen {
    /// Its `To` (form field or query), `PhoneNumber`, or the Lookups number in its
    /// path; and whether it came from the path.
    fn to(&self) -> Option<(String, bool)> {
        let field = |pairs: &[u8]| {
            url::form_urlencoded::parse(pairs)
                .find(|(k, _)| k == "To" || k == "PhoneNumber")
                .map(|(_, v)| v.into_owned())
        };
        field(&self.body)
            .or_else(|| field(self.uri.query().unwrap_or_default().as_bytes()))
            .map(|to| (to, false))
            .or_else(|| {
                let number = self.uri.path().strip_prefix("/v2/PhoneNumbers/")?;
                Some((decode_path(number.split('/').next()?), true))
            })
    }
}

/// Notes the answer to `request` for the conduct report: a retry before an
/// earlier answer's `Retry-After` passed counts, and an answer with one is kept.
async fn note_answer(app: &App, request: &Seen, answer: (u16, Option<u64>)) {
    let template = request
        .template
        .as_ref()
        .map_or(request.uri.path(), MatchedPath::as_str);
    let to = request.to();
    let identity = [
        app.credentials().account_sid(),
        request.method.as_str(),
        template,
        to.as_ref().map_or("", |(to, _)| to.as_str()),
    ]
    .join("\n");
    app.write(|db, now| {
        let offset_ms = db.clock_offset.saturating_mul(1000);
        let answered_ms = app.base_clock().now_millis().saturating_add(offset_ms);
        let example = || {
            let masked = to.as_ref().map(|(to, _)| conduct::mask(to));
            let path = match (&to, &masked) {
                (Some((_, true)), Some(masked)) => format!("/v2/PhoneNumbers/{masked}"),
                _ => request.uri.path().to_owned(),
            };
            let example = ConductExample::new(request.method.as_str(), &path, now);
            match masked {
                Some(masked) => example.with("To", masked),
                None => example,
            }
        };
        db.conduct.note_answer(
            identity,
            request.arrived_ms.saturating_add(offset_ms),
            answered_ms,
            answer,
            example,
        );
    })
    .await;
}

/// Applies the first matching fault rule that fires (by its probability): waits
/// `LatencyMs`, then answers with the rule's error or lets the request through.
async fn apply_faults(
    app: &App,
    parts: axum::http::request::Parts,
    request: &Seen,
    bytes: axum::body::Bytes,
    next: Next,
) -> Response {
    let path = parts.uri.path().to_owned();
    let to = request.to().map(|(to, _)| to);
    let method = parts.method.clone();
    let fault = app
        .write(|state, _| {
            let matching = state.faults.iter_mut().filter(|f| {
                f.remaining != Some(0)
                    && f.method
                        .as_deref()
                        .is_none_or(|m| Method::from_bytes(m.as_bytes()).is_ok_and(|m| m == method))
                    && f.path_prefix.as_deref().is_none_or(|p| path.starts_with(p))
                    && f.to_prefix
                        .as_deref()
                        .is_none_or(|p| to.as_deref().is_some_and(|t| t.starts_with(p)))
            });
            let mut applied: Option<Fault> = None;
            for f in matching {
                // Every matching rule draws, even behind one that fires, so which
                // requests a rule picks depends on its seed and the requests it
                // matches only, not on the rules before it.
                if f.draw() && applied.is_none() {
                    if let Some(n) = f.remaining.as_mut() {
                        *n -= 1;
                    }
                    applied = Some(f.clone());
                }
            }
            applied
        })
        .await;
    let req = Request::from_parts(parts, Body::from(bytes));
    let Some(fault) = fault else {
        return next.run(req).await;
    };
    if fault.latency_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(fault.latency_ms)).await;
    }
    match fault.status {
        Some(status) => {
            let code = fault.code.unwrap_or(u32::from(status));
            let message = fault
                .message
                .unwrap_or_else(|| format!("Sandbox fault {}", fault.sid));
            let mut error = ApiError::new(status, code, message);
            error.retry_after = fault.retry_after;
            error.back_off().into_response()
        }
        None => next.run(req).await,
    }
}

/// Percent-decodes a path segment; a raw `+` stays a `+` (the SDKs send it unescaped).
pub(crate) fn decode_path(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8_lossy()
        .into_owned()
}
