//! `try_join!`.

/// Waits on multiple concurrent fallible futures, returning when **all** of them complete
/// with `Ok(_)` or as soon as **one** of them completes with `Err(_)`.
///
/// The `try_join!` macro takes a list of async expressions whose outputs are `Result<T, E>`
/// (the same `E` for all) and polls them concurrently **in the current task**. If all
/// succeed, it returns `Ok` with a tuple of their values in the order written. On the first
/// `Err`, it returns that error at once and drops the other futures (cancelling them).
///
/// # Fairness
///
/// As with [`join!`](crate::join!): each poll starts with the next future in turn, unless the
/// macro starts with `biased;`, in which case the futures are polled in the order written.
///
/// Up to 64 futures are supported.
///
/// # Examples
///
/// ```
/// async fn parse(s: &str) -> Result<u32, std::num::ParseIntError> {
///     s.parse()
/// }
///
/// #[weft::main]
/// async fn main() {
///     let (a, b) = weft::try_join!(parse("1"), parse("2")).unwrap();
///     assert_eq!(a + b, 3);
///
///     // The first error is returned; `pending()` is dropped unfinished.
///     let res = weft::try_join!(
///         parse("x"),
///         async { std::future::pending::<Result<u32, _>>().await },
///     );
///     assert!(res.is_err());
/// }
/// ```
#[macro_export]
macro_rules! try_join {
    // ===== Expansion of the normalised input =====
    (@ {
        biased=$biased:literal;
        free=$free:tt;
        $( ($idx:tt) $e:expr, )+
    }) => {{
        let mut futures = ( $(
            $crate::macros::support::pin!($crate::macros::support::maybe_done($e)),
        )+ );
        let count: u32 = [$($idx),+].len() as u32;
        let mut rotator = $crate::macros::support::Rotator::new(count, $biased);

        $crate::macros::support::poll_fn(move |cx| {
            let mut is_pending = false;
            let start = rotator.start();
            for i in 0..count {
                #[allow(clippy::modulo_one)]
                let index = (start + i) % count;
                match index {
                    $(
                        $idx => {
                            if $crate::macros::support::Future::poll(futures.$idx.as_mut(), cx)
                                .is_pending()
                            {
                                is_pending = true;
                            } else if futures.$idx.as_mut().output_mut()
                                .expect("expected completed future")
                                .is_err()
                            {
                                let err = match futures.$idx.as_mut().take_output() {
                                    $crate::macros::support::Option::Some(
                                        $crate::macros::support::Result::Err(err),
                                    ) => err,
                                    _ => ::core::unreachable!("checked to be an error above"),
                                };
                                return $crate::macros::support::Poll::Ready(
                                    $crate::macros::support::Result::Err(err),
                                );
                            }
                        }
                    )+
                    _ => ::core::unreachable!("try_join! polled future {} of {}", index, count),
                }
            }
            if is_pending {
                $crate::macros::support::Poll::Pending
            } else {
                $crate::macros::support::Poll::Ready($crate::macros::support::Result::Ok(( $(
                    match futures.$idx.as_mut().take_output() {
                        $crate::macros::support::Option::Some(
                            $crate::macros::support::Result::Ok(value),
                        ) => value,
                        _ => ::core::unreachable!("expected a completed Ok(_) future"),
                    },
                )+ )))
            }
        })
        .await
    }};

    // ===== Normalisation: one future per step =====

    (@ { biased=$biased:literal; free=(); $($t:tt)* } $e:expr, $($r:tt)*) => {
        ::core::compile_error!("try_join! supports at most 64 futures")
    };
    (@ { biased=$biased:literal; free=($s:tt $($free:tt)*); $($t:tt)* } $e:expr, $($r:tt)*) => {
        $crate::try_join!(@{ biased=$biased; free=($($free)*); $($t)* $s $e, } $($r)*)
    };

    // ===== Entry points =====

    (biased; $($e:expr),+ $(,)?) => {
        $crate::try_join!(@{ biased=true; free=((0) (1) (2) (3) (4) (5) (6) (7) (8) (9) (10) (11) (12) (13) (14) (15) (16) (17) (18) (19) (20) (21) (22) (23) (24) (25) (26) (27) (28) (29) (30) (31) (32) (33) (34) (35) (36) (37) (38) (39) (40) (41) (42) (43) (44) (45) (46) (47) (48) (49) (50) (51) (52) (53) (54) (55) (56) (57) (58) (59) (60) (61) (62) (63)); } $($e,)+)
    };
    ($($e:expr),+ $(,)?) => {
        $crate::try_join!(@{ biased=false; free=((0) (1) (2) (3) (4) (5) (6) (7) (8) (9) (10) (11) (12) (13) (14) (15) (16) (17) (18) (19) (20) (21) (22) (23) (24) (25) (26) (27) (28) (29) (30) (31) (32) (33) (34) (35) (36) (37) (38) (39) (40) (41) (42) (43) (44) (45) (46) (47) (48) (49) (50) (51) (52) (53) (54) (55) (56) (57) (58) (59) (60) (61) (62) (63)); } $($e,)+)
    };
    (biased;) => { async { Ok(()) }.await };
    () => { async { Ok(()) }.await };
}
