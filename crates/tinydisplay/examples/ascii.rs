//! Prints a scene's frame at a tick as ASCII art: `cargo run --example ascii -- SCENE TICK`.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bytes = std::fs::read(&args[1]).expect("read scene");
    let engine = tinydisplay::Engine::from_source(&args[1], &bytes).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let tick = args.get(2).and_then(|t| t.parse().ok()).unwrap_or(0);
    print!("{:?}", engine.render(tick));
}
