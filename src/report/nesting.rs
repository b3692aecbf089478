//! How deep a template's includes, imports and macro calls nest, worked out from the parsed
//! templates before anything is rendered. Tera follows them by recursion, without a limit: a
//! template that includes itself, a macro that calls itself, or two files that import each
//! other would overflow the stack and end the process. Here a circle is refused, and so is a
//! chain longer than the limit.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use tera::Tera;
use tera::ast::{Expr, ExprVal, Node};

use crate::findings::Msg;

/// A place that can lead into others: a template, or a macro of a template.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Place {
    Template(String),
    Macro { file: String, name: String },
}

impl Place {
    fn describe(&self) -> String {
        match self {
            Place::Template(name) => name.clone(),
            Place::Macro { file, name } => format!("{file}::{name}"),
        }
    }
}

/// Refuses the template `name` when what it leads into nests in a circle or deeper than
/// `limit`.
pub(super) fn check(tera: &Tera, name: &str, limit: usize) -> Result<(), Msg> {
    let mut walk = Walk {
        tera,
        limit,
        height: HashMap::new(),
        path: Vec::new(),
        namespaces: RefCell::default(),
    };
    walk.visit(Place::Template(name.to_owned())).map(|_| ())
}

struct Walk<'t> {
    tera: &'t Tera,
    limit: usize,
    /// The longest chain below each place already walked.
    height: HashMap<Place, usize>,
    /// The places from the template rendered to the one being walked.
    path: Vec<Place>,
    /// The macro namespaces of each template, once worked out.
    namespaces: RefCell<HashMap<String, Rc<HashMap<String, String>>>>,
}

