//! `play`'s options for live inputs, flattened into its arguments.

use super::{
    channel, open_record, parse_duration, parse_source_arg, spawn_all, spawn_clock_watch,
    spawn_stdin, Binding, LiveInputs, MqttConfig, Options, SourcesFile, Spec,
};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tinydisplay::{Engine, CLOCK_INPUT};
use tinydisplay_runtime::clock::Doorbell;

#[derive(clap::Args, Debug, Default)]
pub struct LiveArgs {
    /// Feed input NAME from a source: system:METRIC (cpu, load1, mem, temp, disk, uptime, ip,
    /// hostname, wifi), file:PATH, command:CMD or mqtt:TOPIC; `NAME=SPEC@5s` sets its period.
    /// Repeatable.
    #[arg(long = "source", value_name = "NAME=SPEC", value_parser = parse_source_arg)]
    pub sources: Vec<Binding>,
    /// A local sources file (TOML): `[sources.NAME] spec = "...", every = "2s"`, `[mqtt] url = ...`.
    #[arg(long = "sources", value_name = "FILE")]
    pub sources_file: Option<PathBuf>,
    /// Start the `system:` sources the scene suggests for its inputs (`suggest = "system:cpu"`).
    #[arg(long)]
    pub sources_from_scene: bool,
    /// How often polled sources are read (default 1s).
    #[arg(long, value_name = "PERIOD", value_parser = parse_duration)]
    pub every: Option<Duration>,
    /// Kill a `command:` source that runs longer than this.
    #[arg(long, value_name = "PERIOD", default_value = "5s", value_parser = parse_duration)]
    pub command_timeout: Duration,
    /// MQTT broker for `mqtt:` sources: mqtt://HOST:PORT (mqtts:// with the `mqtts` feature).
    #[arg(long, value_name = "URL")]
    pub mqtt: Option<String>,
    #[arg(long, value_name = "USER")]
    pub mqtt_user: Option<String>,
    #[arg(long, value_name = "PASSWORD")]
    pub mqtt_password: Option<String>,
    /// Do not send the wall clock (`clock` input): the scene shows its fixed epoch. Implied by
    /// `--events` (the log has its clock), `--verify` and `--fast`.
    #[arg(long)]
    pub no_clock: bool,
    /// Append every injected event (clock, sources, stdin) to FILE as `TICK NAME=VALUE` lines;
    /// `tinydisplay hash SCENE --events FILE` then gives the frames that were shown.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
}

/// Every binding, later ones winning for the same name: scene suggestions, then the sources
/// file, then `--source`.
fn bindings(a: &LiveArgs, engine: &Engine, file: Option<&SourcesFile>) -> Vec<Binding> {
    let mut out: Vec<Binding> = Vec::new();
    let mut add = |b: Binding| {
        out.retain(|o| o.name != b.name);
        out.push(b);
    };
    if a.sources_from_scene {
        for (name, def) in &engine.scene().inputs {
            // The engine accepts only `system:` names here; checked again so that nothing a
            // scene says can ever start a command or read a file.
            if let Some(Ok(spec @ Spec::System(_))) = def.suggest.as_deref().map(Spec::parse) {
                add(Binding {
                    name: name.clone(),
                    spec,
                    every: None,
                });
            }
        }
    }
    if let Some(f) = file {
        f.bindings.iter().cloned().for_each(&mut add);
    }
    a.sources.iter().cloned().for_each(&mut add);
    for b in &mut out {
        b.every = b.every.or(a.every);
    }
    out
}

/// Starts the clock, stdin and the sources; the play loop reads them from the returned end.
pub fn start(
    a: &LiveArgs,
    scene: &Path,
    engine: &Engine,
    stdin: bool,
    no_clock: bool,
    bell: Arc<Doorbell>,
) -> Result<LiveInputs, String> {
    let file = a
        .sources_file
        .as_deref()
        .map(SourcesFile::load)
        .transpose()?;
    let bindings = bindings(a, engine, file.as_ref());
    for b in &bindings {
        if b.name == CLOCK_INPUT || !engine.scene().inputs.contains_key(&b.name) {
            return Err(format!(
                "source {}={}: the scene declares no input {:?} (declare it under [inputs])",
                b.name, b.spec, b.name
            ));
        }
    }
    let mqtt = match (&a.mqtt, file.as_ref().and_then(|f| f.mqtt.clone())) {
        (Some(url), f) => Some(MqttConfig {
            url: url.clone(),
            user: a
                .mqtt_user
                .clone()
                .or(f.as_ref().and_then(|f| f.user.clone())),
            password: a
                .mqtt_password
                .clone()
                .or(f.as_ref().and_then(|f| f.password.clone())),
        }),
        (None, Some(mut f)) => {
            f.user = a.mqtt_user.clone().or(f.user);
            f.password = a.mqtt_password.clone().or(f.password);
            Some(f)
        }
        (None, None) => None,
    };
    let record = a
        .record
        .as_deref()
        .map(|p| open_record(p, scene))
        .transpose()?;
    let (tx, rx) = channel(bell);
    if !no_clock {
        spawn_clock_watch(tx.clone());
    }
    if stdin {
        spawn_stdin(tx.clone());
    }
    let opts = Options {
        command_timeout: a.command_timeout,
        mqtt,
    };
    spawn_all(&bindings, &opts, &tx)?;
    for b in &bindings {
        let every = b.every.unwrap_or(Duration::from_secs(1));
        match b.spec {
            Spec::Mqtt(_) => eprintln!("tinydisplay play: source {}={}", b.name, b.spec),
            _ => eprintln!(
                "tinydisplay play: source {}={} every {} ms",
                b.name,
                b.spec,
                every.as_millis()
            ),
        }
    }
    let rate = (!no_clock).then(|| engine.tick_rate());
    Ok(LiveInputs::new(rx, record, rate))
}
