//! The outbox: what a real Verify would have delivered, oldest first, kept to a
//! retention (count and age) and indexed by destination, so `GET /sandbox/outbox?To=`
//! reads the few messages of one number without scanning the 100,000 kept.
//!
//! The index is brought up to date by the reads that use it, not by every send:
//! load tests send by the hundred thousand and read a few numbers, if any, and a
//! read indexes only the messages that arrived since the last one.
//!
//! Each message keeps its nine texts in one allocation (`crate::packed`).
//!
//! Messages are numbered from the first ever sent (`start` is the number of the
//! oldest one kept), which is how the journal says which messages left and which
//! arrived since its last line.

use std::cell::RefCell;
use std::collections::VecDeque;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::OutboxMessage;
use crate::clock::parse_time;
use crate::hash_index::HashIndex;
use crate::packed::Texts;

#[derive(Default)]
pub(crate) struct Outbox {
    /// The number of the oldest message kept (messages ever dropped from the front).
    start: u64,
    /// Each message with its time in Unix seconds, for the age limit.
    messages: VecDeque<(i64, Packed)>,
    /// Reads take `&self`; the state's lock makes them one at a time.
    by_to: RefCell<ToIndex>,
}

/// Destination → numbers of its messages, oldest first (with those of any
/// destination sharing its hash: readers compare the message's `To`, and skip
/// numbers of messages dropped since).
#[derive(Default)]
struct ToIndex {
    numbers: HashIndex<u64>,
    /// The first message not indexed yet.
    next: u64,
    /// The oldest message kept when the index was last built anew; the entries of
    /// messages dropped since stay until they outnumber the messages kept.
    built_at: u64,
}

impl ToIndex {
    /// Indexes the messages that arrived since the last call.
    fn catch_up(&mut self, start: u64, messages: &VecDeque<(i64, Packed)>) {
        if start.saturating_sub(self.built_at) > messages.len() as u64 {
            self.numbers = HashIndex::default();
            self.numbers.reserve(messages.len());
            self.built_at = start;
        }
        let from = self.next.max(start);
        let skip = usize::try_from(from - start).unwrap_or(usize::MAX);
        for (number, (_, message)) in (from..).zip(messages.iter().skip(skip)) {
            let to = self.numbers.key(message.view().to);
            self.numbers.push(to, number);
        }
        self.next = start + messages.len() as u64;
    }
}

/// An [`OutboxMessage`] as kept: its texts in one allocation (`crate::packed`).
pub(crate) struct Packed {
    texts: Texts<9>,
    has_code: bool,
}

/// A kept message, borrowed: serialises exactly as an [`OutboxMessage`].
#[derive(Serialize)]
pub(crate) struct Message<'a> {
    pub sid: &'a str,
    pub channel: &'a str,
    pub to: &'a str,
    pub locale: &'a str,
    pub body: &'a str,
    pub code: Option<&'a str>,
    pub service_sid: &'a str,
    pub verification_sid: &'a str,
    pub date_created: &'a str,
}

impl Packed {
    fn new(m: &Message<'_>) -> Packed {
        Packed {
            texts: Texts::new([
                m.sid,
                m.channel,
                m.to,
                m.locale,
                m.body,
                m.code.unwrap_or(""),
                m.service_sid,
                m.verification_sid,
                m.date_created,
            ]),
            has_code: m.code.is_some(),
        }
    }

    fn field(&self, i: usize) -> &str {
        self.texts.get(i)
    }

    pub fn view(&self) -> Message<'_> {
        Message {
            sid: self.field(0),
            channel: self.field(1),
            to: self.field(2),
            locale: self.field(3),
            body: self.field(4),
            code: self.has_code.then(|| self.field(5)),
            service_sid: self.field(6),
            verification_sid: self.field(7),
            date_created: self.field(8),
        }
    }
}

