//! Charts as SVG text, drawn with plotters. Pure functions: data in, SVG string out.
//!
//! Text is measured with DejaVu Sans, embedded in the binary and registered as `sans-serif`,
//! so the layout is the same on every machine and byte-identical across runs. Browsers draw
//! the labels with their own sans-serif font; the PDF build is given DejaVu Sans itself (see
//! [`pdf_fonts`]), so labels fit there exactly.

use std::sync::Once;

use anyhow::{anyhow, Result};
use chrono::NaiveDate;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::calendar::Month;
use crate::figures::commitment::CommitmentRow;
use crate::present::ChartLabels;

/// A point in pixels on the canvas, as plotters passes legend positions.
type BackendCoord = (i32, i32);

/// The fonts the PDF build needs, as (file name, bytes): the chart and body font in its
/// styles, and monochrome emoji for names that contain them.
pub fn pdf_fonts() -> Vec<(&'static str, &'static [u8])> {
    vec![
        ("DejaVuSans.ttf", dejavu::sans::regular()),
        ("DejaVuSans-Bold.ttf", dejavu::sans::bold()),
        ("DejaVuSans-Oblique.ttf", dejavu::sans::oblique()),
        ("DejaVuSans-BoldOblique.ttf", dejavu::sans::bold_oblique()),
        ("DejaVuSansCondensed.ttf", dejavu::sans_condensed::regular()),
        ("DejaVuSansCondensed-Bold.ttf", dejavu::sans_condensed::bold()),
        ("DejaVuSansCondensed-Oblique.ttf", dejavu::sans_condensed::oblique()),
        ("DejaVuSansCondensed-BoldOblique.ttf", dejavu::sans_condensed::bold_oblique()),
        ("NotoEmoji-Regular.ttf", epaint_default_fonts::NOTO_EMOJI_REGULAR),
    ]
}

const FAMILY: &str = "sans-serif";
/// Drawn at about the width it is shown at (a PDF's text column, 480 pt; the site's column,
/// 730 px), so that its text is read at the size it is drawn: 12 px is 8.7 pt in print.
const WIDTH: u32 = 660;
/// The smallest text any chart draws, in px.
const SMALL_TEXT: u32 = 12;

const BLUE: RGBColor = RGBColor(0, 114, 178);
const ORANGE: RGBColor = RGBColor(213, 94, 0);
const GREY: RGBColor = RGBColor(110, 110, 110);
const LIGHT_GREY: RGBColor = RGBColor(225, 225, 225);
/// The commitment bars: blue a little lighter than the lines.
const BAR_BLUE: RGBColor = RGBColor(38, 135, 189);
const DARK: RGBColor = RGBColor(40, 40, 40);

/// Okabe–Ito colours, distinguishable with the common colour-vision deficiencies.
const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(240, 228, 66),
    RGBColor(0, 0, 0),
];

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if plotters::style::register_font(FAMILY, FontStyle::Normal, dejavu::sans::regular()).is_err() {
            unreachable!("the embedded font is a valid TrueType file");
        }
    });
}

fn text_style(size: u32) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&DARK)
}

/// Draws into a fresh SVG canvas and returns its text.
fn render_svg(
    height: u32,
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<()>,
) -> Result<String> {
    register_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        draw(&root)?;
        root.present().map_err(plot_error)?;
    }
    Ok(svg)
}

fn plot_error<E: std::fmt::Debug>(error: E) -> anyhow::Error {
    anyhow!("cannot draw the chart: {error:?}")
}

/// How a legend shows one series.
#[derive(Clone, Copy)]
enum Key {
    Box(RGBColor),
    /// A box with a dark outline (a bar drawn so, to read apart in greyscale).
    OutlinedBox(RGBColor),
    Line(RGBColor, u32),
    Dashed(RGBColor),
}

/// The legend under a chart, outside its data: its entries left to right, wrapped onto more
/// rows as the width needs.
struct Legend {
    entries: Vec<(String, Key)>,
}

const LEGEND_ROW: u32 = 22;

impl Legend {
    fn new(entries: Vec<(String, Key)>) -> Legend {
        Legend { entries }
    }

    /// Each entry's width in px: its key, a gap, its label at [`SMALL_TEXT`] + 1 px.
    fn entry_width(label: &str) -> i32 {
        34 + (label.chars().count() as f64 * f64::from(SMALL_TEXT + 1) * 0.58) as i32
    }

