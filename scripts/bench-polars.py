#!/usr/bin/env python3
"""The fastest yardstick for `scripts/bench`: the per-engagement aggregation of
`ces-report summary` written the way a data person who knows polars would write it, on the
same synthetic exports.

    python3 scripts/bench-polars.py DATA_FOLDER AS_OF > figures.json

The rule is `scripts/bench-pandas.py`'s, exactly as `summary` counts: as of AS_OF (YYYY-MM-DD)
an activity counts once it has started, and draws on its allocation for its units' share of
its range's working days (calendar days when the range has none) that are up to AS_OF and
inside the allocation's window, rounded half away from zero to the hundredth (so one ended
inside the window counts whole); an allocation's unused hours are *not started* before its
window, *left now* in it and *expired* after it, its hours beyond those available *overrun*;
an engagement sums its projects' allocations. Working days are Monday to Friday
less the holidays of DATA_FOLDER/settings.toml, and its `slash_dates` ("us", the default, or
"eu") says how 1/2/2025 reads. Hours are held in hundredths, as integers, so the sums are
exact.

Written for speed: one lazy query per file with every column read as text (no type
inference), only the columns the figures need, dates parsed with their format given,
`business_day_count` for working days, joins by name, and one `collect` for the whole plan.
The output is JSON in the shape of `summary --format json`'s engagements, in file order.
"""

import datetime
import json
import sys
import tomllib
from pathlib import Path

import polars as pl


def settings(folder):
    """(holidays, slash date format) from the data folder's settings.toml, as `summary` reads it."""
    path = Path(folder) / "settings.toml"
    table = tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    holidays = [
        day if isinstance(day, datetime.date) else datetime.date.fromisoformat(day)
        for day in table.get("holidays", [])
    ]
    slash = {"us": "%m/%d/%Y", "eu": "%d/%m/%Y"}[table.get("slash_dates", "us")]
    return holidays, slash


def scan(folder, name, columns):
    """The named columns of one export, all as text, lazily."""
    return pl.scan_csv(
        f"{folder}/{name}", infer_schema=False, encoding="utf8-lossy"
    ).select([pl.col(column).str.strip_chars() for column in columns])


def main():
    folder, as_of = sys.argv[1], datetime.date.fromisoformat(sys.argv[2])
    holidays, slash = settings(folder)
    date = lambda column: pl.col(column).str.strptime(pl.Date, slash)  # noqa: E731
    hundredths = lambda column: (  # noqa: E731
        (pl.col(column).str.replace_all(",", "").cast(pl.Float64) * 100).round().cast(pl.Int64)
    )
    working_days = lambda first, last: pl.business_day_count(  # noqa: E731
        first, last + pl.duration(days=1), holidays=holidays
    ).cast(pl.Int64)
    T = pl.lit(as_of)

    windows = scan(folder, "allocations.csv", ["Allocation name", "Allocation start date", "Allocation end date"]).select(
        pl.col("Allocation name"),
        date("Allocation start date").alias("first"),
        date("Allocation end date").alias("last"),
    )
    # The days of an activity's range that count: up to AS_OF and inside its allocation's window.
    counted_from = pl.max_horizontal("start", "first")
    counted_to = pl.min_horizontal("end", "last", T)
    activities = (
        scan(folder, "activities.csv", ["Allocation", "Units", "Start date", "End date"])
        .select(
            pl.col("Allocation"),
            hundredths("Units").alias("units"),
            date("Start date").alias("start"),
            pl.when(pl.col("End date") == "")
            .then(None)
            .otherwise(pl.col("End date"))
            .str.strptime(pl.Date, slash)
            .alias("end"),
        )
        .with_columns(pl.col("end").fill_null(pl.col("start")))
        .filter(pl.col("start") <= T)
        .join(windows, left_on="Allocation", right_on="Allocation name")
        .with_columns(working_days(pl.col("start"), pl.col("end")).alias("total"))
        .with_columns(
            pl.when(pl.col("total") > 0)
            .then(pl.col("total"))
            .otherwise((pl.col("end") - pl.col("start")).dt.total_days() + 1)
            .alias("of"),
            pl.when(counted_from > counted_to)
            .then(0)
            .when(pl.col("total") > 0)
            .then(working_days(counted_from, counted_to))
            .otherwise((counted_to - counted_from).dt.total_days() + 1)
            .alias("counted"),
        )
        .select(
            pl.col("Allocation"),
            # Half away from zero: units are never negative, so (2·u·c + d) // 2d.
            ((2 * pl.col("units") * pl.col("counted") + pl.col("of")) // (2 * pl.col("of"))).alias("hours"),
        )
        .group_by("Allocation")
        .agg(pl.col("hours").sum().alias("used"))
    )

    unused = (pl.col("available") - pl.col("used")).clip(lower_bound=0)
    zero = pl.lit(0, dtype=pl.Int64)
    allocations = (
        scan(
            folder,
            "allocations.csv",
            ["Allocation name", "Project", "Allocation start date", "Allocation end date", "Hours available"],
        )
        .select(
            pl.col("Allocation name"),
            pl.col("Project"),
            date("Allocation start date").alias("start"),
            date("Allocation end date").alias("end"),
            hundredths("Hours available").alias("available"),
        )
        .join(activities, left_on="Allocation name", right_on="Allocation", how="left")
        .with_columns(pl.col("used").fill_null(0))
        .select(
            pl.col("Project"),
            pl.col("available"),
            pl.col("used"),
            pl.when(pl.col("start") <= T).then(zero).otherwise(unused).alias("not_started"),
            pl.when((pl.col("start") <= T) & (T <= pl.col("end"))).then(unused).otherwise(zero).alias("left_now"),
            pl.when(T > pl.col("end")).then(unused).otherwise(zero).alias("expired"),
            (pl.col("used") - pl.col("available")).clip(lower_bound=0).alias("overrun"),
        )
    )

    figures = ["available", "used", "left_now", "not_started", "expired", "overrun"]
    by_engagement = (
        allocations.join(scan(folder, "projects.csv", ["Project name", "Engagement"]), left_on="Project", right_on="Project name")
        .group_by("Engagement")
        .agg([pl.col(figure).sum() for figure in figures])
    )
    rows = (
        scan(folder, "engagements.csv", ["Engagement name"])
        .join(by_engagement, left_on="Engagement name", right_on="Engagement", how="left", maintain_order="left")
        .select(pl.col("Engagement name").alias("name"), *[pl.col(f).fill_null(0) / 100 for f in figures])
        .collect()
    )
    json.dump({"as_of": as_of.isoformat(), "engagements": rows.to_dicts()}, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
