//! The one place serde_yaml is used (it is unmaintained upstream; keeping it behind this module
//! makes replacing it a one-file change).

use serde::Serialize;
use serde::de::DeserializeSeed;

pub use serde_yaml::Error;

/// Parses YAML with `seed` (e.g. one that reads it as the spec's data model). Errors carry the
/// line and column.
pub fn from_str_seed<'de, S: DeserializeSeed<'de>>(
    s: &'de str,
    seed: S,
) -> Result<S::Value, Error> {
    seed.deserialize(serde_yaml::Deserializer::from_str(s))
}

/// Writes `value` as YAML.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    serde_yaml::to_string(value)
}

/// The 1-based line and column of an error, if it has a location.
pub fn location(e: &Error) -> Option<(usize, usize)> {
    e.location().map(|l| (l.line(), l.column()))
}

/// Where each key of a YAML (or JSON) document is: its path (`stacks.Orders.functions.Api`,
/// `[i]` for a list item) and the 1-based line and column of the key (of the item, in a list).
/// A document that does not parse gives the keys before the error.
pub fn key_locations(text: &str) -> Vec<(String, usize, usize)> {
    let mut sink = KeySink::default();
    let _ = yaml_rust2::parser::Parser::new_from_str(text).load(&mut sink, false);
    sink.keys
}

/// A container being read, with the path of the container itself.
enum Frame {
    /// A map: the key whose value comes next, if one was read.
    Map(String, Option<String>),
    /// A list: the index of the next item.
    List(String, usize),
}

#[derive(Default)]
struct KeySink {
    frames: Vec<Frame>,
    keys: Vec<(String, usize, usize)>,
}

impl KeySink {
    /// The path of the node that starts here, recording a key or list item's location; `None`
    /// for a map key (recorded, and waiting for its value).
    fn node(&mut self, scalar: Option<&str>, line: usize, col: usize) -> Option<String> {
        match self.frames.last_mut() {
            None => Some(String::new()),
            Some(Frame::Map(path, key @ None)) => {
                let name = scalar.unwrap_or_default();
                let full = if path.is_empty() {
                    name.to_owned()
                } else {
                    format!("{path}.{name}")
                };
                self.keys.push((full.clone(), line, col + 1));
                *key = Some(full);
                None
            }
            Some(Frame::Map(_, key @ Some(_))) => key.take(),
            Some(Frame::List(path, index)) => {
                let full = format!("{path}[{index}]");
                *index += 1;
                self.keys.push((full.clone(), line, col + 1));
                Some(full)
            }
        }
    }
}

impl yaml_rust2::parser::MarkedEventReceiver for KeySink {
    fn on_event(&mut self, ev: yaml_rust2::Event, mark: yaml_rust2::scanner::Marker) {
        use yaml_rust2::Event;
        let (line, col) = (mark.line(), mark.col());
        match ev {
            Event::Scalar(value, ..) => {
                self.node(Some(&value), line, col);
            }
            Event::Alias(_) => {
                self.node(None, line, col);
            }
            Event::MappingStart(..) => {
                if let Some(path) = self.node(None, line, col) {
                    self.frames.push(Frame::Map(path, None));
                }
            }
            Event::SequenceStart(..) => {
                if let Some(path) = self.node(None, line, col) {
                    self.frames.push(Frame::List(path, 0));
                }
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.frames.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::key_locations;

    #[test]
    fn every_key_has_its_line_and_column() {
        let yaml = "a:\n  b: 1\n  c: { d: [x, {e: 2}] }\nf:\n  - g: 3\n";
        let keys: Vec<String> = key_locations(yaml)
            .into_iter()
            .map(|(k, l, c)| format!("{k}@{l}:{c}"))
            .collect();
        assert_eq!(
            keys,
            [
                "a@1:1",
                "a.b@2:3",
                "a.c@3:3",
                "a.c.d@3:8",
                "a.c.d[0]@3:12",
                "a.c.d[1]@3:15",
                "a.c.d[1].e@3:16",
                "f@4:1",
                "f[0]@5:6",
                "f[0].g@5:5"
            ]
        );
        let json = "{\n  \"a\": {\"b\": [1, 2]}\n}";
        let keys: Vec<String> = key_locations(json)
            .into_iter()
            .map(|(k, l, c)| format!("{k}@{l}:{c}"))
            .collect();
        assert_eq!(keys, ["a@2:3", "a.b@2:9", "a.b[0]@2:15", "a.b[1]@2:18"]);
    }
}
