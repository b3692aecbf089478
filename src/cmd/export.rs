//! `care export --out DIR [--format parquet|csv] [--force]`: the school's records as tables,
//! one file each (SPEC §12).

use std::path::Path;
use std::process::ExitCode;

use super::{Env, Failure, Outcome};
use crate::export::{self, Format, SchoolInfo, out::Out};
use crate::findings::Msg;
use crate::output::console;

pub(super) fn run(env: &Env, dir: &Path, format: Format, force: bool) -> Outcome {
    let r = env.records()?;
    let findings = crate::rules::check(&r, env.today);
    let code = export::school_code(r.plan.as_ref(), &env.dir);
    let out = Out::begin(dir, force).map_err(Failure::Refused)?;
    let school = SchoolInfo {
        code: &code,
        today: env.today,
        lang: env.report_lang(),
        empty_tables: true,
    };
    let mut tables = 0;
    let written = export::write_school(&r, &findings, school, &mut |name, fields| {
        tables += 1;
        let path = out.path(&format!("{name}.{}", format.ext()))?;
        export::open(format, &path, name, fields)
    });
    if let Err(e) = written {
        out.abandon();
        return Err(Failure::Refused(export::failed(dir, &e)));
    }
    out.commit().map_err(Failure::Refused)?;
    console::println(&env.say(&Msg::new(
        format!("已导出 {tables} 张表到 {}（{}）", dir.display(), format.ext()),
        format!("wrote {tables} tables to {} ({})", dir.display(), format.ext()),
    )));
    Ok(ExitCode::SUCCESS)
}
