//! `care hire`: a staff hiring agreement with the committee (聘用协议, 二(五)).

use super::write::{Write, next_id};
use super::{Env, Outcome};
use crate::cli::{HireArgs, StaffKindArg};
use crate::findings::Msg;
use crate::records::Contract;
use crate::records::contracts::{Contracts, StaffKind};

pub(super) fn run(env: &Env, a: HireArgs) -> Outcome {
    let mut w = Write::begin(env)?;
    let kind = match a.kind {
        StaffKindArg::Parent => StaffKind::Parent,
        StaffKindArg::Professional => StaffKind::Professional,
        StaffKindArg::School => StaffKind::School,
    };
    let id = match a.id {
        Some(id) => id.trim().to_owned(),
        None => next_id("C", &w.column(Contracts::ContractId)?, 3),
    };
    let name = a.name.trim().to_owned();
    w.append::<Contracts>(&Contract {
        line: 0,
        id: id.clone(),
        name: name.clone(),
        kind,
        role: a.role.trim().to_owned(),
        signed_on: a.signed_on,
        starts: a.starts,
        ends: a.ends,
        qualified_on: a.qualified_on,
        background_on: a.background_on,
        rate: a.rate,
        unit: a.unit,
        note: a.note,
    })?;
    w.finish(
        Msg::new(
            format!("已登记聘用协议 {id}：{name}，{}～{}", a.starts, a.ends),
            format!("hired {id}: {name}, {} to {}", a.starts, a.ends),
        ),
        &[],
    )
}
