//! The transport every operation goes through: HTTP Basic auth, Twilio's
//! form-encoded requests, timeouts, retries for requests that are safe to
//! repeat, paging, and turning answers into [`Error`]s.

use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use twofold_twilio::{ApiErrorBody, Page};

use crate::{Credentials, Domain, Endpoint, Error, TwilioError};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// The longest `Retry-After` honoured; a longer one is returned as the error.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// When and how often a request that is safe to repeat is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first try.
    pub retries: u32,
    /// The first backoff; it doubles each time, up to `max_backoff`, and the
    /// wait is drawn at random below it ("full jitter").
    pub first_backoff: Duration,
    /// The longest backoff.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            retries: 3,
            first_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(4),
        }
    }
}

/// Whether repeating a request can change anything on Twilio's side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Repeat {
    /// Reads, deletes and updates that set a value: retried.
    Safe,
    /// Creations (a send, a check): sent once, whatever happens.
    Never,
}

/// A form body: Twilio's PascalCase keys, repeated keys for lists.
pub(crate) type Form = Vec<(&'static str, String)>;

/// Adds `key` when there is a value: a parameter left out is Twilio's
/// "as it is" (updates) or "the default" (creations).
pub(crate) fn push_some(form: &mut Form, key: &'static str, value: Option<impl ToString>) {
    if let Some(value) = value {
        form.push((key, value.to_string()));
    }
}

/// A client for Verify v2 and Lookups v2. Cheap to clone; clones share
/// their connection pool.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    credentials: Credentials,
    endpoint: Endpoint,
    retry: RetryPolicy,
}

impl Client {
    /// A client for `credentials` at `endpoint`, with the default retries.
    pub fn new(credentials: Credentials, endpoint: Endpoint) -> Result<Client, Error> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("twofold/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|error| Error::Transport {
                url: endpoint.origin(Domain::Verify),
                reason: error.to_string(),
            })?;
        Ok(Client {
            http,
            credentials,
            endpoint,
            retry: RetryPolicy::default(),
        })
    }

    /// The same client with another retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Client {
        self.retry = retry;
        self
    }

    /// The account the client acts for.
    pub fn account_sid(&self) -> &str {
        self.credentials.account_sid()
    }

    /// Where it sends requests.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The absolute URL of `path` (which starts with `/v2/`) on `domain`.
    pub(crate) fn url(&self, domain: Domain, path: &str) -> String {
        format!("{}{path}", self.endpoint.origin(domain))
    }

    /// Sends a request and decodes its JSON answer.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        url: String,
        form: &Form,
        repeat: Repeat,
    ) -> Result<T, Error> {
        let body = self.exchange(method, &url, form, repeat).await?;
        serde_json::from_slice(&body).map_err(|error| Error::Decode {
            url,
            reason: error.to_string(),
        })
    }

    /// Sends a request whose answer has no body (a delete).
    pub(crate) async fn call_empty(&self, method: Method, url: String) -> Result<(), Error> {
        self.exchange(method, &url, &Form::new(), Repeat::Safe)
            .await
            .map(drop)
    }

    /// Every item of a list, following `next_page_url` as Twilio gives it.
    pub(crate) async fn list<T: DeserializeOwned>(&self, first: String) -> Result<Vec<T>, Error> {
        let mut items = Vec::new();
        let mut next = Some(first);
        while let Some(url) = next {
            let page: Page<T> = self
                .call(Method::GET, url, &Form::new(), Repeat::Safe)
                .await?;
            items.extend(page.items);
            next = page.meta.next_page_url;
        }
        Ok(items)
    }

    /// One request, retried as `repeat` allows; the body of a success.
    async fn exchange(
        &self,
        method: Method,
        url: &str,
        form: &Form,
        repeat: Repeat,
    ) -> Result<Vec<u8>, Error> {
        let mut retries_left = match repeat {
            Repeat::Safe => self.retry.retries,
            Repeat::Never => 0,
        };
        let mut backoff = self.retry.first_backoff;
        loop {
            let outcome = self.try_once(method.clone(), url, form).await;
            let wait = match &outcome {
                Ok(_) => None,
                Err(Failure::Status {
                    status, headers, ..
                }) if *status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() => {
                    Some(retry_after(headers).unwrap_or_else(|| jitter(backoff)))
                }
                Err(Failure::Sent(error)) if error.is_connect() || error.is_timeout() => {
                    Some(jitter(backoff))
                }
                Err(_) => None,
            };
            match wait {
                Some(wait) if retries_left > 0 && wait <= MAX_RETRY_AFTER => {
                    retries_left -= 1;
                    backoff = (backoff * 2).min(self.retry.max_backoff);
                    tokio::time::sleep(wait).await;
                }
                _ => return outcome.map_err(|failure| failure.into_error(url)),
            }
        }
    }

    async fn try_once(&self, method: Method, url: &str, form: &Form) -> Result<Vec<u8>, Failure> {
        let (user, password) = self.credentials.basic();
        let mut request = self
            .http
            .request(method.clone(), url)
            .basic_auth(user, Some(password))
            .header(reqwest::header::ACCEPT, "application/json");
        if method == Method::POST {
            request = request.form(form);
        } else if !form.is_empty() {
            request = request.query(form);
        }
        let response = request.send().await.map_err(Failure::Sent)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(Failure::Sent)?;
        if status.is_success() {
            Ok(body.to_vec())
        } else {
            Err(Failure::Status {
                status,
                headers,
                body: body.to_vec(),
            })
        }
    }
}

/// A try that did not succeed, before it is turned into an [`Error`].
enum Failure {
    Sent(reqwest::Error),
    Status {
        status: StatusCode,
        headers: HeaderMap,
        body: Vec<u8>,
    },
}

impl Failure {
    fn into_error(self, url: &str) -> Error {
        let url = url.to_owned();
        match self {
            Failure::Sent(error) if error.is_timeout() => Error::Timeout {
                url,
                seconds: REQUEST_TIMEOUT.as_secs(),
            },
            Failure::Sent(error) if error.is_connect() => Error::Connect {
                url,
                reason: root_cause(&error),
            },
            Failure::Sent(error) => Error::Transport {
                url,
                reason: root_cause(&error),
            },
            Failure::Status { status, body, .. } => {
                match serde_json::from_slice::<ApiErrorBody>(&body) {
                    Ok(error) => Error::Twilio(TwilioError {
                        status: status.as_u16(),
                        code: error.code,
                        message: error.message,
                        more_info: error.more_info,
                    }),
                    Err(_) => Error::Http {
                        url,
                        status: status.as_u16(),
                        snippet: String::from_utf8_lossy(&body).chars().take(200).collect(),
                    },
                }
            }
        }
    }
}

/// The innermost reason, which names the actual problem (refused, DNS…).
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}

/// `Retry-After` in seconds, as Twilio sends it on 429s.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let seconds: u64 = headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(seconds))
}

/// A wait drawn uniformly below `ceiling`, so clients that failed together
/// do not retry together.
fn jitter(ceiling: Duration) -> Duration {
    let millis = u64::try_from(ceiling.as_millis())
        .unwrap_or(u64::MAX)
        .max(1);
    Duration::from_millis(rand::random_range(0..millis))
}
