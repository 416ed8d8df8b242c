//! Services, Verifications, VerificationCheck and Verification Attempts, with Twilio's
//! rules: code length and 10-minute validity from the service, the same code on
//! resend, 5 sends (60203 on the sixth), 5 checks (60202 on the sixth), and a
//! verification that is gone (20404) once approved, canceled, expired or exhausted.

use std::borrow::Cow;

use axum::extract::{Path, State};
use serde_json::json;
use twofold_twilio::{Channel, VerificationAttemptsSummary, VerificationStatus};

use crate::clock::parse_time;
use crate::error::{ApiError, LANDLINE, MAX_SENDS_REACHED, send_error};
use crate::http::{ApiResult, created, ctx, deleted, ok, page, sorted};
use crate::model::{Attempt, Ctx, SendAttempt, Service, Verification, parsed};
use crate::outbox::Message;
use crate::params::Req;
use crate::phone::{self, Number};
use crate::resources;
use crate::sid::{Sid, new_sid};
use crate::store::{App, State as Db};
use crate::test_numbers::TestAnswer;

/// How long a code stays valid.
pub(crate) const VALIDITY_SECS: i64 = 600;
/// Sends allowed per verification; the next one is 60203.
pub(crate) const MAX_SENDS: usize = 5;
/// Checks allowed per verification; the next one is 60202.
pub(crate) const MAX_CHECKS: u32 = 5;

const CHANNELS: &[&str] = &["sms", "call", "email", "whatsapp", "rcs", "sna", "auto"];

pub(crate) fn service<'a>(db: &'a Db, sid: &str) -> Result<&'a Service, ApiError> {
    db.services
        .get(sid)
        .ok_or_else(|| ApiError::not_found(&format!("/Services/{sid}")))
}

/// Applies the create/update form fields of a Service, validating each.
fn apply_service(s: &mut Service, req: &Req) -> Result<(), ApiError> {
    if let Some(v) = req.text("FriendlyName") {
        if v.len() > 32 {
            return Err(ApiError::invalid_because(
                "FriendlyName",
                "must be at most 32 characters",
            ));
        }
        s.friendly_name = v;
    }
    if let Some(v) = req.int("CodeLength", 4, 10)? {
        s.code_length = v;
    }
    let flags: [(&str, &mut bool); 9] = [
        ("LookupEnabled", &mut s.lookup_enabled),
        ("SkipSmsToLandlines", &mut s.skip_sms_to_landlines),
        ("DtmfInputRequired", &mut s.dtmf_input_required),
        ("Psd2Enabled", &mut s.psd2_enabled),
        (
            "DoNotShareWarningEnabled",
            &mut s.do_not_share_warning_enabled,
        ),
        ("CustomCodeEnabled", &mut s.custom_code_enabled),
        ("Push.IncludeDate", &mut s.push_include_date),
        (
            "VerifyEventSubscriptionEnabled",
            &mut s.verify_event_subscription_enabled,
        ),
        ("Passkeys.DiscoverableCredentials.Enabled", &mut false),
    ];
    for (name, slot) in flags {
        if let Some(v) = req.bool(name)? {
            *slot = v;
        }
    }
    let texts: [(&str, &mut Option<String>); 11] = [
        ("TtsName", &mut s.tts_name),
        ("Push.ApnCredentialSid", &mut s.push_apn_credential_sid),
        ("Push.FcmCredentialSid", &mut s.push_fcm_credential_sid),
        ("Totp.Issuer", &mut s.totp_issuer),
        ("DefaultTemplateSid", &mut s.default_template_sid),
        ("Whatsapp.MsgServiceSid", &mut s.whatsapp_msg_service_sid),
        ("Whatsapp.From", &mut s.whatsapp_from),
        ("Passkeys.RelyingParty.Id", &mut s.passkeys_rp_id),
        ("Passkeys.RelyingParty.Name", &mut s.passkeys_rp_name),
        (
            "Passkeys.AuthenticatorAttachment",
            &mut s.passkeys_authenticator_attachment,
        ),
        (
            "Passkeys.UserVerification",
            &mut s.passkeys_user_verification,
        ),
    ];
    for (name, prefix) in [
        ("Push.ApnCredentialSid", "CR"),
        ("Push.FcmCredentialSid", "CR"),
        ("DefaultTemplateSid", "HJ"),
        ("Whatsapp.MsgServiceSid", "MG"),
    ] {
        req.sid(name, prefix)?;
    }
    for (name, slot) in texts {
        if let Some(v) = req.text(name) {
            *slot = Some(v);
        }
    }
    if let Some(v) = req.text("Passkeys.DiscoverableCredentials") {
        s.passkeys_discoverable_credentials = Some(v);
    }
    let origins = req.all("Passkeys.RelyingParty.Origins");
    if !origins.is_empty() {
        // The spec's "split by `,`": one value may hold several origins.
        s.passkeys_rp_origins = origins
            .into_iter()
            .flat_map(|o| o.split(','))
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(str::to_owned)
            .collect();
    }
    if let Some(v) = req.int("Totp.TimeStep", 20, 60)? {
        s.totp_time_step = Some(v);
    }
    if let Some(v) = req.int("Totp.CodeLength", 3, 8)? {
        s.totp_code_length = Some(v);
    }
    if let Some(v) = req.int("Totp.Skew", 0, 2)? {
        s.totp_skew = Some(v);
    }
    if s.skip_sms_to_landlines && !s.lookup_enabled {
        return Err(ApiError::invalid_because(
            "SkipSmsToLandlines",
            "needs LookupEnabled=true",
        ));
    }
    Ok(())
}

