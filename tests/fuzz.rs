//! The hostile-input fuzzing (`frontdesk-dev soak --fuzz`, engine in
//! src/bin/frontdesk-dev/fuzz.rs) run through the real binary: no panic, every rejection a Chinese
//! error, nothing changed by a rejected command. CI runs 300 cases; `FRONTDESK_FUZZ_CASES` and
//! `FRONTDESK_FUZZ_SEED` change that; the soak command's default is 100,000.

#[test]
fn fuzz_every_command_with_hostile_input() {
    let env = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(default)
    };
    let cases = env("FRONTDESK_FUZZ_CASES", 300);
    let seed = env("FRONTDESK_FUZZ_SEED", 20_261_123);
    let root = crate::common::scratch("fuzz");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_frontdesk-dev"))
        .args(["soak", "--trials", "0", "--tamper", "0", "--json", "--dir"])
        .arg(&root)
        .args(["--fuzz", &cases.to_string(), "--seed", &seed.to_string()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "fuzz failed (seed {seed}):\n{stdout}\n{stderr}"
    );
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["fuzz cases"], cases, "{v}");
    assert_eq!(v["fuzz panics"], 0, "{v}");
    assert_eq!(v["fuzz failures"], 0, "{v}");
    let accepted = v["fuzz commands accepted"].as_u64().unwrap();
    assert!(accepted > cases / 20, "too few commands succeeded: {v}");
}
