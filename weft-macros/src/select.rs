//! Support for `weft::select!`.

use proc_macro::{Group, TokenStream, TokenTree};

/// Removes the `ref` and `mut` binding modifiers from a pattern (but keeps `&mut` reference
/// patterns), recursing into groups.
///
/// `select!` checks whether a branch's output matches its pattern by matching against a
/// reference to the output, so that a non-matching output can be dropped and the branch
/// disabled without anything having been moved. Under a reference, bindings are by reference
/// already, and `mut x` / `ref x` would be errors or moves; without them the pattern tests
/// exactly the same shape.
pub(crate) fn clean_pattern(input: TokenStream) -> TokenStream {
    let mut out = Vec::new();
    let mut prev_amp = false;
    for t in input {
        let is_amp = matches!(&t, TokenTree::Punct(p) if p.as_char() == '&');
        match &t {
            TokenTree::Ident(i) if i.to_string() == "ref" => {}
            TokenTree::Ident(i) if i.to_string() == "mut" && !prev_amp => {}
            TokenTree::Group(g) => {
                let mut ng = Group::new(g.delimiter(), clean_pattern(g.stream()));
                ng.set_span(g.span());
                out.push(TokenTree::Group(ng));
            }
            _ => out.push(t.clone()),
        }
        prev_amp = is_amp;
    }
    out.into_iter().collect()
}