pub(crate) async fn create_service(State(app): State<App>, req: Req) -> ApiResult {
    req.required("FriendlyName")?;
    let ctx = ctx(&app, &req);
    app.write(|db, now| {
        let s = new_service(db, now, new_sid("VA"), &req)?;
        let body = s.wire(&ctx);
        db.services.insert(s.sid.clone(), s);
        Ok(created(body))
    })
    .await
}

/// A service from a seed file: the form of `POST /v2/Services`, with an
/// optional fixed `Sid` so QA setups can name it in their configuration.
pub(crate) async fn seed_service(app: &App, req: &Req) -> Result<(), ApiError> {
    req.required("FriendlyName")?;
    let sid = req
        .sid("Sid", "VA")?
        .map_or_else(|| new_sid("VA"), str::to_owned);
    app.write(|db, now| {
        let s = new_service(db, now, sid, req)?;
        db.services.insert(s.sid.clone(), s);
        Ok(())
    })
    .await
}

/// A new service with Twilio's defaults and the parameters of `req`.
fn new_service(db: &mut Db, now: i64, sid: String, req: &Req) -> Result<Service, ApiError> {
    let mut s = Service {
        seq: db.seq(),
        sid,
        friendly_name: String::new(),
        code_length: 6,
        lookup_enabled: false,
        psd2_enabled: false,
        skip_sms_to_landlines: false,
        dtmf_input_required: true,
        tts_name: None,
        do_not_share_warning_enabled: false,
        custom_code_enabled: false,
        push_include_date: false,
        push_apn_credential_sid: None,
        push_fcm_credential_sid: None,
        totp_issuer: None,
        totp_time_step: None,
        totp_code_length: None,
        totp_skew: None,
        default_template_sid: None,
        whatsapp_msg_service_sid: None,
        whatsapp_from: None,
        passkeys_rp_id: None,
        passkeys_rp_name: None,
        passkeys_rp_origins: Vec::new(),
        passkeys_authenticator_attachment: None,
        passkeys_discoverable_credentials: None,
        passkeys_user_verification: None,
        verify_event_subscription_enabled: false,
        email_integration: false,
        disabled_channels: Vec::new(),
        created: now,
        updated: now,
    };
    apply_service(&mut s, req)?;
    Ok(s)
}

pub(crate) async fn list_services(State(app): State<App>, req: Req) -> ApiResult {
    let ctx = ctx(&app, &req);
    let items = app.read(|db, _| sorted(db.services.values(), |r| r.seq, |r| r.wire(&ctx)));
    page(&req, "/v2/Services", "services", items)
}

pub(crate) async fn fetch_service(
    State(app): State<App>,
    Path(sid): Path<String>,
    req: Req,
) -> ApiResult {
    let ctx = ctx(&app, &req);
    app.read(|db, _| Ok(ok(service(db, &sid)?.wire(&ctx))))
}