    fn rows(&self) -> Vec<Vec<&(String, Key)>> {
        let mut rows: Vec<Vec<&(String, Key)>> = vec![Vec::new()];
        let mut x = 0;
        for entry in &self.entries {
            let width = Legend::entry_width(&entry.0);
            if x + width > WIDTH as i32 - 24 && !rows.last().expect("a row").is_empty() {
                rows.push(Vec::new());
                x = 0;
            }
            rows.last_mut().expect("a row").push(entry);
            x += width;
        }
        rows
    }

    fn height(&self) -> u32 {
        if self.entries.is_empty() {
            0
        } else {
            self.rows().len() as u32 * LEGEND_ROW + 8
        }
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()> {
        for (row, entries) in self.rows().into_iter().enumerate() {
            let y = 4 + LEGEND_ROW as i32 * row as i32 + LEGEND_ROW as i32 / 2;
            let mut x = 16;
            for (label, key) in entries {
                match *key {
                    Key::Box(colour) => {
                        area.draw(&Rectangle::new([(x, y - 6), (x + 16, y + 6)], colour.filled()))
                            .map_err(plot_error)?;
                    }
                    Key::OutlinedBox(colour) => {
                        area.draw(&Rectangle::new([(x, y - 6), (x + 16, y + 6)], colour.filled()))
                            .map_err(plot_error)?;
                        area.draw(&Rectangle::new([(x, y - 6), (x + 16, y + 6)], DARK.stroke_width(2)))
                            .map_err(plot_error)?;
                    }
                    Key::Line(colour, width) => {
                        area.draw(&PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(width)))
                            .map_err(plot_error)?;
                    }
                    Key::Dashed(colour) => {
                        let style = (FAMILY, 14).into_font().style(FontStyle::Bold).color(&colour);
                        area.draw(&Text::new("– – –", (x - 1, y - 8), style)).map_err(plot_error)?;
                    }
                }
                area.draw(&Text::new(label.clone(), (x + 26, y - 8), text_style(SMALL_TEXT + 1)))
                    .map_err(plot_error)?;
                x += Legend::entry_width(label);
            }
        }
        Ok(())
    }
}

/// Draws into a fresh SVG canvas of `height` px for the chart plus its legend underneath.
fn render_with_legend(
    height: u32,
    legend: &Legend,
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<()>,
) -> Result<String> {
    render_svg(height + legend.height(), |root| {
        let (chart, below) = root.split_vertically(height);
        draw(&chart)?;
        legend.draw(&below)
    })
}

/// Month-start ticks and labels under a day axis, drawn where the chart maps them: plotters'
/// own ticks fall on round numbers of days, not on months. A label that would run past the
/// canvas edge is left out rather than clipped.
fn draw_month_ticks<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    to_pixel: impl Fn(f64) -> BackendCoord,
    first: NaiveDate,
    last: NaiveDate,
    labels: &ChartLabels,
) -> Result<()> {
    let day = |date: NaiveDate| (date - first).num_days() as f64;
    let months: Vec<Month> = Month::range(Month::of(first), Month::of(last))
        .filter(|month| month.first_day() >= first && month.first_day() <= last)
        .collect();
    let step = months.len().div_ceil(8).max(1);
    let (width, _) = root.dim_in_pixel();
    for (index, month) in months.iter().enumerate() {
        let (px, py) = to_pixel(day(month.first_day()));
        root.draw(&PathElement::new(vec![(px, py), (px, py + 5)], DARK.stroke_width(1)))
            .map_err(plot_error)?;
        let label = labels.month(*month);
        let half = (label.chars().count() as i32 * 13 * 55 / 100) / 2;
        if index % step != 0 || px - half < 2 || px + half > width as i32 - 2 {
            continue;
        }
        let style = text_style(13).pos(Pos::new(HPos::Center, VPos::Top));
        root.draw(&Text::new(label, (px, py + 8), style)).map_err(plot_error)?;
    }
    Ok(())
}

/// The category whose centre is at `position` (categories are unit slots from 0 to `count`),
/// when it is one of every `step` labelled: axis labels sit under bar centres only.
fn category_at(position: f64, count: usize, step: usize) -> Option<usize> {
    let index = (position - 0.5).round();
    let centred = (position - 0.5 - index).abs() < 0.01;
    let valid = centred && index >= 0.0 && (index as usize) < count && (index as usize) % step == 0;
    valid.then_some(index as usize)
}

