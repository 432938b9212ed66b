#!/usr/bin/env python3
"""The yardstick for `scripts/bench`: the per-engagement aggregation of `ces-report summary`
written the way an analyst would write it in pandas, on the same synthetic exports.

    python3 scripts/bench-pandas.py DATA_FOLDER AS_OF > figures.json

It reads the engagements, projects, allocations and activities exports, links activities to
allocations, allocations to projects and projects to engagements by name, and computes as of
AS_OF (YYYY-MM-DD) each engagement's hours available, used, left now, not started, expired and
overrun, with each allocation's hours as `summary` counts them (an activity counts once it has
started; one logged over a range counts its share of the range's weekdays, and only the days
inside its allocation's window draw on it). Dates are read with their export format given, so
pandas does not guess. The output is JSON: one object per
engagement, in file order, so its numbers can be compared with `summary --format json`.

Only what the aggregation needs is done: no checks of the cells, no warnings, no status.
"""

import json
import sys

import numpy as np
import pandas as pd


def read(folder, name, **options):
    return pd.read_csv(f"{folder}/{name}", encoding="utf-8-sig", **options)


def us_dates(column):
    return pd.to_datetime(column.str.strip(), format="%m/%d/%Y")


def main():
    folder, as_of = sys.argv[1], pd.Timestamp(sys.argv[2])
    engagements = read(folder, "engagements.csv", usecols=["Engagement name"])
    projects = read(folder, "projects.csv", usecols=["Project name", "Engagement"])
    allocations = read(
        folder,
        "allocations.csv",
        usecols=["Allocation name", "Project", "Allocation start date", "Allocation end date", "Hours available"],
        thousands=",",
    )
    activities = read(
        folder,
        "activities.csv",
        usecols=["Allocation", "Team member", "Units", "Start date", "End date", "Created"],
        thousands=",",
        dtype={"Allocation": "category", "Team member": "category", "End date": "string"},
    )

    activities["start"] = us_dates(activities["Start date"])
    end = activities["End date"].fillna("").str.strip()
    activities["end"] = pd.to_datetime(end.where(end != ""), format="%m/%d/%Y").fillna(activities["start"])
    activities["created"] = pd.to_datetime(activities["Created"], format="%m/%d/%Y %I:%M%p")

    allocations["start"] = us_dates(allocations["Allocation start date"])
    allocations["end"] = us_dates(allocations["Allocation end date"])
    windows = allocations.set_index("Allocation name")[["start", "end"]].add_suffix("_window")

    # The as-of rule: nothing before the start; the units' share of the range's weekdays
    # (calendar days when it has none) that are up to AS_OF and inside the allocation's window.
    counted = activities[activities["start"] <= as_of]
    counted = counted.join(windows, on="Allocation", how="inner")
    start = counted["start"].values.astype("datetime64[D]")
    last = counted["end"].values.astype("datetime64[D]")
    first_in = np.maximum(start, counted["start_window"].values.astype("datetime64[D]"))
    last_in = np.minimum(
        np.minimum(last, counted["end_window"].values.astype("datetime64[D]")), np.datetime64(as_of.date())
    )
    total = np.busday_count(start, last + 1)
    calendar = (last - start).astype(int) + 1
    inside = np.where(
        first_in > last_in,
        0,
        np.where(
            total > 0,
            np.busday_count(first_in, np.maximum(last_in, first_in - 1) + 1),
            (last_in - first_in).astype(int) + 1,
        ),
    )
    of = np.where(total > 0, total, calendar)
    # In hundredths, rounded half away from zero (units are never negative).
    units = np.round(counted["Units"].values.astype(float) * 100).astype(np.int64)
    counted = counted.assign(hours=(2 * units * inside + of) // (2 * of) / 100)
    used = counted.groupby("Allocation", observed=True)["hours"].sum()

    allocations["used"] = allocations["Allocation name"].map(used).fillna(0.0)
    available = allocations["Hours available"].astype(float)
    unused = (available - allocations["used"]).clip(lower=0)
    allocations["available"] = available
    allocations["not_started"] = unused.where(as_of < allocations["start"], 0.0)
    allocations["left_now"] = unused.where((allocations["start"] <= as_of) & (as_of <= allocations["end"]), 0.0)
    allocations["expired"] = unused.where(as_of > allocations["end"], 0.0)
    allocations["overrun"] = (allocations["used"] - available).clip(lower=0)

    linked = allocations.merge(projects, left_on="Project", right_on="Project name", how="inner")
    figures = ["available", "used", "left_now", "not_started", "expired", "overrun"]
    by_engagement = linked.groupby("Engagement")[figures].sum().round(2)
    rows = engagements.merge(by_engagement, left_on="Engagement name", right_index=True, how="left").fillna(0.0)
    out = [
        {"name": row["Engagement name"], **{figure: float(row[figure]) for figure in figures}}
        for _, row in rows.iterrows()
    ]
    json.dump({"as_of": str(as_of.date()), "engagements": out}, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