pub(crate) async fn update_service(
    State(app): State<App>,
    Path(sid): Path<String>,
    req: Req,
) -> ApiResult {
    let ctx = ctx(&app, &req);
    app.write(|db, now| {
        let s = db
            .services
            .get_mut(&sid)
            .ok_or_else(|| ApiError::not_found(&format!("/Services/{sid}")))?;
        let mut changed = s.clone();
        apply_service(&mut changed, &req)?;
        changed.updated = now;
        *s = changed;
        Ok(ok(s.wire(&ctx)))
    })
    .await
}

pub(crate) async fn delete_service(State(app): State<App>, Path(sid): Path<String>) -> ApiResult {
    app.write(|db, _| {
        db.services
            .remove(&sid)
            .ok_or_else(|| ApiError::not_found(&format!("/Services/{sid}")))?;
        // Its verifications stay until the retention drops them, as their
        // attempts stay in Twilio's logs, but none is pending any more.
        let pending: Vec<Sid> = (db.verifications.values())
            .filter(|v| v.service_sid == sid.as_str() && v.status == VerificationStatus::Pending)
            .map(|v| v.sid)
            .collect();
        for vsid in pending {
            db.forget_pending(&vsid);
            if let Some(v) = db.verifications.get_mut(&vsid) {
                v.status = VerificationStatus::Expired;
            }
        }
        db.entities.retain(|_, e| e.service_sid != sid);
        db.factors.retain(|_, f| f.service_sid != sid);
        db.challenges.retain(|_, c| c.service_sid != sid);
        db.rate_limits.retain(|_, r| r.service_sid != sid);
        db.buckets.retain(|_, b| b.service_sid != sid);
        db.messaging_configurations
            .retain(|_, m| m.service_sid != sid);
        db.webhooks.retain(|_, w| w.service_sid != sid);
        Ok(deleted())
    })
    .await
}

/// The message a real Verify would deliver, worded as Twilio's default templates.
fn message_text(channel: &str, locale: &str, name: &str, code: &str, do_not_share: bool) -> String {
    let lang = locale.split(['-', '_']).next().unwrap_or("en");
    let mut text = match (channel, lang) {
        ("whatsapp", _) => format!(
            "*{code}* is your verification code. For your security, do not share this code."
        ),
        ("call", _) => {
            let spoken: Vec<String> = code.chars().map(String::from).collect();
            format!("Your {name} verification code is {}.", spoken.join(" "))
        }
        (_, "es") => format!("Tu código de verificación de {name} es: {code}"),
        (_, "fr") => format!("Votre code de vérification {name} est : {code}"),
        (_, "de") => format!("Ihr {name} Verifizierungscode lautet: {code}"),
        (_, "pt") => format!("O seu código de verificação do {name} é: {code}"),
        _ => format!("Your {name} verification code is: {code}"),
    };
    if do_not_share && channel != "whatsapp" {
        text.push_str(
            ". Don't share this code with anyone; our employees will never ask for the code.",
        );
    }
    text
}

fn random_code(len: i64) -> String {
    (0..len)
        .map(|_| char::from(b'0' + rand::random_range(0..10u8)))
        .collect()
}

/// Whether `to` looks like an email address: a user, an `@`, a dotted domain.
pub(crate) fn is_email(to: &str) -> bool {
    let (user, domain) = to.split_once('@').unwrap_or_default();
    !user.is_empty() && domain.contains('.')
}

/// `To` as a valid phone number, else 60200 naming it.
pub(crate) fn phone_number(to: &str) -> Result<Number, ApiError> {
    phone::analyse(to, None).map_err(|why| {
        ApiError::invalid_because(
            "To",
            &format!("{to} is not a valid E.164 phone number ({why})"),
        )
    })
}

/// What `To` and `Channel` turn into once validated (done before taking the lock).
struct Target {
    to: String,
    channel: String,
    number: Option<Number>,
}

fn target(req: &Req) -> Result<Target, ApiError> {
    let to = req
        .get("To")
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::invalid("To"))?;
    let channel = req
        .get("Channel")
        .filter(|c| !c.is_empty())
        .ok_or_else(|| ApiError::invalid("Channel"))?;
    if !CHANNELS.contains(&channel) {
        return Err(ApiError::invalid_because(
            "Channel",
            &format!("must be one of {}", CHANNELS.join(", ")),
        ));
    }
    if channel == "email" {
        if !is_email(to) {
            return Err(ApiError::invalid_because(
                "To",
                "must be an email address for the email channel",
            ));
        }
        return Ok(Target {
            to: to.to_owned(),
            channel: channel.to_owned(),
            number: None,
        });
    }
    let number = phone_number(to)?;
    Ok(Target {
        to: number.e164.clone(),
        channel: channel.to_owned(),
        number: Some(number),
    })
}

