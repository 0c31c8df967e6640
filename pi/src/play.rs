//! `tinydisplay play SCENE --display KIND`: show a scene live on an SSD1306, SH1106 or SSD1309
//! (I2C or SPI through rppal; `--controller`), its virtual model, a wire file or the terminal,
//! turned by `--rotate` (or the scene's `display.rotate`).
//!
//! Frames are a pure function of the tick, so the loop shows the frame of the tick that is due
//! now; when it falls behind it skips ticks rather than drifting. The runtime's player drives
//! the display sink and applies the one error policy (`tinydisplay_runtime::sink`: a transient
//! bus error costs a frame and a backoff, `--retries` in a row are fatal; the frame after an
//! error goes out whole). SIGINT/SIGTERM stop the loop and `--on-exit` decides what the panel
//! keeps showing.

use crate::common::{load_scene_with_events, parse_ticks, EXIT_BAD_INPUT};
use crate::display::terminal::{Style, Terminal};
use crate::display::{
    self, emulator::Emulator, hw, wire::WireFile, BusTotals, CareFn, OnExit, PanelSink, Rotated,
    Sink, SinkError,
};
use crate::interrupt;
use crate::sources::{self, LiveInputs};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tinydisplay::{Frame, FrameHash, Tick};
use tinydisplay_runtime::{
    Clock, Doorbell, FakeClock, Player, PlayerStats, Precomputer, Retry, Step, SystemClock,
};
use tinydisplay_ssd1306::wire::WireBus;
use tinydisplay_ssd1306::{Bus, Controller, I2cFraming, PanelConfig, PanelSpec, Rotation};

/// Exit code for a device that cannot be used, or a `--verify` mismatch.
const EXIT_FAILURE: u8 = 1;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DisplayKind {
    I2c,
    Spi,
    Emulator,
    Wire(PathBuf),
    Terminal,
}

fn parse_display(s: &str) -> Result<DisplayKind, String> {
    Ok(match s {
        // The old names stay: they name the bus, the controller is `--controller`.
        "i2c" | "ssd1306-i2c" => DisplayKind::I2c,
        "spi" | "ssd1306-spi" => DisplayKind::Spi,
        "emulator" => DisplayKind::Emulator,
        "terminal" => DisplayKind::Terminal,
        _ => match s.strip_prefix("wire:") {
            Some(f) if !f.is_empty() => DisplayKind::Wire(f.into()),
            _ => {
                return Err(format!(
                    "unknown display {s:?}: use i2c (or ssd1306-i2c), spi (or ssd1306-spi), emulator, wire:FILE or terminal"
                ))
            }
        },
    })
}

fn parse_u8_hex(s: &str) -> Result<u8, String> {
    let r = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => u8::from_str_radix(h, 16),
        None => s.parse(),
    };
    r.map_err(|_| format!("{s:?} is not a byte (e.g. 0x3c or 60)"))
}

