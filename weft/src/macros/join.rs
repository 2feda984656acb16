//! `join!`.

/// Waits on multiple concurrent futures, returning when **all** of them complete.
///
/// The `join!` macro takes a list of async expressions (anything [`IntoFuture`]) and polls
/// them concurrently **in the current task**; when every one has completed it returns a tuple
/// of all their outputs, in the order they were written. It must be used inside async
/// functions, closures and blocks.
///
/// Since the futures share one task, they run concurrently but not in parallel; to run them
/// in parallel, [`spawn`](crate::task::spawn) each one and join the handles.
///
/// To stop at the first error, use [`try_join!`](crate::try_join!).
///
/// # Fairness
///
/// By default each poll starts with the next future in turn, so that every future gets to go
/// first even if the ones before it spend the task's cooperative budget. Start the macro with
/// `biased;` to always poll in the order written, which avoids that small bookkeeping and lets
/// you control the order.
///
/// Up to 64 futures are supported.
///
/// # Examples
///
/// ```
/// async fn do_stuff_async() -> u32 {
///     1
/// }
///
/// async fn more_async_work() -> &'static str {
///     "two"
/// }
///
/// #[weft::main]
/// async fn main() {
///     let (first, second) = weft::join!(do_stuff_async(), more_async_work());
///     assert_eq!((first, second), (1, "two"));
///
///     // Poll in the order written.
///     let (a, b, c) = weft::join!(biased; async { 1 }, async { 2 }, async { 3 });
///     assert_eq!(a + b + c, 6);
/// }
/// ```
///
/// [`IntoFuture`]: std::future::IntoFuture
#[macro_export]
macro_rules! join {
    // ===== Expansion of the normalised input =====
    //
    // Each future has a slot `$idx`: its index in the tuple of futures and of outputs.
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
                            }
                        }
                    )+
                    _ => ::core::unreachable!("join! polled future {} of {}", index, count),
                }
            }
            if is_pending {
                $crate::macros::support::Poll::Pending
            } else {
                // Unreachable when an output type is uninhabited.
                #[allow(unreachable_code)]
                {
                    $crate::macros::support::Poll::Ready(( $(
                        futures.$idx.as_mut().take_output().expect("expected completed future"),
                    )+ ))
                }
            }
        })
        .await
    }};

    // ===== Normalisation: one future per step =====

    (@ { biased=$biased:literal; free=(); $($t:tt)* } $e:expr, $($r:tt)*) => {
        ::core::compile_error!("join! supports at most 64 futures")
    };
    (@ { biased=$biased:literal; free=($s:tt $($free:tt)*); $($t:tt)* } $e:expr, $($r:tt)*) => {
        $crate::join!(@{ biased=$biased; free=($($free)*); $($t)* $s $e, } $($r)*)
    };

    // ===== Entry points =====

    (biased; $($e:expr),+ $(,)?) => {
        $crate::join!(@{ biased=true; free=((0) (1) (2) (3) (4) (5) (6) (7) (8) (9) (10) (11) (12) (13) (14) (15) (16) (17) (18) (19) (20) (21) (22) (23) (24) (25) (26) (27) (28) (29) (30) (31) (32) (33) (34) (35) (36) (37) (38) (39) (40) (41) (42) (43) (44) (45) (46) (47) (48) (49) (50) (51) (52) (53) (54) (55) (56) (57) (58) (59) (60) (61) (62) (63)); } $($e,)+)
    };
    ($($e:expr),+ $(,)?) => {
        $crate::join!(@{ biased=false; free=((0) (1) (2) (3) (4) (5) (6) (7) (8) (9) (10) (11) (12) (13) (14) (15) (16) (17) (18) (19) (20) (21) (22) (23) (24) (25) (26) (27) (28) (29) (30) (31) (32) (33) (34) (35) (36) (37) (38) (39) (40) (41) (42) (43) (44) (45) (46) (47) (48) (49) (50) (51) (52) (53) (54) (55) (56) (57) (58) (59) (60) (61) (62) (63)); } $($e,)+)
    };
    (biased;) => { async {}.await };
    () => { async {}.await };
}
