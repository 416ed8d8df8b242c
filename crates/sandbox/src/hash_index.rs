//! An index from a text key to values, kept by the key's 64-bit hash rather than
//! by the key.
//!
//! The Sandbox's destination indexes (the outbox by `To`, pending verifications by
//! service and `To`) gain an entry for every message or verification to a new
//! number and keep 100,000. Keyed by the text, each entry cost an allocation to make, a cache miss
//! to compare, and another to free when it went; keyed by its hash it costs none of
//! them. Two keys may share a hash, so an entry holds candidates: a reader confirms
//! each against the record it names (the message's `To`, the verification's
//! service and `To`), and keys sharing a hash only share an entry.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hash};

pub(crate) struct HashIndex<T> {
    /// By [`Hashed`] key, itself a hash: hashed again only to spread it.
    entries: HashMap<u64, Candidates<T>, foldhash::fast::RandomState>,
    hasher: foldhash::fast::RandomState,
}

/// The values of one hash, oldest first: nearly always only `first`, so the rest
/// are boxed to keep the table's slots small (a slot read is a cache miss).
struct Candidates<T> {
    first: T,
    #[expect(
        clippy::box_collection,
        reason = "a box is one word in the slot, a deque four"
    )]
    rest: Option<Box<VecDeque<T>>>,
}

impl<T> Default for HashIndex<T> {
    fn default() -> Self {
        HashIndex {
            entries: HashMap::default(),
            hasher: foldhash::fast::RandomState::default(),
        }
    }
}

/// A key as this index knows it. Keeping it saves hashing the key's text again,
/// as the retention order does for a verification whose texts have long left the
/// cache.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hashed(u64);

impl<T> HashIndex<T> {
    pub fn key(&self, key: impl Hash) -> Hashed {
        Hashed(self.hasher.hash_one(key))
    }

    /// Room for `n` keys in all.
    pub fn reserve(&mut self, n: usize) {
        self.entries.reserve(n.saturating_sub(self.entries.len()));
    }

    /// Adds `value` under `key`, after the values already there.
    pub fn push(&mut self, key: Hashed, value: T) {
        match self.entries.entry(key.0) {
            Entry::Vacant(entry) => {
                entry.insert(Candidates {
                    first: value,
                    rest: None,
                });
            }
            Entry::Occupied(mut entry) => (entry.get_mut().rest)
                .get_or_insert_default()
                .push_back(value),
        }
    }

    /// The values under `key` and under any key sharing its hash, oldest first.
    pub fn candidates(&self, key: Hashed) -> impl DoubleEndedIterator<Item = &T> {
        let entry = self.entries.get(&key.0);
        let first = entry.map(|c| &c.first);
        let rest = entry.and_then(|c| c.rest.as_deref()).map(VecDeque::iter);
        first.into_iter().chain(rest.into_iter().flatten())
    }

    /// Removes and answers the oldest value under `key` that `is` picks.
    pub fn remove(&mut self, key: Hashed, is: impl Fn(&T) -> bool) -> Option<T> {
        let Entry::Occupied(mut entry) = self.entries.entry(key.0) else {
            return None;
        };
        let candidates = entry.get_mut();
        if !is(&candidates.first) {
            let rest = candidates.rest.as_deref_mut()?;
            let index = rest.iter().position(is)?;
            return rest.remove(index);
        }
        match candidates.rest.as_deref_mut().and_then(VecDeque::pop_front) {
            Some(next) => Some(std::mem::replace(&mut candidates.first, next)),
            None => Some(entry.remove().first),
        }
    }

    /// How many hashes have values.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_come_back_oldest_first_and_go_one_at_a_time() {
        let mut index = HashIndex::default();
        let (one, two) = (index.key("+14155550101"), index.key("+14155550102"));
        index.push(one, 1);
        index.push(two, 2);
        index.push(index.key("+14155550101"), 3);
        assert_eq!(index.candidates(one).collect::<Vec<_>>(), [&1, &3]);
        assert_eq!(index.remove(one, |&n| n == 1), Some(1));
        assert_eq!(index.remove(one, |&n| n == 1), None);
        assert_eq!(index.candidates(one).collect::<Vec<_>>(), [&3]);
        assert_eq!(index.remove(one, |_| true), Some(3));
        assert_eq!(index.candidates(one).count(), 0);
        assert_eq!(index.candidates(two).collect::<Vec<_>>(), [&2]);
    }

    #[test]
    fn keys_sharing_a_hash_share_an_entry_and_readers_tell_them_apart() {
        // Values of keys "a" and "b" pushed under one hash, as when their keys
        // collide: readers tell them apart by the value.
        let mut index = HashIndex::default();
        let same = index.key(0_u8);
        index.push(same, ("a", 1));
        index.push(same, ("b", 2));
        index.push(same, ("a", 3));
        let of = |index: &HashIndex<(&str, u32)>, key: &str| -> Vec<u32> {
            (index.candidates(same))
                .filter(|(k, _)| *k == key)
                .map(|&(_, n)| n)
                .collect()
        };
        assert_eq!((of(&index, "a"), of(&index, "b")), (vec![1, 3], vec![2]));
        assert_eq!(index.remove(same, |&(k, _)| k == "b"), Some(("b", 2)));
        assert_eq!(index.remove(same, |&(_, n)| n == 1), Some(("a", 1)));
        assert_eq!((of(&index, "a"), of(&index, "b")), (vec![3], vec![]));
        assert_eq!(index.remove(same, |_| true), Some(("a", 3)));
        assert_eq!(index.candidates(same).count(), 0);
    }
}
