//! oracle tests
