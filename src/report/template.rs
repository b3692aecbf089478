//! Rendering a template in a sandbox. A records repo's own templates are written by whoever can
//! push to it, and the reports they make are public, so a template
//! - sees the report's context and nothing else: `get_env` is not there;
//! - reaches only the built-in templates and the real files of the repo's `templates/` (a link
//!   leading out of it is refused);
//! - nests includes, imports and macro calls [`Limits::depth`] deep at most, never in a circle;
//! - loops over `range` [`Limits::range`] numbers at most, in all;
//! - writes [`Limits::output`] bytes at most, within [`Limits::time`].
//!
//! A breach is an error that names the template and says what to do, never a crash: the
//! command ends as a refused one does, releasing the lock it holds (`ledger close` renders the
//! disclosure while holding it).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use tera::{Tera, Value};

use super::{BUILT_IN, markdown, nesting};
use crate::findings::Msg;

#[derive(Clone, Debug)]
pub struct Limits {
    /// Includes, imports and macro calls within one another.
    pub depth: usize,
    /// The numbers all `range` calls of a report give, together.
    pub range: usize,
    /// Bytes of the report.
    pub output: usize,
    pub time: Duration,
}

pub const LIMITS: Limits = Limits {
    depth: 16,
    range: 100_000,
    output: 64 << 20,
    time: Duration::from_secs(60),
};

/// The largest template file read.
const FILE_BYTES: u64 = 1 << 20;

/// The stack the renderer runs on: tera parses and renders by recursion, as deep as tags nest
/// (at most [`nesting::BLOCKS`] within a template, [`Limits::depth`] templates within one
/// another) and as long as a tag's expression (at most [`nesting::TAG_CHARS`]).
const STACK_BYTES: usize = 64 << 20;

/// Renders a template with a context. Every built-in template is loaded, so that one can extend
/// or include another; each file of the records repo's `templates/` (when `dir` is given) is
/// loaded after them and wins over the built-in one of the same name.
pub fn render_template(dir: Option<&Path>, name: &str, context: &impl Serialize) -> Result<String, Msg> {
    render_within(dir, name, context, &LIMITS)
}

fn render_within(dir: Option<&Path>, name: &str, context: &impl Serialize, limits: &Limits) -> Result<String, Msg> {
    let mut sources: Vec<(String, String)> = BUILT_IN.iter().map(|(n, s)| ((*n).to_owned(), (*s).to_owned())).collect();
    let own = match dir {
        Some(dir) => own_templates(dir)?,
        None => Vec::new(),
    };
    let has_own = dir.is_some_and(|d| d.join("templates").is_dir());
    for (file, text) in own {
        sources.retain(|(n, _)| *n != file);
        sources.push((file, text));
    }
    if !sources.iter().any(|(n, _)| n == name) {
        return Err(Msg::new(format!("没有模板 {name}"), format!("there is no template {name}")));
    }
    let sources = reachable(sources, name);
    let failed = |detail: Msg| template_error(has_own, name, detail);
    let context = tera::Context::from_serialize(context).map_err(|e| failed(tera_detail(&e)))?;
    let (tx, rx) = mpsc::channel();
    let (job_name, job_limits) = (name.to_owned(), limits.clone());
    std::thread::Builder::new()
        .name("template".into())
        .stack_size(STACK_BYTES)
        .spawn(move || {
            let _ = tx.send(render_sandboxed(&sources, &job_name, &context, &job_limits));
        })
        .map_err(|e| failed(Msg::new(format!("无法开始渲染：{e}"), format!("cannot start rendering: {e}"))))?;
    match rx.recv_timeout(limits.time) {
        Ok(result) => result.map_err(failed),
        // The render goes on until the process ends, which the error makes it do.
        Err(RecvTimeoutError::Timeout) => {
            let s = limits.time.as_secs();
            Err(failed(Msg::new(
                format!("渲染超过 {s} 秒仍未完成"),
                format!("rendering took longer than {s} s"),
            )))
        }
        Err(RecvTimeoutError::Disconnected) => Err(failed(Msg::new("渲染意外中止", "rendering stopped unexpectedly"))),
    }
}

