"""The one table of `make bench`, and the same rows as JSON (build/bench.json)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Row:
    """One line of the table. ``ok`` is None where the figure has no target."""

    section: str
    what: str
    rate: float | None = None
    unit: str = ""
    p50_ms: float | None = None
    p99_ms: float | None = None
    compared: str = ""
    target: str = ""
    ok: bool | None = None
    # A failed correctness promise (seats oversold, requests refused): never a matter of
    # a slow machine, so the run fails with it even without --strict.
    correctness: bool = False
    detail: str = ""
    figures: dict = field(default_factory=dict)

    @property
    def result(self) -> str:
        if self.ok is None:
            return "-"
        return "pass" if self.ok else "FAIL"


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        return row

    def skip(self, why: str) -> None:
        self.skipped.append(why)

    def warn(self, what: str) -> None:
        self.warnings.append(what)

    @property
    def failed(self) -> list[Row]:
        return [row for row in self.rows if row.ok is False]

    @property
    def correctness_failures(self) -> list[Row]:
        return [row for row in self.failed if row.correctness]

    def table(self) -> str:
        headers = [
            "section",
            "what",
            "rate",
            "unit",
            "p50 ms",
            "p99 ms",
            "compared",
            "target",
            "result",
            "detail",
        ]
        lines = [
            [
                row.section,
                row.what,
                _number(row.rate),
                row.unit,
                _number(row.p50_ms),
                _number(row.p99_ms),
                row.compared,
                row.target,
                row.result,
                row.detail,
            ]
            for row in self.rows
        ]
        widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(headers)]
        numeric = {2, 4, 5}

        def render(cells: list[str]) -> str:
            out = []
            for i, cell in enumerate(cells):
                out.append(cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i]))
            return "  ".join(out).rstrip()

        rule = "  ".join("-" * w for w in widths)
        text = [render(headers), rule, *(render(line) for line in lines)]
        targets = [row for row in self.rows if row.ok is not None]
        text.append(rule)
        text.append(
            f"{len(targets) - len(self.failed)} of {len(targets)} targets met"
            + (f"; {len(self.correctness_failures)} correctness failures" if self.failed else "")
        )
        text.extend(f"skipped: {why}" for why in self.skipped)
        text.extend(f"warning: {what}" for what in self.warnings)
        if "cores" in self.meta and "load_average_before" in self.meta:
            before = self.meta["load_average_before"][0]
            after = self.meta.get("load_average_after", [before])[0]
            text.append(
                f"machine: {self.meta['cores']} cores, load average {before:.1f} before and "
                f"{after:.1f} after the run (any other work on it weighs on every figure)"
            )
        return "\n".join(text)

    def write_json(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        rows = []
        for row in self.rows:
            data = asdict(row)
            data["result"] = row.result
            rows.append(data)
        payload = {**self.meta, "rows": rows, "skipped": self.skipped, "warnings": self.warnings}
        path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")


def _number(value: float | None) -> str:
    if value is None:
        return ""
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def markdown(payload: dict) -> str:
    """The README's tables from a run's JSON: the pages with their direct and nginx
    figures side by side, then the other rows."""

    def cell(value, digits: int = 0) -> str:
        return "" if value is None else f"{value:,.{digits}f}"

    rows = payload["rows"]
    direct = {r["what"]: r for r in rows if r["section"] == "direct"}
    proxied = {r["what"]: r for r in rows if r["section"] == "nginx"}
    out = [
        "| page | req/s | p50 ms | p99 ms | share of floor | result "
        "| nginx req/s | nginx p99 ms | nginx share | micro-cache hits | nginx result |",
        "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for what, row in direct.items():
        via = proxied.get(what, {})
        figures, via_figures = row.get("figures", {}), via.get("figures", {})
        cache = via_figures.get("cache") or {}
        hits = f"{cache.get('HIT', 0) / sum(cache.values()):.0%}" if cache else ""
        share = figures.get("share")
        via_share = via_figures.get("share")
        out.append(
            f"| `{what.rsplit(' ', 1)[-1]}` {what.rsplit(' ', 1)[0]} | {cell(row['rate'])} "
            f"| {cell(row['p50_ms'])} | {cell(row['p99_ms'])} "
            f"| {cell(share, 2) if share is not None else 'reference'} | {row['result']} "
            f"| {cell(via.get('rate'))} | {cell(via.get('p99_ms'))} "
            f"| {cell(via_share, 2) if via_share is not None else ('reference' if via else '')} "
            f"| {hits} | {via.get('result', '')} |"
        )
    out += ["", "| what | figure | p50 ms | p99 ms | compared | target | result |"]
    out.append("| --- | ---: | ---: | ---: | --- | --- | --- |")
    for row in rows:
        if row["section"] in {"direct", "nginx"}:
            continue
        figure = f"{cell(row['rate'], 2 if row['unit'] == 's' else 1)} {row['unit']}".strip()
        out.append(
            f"| {row['section']}: {row['what']} | {figure} | {cell(row['p50_ms'])} "
            f"| {cell(row['p99_ms'])} | {row['compared']} | {row['target'] or '-'} "
            f"| {row['result']} |"
        )
    return "\n".join(out)
