//! Staff checks (二(五), 四(二)): signed, qualifications reviewed and, for outside staff, a
//! background check, each by the start of work.

use crate::records::Contract;

pub fn qualified_in_time(c: &Contract) -> bool {
    c.qualified_on.is_some_and(|q| q <= c.starts)
}

pub fn background_checked_in_time(c: &Contract) -> bool {
    c.background_on.is_some_and(|b| b <= c.starts)
}

/// Every check a contract needs, done by the start of work.
pub fn checks_ok(c: &Contract) -> bool {
    c.signed_on <= c.starts && qualified_in_time(c) && (!c.kind.needs_background_check() || background_checked_in_time(c))
}
