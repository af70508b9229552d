// The report's chart, hand-written SVG (no dependency): throughput against RTT, one line
// per backend through the relay (solid: clean, dashed: with loss), the host loopback as a
// hollow ring at 0 ms, a log scale so that TCP and the WebRTC stacks fit on one chart.

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
const W = 640;
const H = 360;
const M = { left: 64, right: 150, top: 24, bottom: 48 };
const escapeXml = (text) =>
  String(text).replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c],
  );

/**
 * The SVG text of the chart for transfer.json's `runs` (those with a number of MBps).
 * @example
 *   writeFileSync('transfer.svg', throughputChart(JSON.parse(text).runs));
 */
export function throughputChart(runs) {
  const measured = runs.filter((r) => typeof r.MBps === 'number' && r.MBps > 0);
  const backends = [...new Set(measured.map((r) => r.backend))];
  const maxRtt = Math.max(50, ...measured.map((r) => r.rttMs));
  const lo = 10 ** Math.floor(Math.log10(Math.min(1, ...measured.map((r) => r.MBps))));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(10, ...measured.map((r) => r.MBps))));
  const round = (v) => Math.round(v * 10) / 10;
  const x = (rtt) => round(M.left + (rtt / maxRtt) * (W - M.left - M.right));
  const y = (mbps) =>
    round(M.top + (1 - Math.log10(mbps / lo) / Math.log10(hi / lo)) * (H - M.top - M.bottom));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    '<title>Transfer throughput against round-trip time, per backend</title>',
    `<rect width="${W}" height="${H}" fill="white"/>`,
  ];
  for (let v = lo; v <= hi; v *= 10) {
    parts.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`,
      `<text x="${M.left - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text>`,
    );
  }
  const ticks = [...new Set([0, 20, 50, ...measured.map((r) => r.rttMs)])].sort((a, b) => a - b);
  for (const rtt of ticks) {
    parts.push(
      `<line x1="${x(rtt)}" x2="${x(rtt)}" y1="${M.top}" y2="${H - M.bottom}" stroke="#eee"/>`,
      `<text x="${x(rtt)}" y="${H - M.bottom + 16}" text-anchor="middle">${rtt}</text>`,
    );
  }
  parts.push(
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 10}" text-anchor="middle">round-trip time through the relay, ms</text>`,
    `<text x="16" y="${(M.top + H - M.bottom) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(M.top + H - M.bottom) / 2})">MB/s (log)</text>`,
  );
  backends.forEach((backend, i) => {
    const color = COLORS[i % COLORS.length];
    const ofBackend = measured.filter((r) => r.backend === backend);
    for (const lossy of [false, true]) {
      const points = ofBackend
        .filter((r) => r.link === 'relay' && r.lossPct > 0 === lossy)
        .sort((a, b) => a.rttMs - b.rttMs);
      if (points.length === 0) continue;
      const path = points.map((r) => `${x(r.rttMs)},${y(r.MBps)}`).join(' ');
      parts.push(
        `<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2"${lossy ? ' stroke-dasharray="6 4"' : ''}/>`,
        ...points.map(
          (r) =>
            `<circle cx="${x(r.rttMs)}" cy="${y(r.MBps)}" r="3" fill="${color}"><title>${escapeXml(`${backend} ${r.rttMs} ms ${r.lossPct} % loss: ${r.MBps.toFixed(1)} MB/s`)}</title></circle>`,
        ),
      );
    }
    for (const r of ofBackend.filter((r) => r.link === 'loopback')) {
      parts.push(
        `<circle cx="${x(0)}" cy="${y(r.MBps)}" r="6" fill="none" stroke="${color}" stroke-width="2"><title>${escapeXml(`${backend} host loopback: ${r.MBps.toFixed(1)} MB/s`)}</title></circle>`,
      );
    }
    const ly = M.top + 14 + i * 18;
    parts.push(
      `<line x1="${W - M.right + 12}" x2="${W - M.right + 36}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="2"/>`,
      `<text x="${W - M.right + 42}" y="${ly}">${escapeXml(backend)}</text>`,
    );
  });
  const ly = M.top + 14 + backends.length * 18 + 8;
  parts.push(
    `<text x="${W - M.right + 12}" y="${ly}" fill="#555">solid: clean link</text>`,
    `<text x="${W - M.right + 12}" y="${ly + 16}" fill="#555">dashed: with loss</text>`,
    `<text x="${W - M.right + 12}" y="${ly + 32}" fill="#555">ring: host loopback</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}