/// Label every `step`-th month so labels never overlap.
/// Every how many months a month axis is labelled, so that its labels (`Oct 2026`, about
/// 60 px) never touch: 1, 2, 3, 6 or 12 months.
fn label_step(months: usize) -> usize {
    let plot_width = f64::from(WIDTH - 140);
    let needed = (months as f64 * 66.0 / plot_width).ceil() as usize;
    [1, 2, 3, 6, 12].into_iter().find(|step| *step >= needed).unwrap_or(12 * needed.div_ceil(12))
}

fn nice_max(value: f64) -> f64 {
    if value <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(value.log10().floor());
    let steps = [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0];
    let scaled = value * 1.08 / magnitude;
    steps
        .iter()
        .map(|step| step * magnitude)
        .find(|limit| *limit >= scaled * magnitude)
        .unwrap_or(10.0 * magnitude)
}

/// Seed 002's "Total Partnership Service Commitment": committed hours per working day as
/// monthly steps (bars, orange where over capacity), delivered hours per working day, the P&S
/// team capacity as a dashed line, FTE on the right axis.
pub fn commitment_chart(
    rows: &[CommitmentRow],
    hours_per_fte_day: f64,
    as_of: NaiveDate,
    labels: &ChartLabels,
) -> Result<String> {
    let as_of_month = Month::of(as_of);
    // Delivered hours exist only up to the as-of month; later months are plans.
    let delivered_rows = rows.iter().take_while(|row| row.month <= as_of_month).count();
    let months = rows.len().max(1) as f64;
    let top = rows
        .iter()
        .flat_map(|row| {
            [
                row.committed_hours_per_working_day,
                row.delivered_per_working_day,
                row.capacity_hours_per_working_day.unwrap_or(0.0),
            ]
        })
        .fold(0.0, f64::max);
    let top = nice_max(top);
    let mut keys = vec![(labels.committed.clone(), Key::Box(BAR_BLUE))];
    if rows.iter().any(|row| row.over_capacity) {
        keys.push((labels.committed_over_capacity.clone(), Key::OutlinedBox(ORANGE)));
    }
    keys.push((labels.delivered.clone(), Key::Line(DARK, 3)));
    if rows.iter().any(|row| row.capacity_hours_per_working_day.is_some()) {
        keys.push((labels.capacity.clone(), Key::Dashed(DARK)));
    }
    let legend = Legend::new(keys);
    render_with_legend(330, &legend, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(&labels.commitment_title, text_style(18))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .right_y_label_area_size(56)
            .build_cartesian_2d(0.0..months, 0.0..top)
            .map_err(plot_error)?
            .set_secondary_coord(0.0..months, 0.0..top / hours_per_fte_day);
        let step = label_step(rows.len());
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .x_labels(rows.len() * 2 + 1)
            .x_label_formatter(&|x| {
                category_at(*x, rows.len(), step).map_or(String::new(), |i| labels.month(rows[i].month))
            })
            .y_label_formatter(&|y| format!("{y:.0}"))
            .y_desc(&labels.hours_per_working_day)
            .label_style(text_style(14))
            .axis_desc_style(text_style(15))
            .draw()
            .map_err(plot_error)?;
        chart
            .configure_secondary_axes()
            .y_label_formatter(&|y| format!("{y:.2}"))
            .y_desc(&labels.fte)
            .label_style(text_style(14))
            .axis_desc_style(text_style(15))
            .draw()
            .map_err(plot_error)?;
        let bar = |i: usize, row: &CommitmentRow| {
            [(i as f64 + 0.12, 0.0), (i as f64 + 0.88, row.committed_hours_per_working_day)]
        };
        let bars = rows.iter().enumerate().map(|(i, row)| {
            let colour = if row.over_capacity { ORANGE } else { BAR_BLUE };
            Rectangle::new(bar(i, row), colour.filled())
        });
        chart.draw_series(bars).map_err(plot_error)?;
        // Outlined too, so that over-capacity months read apart in greyscale.
        let outlines = rows
            .iter()
            .enumerate()
            .filter(|(_, row)| row.over_capacity)
            .map(|(i, row)| Rectangle::new(bar(i, row), DARK.stroke_width(2)));
        chart.draw_series(outlines).map_err(plot_error)?;
        let delivered: Vec<(f64, f64)> = rows
            .iter()
            .take(delivered_rows)
            .enumerate()
            .map(|(i, row)| (i as f64 + 0.5, row.delivered_per_working_day))
            .collect();
        // Dark with white-rimmed points: it stays visible on the bars, in colour or greyscale.
        chart.draw_series(LineSeries::new(delivered.clone(), WHITE.stroke_width(5))).map_err(plot_error)?;
        chart.draw_series(LineSeries::new(delivered.clone(), DARK.stroke_width(3))).map_err(plot_error)?;
        chart
            .draw_series(delivered.iter().map(|point| Circle::new(*point, 4, WHITE.filled())))
            .map_err(plot_error)?;
        chart
            .draw_series(delivered.iter().map(|point| Circle::new(*point, 4, DARK.stroke_width(2))))
            .map_err(plot_error)?;
        if let Some(position) = rows.iter().position(|row| row.month == as_of_month) {
            let x = position as f64 + 1.0;
            chart
                .draw_series(DashedLineSeries::new(vec![(x, 0.0), (x, top)], 3, 4, GREY.stroke_width(1)))
                .map_err(plot_error)?;
            // Left of the line, so the line never runs through the words.
            let style = text_style(13).color(&GREY).pos(Pos::new(HPos::Right, VPos::Top));
            let label = Text::new(format!("{} ", labels.as_of(as_of)), (x, top * 0.99), style);
            chart.draw_series(std::iter::once(label)).map_err(plot_error)?;
        }
        for segment in capacity_steps(rows) {
            chart
                .draw_series(DashedLineSeries::new(segment, 8, 5, DARK.stroke_width(2)))
                .map_err(plot_error)?;
        }
        Ok(())
    })
}