/// Finds the pending verification for `(service, to)` or by SID, expiring it if due.
fn pending_mut<'a>(
    db: &'a mut Db,
    now: i64,
    service_sid: &str,
    sid_or_to: &str,
) -> Option<&'a mut Verification> {
    // A phone number or an email cannot be a SID: no lookup in the (large) table.
    let by_sid = (crate::sid::is_sid(sid_or_to, "VE"))
        .then(|| db.verifications.get(sid_or_to))
        .flatten()
        .filter(|v| v.service_sid == service_sid);
    let sid = match by_sid {
        Some(v) => v.sid,
        None => db.pending_for(service_sid, sid_or_to)?,
    };
    let v = db.verifications.get(sid.as_str())?;
    if v.status != VerificationStatus::Pending {
        return None;
    }
    if now >= v.created + VALIDITY_SECS {
        db.forget_pending(&sid);
        let v = db.verifications.get_mut(&sid)?;
        v.status = VerificationStatus::Expired;
        return None;
    }
    db.verifications.get_mut(&sid).map(|v| &mut **v)
}

/// Ends a verification's life: later fetches and checks answer 20404.
fn finish(db: &mut Db, sid: &str, status: VerificationStatus, now: i64) {
    db.forget_pending(sid);
    if let Some(v) = db.verifications.get_mut(sid) {
        v.status = status;
        v.updated = now;
    }
}

pub(crate) async fn create_verification(
    State(app): State<App>,
    Path(sid): Path<String>,
    req: Req,
) -> ApiResult {
    let target = target(&req)?;
    check_metadata(&req)?;
    req.sid("TemplateSid", "HJ")?;
    let ctx = ctx(&app, &req);
    let sent = app
        .write(|db, now| send(db, now, &sid, &req, target, &ctx))
        .await?;
    Ok(created(sent))
}

/// `DeviceIp` and `Tags`, kept by Twilio with the send and checked as the spec
/// says: "a valid IPv4 or IPv6 address"; "up to 10 tags", keys and values "up to
/// 128 characters".
fn check_metadata(req: &Req) -> Result<(), ApiError> {
    if let Some(ip) = req.get("DeviceIp")
        && ip.parse::<std::net::IpAddr>().is_err()
    {
        return Err(ApiError::invalid_because(
            "DeviceIp",
            "must be an IPv4 or IPv6 address",
        ));
    }
    if let Some(tags) = req.json_object("Tags")? {
        let too_long = |s: &str| s.chars().count() > 128;
        if tags.len() > 10 {
            return Err(ApiError::invalid_because("Tags", "holds at most 10 tags"));
        }
        let value_too_long = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => too_long(s),
            other => too_long(&other.to_string()),
        };
        if tags.iter().any(|(k, v)| too_long(k) || value_too_long(v)) {
            return Err(ApiError::invalid_because(
                "Tags",
                "keys and values are at most 128 characters",
            ));
        }
    }
    Ok(())
}

/// A service's settings as one send reads them.
struct SendRules {
    /// Usually empty, so copying it allocates nothing.
    disabled_channels: Vec<String>,
    email_integration: bool,
    psd2_enabled: bool,
    custom_code_enabled: bool,
    skip_sms_to_landlines: bool,
    lookup_enabled: bool,
    do_not_share_warning_enabled: bool,
    code_length: i64,
    /// The name the message text uses: `CustomFriendlyName`, else the service's.
    name: String,
}

impl SendRules {
    fn of(s: &Service, req: &Req) -> SendRules {
        SendRules {
            disabled_channels: s.disabled_channels.clone(),
            email_integration: s.email_integration,
            psd2_enabled: s.psd2_enabled,
            custom_code_enabled: s.custom_code_enabled,
            skip_sms_to_landlines: s.skip_sms_to_landlines,
            lookup_enabled: s.lookup_enabled,
            do_not_share_warning_enabled: s.do_not_share_warning_enabled,
            code_length: s.code_length,
            name: req
                .text("CustomFriendlyName")
                .unwrap_or_else(|| s.friendly_name.clone()),
        }
    }
}

