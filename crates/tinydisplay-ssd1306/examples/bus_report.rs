//! Bytes on the wire per frame vs the floor, transactions and modelled bus time, for scenes.
//!
//! `cargo run --release -p tinydisplay-ssd1306 --example bus_report -- [--ticks N] [--i2c-hz HZ] [SCENE...]`
//! (default: every scene in tests/scenes, 600 ticks, 400 kHz). Prints a Markdown table.

use std::path::PathBuf;
use tinydisplay::{Engine, Frame};
use tinydisplay_ssd1306::{Bus, FlushStats, Flusher, Recorder};

fn main() {
    let mut ticks = 600u64;
    let mut i2c_hz = 400_000u32;
    let mut scenes: Vec<PathBuf> = Vec::new();
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
            _ => scenes.push(a.into()),
        }
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
    println!("| scene | bus | wire B/frame | floor B/frame | wire/floor | data B/frame | txns/frame | bus time/frame | max fps (bus) |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for path in scenes {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let mut engine = match Engine::from_source(
            &path.display().to_string(),
            &std::fs::read(&path).unwrap(),
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
        for bus in [Bus::i2c(i2c_hz), Bus::spi(8_000_000)] {
            let (w, h) = (engine.width(), engine.height());
            let mut flusher = Flusher::new(w, h, bus);
            let mut rec = Recorder::new();
            let mut frame = Frame::new(w, h);
            // Tick 0 is the full first frame (the panel's content is unknown); average over the
            // steady state that follows, like luma's per-frame figure.
            engine.render_into(0, &mut frame);
            flusher.flush(&frame, &mut rec).unwrap();
            let mut total = FlushStats::default();
            for t in 1..=ticks {
                engine.render_into(t, &mut frame);
                rec.writes.clear();
                let s = flusher.flush(&frame, &mut rec).unwrap();
                total.add(&s);
            }
            let n = ticks as f64;
            let wire = total.wire_bytes as f64 / n;
            let floor = total.floor as f64 / n;
            let us = total.bus_ns as f64 / n / 1000.0;
            println!(
                "| {name} | {} | {wire:.1} | {floor:.1} | {:.3} | {:.1} | {:.2} | {us:.0} us | {:.0} |",
                if bus.is_i2c() { format!("I2C {} kHz", i2c_hz / 1000) } else { "SPI 8 MHz".into() },
                if floor > 0.0 { wire / floor } else { 0.0 },
                total.data_bytes as f64 / n,
                total.transactions as f64 / n,
                if us > 0.0 { 1e6 / us } else { f64::INFINITY },
            );
        }
    }
}