/// The capacity as a step line, split where it is unknown.
fn capacity_steps(rows: &[CommitmentRow]) -> Vec<Vec<(f64, f64)>> {
    let mut segments: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut previous_known = false;
    for (i, row) in rows.iter().enumerate() {
        let Some(capacity) = row.capacity_hours_per_working_day else {
            previous_known = false;
            continue;
        };
        if !previous_known {
            segments.push(Vec::new());
        }
        let segment = segments.last_mut().expect("a segment was just started");
        segment.push((i as f64, capacity));
        segment.push((i as f64 + 1.0, capacity));
        previous_known = true;
    }
    segments
}

/// One allocation's burn-up: cumulative hours used against the even pace and the hours
/// available, with the as-of date marked.
pub struct BurnUp<'a> {
    /// The allocation's short name, for the title.
    pub allocation: &'a str,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub available: f64,
    pub as_of: NaiveDate,
    /// (day, hours used by the end of that day), in date order, up to the as-of date.
    pub used_by_day: Vec<(NaiveDate, f64)>,
}

pub fn burn_up_chart(burn: &BurnUp<'_>, labels: &ChartLabels) -> Result<String> {
    let first = burn.start.min(burn.used_by_day.first().map_or(burn.start, |(day, _)| *day));
    let last = burn.end.max(burn.used_by_day.last().map_or(burn.end, |(day, _)| *day));
    let day = |date: NaiveDate| (date - first).num_days() as f64;
    let span = day(last).max(1.0) + 1.0;
    let used = burn.used_by_day.last().map_or(0.0, |(_, hours)| *hours);
    let top = nice_max(burn.available.max(used));
    let legend = Legend::new(vec![
        (labels.available(burn.available), Key::Dashed(DARK)),
        (labels.even_pace.clone(), Key::Line(GREY, 1)),
        (labels.used.clone(), Key::Line(BLUE, 3)),
    ]);
    render_with_legend(210, &legend, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(labels.burn_up_title(burn.allocation), text_style(16))
            .margin(12)
            .margin_right(28)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(0.0..span, 0.0..top)
            .map_err(plot_error)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .x_labels(0)
            .y_label_formatter(&|y| crate::present::format::hours(*y))
            .y_desc(&labels.hours)
            .label_style(text_style(13))
            .axis_desc_style(text_style(14))
            .draw()
            .map_err(plot_error)?;
        let window = (day(burn.start), day(burn.end) + 1.0);
        chart
            .draw_series(DashedLineSeries::new(
                vec![(window.0, burn.available), (window.1, burn.available)],
                8,
                5,
                DARK.stroke_width(2),
            ))
            .map_err(plot_error)?;
        chart
            .draw_series(LineSeries::new(
                vec![(window.0, 0.0), (window.1, burn.available)],
                GREY.stroke_width(1),
            ))
            .map_err(plot_error)?;
        chart
            .draw_series(LineSeries::new(used_steps(burn, &day), BLUE.stroke_width(3)))
            .map_err(plot_error)?;
        if (first..=last).contains(&burn.as_of) {
            let x = day(burn.as_of) + 1.0;
            chart
                .draw_series(DashedLineSeries::new(vec![(x, 0.0), (x, top)], 4, 4, ORANGE.stroke_width(2)))
                .map_err(plot_error)?;
            // Left of the line, so the line never runs through the words.
            let label = format!("{} ", labels.as_of(burn.as_of));
            let style = text_style(13).color(&ORANGE).pos(Pos::new(HPos::Right, VPos::Top));
            chart
                .draw_series(std::iter::once(Text::new(label, (x, top * 0.99), style)))
                .map_err(plot_error)?;
        }
        draw_month_ticks(root, |x| chart.backend_coord(&(x, 0.0)), first, last, labels)?;
        Ok(())
    })
}

