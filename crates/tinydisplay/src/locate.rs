//! Field path (`widgets[3].animate[0].keys[1].t`) to line and column in the scene text.
//!
//! The scene model keeps no spans (it is also built from snapshots, which have no text), so
//! validation reports a path; the loader maps it back to the text here, for TOML through the
//! parser's spanned tree and for JSON through a small index of value offsets built over the
//! (already parsed, so valid) text. When the field itself is absent (a missing `bitmap`, say),
//! the position of the deepest enclosing value is given: that is where it should be added.

use alloc::vec::Vec;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// 1-based line and column (in characters) of byte `offset` in `bytes`.
pub(crate) fn line_col(bytes: &[u8], offset: usize) -> (u32, u32) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let col = before[line_start..]
        .iter()
        .filter(|&&b| (b & 0xC0) != 0x80)
        .count()
        + 1;
    (line as u32, col as u32)
}

/// One step of a field path: `a.b[2][0].c` is `a`, `b`, 2, 0, `c`.
#[derive(Debug, PartialEq)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

fn path_steps(path: &str) -> Vec<Step<'_>> {
    let mut steps = Vec::new();
    for seg in path.split('.') {
        let (key, indices) = seg.split_at(seg.find('[').unwrap_or(seg.len()));
        if !key.is_empty() {
            steps.push(Step::Key(key));
        }
        for idx in indices.split(['[', ']']).filter(|s| !s.is_empty()) {
            match idx.parse() {
                Ok(i) => steps.push(Step::Index(i)),
                Err(_) => return steps,
            }
        }
    }
    steps
}

/// The scene text, indexed once so that many paths can be located cheaply.
pub(crate) struct Index<'a> {
    text: &'a str,
    tree: Tree<'a>,
}

enum Tree<'a> {
    Toml(Spanned<DeTable<'a>>),
    Json(JsonValue<'a>),
}

impl<'a> Index<'a> {
    /// `None` if the text does not parse (then its errors carry their own positions).
    pub(crate) fn toml(text: &'a str) -> Option<Index<'a>> {
        let doc = DeTable::parse(text).ok()?;
        Some(Index {
            text,
            tree: Tree::Toml(doc),
        })
    }

    pub(crate) fn json(text: &'a str) -> Option<Index<'a>> {
        let mut scan = JsonScan {
            b: text.as_bytes(),
            i: 0,
        };
        let value = scan.value(0)?;
        Some(Index {
            text,
            tree: Tree::Json(value),
        })
    }

    /// Line and column of the value at `path`, or of the deepest enclosing value that exists.
    pub(crate) fn locate(&self, path: &str) -> (u32, u32) {
        let steps = path_steps(path);
        let offset = match &self.tree {
            Tree::Toml(doc) => toml_offset(doc, &steps),
            Tree::Json(v) => json_offset(v, &steps),
        };
        line_col(self.text.as_bytes(), offset)
    }
}

fn toml_offset(doc: &Spanned<DeTable<'_>>, steps: &[Step<'_>]) -> usize {
    let mut span = doc.span();
    let mut value: Option<&DeValue<'_>> = None;
    let mut table = Some(doc.get_ref());
    for step in steps {
        match step {
            Step::Key(key) => {
                let t = match (table.take(), value) {
                    (Some(t), _) | (None, Some(DeValue::Table(t))) => t,
                    _ => break,
                };
                let Some((_, v)) = t.iter().find(|(k, _)| k.get_ref().as_ref() == *key) else {
                    break;
                };
                span = v.span();
                value = Some(v.get_ref());
            }
            Step::Index(i) => {
                let Some(DeValue::Array(a)) = value else {
                    break;
                };
                let Some(item) = a.get(*i) else { break };
                span = item.span();
                value = Some(item.get_ref());
            }
        }
    }
    span.start
}

fn json_offset(root: &JsonValue<'_>, steps: &[Step<'_>]) -> usize {
    let mut here = root;
    for step in steps {
        let next = match (step, &here.kind) {
            (Step::Key(k), JsonKind::Object(members)) => {
                members.iter().find(|(name, _)| name == k).map(|(_, v)| v)
            }
            (Step::Index(i), JsonKind::Array(items)) => items.get(*i),
            _ => None,
        };
        match next {
            Some(v) => here = v,
            None => break,
        }
    }
    here.start
}

/// A JSON value's byte offset and, for objects and arrays, its members.
struct JsonValue<'a> {
    start: usize,
    kind: JsonKind<'a>,
}

enum JsonKind<'a> {
    /// Member names as written (escapes left as they are: field names have none).
    Object(Vec<(&'a str, JsonValue<'a>)>),
    Array(Vec<JsonValue<'a>>),
    Scalar,
}

/// serde_json refuses deeper nesting, so valid scene text never reaches this.
const JSON_MAX_DEPTH: usize = 128;

