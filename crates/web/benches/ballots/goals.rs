//! Issue 22's budgets, each judged on this run's figures and printed with
//! its verdict. On this shared two-core machine only ratios against the
//! reference endpoint measured in the same run are judged; the p99 is
//! reported beside the reference's, not judged. A budget is "not judged"
//! when the run's sizes are not the budget's or its figures cannot be
//! trusted (answers other than 200, a reference that stored nothing).

/// What one run measured.
#[derive(Default)]
pub struct Run {
    pub postgres: bool,
    pub connections: usize,
    /// Every n-th request a client's resend (0: none).
    pub replay_every: usize,
    pub reference_rate: f64,
    pub reference_p99_ms: f64,
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

/// The lines about the wrk run at 512 connections.
fn throughput(r: &Run, out: &mut Vec<String>) {
    let not_judged = if r.connections != 512 {
        Some(format!("CONNECTIONS={}", r.connections))
    } else if r.replay_every > 0 {
        Some(format!("REPLAY_EVERY={}", r.replay_every))
    } else if r.errors > 0 {
        Some(format!("{} answers other than 200", r.errors))
    } else if r.reference_rate <= 0.0 {
        Some("the reference stored nothing".to_string())
    } else {
        None
    };
    if let Some(why) = not_judged {
        out.push(format!("share of the reference's rate at 512 connections: not judged ({why})"));
        return;
    }
    let share = 100.0 * r.rate / r.reference_rate;
    let p99 = format!("p99 {:.1} ms (the reference's {:.1} ms), reported", r.p99_ms, r.reference_p99_ms);
    if r.postgres {
        // The budget is SQLite's; PostgreSQL's share is reported.
        out.push(format!("share of the reference's rate on PostgreSQL: {share:.0} %, reported; {p99}"));
    } else {
        out.push(format!("≥ 50 % of the reference's rate on SQLite: {share:.0} % — {}; {p99}", verdict(share >= 50.0)));
    }
}

/// One line per budget.
pub fn lines(r: &Run) -> Vec<String> {
    let mut out = Vec::new();
    throughput(r, &mut out);
    if r.burst_size == 3_000 {
        let all = r.burst_failed == 0 && r.none_lost_or_twice;
        out.push(format!(
            "3,000 at once, all confirmed, none lost or doubled, within 2 s: {:.0} ms, {} failed — {}",
            r.burst_ms,
            r.burst_failed,
            verdict(all && r.burst_ms < 2_000.0)
        ));
        out.push(match r.screen_ms {
            Some(ms) => format!("big screen at most 1 s behind: {ms:.0} ms — {}", verdict(ms <= 1_000.0)),
            None => "big screen at most 1 s behind: never showed the last ballot — NOT met".to_string(),
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
