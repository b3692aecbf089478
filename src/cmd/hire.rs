//! `care hire`: a staff hiring agreement with the committee (聘用协议, 二(五)).

use super::write::{Write, next_id};
use super::{Env, Outcome};
use crate::cli::{HireArgs, StaffKindArg};
use crate::findings::Msg;
use crate::records::contracts::{COLUMNS, FILE, StaffKind};

pub fn run(env: &Env, a: HireArgs) -> Outcome {
    let mut w = Write::begin(env)?;
    let kind = match a.kind {
        StaffKindArg::Parent => StaffKind::Parent,
        StaffKindArg::Professional => StaffKind::Professional,
        StaffKindArg::School => StaffKind::School,
    };
    let id = match a.id {
        Some(id) => id.trim().to_owned(),
        None => next_id("C", &w.column(FILE, COLUMNS, "contract_id")?, 3),
    };
    let name = a.name.trim().to_owned();
    let opt = |d: Option<crate::records::Date>| d.map(|d| d.to_string()).unwrap_or_default();
    w.append_row(
        FILE,
        COLUMNS,
        &[
            ("contract_id", id.clone()),
            ("name", name.clone()),
            ("kind", kind.as_str().to_owned()),
            ("role", a.role.trim().to_owned()),
            ("signed_on", a.signed_on.to_string()),
            ("starts", a.starts.to_string()),
            ("ends", a.ends.to_string()),
            ("qualified_on", opt(a.qualified_on)),
            ("background_on", opt(a.background_on)),
            ("rate", a.rate.map(|r| r.to_string()).unwrap_or_default()),
            ("unit", a.unit.unwrap_or_default()),
            ("note", a.note.unwrap_or_default()),
        ],
        false,
    )?;
    w.finish(
        Msg::new(
            format!("已登记聘用协议 {id}：{name}，{}～{}", a.starts, a.ends),
            format!("hired {id}: {name}, {} to {}", a.starts, a.ends),
        ),
        &[],
    )
}