/// The locale a send without `Locale` gets: "Locale will automatically resolve
/// based on phone number country code" (the spec). The Sandbox resolves to the
/// languages it has messages in, for the countries that speak them; English
/// elsewhere, and for emails.
fn locale_of(number: Option<&Number>) -> &'static str {
    const SPANISH: &[&str] = &[
        "ES", "MX", "AR", "CO", "CL", "PE", "VE", "EC", "GT", "CU", "BO", "DO", "HN", "PY", "SV",
        "NI", "CR", "PA", "UY",
    ];
    const FRENCH: &[&str] = &["FR", "MC", "SN", "CI", "CM", "ML", "BF", "NE", "TG", "BJ"];
    const GERMAN: &[&str] = &["DE", "AT", "LI"];
    const PORTUGUESE: &[&str] = &["PT", "BR", "AO", "MZ", "CV"];
    let Some(country) = number.and_then(|n| n.country.as_deref()) else {
        return "en";
    };
    [
        ("es", SPANISH),
        ("fr", FRENCH),
        ("de", GERMAN),
        ("pt", PORTUGUESE),
    ]
    .into_iter()
    .find(|(_, countries)| countries.contains(&country))
    .map_or("en", |(locale, _)| locale)
}

/// Sends a code; answers the verification as rendered, serialised by the caller
/// once the lock is released.
fn send(
    db: &mut Db,
    now: i64,
    service_sid: &str,
    req: &Req,
    target: Target,
    ctx: &Ctx<'_>,
) -> Result<twofold_twilio::Verification, ApiError> {
    // The service's settings a send needs, copied out (not the whole record) so the
    // state can be changed below.
    let s = SendRules::of(service(db, service_sid)?, req);
    // Only a hand-edited state file names a service longer than a SID.
    let service_key = Sid::parse(service_sid)
        .ok_or_else(|| ApiError::not_found(&format!("/Services/{service_sid}")))?;
    let test_number = db.test_numbers.iter().find(|t| t.to == target.to);
    let fixed_code = match test_number.map(|t| &t.answer) {
        // Its error is stored checked, so the fallback (a 400 naming the codes the
        // Sandbox knows) only shows for a hand-edited state file.
        Some(TestAnswer::ErrorCode(code)) => return Err(send_error(*code).unwrap_or_else(|e| e)),
        Some(TestAnswer::Code(code)) => Some(code.clone()),
        None => None,
    };
    let is_mobile = target
        .number
        .as_ref()
        .is_some_and(|n| n.line_type == "mobile");
    let disabled = |channel: &Channel| s.disabled_channels.iter().any(|c| c == channel.as_str());
    let channel = match target.channel.as_str() {
        // Automatic channel selection: SNA where the number is mobile, else SMS.
        "auto" if is_mobile && !disabled(&Channel::Sna) => Channel::Sna,
        "auto" => Channel::Sms,
        other => parsed(other),
    };
    if disabled(&channel) {
        return Err(ApiError::new(
            400,
            60223,
            format!("Delivery channel disabled: {channel}"),
        ));
    }
    if channel == Channel::Email && !s.email_integration {
        return Err(ApiError::new(
            400,
            60217,
            "Invalid Service configuration: the service has no email integration (Mailer)",
        ));
    }
    let amount = req.text("Amount");
    let payee = req.text("Payee");
    if s.psd2_enabled {
        if amount.is_none() || payee.is_none() {
            return Err(ApiError::new(
                400,
                60206,
                "'Amount' & 'Payee' params are required",
            ));
        }
        if channel == Channel::Call {
            return Err(ApiError::new(
                400,
                60214,
                "Call channel is not supported with PSD2",
            ));
        }
    }
    let custom_code = req.text("CustomCode");
    if let Some(code) = &custom_code {
        if !s.custom_code_enabled {
            return Err(ApiError::new(
                403,
                60204,
                "Service does not support this feature: CustomCode is not enabled",
            ));
        }
        if !(4..=10).contains(&code.len()) {
            return Err(ApiError::invalid_because(
                "CustomCode",
                "must be 4 to 10 characters",
            ));
        }
    }
    let line_type = target.number.as_ref().map(|n| n.line_type);
    if channel == Channel::Sms && s.skip_sms_to_landlines && line_type == Some("landline") {
        return Err(LANDLINE.into());
    }
    let rate_keys = resources::rate_limit_keys(db, now, service_sid, req)?;
    let existing = pending_mut(db, now, service_sid, &target.to).map(|v| v.sid);
    let existing_sid = existing.as_ref().map(Sid::as_str);
    crate::conduct::note_send(db, existing_sid, now, service_sid, &target.channel);
    if let Some(full) = existing
        .as_ref()
        .and_then(|sid| db.verifications.get(sid))
        .filter(|v| v.send_attempts.len() >= MAX_SENDS)
    {
        // A new verification (and its sends) can start once this one expires.
        return Err(ApiError::from(MAX_SENDS_REACHED)
            .rate_limited("max_send_attempts", full.created + VALIDITY_SECS - now));
    }
    for (k, interval) in rate_keys {
        let hits = db.rate_hits.entry(k).or_default();
        // Hits older than the bucket's window can never count again.
        hits.retain(|&t| t > now - interval);
        hits.push(now);
    }
    let locale: Cow<'static, str> = match req.text("Locale") {
        Some(locale) => locale.into(),
        None => locale_of(target.number.as_ref()).into(),
    };
    let sid = match existing {
        Some(sid) => sid,
        None => {
            let lookup = match (&target.number, s.lookup_enabled) {
                (Some(n), true) => json!({ "carrier": {
                    "mobile_country_code": crate::lookup::mobile_country_code(n),
                    "type": if n.line_type == "landline" { "landline" } else if n.line_type == "mobile" { "mobile" } else { "voip" },
                    "error_code": null,
                    "mobile_network_code": crate::lookup::mobile_network_code(n),
                    "name": crate::lookup::carrier_name(n),
                }}),
                _ => json!({}),
            };
            let v = Verification {
                seq: db.seq(),
                sid: Sid::new("VE"),
                service_sid: service_key,
                to: target.to.clone(),
                channel: channel.clone(),
                status: VerificationStatus::Pending,
                code: None,
                amount,
                payee,
                send_attempts: smallvec::SmallVec::new(),
                checks: 0,
                sna_completed: false,
                lookup,
                created: now,
                updated: now,
            };
            let sid = v.sid;
            db.add_verification(v);
            sid
        }
    };
    // Twilio's Attempts API has no SNA channel.
    let attempt_sid = (channel != Channel::Sna).then(|| Sid::new("VL"));
    let seq = db.seq();
    let v = db
        .verifications
        .get_mut(&sid)
        .ok_or_else(|| ApiError::not_found("/Verifications"))?;
    v.channel = channel.clone();
    v.updated = now;
    // A test number's code wins, even over the one an earlier send to it got.
    if channel != Channel::Sna && (v.code.is_none() || fixed_code.is_some()) {
        v.code = Some(
            fixed_code
                .or(custom_code)
                .unwrap_or_else(|| random_code(s.code_length)),
        );
    }
    let code_length = v.code.as_ref().map_or(0, |code| code.len() as u8);
    v.send_attempts.push(SendAttempt {
        seq,
        time: now,
        channel: channel.clone(),
        attempt_sid,
        code_length,
        locale: locale.clone(),
    });
    let body = v.wire(ctx);
    let name = s.name;
    let (code, text) = match &v.code {
        Some(code) if channel != Channel::Sna => (
            Some(code.clone()),
            message_text(
                channel.as_str(),
                &locale,
                &name,
                code,
                s.do_not_share_warning_enabled,
            ),
        ),
        _ => (
            None,
            format!("Silent network auth: the device opens {}", v.sna_url(ctx)),
        ),
    };
    let to = v.to.clone();
    let message_sid = new_sid("SM");
    let date_created = crate::clock::format_time(now);
    db.outbox.push(
        now,
        Message {
            sid: &message_sid,
            channel: channel.as_str(),
            to: &to,
            locale: &locale,
            body: &text,
            code: code.as_deref(),
            service_sid,
            verification_sid: &sid,
            date_created: &date_created,
        },
    );
    Ok(body)
}

