//! `#[weft::main]` and `#[weft::test]`: parse the options and the function, emit a plain `fn`
//! that builds a runtime and `block_on`s the original body.

use proc_macro::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use std::str::FromStr;

/// Which attribute is being expanded.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Main,
    Test,
}

/// The attribute being expanded and the crate its generated code names unless `crate = "..."`
/// says otherwise: `::weft` for `#[weft::main]`, `::tokio` for the entry points the `tokio`
/// compatibility crate re-exports. Each re-export fixes its own path, so the path is right by
/// construction, with no guess from the caller's manifest.
#[derive(Clone, Copy)]
pub(crate) struct Entry {
    pub(crate) kind: Kind,
    pub(crate) crate_name: &'static str,
}

impl Entry {
    /// `weft::main`, `tokio::test`, …: how the user spells the attribute, for messages.
    fn name(self) -> String {
        let attr = match self.kind {
            Kind::Main => "main",
            Kind::Test => "test",
        };
        format!("{}::{attr}", self.crate_name)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavor {
    CurrentThread,
    MultiThread,
    /// A current-thread runtime built as a `LocalRuntime`: `spawn_local` works in the body.
    Local,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum UnhandledPanic {
    Ignore,
    ShutdownRuntime,
}

/// A compile error: a message and the span it points at.
struct Error {
    span: Span,
    msg: String,
}

impl Error {
    fn new(span: Span, msg: impl Into<String>) -> Error {
        Error {
            span,
            msg: msg.into(),
        }
    }

    /// `::core::compile_error!("msg");` with every token carrying the span, so the error is
    /// reported where the problem is.
    fn to_tokens(&self) -> TokenStream {
        let mut lit = Literal::string(&self.msg);
        lit.set_span(self.span);
        let mut body = TokenStream::new();
        body.extend([TokenTree::Literal(lit)]);
        let mut group = Group::new(Delimiter::Parenthesis, body);
        group.set_span(self.span);
        let mut semi = Punct::new(';', Spacing::Alone);
        semi.set_span(self.span);
        let mut out = TokenStream::new();
        out.extend(path_tokens("::core::compile_error", self.span));
        out.extend([
            TokenTree::Punct(spanned_punct('!', self.span)),
            TokenTree::Group(group),
            TokenTree::Punct(semi),
        ]);
        out
    }
}

fn spanned_punct(c: char, span: Span) -> Punct {
    let mut p = Punct::new(c, Spacing::Alone);
    p.set_span(span);
    p
}

/// Tokens of a path such as `::core::compile_error`, all carrying `span`.
fn path_tokens(path: &str, span: Span) -> TokenStream {
    let mut out = TokenStream::new();
    for t in TokenStream::from_str(path).expect("a valid path") {
        out.extend([respan(t, span)]);
    }
    out
}

fn respan(mut t: TokenTree, span: Span) -> TokenTree {
    t.set_span(span);
    t
}

/// The options given in the attribute.
struct Config {
    flavor: Flavor,
    worker_threads: Option<(u64, Span)>,
    start_paused: Option<(bool, Span)>,
    unhandled_panic: Option<(UnhandledPanic, Span)>,
    /// The runtime's name (`Builder::name`).
    name: Option<String>,
    crate_path: Option<TokenStream>,
}

impl Config {
    fn default_for(kind: Kind) -> Config {
        Config {
            flavor: match kind {
                Kind::Main => Flavor::MultiThread,
                Kind::Test => Flavor::CurrentThread,
            },
            worker_threads: None,
            start_paused: None,
            unhandled_panic: None,
            name: None,
            crate_path: None,
        }
    }
}

const OPTIONS: &str =
    "`flavor`, `worker_threads`, `start_paused`, `crate`, `unhandled_panic`, `name`";

/// Parses `name = value, name = value` into a [`Config`].
fn parse_config(args: TokenStream, entry: Entry) -> Result<Config, Error> {
    let kind = entry.kind;
    let mut config = Config::default_for(kind);
    let mut flavor_set: Option<Span> = None;
    let mut crate_set = false;
    let tokens: Vec<TokenTree> = args.into_iter().collect();

    for option in tokens.split(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ',')) {
        let (name, span, value) = match option {
            [] => continue,
            [TokenTree::Ident(name)] => {
                let name_s = name.to_string();
                let msg = match name_s.as_str() {
                    "multi_thread" | "threaded_scheduler" => format!(
                        "Set the runtime flavor with #[{}(flavor = \"multi_thread\")].",
                        entry.name()
                    ),
                    "current_thread" | "basic_scheduler" | "single_threaded" => format!(
                        "Set the runtime flavor with #[{}(flavor = \"current_thread\")].",
                        entry.name()
                    ),
                    "flavor" | "worker_threads" | "start_paused" | "crate" | "unhandled_panic"
                    | "name" => {
                        format!("The `{name_s}` option requires a value: `{name_s} = ...`.")
                    }
                    _ => format!(
                        "Unknown option `{name_s}` is specified; expected one of: {OPTIONS}."
                    ),
                };
                return Err(Error::new(name.span(), msg));
            }
            [TokenTree::Ident(name), TokenTree::Punct(eq), value @ ..] if eq.as_char() == '=' => {
                let value = match value {
                    [v] => v.clone(),
                    [] => {
                        return Err(Error::new(
                            eq.span(),
                            format!("The `{name}` option requires a value after `=`."),
                        ))
                    }
                    [_, extra, ..] => {
                        return Err(Error::new(
                            extra.span(),
                            "Expected a single literal value; separate options with `,`.",
                        ))
                    }
                };
                (name.to_string(), name.span(), value)
            }
            [first, ..] => {
                return Err(Error::new(
                    first.span(),
                    format!(
                        "Expected options of the form `name = value`; known options: {OPTIONS}."
                    ),
                ))
            }
        };

        match name.as_str() {
            "flavor" => {
                if flavor_set.is_some() {
                    return Err(Error::new(span, "`flavor` set multiple times."));
                }
                let s = parse_string(&value, "flavor")?;
                config.flavor = match s.as_str() {
                    "current_thread" => Flavor::CurrentThread,
                    "multi_thread" => Flavor::MultiThread,
                    "local" => Flavor::Local,
                    "single_thread" => {
                        return Err(Error::new(
                            value.span(),
                            "The single threaded runtime flavor is called `current_thread`.",
                        ))
                    }
                    "basic_scheduler" => return Err(Error::new(
                        value.span(),
                        "The `basic_scheduler` runtime flavor has been renamed to `current_thread`.",
                    )),
                    "threaded_scheduler" => return Err(Error::new(
                        value.span(),
                        "The `threaded_scheduler` runtime flavor has been renamed to `multi_thread`.",
                    )),
                    other => return Err(Error::new(
                        value.span(),
                        format!("No such runtime flavor `{other}`. The runtime flavors are `current_thread`, `local`, and `multi_thread`."),
                    )),
                };
                flavor_set = Some(span);
            }
            "worker_threads" => {
                if config.worker_threads.is_some() {
                    return Err(Error::new(span, "`worker_threads` set multiple times."));
                }
                let n = parse_int(&value, "worker_threads")?;
                if n == 0 {
                    return Err(Error::new(value.span(), "`worker_threads` may not be 0."));
                }
                config.worker_threads = Some((n, span));
            }
            "start_paused" => {
                if config.start_paused.is_some() {
                    return Err(Error::new(span, "`start_paused` set multiple times."));
                }
                config.start_paused = Some((parse_bool(&value, "start_paused")?, span));
            }
            "unhandled_panic" => {
                if config.unhandled_panic.is_some() {
                    return Err(Error::new(span, "`unhandled_panic` set multiple times."));
                }
                let behavior = match parse_string(&value, "unhandled_panic")?.as_str() {
                    "ignore" => UnhandledPanic::Ignore,
                    "shutdown_runtime" => UnhandledPanic::ShutdownRuntime,
                    other => return Err(Error::new(
                        value.span(),
                        format!("No such unhandled panic behavior `{other}`. The unhandled panic behaviors are `ignore` and `shutdown_runtime`."),
                    )),
                };
                config.unhandled_panic = Some((behavior, span));
            }
            "name" => {
                if config.name.is_some() {
                    return Err(Error::new(span, "`name` set multiple times."));
                }
                config.name = Some(parse_string(&value, "name")?);
            }
            "crate" => {
                if crate_set {
                    return Err(Error::new(span, "`crate` set multiple times."));
                }
                config.crate_path = Some(parse_path(&value, "crate")?);
                crate_set = true;
            }
            "core_threads" => {
                return Err(Error::new(
                    span,
                    "Option `core_threads` is renamed to `worker_threads`.",
                ))
            }
            other => {
                return Err(Error::new(
                    span,
                    format!("Unknown option `{other}` is specified; expected one of: {OPTIONS}."),
                ))
            }
        }
    }

    if let Some((_, span)) = config.worker_threads {
        if config.flavor != Flavor::MultiThread {
            return Err(Error::new(
                span,
                format!(
                    "The `worker_threads` option requires the `multi_thread` runtime flavor. Use `#[{}(flavor = \"multi_thread\")]`",
                    entry.name()
                ),
            ));
        }
    }
    if let Some((true, span)) = config.start_paused {
        if config.flavor == Flavor::MultiThread {
            return Err(Error::new(
                span,
                format!(
                    "The `start_paused` option requires the `current_thread` runtime flavor. Use `#[{}(flavor = \"current_thread\")]`",
                    entry.name()
                ),
            ));
        }
    }
    if let Some((_, span)) = config.unhandled_panic {
        if config.flavor == Flavor::MultiThread {
            return Err(Error::new(
                span,
                format!(
                    "The `unhandled_panic` option requires the `current_thread` runtime flavor. Use `#[{}(flavor = \"current_thread\")]`",
                    entry.name()
                ),
            ));
        }
    }
    Ok(config)
}

/// The literal inside `value`, looking through the invisible group a `macro_rules!` fragment
/// arrives in.
fn literal(value: &TokenTree) -> Option<Literal> {
    match value {
        TokenTree::Literal(l) => Some(l.clone()),
        TokenTree::Group(g) if g.delimiter() == Delimiter::None => {
            let mut inner = g.stream().into_iter();
            match (inner.next(), inner.next()) {
                (Some(t), None) => literal(&t),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The contents of a plain string literal (`"..."`, no escapes needed for our values).
fn parse_string(value: &TokenTree, field: &str) -> Result<String, Error> {
    let err = || {
        Error::new(
            value.span(),
            format!("Failed to parse value of `{field}` as string."),
        )
    };
    let lit = literal(value).ok_or_else(err)?.to_string();
    if lit.len() >= 2 && lit.starts_with('"') && lit.ends_with('"') && !lit.contains('\\') {
        Ok(lit[1..lit.len() - 1].to_string())
    } else {
        Err(err())
    }
}

fn parse_int(value: &TokenTree, field: &str) -> Result<u64, Error> {
    let err = |why: String| {
        Error::new(
            value.span(),
            format!("Failed to parse value of `{field}` as integer{why}."),
        )
    };
    let lit = literal(value)
        .ok_or_else(|| err(String::new()))?
        .to_string();
    let digits = lit
        .trim_end_matches("usize")
        .trim_end_matches("u64")
        .trim_end_matches("u32")
        .replace('_', "");
    digits.parse::<u64>().map_err(|e| err(format!(": {e}")))
}

fn parse_bool(value: &TokenTree, field: &str) -> Result<bool, Error> {
    let word = match value {
        TokenTree::Ident(i) => Some(i.to_string()),
        TokenTree::Group(g) if g.delimiter() == Delimiter::None => {
            let inner: Vec<TokenTree> = g.stream().into_iter().collect();
            match inner.as_slice() {
                [TokenTree::Ident(i)] => Some(i.to_string()),
                _ => None,
            }
        }
        _ => None,
    };
    match word.as_deref() {
        Some("true") => Ok(true),
        Some("false") => Ok(false),
        _ => Err(Error::new(
            value.span(),
            format!("Failed to parse value of `{field}` as bool."),
        )),
    }
}

/// `"some::path"` → the tokens of that path, spanned at the literal.
fn parse_path(value: &TokenTree, field: &str) -> Result<TokenStream, Error> {
    let s = parse_string(value, field)?;
    let valid = !s.is_empty()
        && s.trim_start_matches("::").split("::").all(|seg| {
            let mut chars = seg.chars();
            matches!(chars.next(), Some(c) if c == '_' || c.is_alphabetic())
                && chars.all(|c| c == '_' || c.is_alphanumeric())
        });
    if !valid {
        return Err(Error::new(
            value.span(),
            format!("Failed to parse value of `{field}` as path: \"{s}\""),
        ));
    }
    Ok(path_tokens(&s, value.span()))
}

/// The pieces of the annotated function.
struct ItemFn {
    /// Outer attributes, each `#` `[...]`.
    attrs: Vec<TokenStream>,
    /// Everything from the visibility up to (not including) `fn`, with `async` removed.
    qualifiers: Vec<TokenTree>,
    fn_token: Ident,
    name: Ident,
    /// Generics, the parameter list, the return type and where clause: everything between the
    /// name and the body.
    signature_rest: Vec<TokenTree>,
    params: Group,
    /// The return type's tokens (after `->`), if any.
    output: Option<Vec<TokenTree>>,
    /// The body's inner attributes (`#![...]`), lifted onto the function.
    inner_attrs: Vec<TokenStream>,
    /// The body without its inner attributes.
    body: Group,
}

fn is_punct(t: &TokenTree, c: char) -> bool {
    matches!(t, TokenTree::Punct(p) if p.as_char() == c)
}

fn is_ident(t: &TokenTree, s: &str) -> bool {
    matches!(t, TokenTree::Ident(i) if i.to_string() == s)
}

fn parse_fn(item: TokenStream) -> Result<ItemFn, Error> {
    let tokens: Vec<TokenTree> = item.into_iter().collect();
    let mut i = 0;
    let mut attrs = Vec::new();
    while i + 1 < tokens.len()
        && is_punct(&tokens[i], '#')
        && matches!(&tokens[i + 1], TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket)
    {
        attrs.push(tokens[i..i + 2].iter().cloned().collect());
        i += 2;
    }

    let fn_pos = tokens[i..]
        .iter()
        .position(|t| is_ident(t, "fn"))
        .map(|p| p + i)
        .ok_or_else(|| {
            Error::new(
                Span::call_site(),
                "this attribute can only be applied to an `async fn`",
            )
        })?;
    let fn_token = match &tokens[fn_pos] {
        TokenTree::Ident(id) => id.clone(),
        _ => unreachable!(),
    };
    let has_async = tokens[i..fn_pos].iter().any(|t| is_ident(t, "async"));
    if !has_async {
        return Err(Error::new(
            fn_token.span(),
            "the `async` keyword is missing from the function declaration",
        ));
    }
    let qualifiers = tokens[i..fn_pos]
        .iter()
        .filter(|t| !is_ident(t, "async"))
        .cloned()
        .collect();

    let name = match tokens.get(fn_pos + 1) {
        Some(TokenTree::Ident(id)) => id.clone(),
        _ => return Err(Error::new(fn_token.span(), "expected a function name")),
    };

    let body = match tokens.last() {
        Some(TokenTree::Group(g))
            if g.delimiter() == Delimiter::Brace && tokens.len() > fn_pos + 2 =>
        {
            g.clone()
        }
        _ => return Err(Error::new(name.span(), "expected a function body")),
    };
    let signature_rest: Vec<TokenTree> = tokens[fn_pos + 2..tokens.len() - 1].to_vec();

    // The parameter list is the first parenthesised group outside the generics (`<F: Fn(u8)>`
    // holds parentheses too).
    let mut depth = 0i32;
    let mut params = None;
    let mut prev_dash = false;
    for (k, t) in signature_rest.iter().enumerate() {
        match t {
            TokenTree::Punct(p) if p.as_char() == '<' => depth += 1,
            TokenTree::Punct(p) if p.as_char() == '>' && !prev_dash => depth -= 1,
            TokenTree::Group(g) if depth == 0 && g.delimiter() == Delimiter::Parenthesis => {
                params = Some((k, g.clone()));
                break;
            }
            _ => {}
        }
        prev_dash = is_punct(t, '-');
    }
    let (params_pos, params) =
        params.ok_or_else(|| Error::new(name.span(), "expected a parameter list"))?;

    let after = &signature_rest[params_pos + 1..];
    let output = if after.len() >= 2 && is_punct(&after[0], '-') && is_punct(&after[1], '>') {
        let ret = &after[2..];
        let end = ret
            .iter()
            .position(|t| is_ident(t, "where"))
            .unwrap_or(ret.len());
        Some(ret[..end].to_vec())
    } else {
        None
    };

    // Inner attributes cannot stay inside what becomes an `async` block; like tokio, lift them
    // onto the function.
    let body_tokens: Vec<TokenTree> = body.stream().into_iter().collect();
    let mut inner_attrs = Vec::new();
    let mut j = 0;
    while j + 2 < body_tokens.len()
        && is_punct(&body_tokens[j], '#')
        && is_punct(&body_tokens[j + 1], '!')
        && matches!(&body_tokens[j + 2], TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket)
    {
        inner_attrs.push(
            [body_tokens[j].clone(), body_tokens[j + 2].clone()]
                .into_iter()
                .collect(),
        );
        j += 3;
    }
    let mut body_without_inner =
        Group::new(Delimiter::Brace, body_tokens[j..].iter().cloned().collect());
    body_without_inner.set_span(body.span());

    Ok(ItemFn {
        attrs,
        qualifiers,
        fn_token,
        name,
        signature_rest,
        params,
        output,
        inner_attrs,
        body: body_without_inner,
    })
}

/// Whether an attribute is a `#[test]` the test harness would act on.
fn is_test_attribute(attr: &TokenStream) -> bool {
    let tokens: Vec<TokenTree> = attr.clone().into_iter().collect();
    let Some(TokenTree::Group(g)) = tokens.get(1) else {
        return false;
    };
    let path: String = g
        .stream()
        .to_string()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let segments: Vec<&str> = path.trim_start_matches("::").split("::").collect();
    matches!(
        segments.as_slice(),
        ["test"] | ["core" | "std", "prelude", _, "test"]
    )
}

/// The `crate = "..."` option alone, if it is given and valid, so that the fallback expansion
/// after an error in another option still finds weft.
fn crate_option(args: TokenStream) -> Option<TokenStream> {
    let tokens: Vec<TokenTree> = args.into_iter().collect();
    tokens.windows(3).find_map(|w| match w {
        [TokenTree::Ident(name), TokenTree::Punct(eq), value]
            if name.to_string() == "crate" && eq.as_char() == '=' =>
        {
            parse_path(value, "crate").ok()
        }
        _ => None,
    })
}

pub(crate) fn expand(args: TokenStream, item: TokenStream, entry: Entry) -> TokenStream {
    let kind = entry.kind;
    let func = match parse_fn(item.clone()) {
        Ok(f) => f,
        Err(e) => {
            // Keep the item so that only our error is reported, not a cascade about it missing.
            let mut out = e.to_tokens();
            out.extend(item);
            return out;
        }
    };

    let fallback_crate = crate_option(args.clone());
    let checked = (|| {
        if kind == Kind::Main && func.name.to_string() == "main" && !func.params.stream().is_empty()
        {
            return Err(Error::new(
                func.params.span(),
                "the main function cannot accept arguments",
            ));
        }
        if kind == Kind::Test {
            if let Some(attr) = func
                .attrs
                .iter()
                .chain(func.inner_attrs.iter())
                .find(|a| is_test_attribute(a))
            {
                let span = attr
                    .clone()
                    .into_iter()
                    .next()
                    .map_or(Span::call_site(), |t| t.span());
                return Err(Error::new(
                    span,
                    "second test attribute is supplied, consider removing or changing the order of your test attributes",
                ));
            }
        }
        parse_config(args, entry)
    })();

    match checked {
        Ok(config) => generate(func, entry, &config),
        Err(e) => {
            // Still emit the function (with the default configuration) so that the error above
            // is the only one and editors keep seeing the item.
            let mut config = Config::default_for(kind);
            config.crate_path = fallback_crate;
            let mut out = e.to_tokens();
            out.extend(generate(func, entry, &config));
            out
        }
    }
}

fn generate(func: ItemFn, entry: Entry, config: &Config) -> TokenStream {
    let kind = entry.kind;
    // Generated code points at the last statement, so a type mismatch between the body and the
    // return type is reported there rather than at the attribute.
    let last_span = func
        .body
        .stream()
        .into_iter()
        .last()
        .map_or(func.body.span(), |t| t.span());

    let crate_path = match &config.crate_path {
        Some(p) => p.clone(),
        None => path_tokens(&format!("::{}", entry.crate_name), Span::call_site()),
    };
    let crate_path = crate_path.to_string();

    let mut builder = match config.flavor {
        Flavor::CurrentThread | Flavor::Local => {
            format!("{crate_path}::runtime::Builder::new_current_thread()")
        }
        Flavor::MultiThread => format!("{crate_path}::runtime::Builder::new_multi_thread()"),
    };
    if let Some((n, _)) = config.worker_threads {
        builder.push_str(&format!(".worker_threads({n})"));
    }
    if let Some((paused, _)) = config.start_paused {
        builder.push_str(&format!(".start_paused({paused})"));
    }
    if let Some((behavior, _)) = config.unhandled_panic {
        let variant = match behavior {
            UnhandledPanic::Ignore => "Ignore",
            UnhandledPanic::ShutdownRuntime => "ShutdownRuntime",
        };
        builder.push_str(&format!(
            ".unhandled_panic({crate_path}::runtime::UnhandledPanic::{variant})"
        ));
    }
    if let Some(name) = &config.name {
        builder.push_str(&format!(".name({})", Literal::string(name)));
    }
    let build = match config.flavor {
        Flavor::Local => format!(
            "build_local(<{crate_path}::runtime::LocalOptions as ::core::default::Default>::default())"
        ),
        Flavor::CurrentThread | Flavor::MultiThread => "build()".to_string(),
    };

    let output_type = match &func.output {
        Some(ty) => ty.iter().cloned().collect::<TokenStream>().to_string(),
        None => "()".to_string(),
    };
    let returns_impl_or_never = func.output.as_ref().is_some_and(|ty| {
        ty.iter().any(|t| is_ident(t, "impl")) || (ty.len() == 1 && is_punct(&ty[0], '!'))
    });

    // `let body = async { <original body> };` keeping the user's tokens (and spans) intact.
    let mut body_decl = TokenStream::from_str("let body = async").expect("valid tokens");
    body_decl.extend([TokenTree::Group(func.body.clone())]);
    body_decl.extend(TokenStream::from_str(";").expect("valid tokens"));

    let pin_body = match kind {
        // Tests pin the body behind `dyn Future` so each test does not instantiate its own
        // copy of `block_on`.
        Kind::Test => format!(
            "let body = ::core::pin::pin!(body);
             let body: ::core::pin::Pin<&mut dyn ::core::future::Future<Output = {output_type}>> = body;"
        ),
        // Check the body's output against the declared return type without any runtime cost,
        // so a mismatch is reported as such.
        Kind::Main if !returns_impl_or_never => format!(
            "if false {{ let _: &dyn ::core::future::Future<Output = {output_type}> = &body; }}"
        ),
        Kind::Main => String::new(),
    };
    // The explicit `return` keeps a `main` that returns `!` or `impl Trait` working.
    let run = format!(
        "#[allow(clippy::expect_used, clippy::diverging_sub_expression, clippy::needless_return, clippy::unwrap_in_result)]
         {{
             return {builder}
                 .enable_all()
                 .{build}
                 .expect(\"Failed building the Runtime\")
                 .block_on(body);
         }}"
    );
    let mut tail = TokenStream::new();
    for t in TokenStream::from_str(&format!("{pin_body} {run}")).expect("valid generated code") {
        tail.extend([respan_deep(t, last_span)]);
    }

    let mut fn_body = body_decl;
    fn_body.extend(tail);
    let mut fn_body = Group::new(Delimiter::Brace, fn_body);
    fn_body.set_span(func.body.span());

    let mut out = TokenStream::new();
    for attr in func.attrs {
        out.extend(attr);
    }
    for attr in func.inner_attrs {
        out.extend(attr);
    }
    if kind == Kind::Test {
        out.extend(TokenStream::from_str("#[::core::prelude::v1::test]").expect("valid tokens"));
    }
    out.extend(func.qualifiers);
    out.extend([TokenTree::Ident(func.fn_token), TokenTree::Ident(func.name)]);
    out.extend(func.signature_rest);
    out.extend([TokenTree::Group(fn_body)]);
    out
}

/// Gives `t` and everything inside it the location of `span` (keeping call-site hygiene).
fn respan_deep(t: TokenTree, span: Span) -> TokenTree {
    let span = Span::call_site().located_at(span);
    match t {
        TokenTree::Group(g) => {
            let inner: TokenStream = g
                .stream()
                .into_iter()
                .map(|t| respan_deep(t, span))
                .collect();
            let mut ng = Group::new(g.delimiter(), inner);
            ng.set_span(span);
            TokenTree::Group(ng)
        }
        other => respan(other, span),
    }
}