fn parse_rotate(s: &str) -> Result<Rotation, String> {
    s.parse::<u16>()
        .map_err(|_| format!("{s:?} is not a number of degrees"))
        .and_then(Rotation::from_degrees)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum WireKind {
    I2c,
    Spi,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The scene file (TOML or JSON).
    pub scene: PathBuf,
    /// i2c (ssd1306-i2c) | spi (ssd1306-spi) | emulator | wire:FILE | terminal
    #[arg(long, value_parser = parse_display)]
    pub display: DisplayKind,
    /// Ticks to play, `A..B` (B exclusive) or `A..=B`; default: from 0 until stopped.
    #[arg(long)]
    pub ticks: Option<String>,
    /// Frames per second (default: the scene's tick rate).
    #[arg(long)]
    pub fps: Option<u32>,
    /// Do not wait for the clock: show every tick as fast as possible (emulator, wire, tests).
    #[arg(long)]
    pub fast: bool,
    /// Replay a recorded input log (`TICK NAME=VALUE` lines).
    #[arg(long)]
    pub events: Option<PathBuf>,
    /// Read `NAME=VALUE` lines from stdin as live inputs, stamped with the tick after the
    /// current one (which may already be on the panel).
    #[arg(long)]
    pub stdin_events: bool,
    /// What the panel shows after play stops (also on SIGINT/SIGTERM).
    #[arg(long, default_value = "clear", value_parser = on_exit_parser())]
    pub on_exit: OnExit,
    /// Compare each frame's hash with a golden file (`TICK HASH` lines, as `tinydisplay hash`
    /// prints); report the first mismatch and exit 1.
    #[arg(long)]
    pub verify: Option<PathBuf>,
    /// Print bytes on the wire per frame, the floor, transactions and modelled bus time at the end.
    #[arg(long)]
    pub stats: bool,
    /// I2C framings the flush planner may use: `any` (every framing of the SSD1306 datasheet,
    /// including Co = 1 control bytes before single data bytes: fewest bus bit-times) or `plain`
    /// (only a command transaction and a data transaction per run, as common drivers send; for
    /// controller clones that show garbage with `any`).
    #[arg(long, value_enum, default_value = "any")]
    pub i2c_framing: FramingArg,
    /// I2C bus number (/dev/i2c-N).
    #[arg(long, default_value_t = 1)]
    pub bus: u8,
    /// I2C address of the panel.
    #[arg(long, default_value = "0x3c", value_parser = parse_u8_hex)]
    pub address: u8,
    /// Panel width (default: the scene's).
    #[arg(long)]
    pub width: Option<u16>,
    /// Panel height (default: the scene's).
    #[arg(long)]
    pub height: Option<u16>,
    /// The panel's controller: ssd1306, sh1106 or ssd1309.
    #[arg(long, default_value = "ssd1306", value_parser = Controller::parse)]
    pub controller: Controller,
    /// RAM column of the picture's left edge, for clones wired differently (default: the
    /// controller's, e.g. 2 on the SH1106, 28 on a 72x40 SSD1306).
    #[arg(long)]
    pub offset: Option<u8>,
    /// Turn the picture clockwise: 0, 90, 180 or 270 degrees (default: the scene's
    /// `display.rotate`). 180 is done by the panel; 90/270 show a portrait scene on a landscape
    /// panel, turned before the flush.
    #[arg(long, value_parser = parse_rotate)]
    pub rotate: Option<Rotation>,
    /// Mirror the picture left-right.
    #[arg(long)]
    pub flip: bool,
    /// I2C clock for the cost model (set the real one with dtparam=i2c_arm_baudrate).
    #[arg(long, default_value_t = 400_000)]
    pub i2c_hz: u32,
    /// SPI clock.
    #[arg(long, default_value_t = 8_000_000)]
    pub spi_hz: u32,
    /// SPI0 chip select (0 = CE0, GPIO8; 1 = CE1, GPIO7).
    #[arg(long, default_value_t = 0)]
    pub spi_cs: u8,
    /// D/C GPIO pin (BCM numbering) for SPI.
    #[arg(long, default_value_t = 25)]
    pub dc: u8,
    /// RST GPIO pin (BCM numbering) for SPI; pulsed low at start.
    #[arg(long, default_value_t = 24)]
    pub rst: u8,
    /// Bus framing written to a wire file.
    #[arg(long, value_enum, default_value = "i2c")]
    pub wire_bus: WireKind,
    /// Emulator: write a PNG of the panel after every frame into this directory.
    #[arg(long)]
    pub snapshot_dir: Option<PathBuf>,
    /// Emulator: write a PNG of the panel when play ends.
    #[arg(long)]
    pub png: Option<PathBuf>,
    /// Terminal: half blocks or braille.
    #[arg(long, value_enum, default_value = "half")]
    pub terminal_style: Style,
    /// Failed frames in a row before a bus error is fatal (each costs its frame and a backoff
    /// of 5 ms, doubling up to 500 ms).
    #[arg(long, default_value_t = 8)]
    pub retries: u32,
    /// Live inputs: the wall clock, sources, `--record`.
    #[command(flatten)]
    pub live: sources::LiveArgs,
}

pub fn run(args: Args) -> ExitCode {
    match play(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

fn fail(code: u8, msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("tinydisplay play: {msg}");
    ExitCode::from(code)
}

/// `--on-exit`: the runtime's names, listed in `--help`.
fn on_exit_parser() -> impl clap::builder::TypedValueParser<Value = OnExit> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(OnExit::NAMES)
        .try_map(|s: String| OnExit::parse(&s).ok_or_else(|| format!("unknown --on-exit {s:?}")))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FramingArg {
    Any,
    Plain,
}

impl From<FramingArg> for I2cFraming {
    fn from(f: FramingArg) -> Self {
        match f {
            FramingArg::Any => I2cFraming::Any,
            FramingArg::Plain => I2cFraming::Plain,
        }
    }
}

/// The display sink, and the handle to its bus numbers when it is a panel.
type Opened = (Box<dyn Sink>, Option<Rc<RefCell<BusTotals>>>);

/// The panel `play` drives: `--controller` at the panel size (the scene's, turned by
/// `rotation`), `--offset`, and the segment order the orientation needs
/// (`PanelConfig::for_scene`, which the browser's bus preview uses too). An unsupported
/// combination is the crate's error.
fn panel_spec(
    args: &Args,
    rotation: Rotation,
    w: u16,
    h: u16,
) -> Result<(PanelSpec, PanelConfig), String> {
    PanelConfig::for_scene(args.controller, w, h, rotation, args.offset, args.flip)
}

/// Opens the `--display` sink for `w` x `h` scene frames turned by `rotation`, sending the
/// scene's display care (`care`, when it has any) to panels.
fn open_sink(
    args: &Args,
    spec: PanelSpec,
    config: PanelConfig,
    rotation: Rotation,
    care: Option<CareFn>,
) -> Result<Opened, SinkError> {
    let framing = I2cFraming::from(args.i2c_framing);
    let i2c = Bus::i2c(args.i2c_hz);
    let spi = Bus::spi(args.spi_hz);
    fn boxed<B: display::PanelBus + 'static>(
        sink: PanelSink<B>,
        rotation: Rotation,
        care: Option<CareFn>,
    ) -> Opened {
        let sink = match care {
            Some(f) => sink.with_care(f),
            None => sink,
        };
        let totals = sink.totals();
        if rotation.in_software() {
            (Box::new(Rotated::new(sink, rotation)), Some(totals))
        } else {
            (Box::new(sink), Some(totals))
        }
    }
    Ok(match &args.display {
        DisplayKind::I2c => boxed(
            PanelSink::new(
                hw::RppalI2c::open(args.bus, args.address)?,
                spec,
                config,
                i2c,
            )?
            .with_i2c_framing(framing),
            rotation,
            care,
        ),
        DisplayKind::Spi => {
            let bus = hw::RppalSpi::open(args.spi_cs, args.spi_hz, args.dc, Some(args.rst))?;
            boxed(PanelSink::new(bus, spec, config, spi)?, rotation, care)
        }
        DisplayKind::Emulator => {
            let mut emu = Emulator::new(
                args.address,
                spec,
                args.snapshot_dir.clone(),
                args.png.clone(),
            )?;
            if care.is_some() {
                emu = emu.with_contrast_as_brightness();
            }
            boxed(
                PanelSink::new(emu, spec, config, i2c)?.with_i2c_framing(framing),
                rotation,
                care,
            )
        }
        DisplayKind::Wire(path) => {
            let (bus, model) = match args.wire_bus {
                WireKind::I2c => (
                    WireBus::I2c {
                        address: args.address,
                    },
                    i2c,
                ),
                WireKind::Spi => (WireBus::Spi, spi),
            };
            boxed(
                PanelSink::new(WireFile::create(path, bus, &spec)?, spec, config, model)?
                    .with_i2c_framing(framing),
                rotation,
                care,
            )
        }
        DisplayKind::Terminal => {
            let term = Terminal::new(std::io::stdout(), args.terminal_style);
            if rotation == Rotation::Rotate0 {
                (Box::new(term), None)
            } else {
                // No panel to turn it: the terminal shows the picture as the glass would.
                (Box::new(Rotated::new(term, rotation)), None)
            }
        }
    })
}

/// `TICK HASH` lines; `#` comments and blank lines are skipped.
/// Reads `TICK HASH` lines, as `tinydisplay hash` prints them. The golden files of
/// `tests/golden/` also work: their `wire` lines are skipped, and their `events TICK HASH` lines
/// are the ones checked when an event log is replayed (`with_events`), the plain lines otherwise.
fn load_golden(
    path: &Path,
    with_events: bool,
) -> Result<BTreeMap<Tick, (FrameHash, usize)>, ExitCode> {
    let name = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| {
        fail(
            EXIT_BAD_INPUT,
            format!("{name}: cannot read golden file: {e}"),
        )
    })?;
    let has_event_lines = text.lines().any(|l| l.starts_with("events "));
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() || line.starts_with("wire ") {
            continue;
        }
        let line = match line.strip_prefix("events ") {
            Some(rest) if with_events => rest.trim(),
            Some(_) => continue,
            None if with_events && has_event_lines => continue,
            None => line,
        };
        let parsed = line
            .split_once(char::is_whitespace)
            .and_then(|(t, h)| Some((t.parse::<Tick>().ok()?, FrameHash::parse(h.trim())?)));
        let Some((tick, hash)) = parsed else {
            return Err(fail(
                EXIT_BAD_INPUT,
                format!(
                    "{name}:{}: expected `TICK HASH` (16 hex digits), got {line:?}",
                    i + 1
                ),
            ));
        };
        out.insert(tick, (hash, i + 1));
    }
    Ok(out)
}