/// Of `sources`, the template `name` and those it can reach: over and over, every template whose
/// name one of them quotes (`extends`, `include` and `import` name theirs in quotes). Parsing
/// every built-in template was a tenth of a district's `ledger close`; a template another
/// report uses is not parsed, nor checked, for this one.
fn reachable(mut sources: Vec<(String, String)>, name: &str) -> Vec<(String, String)> {
    let quoted = |text: &str, n: &str| ['"', '\'', '`'].iter().any(|q| text.contains(&format!("{q}{n}{q}")));
    let mut keep: Vec<(String, String)> = Vec::new();
    let mut next = vec![name.to_owned()];
    while let Some(n) = next.pop() {
        let Some(at) = sources.iter().position(|(s, _)| *s == n) else {
            continue;
        };
        let (n, text) = sources.swap_remove(at);
        next.extend(sources.iter().filter(|(s, _)| quoted(&text, s)).map(|(s, _)| s.clone()));
        keep.push((n, text));
    }
    keep
}

/// What went wrong, when the sandbox stopped a template: tera's own message only says that a
/// function or a write failed.
type Breach = Arc<Mutex<Option<Msg>>>;

fn stop(breach: &Breach, m: Msg) -> tera::Error {
    let en = m.en.clone();
    if let Ok(mut b) = breach.lock() {
        b.get_or_insert(m);
    }
    tera::Error::msg(en)
}

fn render_sandboxed(sources: &[(String, String)], name: &str, context: &tera::Context, limits: &Limits) -> Result<String, Msg> {
    let breach = Breach::default();
    let mut tera = Tera::default();
    // Every value is escaped for the format of the page the template makes.
    tera.autoescape_on(vec![".html.tera", ".md.tera"]);
    if name.ends_with(".md.tera") {
        tera.set_escape_fn(markdown::escape);
    }
    let b = Arc::clone(&breach);
    tera.register_function("get_env", move |_: &HashMap<String, Value>| {
        Err(stop(
            &b,
            Msg::new(
                "模板不能读取环境变量（get_env），它们可能含有密钥",
                "a template cannot read the environment (get_env): it may hold secrets",
            ),
        ))
    });
    tera.register_function("range", range(limits.range, Arc::clone(&breach)));
    for (file, text) in sources {
        nesting::check_text(file, text)?;
    }
    tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))
        .map_err(|e| tera_detail(&e))?;
    nesting::check(&tera, name, limits.depth)?;
    let mut out = Capped {
        bytes: Vec::new(),
        cap: limits.output,
        breach: Arc::clone(&breach),
    };
    let rendered = tera.render_to(name, context, &mut out);
    if let Some(m) = breach.lock().ok().and_then(|mut b| b.take()) {
        return Err(m);
    }
    rendered.map_err(|e| tera_detail(&e))?;
    String::from_utf8(out.bytes).map_err(|e| Msg::new(format!("输出不是 UTF-8：{e}"), format!("the output is not UTF-8: {e}")))
}

/// Tera's `range`, with a budget for all the calls of one report: `range(end=10000000000)` would
/// not fit in memory, and nested ranges would run for days.
fn range(limit: usize, breach: Breach) -> impl Fn(&HashMap<String, Value>) -> tera::Result<Value> + Send + Sync {
    let left = Mutex::new(limit);
    move |args| {
        let number = |key: &str, default: Option<usize>| match args.get(key) {
            Some(v) => v
                .as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| tera::Error::msg(format!("range: {key} must be a whole number, not {v}"))),
            None => default.ok_or_else(|| tera::Error::msg(format!("range needs {key}="))),
        };
        let (start, end, step) = (number("start", Some(0))?, number("end", None)?, number("step_by", Some(1))?);
        if step == 0 {
            return Err(tera::Error::msg("range: step_by must be 1 or more"));
        }
        if start > end {
            return Err(tera::Error::msg("range: start is greater than end"));
        }
        let count = (end - start).div_ceil(step);
        let mut left = left.lock().map_err(|_| tera::Error::msg("range"))?;
        if count > *left {
            return Err(stop(
                &breach,
                Msg::new(
                    format!("range 要循环 {count} 次；一份报表的 range 合计最多 {limit} 个数"),
                    format!("range would loop {count} times; the ranges of a report give at most {limit} numbers in all"),
                ),
            ));
        }
        *left -= count;
        Ok(Value::Array((start..end).step_by(step).map(Value::from).collect()))
    }
}

