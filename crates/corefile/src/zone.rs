//! RFC 1035 zone files (placeholder; being written).
