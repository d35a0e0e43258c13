//! XLSX documents (placeholder: replaced by the XLSX work).