/// One row of the timeline: an allocation's window (or the earlier ones summed up), its use as
/// it accrued, and its hours not used.
pub struct TimelineBar {
    pub label: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub available: f64,
    /// (day, hours used by the end of that day) within the window, up to the as-of date.
    pub used_by_day: Vec<(NaiveDate, f64)>,
    pub left_now: f64,
    pub not_started: f64,
    pub expired: f64,
    /// When the row's hours went beyond those available: (from, to) days.
    pub overruns: Vec<(NaiveDate, NaiveDate)>,
}

const LIGHT_BLUE: RGBColor = RGBColor(160, 200, 230);
/// Hours not started yet: paler than the hours left now, so the two read apart in greyscale.
const PALE_BLUE: RGBColor = RGBColor(214, 231, 244);
const RED: RGBColor = RGBColor(200, 40, 40);
/// The colour that draws hours used: the test of the timeline looks for it.
pub const USED_COLOUR: &str = "#0072B2";

/// Each row's window is a band across its dates, shaded by what its unused hours are: left to
/// use now (light blue), not started (pale blue) or expired (grey). Inside it the hours used
/// rise as they accrued, day by day, to the share of the hours available used by the as-of
/// date: nothing is drawn after that date, so the chart never shows use that has not happened.
/// Hours used beyond those available are a red strip along the top from the day they began.
/// The as-of date is a dashed line; a legend entry is shown only for what is drawn.
pub fn timeline_chart(bars: &[TimelineBar], as_of: NaiveDate, labels: &ChartLabels) -> Result<String> {
    let first = bars.iter().map(|b| b.start).min().unwrap_or(as_of).min(as_of);
    let last = bars.iter().map(|b| b.end).max().unwrap_or(as_of).max(as_of);
    let day = |date: NaiveDate| (date - first).num_days() as f64;
    let span = day(last) + 1.0;
    let rows = bars.len().max(1) as f64;
    let any = |hours: fn(&TimelineBar) -> f64| bars.iter().any(|bar| hours(bar) > 0.0);
    let keys = [
        (any(|b| b.used_by_day.last().map_or(0.0, |(_, h)| *h)), &labels.used, BLUE),
        (any(|b| b.left_now), &labels.left_now, LIGHT_BLUE),
        (any(|b| b.not_started), &labels.not_started, PALE_BLUE),
        (any(|b| b.expired), &labels.expired, LIGHT_GREY),
        (bars.iter().any(|b| !b.overruns.is_empty()), &labels.overrun, RED),
    ];
    let mut entries: Vec<(String, Key)> = keys
        .into_iter()
        .filter(|(drawn, _, _)| *drawn)
        .map(|(_, label, colour)| (label.clone(), Key::Box(colour)))
        .collect();
    entries.push((labels.as_of(as_of), Key::Dashed(ORANGE)));
    let legend = Legend::new(entries);
    // Each row: the allocation's name on a line of its own, its bar under it, so that no
    // name is cut to fit a label column.
    let height = 70 + 44 * bars.len() as u32;
    render_with_legend(height, &legend, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .margin_right(20)
            .x_label_area_size(40)
            .y_label_area_size(4)
            .build_cartesian_2d(0.0..span, 0.0..rows)
            .map_err(plot_error)?;
        chart.configure_mesh().disable_mesh().x_labels(0).y_labels(0).draw().map_err(plot_error)?;
        let row_y = |i: usize| bars.len() as f64 - 1.0 - i as f64;
        let (bottom, top) = (0.08, 0.5);
        let mut windows = Vec::new();
        let mut overruns = Vec::new();
        let mut uses = Vec::new();
        for (i, bar) in bars.iter().enumerate() {
            let (x0, x1) = (day(bar.start), day(bar.end) + 1.0);
            let y0 = row_y(i) + bottom;
            let shade = if bar.left_now > 0.0 {
                Some(LIGHT_BLUE)
            } else if bar.not_started > 0.0 {
                Some(PALE_BLUE)
            } else if bar.expired > 0.0 {
                Some(LIGHT_GREY)
            } else {
                None
            };
            let corners = [(x0, y0), (x1, row_y(i) + top)];
            windows.push(match shade {
                Some(colour) => Rectangle::new(corners, colour.filled()),
                None => Rectangle::new(corners, LIGHT_GREY.stroke_width(1)),
            });
            let points = accrued(bar, &day, as_of, (y0, top - bottom));
            if points.len() > 2 {
                uses.push(Polygon::new(points, BLUE.filled()));
            }
            for (from, to) in &bar.overruns {
                let strip = [(day(*from), row_y(i) + top - 0.08), (day(*to) + 1.0, row_y(i) + top)];
                overruns.push(Rectangle::new(strip, RED.filled()));
            }
        }
        chart.draw_series(windows).map_err(plot_error)?;
        chart.draw_series(uses).map_err(plot_error)?;
        chart.draw_series(overruns).map_err(plot_error)?;
        let names = bars.iter().enumerate().map(|(i, bar)| {
            let style = text_style(SMALL_TEXT + 1).pos(Pos::new(HPos::Left, VPos::Bottom));
            let used = bar.used_by_day.last().map_or(0.0, |(_, hours)| *hours);
            let label = format!("{} · {}", shorten(&bar.label, 70), labels.used_of(used, bar.available));
            Text::new(label, (0.0, row_y(i) + 0.56), style)
        });
        chart.draw_series(names).map_err(plot_error)?;
        let x = day(as_of) + 1.0;
        chart
            .draw_series(DashedLineSeries::new(vec![(x, 0.0), (x, rows)], 4, 4, ORANGE.stroke_width(2)))
            .map_err(plot_error)?;
        draw_month_ticks(root, |x| chart.backend_coord(&(x, 0.0)), first, last, labels)?;
        Ok(())
    })
}

