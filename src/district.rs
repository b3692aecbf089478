//! `care district`'s work over many schools' records directories (SPEC §11): finding them, then
//! reading, checking and reporting each (and exporting its tables) on every core. Schools are
//! taken one at a time by as many workers as rayon has threads, and a school's records are
//! dropped as soon as its row is made: however many schools there are, at most that many are in
//! memory at once.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::domain::district::{self as figures, Scope};
use crate::export::out::Out;
use crate::export::{self, Format, SchoolInfo};
use crate::findings::{Lang, Msg, places};
use crate::records::{Date, Plan, Records, ledger, plan};
use crate::report::district::{Figures, Identity, SchoolRow};
use crate::rules::check_and;
use crate::rules::fees::refunds_due;

/// A directory to report on: a school's records, or one that is not, with the reason.
#[derive(Clone, Debug)]
pub(crate) struct Place {
    pub dir: PathBuf,
    pub problem: Option<Msg>,
    /// The ledger's size, to start with the largest schools.
    size: u64,
}

impl Place {
    fn school(dir: PathBuf) -> Place {
        let size = std::fs::metadata(dir.join(ledger::FILE)).map_or(0, |m| m.len());
        Place { dir, problem: None, size }
    }

    fn not(dir: PathBuf, problem: Msg) -> Place {
        Place {
            dir,
            problem: Some(problem),
            size: 0,
        }
    }

    pub(crate) fn shown(&self) -> String {
        self.dir.display().to_string()
    }
}

fn has_plan(dir: &Path) -> bool {
    dir.join(plan::FILE).is_file()
}

/// The schools of the directories given: a directory holding plan.toml is a school; one whose
/// subdirectories hold plan.toml is searched one level down (hidden ones skipped, each other
/// subdirectory a row that says it is not a records directory); anything else is a row with its
/// reason.
pub(crate) fn discover(dirs: &[PathBuf]) -> Vec<Place> {
    let mut out = Vec::new();
    for d in dirs {
        if has_plan(d) {
            out.push(Place::school(d.clone()));
            continue;
        }
        if !d.exists() {
            out.push(Place::not(d.clone(), Msg::new("不存在", "does not exist")));
            continue;
        }
        let mut subs: Vec<PathBuf> = match std::fs::read_dir(d) {
            Ok(entries) => entries
                .flatten()
                .filter(|e| e.path().is_dir() && !e.file_name().to_string_lossy().starts_with('.'))
                .map(|e| e.path())
                .collect(),
            Err(e) => {
                let m = if d.is_dir() {
                    Msg::new(format!("无法读取：{e}"), format!("cannot be read: {e}"))
                } else {
                    Msg::new("不是文件夹", "is not a directory")
                };
                out.push(Place::not(d.clone(), m));
                continue;
            }
        };
        subs.sort();
        if !subs.iter().any(|s| has_plan(s)) {
            out.push(Place::not(
                d.clone(),
                Msg::new(
                    "不是记录目录：它和它的子文件夹里都没有 plan.toml",
                    "not a records directory: neither it nor its subdirectories hold plan.toml",
                ),
            ));
            continue;
        }
        for s in subs {
            if has_plan(&s) {
                out.push(Place::school(s));
            } else {
                out.push(Place::not(
                    s.clone(),
                    Msg::new("不是记录目录（没有 plan.toml）", "not a records directory (no plan.toml)"),
                ));
            }
        }
    }
    out
}

/// Each school's code, read from its plan alone: the key its rows are exported under.
pub(crate) fn codes(places: &[Place]) -> Vec<String> {
    places
        .par_iter()
        .map(|p| {
            let plan = p.problem.is_none().then(|| read_plan(&p.dir)).flatten();
            export::school_code(plan.as_ref(), &p.dir)
        })
        .collect()
}

fn read_plan(dir: &Path) -> Option<Plan> {
    let bytes = std::fs::read(dir.join(plan::FILE)).ok()?;
    let text = crate::records::text::decode_owned(bytes).ok()?.text;
    plan::load(&text, &mut Vec::new())
}

/// Codes that two or more schools share, with their directories.
pub(crate) fn duplicates(places: &[Place], codes: &[String]) -> BTreeMap<String, Vec<String>> {
    let mut by_code: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (p, c) in places.iter().zip(codes) {
        if p.problem.is_none() {
            by_code.entry(c.clone()).or_default().push(p.shown());
        }
    }
    by_code.retain(|_, dirs| dirs.len() > 1);
    by_code
}

