//! Scene to [`Compiled`]: validation, then timeline scheduling, then drawing order.

use crate::asset::Assets;
use crate::error::SceneError;
use crate::event::CLOCK_INPUT;
use crate::model::{Compiled, Node};
use crate::scene::{InputDef, Scene, Value};
use crate::schedule::{apply_start, schedule};
use crate::validate::{self, Errors};
use alloc::string::String;
use alloc::vec::Vec;

/// Validates a scene and compiles it. On failure, every error found (at most
/// [`validate::MAX_ERRORS`]), in the order the checks ran: display, inputs, widgets in file
/// order, timelines.
pub(crate) fn compile(scene: &Scene, assets: Assets) -> Result<Compiled, Vec<SceneError>> {
    let mut errors = Errors::default();
    for e in crate::asset::missing(scene, &assets) {
        errors.push(e);
    }
    let d = &scene.display;
    validate::check_display(d, &mut errors);
    let inputs: Vec<(String, InputDef)> = scene
        .inputs
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    validate::check_inputs(&inputs, &mut errors);
    // The clock slot sits in its sorted place so every by-name lookup stays a binary search; a
    // scene declaring `clock` itself is already an error above.
    let (clock, inputs) = with_clock(inputs);
    validate::check_display_care(d, &inputs, &mut errors);
    let pictures = validate::Pictures {
        assets: &assets,
        tick_rate: d.tick_rate,
    };
    let (mut roots, tracks) = validate::widgets(&scene.widgets, &inputs, pictures, &mut errors);
    // Schedule before sorting by z: track paths are file-order indices.
    let starts = errors.ok(schedule(scene, &tracks));
    if !errors.is_empty() {
        return Err(errors.0);
    }
    for (id, start) in starts.unwrap_or_default() {
        apply_start(&mut roots, &tracks[&id].0, start);
    }
    sort_by_z(&mut roots);
    Ok(Compiled {
        scene: scene.clone(),
        width: d.width as u16,
        height: d.height as u16,
        tick_rate: d.tick_rate,
        inputs,
        clock,
        roots,
        assets,
    })
}

/// `inputs` (sorted by name) with the reserved clock input, and its index.
fn with_clock(mut inputs: Vec<(String, InputDef)>) -> (usize, Vec<(String, InputDef)>) {
    match inputs.binary_search_by(|(n, _)| n.as_str().cmp(CLOCK_INPUT)) {
        Ok(i) => (i, inputs),
        Err(i) => {
            let def = InputDef {
                default: Value::Int(0),
                min: None,
                max: None,
                suggest: None,
            };
            inputs.insert(i, (String::from(CLOCK_INPUT), def));
            (i, inputs)
        }
    }
}

fn sort_by_z(nodes: &mut [Node]) {
    // Stable: equal z keeps file order.
    nodes.sort_by_key(|n| n.z);
    for n in nodes {
        sort_by_z(&mut n.children);
    }
}
