//! One page of a list, with its items under the key that `meta.key` names.

use serde::de::{DeserializeOwned, Error as _};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// A list page as Twilio returns it: `{"<meta.key>": [items], "meta": {...}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The records of this page, read from and written under `meta.key`.
    pub items: Vec<T>,
    /// Where this page is and how to get the next one.
    pub meta: Meta,
}

/// The paging block of a list response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// The page number, from 0.
    pub page: u32,
    /// The number of records asked for per page.
    pub page_size: u32,
    /// The absolute URL of the first page.
    pub first_page_url: String,
    /// The absolute URL of the page before, if any.
    pub previous_page_url: Option<String>,
    /// The absolute URL of this page.
    pub url: String,
    /// The absolute URL of the next page, if any; clients follow it verbatim.
    pub next_page_url: Option<String>,
    /// The key holding the records, e.g. `services`.
    pub key: String,
}

impl<T: Serialize> Serialize for Page<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry(&self.meta.key, &self.items)?;
        map.serialize_entry("meta", &self.meta)?;
        map.end()
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut body = Map::<String, Value>::deserialize(deserializer)?;
        let meta = body
            .remove("meta")
            .ok_or_else(|| D::Error::missing_field("meta"))?;
        let meta = Meta::deserialize(meta).map_err(D::Error::custom)?;
        let items = body.remove(&meta.key).ok_or_else(|| {
            D::Error::custom(format_args!("no `{}` list, which meta.key names", meta.key))
        })?;
        let items = Vec::<T>::deserialize(items).map_err(D::Error::custom)?;
        Ok(Self { items, meta })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use serde_json::json;

    fn body() -> Value {
        json!({
            "things": [{"n": 1}, {"n": 2}],
            "meta": {
                "page": 1,
                "page_size": 2,
                "first_page_url": "https://verify.twilio.com/v2/Things?PageSize=2&Page=0",
                "previous_page_url": "https://verify.twilio.com/v2/Things?PageSize=2&Page=0",
                "url": "https://verify.twilio.com/v2/Things?PageSize=2&Page=1",
                "next_page_url": null,
                "key": "things"
            }
        })
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Thing {
        n: u32,
    }

    #[test]
    fn reads_the_items_under_meta_key_and_writes_them_back() {
        let page: Page<Thing> = serde_json::from_value(body()).unwrap();
        assert_eq!(page.items, [Thing { n: 1 }, Thing { n: 2 }]);
        assert_eq!(page.meta.next_page_url, None);
        assert_eq!(serde_json::to_value(&page).unwrap(), body());
    }

    #[test]
    fn a_missing_list_is_an_error() {
        let mut wrong = body();
        wrong["meta"]["key"] = json!("others");
        let err = serde_json::from_value::<Page<Thing>>(wrong).unwrap_err();
        assert!(err.to_string().contains("`others`"), "{err}");
    }
}
