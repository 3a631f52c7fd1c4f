// The only script that talks to ApexCharts. One chart per element id.
// ApexCharts (lib/apexcharts, ~500 KB) is loaded on the first chart rather than by the page, so the circuit
// starts without waiting for it.
const charts = new Map();

const palettes = {
  dark: {
    series: ["#818CF8", "#38BDF8", "#F472B6", "#4ADE80", "#FBBF24", "#A78BFA"],
    tones: { neutral: "#94A3B8", ok: "#4ADE80", warning: "#FBBF24", critical: "#F87171", info: "#818CF8" },
    fore: "#CBD5E1",
    grid: "#2A2F3C",
  },
  light: {
    series: ["#4F46E5", "#0284C7", "#DB2777", "#15803D", "#B45309", "#7C3AED"],
    tones: { neutral: "#64748B", ok: "#15803D", warning: "#B45309", critical: "#B91C1C", info: "#4F46E5" },
    fore: "#334155",
    grid: "#E2E8F0",
  },
};

function formatter(unit) {
  const num = (v, d) => Number(v).toLocaleString("en-US", { maximumFractionDigits: d });
  switch (unit) {
    case "ratio": return v => v == null ? "—" : `${num(v * 100, Math.abs(v) >= 0.99 ? 2 : 1)} %`;
    case "milliseconds": return v => v == null ? "—" : Math.abs(v) < 1000 ? `${num(v, 1)} ms` : `${num(v / 1000, 2)} s`;
    case "usd": return v => v == null ? "—" : `$${num(v, Math.abs(v) < 0.01 ? 4 : 2)}`;
    case "perHour": return v => v == null ? "—" : `${num(v, 2)} /h`;
    case "bytes": return v => {
      if (v == null) return "—";
      const units = ["B", "KB", "MB", "GB", "TB"];
      let i = 0;
      while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
      return `${num(v, i === 0 ? 0 : 1)} ${units[i]}`;
    };
    default: return v => v == null ? "—" : num(v, 2);
  }
}

// ApexCharts widens a flat range around its value (Scales.niceScale: min = max → 0…2), ignoring the configured max:
// a quiet SLO at 100 % drew on a 0–200 % axis. When every point sits at the max, the min comes from the lines
// drawn below it (the objective, "budget spent" at 0), or one unit down.
function yMinFor(c) {
  if (c.yMin != null || c.yMax == null) {
    return c.yMin ?? undefined;
  }
  const lowest = (c.series ?? []).reduce((low, s) => s.y.reduce((l, v) => v == null ? l : Math.min(l, v), low), Infinity);
  if (lowest === Infinity || lowest < c.yMax) {
    return undefined;
  }
  const below = (c.thresholds ?? []).map(t => t.y).filter(y => y < c.yMax);
  return below.length > 0 ? Math.min(...below) : c.yMax - 1;
}

