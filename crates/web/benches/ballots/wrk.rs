//! Load from `wrk` (Debian package `wrk`): 512 connections posting ballot
//! forms; each request takes the next evaluator (personal-link session) and
//! a fresh idempotency key. A Lua script built here prints a JSON summary.

use std::path::Path;
use std::process::Command;

#[derive(Debug, serde::Deserialize)]
pub struct Summary {
    pub requests: u64,
    pub duration_us: u64,
    pub non_2xx: u64,
    pub socket_errors: u64,
    pub p50_us: u64,
    pub p90_us: u64,
    pub p99_us: u64,
    pub max_us: u64,
}

impl Summary {
    pub fn line(&self, stored: usize) -> String {
        let secs = self.duration_us as f64 / 1e6;
        format!(
            "{:.0} ballots/s ({stored} stored in {secs:.1} s; {} requests, {} not 2xx, {} socket errors); p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            stored as f64 / secs,
            self.requests,
            self.non_2xx,
            self.socket_errors,
            self.p50_us as f64 / 1000.0,
            self.p90_us as f64 / 1000.0,
            self.p99_us as f64 / 1000.0,
            self.max_us as f64 / 1000.0,
        )
    }
}

const THREADS: usize = 2;

/// Run wrk against `base` + `path` for `seconds`, with `connections`; the
/// sessions file has one link-session token per line (each used once).
/// With `replay_every` n > 0, every n-th request of a wrk thread (after its
/// first 2,048) resends one it sent 2,048 requests before: the same
/// session, key and body, answered with the stored ballot's receipt.
#[allow(clippy::too_many_arguments)]
pub fn run(
    dir: &Path,
    base: &str,
    path: &str,
    sessions: &[String],
    subjects: &[i64],
    connections: usize,
    seconds: u64,
    replay_every: usize,
) -> Summary {
    let sessions_file = dir.join(format!("sessions-{}.txt", path.replace('/', "_")));
    std::fs::write(&sessions_file, sessions.join("\n") + "\n").expect("write sessions");
    let subjects: Vec<String> = subjects.iter().map(i64::to_string).collect();
    let script = format!(
        r#"
local threads = {THREADS}
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local sessions = {{}}
local bodies = {{}}
local subjects = {{ {subjects} }}
local grades = {{ "excellent", "good", "fair", "poor" }}
local i = 0
local replay_every = {replay_every}
local back = 2048 * threads
function init(args)
  for line in io.lines("{sessions}") do sessions[#sessions + 1] = line end
  for v = 0, 3 do
    local parts = {{}}
    for j, s in ipairs(subjects) do
      parts[j] = '{{"subject":' .. s .. ',"grades":{{"overall":"' .. grades[((v + j - 1) % 4) + 1] .. '"}}}}'
    end
    bodies[v] = urlencode("[" .. table.concat(parts, ",") .. "]")
  end
  i = tid
end

function request()
  local k = i
  i = i + threads
  if replay_every > 0 and k >= back and math.floor(k / threads) % replay_every == 0 then
    k = k - back
  end
  local s = sessions[(k % #sessions) + 1]
  local body = "key=bench-key-" .. string.format("%012d", k) .. "&marks=" .. bodies[k % 4]
  return wrk.format("POST", "{path}", {{
    ["Cookie"] = "kp_link=" .. s,
    ["Origin"] = "{base}",
    ["Sec-Fetch-Site"] = "same-origin",
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }}, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {{"requests":%d,"duration_us":%d,"non_2xx":%d,"socket_errors":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"#,
        subjects = subjects.join(", "),
        sessions = sessions_file.display(),
    );
    let script_file = dir.join("ballots.lua");
    std::fs::write(&script_file, script).expect("write wrk script");
    let out = Command::new("wrk")
        .args([
            "-t",
            &THREADS.to_string(),
            "-c",
            &connections.to_string(),
            "-d",
            &format!("{seconds}s"),
            "--timeout",
            "10s",
        ])
        .arg("-s")
        .arg(&script_file)
        .arg(format!("{base}{path}"))
        .output()
        .expect("wrk is needed for this benchmark: apt-get install wrk");
    let text = String::from_utf8_lossy(&out.stdout);
    let json = text.lines().find_map(|l| l.strip_prefix("WRKJSON ")).unwrap_or_else(|| panic!("wrk said: {text}"));
    serde_json::from_str(json).expect("wrk summary")
}
