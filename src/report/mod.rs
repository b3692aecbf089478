//! Reports of SPEC §9: built-in tera templates, embedded in the binary; a file of the same name
//! in the records repo's templates/ replaces one.

pub mod disclosure;
pub mod mask;

use std::path::Path;

use serde_json::Value;

use crate::findings::{Lang, Msg};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Md,
    Html,
    Csv,
    Json,
}

impl Format {
    pub fn ext(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Html => "html",
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }
}

/// The built-in templates, by file name.
pub const BUILT_IN: &[(&str, &str)] = &[("disclosure.md.tera", include_str!("../../templates/disclosure.md.tera"))];

/// Renders a template with a context. The records repo's `templates/NAME` (when `dir` is given)
/// wins over the built-in one of that name.
pub fn render_template(dir: Option<&Path>, name: &str, context: &Value) -> Result<String, Msg> {
    let own = dir.map(|d| d.join("templates").join(name));
    let source = match own.map(std::fs::read_to_string) {
        Some(Ok(s)) => s,
        _ => BUILT_IN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| (*s).to_owned())
            .ok_or_else(|| Msg::new(format!("没有模板 {name}"), format!("there is no template {name}")))?,
    };
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html.tera"]);
    tera.add_raw_template(name, &source).map_err(|e| template_error(name, &e))?;
    let ctx = tera::Context::from_value(context.clone()).map_err(|e| template_error(name, &e))?;
    tera.render(name, &ctx).map_err(|e| template_error(name, &e))
}

fn template_error(name: &str, e: &tera::Error) -> Msg {
    let mut detail = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        detail.push_str(&format!(": {s}"));
        src = s.source();
    }
    Msg::new(format!("模板 {name} 出错：{detail}"), format!("template {name} failed: {detail}"))
}

/// A template's words in the reader's language: `(key, Chinese, English)`.
pub fn labels(lang: Lang, items: &[(&str, &str, &str)]) -> Value {
    Value::Object(
        items
            .iter()
            .map(|(k, zh, en)| ((*k).to_owned(), Value::String(lang.pick(zh, en).to_owned())))
            .collect(),
    )
}
