//! `--seed-file FILE`: the services, test numbers and fault rules a fresh
//! Sandbox starts with, from a small hand-written JSON file, so a QA setup or
//! a CI job needs no API calls before its first test:
//!
//! ```json
//! {
//!   "services": [{ "Sid": "VA00000000000000000000000000000001", "FriendlyName": "Demo", "CodeLength": 6 }],
//!   "test_numbers": [{ "to": "+14155550100", "code": "123456" }, { "to": "+14155550199", "error_code": 60410 }],
//!   "faults": [{ "method": "POST", "path_prefix": "/v2/Services", "status": 503, "code": 20503, "probability": 0.1, "seed": 7 }]
//! }
//! ```
//!
//! A service is the form of `POST /v2/Services` (any of its parameters, numbers
//! and booleans as JSON), plus an optional fixed `Sid`; a test number is what
//! `GET /sandbox/test-numbers` lists; a fault rule is the body of `POST
//! /sandbox/faults`. Each goes through the same checks as those requests, on a
//! scratch state first: a seed with any mistake changes nothing. A state file
//! that already holds something is left alone (the seed was applied when it
//! was new).

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::admin::{self, NewFault};
use crate::clock::ClockMode;
use crate::error::ApiError;
use crate::params::Req;
use crate::store::App;
use crate::test_numbers::{self, TestNumber};
use crate::{Retention, verify};

/// A seed file's content.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    #[serde(default)]
    services: Vec<Map<String, Value>>,
    #[serde(default)]
    test_numbers: Vec<TestNumber>,
    #[serde(default)]
    faults: Vec<NewFault>,
}

/// Why a seed file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// It could not be read.
    #[error("cannot read the seed file {path}: {source}")]
    Read {
        /// The seed file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// It is not the JSON a seed file holds.
    #[error("the seed file {path} is not a seed ({source}); see docs/sandbox.md for its layout")]
    Parse {
        /// The seed file.
        path: PathBuf,
        /// What the parser said.
        source: serde_json::Error,
    },
    /// One of its entries was refused as the API would refuse it.
    #[error("the seed file's {entry} was refused: {error}; nothing was seeded")]
    Refused {
        /// Which entry ("service 2", "test number 1", "fault rule 3").
        entry: String,
        /// The API's answer.
        error: ApiError,
    },
}

impl Seed {
    /// Reads and parses a seed file.
    pub fn read(path: &Path) -> Result<Seed, SeedError> {
        let bytes = std::fs::read(path).map_err(|source| SeedError::Read {
            path: path.to_owned(),
            source,
        })?;
        serde_json::from_slice(&bytes).map_err(|source| SeedError::Parse {
            path: path.to_owned(),
            source,
        })
    }
}

/// Applies `seed` to `app` if its state is empty; `false` when it was not.
pub(crate) async fn apply(app: &App, seed: &Seed) -> Result<bool, SeedError> {
    if !app.read(|db, _| db.is_empty()) {
        return Ok(false);
    }
    let small = Retention {
        outbox_messages: 1,
        verifications: 1,
        ..Retention::default()
    };
    let scratch = App::open(app.credentials().clone(), None, small, ClockMode::Running)
        .unwrap_or_else(|_| unreachable!("a state without a file opens without reading anything"));
    let refused = |entry: String| move |error: ApiError| SeedError::Refused { entry, error };
    for (i, service) in seed.services.iter().enumerate() {
        verify::seed_service(&scratch, &form(service))
            .await
            .map_err(refused(format!("service {}", i + 1)))?;
    }
    for (i, number) in seed.test_numbers.iter().enumerate() {
        test_numbers::add(&scratch, &number.to, number.answer.clone())
            .await
            .map_err(refused(format!("test number {}", i + 1)))?;
    }
    for (i, fault) in seed.faults.iter().enumerate() {
        admin::add_fault_rule(&scratch, fault.clone())
            .await
            .map_err(refused(format!("fault rule {}", i + 1)))?;
    }
    let snapshot = scratch
        .read(|db, _| serde_json::to_vec(db))
        .unwrap_or_default();
    admin::restore(app, &snapshot)
        .await
        .map_err(refused("whole".to_owned()))?;
    Ok(true)
}

/// A service entry as the form `POST /v2/Services` takes.
fn form(service: &Map<String, Value>) -> Req {
    let params = service
        .iter()
        .map(|(key, value)| {
            let text = match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            (key.clone(), text)
        })
        .collect();
    Req {
        params,
        ..Req::default()
    }
}
