//! How the command lines print what a command returns: the value as indented text, or as JSON
//! with `--json`; an error in Chinese on stderr (a JSON body with `--json`) and the exit code (2 for
//! bad input, 1 otherwise). Shared by `frontdesk` and `frontdesk-dev` (`#[path]`), so that both
//! print alike.

use std::process::ExitCode;

use frontdesk::{Error, Result};

/// Prints a command's outcome and returns the process's exit code.
pub fn print(outcome: Result<serde_json::Value>, json_output: bool) -> ExitCode {
    match outcome {
        Ok(v) => {
            let mut text = String::new();
            if json_output {
                text = serde_json::to_string_pretty(&v).unwrap_or_default();
                text.push('\n');
            } else {
                render_text(&v, 0, &mut text);
            }
            // A closed pipe (`| head`) is not an error worth a panic.
            let _ = std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => {
            if json_output {
                let body = serde_json::to_string(&e.report()).unwrap_or_default();
                eprintln!("{body}");
            } else {
                eprintln!("错误：{e}");
                if let Error::Import(rows) = &e {
                    for r in rows {
                        eprintln!("  第 {} 行 {}：{}", r.row, r.field, r.message);
                    }
                }
            }
            match e {
                Error::Invalid { .. } | Error::Import(_) => ExitCode::from(2),
                _ => ExitCode::from(1),
            }
        }
    }
}

/// Renders a value as indented text: objects as `key: value` lines, arrays item by item.
fn render_text(v: &serde_json::Value, indent: usize, out: &mut String) {
    use std::fmt::Write as _;
    let pad = "  ".repeat(indent);
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                match v {
                    serde_json::Value::Object(_) | serde_json::Value::Array(_) => {
                        let _ = writeln!(out, "{pad}{k}:");
                        render_text(v, indent + 1, out);
                    }
                    _ => {
                        let _ = writeln!(out, "{pad}{k}: {}", scalar(v));
                    }
                }
            }
        }
        serde_json::Value::Array(a) => {
            if a.is_empty() {
                let _ = writeln!(out, "{pad}（无）");
            }
            for (i, item) in a.iter().enumerate() {
                match item {
                    serde_json::Value::Object(_) | serde_json::Value::Array(_) => {
                        let _ = writeln!(out, "{pad}[{}]", i + 1);
                        render_text(item, indent + 1, out);
                    }
                    _ => {
                        let _ = writeln!(out, "{pad}- {}", scalar(item));
                    }
                }
            }
        }
        _ => {
            let _ = writeln!(out, "{pad}{}", scalar(v));
        }
    }
}

fn scalar(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "—".into(),
        other => other.to_string(),
    }
}