/// The outline of a row's use as it accrued: from the window's start, a step up at the end of
/// each day with use to that day's share of the hours available (capped at the row's height),
/// flat to the as-of date or the window's end, whichever comes first.
fn accrued(
    bar: &TimelineBar,
    day: &dyn Fn(NaiveDate) -> f64,
    as_of: NaiveDate,
    (y0, height): (f64, f64),
) -> Vec<(f64, f64)> {
    let until = bar.end.min(as_of);
    if bar.available <= 0.0 || until < bar.start {
        return Vec::new();
    }
    let level = |hours: f64| y0 + height * (hours / bar.available).min(1.0);
    let within = bar.used_by_day.iter().filter(|(date, _)| *date <= until);
    let (mut points, total) = steps(day(bar.start), within, day, level);
    let end = day(until) + 1.0;
    points.push((end, level(total)));
    points.push((end, y0));
    points
}

/// The cumulative line as steps: flat until the day's hours are added at its end.
fn used_steps(burn: &BurnUp<'_>, day: &dyn Fn(NaiveDate) -> f64) -> Vec<(f64, f64)> {
    let first = burn.start.min(burn.used_by_day.first().map_or(burn.start, |(d, _)| *d));
    let (mut points, total) = steps(day(first), burn.used_by_day.iter(), day, |hours| hours);
    if burn.as_of >= burn.start {
        points.push((
            day(burn.as_of.min(burn.end.max(burn.used_by_day.last().map_or(burn.end, |(d, _)| *d)))) + 1.0,
            total,
        ));
    }
    points
}

