//! Issue 4's goals, each judged on this run's figures and printed with its
//! verdict. The SQLite p99 is judged twice: against the stated 100 ms, and
//! against that limit scaled by the reference endpoint's rate in the same
//! run (docs/decisions/0008). A goal is "not judged" when the run's sizes
//! are not the issue's or its figures cannot be trusted (answers other than
//! 200, a reference that stored nothing).

/// The reference's rate when the issue set its goals (ballots/s).
pub const ISSUE_REFERENCE_RATE: f64 = 14_000.0;

/// What one run measured.
#[derive(Default)]
pub struct Run {
    pub postgres: bool,
    pub connections: usize,
    /// Every n-th request a client's resend (0: none).
    pub replay_every: usize,
    pub reference_rate: f64,
    pub rate: f64,
    pub p99_ms: f64,
    /// Answers other than 200 and socket errors in the endpoint's wrk run.
    pub errors: u64,
    pub burst_size: usize,
    pub burst_ms: f64,
    pub burst_failed: usize,
    /// Every stored ballot has its participation record and no more.
    pub none_lost_or_twice: bool,
    /// After the burst's last receipt; None: the screen never showed it.
    pub screen_ms: Option<f64>,
    pub results_ballots: usize,
    pub results_ms: f64,
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "NOT met" }
}

/// The p99 limit scaled to this machine: the issue's 100 ms at its
/// reference's 14,000/s, in proportion to the reference's rate here.
pub fn scaled_p99_limit_ms(reference_rate: f64) -> f64 {
    100.0 * ISSUE_REFERENCE_RATE / reference_rate
}

/// The lines about the wrk run at 512 connections.
fn throughput(r: &Run, out: &mut Vec<String>) {
    let not_judged = if r.connections != 512 {
        Some(format!("CONNECTIONS={}", r.connections))
    } else if r.replay_every > 0 {
        Some(format!("REPLAY_EVERY={}", r.replay_every))
    } else if r.errors > 0 {
        Some(format!("{} answers other than 200", r.errors))
    } else {
        None
    };
    if let Some(why) = not_judged {
        out.push(format!("rate and p99 at 512 connections: not judged ({why})"));
        return;
    }
    if r.postgres {
        out.push(format!("≥ 2,500 ballots/s on PostgreSQL: {:.0}/s — {}", r.rate, verdict(r.rate >= 2_500.0)));
        return;
    }
    out.push(format!("≥ 5,000 ballots/s on SQLite: {:.0}/s — {}", r.rate, verdict(r.rate >= 5_000.0)));
    if r.reference_rate <= 0.0 {
        out.push("share of the reference's rate and the scaled p99: not judged (the reference stored nothing)".into());
        out.push(format!("p99 < 100 ms: {:.1} ms — {}", r.p99_ms, verdict(r.p99_ms < 100.0)));
        return;
    }
    let share = 100.0 * r.rate / r.reference_rate;
    out.push(format!("≥ 36 % of the reference's rate (aim 50 %): {share:.0} % — {}", verdict(share >= 36.0)));
    let limit = scaled_p99_limit_ms(r.reference_rate);
    out.push(format!(
        "p99 < 100 ms: {:.1} ms — {} as stated; {} against the limit scaled to this machine \
         (100 ms × {:.0} ÷ the reference's {:.0}/s = {limit:.0} ms)",
        r.p99_ms,
        verdict(r.p99_ms < 100.0),
        verdict(r.p99_ms < limit),
        ISSUE_REFERENCE_RATE,
        r.reference_rate,
    ));
}

/// One line per goal.
pub fn lines(r: &Run) -> Vec<String> {
    let mut out = Vec::new();
    throughput(r, &mut out);
    if r.burst_size == 3_000 {
        let all = r.burst_failed == 0 && r.none_lost_or_twice;
        out.push(format!(
            "3,000 at once, all confirmed within 1 s: {:.0} ms, {} failed — {}",
            r.burst_ms,
            r.burst_failed,
            verdict(all && r.burst_ms < 1_000.0)
        ));
        out.push(match r.screen_ms {
            Some(ms) => format!("big screen under 1 s behind: {ms:.0} ms — {}", verdict(ms < 1_000.0)),
            None => "big screen under 1 s behind: never showed the last ballot — NOT met".to_string(),
        });
    } else {
        out.push(format!("3,000 at once and the big screen: not judged (BURST={})", r.burst_size));
    }
    if r.results_ballots >= 100_000 {
        out.push(format!(
            "results for {} ballots within 300 ms of the close: {:.0} ms — {}",
            r.results_ballots,
            r.results_ms,
            verdict(r.results_ms < 300.0)
        ));
    } else {
        out.push(format!(
            "results within 300 ms for 100,000 ballots: not judged (RESULTS_BALLOTS={})",
            r.results_ballots
        ));
    }
    out
}
