//! Maps keyed by short ids and small values, with rustc's hash: SipHash's resistance to chosen
//! keys buys nothing here, the records are the user's own files.

pub type FastMap<K, V> = rustc_hash::FxHashMap<K, V>;
pub type FastSet<K> = rustc_hash::FxHashSet<K>;
