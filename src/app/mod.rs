//! The application layer both faces call: the CLI (`src/bin/frontdesk`) and the desktop shell
//! (`src-tauri`) ask it for what a desk shows, and it reads the register and the rules.

pub mod vocabulary;