/// A cumulative series as steps from `(x0, y(0))`: flat until each day's end, where it rises
/// to that day's total; with the last total.
fn steps<'a>(
    x0: f64,
    series: impl Iterator<Item = &'a (NaiveDate, f64)>,
    day: &dyn Fn(NaiveDate) -> f64,
    y: impl Fn(f64) -> f64,
) -> (Vec<(f64, f64)>, f64) {
    let mut points = vec![(x0, y(0.0))];
    let mut total = 0.0;
    for (date, hours) in series {
        let x = day(*date) + 1.0;
        points.push((x, y(total)));
        points.push((x, y(*hours)));
        total = *hours;
    }
    (points, total)
}

/// One horizontal bar of the dashboard's usage chart.
pub struct UsageBar<'a> {
    pub label: &'a str,
    pub used: f64,
    pub available: f64,
}

/// Share of the hours available that is used, one bar per engagement, with the hours
/// written at the end of each bar; overruns beyond 100% in orange.
pub fn usage_chart(bars: &[UsageBar<'_>], labels: &ChartLabels) -> Result<String> {
    let rows = bars.len().max(1) as f64;
    let share = |bar: &UsageBar| if bar.available > 0.0 { bar.used / bar.available * 100.0 } else { 0.0 };
    let top = (bars.iter().map(share).fold(100.0, f64::max) * 1.25 / 10.0).ceil() * 10.0;
    // Each row: the community's name on a line of its own, its bar under it.
    let height = 100 + 44 * bars.len() as u32;
    render_svg(height, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(&labels.usage_title, text_style(16))
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(4)
            .build_cartesian_2d(0.0..top, 0.0..rows)
            .map_err(plot_error)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .x_label_formatter(&|x| format!("{x:.0}%"))
            .y_labels(0)
            .x_desc(&labels.usage_axis)
            .label_style(text_style(14))
            .axis_desc_style(text_style(15))
            .draw()
            .map_err(plot_error)?;
        let row_y = |i: usize| bars.len() as f64 - 1.0 - i as f64;
        let full = bars.iter().enumerate().map(|(i, _)| {
            Rectangle::new([(0.0, row_y(i) + 0.08), (100.0, row_y(i) + 0.5)], LIGHT_GREY.filled())
        });
        chart.draw_series(full).map_err(plot_error)?;
        let used = bars.iter().enumerate().map(|(i, bar)| {
            Rectangle::new([(0.0, row_y(i) + 0.08), (share(bar).min(100.0), row_y(i) + 0.5)], BLUE.filled())
        });
        chart.draw_series(used).map_err(plot_error)?;
        let overrun = bars.iter().enumerate().filter(|(_, bar)| share(bar) > 100.0).map(|(i, bar)| {
            Rectangle::new([(100.0, row_y(i) + 0.08), (share(bar), row_y(i) + 0.5)], ORANGE.filled())
        });
        chart.draw_series(overrun).map_err(plot_error)?;
        let figures = bars.iter().enumerate().map(|(i, bar)| {
            let text = labels.used_of(bar.used, bar.available);
            let style = text_style(SMALL_TEXT + 1).pos(Pos::new(HPos::Left, VPos::Center));
            Text::new(text, (share(bar).max(100.0) + top * 0.01, row_y(i) + 0.29), style)
        });
        chart.draw_series(figures).map_err(plot_error)?;
        let names = bars.iter().enumerate().map(|(i, bar)| {
            let style = text_style(SMALL_TEXT + 1).pos(Pos::new(HPos::Left, VPos::Bottom));
            Text::new(shorten(bar.label, 90), (0.0, row_y(i) + 0.56), style)
        });
        chart.draw_series(names).map_err(plot_error)?;
        Ok(())
    })
}

/// A label from the data, safe in SVG text and cut to `limit` characters with an ellipsis so
/// long names keep the chart readable. Characters XML cannot carry (control characters, which
/// the loader already replaces) become U+FFFD whatever reaches a chart.
fn shorten(label: &str, limit: usize) -> String {
    let safe = crate::text::replace_unsafe(label);
    let safe = safe.replace(['\t', '\n', '\r'], " ");
    if safe.chars().count() <= limit {
        safe
    } else {
        format!("{}…", safe.chars().take(limit - 1).collect::<String>())
    }
}

