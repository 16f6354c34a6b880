//! A short, quiet two-note chime (a new message the reader is not looking at), made with Web
//! Audio: no sound file to download. Browsers may refuse audio before the user has interacted
//! with the page; then there is simply no sound.

use web_sys::{AudioContext, OscillatorType};

pub fn chime() {
    let Ok(ctx) = AudioContext::new() else { return };
    let now = ctx.current_time();
    for (i, frequency) in [880.0f32, 1320.0].into_iter().enumerate() {
        let (Ok(osc), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) else {
            return;
        };
        osc.set_type(OscillatorType::Sine);
        osc.frequency().set_value(frequency);
        let start = now + i as f64 * 0.12;
        let _ = gain.gain().set_value_at_time(0.0001, start);
        let _ = gain
            .gain()
            .exponential_ramp_to_value_at_time(0.08, start + 0.02);
        let _ = gain
            .gain()
            .exponential_ramp_to_value_at_time(0.0001, start + 0.25);
        let _ = osc.connect_with_audio_node(&gain);
        let _ = gain.connect_with_audio_node(&ctx.destination());
        let _ = osc.start_with_when(start);
        let _ = osc.stop_with_when(start + 0.3);
    }
}