pub(crate) async fn fetch_verification(
    State(app): State<App>,
    Path((sid, vsid)): Path<(String, String)>,
    req: Req,
) -> ApiResult {
    let ctx = ctx(&app, &req);
    app.write(|db, now| {
        crate::conduct::note_fetch(db, now, &sid, &vsid);
        service(db, &sid)?;
        let v = pending_mut(db, now, &sid, &vsid)
            .ok_or_else(|| ApiError::not_found(&format!("/Services/{sid}/Verifications/{vsid}")))?;
        Ok(ok(v.wire(&ctx)))
    })
    .await
}

pub(crate) async fn update_verification(
    State(app): State<App>,
    Path((sid, vsid)): Path<(String, String)>,
    req: Req,
) -> ApiResult {
    let status = req
        .one_of("Status", &["canceled", "approved"])?
        .ok_or_else(|| ApiError::invalid("Status"))?;
    let ctx = ctx(&app, &req);
    app.write(|db, now| {
        service(db, &sid)?;
        let v = pending_mut(db, now, &sid, &vsid)
            .ok_or_else(|| ApiError::not_found(&format!("/Services/{sid}/Verifications/{vsid}")))?;
        let vsid = v.sid;
        finish(db, &vsid, parsed(&status), now);
        let v = db
            .verifications
            .get(&vsid)
            .ok_or_else(|| ApiError::not_found("/Verifications"))?;
        Ok(ok(v.wire(&ctx)))
    })
    .await
}