impl<'a> From<&'a OutboxMessage> for Message<'a> {
    fn from(m: &'a OutboxMessage) -> Message<'a> {
        Message {
            sid: &m.sid,
            channel: &m.channel,
            to: &m.to,
            locale: &m.locale,
            body: &m.body,
            code: m.code.as_deref(),
            service_sid: &m.service_sid,
            verification_sid: &m.verification_sid,
            date_created: &m.date_created,
        }
    }
}

impl Message<'_> {
    pub fn to_owned(&self) -> OutboxMessage {
        OutboxMessage {
            sid: self.sid.to_owned(),
            channel: self.channel.to_owned(),
            to: self.to.to_owned(),
            locale: self.locale.to_owned(),
            body: self.body.to_owned(),
            code: self.code.map(str::to_owned),
            service_sid: self.service_sid.to_owned(),
            verification_sid: self.verification_sid.to_owned(),
            date_created: self.date_created.to_owned(),
        }
    }
}

impl Outbox {
    pub fn push(&mut self, time: i64, message: Message<'_>) {
        self.messages.push_back((time, Packed::new(&message)));
    }

    /// Room for `n` messages in all.
    pub fn reserve(&mut self, n: usize) {
        self.messages.reserve(n.saturating_sub(self.messages.len()));
    }

    /// The number the next message will get.
    pub fn end(&self) -> u64 {
        self.start + self.messages.len() as u64
    }

    pub fn start(&self) -> u64 {
        self.start
    }

    pub fn len(&self) -> usize {
        self.messages.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = Message<'_>> {
        self.messages.iter().map(|(_, m)| m.view())
    }

    /// Messages from number `from` on (those kept), oldest first.
    pub fn since(&self, from: u64) -> impl Iterator<Item = Message<'_>> {
        let skip = from.saturating_sub(self.start) as usize;
        self.messages.iter().skip(skip).map(|(_, m)| m.view())
    }

    /// Drops every message: the numbers carry on from where they were.
    pub fn clear(&mut self) {
        self.start = self.end();
        self.messages.clear();
        self.by_to = RefCell::default();
    }

    /// Drops the oldest `n` messages (all of them if there are fewer).
    pub fn drop_oldest(&mut self, n: u64) {
        for _ in 0..n {
            if self.pop_front().is_none() {
                break;
            }
        }
    }

    fn pop_front(&mut self) -> Option<Packed> {
        let (_, message) = self.messages.pop_front()?;
        self.start += 1;
        Some(message)
    }

    /// Keeps at most `max_count` messages, none sent before `oldest` (Unix seconds);
    /// the messages dropped go into `dropped`.
    pub fn prune(&mut self, max_count: usize, oldest: i64, dropped: &mut Vec<Packed>) {
        while let Some((time, _)) = self.messages.front() {
            if self.messages.len() <= max_count && *time >= oldest {
                break;
            }
            dropped.extend(self.pop_front());
        }
    }

    /// The messages to `to` (or all) on `channel` (or any), oldest first. With a
    /// destination only its own messages are looked at.
    pub fn matching<'a>(&'a self, to: Option<&str>, channel: Option<&'a str>) -> Vec<Message<'a>> {
        let on_channel = |m: &Message<'_>| channel.is_none_or(|c| m.channel == c);
        match to {
            Some(to) => {
                let mut by_to = self.by_to.borrow_mut();
                by_to.catch_up(self.start, &self.messages);
                let numbers = &by_to.numbers;
                (numbers.candidates(numbers.key(to)))
                    .filter_map(|&n| {
                        let index = usize::try_from(n.checked_sub(self.start)?).ok()?;
                        self.messages.get(index).map(|(_, m)| m.view())
                    })
                    .filter(|m| m.to == to)
                    .filter(on_channel)
                    .collect()
            }
            None => self.iter().filter(on_channel).collect(),
        }
    }
}

/// In the state file and snapshots the outbox is the plain list of messages it
/// always was.
impl Serialize for Outbox {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Outbox {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let messages = Vec::<OutboxMessage>::deserialize(deserializer)?;
        let mut outbox = Outbox::default();
        outbox.extend(messages);
        Ok(outbox)
    }
}

