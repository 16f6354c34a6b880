//! Reconnect delays: exponential, capped, with "equal jitter" so that thousands of clients
//! dropped by one relay restart do not all come back in the same millisecond.

pub const BASE_MS: f64 = 500.0;
pub const CAP_MS: f64 = 15_000.0;

/// Delay before reconnect attempt `attempt` (0-based). `random` is uniform in `[0, 1)`.
/// The result lies in `[d/2, d)` where `d = min(CAP, BASE * 2^attempt)`.
pub fn delay_ms(attempt: u32, random: f64) -> u32 {
    let ceiling = (BASE_MS * 2f64.powi(attempt.min(16) as i32)).min(CAP_MS);
    let half = ceiling / 2.0;
    (half + half * random.clamp(0.0, 1.0)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_then_caps() {
        assert_eq!(delay_ms(0, 0.0), 250);
        assert_eq!(delay_ms(1, 0.0), 500);
        assert_eq!(delay_ms(3, 0.0), 2_000);
        assert_eq!(delay_ms(10, 0.0), 7_500);
        assert_eq!(delay_ms(u32::MAX, 0.0), 7_500);
    }

    #[test]
    fn jitter_stays_within_the_window() {
        for attempt in 0..20 {
            let low = delay_ms(attempt, 0.0);
            let high = delay_ms(attempt, 0.999_999);
            assert!(high >= low && high <= low * 2, "{attempt}: {low}..{high}");
        }
    }
}