fn play(args: Args) -> Result<(), ExitCode> {
    let engine = load_scene_with_events(&args.scene, args.events.as_deref())?;
    let golden = match &args.verify {
        Some(p) => Some(load_golden(p, args.events.is_some())?),
        None => None,
    };
    let range: Range<Tick> = match &args.ticks {
        Some(t) => parse_ticks(t).map_err(|e| fail(EXIT_BAD_INPUT, format!("--ticks: {e}")))?,
        None => 0..Tick::MAX,
    };
    let rotation = match args.rotate {
        Some(r) => r,
        None => Rotation::from_degrees(engine.rotate()).map_err(|e| fail(EXIT_BAD_INPUT, e))?,
    };
    let (w, h) = (engine.width(), engine.height());
    let (pw, ph) = rotation.panel_size(w, h);
    let (pw_arg, ph_arg) = (args.width.unwrap_or(pw), args.height.unwrap_or(ph));
    if (pw_arg, ph_arg) != (pw, ph) {
        return Err(fail(
            EXIT_BAD_INPUT,
            format!(
                "the scene is {w}x{h} (turned {}: {pw}x{ph}) but the panel is {pw_arg}x{ph_arg}: set display.width/height in the scene",
                rotation.degrees()
            ),
        ));
    }
    let (spec, config) = panel_spec(&args, rotation, w, h).map_err(|e| fail(EXIT_BAD_INPUT, e))?;
    // The display care follows live events too (a light sensor on `display.bind`, input that
    // ends `display.dim`): the sink reads the engine the play loop last pushed events into.
    let care_engine = std::sync::Arc::new(std::sync::Mutex::new(engine.clone()));
    let has_care = engine.has_display_care();
    let care: Option<CareFn> = has_care.then(|| {
        let e = care_engine.clone();
        Box::new(move |t| match e.lock() {
            Ok(e) => e.display_at(t),
            Err(poisoned) => poisoned.into_inner().display_at(t),
        }) as CareFn
    });
    let rate = u64::from(engine.tick_rate().max(1));
    let fps = args.fps.map_or(rate, |f| u64::from(f.max(1)));

    interrupt::install().map_err(|e| fail(EXIT_FAILURE, e))?;
    let stop = interrupt::flag();

    let (display, bus_totals) =
        open_sink(&args, spec, config, rotation, care).map_err(|e| fail(EXIT_FAILURE, e))?;
    let mut sink = Verifier {
        display,
        golden: golden.as_ref(),
        file: args
            .verify
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        verified: 0,
    };

    // --fast: a fake clock that jumps to each deadline, so every tick is shown at once.
    // --fps: scene time runs at fps/tick_rate of real time.
    let base: Arc<dyn Clock> = if args.fast {
        Arc::new(FakeClock::new())
    } else {
        Arc::new(SystemClock::new())
    };
    let clock: Arc<dyn Clock> = if fps == rate {
        base
    } else {
        Arc::new(ScaledClock {
            inner: base,
            num: fps,
            den: rate,
        })
    };
    let pre = Precomputer::builder(engine, clock.clone())
        .build()
        .map_err(|e| {
            fail(
                EXIT_FAILURE,
                format!("cannot start the precompute workers: {e}"),
            )
        })?;
    let mut player = Player::starting_at(pre, range.start);
    interrupt::ring_on_signal(std::sync::Arc::clone(player.precomputer().doorbell()));
    if range.end != Tick::MAX {
        player.set_end(Some(range.end));
    }
    player.set_retry(Retry {
        attempts: args.retries.max(1),
        ..Retry::default()
    });
    // In real time, frames equal to the one on the panel are neither sent nor woken for. `--fast`
    // (wire files, whose frame markers the golden wire hashes pin) and `--verify` see every tick.
    player.skip_unchanged(!args.fast && args.verify.is_none());

    // The clock, stdin and the sources: every input they send rings the player's doorbell, so
    // a player asleep through unchanged ticks takes it at once.
    let mut live = start_live(&args, &player)?;
    let cpu_start = tinydisplay_runtime::clock::process_cpu_time();
    let wall_start = std::time::Instant::now();

    let mut last_tick = None;
    let mut failure = None;
    while !stop.load(Ordering::Relaxed) {
        if live.drain(&player) > 0 && has_care {
            if let Ok(mut e) = care_engine.lock() {
                *e = player.precomputer().engine();
            }
        }
        match player.step(&mut sink) {
            Ok(Step::Finished) => break,
            Ok(Step::Waiting { next_deadline }) => {
                if args.fast {
                    clock.sleep_until(next_deadline);
                } else {
                    wait_until(&player, next_deadline, stop);
                }
            }
            Ok(Step::Shown { tick, .. }) => {
                live.shown(tick);
                last_tick = Some(tick)
            }
            Ok(Step::Failed { tick }) => {
                eprintln!("tinydisplay play: tick {tick}: the frame could not be rendered")
            }
            // Counted, and the player backs off before the next frame, which goes out whole.
            Err(e) if e.is_transient() => eprintln!("tinydisplay play: {e}"),
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }
    let outcome: Result<(), ExitCode> = match failure {
        Some(e) => Err(fail(EXIT_FAILURE, e)),
        None => Ok(()),
    };
    let tick = last_tick.map_or(range.start, |t| t + 1);
    let cpu = tinydisplay_runtime::clock::process_cpu_time()
        .zip(cpu_start)
        .map(|(end, start)| end.saturating_sub(start));
    let wall = wall_start.elapsed();

    let finished = sink.finish(args.on_exit);
    if let Err(e) = &finished {
        eprintln!("tinydisplay play: on exit: {e}");
    }
    if let Some((name, _)) = interrupt::signal() {
        eprintln!(
            "tinydisplay play: stopped by signal ({name}) at tick {tick}; on exit: {}",
            args.on_exit.name()
        );
    }
    if let (Some(g), Ok(())) = (&golden, &outcome) {
        let in_range = g.range(range.start..tick).count() as u64;
        eprintln!(
            "verify: {} frames matched {} ({} golden ticks in the played range)",
            sink.verified, sink.file, in_range
        );
    }
    if args.stats {
        let bus = bus_totals.map(|t| t.borrow().clone());
        print_stats(player.stats(), bus.as_ref(), &args);
        if let Some(l) = sources::latency_summary(&live.latencies) {
            eprintln!("{l}");
        }
        print_cpu(player.stats(), cpu, wall);
    }
    outcome?;
    finished.map_err(|_| ExitCode::from(EXIT_FAILURE))
}

/// `--verify`: the display sink, checking every frame it is given against the golden file. A
/// mismatch is a fatal sink error, so the player stops at the first one.
struct Verifier<'g> {
    display: Box<dyn Sink>,
    golden: Option<&'g BTreeMap<Tick, (FrameHash, usize)>>,
    file: String,
    verified: u64,
}

