//! `select!`.

/// Waits on multiple concurrent branches, returning when the **first** branch completes,
/// cancelling the remaining branches.
///
/// The `select!` macro must be used inside of async functions, closures, and blocks.
///
/// It accepts one or more branches of the form
///
/// ```text
/// <pattern> = <async expression> (, if <precondition>)? => <handler>,
/// ```
///
/// followed optionally by `else => <expression>`, and it may start with `biased;`.
///
/// Each `<async expression>` is anything [`IntoFuture`]. The macro runs as follows:
///
/// 1. Evaluate all provided `<precondition>` expressions. A branch whose precondition is
///    `false` is disabled for the rest of this `select!`.
/// 2. Evaluate all `<async expression>`s, including those of disabled branches (their futures
///    are created but never polled).
/// 3. Concurrently await the futures of the enabled branches, in the current task.
/// 4. When one completes, match its output against its `<pattern>`. If it matches, drop all
///    the other futures and evaluate that branch's `<handler>` with the pattern's bindings;
///    the handler's value is the value of the `select!`. If it does not match, disable that
///    branch and go on waiting on the others.
/// 5. If every branch is disabled, evaluate the `else` expression. With no `else` branch,
///    `select!` panics with "all branches are disabled and there is no else branch".
///
/// # Fairness
///
/// By default, each time `select!` is polled it starts with a randomly chosen branch, so
/// that a branch that is always ready cannot starve the ones written after it. Start the
/// macro with `biased;` to poll the branches in the order they are written instead (useful
/// when one branch, such as a shutdown signal, must win ties; you then take care yourself that
/// the first branches cannot starve the others).
///
/// If the task's cooperative budget is spent, `select!` yields without polling its branches.
///
/// # Notes
///
/// - Handlers run after every future was dropped, outside of any closure: they may use
///   `.await`, `?`, `return`, `break` and `continue` and borrow whatever the futures
///   borrowed.
/// - Up to 64 branches are supported.
/// - To use a future in a `select!` inside a loop without recreating it, pin it with
///   [`pin!`](crate::pin!) and use `&mut fut` as the async expression; check with a
///   precondition that it has not completed already.
///
/// # Cancel safety
///
/// When one branch completes, the futures of the others are dropped. In a loop, use only
/// futures that are cancel safe (no partial progress is lost when they are dropped), or keep a
/// future alive across iterations with `&mut fut` as shown above.
///
/// # Examples
///
/// The first branch to complete wins:
///
/// ```
/// #[weft::main]
/// async fn main() {
///     let winner = weft::select! {
///         v = std::future::pending::<u32>() => v,
///         v = async { 2 } => v * 10,
///     };
///     assert_eq!(winner, 20);
/// }
/// ```
///
/// Patterns disable branches whose output does not match; preconditions disable branches up
/// front; `else` runs when nothing is left:
///
/// ```
/// #[weft::main]
/// async fn main() {
///     let maybe: Option<u32> = None;
///     let out = weft::select! {
///         Some(v) = async { maybe } => v,
///         v = async { 1 }, if false => v,
///         else => 0,
///     };
///     assert_eq!(out, 0);
/// }
/// ```
///
/// `biased;` polls in order, so the first ready branch always wins:
///
/// ```
/// #[weft::main]
/// async fn main() {
///     let mut count = 0;
///     for _ in 0..10 {
///         weft::select! {
///             biased;
///             _ = async {} => count += 1,
///             _ = async {} => unreachable!("the first branch is always ready"),
///         }
///     }
///     assert_eq!(count, 10);
/// }
/// ```
///
/// [`IntoFuture`]: std::future::IntoFuture
#[macro_export]
macro_rules! select {
    // ===== Expansion of the normalised input =====
    //
    // Every branch has been given a slot: a tuple index `$idx` (its position in the tuple of
    // futures and its bit in the disabled mask) and an identifier `$var` (its variant in the
    // output enum). Taking them from a fixed list is how a declarative macro gets distinct
    // names per branch.
    (@ {
        biased=$biased:literal;
        free=$free:tt;
        $( ( $idx:tt $var:ident ) $bind:pat = $fut:expr, if $c:expr => $handle:expr, )+
        ; $else:expr
    }) => {{
        // An item inside the expansion block: not visible outside this `select!`.
        #[doc(hidden)]
        mod __weft_select_util {
            #[allow(non_camel_case_types, dead_code)]
            pub(super) enum Out<$($var,)+> {
                $($var($var),)+
                Disabled,
            }
        }

        let branches: u32 = [$($idx),+].len() as u32;

        // Bit `i` set: branch `i` is disabled (precondition false, or completed without
        // matching its pattern).
        let mut disabled: u64 = 0;
        $(
            if !$c {
                disabled |= 1u64 << $idx;
            }
        )+

        // Poll in an inner block, so the futures (and what they borrow) are gone before a
        // handler runs.
        #[allow(unused_mut)]
        let mut output = {
            // Evaluated as plain tuple fields first, so that temporaries in an async expression
            // get the lifetime extension of a `let`.
            let futures_init = ( $( $fut, )+ );
            let mut futures = ( $(
                $crate::macros::support::pin!(
                    $crate::macros::support::IntoFuture::into_future(futures_init.$idx)
                ),
            )+ );

            $crate::macros::support::poll_fn(|cx| {
                $crate::macros::support::ready!(
                    $crate::macros::support::poll_budget_available(cx)
                );
                let mut is_pending = false;
                let start = $crate::macros::support::select_start($biased, branches);
                for i in 0..branches {
                    #[allow(clippy::modulo_one)]
                    let branch = (start + i) % branches;
                    match branch {
                        $(
                            #[allow(unreachable_code)]
                            $idx => {
                                let mask = 1u64 << $idx;
                                if disabled & mask == mask {
                                    continue;
                                }
                                let out = match $crate::macros::support::Future::poll(
                                    futures.$idx.as_mut(),
                                    cx,
                                ) {
                                    $crate::macros::support::Poll::Ready(out) => out,
                                    $crate::macros::support::Poll::Pending => {
                                        is_pending = true;
                                        continue;
                                    }
                                };
                                disabled |= mask;
                                // Test the pattern on a reference, so that a non-matching
                                // output is simply dropped.
                                #[allow(unused_variables, unused_mut, unreachable_patterns)]
                                match &out {
                                    $crate::macros::support::clean_pattern!($bind) => {}
                                    _ => continue,
                                }
                                return $crate::macros::support::Poll::Ready(
                                    __weft_select_util::Out::$var(out),
                                );
                            }
                        )+
                        _ => ::core::unreachable!("select! polled branch {} of {}", branch, branches),
                    }
                }
                if is_pending {
                    $crate::macros::support::Poll::Pending
                } else {
                    $crate::macros::support::Poll::Ready(__weft_select_util::Out::Disabled)
                }
            })
            .await
        };

        #[allow(unreachable_code)]
        match output {
            $(
                __weft_select_util::Out::$var($bind) => $handle,
            )+
            __weft_select_util::Out::Disabled => $else,
            #[allow(unreachable_patterns)]
            _ => ::core::unreachable!("select! output did not match the pattern it was checked against"),
        }
    }};

    // ===== Normalisation: one branch per step =====

    // No `else`: all branches disabled panics, like tokio.
    (@ { biased=$biased:literal; free=$free:tt; $($t:tt)* }) => {
        $crate::select!(@{ biased=$biased; free=$free; $($t)*; ::core::panic!("all branches are disabled and there is no else branch") })
    };
    (@ { biased=$biased:literal; free=$free:tt; $($t:tt)* } else => $else:expr $(,)?) => {
        $crate::select!(@{ biased=$biased; free=$free; $($t)*; $else })
    };
    (@ { biased=$biased:literal; free=(); $($t:tt)* } $($r:tt)+) => {
        ::core::compile_error!("select! supports at most 64 branches")
    };
    (@ { biased=$biased:literal; free=($s:tt $($free:tt)*); $($t:tt)* } $p:pat = $f:expr, if $c:expr => $h:block, $($r:tt)* ) => {
        $crate::select!(@{ biased=$biased; free=($($free)*); $($t)* $s $p = $f, if $c => $h, } $($r)*)
    };
    (@ { biased=$biased:literal; free=($s:tt $($free:tt)*); $($t:tt)* } $p:pat = $f:expr => $h:block, $($r:tt)* ) => {
        $crate::select!(@{ biased=$biased; free=($($free)*); $($t)* $s $p = $f, if true => $h, } $($r)*)
    };
    (@ { biased=$biased:literal; free=($s:tt $($free:tt)*); $($t:tt)* } $p:pat = $f:expr, if $c:expr => $h:block $($r:tt)* ) => {
        $crate::select!(@{ biased=$biased; free=($($free)*); $($t)* $s $p = $f, if $c => $h, } $($r)*)
    };
    (@ { biased=$biased:literal; free=($s:tt $($free:tt)*); $($t:tt)* } $p:pat = $f:expr => $h:block $($r:tt)* ) => {
        $crate::select!(@{ biased=$biased; free=($($free)*); $($t)* $s $p = $f, if true => $h, } $($r)*)
    };
    (@ { biased=$biased:literal; free=($s:tt $($free:tt)*); $($t:tt)* } $p:pat = $f:expr, if $c:expr => $h:expr ) => {
        $crate::select!(@{ biased=$biased; free=($($free)*); $($t)* $s $p = $f, if $c => $h, })
    };
    (@ { biased=$biased:literal; free=($s:tt $($free:tt)*); $($t:tt)* } $p:pat = $f:expr => $h:expr ) => {
        $crate::select!(@{ biased=$biased; free=($($free)*); $($t)* $s $p = $f, if true => $h, })
    };
    (@ { biased=$biased:literal; free=($s:tt $($free:tt)*); $($t:tt)* } $p:pat = $f:expr, if $c:expr => $h:expr, $($r:tt)* ) => {
        $crate::select!(@{ biased=$biased; free=($($free)*); $($t)* $s $p = $f, if $c => $h, } $($r)*)
    };
    (@ { biased=$biased:literal; free=($s:tt $($free:tt)*); $($t:tt)* } $p:pat = $f:expr => $h:expr, $($r:tt)* ) => {
        $crate::select!(@{ biased=$biased; free=($($free)*); $($t)* $s $p = $f, if true => $h, } $($r)*)
    };

    // ===== Entry points =====

    ($(biased;)? else => $else:expr $(,)? ) => {{
        $else
    }};
    (biased; $p:pat = $($t:tt)* ) => {
        $crate::select!(@{ biased=true; free=((0 _0) (1 _1) (2 _2) (3 _3) (4 _4) (5 _5) (6 _6) (7 _7) (8 _8) (9 _9) (10 _10) (11 _11) (12 _12) (13 _13) (14 _14) (15 _15) (16 _16) (17 _17) (18 _18) (19 _19) (20 _20) (21 _21) (22 _22) (23 _23) (24 _24) (25 _25) (26 _26) (27 _27) (28 _28) (29 _29) (30 _30) (31 _31) (32 _32) (33 _33) (34 _34) (35 _35) (36 _36) (37 _37) (38 _38) (39 _39) (40 _40) (41 _41) (42 _42) (43 _43) (44 _44) (45 _45) (46 _46) (47 _47) (48 _48) (49 _49) (50 _50) (51 _51) (52 _52) (53 _53) (54 _54) (55 _55) (56 _56) (57 _57) (58 _58) (59 _59) (60 _60) (61 _61) (62 _62) (63 _63)); } $p = $($t)*)
    };
    ( $p:pat = $($t:tt)* ) => {
        $crate::select!(@{ biased=false; free=((0 _0) (1 _1) (2 _2) (3 _3) (4 _4) (5 _5) (6 _6) (7 _7) (8 _8) (9 _9) (10 _10) (11 _11) (12 _12) (13 _13) (14 _14) (15 _15) (16 _16) (17 _17) (18 _18) (19 _19) (20 _20) (21 _21) (22 _22) (23 _23) (24 _24) (25 _25) (26 _26) (27 _27) (28 _28) (29 _29) (30 _30) (31 _31) (32 _32) (33 _33) (34 _34) (35 _35) (36 _36) (37 _37) (38 _38) (39 _39) (40 _40) (41 _41) (42 _42) (43 _43) (44 _44) (45 _45) (46 _46) (47 _47) (48 _48) (49 _49) (50 _50) (51 _51) (52 _52) (53 _53) (54 _54) (55 _55) (56 _56) (57 _57) (58 _58) (59 _59) (60 _60) (61 _61) (62 _62) (63 _63)); } $p = $($t)*)
    };
    () => {
        ::core::compile_error!("select! requires at least one branch.")
    };
}
