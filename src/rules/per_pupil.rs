//! Values kept per pupil and period over the ledger, e.g. what each family paid for a month.

use std::hash::Hash;

use crate::records::fast_hash::FastMap;

/// Whose value: a pupil of the roster (by its place in `records.pupils`), or an id it lacks.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub enum Who<'a> {
    Known(usize),
    Unknown(&'a str),
}

/// Keys whose values of the roster's pupils [`PerPupil`] keeps in a vector by place each.
pub(crate) const DENSE_KEYS: usize = 24;

/// A value per pupil and key. For the first [`DENSE_KEYS`] keys, the values of the roster's
/// pupils are kept in a vector by place (a map of a district's 150,000 sums was most of
/// `fees/over-standard`'s time); the others in a map.
pub(crate) struct PerPupil<'a, K, V> {
    pupils: usize,
    keys: Vec<K>,
    by_place: Vec<Vec<Option<V>>>,
    /// The last key looked up and its place in `keys`: rows come in runs of one period.
    last: Option<(K, usize)>,
    rest: FastMap<(Who<'a>, K), V>,
}

impl<'a, K: Copy + Eq + Hash, V: Clone> PerPupil<'a, K, V> {
    /// For a roster of `pupils` pupils.
    pub(crate) fn new(pupils: usize) -> Self {
        PerPupil {
            pupils,
            keys: Vec::new(),
            by_place: Vec::new(),
            last: None,
            rest: FastMap::default(),
        }
    }

    /// The value of `who` for `key`, made by `init` the first time.
    pub(crate) fn entry(&mut self, who: Who<'a>, key: K, init: impl FnOnce() -> V) -> &mut V {
        match (self.dense(key), who) {
            (Some(k), Who::Known(place)) => self.by_place[k][place].get_or_insert_with(init),
            _ => self.rest.entry((who, key)).or_insert_with(init),
        }
    }

    /// The place of `key` among the dense keys, adding it while there is room.
    fn dense(&mut self, key: K) -> Option<usize> {
        if let Some((k, i)) = self.last
            && k == key
        {
            return Some(i);
        }
        let i = self.keys.iter().position(|k| *k == key).or_else(|| {
            (self.keys.len() < DENSE_KEYS).then(|| {
                self.keys.push(key);
                self.by_place.push(vec![None; self.pupils]);
                self.keys.len() - 1
            })
        });
        self.last = i.map(|i| (key, i));
        i
    }

    /// Every value with its pupil and key, in no particular order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = ((Who<'a>, K), &V)> + '_ {
        let dense = self.keys.iter().zip(&self.by_place).flat_map(|(&key, values)| {
            values
                .iter()
                .enumerate()
                .filter_map(move |(place, v)| v.as_ref().map(|v| ((Who::Known(place), key), v)))
        });
        self.rest.iter().map(|(&k, v)| (k, v)).chain(dense)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_values_in_the_vectors_and_the_map() {
        let mut sums: PerPupil<u32, i64> = PerPupil::new(3);
        for key in 0..DENSE_KEYS as u32 + 3 {
            for who in [Who::Known(0), Who::Known(2), Who::Unknown("X")] {
                *sums.entry(who, key, || 0) += i64::from(key);
                *sums.entry(who, key, || 100) += 1;
            }
        }
        let all: Vec<_> = sums.iter().collect();
        assert_eq!(all.len(), 3 * (DENSE_KEYS + 3));
        assert!(all.iter().all(|((_, key), v)| **v == i64::from(*key) + 1));
        for who in [Who::Known(0), Who::Known(2), Who::Unknown("X")] {
            assert_eq!(all.iter().filter(|((w, _), _)| *w == who).count(), DENSE_KEYS + 3);
        }
    }
}
