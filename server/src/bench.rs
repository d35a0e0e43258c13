//! The benchmark (placeholder).
pub async fn run(
    _url: &str,
    _desks: usize,
    _changes: usize,
    _per_estate: usize,
    _batch: usize,
) -> Result<(), crate::BoxError> {
    Err("not yet".into())
}
