//! Source specs (`system:cpu`, `file:PATH`, `command:CMD`, `mqtt:TOPIC`), `--source NAME=SPEC[@PERIOD]`
//! and the local `--sources` TOML file.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;
use tinydisplay::SYSTEM_METRICS;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Spec {
    System(String),
    File(String),
    Command(String),
    Mqtt(String),
}

impl Spec {
    pub fn parse(s: &str) -> Result<Spec, String> {
        let (kind, rest) = s.split_once(':').ok_or_else(|| {
            format!("{s:?}: expected system:METRIC, file:PATH, command:CMD or mqtt:TOPIC")
        })?;
        if rest.is_empty() {
            return Err(format!("{s:?}: nothing after `{kind}:`"));
        }
        Ok(match kind {
            "system" if SYSTEM_METRICS.contains(&rest) => Spec::System(rest.into()),
            "system" => {
                return Err(format!(
                    "{s:?}: unknown metric (system:{})",
                    SYSTEM_METRICS.join(", system:")
                ))
            }
            "file" => Spec::File(rest.into()),
            "command" => Spec::Command(rest.into()),
            "mqtt" => Spec::Mqtt(rest.into()),
            _ => {
                return Err(format!(
                    "{s:?}: unknown source kind {kind:?} (system, file, command or mqtt)"
                ))
            }
        })
    }
}

impl std::fmt::Display for Spec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Spec::System(m) => write!(f, "system:{m}"),
            Spec::File(p) => write!(f, "file:{p}"),
            Spec::Command(c) => write!(f, "command:{c}"),
            Spec::Mqtt(t) => write!(f, "mqtt:{t}"),
        }
    }
}

/// An input fed by a source, polled every `every` (MQTT is pushed and ignores it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    pub name: String,
    pub spec: Spec,
    pub every: Option<Duration>,
}

/// `500ms`, `2s`, `1m`, or a bare number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: u64 = n
        .parse()
        .map_err(|_| format!("{s:?}: expected a duration such as 500ms, 2s or 1m"))?;
    let d = match unit {
        "ms" => Duration::from_millis(n),
        "" | "s" => Duration::from_secs(n),
        "m" => Duration::from_secs(n.saturating_mul(60)),
        _ => return Err(format!("{s:?}: unknown unit {unit:?} (ms, s or m)")),
    };
    if d < Duration::from_millis(10) {
        return Err(format!("{s:?}: a period must be at least 10ms"));
    }
    Ok(d)
}

fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!("input name {name:?} must be letters, digits or _"));
    }
    Ok(())
}

/// `--source NAME=SPEC` or `NAME=SPEC@PERIOD` (the last `@` followed by a valid duration;
/// an MQTT topic or a command may hold `@` themselves).
pub fn parse_source_arg(s: &str) -> Result<Binding, String> {
    let (name, spec) = s
        .split_once('=')
        .ok_or_else(|| format!("--source {s:?}: expected NAME=SPEC (e.g. cpu=system:cpu)"))?;
    let name = name.trim();
    check_name(name).map_err(|e| format!("--source {s:?}: {e}"))?;
    let (spec, every) = match spec.rsplit_once('@') {
        Some((head, tail)) => match parse_duration(tail) {
            Ok(d) => (head, Some(d)),
            Err(_) => (spec, None),
        },
        None => (spec, None),
    };
    let spec = Spec::parse(spec).map_err(|e| format!("--source {name}: {e}"))?;
    Ok(Binding {
        name: name.into(),
        spec,
        every,
    })
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct MqttConfig {
    pub url: String,
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceEntry {
    spec: String,
    #[serde(default)]
    every: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    sources: BTreeMap<String, SourceEntry>,
    #[serde(default)]
    mqtt: Option<MqttConfig>,
}

/// A local sources file (`--sources FILE`): `[sources.NAME] spec = "...", every = "2s"` and
/// `[mqtt] url/user/password`. Local, so it may name commands and files.
#[derive(Debug, Default)]
pub struct SourcesFile {
    pub bindings: Vec<Binding>,
    pub mqtt: Option<MqttConfig>,
}

impl SourcesFile {
    pub fn load(path: &Path) -> Result<SourcesFile, String> {
        let name = path.display();
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("{name}: cannot read: {e}"))?;
        SourcesFile::parse(&text).map_err(|e| format!("{name}: {e}"))
    }

    pub fn parse(text: &str) -> Result<SourcesFile, String> {
        let raw: RawFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut bindings = Vec::new();
        for (name, entry) in raw.sources {
            check_name(&name).map_err(|e| format!("sources.{name}: {e}"))?;
            let spec = Spec::parse(&entry.spec).map_err(|e| format!("sources.{name}.spec: {e}"))?;
            let every = entry
                .every
                .as_deref()
                .map(parse_duration)
                .transpose()
                .map_err(|e| format!("sources.{name}.every: {e}"))?;
            bindings.push(Binding { name, spec, every });
        }
        Ok(SourcesFile {
            bindings,
            mqtt: raw.mqtt,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_args_parse_with_optional_period() {
        let b = parse_source_arg("cpu=system:cpu@5s").unwrap();
        assert_eq!(b.name, "cpu");
        assert_eq!(b.spec, Spec::System("cpu".into()));
        assert_eq!(b.every, Some(Duration::from_secs(5)));
        let b = parse_source_arg("door=mqtt:home/door@front").unwrap();
        assert_eq!(b.spec, Spec::Mqtt("home/door@front".into()));
        assert_eq!(b.every, None);
        let b = parse_source_arg("n=command:echo a=b").unwrap();
        assert_eq!(b.spec, Spec::Command("echo a=b".into()));
        assert!(parse_source_arg("cpu").is_err());
        assert!(parse_source_arg("cpu=system:gpu").is_err());
        assert!(parse_source_arg("cpu=http://x").is_err());
        assert!(parse_source_arg("c-p=system:cpu").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert_eq!(parse_duration("1m"), Ok(Duration::from_secs(60)));
        assert!(parse_duration("1ms").is_err());
        assert!(parse_duration("2h").is_err());
        assert!(parse_duration("s").is_err());
    }

    #[test]
    fn sources_file() {
        let f = SourcesFile::parse(
            "[mqtt]\nurl = \"mqtt://127.0.0.1:1883\"\nuser = \"u\"\n\
             [sources.load]\nspec = \"command:cat /proc/loadavg\"\nevery = \"2s\"\n\
             [sources.cpu]\nspec = \"system:cpu\"\n",
        )
        .unwrap();
        assert_eq!(f.bindings.len(), 2);
        assert_eq!(f.bindings[1].name, "load");
        assert_eq!(f.bindings[1].every, Some(Duration::from_secs(2)));
        assert_eq!(f.mqtt.unwrap().user.as_deref(), Some("u"));
        let e = SourcesFile::parse("[sources.x]\nspec = \"nope:1\"\n").unwrap_err();
        assert!(e.contains("sources.x.spec"), "{e}");
        assert!(SourcesFile::parse("[sources.x]\nspek = \"system:cpu\"\n").is_err());
    }
}
