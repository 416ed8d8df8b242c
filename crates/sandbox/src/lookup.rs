//! Lookups v2 `GET /v2/PhoneNumbers/{PhoneNumber}`: real validation and formatting
//! from libphonenumber's metadata, and deterministic answers for the data packages
//! (documented in docs/sandbox.md) so tests can rely on them.

use axum::extract::{Path, State};
use serde_json::{Value, json};
use twofold_twilio::{
    CallerName, LastSimSwap, LineStatus, LineTypeIntelligence, PhoneNumber, ReassignedNumber,
    SimSwap, SmsPumpingRisk,
};

use crate::error::ApiError;
use crate::http::{ApiResult, decode_path, ok};
use crate::model::parsed;
use crate::params::Req;
use crate::phone::{self, Number};
use crate::store::App;

const PACKAGES: &[&str] = &[
    "validation",
    "caller_name",
    "sim_swap",
    "call_forwarding",
    "line_status",
    "line_type_intelligence",
    "identity_match",
    "reassigned_number",
    "sms_pumping_risk",
    "phone_number_quality_score",
    "pre_fill",
];

/// A mobile country code for the few countries the Sandbox names a network in.
pub(crate) fn mobile_country_code(n: &Number) -> Option<&'static str> {
    Some(match n.country.as_deref()? {
        "US" => "310",
        "CA" => "302",
        "GB" => "234",
        "DE" => "262",
        "FR" => "208",
        "ES" => "214",
        "BR" => "724",
        "IN" => "404",
        _ => return None,
    })
}

pub(crate) fn mobile_network_code(n: &Number) -> Option<&'static str> {
    mobile_country_code(n).map(|_| "001")
}

pub(crate) fn carrier_name(n: &Number) -> &'static str {
    match n.line_type {
        "mobile" => "Twofold Sandbox Mobile",
        "landline" => "Twofold Sandbox Fixed",
        "nonFixedVoip" | "fixedVoip" => "Twofold Sandbox VoIP",
        _ => "Twofold Sandbox",
    }
}

/// Fills in the package `name` for a valid number (`validation` is the answer's
/// base, so it adds nothing). The packages the wire type leaves free-form, having
/// no agreed keys in Twilio's spec, are built as JSON.
fn add_package(body: &mut PhoneNumber, name: &str, n: &Number, req: &Req) {
    let mcc = mobile_country_code(n).map(str::to_owned);
    let mnc = mobile_network_code(n).map(str::to_owned);
    let carrier = Some(carrier_name(n).to_owned());
    let text = |s: &str| Some(s.to_owned());
    match name {
        "line_type_intelligence" => {
            body.line_type_intelligence = Some(LineTypeIntelligence {
                mobile_country_code: mcc,
                mobile_network_code: mnc,
                carrier_name: carrier,
                line_type: Some(parsed(n.line_type)),
                error_code: None,
            });
        }
        "caller_name" => {
            body.caller_name = Some(match n.country.as_deref() {
                Some("US") => CallerName {
                    caller_name: text("SANDBOX CALLER"),
                    caller_type: text(match n.line_type {
                        "tollFree" => "BUSINESS",
                        _ => "CONSUMER",
                    }),
                    error_code: None,
                },
                // Twilio answers CNAM for US numbers only.
                _ => CallerName {
                    caller_name: None,
                    caller_type: None,
                    error_code: Some(60600),
                },
            });
        }
        "sim_swap" => {
            body.sim_swap = Some(SimSwap {
                last_sim_swap: Some(LastSimSwap {
                    last_sim_swap_date: None,
                    swapped_period: text("PT24H"),
                    swapped_in_period: Some(false),
                }),
                carrier_name: carrier,
                mobile_country_code: mcc,
                mobile_network_code: mnc,
                error_code: None,
            });
        }
        "call_forwarding" => {
            body.call_forwarding =
                Some(json!({ "call_forwarding_enabled": false, "error_code": null }));
        }
        "line_status" => {
            body.line_status = Some(LineStatus {
                status: text("active"),
                error_code: None,
            });
        }
        "identity_match" => body.identity_match = Some(identity_match(req)),
        "reassigned_number" => {
            body.reassigned_number = Some(ReassignedNumber {
                last_verified_date: req.get("LastVerifiedDate").map(str::to_owned),
                is_number_reassigned: text("no"),
                error_code: None,
            });
        }
        "sms_pumping_risk" => {
            body.sms_pumping_risk = Some(SmsPumpingRisk {
                carrier_risk_category: text("low"),
                number_blocked: Some(false),
                number_blocked_date: None,
                number_blocked_last_3_months: Some(false),
                sms_pumping_risk_score: Some(0),
                error_code: None,
            });
        }
        "phone_number_quality_score" => {
            body.phone_number_quality_score = Some(json!({
                "carrier_risk_score": 0, "carrier_risk_category": "low",
                "disposable_phone_risk_score": 0, "disposable_phone_risk_category": "low",
                "quality_score": 100, "quality_category": "high",
                "velocity_risk_score": 0, "velocity_risk_category": "low", "error_code": null,
            }));
        }
        "pre_fill" => {
            body.pre_fill = Some(json!({
                "first_name": "Sandbox", "last_name": "User", "address_line": "1 Sandbox Way",
                "country_code": n.country, "state": null, "postal_code": "00000", "error_code": null,
            }));
        }
        _ => {}
    }
}

