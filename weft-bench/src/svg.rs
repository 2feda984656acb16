//! `report.svg`: horizontal bars of weft/tokio and weft/smol per workload (and per memory
//! measurement), a line at 1 (parity) and a dashed line at 0.8 (the stretch goal).

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::harness::{BenchRun, Outcome};
use crate::Rt;

struct Row {
    label: String,
    tokio: Option<f64>,
    smol: Option<f64>,
    note: Option<&'static str>,
}

fn rows(run: &BenchRun) -> Vec<Row> {
    let mut rows: Vec<Row> = run
        .workloads
        .iter()
        .map(|w| Row {
            label: w.workload.name.to_string(),
            tokio: w.ratio(Rt::Tokio),
            smol: w.ratio(Rt::Smol),
            note: match &w.outcomes[Rt::Weft as usize] {
                Outcome::NotAvailable => Some("n/a"),
                Outcome::Failed(_) => Some("failed"),
                Outcome::Done(_) => None,
            },
        })
        .collect();
    fn mem_row<T>(label: &str, a: &[Outcome<T>; 3], val: impl Fn(&T) -> f64) -> Row {
        let ratio = |peer: Rt| match (&a[Rt::Weft as usize], &a[peer as usize]) {
            (Outcome::Done(w), Outcome::Done(p)) => Some(val(w) / val(p)),
            _ => None,
        };
        Row {
            label: label.to_string(),
            tokio: ratio(Rt::Tokio),
            smol: ratio(Rt::Smol),
            note: match &a[Rt::Weft as usize] {
                Outcome::NotAvailable => Some("n/a"),
                Outcome::Failed(_) => Some("failed"),
                Outcome::Done(_) => None,
            },
        }
    }
    if let Some(a) = &run.memory.alloc_per_task {
        rows.push(mem_row("bytes per empty task", a, |v| v.0));
    }
    if let Some(a) = &run.memory.idle_rss {
        rows.push(mem_row("RSS per idle task", a, |v| v.bytes_per_task()));
    }
    rows
}

/// Draws the chart into `path`.
pub fn write_chart(run: &BenchRun, path: &Path) -> Result<(), String> {
    draw(run, path).map_err(|e| format!("drawing {}: {e}", path.display()))
}