impl Walk<'_> {
    fn visit(&mut self, place: Place) -> Result<usize, Msg> {
        if let Some(at) = self.path.iter().position(|p| *p == place) {
            return Err(self.circle(at, &place));
        }
        let below = match self.height.get(&place) {
            Some(h) => *h,
            None => {
                if self.path.len() >= self.limit {
                    return Err(self.too_deep(&place));
                }
                self.path.push(place.clone());
                let mut h = 0;
                for next in self.leads_to(&place) {
                    h = h.max(1 + self.visit(next)?);
                }
                self.path.pop();
                self.height.insert(place.clone(), h);
                h
            }
        };
        if self.path.len() + below > self.limit {
            return Err(self.too_deep(&place));
        }
        Ok(below)
    }

    fn chain(&self, from: usize, last: &Place) -> String {
        self.path[from..]
            .iter()
            .chain([last])
            .map(Place::describe)
            .collect::<Vec<_>>()
            .join(" → ")
    }

    fn circle(&self, at: usize, place: &Place) -> Msg {
        let chain = self.chain(at, place);
        let what = place.describe();
        match place {
            Place::Template(_) => Msg::new(
                format!("{what} 经由 {chain} 包含或导入了它自己；模板不能循环包含"),
                format!("{what} includes or imports itself ({chain}); templates cannot include each other in a circle"),
            ),
            Place::Macro { .. } => Msg::new(
                format!("宏 {what} 经由 {chain} 调用了它自己；宏不能递归"),
                format!("the macro {what} calls itself ({chain}); macros cannot be recursive"),
            ),
        }
    }

    fn too_deep(&self, place: &Place) -> Msg {
        let chain = self.chain(0, place);
        let limit = self.limit;
        Msg::new(
            format!("包含、导入和宏调用嵌套超过 {limit} 层（{chain} …）"),
            format!("includes, imports and macro calls nest deeper than {limit} levels ({chain} …)"),
        )
    }

    /// The places a place renders: the templates it extends, imports or includes and the
    /// macros it calls.
    fn leads_to(&self, place: &Place) -> Vec<Place> {
        let mut out = Vec::new();
        match place {
            Place::Template(name) => {
                let Ok(t) = self.tera.get_template(name) else { return out };
                out.extend(t.parent.iter().cloned().map(Place::Template));
                out.extend(t.imported_macro_files.iter().map(|(file, _)| Place::Template(file.clone())));
                self.nodes(name, &t.ast, &mut out);
            }
            Place::Macro { file, name } => {
                if let Some(m) = self.tera.get_template(file).ok().and_then(|t| t.macros.get(name)) {
                    self.nodes(file, &m.body, &mut out);
                }
            }
        }
        out
    }

    fn nodes(&self, file: &str, nodes: &[Node], out: &mut Vec<Place>) {
        for node in nodes {
            match node {
                Node::VariableBlock(_, e) => self.expr(file, e, out),
                Node::Include(_, names, _) => out.extend(
                    names
                        .iter()
                        .filter(|n| self.tera.get_template(n).is_ok())
                        .map(|n| Place::Template(n.clone())),
                ),
                Node::Set(_, set) => self.expr(file, &set.value, out),
                Node::FilterSection(_, section, _) => {
                    section.filter.args.values().for_each(|e| self.expr(file, e, out));
                    self.nodes(file, &section.body, out);
                }
                Node::Block(_, block, _) => self.nodes(file, &block.body, out),
                Node::Forloop(_, l, _) => {
                    self.expr(file, &l.container, out);
                    self.nodes(file, &l.body, out);
                    if let Some(body) = &l.empty_body {
                        self.nodes(file, body, out);
                    }
                }
                Node::If(i, _) => {
                    for (_, condition, body) in &i.conditions {
                        self.expr(file, condition, out);
                        self.nodes(file, body, out);
                    }
                    if let Some((_, body)) = &i.otherwise {
                        self.nodes(file, body, out);
                    }
                }
                // A macro's body is walked when a call leads to it.
                Node::MacroDefinition(..)
                | Node::Super
                | Node::Text(_)
                | Node::Extends(..)
                | Node::ImportMacro(..)
                | Node::Raw(..)
                | Node::Break(_)
                | Node::Continue(_)
                | Node::Comment(..) => {}
            }
        }
    }

    fn expr(&self, file: &str, e: &Expr, out: &mut Vec<Place>) {
        self.value(file, &e.val, out);
        for f in &e.filters {
            f.args.values().for_each(|a| self.expr(file, a, out));
        }
    }

    fn value(&self, file: &str, v: &ExprVal, out: &mut Vec<Place>) {
        match v {
            ExprVal::MacroCall(call) => {
                if let Some(macro_file) = self.namespace(file, &call.namespace) {
                    out.push(Place::Macro {
                        file: macro_file,
                        name: call.name.clone(),
                    });
                }
                call.args.values().for_each(|a| self.expr(file, a, out));
            }
            ExprVal::FunctionCall(call) => call.args.values().for_each(|a| self.expr(file, a, out)),
            ExprVal::Math(m) => {
                self.expr(file, &m.lhs, out);
                self.expr(file, &m.rhs, out);
            }
            ExprVal::Logic(l) => {
                self.expr(file, &l.lhs, out);
                self.expr(file, &l.rhs, out);
            }
            ExprVal::In(i) => {
                self.expr(file, &i.lhs, out);
                self.expr(file, &i.rhs, out);
            }
            ExprVal::Test(t) => t.args.iter().for_each(|a| self.expr(file, a, out)),
            ExprVal::Array(items) => items.iter().for_each(|a| self.expr(file, a, out)),
            ExprVal::StringConcat(c) => c.values.iter().for_each(|v| self.value(file, v, out)),
            ExprVal::String(_) | ExprVal::Int(_) | ExprVal::Float(_) | ExprVal::Bool(_) | ExprVal::Ident(_) => {}
        }
    }

    /// The file whose macros `namespace` names in `file`.
    fn namespace(&self, file: &str, namespace: &str) -> Option<String> {
        self.namespaces(file, &mut Vec::new()).get(namespace).cloned()
    }

    /// The macro namespaces of a template, as tera builds them: `self` for its own macros, each
    /// import's name, then the namespaces of the files it imports and of its parents where they
    /// do not take a name it has. `seen` stops at a circle of imports, which is refused anyway.
    fn namespaces(&self, file: &str, seen: &mut Vec<String>) -> Rc<HashMap<String, String>> {
        if let Some(map) = self.namespaces.borrow().get(file) {
            return Rc::clone(map);
        }
        let mut map = HashMap::new();
        let Ok(t) = self.tera.get_template(file) else { return Rc::new(map) };
        if seen.iter().any(|f| f == file) {
            return Rc::new(map);
        }
        seen.push(file.to_owned());
        if !t.macros.is_empty() {
            map.insert("self".to_owned(), file.to_owned());
        }
        for (imported, name) in &t.imported_macro_files {
            map.insert(name.clone(), imported.clone());
            for (n, f) in self.namespaces(imported, seen).iter() {
                map.entry(n.clone()).or_insert_with(|| f.clone());
            }
        }
        for parent in &t.parents {
            for (n, f) in self.namespaces(parent, seen).iter() {
                map.entry(n.clone()).or_insert_with(|| f.clone());
            }
        }
        seen.pop();
        let map = Rc::new(map);
        self.namespaces.borrow_mut().insert(file.to_owned(), Rc::clone(&map));
        map
    }
}

