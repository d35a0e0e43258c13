//! PDF documents (placeholder: replaced by the PDF work).