impl Sink for Verifier<'_> {
    fn show(&mut self, tick: Tick, frame: &Frame) -> Result<(), SinkError> {
        self.display.show(tick, frame)?;
        if let Some((want, line)) = self.golden.and_then(|g| g.get(&tick)) {
            let got = frame.hash();
            if got != *want {
                return Err(SinkError::fatal(format!(
                    "verify: frame hash {got} but {}:{line} says {want} (first mismatch)",
                    self.file
                )));
            }
            self.verified += 1;
        }
        Ok(())
    }

    fn finish(&mut self, on_exit: OnExit) -> Result<(), SinkError> {
        self.display.finish(on_exit)
    }
}

/// Scene time at `num/den` times the speed of `inner` (`--fps` different from the tick rate).
struct ScaledClock {
    inner: Arc<dyn Clock>,
    num: u64,
    den: u64,
}

fn scale(d: Duration, num: u64, den: u64) -> Duration {
    let n = d.as_nanos() * u128::from(num) / u128::from(den.max(1));
    Duration::from_nanos(u64::try_from(n).unwrap_or(u64::MAX))
}

impl Clock for ScaledClock {
    fn now(&self) -> Duration {
        scale(self.inner.now(), self.num, self.den)
    }
    fn sleep_until(&self, deadline: Duration) {
        self.inner.sleep_until(scale(deadline, self.den, self.num));
    }
    fn sleep_until_or_rung(&self, deadline: Duration, bell: &Doorbell, seen: u32) {
        self.inner
            .sleep_until_or_rung(scale(deadline, self.den, self.num), bell, seen);
    }
}

