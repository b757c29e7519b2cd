/**
 * A bar chart of one value per period, in SVG. Measured against uPlot (1.6.32: 22.0 kB gzipped, 0.8 kB of CSS) for
 * a handful of bars per view: this is well under 1 kB, with its text alternative in the table beside it.
 */
export function BarChart({ bars, label, unit }: { bars: { label: string; value: number | null }[]; label: string; unit: string }) {
  const width = 640;
  const height = 160;
  const max = Math.max(1e-9, ...bars.map((b) => b.value ?? 0));
  const slot = width / Math.max(1, bars.length);
  // at most about eight labels, so that they never overlap
  const every = Math.ceil(bars.length / 8);
  return (
    <svg viewBox={`0 0 ${width} ${height + 20}`} role="img" aria-label={`${label} per period (${unit}); the table below has the figures`} className="chart">
      {bars.map((bar, i) => {
        const h = bar.value === null ? 0 : (bar.value / max) * height;
        return (
          <g key={bar.label}>
            <rect x={i * slot + slot * 0.15} y={height - h} width={slot * 0.7} height={h} className={bar.value === null ? 'bar-none' : 'bar'} />
            {i % every === 0 && (
              <text x={i * slot + slot / 2} y={height + 15} textAnchor="middle" className="axis">
                {bar.label}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
