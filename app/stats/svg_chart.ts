/*
| A line chart as inline SVG, drawn on the server: readable without
| JavaScript, printable, and nothing to download. Pure: points in, markup out.
*/
export interface ChartPoint {
  /** Epoch ms. */
  x: number
  y: number
}

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** A nice upper bound for the y axis: 1, 2 or 5 times a power of ten. */
export function niceMax(value: number): number {
  if (value <= 0) return 1
  const power = 10 ** Math.floor(Math.log10(value))
  for (const step of [1, 2, 5, 10]) if (value <= step * power) return step * power
  return 10 * power
}

export function lineChart(
  series: Array<{ label: string; points: ChartPoint[]; className: string }>,
  options: {
    width?: number
    height?: number
    title: string
    xLabel: (x: number) => string
    ticks?: number
  }
): string {
  const width = options.width ?? 800
  const height = options.height ?? 240
  const pad = { left: 40, right: 10, top: 10, bottom: 28 }
  const all = series.flatMap((s) => s.points)
  const xs = all.map((p) => p.x)
  const minX = xs.length ? Math.min(...xs) : 0
  const maxX = xs.length ? Math.max(...xs) : 1
  const maxY = niceMax(Math.max(0, ...all.map((p) => p.y)))
  const sx = (x: number) =>
    pad.left + ((x - minX) / Math.max(1, maxX - minX)) * (width - pad.left - pad.right)
  const sy = (y: number) => height - pad.bottom - (y / maxY) * (height - pad.top - pad.bottom)
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escape(options.title)}" class="chart">`,
    `<title>${escape(options.title)}</title>`,
  ]
  for (const y of [0, maxY / 2, maxY]) {
    parts.push(
      `<line class="grid" x1="${pad.left}" x2="${width - pad.right}" y1="${sy(y).toFixed(1)}" y2="${sy(y).toFixed(1)}"/>`
    )
    parts.push(
      `<text class="axis" x="${pad.left - 4}" y="${(sy(y) + 4).toFixed(1)}" text-anchor="end">${Number.isInteger(y) ? y : y.toFixed(1)}</text>`
    )
  }
  const ticks = options.ticks ?? 6
  for (let i = 0; i <= ticks && xs.length; i++) {
    const x = minX + ((maxX - minX) * i) / ticks
    parts.push(
      `<text class="axis" x="${sx(x).toFixed(1)}" y="${height - 8}" text-anchor="middle">${escape(options.xLabel(x))}</text>`
    )
  }
  for (const s of series) {
    if (!s.points.length) continue
    const d = s.points
      .map((p, i) => `${i ? 'L' : 'M'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`)
      .join('')
    parts.push(
      `<path class="${escape(s.className)}" d="${d}"><title>${escape(s.label)}</title></path>`
    )
  }
  parts.push('</svg>')
  return parts.join('')
}