/// Waits for a clock deadline, or an event (the player's doorbell), in one sleep: a signal
/// rings the same doorbell (`interrupt::ring_on_signal`), so play stops promptly without waking
/// to poll `stop`. (It used to wake every 200 ms for that: 5 wake-ups a second of a scene that
/// sleeps through unchanged ticks, on top of the player's own, which `--stats` counts.)
fn wait_until(player: &Player, deadline: Duration, stop: &AtomicBool) {
    if !stop.load(Ordering::Relaxed) && !player.rung() {
        player.sleep_until(deadline);
    }
}

/// The clock, stdin and the sources (`crate::sources`), all on one channel.
fn start_live(args: &Args, player: &Player) -> Result<LiveInputs, ExitCode> {
    // A replayed log carries its own clock, --verify compares with fixed frames, and --fast
    // runs scene time faster than the wall: the wall clock would only change their frames.
    let no_clock =
        args.live.no_clock || args.events.is_some() || args.verify.is_some() || args.fast;
    let engine = player.precomputer().engine();
    let bell = Arc::clone(player.precomputer().doorbell());
    sources::start(
        &args.live,
        &args.scene,
        &engine,
        args.stdin_events,
        no_clock,
        bell,
    )
    .map_err(|e| fail(EXIT_BAD_INPUT, e))
}

