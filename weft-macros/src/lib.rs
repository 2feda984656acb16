//! Procedural macros for weft: `#[weft::main]` and `#[weft::test]`.

use proc_macro::TokenStream;

/// Marks the async `main` function to run on a weft runtime.
#[proc_macro_attribute]
pub fn main(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}

/// Marks an async test function to run on a weft runtime.
#[proc_macro_attribute]
pub fn test(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}