impl Extend<OutboxMessage> for Outbox {
    fn extend<I: IntoIterator<Item = OutboxMessage>>(&mut self, messages: I) {
        for message in messages {
            // A hand-edited date that does not parse never ages out; the count limit
            // still applies.
            let time = parse_time(&message.date_created).unwrap_or(i64::MAX);
            self.push(time, Message::from(&message));
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn message(n: u32, to: &str, channel: &str) -> OutboxMessage {
        OutboxMessage {
            sid: format!("SM{n}"),
            channel: channel.into(),
            to: to.into(),
            locale: "en".into(),
            body: String::new(),
            code: n.is_multiple_of(3).then(|| format!("12{n}")),
            service_sid: "VA1".into(),
            verification_sid: "VE1".into(),
            date_created: crate::clock::format_time(i64::from(n)),
        }
    }

    fn sids(found: Vec<Message<'_>>) -> Vec<&str> {
        found.into_iter().map(|m| m.sid).collect()
    }

    #[test]
    fn a_read_indexes_what_arrived_since_and_starts_anew_once_drops_outnumber_the_kept() {
        let mut outbox = Outbox::default();
        for n in 0..4 {
            outbox.push(i64::from(n), Message::from(&message(n, "+1", "sms")));
        }
        assert_eq!(
            sids(outbox.matching(Some("+1"), None)),
            ["SM0", "SM1", "SM2", "SM3"]
        );
        for n in 4..20 {
            let to = if n % 2 == 1 { "+1" } else { "+2" };
            outbox.push(i64::from(n), Message::from(&message(n, to, "sms")));
            outbox.prune(4, 0, &mut Vec::new());
        }
        assert_eq!(sids(outbox.matching(Some("+1"), None)), ["SM17", "SM19"]);
        assert_eq!(sids(outbox.matching(Some("+2"), None)), ["SM16", "SM18"]);
        let by_to = outbox.by_to.borrow();
        let entries = by_to.numbers.candidates(by_to.numbers.key("+1")).count();
        assert_eq!(entries, 2, "built anew: no entries of the 16 dropped");
    }

    #[test]
    fn the_index_follows_pruning_and_clearing() {
        let mut outbox = Outbox::default();
        for n in 0..6 {
            let to = if n % 2 == 0 { "+1" } else { "+2" };
            outbox.push(
                i64::from(n),
                Message::from(&message(n, to, if n == 4 { "call" } else { "sms" })),
            );
        }
        assert_eq!(
            sids(outbox.matching(Some("+1"), None)),
            ["SM0", "SM2", "SM4"]
        );
        assert_eq!(
            sids(outbox.matching(Some("+1"), Some("sms"))),
            ["SM0", "SM2"]
        );
        outbox.prune(4, 0, &mut Vec::new());
        assert_eq!((outbox.start(), outbox.len()), (2, 4));
        assert_eq!(sids(outbox.matching(Some("+1"), None)), ["SM2", "SM4"]);
        let mut dropped = Vec::new();
        outbox.prune(10, 4, &mut dropped);
        assert_eq!(dropped.len(), 2);
        assert_eq!(sids(outbox.matching(None, None)), ["SM4", "SM5"]);
        let oldest = outbox.iter().next().unwrap().to_owned();
        assert_eq!(
            oldest,
            message(4, "+1", "call"),
            "a message without a code too"
        );
        assert_eq!(sids(outbox.since(5).collect()), ["SM5"]);
        outbox.clear();
        assert_eq!((outbox.start(), outbox.len(), outbox.end()), (6, 0, 6));
        assert!(outbox.matching(Some("+1"), None).is_empty());
        outbox.push(9, Message::from(&message(9, "+1", "sms")));
        let kept = outbox.iter().last().unwrap().to_owned();
        assert_eq!(kept, message(9, "+1", "sms"), "every field comes back");
        assert_eq!(sids(outbox.matching(Some("+1"), None)), ["SM9"]);
    }
}