pub(crate) async fn check_verification(
    State(app): State<App>,
    Path(sid): Path<String>,
    req: Req,
) -> ApiResult {
    let ctx = ctx(&app, &req);
    let target = match (req.sid("VerificationSid", "VE")?, req.text("To")) {
        (Some(vsid), _) => vsid.to_owned(),
        (None, Some(to)) => phone::analyse(&to, None).map_or(to, |n| n.e164),
        (None, None) => {
            return Err(ApiError::new(
                400,
                60221,
                "No target verification specified: send To or VerificationSid",
            ));
        }
    };
    // Refused before it costs one of the verification's checks.
    let code = req.text_sized("Code", 4, 10)?;
    app.write(|db, now| {
        service(db, &sid)?;
        let v = pending_mut(db, now, &sid, &target)
            .ok_or_else(|| ApiError::not_found(&format!("/Services/{sid}/VerificationCheck")))?;
        let vsid = v.sid;
        if v.checks >= MAX_CHECKS {
            finish(db, &vsid, VerificationStatus::MaxAttemptsReached, now);
            return Err(ApiError::new(
                429,
                60202,
                format!("Max ({MAX_CHECKS}) verification check attempts reached"),
            ));
        }
        v.checks += 1;
        v.updated = now;
        let dynamic_link_ok = v.amount == req.text("Amount") && v.payee == req.text("Payee");
        let right = if v.channel == Channel::Sna {
            v.sna_completed
        } else {
            dynamic_link_ok && code.is_some() && v.code == code
        };
        if right {
            finish(db, &vsid, VerificationStatus::Approved, now);
        }
        let v = db
            .verifications
            .get(&vsid)
            .ok_or_else(|| ApiError::not_found("/VerificationCheck"))?;
        Ok(ok(v.check_wire(&ctx)))
    })
    .await
}

/// The SNA URL handed out in `sna.url`: opening it is what the device's carrier
/// would have confirmed, so the next check approves.
pub(crate) async fn complete_sna(State(app): State<App>, Path(vsid): Path<String>) -> ApiResult {
    app.write(|db, now| {
        let service_sid = (db.verifications.get(vsid.as_str())).map(|v| v.service_sid);
        let service_sid = service_sid.as_ref().map_or("", Sid::as_str);
        let v = pending_mut(db, now, service_sid, &vsid)
            .filter(|v| v.channel == Channel::Sna)
            .ok_or_else(|| ApiError::not_found(&format!("/sandbox/sna/{vsid}")))?;
        v.sna_completed = true;
        v.updated = now;
        Ok(ok(
            json!({ "status": "completed", "verification_sid": vsid }),
        ))
    })
    .await
}

