//! Lookups v2 (`lookups.v2.phone_number` and the package objects it carries).
//!
//! The `phone_number` schema leaves each package an untyped object. The spec's
//! batch-lookup schemas (`CallerName`, `SimSwap`, …) give their keys; where those
//! agree with the `phone_number` examples the package is typed here, where they
//! disagree (`call_forwarding`: `call_forwarding_enabled` vs the examples'
//! `call_forwarding_status`; `identity_match`: `address_line_match` vs
//! `address_lines_match`) or there is no schema (`phone_number_quality_score`,
//! `pre_fill`) it stays JSON.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::enums::{LineType, PhoneValidationError};

/// A phone number's formatting, validity and any packages asked for with `Fields` (`lookups.v2.phone_number`).
///
/// Every package key is always present, `null` when not asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhoneNumber {
    /// The country calling code without `+`, e.g. `"1"`.
    pub calling_country_code: Option<String>,
    /// ISO 3166-1 alpha-2, e.g. `"US"`.
    pub country_code: Option<String>,
    /// E.164 for a valid number; the input as given for an invalid one.
    pub phone_number: Option<String>,
    /// The national format, e.g. `"(415) 992-9960"`.
    pub national_format: Option<String>,
    /// Whether the number is in an assignable range.
    pub valid: Option<bool>,
    /// Why not valid (`null` or `[]` when valid).
    pub validation_errors: Option<Vec<PhoneValidationError>>,
    /// `caller_name` package (CNAM).
    pub caller_name: Option<CallerName>,
    /// `sim_swap` package.
    pub sim_swap: Option<SimSwap>,
    /// `call_forwarding` package.
    pub call_forwarding: Option<Value>,
    /// `line_status` package.
    pub line_status: Option<LineStatus>,
    /// `line_type_intelligence` package.
    pub line_type_intelligence: Option<LineTypeIntelligence>,
    /// `identity_match` package.
    pub identity_match: Option<Value>,
    /// `reassigned_number` package.
    pub reassigned_number: Option<ReassignedNumber>,
    /// `sms_pumping_risk` package.
    pub sms_pumping_risk: Option<SmsPumpingRisk>,
    /// `phone_number_quality_score` package.
    pub phone_number_quality_score: Option<Value>,
    /// `pre_fill` package.
    pub pre_fill: Option<Value>,
    /// The absolute URL of this resource.
    pub url: String,
}

/// The `caller_name` package (spec schema `CallerName`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallerName {
    /// The registered name.
    pub caller_name: Option<String>,
    /// `CONSUMER`, `BUSINESS` or `UNDETERMINED`.
    pub caller_type: Option<String>,
    /// Why the package has no answer.
    pub error_code: Option<u32>,
}

/// The `sim_swap` package (spec schema `SimSwap`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimSwap {
    /// When the SIM last changed.
    pub last_sim_swap: Option<LastSimSwap>,
    /// The carrier's name.
    pub carrier_name: Option<String>,
    /// MCC.
    pub mobile_country_code: Option<String>,
    /// MNC.
    pub mobile_network_code: Option<String>,
    /// Why the package has no answer.
    pub error_code: Option<u32>,
}

/// A `sim_swap`'s `last_sim_swap` (spec schema `LastSimSwap`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LastSimSwap {
    /// Kept as text: the examples have both whole and fractional seconds.
    pub last_sim_swap_date: Option<String>,
    /// The window asked about, an ISO 8601 duration such as `PT24H`.
    pub swapped_period: Option<String>,
    /// Whether the SIM changed within that window.
    pub swapped_in_period: Option<bool>,
}

/// The `line_status` package (spec schema `LineStatus`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineStatus {
    /// e.g. `active`, `inactive`.
    pub status: Option<String>,
    /// Why the package has no answer.
    pub error_code: Option<u32>,
}

/// The `line_type_intelligence` package (spec schema `LineTypeIntelligence`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LineTypeIntelligence {
    /// MCC.
    pub mobile_country_code: Option<String>,
    /// MNC.
    pub mobile_network_code: Option<String>,
    /// The carrier's name.
    pub carrier_name: Option<String>,
    /// Mobile, landline, VoIP, …
    #[serde(rename = "type")]
    pub line_type: Option<LineType>,
    /// Why the package has no answer (e.g. 60601).
    pub error_code: Option<u32>,
}

/// The `reassigned_number` package (spec schema `ReassignedNumberResponse`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReassignedNumber {
    /// The date given, `YYYY-MM-DD`.
    pub last_verified_date: Option<String>,
    /// `yes`, `no` or `no_data_available`.
    pub is_number_reassigned: Option<String>,
    /// Why the package has no answer (a string in this schema only).
    pub error_code: Option<String>,
}

/// The `sms_pumping_risk` package (spec schema `SmsPumpingRisk`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SmsPumpingRisk {
    /// e.g. `low`, `moderate`, `high`.
    pub carrier_risk_category: Option<String>,
    /// Whether Fraud Guard blocks the number now.
    pub number_blocked: Option<bool>,
    /// When it was blocked.
    pub number_blocked_date: Option<String>,
    /// Whether it was blocked in the last three months.
    pub number_blocked_last_3_months: Option<bool>,
    /// 0–100.
    pub sms_pumping_risk_score: Option<u32>,
    /// Why the package has no answer.
    pub error_code: Option<u32>,
}