/// How deep a template's `if`, `for`, `block`, `macro` and `filter` tags nest within one
/// another, and its parentheses and brackets within one tag.
pub(super) const BLOCKS: usize = 64;

/// The longest `{{ … }}` or `{% … %}` read: tera parses `a + b + c …` into one nested
/// expression per sign, and evaluates and drops it by recursion.
pub(super) const TAG_CHARS: usize = 4_000;

/// Refuses a template's text whose tags nest deeper than tera's recursive parser and renderer
/// can go on the renderer's stack (checked before tera parses it).
pub(super) fn check_text(name: &str, text: &str) -> Result<(), Msg> {
    let too = |zh: String, en: String| Err(Msg::new(format!("{name}：{zh}"), format!("{name}: {en}")));
    let mut blocks = 0usize;
    let mut rest = text;
    while let Some(at) = rest.find('{') {
        rest = &rest[at + 1..];
        let close = match rest.as_bytes().first() {
            Some(b'#') => "#}",
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            _ => continue,
        };
        let tag_start = &rest[1..];
        if close == "#}" {
            match tag_start.find(close) {
                Some(end) => rest = &tag_start[end + 2..],
                None => return Ok(()),
            }
            continue;
        }
        let Some((tag, after)) = split_tag(tag_start, close) else {
            // An unclosed tag: tera reports it.
            return Ok(());
        };
        rest = after;
        if tag.chars().count() > TAG_CHARS {
            return too(
                format!("有超过 {TAG_CHARS} 个字符的标签"),
                format!("a tag is longer than {TAG_CHARS} characters"),
            );
        }
        if bracket_depth(tag) > BLOCKS {
            return too(
                format!("括号嵌套超过 {BLOCKS} 层"),
                format!("parentheses or brackets nest deeper than {BLOCKS}"),
            );
        }
        if close == "%}" {
            let word = tag.trim_start_matches('-').split_whitespace().next().unwrap_or_default();
            match word {
                "if" | "for" | "block" | "macro" | "filter" => blocks += 1,
                "raw" => match rest.find("endraw") {
                    Some(end) => rest = &rest[end..],
                    None => return Ok(()),
                },
                w if w.starts_with("end") => blocks = blocks.saturating_sub(1),
                _ => {}
            }
            if blocks > BLOCKS {
                return too(
                    format!("if、for 等标签嵌套超过 {BLOCKS} 层"),
                    format!("if, for and other tags nest deeper than {BLOCKS}"),
                );
            }
        }
    }
    Ok(())
}

/// A tag's inside up to `close` outside quotes, and the text after it.
fn split_tag<'a>(text: &'a str, close: &str) -> Option<(&'a str, &'a str)> {
    let mut quote = None;
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, '"' | '\'' | '`') => quote = Some(c),
            None if text[i..].starts_with(close) => return Some((&text[..i], &text[i + close.len()..])),
            None => {}
        }
    }
    None
}

/// The deepest parentheses and brackets of a tag, outside quotes.
fn bracket_depth(tag: &str) -> usize {
    let (mut depth, mut deepest, mut quote) = (0usize, 0, None);
    for c in tag.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' | '`' => quote = Some(c),
                '(' | '[' => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                ')' | ']' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_read_as_tera_reads_them() {
        let deep = |n| format!("{}x{}", "{% if a %}".repeat(n), "{% endif %}".repeat(n));
        assert!(check_text("t", &deep(BLOCKS)).is_ok());
        assert!(check_text("t", &deep(BLOCKS + 1)).is_err());
        // Siblings do not add up.
        assert!(check_text("t", &deep(BLOCKS).repeat(3)).is_ok());
        let parens = |n| format!("{{{{ {}1{} }}}}", "(".repeat(n), ")".repeat(n));
        assert!(check_text("t", &parens(BLOCKS)).is_ok());
        assert!(check_text("t", &parens(BLOCKS + 1)).is_err());
        // What quotes, comments and raw blocks hold is text.
        let quoted = format!("{{{{ \"{}\" ~ '}}}}' }}}}", "(".repeat(100));
        assert!(check_text("t", &quoted).is_ok());
        let commented = format!("{{# {} #}}", "{% if a %}".repeat(100));
        assert!(check_text("t", &commented).is_ok());
        let raw = format!("{{% raw %}}{}{{% endraw %}}", "{% if a %}".repeat(100));
        assert!(check_text("t", &raw).is_ok());
        assert!(check_text("t", &format!("{{{{ {} }}}}", "x".repeat(TAG_CHARS + 1))).is_err());
    }
}