/// Hours delivered per month, stacked by team member.
pub fn team_hours_chart(
    months: &[Month],
    members: &[(String, Vec<f64>)],
    labels: &ChartLabels,
) -> Result<String> {
    let count = months.len().max(1) as f64;
    let totals: Vec<f64> =
        (0..months.len()).map(|m| members.iter().map(|(_, hours)| hours[m]).sum()).collect();
    let top = nice_max(totals.iter().copied().fold(0.0, f64::max));
    let legend = Legend::new(
        members
            .iter()
            .enumerate()
            .map(|(index, (name, _))| (shorten(name, 40), Key::Box(PALETTE[index % PALETTE.len()])))
            .collect(),
    );
    render_with_legend(260, &legend, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(&labels.team_title, text_style(16))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .build_cartesian_2d(0.0..count, 0.0..top)
            .map_err(plot_error)?;
        let step = label_step(months.len());
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .x_labels(months.len() * 2 + 1)
            .x_label_formatter(&|x| {
                category_at(*x, months.len(), step).map_or(String::new(), |i| labels.month(months[i]))
            })
            .y_label_formatter(&|y| crate::present::format::hours(*y))
            .y_desc(&labels.hours)
            .label_style(text_style(14))
            .axis_desc_style(text_style(15))
            .draw()
            .map_err(plot_error)?;
        let mut base = vec![0.0; months.len()];
        for (index, (_, hours)) in members.iter().enumerate() {
            let colour = PALETTE[index % PALETTE.len()];
            let bars: Vec<_> = hours
                .iter()
                .enumerate()
                .filter(|(_, h)| **h > 0.0)
                .map(|(m, h)| {
                    Rectangle::new(
                        [(m as f64 + 0.15, base[m]), (m as f64 + 0.85, base[m] + h)],
                        colour.filled(),
                    )
                })
                .collect();
            for (m, h) in hours.iter().enumerate() {
                base[m] += h;
            }
            chart.draw_series(bars).map_err(plot_error)?;
        }
        Ok(())
    })
}

/// One quarter of the check-in brief's chart.
pub struct QuarterBar {
    /// `2026 Q1`.
    pub label: String,
    pub hours: f64,
    /// The quarter is still running: its hours are counted to date.
    pub to_date: bool,
}

/// At most this many bars carry their hours written above them; more would crowd.
const LABELLED_QUARTERS: usize = 16;

/// Hours delivered per calendar quarter: one bar each with its hours above it, the quarter
/// still running lighter.
pub fn quarter_hours_chart(bars: &[QuarterBar]) -> Result<String> {
    let count = bars.len().max(1) as f64;
    let top = nice_max(bars.iter().map(|bar| bar.hours).fold(0.0, f64::max));
    render_svg(150, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .margin_top(20)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..count, 0.0..top)
            .map_err(plot_error)?;
        let step = bars.len().div_ceil(12).max(1);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .x_labels(bars.len() * 2 + 1)
            .x_label_formatter(&|x| {
                category_at(*x, bars.len(), step).map_or(String::new(), |i| bars[i].label.clone())
            })
            .y_labels(6)
            .y_label_formatter(&|y| crate::present::format::hours(*y))
            .label_style(text_style(17))
            .draw()
            .map_err(plot_error)?;
        let rectangles = bars.iter().enumerate().map(|(i, bar)| {
            let colour = if bar.to_date { LIGHT_BLUE.filled() } else { BLUE.mix(0.85).filled() };
            Rectangle::new([(i as f64 + 0.15, 0.0), (i as f64 + 0.85, bar.hours)], colour)
        });
        chart.draw_series(rectangles).map_err(plot_error)?;
        if bars.len() <= LABELLED_QUARTERS {
            let labels = bars.iter().enumerate().map(|(i, bar)| {
                let style = text_style(18).pos(Pos::new(HPos::Center, VPos::Bottom));
                Text::new(
                    crate::present::format::hours(bar.hours),
                    (i as f64 + 0.5, bar.hours + top * 0.015),
                    style,
                )
            });
            chart.draw_series(labels).map_err(plot_error)?;
        }
        Ok(())
    })
}
