// The picture of a run, as SVG written by hand (no plotting library):
// records put and rows written per second on top, put -> queryable latency
// (p50, p99 of the rows that became visible in that second) below, with
// the faults marked on both.

import { percentile } from './accounting.mjs';
import { ROW } from './ledger.mjs';

// Per-second buckets, from the run's start (t0, ms since the epoch).
export function series(ledger, t0, seconds) {
  const n = Math.max(1, Math.ceil(seconds));
  const put = new Array(n).fill(0), rows = new Array(n).fill(0);
  const lat = Array.from({ length: n }, () => []);
  for (let r = 0; r < ledger.capacity; r++) {
    const p = ledger.putAt[r];
    if (Number.isNaN(p)) continue;
    const ip = Math.floor((p - t0) / 1000);
    if (ip >= 0 && ip < n) put[ip]++;
    if (ledger.state[r] !== ROW) continue;
    const is = Math.floor((ledger.seenAt[r] - t0) / 1000);
    if (is >= 0 && is < n) {
      rows[is]++;
      lat[is].push(ledger.seenAt[r] - p);
    }
  }
  return put.map((_, i) => {
    const sorted = Float64Array.from(lat[i]).sort();
    return { t: i, put: put[i], rows: rows[i], p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  });
}

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

function panel({ x, y, w, h, points, lines, yLabel, tMax, events }) {
  const yMax = niceMax(Math.max(...lines.flatMap((l) => points.map((p) => p[l.key]).filter((v) => Number.isFinite(v)))));
  const px = (t) => x + (t / tMax) * w, py = (v) => y + h - (v / yMax) * h;
  const out = [];
  out.push(`<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="#fff" stroke="#999"/>`);
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4, yy = py(v);
    out.push(`<line x1="${x}" y1="${yy}" x2="${x + w}" y2="${yy}" stroke="#eee"/>`);
    out.push(`<text x="${x - 6}" y="${yy + 4}" text-anchor="end" font-size="11">${esc(Math.round(v).toLocaleString('en-US'))}</text>`);
  }
  const step = niceMax(tMax / 8);
  for (let t = 0; t <= tMax + 1e-9; t += step) {
    out.push(`<text x="${px(t)}" y="${y + h + 14}" text-anchor="middle" font-size="11">${t}</text>`);
  }
  out.push(`<text x="${x - 48}" y="${y + h / 2}" font-size="12" transform="rotate(-90 ${x - 48} ${y + h / 2})" text-anchor="middle">${esc(yLabel)}</text>`);
  for (const e of events) {
    out.push(`<line x1="${px(e.t)}" y1="${y}" x2="${px(e.t)}" y2="${y + h}" stroke="#c00" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${px(e.t) + 3}" y="${y + 12}" font-size="10" fill="#c00">${esc(e.label)}</text>`);
  }
  lines.forEach((l, k) => {
    // One polyline per run of seconds that have a value: a gap (no rows that second) stays a gap.
    let run = [];
    const flush = () => {
      if (run.length) out.push(`<polyline fill="none" stroke="${l.color}" stroke-width="1.8" points="${run.join(' ')}"/>`);
      run = [];
    };
    for (const p of points) {
      if (Number.isFinite(p[l.key])) run.push(`${px(p.t + 0.5).toFixed(1)},${py(p[l.key]).toFixed(1)}`);
      else flush();
    }
    flush();
    const lx = x + w - 150, ly = y + 16 + k * 15;
    out.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 18}" y2="${ly - 4}" stroke="${l.color}" stroke-width="2"/>`);
    out.push(`<text x="${lx + 24}" y="${ly}" font-size="11">${esc(l.label)}</text>`);
  });
  return out.join('\n');
}

export function svg({ points, events = [], title, subtitle }) {
  const W = 900, H = 560, left = 80, w = W - left - 30, h = 190;
  const tMax = Math.max(1, points.length);
  const body = [
    `<text x="${left}" y="24" font-size="15" font-weight="bold">${esc(title)}</text>`,
    `<text x="${left}" y="42" font-size="11" fill="#444">${esc(subtitle)}</text>`,
    panel({ x: left, y: 60, w, h, points, tMax, events, yLabel: 'records per second',
            lines: [{ key: 'put', label: 'put (acknowledged)', color: '#888' },
                    { key: 'rows', label: 'rows queryable', color: '#1f5fbf' }] }),
    panel({ x: left, y: 60 + h + 50, w, h, points, tMax, events, yLabel: 'put → queryable, ms',
            lines: [{ key: 'p50', label: 'p50', color: '#2a8f2a' }, { key: 'p99', label: 'p99', color: '#d07000' }] }),
    `<text x="${left + w / 2}" y="${H - 8}" text-anchor="middle" font-size="12">seconds since the producer started</text>`,
  ];
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" ` +
         `viewBox="0 0 ${W} ${H}" font-family="sans-serif">\n<rect width="${W}" height="${H}" fill="#fafafa"/>\n` +
         `${body.join('\n')}\n</svg>\n`;
}