/// The sentence that names the schools sharing a code.
pub(crate) fn duplicate_msg(code: &str, dirs: &[String]) -> Msg {
    Msg::new(
        format!(
            "{} 所学校的代码都是“{code}”：{}；请在各校 plan.toml 的 [school] 中写明不同的 code（或校名）",
            dirs.len(),
            dirs.join("、")
        ),
        format!(
            "{} schools have the code “{code}”: {}; give each its own code (or name) under [school] in its plan.toml",
            dirs.len(),
            dirs.join(", ")
        ),
    )
}

/// What every school is reported over, and where its tables go.
pub(crate) struct Options<'a> {
    pub scope: Scope,
    pub today: Date,
    pub lang: Lang,
    pub export: Option<(&'a Out, Format)>,
}

/// Every place's row, in the order of the places. Fails only when an export cannot be written.
pub(crate) fn survey(places: &[Place], codes: &[String], o: &Options<'_>) -> io::Result<Vec<SchoolRow>> {
    // The largest first, so that no large school is left to run alone at the end.
    let mut order: Vec<usize> = (0..places.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(places[i].size));
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let workers = rayon::current_num_threads().max(1);
    let done: Vec<(usize, io::Result<SchoolRow>)> = (0..workers)
        .into_par_iter()
        .flat_map_iter(|_| {
            let mut mine = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) else {
                    break;
                };
                let row = school(&places[i], &codes[i], o);
                if row.is_err() {
                    stop.store(true, Ordering::Relaxed);
                }
                mine.push((i, row));
            }
            mine
        })
        .collect();
    let mut rows: Vec<Option<SchoolRow>> = vec![None; places.len()];
    for (i, row) in done {
        rows[i] = Some(row?);
    }
    Ok(rows.into_iter().flatten().collect())
}

/// One place's row; its tables exported when asked. Its records are dropped on return.
fn school(place: &Place, code: &str, o: &Options<'_>) -> io::Result<SchoolRow> {
    let lang = o.lang;
    let bare = |problem: String| SchoolRow {
        id: Identity {
            dir: place.shown(),
            code: code.to_owned(),
            ..Identity::default()
        },
        figures: None,
        problem: Some(problem),
        notes: Vec::new(),
    };
    if let Some(p) = &place.problem {
        return Ok(bare(p.get(lang).to_owned()));
    }
    let r = Records::load(&place.dir);
    let Some(plan) = r.plan.as_ref() else {
        let why = r.problems.iter().find(|f| f.file == plan::FILE).map_or_else(
            || lang.pick("plan.toml 无法读取", "plan.toml cannot be read").to_owned(),
            |f| format!("plan.toml:{}: {}", f.line, f.message.get(lang)),
        );
        return Ok(bare(why));
    };
    let period = figures::period(plan, o.scope, o.today);
    // The refunds due for periods that share a day with this one, worked out from the check's
    // own context.
    let (findings, due) = check_and(&r, o.today, |cx| {
        let Some(p) = &period else { return Vec::new() };
        refunds_due(cx)
            .iter()
            .filter(|d| {
                let (from, to) = d.key.days();
                from <= p.to && p.from <= to
            })
            .map(|d| (cx.pupil(d.pupil).id.clone(), d.refund()))
            .collect::<Vec<_>>()
    });
    let mut row = SchoolRow {
        id: Identity::of(&r, place.shown(), code.to_owned(), period.as_ref()),
        figures: period.as_ref().map(|p| Figures::of(&r, &findings, &due, p, o.today)),
        problem: None,
        notes: Vec::new(),
    };
    if period.is_none() {
        row.problem = Some(lang.pick("plan.toml 中没有学期", "plan.toml has no terms").to_owned());
    } else if let Some(at) = places(r.problems.iter().filter(|f| f.is_error())) {
        row.problem = Some(match lang {
            Lang::Zh => format!("有无法读取的记录（{at}），数字不完整"),
            Lang::En => format!("some records cannot be read ({at}): the figures are incomplete"),
        });
    }
    if let Some((out, format)) = o.export {
        let info = SchoolInfo {
            code,
            today: o.today,
            lang,
            empty_tables: false,
        };
        export::write_school(&r, &findings, info, &mut |name, fields| {
            let path = out.path(&export::partition_file(name, code, format))?;
            export::open(format, &path, name, fields)
        })?;
    }
    Ok(row)
}
