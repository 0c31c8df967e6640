//! Bytes on the wire per frame vs the floor, transactions and modelled bus time, for scenes.
//!
//! "payload" is what the SSD1306 receives: command + data bytes (luma.oled's 1030 bytes per frame
//! counts the same: 6 + 1024). "framing" is what I2C adds: the address byte of each transaction
//! and the control bytes (0 on SPI). "min payload" is the fewest payload bytes any page-mode plan
//! needs for the same changes (`tinydisplay_ssd1306::min_payload`): the planner trades payload
//! against transactions by modelled bus time, and this says how far from that bound it went.
//! Averages are over ticks 1..=N (tick 0 is the full first frame).
//!
//! `cargo run --release -p tinydisplay-ssd1306 --example bus_report -- [--ticks N] [--i2c-hz HZ]
//! [--controller ssd1306|sh1106|ssd1309]... [SCENE...]`
//! (default: every scene in tests/scenes, 600 ticks, 400 kHz, the SSD1306). Prints a Markdown
//! table. `--controller` may be given more than once to compare panels; a scene whose size the
//! controller does not support is skipped with a note on stderr.

use std::path::PathBuf;
use tinydisplay::Frame;
use tinydisplay_ssd1306::{Bus, Controller, FlushStats, Flusher, PanelSpec, Recorder};

fn main() {
    let mut ticks = 600u64;
    let mut i2c_hz = 400_000u32;
    let mut scenes: Vec<PathBuf> = Vec::new();
    let mut controllers: Vec<Controller> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--ticks" => ticks = args.next().and_then(|v| v.parse().ok()).expect("--ticks N"),
            "--i2c-hz" => {
                i2c_hz = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--i2c-hz HZ")
            }
            "--controller" => match Controller::parse(&args.next().unwrap_or_default()) {
                Ok(c) => controllers.push(c),
                Err(e) => {
                    eprintln!("--controller: {e}");
                    std::process::exit(2);
                }
            },
            _ => scenes.push(a.into()),
        }
    }
    if controllers.is_empty() {
        controllers.push(Controller::Ssd1306);
    }
    if scenes.is_empty() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenes");
        scenes = std::fs::read_dir(&dir)
            .expect("tests/scenes")
            .map(|e| e.unwrap().path())
            .collect();
        scenes.retain(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("toml" | "json")
            )
        });
        scenes.sort();
    }
    println!("| scene | panel | bus | payload B/frame | floor B/frame | payload/floor | min payload | min/floor | data B | cmd B | framing B | total wire B | txns/frame | bus time/frame | max fps (bus) | first (full) frame: wire B, txns |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for path in scenes {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let resolver = tinydisplay_assets::dir_resolver(&path);
        let mut engine = match tinydisplay_assets::load_scene(
            &path.display().to_string(),
            &std::fs::read(&path).unwrap(),
            &*resolver,
        ) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("{e}");
                continue;
            }
        };
        if let Ok(log) = std::fs::read_to_string(path.with_extension("events")) {
            for ev in tinydisplay::parse_event_log(&log).expect("event log") {
                engine.push_event(ev).expect("event");
            }
        }
        let (w, h) = (engine.width(), engine.height());
        let runs = controllers.iter().flat_map(|&c| {
            let spec = PanelSpec::new(c, w, h)
                .map_err(|e| eprintln!("{name}: {e}"))
                .ok();
            spec.into_iter()
                .flat_map(move |s| [Bus::i2c(i2c_hz), Bus::spi(8_000_000)].map(move |b| (s, b)))
        });
        for (spec, bus) in runs {
            let mut flusher = Flusher::for_panel(spec, bus);
            let mut rec = Recorder::new();
            let mut frame = Frame::new(w, h);
            // Tick 0 is the full first frame (the panel's content is unknown); average over the
            // steady state that follows, like luma's per-frame figure.
            engine.render_into(0, &mut frame);
            let first = flusher.flush(&frame, &mut rec).unwrap();
            let mut total = FlushStats::default();
            let mut min_payload = 0;
            for t in 1..=ticks {
                engine.render_into(t, &mut frame);
                rec.writes.clear();
                min_payload += flusher.min_payload(&frame);
                let s = flusher.flush(&frame, &mut rec).unwrap();
                total.add(&s);
            }
            let n = ticks as f64;
            let per = |x: usize| x as f64 / n;
            let payload = per(total.payload_bytes());
            let floor = per(total.floor);
            let min = per(min_payload);
            let ratio = |x: f64| if floor > 0.0 { x / floor } else { 0.0 };
            let us = total.bus_ns as f64 / n / 1000.0;
            println!(
                "| {name} | {} | {} | {payload:.1} | {floor:.1} | {:.3} | {min:.1} | {:.3} | {:.1} | {:.1} | {:.1} | {:.1} | {:.2} | {us:.0} us | {:.0} | {}, {} |",
                spec,
                if bus.is_i2c() { format!("I2C {} kHz", i2c_hz / 1000) } else { "SPI 8 MHz".into() },
                ratio(payload),
                ratio(min),
                per(total.data_bytes),
                per(total.command_bytes),
                per(total.framing_bytes),
                per(total.wire_bytes),
                per(total.transactions),
                if us > 0.0 { 1e6 / us } else { f64::INFINITY },
                first.wire_bytes,
                first.transactions,
            );
        }
    }
}
