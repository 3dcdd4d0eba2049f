// Tables and bar charts drawn in the browser, shared by the figures page and the forecast report
// (both inline this file: they work without internet). Every cell carries data-field so a reader finds it.
"use strict";
const euro = (cents) => "€ " + (cents / 100).toLocaleString("nl-NL", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const none = '<p class="muted">none in this period</p>';

function table(columns, rows, test) {
  // columns: [heading, key, numeric?, format?]; every cell carries data-field so a reader (or a test) finds it.
  if (!rows.length) return none;
  const head = columns.map(([h, , n]) => `<th${n ? ' class="n"' : ""}>${esc(h)}</th>`).join("");
  const body = rows.map((row) => `<tr data-testid="${test}-row" ${row._class ? `class="${row._class}"` : ""}>` +
    columns.map(([, key, n, fmt]) => `<td data-field="${key}"${n ? ' class="n"' : ""}>${esc(fmt ? fmt(row[key]) : row[key] ?? "–")}</td>`).join("") +
    "</tr>").join("");
  return `<table data-testid="${test}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function bars(rows, label, value, format = String) {
  // A horizontal bar chart in SVG, drawn here: one bar per row, the value written beside it.
  if (!rows.length) return "";
  const max = Math.max(...rows.map(value), 1), w = 460, lw = 190, h = 22;
  const parts = rows.map((row, i) => {
    const v = value(row), bw = Math.max(1, (w - lw - 90) * v / max), y = i * h;
    return `<text x="0" y="${y + 15}">${esc(label(row))}</text>` +
      `<rect x="${lw}" y="${y + 4}" width="${bw}" height="${h - 8}" fill="#3d6fb6" rx="2"></rect>` +
      `<text x="${lw + bw + 6}" y="${y + 15}">${esc(format(v))}</text>`;
  });
  return `<svg role="img" width="${w}" height="${rows.length * h}" viewBox="0 0 ${w} ${rows.length * h}">${parts.join("")}</svg>`;
}

