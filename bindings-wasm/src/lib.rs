//! WASM bindings (placeholder).
