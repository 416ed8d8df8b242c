//! Several short texts of one record in a single allocation.
//!
//! The retention keeps 100,000 outbox messages; with a `String` per
//! field each record cost as many allocations to make, and as many cache misses to
//! free when it was dropped, which showed in the cost of every send.

/// `N` texts end to end in one string.
pub(crate) struct Texts<const N: usize> {
    text: Box<str>,
    /// Where each text ends in `text`.
    ends: [u32; N],
}

impl<const N: usize> Texts<N> {
    pub fn new(texts: [&str; N]) -> Texts<N> {
        let mut text = String::with_capacity(texts.iter().map(|t| t.len()).sum());
        let mut ends = [0; N];
        for (end, part) in ends.iter_mut().zip(texts) {
            text.push_str(part);
            *end = u32::try_from(text.len()).unwrap_or(u32::MAX);
        }
        Texts {
            text: text.into_boxed_str(),
            ends,
        }
    }

    /// Text `i` (`""` past the end).
    pub fn get(&self, i: usize) -> &str {
        let start = match i {
            0 => 0,
            _ => self.ends.get(i - 1).copied().unwrap_or(0),
        };
        let end = self.ends.get(i).copied().unwrap_or(0);
        self.text.get(start as usize..end as usize).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_text_comes_back_as_it_went_in() {
        let texts = Texts::new(["VE1", "", "+14155550101", "ünïcode"]);
        assert_eq!(
            (0..5).map(|i| texts.get(i)).collect::<Vec<_>>(),
            ["VE1", "", "+14155550101", "ünïcode", ""]
        );
    }
}