/// `--stats`: CPU per second of play and how late frames reached the display.
fn print_cpu(p: &PlayerStats, cpu: Option<Duration>, wall: Duration) {
    let lateness = |q: f64| p.lateness.quantile_nanos(q) as f64 / 1000.0;
    let cpu = match cpu {
        Some(c) if wall > Duration::ZERO => format!(
            "cpu {:.1} ms user+sys in {:.2} s of play: {:.2} ms/s ({:.3}% of a core)",
            c.as_secs_f64() * 1e3,
            wall.as_secs_f64(),
            c.as_secs_f64() * 1e3 / wall.as_secs_f64(),
            c.as_secs_f64() * 100.0 / wall.as_secs_f64()
        ),
        _ => "cpu time unavailable".to_string(),
    };
    eprintln!(
        "{cpu}; lateness p50 {:.0} us, p99 {:.0} us, max {:.0} us ({} frames); {} ticks unchanged, {} wake-ups",
        lateness(0.5),
        lateness(0.99),
        p.lateness.max_nanos() as f64 / 1000.0,
        p.lateness.count(),
        p.unchanged,
        p.wakeups
    );
}

fn print_stats(p: &PlayerStats, bus: Option<&BusTotals>, args: &Args) {
    eprintln!(
        "frames shown: {} (dropped {}, lost to bus errors {}, sent whole {})",
        p.shown,
        p.dropped,
        p.sink_errors,
        bus.map_or(0, |b| b.full_frames)
    );
    let Some(t) = bus else { return };
    if let Some(f) = &t.first {
        eprintln!(
            "first frame (full): {} payload bytes ({} on the wire), {} transactions ({} data), {} us modelled",
            f.payload_bytes(),
            f.wire_bytes,
            f.transactions,
            f.data_transactions,
            f.bus_ns / 1000
        );
    }
    if t.rest_frames == 0 {
        return;
    }
    let n = t.rest_frames;
    let r = &t.rest;
    let per = |x: usize| x as f64 / n as f64;
    let bus_us = r.bus_ns as f64 / n as f64 / 1000.0;
    let bus = match &args.display {
        DisplayKind::Spi => format!("SPI {} Hz", args.spi_hz),
        DisplayKind::Wire(_) if args.wire_bus == WireKind::Spi => format!("SPI {} Hz", args.spi_hz),
        _ => format!("I2C {} Hz", args.i2c_hz),
    };
    eprintln!(
        "per frame over {n} frames after the first: {:.1} payload bytes (commands + data, as luma.oled \
         counts), floor {:.1} changed bytes ({:.2}x), {:.1} data bytes, {:.1} framing bytes ({:.1} on the \
         wire in all), {:.2} transactions ({:.2} data), modelled {bus}: {:.0} us/frame (bus allows {:.0} fps)",
        per(r.payload_bytes()),
        per(r.floor),
        if r.floor > 0 { r.payload_bytes() as f64 / r.floor as f64 } else { 0.0 },
        per(r.data_bytes),
        per(r.framing_bytes),
        per(r.wire_bytes),
        per(r.transactions),
        per(r.data_transactions),
        bus_us,
        if bus_us > 0.0 { 1e6 / bus_us } else { f64::INFINITY },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaled_clock_runs_scene_time_at_fps_over_tick_rate() {
        let fake = FakeClock::new();
        // 30 fps for a 60 Hz scene: scene time runs at half speed.
        let c = ScaledClock {
            inner: Arc::new(fake.clone()),
            num: 30,
            den: 60,
        };
        fake.sleep_until(Duration::from_secs(2));
        assert_eq!(c.now(), Duration::from_secs(1));
        c.sleep_until(Duration::from_secs(3));
        assert_eq!(fake.now(), Duration::from_secs(6));
    }

    #[test]
    fn display_kinds_and_addresses_parse() {
        assert_eq!(
            parse_display("wire:/tmp/x.wire"),
            Ok(DisplayKind::Wire("/tmp/x.wire".into()))
        );
        assert!(parse_display("wire:").is_err());
        assert_eq!(parse_display("ssd1306-spi"), Ok(DisplayKind::Spi));
        assert_eq!(parse_u8_hex("0x3d"), Ok(0x3d));
        assert_eq!(parse_u8_hex("60"), Ok(60));
        assert!(parse_u8_hex("0x100").is_err());
        assert_eq!(parse_display("i2c"), Ok(DisplayKind::I2c));
        assert_eq!(parse_display("ssd1306-i2c"), Ok(DisplayKind::I2c));
        assert_eq!(parse_rotate("90"), Ok(Rotation::Rotate90));
        assert!(parse_rotate("45").unwrap_err().contains("45"));
        assert!(parse_rotate("x").is_err());
    }
}