/// A forward scanner over valid JSON; `None` on anything it does not expect.
struct JsonScan<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> JsonScan<'a> {
    fn ws(&mut self) {
        while self.b.get(self.i).is_some_and(|c| c.is_ascii_whitespace()) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.b.get(self.i) == Some(&c)).then(|| self.i += 1)
    }

    fn string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.i;
        while *self.b.get(self.i)? != b'"' {
            self.i += if self.b[self.i] == b'\\' { 2 } else { 1 };
        }
        self.i += 1;
        core::str::from_utf8(self.b.get(start..self.i - 1)?).ok()
    }

    fn value(&mut self, depth: usize) -> Option<JsonValue<'a>> {
        if depth > JSON_MAX_DEPTH {
            return None;
        }
        self.ws();
        let start = self.i;
        let kind = match *self.b.get(self.i)? {
            b'"' => {
                self.string()?;
                JsonKind::Scalar
            }
            b'{' => {
                self.i += 1;
                let mut members = Vec::new();
                if self.eat(b'}').is_none() {
                    loop {
                        let name = self.string()?;
                        self.eat(b':')?;
                        members.push((name, self.value(depth + 1)?));
                        if self.eat(b',').is_none() {
                            self.eat(b'}')?;
                            break;
                        }
                    }
                }
                JsonKind::Object(members)
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                if self.eat(b']').is_none() {
                    loop {
                        items.push(self.value(depth + 1)?);
                        if self.eat(b',').is_none() {
                            self.eat(b']')?;
                            break;
                        }
                    }
                }
                JsonKind::Array(items)
            }
            _ => {
                while !matches!(self.b.get(self.i), None | Some(b',' | b'}' | b']'))
                    && !self.b[self.i].is_ascii_whitespace()
                {
                    self.i += 1;
                }
                if self.i == start {
                    return None;
                }
                JsonKind::Scalar
            }
        };
        Some(JsonValue { start, kind })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toml_at(src: &str, path: &str) -> (u32, u32) {
        Index::toml(src).unwrap().locate(path)
    }

    fn json_at(src: &str, path: &str) -> (u32, u32) {
        Index::json(src).unwrap().locate(path)
    }

    #[test]
    fn toml_paths() {
        let src = "display = { width = 128, height = 64 }\n\n[[widgets]]\nkind = \"rect\"\n\n[[widgets]]\nkind = \"text\"\ntext = \"{x}\"\nanimate = [{ prop = \"y\", keys = [{ t = 0, v = 1 }, { t = 9, v = 2 }] }]\n";
        assert_eq!(toml_at(src, "widgets[1].text"), (8, 8));
        // Inline tables inside inline arrays inside an array of tables.
        assert_eq!(toml_at(src, "widgets[1].animate[0].keys[1].t"), (9, 58));
        assert_eq!(toml_at(src, "widgets[1].animate[0].keys[1]"), (9, 52));
        assert_eq!(toml_at(src, "display.width"), (1, 21));
        assert_eq!(toml_at(src, "display"), (1, 11));
        // Absent: the deepest enclosing value (the widget's table).
        let (line, _) = toml_at(src, "widgets[0].bitmap");
        assert!(matches!(line, 3 | 4), "{line}");
        assert_eq!(toml_at(src, "widgets[1].animate[7]"), (9, 11));
    }

    #[test]
    fn toml_tables_and_nested_groups() {
        let src = "display = { width = 128, height = 64 }\n[inputs]\ncpu = { min = 0, max = 100 }\n[[widgets]]\nkind = \"group\"\n[[widgets.children]]\nkind = \"rect\"\n[[widgets.children]]\nkind = \"text\"\nw = -1\n[timelines.intro]\nmode = \"sequence\"\nitems = [\"a\", \"b\"]\n";
        assert_eq!(toml_at(src, "inputs.cpu"), (3, 7));
        assert_eq!(toml_at(src, "widgets[0].children[1].w"), (10, 5));
        assert_eq!(toml_at(src, "timelines.intro.items[1]"), (13, 15));
    }

    #[test]
    fn json_paths() {
        let src = "{\"display\": {\"width\": 128, \"height\": 64},\n \"widgets\": [\n  {\"kind\": \"rect\", \"fill\": true, \"text\": \"a\\\"b\"},\n  {\"kind\": \"text\",\n   \"animate\": [{\"prop\": \"x\", \"keys\": [{\"t\": 0, \"v\": 1}, {\"t\": 9, \"v\": 2}]}]}]}";
        assert_eq!(json_at(src, "display.width"), (1, 23));
        assert_eq!(json_at(src, "widgets[1].animate[0].keys[1].t"), (5, 63));
        assert_eq!(json_at(src, "widgets[1].animate[0].keys[1]"), (5, 57));
        // Absent: the enclosing value.
        assert_eq!(json_at(src, "widgets[0].bitmap"), (3, 3));
        assert_eq!(json_at(src, "widgets[7]"), (2, 13));
        // Multi-byte characters count as one column.
        let src = "{\"name\": \"café\", \"display\": {\"width\": 0}}";
        assert_eq!(json_at(src, "display.width"), (1, 39));
    }

    #[test]
    fn path_steps_split_keys_and_indices() {
        assert_eq!(
            path_steps("a.b[2][0].c"),
            [
                Step::Key("a"),
                Step::Key("b"),
                Step::Index(2),
                Step::Index(0),
                Step::Key("c")
            ]
        );
        assert_eq!(path_steps("a[x].b"), [Step::Key("a")]);
    }

    #[test]
    fn broken_text_is_not_indexed() {
        assert!(Index::json("{\"a\": [1, 2").is_none());
        assert!(Index::json("").is_none());
        assert!(Index::toml("a = = 1").is_none());
    }
}