/// The attempts matching the filters both the list and the summary take.
fn filtered_attempts<'a>(db: &'a Db, req: &Req) -> Result<Vec<Attempt<'a>>, ApiError> {
    let time = |name: &str| -> Result<Option<i64>, ApiError> {
        req.get(name)
            .map(|t| {
                parse_time(t)
                    .ok_or_else(|| ApiError::invalid_because(name, "must be an ISO 8601 datetime"))
            })
            .transpose()
    };
    let after = time("DateCreatedAfter")?;
    let before = time("DateCreatedBefore")?;
    let status = req.one_of("Status", &["converted", "unconverted"])?;
    let mut out: Vec<Attempt<'_>> = db
        .verifications
        .values()
        .flat_map(|v| v.attempts())
        .filter(|a| after.is_none_or(|t| a.created() >= t))
        .filter(|a| before.is_none_or(|t| a.created() <= t))
        .filter(|a| req.get("ChannelData.To").is_none_or(|to| a.to() == to))
        .filter(|a| {
            req.get("Country")
                .is_none_or(|c| a.number().and_then(|n| n.country).as_deref() == Some(c))
        })
        .filter(|a| req.get("Channel").is_none_or(|c| a.channel() == c))
        .filter(|a| {
            req.get("VerifyServiceSid")
                .is_none_or(|s| a.service_sid() == s)
        })
        .filter(|a| {
            req.get("VerificationSid")
                .is_none_or(|s| a.verification_sid() == s)
        })
        .filter(|a| {
            req.get("DestinationPrefix")
                .is_none_or(|p| a.to().starts_with(p))
        })
        .filter(|a| {
            status
                .as_deref()
                .is_none_or(|s| (s == "converted") == a.converted())
        })
        .collect();
    out.sort_by_key(Attempt::seq);
    Ok(out)
}

pub(crate) async fn list_attempts(State(app): State<App>, req: Req) -> ApiResult {
    let ctx = ctx(&app, &req);
    let items = app.read(|db, _| {
        filtered_attempts(db, &req).map(|all| all.into_iter().map(|a| a.wire(&ctx)).collect())
    })?;
    page(&req, "/v2/Attempts", "attempts", items)
}

pub(crate) async fn fetch_attempt(
    State(app): State<App>,
    Path(asid): Path<String>,
    req: Req,
) -> ApiResult {
    let ctx = ctx(&app, &req);
    app.read(|db, _| {
        // A scan, as the list's: an index of attempts would cost every send a
        // table row, and fetching one by SID is rare.
        let a = (db.verifications.values())
            .flat_map(|v| v.attempts())
            .find(|a| a.sid == asid)
            .ok_or_else(|| ApiError::not_found(&format!("/Attempts/{asid}")))?;
        Ok(ok(a.wire(&ctx)))
    })
}

pub(crate) async fn attempts_summary(State(app): State<App>, req: Req) -> ApiResult {
    let (total, converted) = app.read(|db, _| {
        filtered_attempts(db, &req)
            .map(|all| (all.len(), all.iter().filter(|a| a.converted()).count()))
    })?;
    let rate = if total == 0 {
        0.0
    } else {
        converted as f64 * 100.0 / total as f64
    };
    Ok(ok(VerificationAttemptsSummary {
        total_attempts: total as u64,
        total_converted: converted as u64,
        total_unconverted: (total - converted) as u64,
        conversion_rate_percentage: Some(format!("{rate:.9}")),
        url: format!("{}/v2/Attempts/Summary", req.base),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_worded_like_twilio_templates() {
        assert_eq!(
            message_text("sms", "en", "Acme", "1234", false),
            "Your Acme verification code is: 1234"
        );
        assert_eq!(
            message_text("sms", "es-MX", "Acme", "1234", false),
            "Tu código de verificación de Acme es: 1234"
        );
        assert_eq!(
            message_text("call", "en", "Acme", "1234", false),
            "Your Acme verification code is 1 2 3 4."
        );
        assert!(message_text("whatsapp", "en", "Acme", "1234", true).starts_with("*1234*"));
        assert!(message_text("sms", "en", "Acme", "1234", true).contains("Don't share this code"));
    }

    #[test]
    fn random_codes_have_the_service_length_and_only_digits() {
        for len in 4..=10 {
            let code = random_code(len);
            assert_eq!(code.len() as i64, len);
            assert!(code.bytes().all(|b| b.is_ascii_digit()));
        }
    }
}
