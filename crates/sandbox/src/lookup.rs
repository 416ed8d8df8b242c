//! Lookups v2 `GET /v2/PhoneNumbers/{PhoneNumber}`: real validation and formatting
//! from libphonenumber's metadata, and deterministic answers for the data packages
//! (documented in docs/sandbox.md) so tests can rely on them.

use axum::extract::{Path, State};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::http::{ApiResult, decode_path, ok};
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

/// The package's object for a valid number.
fn package(name: &str, n: &Number, req: &Req) -> Value {
    let mcc = mobile_country_code(n);
    let mnc = mobile_network_code(n);
    match name {
        "line_type_intelligence" => json!({
            "mobile_country_code": mcc, "mobile_network_code": mnc,
            "carrier_name": carrier_name(n), "type": n.line_type, "error_code": null,
        }),
        "caller_name" if n.country.as_deref() == Some("US") => json!({
            "caller_name": "SANDBOX CALLER",
            "caller_type": if n.line_type == "tollFree" { "BUSINESS" } else { "CONSUMER" },
            "error_code": null,
        }),
        // Twilio answers CNAM for US numbers only.
        "caller_name" => json!({ "caller_name": null, "caller_type": null, "error_code": 60600 }),
        "sim_swap" => json!({
            "last_sim_swap": { "last_sim_swap_date": null, "swapped_period": "PT24H", "swapped_in_period": false },
            "carrier_name": carrier_name(n), "mobile_country_code": mcc, "mobile_network_code": mnc, "error_code": null,
        }),
        "call_forwarding" => json!({ "call_forwarding_enabled": false, "error_code": null }),
        "line_status" => json!({ "status": "active", "error_code": null }),
        "identity_match" => {
            let inputs = [
                ("first_name_match", "FirstName"),
                ("last_name_match", "LastName"),
                ("address_lines_match", "AddressLine1"),
                ("city_match", "City"),
                ("state_match", "State"),
                ("postal_code_match", "PostalCode"),
                ("address_country_match", "AddressCountryCode"),
                ("national_id_match", "NationalId"),
                ("date_of_birth_match", "DateOfBirth"),
            ];
            let mut out = serde_json::Map::new();
            let mut matched = 0;
            for (field, param) in inputs {
                let given = req.get(param).is_some_and(|v| !v.is_empty());
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
        "reassigned_number" => json!({
            "last_verified_date": req.get("LastVerifiedDate"), "is_number_reassigned": "no", "error_code": null,
        }),
        "sms_pumping_risk" => json!({
            "carrier_risk_category": "low", "number_blocked": false, "number_blocked_date": null,
            "number_blocked_last_3_months": false, "sms_pumping_risk_score": 0, "error_code": null,
        }),
        "phone_number_quality_score" => json!({
            "carrier_risk_score": 0, "carrier_risk_category": "low",
            "disposable_phone_risk_score": 0, "disposable_phone_risk_category": "low",
            "quality_score": 100, "quality_category": "high",
            "velocity_risk_score": 0, "velocity_risk_category": "low", "error_code": null,
        }),
        "pre_fill" => json!({
            "first_name": "Sandbox", "last_name": "User", "address_line": "1 Sandbox Way",
            "country_code": n.country, "state": null, "postal_code": "00000", "error_code": null,
        }),
        _ => Value::Null,
    }
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
    let mut body = json!({
        "calling_country_code": null, "country_code": null, "phone_number": input,
        "national_format": null, "valid": false, "validation_errors": null,
        "caller_name": null, "sim_swap": null, "call_forwarding": null, "line_status": null,
        "line_type_intelligence": null, "identity_match": null, "reassigned_number": null,
        "sms_pumping_risk": null, "phone_number_quality_score": null, "pre_fill": null,
    });
    match phone::analyse(&input, req.get("CountryCode")) {
        Ok(n) => {
            body["calling_country_code"] = json!(n.calling_code.to_string());
            body["country_code"] = json!(n.country);
            body["phone_number"] = json!(n.e164);
            body["national_format"] = json!(phone::national_format(&n));
            body["valid"] = json!(true);
            body["validation_errors"] = json!([]);
            for f in fields.iter().filter(|f| **f != "validation") {
                body[*f] = package(f, &n, &req);
            }
        }
        Err(why) => body["validation_errors"] = json!([why]),
    }
    let phone_number = body["phone_number"].as_str().unwrap_or_default().to_owned();
    body["url"] = json!(format!("{}/v2/PhoneNumbers/{phone_number}", req.base));
    Ok(ok(body))
}