/// The report as it is written, refused past its cap.
struct Capped {
    bytes: Vec<u8>,
    cap: usize,
    breach: Breach,
}

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > self.cap {
            let mib = self.cap >> 20;
            stop(
                &self.breach,
                Msg::new(format!("报表超过 {mib} MiB"), format!("the report grew past {mib} MiB")),
            );
            return Err(std::io::Error::other("the report is too large"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The records repo's own templates: `templates/*.tera`, by file name. Only real files inside
/// `templates/` are read: a link may point to another file there, not out of it.
fn own_templates(dir: &Path) -> Result<Vec<(String, String)>, Msg> {
    let folder = dir.join("templates");
    let Ok(list) = std::fs::read_dir(&folder) else {
        return Ok(Vec::new());
    };
    let unreadable = |what: &str, e: &dyn std::fmt::Display| Msg::new(format!("无法读取 {what}：{e}"), format!("cannot read {what}: {e}"));
    let root = std::fs::canonicalize(dir).map_err(|e| unreadable(&dir.display().to_string(), &e))?;
    let real_folder = std::fs::canonicalize(&folder).map_err(|e| unreadable("templates/", &e))?;
    if !real_folder.starts_with(&root) {
        return Err(Msg::new(
            format!(
                "templates/ 指向记录目录之外（{}）；请把它换成记录目录中的文件夹",
                real_folder.display()
            ),
            format!(
                "templates/ leads outside the records directory (to {}); make it a folder of the records",
                real_folder.display()
            ),
        ));
    }
    let mut out = Vec::new();
    for entry in list.flatten() {
        let Ok(file) = entry.file_name().into_string() else { continue };
        if !file.ends_with(".tera") || file.starts_with('.') {
            continue;
        }
        let shown = format!("templates/{file}");
        let real = real_file(&entry.path(), &real_folder).map_err(|why| why.prefixed(&format!("{shown} "), &format!("{shown} ")))?;
        let bytes = std::fs::read(&real).map_err(|e| unreadable(&shown, &e))?;
        let text = crate::records::text::decode(&bytes)
            .map_err(|m| m.prefixed(&format!("{shown}："), &format!("{shown}: ")))?
            .text;
        out.push((file, text));
    }
    out.sort();
    Ok(out)
}

/// The file a template's path leads to, when it is a file of `folder` no larger than
/// [`FILE_BYTES`]; else why not, to follow its name.
fn real_file(path: &Path, folder: &Path) -> Result<PathBuf, Msg> {
    let real = std::fs::canonicalize(path).map_err(|e| Msg::new(format!("无法读取：{e}"), format!("cannot be read: {e}")))?;
    if !real.starts_with(folder) {
        return Err(Msg::new(
            format!(
                "指向 templates/ 之外（{}）；只读取 templates/ 中的文件，请用文件本身替换这个链接",
                real.display()
            ),
            format!(
                "leads outside templates/ (to {}); only files in templates/ are read: put the file itself in place of the link",
                real.display()
            ),
        ));
    }
    let meta = std::fs::metadata(&real).map_err(|e| Msg::new(format!("无法读取：{e}"), format!("cannot be read: {e}")))?;
    if !meta.is_file() {
        return Err(Msg::new("不是文件", "is not a file"));
    }
    if meta.len() > FILE_BYTES {
        let kib = FILE_BYTES >> 10;
        return Err(Msg::new(format!("大于 {kib} KiB"), format!("is larger than {kib} KiB")));
    }
    Ok(real)
}

/// Tera's message and the causes under it.
fn tera_detail(e: &tera::Error) -> Msg {
    let mut detail = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        detail.push_str(&format!(": {s}"));
        src = s.source();
    }
    Msg::new(detail.clone(), detail)
}

fn template_error(own: bool, name: &str, detail: Msg) -> Msg {
    let (zh, en) = if own {
        (
            "；如果是 templates/ 中自己的模板，请改正它，或删除它以使用内置模板",
            "; if it is one of your own in templates/, correct it, or delete it to use the built-in one",
        )
    } else {
        ("", "")
    };
    Msg::new(
        format!("模板 {name} 出错：{}{zh}", detail.zh),
        format!("template {name} failed: {}{en}", detail.en),
    )
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    fn repo(template: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("templates")).unwrap();
        std::fs::write(dir.path().join("templates/x.md.tera"), template).unwrap();
        dir
    }

    #[test]
    fn a_render_that_runs_too_long_is_stopped() {
        let dir = repo("{% for a in range(end=100000) %}{% for b in range(end=100000) %}{% endfor %}{% endfor %}");
        let limits = Limits {
            range: usize::MAX,
            time: Duration::from_millis(100),
            ..LIMITS
        };
        let start = Instant::now();
        let err = render_within(Some(dir.path()), "x.md.tera", &serde_json::json!({}), &limits).unwrap_err();
        assert!(start.elapsed() < Duration::from_secs(5));
        assert!(err.en.contains("x.md.tera") && err.en.contains("longer than"), "{}", err.en);
    }

    #[test]
    fn ranges_share_one_budget() {
        let limits = Limits { range: 100, ..LIMITS };
        let dir = repo("{% for a in range(end=10) %}{% for b in range(end=9) %}.{% endfor %}{% endfor %}");
        assert_eq!(
            render_within(Some(dir.path()), "x.md.tera", &serde_json::json!({}), &limits)
                .unwrap()
                .len(),
            90
        );
        let dir = repo("{% for a in range(end=10) %}{% for b in range(end=10) %}.{% endfor %}{% endfor %}");
        let err = render_within(Some(dir.path()), "x.md.tera", &serde_json::json!({}), &limits).unwrap_err();
        assert!(err.en.contains("at most 100"), "{}", err.en);
        // The rest of tera's range is as it was.
        let dir = repo("{{ range(start=2, end=9, step_by=3) | join(sep=\",\") }}");
        assert_eq!(
            render_within(Some(dir.path()), "x.md.tera", &serde_json::json!({}), &LIMITS).unwrap(),
            "2,5,8"
        );
    }

    #[test]
    fn a_template_is_parsed_with_the_templates_it_names_and_theirs() {
        let t = |n: &str, text: &str| (n.to_owned(), text.to_owned());
        let sources = vec![
            t("base.md.tera", "{% block b %}{% endblock b %}{% include 'part.md.tera' %}"),
            t("part.md.tera", "{% import `macros.tera` as m %}{% include \"x.md.tera\" %}"),
            t("macros.tera", "{% macro m() %}{% endmacro m %}"),
            t("other.md.tera", "{% include \"part.md.tera\" %}"),
            t("x.md.tera", "{% extends \"base.md.tera\" %}"),
            t("part.md", "named in part of another name only"),
        ];
        let mut kept: Vec<String> = reachable(sources.clone(), "x.md.tera").into_iter().map(|(n, _)| n).collect();
        kept.sort();
        assert_eq!(kept, ["base.md.tera", "macros.tera", "part.md.tera", "x.md.tera"]);
        assert_eq!(reachable(sources, "nothing.md.tera"), vec![]);
        // A broken template of another report does not stop this one; its own report says so.
        let dir = repo("{{ 1 + 1 }}");
        std::fs::write(dir.path().join("templates/broken.md.tera"), "{% if %}").unwrap();
        assert_eq!(
            render_within(Some(dir.path()), "x.md.tera", &serde_json::json!({}), &LIMITS).unwrap(),
            "2"
        );
        assert!(render_within(Some(dir.path()), "broken.md.tera", &serde_json::json!({}), &LIMITS).is_err());
    }
}