fn draw(run: &BenchRun, path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let rows = rows(run);
    let n = rows.len().max(1);
    let height = 110 + 34 * n as u32;
    let root = SVGBackend::new(path, (960, height)).into_drawing_area();
    root.fill(&WHITE)?;
    let max = rows
        .iter()
        .flat_map(|r| [r.tokio, r.smol])
        .flatten()
        .fold(1.25f64, f64::max);
    let x_max = (max * 1.15).min(10.0);
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!(
                "weft ÷ peer (time or memory; below 1 = weft better) · {} cores · {}",
                run.cores, run.date
            ),
            ("sans-serif", 18),
        )
        .margin(12)
        .margin_left(240)
        .x_label_area_size(36)
        .build_cartesian_2d(0f64..x_max, 0f64..n as f64)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .light_line_style(RGBColor(0xf2, 0xf2, 0xf2))
        .x_desc("ratio")
        .x_label_formatter(&|x| format!("{x:.1}×"))
        .draw()?;

    let y_of = |i: usize| (n - 1 - i) as f64;
    let tokio_color = RGBColor(0x4c, 0x72, 0xb0);
    let smol_color = RGBColor(0xdd, 0x84, 0x52);
    let bar = |i: usize, r: f64, top: bool, color: RGBColor| {
        let y = y_of(i);
        let (y0, y1) = if top {
            (y + 0.5, y + 0.88)
        } else {
            (y + 0.12, y + 0.5)
        };
        Rectangle::new([(0.0, y0), (r.min(x_max), y1)], color.filled())
    };
    chart.draw_series(
        rows.iter()
            .enumerate()
            .filter_map(|(i, r)| Some(bar(i, r.tokio?, true, tokio_color))),
    )?;
    chart.draw_series(
        rows.iter()
            .enumerate()
            .filter_map(|(i, r)| Some(bar(i, r.smol?, false, smol_color))),
    )?;

    let value_style =
        TextStyle::from(("sans-serif", 12).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
    for (i, r) in rows.iter().enumerate() {
        let y = y_of(i);
        for (v, dy) in [(r.tokio, 0.69), (r.smol, 0.31)] {
            if let Some(v) = v {
                chart.draw_series(std::iter::once(Text::new(
                    format!("{v:.2}"),
                    ((v.min(x_max)) + x_max * 0.005, y + dy),
                    value_style.clone(),
                )))?;
            }
        }
        if let Some(note) = r.note {
            chart.draw_series(std::iter::once(Text::new(
                note.to_string(),
                (x_max * 0.01, y + 0.5),
                value_style.clone(),
            )))?;
        }
    }
    chart.draw_series(LineSeries::new(
        vec![(1.0, 0.0), (1.0, n as f64)],
        BLACK.stroke_width(2),
    ))?;
    chart.draw_series(DashedLineSeries::new(
        vec![(0.8, 0.0), (0.8, n as f64)],
        6,
        4,
        RGBColor(0x55, 0xa8, 0x68).stroke_width(2),
    ))?;
    // The legend goes in the free top-left corner, where it can never cover a bar.
    let legend_style =
        TextStyle::from(("sans-serif", 13).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
    for (k, (name, color)) in [("weft / tokio", tokio_color), ("weft / smol", smol_color)]
        .into_iter()
        .enumerate()
    {
        let y = 16 + 18 * k as i32;
        root.draw(&Rectangle::new([(14, y - 6), (26, y + 6)], color.filled()))?;
        root.draw(&Text::new(name, (32, y), legend_style.clone()))?;
    }

    let label_style =
        TextStyle::from(("sans-serif", 14).into_font()).pos(Pos::new(HPos::Right, VPos::Center));
    for (i, r) in rows.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(0.0, y_of(i) + 0.5));
        root.draw(&Text::new(
            r.label.clone(),
            (px - 8, py),
            label_style.clone(),
        ))?;
    }
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::harness::{MemoryResult, WorkloadResult};
    use crate::rss::IdleRss;
    use crate::{Params, Size};

    #[test]
    fn chart_has_a_bar_per_measured_ratio_and_marks_na() {
        let ms = |v: &[u64]| Outcome::Done(v.iter().map(|m| Duration::from_millis(*m)).collect());
        let mut w = crate::workloads();
        let measured = WorkloadResult {
            workload: w.remove(0),
            outcomes: [ms(&[9, 10, 11]), ms(&[10, 10, 10]), ms(&[20, 20, 20])],
        };
        let missing = WorkloadResult {
            workload: w.remove(0),
            outcomes: [Outcome::NotAvailable, ms(&[1]), ms(&[1])],
        };
        let idle = |peak| IdleRss {
            tasks: 1000,
            baseline_kib: 1000,
            peak_kib: peak,
        };
        let run = BenchRun {
            cores: 2,
            params: Params {
                threads: 2,
                size: Size::tiny(),
            },
            runs: 3,
            date: "2026-01-01 00:00 UTC".into(),
            total: Duration::from_secs(1),
            workloads: vec![measured, missing],
            memory: MemoryResult {
                alloc_per_task: Some([
                    Outcome::Done((64.0, 1.0)),
                    Outcome::Done((128.0, 1.0)),
                    Outcome::Done((100.0, 1.0)),
                ]),
                idle_rss: Some([
                    Outcome::Failed("boom".into()),
                    Outcome::Done(idle(1300)),
                    Outcome::Done(idle(1200)),
                ]),
            },
        };
        let path =
            std::env::temp_dir().join(format!("weft-bench-chart-{}.svg", std::process::id()));
        write_chart(&run, &path).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        // Row 1: 1.00 and 0.50; row 3: 0.50 and 0.64.
        for text in [
            "1.00",
            "0.50",
            "0.64",
            "n/a",
            "failed",
            "weft / tokio",
            "spawn_many_local",
        ] {
            assert!(svg.contains(text), "chart lacks {text:?}");
        }
        if std::env::var_os("KEEP_CHART").is_none() {
            let _ = std::fs::remove_file(&path);
        } else {
            eprintln!("chart kept at {}", path.display());
        }
    }
}