function toOptions(c) {
  const p = c.dark ? palettes.dark : palettes.light;
  const format = formatter(c.unit);
  const categories = c.categories ?? null;
  const series = (c.series ?? []).map(s => ({
    name: s.name,
    data: categories ? s.y : s.x.map((x, i) => [x, s.y[i]]),
  }));
  const colors = (c.series ?? []).map((s, i) => s.color ? (p.tones[s.color] ?? s.color) : p.series[i % p.series.length]);
  return {
    chart: {
      type: c.type,
      height: c.height,
      background: "transparent",
      foreColor: p.fore,
      animations: { enabled: false },
      toolbar: { show: false },
      zoom: { enabled: false },
      sparkline: { enabled: !!c.sparkline },
      fontFamily: "inherit",
    },
    theme: { mode: c.dark ? "dark" : "light" },
    colors,
    series,
    stroke: { width: c.type === "bar" ? 0 : (c.sparkline ? 2 : 2), curve: c.stepped ? "stepline" : "straight" },
    fill: c.type === "area" ? { type: "solid", opacity: 0.25 } : { opacity: 1 },
    dataLabels: { enabled: false },
    markers: { size: 0 },
    legend: { show: !c.sparkline && series.length > 1, labels: { colors: p.fore } },
    grid: { borderColor: p.grid, strokeDashArray: 3 },
    xaxis: categories
      ? { type: "category", categories }
      : { type: "datetime", labels: { datetimeUTC: true } },
    yaxis: {
      min: yMinFor(c),
      max: c.yMax ?? undefined,
      forceNiceScale: c.yMin == null && c.yMax == null,
      labels: { formatter: format },
    },
    tooltip: { theme: c.dark ? "dark" : "light", x: { format: "dd MMM HH:mm" }, y: { formatter: format } },
    annotations: {
      yaxis: (c.thresholds ?? []).map(t => ({
        y: t.y,
        borderColor: p.tones[t.tone] ?? p.tones.neutral,
        strokeDashArray: 4,
        label: {
          text: t.label,
          borderColor: "transparent",
          position: "left",
          textAnchor: "start",
          style: { color: c.dark ? "#0F1117" : "#FFFFFF", background: p.tones[t.tone] ?? p.tones.neutral, fontSize: "10px" },
        },
      })),
      // Incidents (or any span): shaded from x to x2, behind the series. The label runs down the span's left edge:
      // ApexCharts anchors it at x, and a horizontal one would run off the chart for the newest (rightmost) incident.
      xaxis: [...(c.spans ?? []).map(s => ({
        x: s.x,
        x2: s.x2,
        fillColor: p.tones[s.tone] ?? p.tones.neutral,
        opacity: 0.12,
        borderColor: p.tones[s.tone] ?? p.tones.neutral,
        strokeDashArray: 0,
        label: {
          text: s.label,
          borderColor: "transparent",
          orientation: "vertical",
          position: "top",
          style: { color: c.dark ? "#0F1117" : "#FFFFFF", background: p.tones[s.tone] ?? p.tones.neutral, fontSize: "10px" },
        },
      })),
      // Rollout transitions (or any instant): a dashed vertical line, its label down the line like a span's, so that
      // a marker at the right edge stays inside the chart. Drawn after the spans, so a line inside an incident shows.
      ...(c.markers ?? []).map(m => ({
        x: m.x,
        borderColor: p.tones[m.tone] ?? p.tones.neutral,
        strokeDashArray: 3,
        label: {
          text: m.label,
          borderColor: "transparent",
          orientation: "vertical",
          position: "top",
          style: { color: c.dark ? "#0F1117" : "#FFFFFF", background: p.tones[m.tone] ?? p.tones.neutral, fontSize: "10px" },
        },
      }))],
    },
    noData: { text: "no data in this range", style: { color: p.fore } },
  };
}

// Everything but the data: when only the data changed, updateSeries is much cheaper than updateOptions.
function shapeOf(c) {
  return JSON.stringify({ ...c, series: (c.series ?? []).map(s => [s.name, s.color]) });
}

let apexLoading = null;

function loadApex() {
  if (typeof ApexCharts !== "undefined") {
    return Promise.resolve();
  }
  apexLoading ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = new URL("lib/apexcharts/apexcharts.min.js", document.baseURI).href;
    script.onload = () => resolve();
    script.onerror = () => { apexLoading = null; reject(new Error("ApexCharts could not be loaded")); };
    document.head.appendChild(script);
  });
  return apexLoading;
}

// render and update return at once: the circuit does not wait (and hold the call) while ApexCharts loads and
// draws, which on a busy wall screen can take seconds. The newest config per chart wins; a chart destroyed
// before it was drawn is simply dropped.
const waiting = new Map();

function draw(id, config) {
  const element = document.getElementById(id);
  if (!element) {
    return;
  }
  const entry = charts.get(id);
  if (!entry) {
    const chart = new ApexCharts(element, toOptions(config));
    charts.set(id, { chart, shape: shapeOf(config) });
    chart.render();
    return;
  }
  const shape = shapeOf(config);
  if (shape === entry.shape) {
    entry.chart.updateSeries(toOptions(config).series, false);
  } else {
    entry.shape = shape;
    entry.chart.updateOptions(toOptions(config), false, false, false);
  }
}

function schedule(id, config) {
  if (typeof ApexCharts !== "undefined") {
    draw(id, config);
    return;
  }
  waiting.set(id, config);
  loadApex().then(() => {
    for (const [waitingId, waitingConfig] of waiting) {
      waiting.delete(waitingId);
      draw(waitingId, waitingConfig);
    }
  }, error => console.error(error));
}

export function render(id, config) {
  destroy(id);
  schedule(id, config);
}

export function update(id, config) {
  schedule(id, config);
}

export function destroy(id) {
  waiting.delete(id);
  const entry = charts.get(id);
  if (entry) {
    charts.delete(id);
    entry.chart.destroy();
  }
}
