//! A map kept as one vector sorted by key.
//!
//! Every map the simulator keeps is small (keys, clients, pending requests) or grows at its
//! end (terms, log indexes), where a sorted vector is as fast as a B-tree and far smaller in
//! the browser's WebAssembly: one monomorphised B-tree costs about 2 KB of the gzipped page.

use alloc::vec::Vec;
use core::borrow::Borrow;

/// A map from `K` to `V`, in key order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VecMap<K, V> {
    items: Vec<(K, V)>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap { items: Vec::new() }
    }
}

impl<K: Ord, V> VecMap<K, V> {
    /// An empty map.
    pub const fn new() -> Self {
        VecMap { items: Vec::new() }
    }

    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        // Most inserts land at the end: look there first.
        match self.items.last() {
            None => Err(0),
            Some((last, _)) if last.borrow() < key => Err(self.items.len()),
            _ => self.items.binary_search_by(|(k, _)| k.borrow().cmp(key)),
        }
    }

    /// The value for `key`.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.items[i].1)
    }

    /// Sets the value for `key`, returning the one it replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(core::mem::replace(&mut self.items[i].1, value)),
            Err(i) => {
                self.items.insert(i, (key, value));
                None
            }
        }
    }

    /// Takes the value for `key` out of the map.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.items.remove(i).1)
    }

    /// Empties the map.
    pub fn clear(&mut self) {
        self.items.clear();
    }

    /// How many keys it holds.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether it holds no key.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Every key and value, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.items.iter().map(|(k, v)| (k, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::collections::BTreeMap;

    #[test]
    fn behaves_as_a_btree_map() {
        // The same pseudo-random inserts and removes on both; every step must agree.
        let mut ours = VecMap::new();
        let mut theirs = BTreeMap::new();
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for step in 0..20_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let key = (x % 97) as u32;
            match x % 5 {
                0..=2 => assert_eq!(ours.insert(key, step), theirs.insert(key, step)),
                3 => assert_eq!(ours.remove(&key), theirs.remove(&key)),
                _ => assert_eq!(ours.get(&key), theirs.get(&key)),
            }
            assert_eq!(ours.len(), theirs.len());
        }
        assert!(ours.iter().eq(theirs.iter()));
        ours.clear();
        assert!(ours.is_empty());
    }

    #[test]
    fn looks_up_strings_by_str() {
        let mut m: VecMap<alloc::string::String, u8> = VecMap::new();
        m.insert("b".into(), 2);
        m.insert("a".into(), 1);
        assert_eq!(m.get("a"), Some(&1));
        assert_eq!(
            m.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
    }
}
