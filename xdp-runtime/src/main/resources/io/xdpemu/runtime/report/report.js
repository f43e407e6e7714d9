// report.html: draws the aggregated replay (the JSON in #report-data) with uPlot and fills the
// tables. Everything here works on arrays of at most a few hundred points: the Java side
// aggregated the packets already.
(function () {
  "use strict";
  const D = JSON.parse(document.getElementById("report-data").textContent);
  const S = D.summary;
  const main = document.getElementById("report");
  const status = document.getElementById("status");
  const COLORS = ["#7f7f7f", "#d62728", "#2ca02c", "#1f77b4", "#9467bd", "#ff7f0e", "#8c564b",
    "#e377c2", "#17becf", "#bcbd22"];
  const WIDTH = Math.max(480, Math.min(1100, (window.innerWidth || 1100) - 60));
  let charts = 0;
  window.addEventListener("error", e => {
    status.textContent = "error: " + e.message;
    status.setAttribute("data-error", e.message);
  });

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fmt(n) { return Number(n).toLocaleString("en-US"); }
  function section(title) { main.appendChild(el("h2", {}, title)); }
  function table(head, rows, id) {
    const t = el("table", id ? { id: id } : {});
    const tr = el("tr");
    head.forEach(h => tr.appendChild(el("th", {}, h)));
    t.appendChild(tr);
    rows.forEach(r => {
      const row = el("tr");
      r.forEach(c => {
        const td = typeof c === "object" && c !== null ? el("td", c.attrs || {}, c.text) : el("td", {}, c);
        row.appendChild(td);
      });
      t.appendChild(row);
    });
    main.appendChild(t);
    return t;
  }
  function num(id, n) { return { text: fmt(n), attrs: { id: id, "data-value": String(n) } }; }
  function plot(title, opts, data, parent) {
    const box = el("div", { class: "chart", "data-chart": title });
    (parent || main).appendChild(box);
    opts.title = title;
    opts.width = opts.width || WIDTH;
    opts.height = opts.height || 260;
    new uPlot(opts, data, box);
    charts++;
  }
  const sum = a => a.reduce((x, y) => x + y, 0);
  // Bars start at zero, whatever the smallest count.
  const zeroBased = (u, min, max) => [0, max > 0 ? max * 1.05 : 1];

  // Capture time in the unit that suits its span; where the firmware changed, red lines.
  const T = D.time;
  const span = T.bins * T.width_ns;
  const unit = span >= 2e9 ? [1e9, "s"] : span >= 2e6 ? [1e6, "ms"] : [1e3, "µs"];
  const xLabel = unit[1] + " into the capture";
  const swapTimes = D.firmware_changes.map(c => c.time_s * 1e9 / unit[0]);
  const swapHook = {
    draw: [u => {
      const ctx = u.ctx;
      ctx.save();
      ctx.strokeStyle = "#c00";
      ctx.setLineDash([6, 4]);
      ctx.lineWidth = 2;
      swapTimes.forEach(t => {
        const x = Math.round(u.valToPos(t, "x", true));
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
      });
      ctx.restore();
    }]
  };
  function bars(labels, series, title, stacked) {
    const xs = labels.map((_, i) => i);
    let data = series.map(s => s.values);
    if (stacked) { // cumulative sums drawn back to front: each visible band is one series
      data = data.map((_, i) => xs.map(x => sum(series.slice(i).map(s => s.values[x]))));
    }
    plot(title, {
      scales: { x: { time: false, range: [-0.6, labels.length - 0.4] }, y: { range: zeroBased } },
      axes: [{ values: (u, ticks) => ticks.map(t => labels[t] === undefined ? "" : labels[t]),
        splits: () => xs, gap: 4, rotate: labels.length > 8 ? -40 : 0, size: labels.length > 8 ? 70 : 40 },
        { size: 70 }],
      series: [{ label: "" }].concat(series.map((s, i) => ({
        label: s.label, fill: COLORS[(s.color === undefined ? i : s.color) % COLORS.length],
        stroke: COLORS[(s.color === undefined ? i : s.color) % COLORS.length],
        paths: uPlot.paths.bars({ size: [0.7, 60] }), points: { show: false } })))
    }, [xs].concat(data));
  }

  // Summary: summary.json's own numbers.
  section("Summary");
  main.appendChild(el("p", {}, S.program + " on " + S.nic + " — " + (S.captures || []).join(", ")));
  table(["", "packets", "bytes"],
    [["all", num("n-packets", S.packets), num("n-bytes", S.bytes)]].concat(
      D.actions.map(a => [a, num("n-" + a, S.verdicts[a]), num("b-" + a, S.verdict_bytes[a])])),
    "summary");
  table(["rx-queue", "packets", "bytes"],
    S.queues.map(q => [String(q.queue), num("q-" + q.queue, q.packets), num("qb-" + q.queue, q.bytes)]),
    "queues");
  if ((S.firmware_swaps || []).length) {
    table(["firmware swap before packet", "firmware", "outcome"], S.firmware_swaps.map(w =>
      [fmt(w.index), w.firmware, w.applied ? "applied" : "refused: " + w.reason]), "swaps");
  }

  // Over capture time.
  const xs = [];
  for (let b = 0; b < T.bins; b++) xs.push(b * T.width_ns / unit[0]);
  const perSec = 1e9 / T.width_ns;
  section("Over capture time");
  main.appendChild(el("p", { class: "note" }, T.bins + " bins of " + fmt(T.width_ns / 1000) +
    " µs" + (swapTimes.length ? "; the dashed red line: firmware swap" : "")));
  plot("XDP actions (packets/s)", {
    scales: { x: { time: false } }, axes: [{ label: xLabel }, { size: 80 }],
    series: [{ label: "s" }].concat(D.actions.map((a, i) => ({ label: a, stroke: COLORS[i], width: 1.5 }))),
    hooks: swapHook
  }, [xs].concat(T.actions.slice(0, D.actions.length).map(c => c.map(n => n * perSec))));
  plot("Throughput (Mbit/s)", {
    scales: { x: { time: false } }, axes: [{ label: xLabel }, { size: 80 }],
    series: [{ label: "s" }, { label: "Mbit/s", stroke: COLORS[3], fill: "rgba(31,119,180,.1)" }],
    hooks: swapHook
  }, [xs, T.actions[D.actions.length].map(n => n * 8 * perSec / 1e6)]);
  plot("Per RX queue (packets/s)", {
    scales: { x: { time: false } }, axes: [{ label: xLabel }, { size: 80 }],
    series: [{ label: "s" }].concat(T.queues.map((_, q) => ({ label: "queue " + q, stroke: COLORS[q % COLORS.length] }))),
    hooks: swapHook
  }, [xs].concat(T.queues.map(c => c.map(n => n * perSec))));
  // The charts' own totals, so that a reader (and the test) can see they add up to the summary.
  table(["charted totals", "packets"],
    D.actions.map((a, i) => [a, num("t-" + a, sum(T.actions[i]))]).concat(
      T.queues.map((c, q) => ["queue " + q, num("tq-" + q, sum(c))])), "charted");

  section("Packet sizes");
  bars(D.sizes.labels, [{ label: "packets", values: D.sizes.counts, color: 3 }], "Frame length (bytes)");
  table(["size", "packets"],
    D.sizes.labels.map((l, i) => [l, num("size-" + i, D.sizes.counts[i])]).concat(
      [["total", num("size-total", sum(D.sizes.counts))]]), "sizes");

  if (D.ptypes.length) {
    section("Verdicts by packet type");
    bars(D.ptypes.map(p => p.name), D.actions.map((a, i) => ({ label: a, values: D.ptypes.map(p => p.counts[i]), color: i })),
      "Packets per type and action", true);
    table(["packet type", "ptype"].concat(D.actions).concat(["total"]), D.ptypes.map(p =>
      [p.name, p.ptypes.map(v => "0x" + v.toString(16)).join(", ")].concat(p.counts.map(fmt))
        .concat([num("pt-" + p.name, sum(p.counts))])), "ptypes");
  }

  D.metadata.forEach(m => {
    section("Metadata fields: " + m.firmware + " (" + m.size + " bytes)");
    main.appendChild(el("p", { class: "note" }, "Exact values while a field takes at most 16; " +
      "otherwise by magnitude (2^k.. = values of k+1 bits). Union members count only the frames whose packet type selects them."));
    const grid = el("div", { class: "grid" });
    main.appendChild(grid);
    m.fields.forEach(f => {
      const xs2 = f.labels.map((_, i) => i);
      plot(f.name, {
        width: 340, height: 180, legend: { show: false },
        scales: { x: { time: false, range: [-0.6, Math.max(0.6, f.labels.length - 0.4)] }, y: { range: zeroBased } },
        axes: [{ values: (u, ticks) => ticks.map(t => f.labels[t] === undefined ? "" : f.labels[t]),
          splits: () => xs2, rotate: f.labels.length > 5 ? -40 : 0, size: f.labels.length > 5 ? 60 : 40 },
          { size: 60 }],
        series: [{}, { label: f.name, fill: COLORS[3], stroke: COLORS[3],
          paths: uPlot.paths.bars({ size: [0.7, 40] }), points: { show: false } }]
      }, [xs2, f.counts], grid);
    });
  });

  section("Verifier");
  table(["", "accepted", "insns processed", "max states/insn", "total states", "peak states",
    "time (µs)", "stack depth"], D.verifier.map((v, i) => [v.label, v.accepted ? "yes" : "no",
      num("v-insns-" + i, v.insn_processed), fmt(v.max_states_per_insn), fmt(v.total_states),
      fmt(v.peak_states), fmt(v.time_us), v.stack_depth]), "verifier");

  section("Maps at the end of the replay");
  Object.keys(D.maps).forEach(name => {
    const m = D.maps[name];
    main.appendChild(el("h3", {}, name + " (" + m.type + ", key " + m.key_size + " B, value " +
      m.value_size + " B, " + fmt(m.entries_total === undefined ? m.entries.length : m.entries_total) + " entries)"));
    const rows = m.entries.map(e => [
      { text: e.formatted && e.formatted.key !== undefined ? JSON.stringify(e.formatted.key) : e.key, attrs: { class: "text" } },
      { text: e.formatted ? JSON.stringify(e.formatted.value !== undefined ? e.formatted.value : e.formatted.values)
        : (e.value !== undefined ? e.value : JSON.stringify(e.values)), attrs: { class: "text" } }]);
    if (rows.length) table(["key", "value"], rows);
    if (m.entries_total !== undefined && m.entries_total > m.entries.length) {
      main.appendChild(el("p", { class: "note" }, "first " + m.entries.length + " shown; maps.json has them all"));
    }
  });

  status.textContent = "rendered " + charts + " charts";
  status.setAttribute("data-charts", String(charts));
})();