/// The `identity_match` package: `exact_match` for each input given, and a score
/// for how many were.
fn identity_match(req: &Req) -> Value {
    // The address lines are matched as one: either line given counts.
    let inputs = [
        ("first_name_match", &["FirstName"][..]),
        ("last_name_match", &["LastName"]),
        ("address_lines_match", &["AddressLine1", "AddressLine2"]),
        ("city_match", &["City"]),
        ("state_match", &["State"]),
        ("postal_code_match", &["PostalCode"]),
        ("address_country_match", &["AddressCountryCode"]),
        ("national_id_match", &["NationalId"]),
        ("date_of_birth_match", &["DateOfBirth"]),
    ];
    let mut out = serde_json::Map::new();
    let mut matched = 0;
    for (field, params) in inputs {
        let given = params.iter().any(|param| req.text(param).is_some());
        matched += i64::from(given);
        out.insert(
            field.into(),
            json!(if given {
                "exact_match"
            } else {
                "no_data_available"
            }),
        );
    }
    out.insert("summary_score".into(), json!(matched * 100 / 9));
    out.insert("error_code".into(), Value::Null);
    out.insert("error_message".into(), Value::Null);
    Value::Object(out)
}

pub(crate) async fn fetch_phone_number(
    State(_app): State<App>,
    Path(raw): Path<String>,
    req: Req,
) -> ApiResult {
    let input = decode_path(&raw);
    let fields: Vec<&str> = req
        .get("Fields")
        .map(|f| {
            f.split(',')
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if let Some(bad) = fields.iter().find(|f| !PACKAGES.contains(f)) {
        return Err(ApiError::invalid_because(
            "Fields",
            &format!("{bad} is not one of {}", PACKAGES.join(", ")),
        ));
    }
    // "Default country code is +1 (North America)" (the spec) for national numbers.
    let analysis = phone::analyse(&input, Some(req.get("CountryCode").unwrap_or("US")));
    // An invalid number is answered with the input as given; every package is `null`.
    let mut body = PhoneNumber {
        calling_country_code: None,
        country_code: None,
        phone_number: Some(input),
        national_format: None,
        valid: Some(false),
        validation_errors: None,
        caller_name: None,
        sim_swap: None,
        call_forwarding: None,
        line_status: None,
        line_type_intelligence: None,
        identity_match: None,
        reassigned_number: None,
        sms_pumping_risk: None,
        phone_number_quality_score: None,
        pre_fill: None,
        url: String::new(),
    };
    match analysis {
        Ok(n) => {
            body.calling_country_code = Some(n.calling_code.to_string());
            body.country_code = n.country.clone();
            body.national_format = Some(phone::national_format(&n));
            body.valid = Some(true);
            body.validation_errors = Some(Vec::new());
            for f in &fields {
                add_package(&mut body, f, &n, &req);
            }
            body.phone_number = Some(n.e164);
        }
        Err(why) => body.validation_errors = Some(vec![parsed(why)]),
    }
    let phone_number = body.phone_number.as_deref().unwrap_or_default();
    body.url = format!("{}/v2/PhoneNumbers/{phone_number}", req.base);
    Ok(ok(body))
}

/// Lookups' bulk queries, account rate limits and overrides: Twilio's paths, said
/// to be outside the emulation rather than answered as a mistyped URL.
pub(crate) async fn not_emulated(uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        404,
        20404,
        format!(
            "The requested resource {} is not emulated by the Sandbox: Lookups' bulk queries, rate limits and overrides need Twilio itself",
            uri.path()
        ),
    )
}
