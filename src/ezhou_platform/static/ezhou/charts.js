/* Draws every chart of the page with the vendored Apache ECharts (static/vendor/echarts).
   Each chart is a .chart-canvas whose data-chart names a <script type="application/json"> holding its spec
   (ezhou_platform.common.charts); there is no chart code in the page, so the CSP can forbid inline scripts.
   Charts are redrawn when their box changes size, with a compact layout below 480 px. */
(function () {
  "use strict";
  var NARROW = 480;
  var charts = [];

  function fmt(unit) {
    return function (v) {
      if (v === null || v === undefined || v === "-") { return "—"; }
      return Number(v).toLocaleString("zh-CN") + (unit ? " " + unit : "");
    };
  }

  function longest(labels) {
    return labels.reduce(function (m, s) { return Math.max(m, String(s).length); }, 0);
  }

  function optionFor(spec, width) {
    var narrow = width < NARROW;
    var base = {
      aria: { enabled: true },
      animation: false,
      textStyle: { fontFamily: "inherit" },
      legend: { type: "scroll", bottom: 0, itemWidth: 14, itemHeight: 10 }
    };
    if (spec.kind === "treemap") {
      var colours = {};
      (spec.statuses || []).forEach(function (st) { colours[st.key] = st.color; });
      var paint = function (nodes) {
        return nodes.map(function (n) {
          var out = { name: n.name, value: n.value };
          if (n.status && colours[n.status]) { out.itemStyle = { color: colours[n.status] }; }
          if (n.children) { out.children = paint(n.children); }
          return out;
        });
      };
      base.tooltip = { trigger: "item", confine: true, valueFormatter: fmt(spec.unit) };
      base.series = [{
        type: "treemap",
        data: paint(spec.nodes),
        leafDepth: 2,
        roam: false,
        nodeClick: "zoomToNode",
        top: 8, left: 4, right: 4, bottom: 36,
        breadcrumb: { show: true, bottom: 4, height: narrow ? 18 : 22 },
        label: { show: true, fontSize: narrow ? 10 : 12, overflow: "truncate" },
        upperLabel: { show: true, height: narrow ? 18 : 22 },
        levels: [
          { itemStyle: { borderColor: "#555", borderWidth: 2, gapWidth: 2 } },
          { itemStyle: { borderColor: "#999", borderWidth: 1, gapWidth: 1 } },
          { itemStyle: { borderColor: "#fff", borderWidth: 1, gapWidth: 0 } }
        ]
      }];
      delete base.legend;
      return base;
    }
    if (spec.kind === "pie") {
      base.tooltip = { trigger: "item", valueFormatter: fmt(spec.unit) };
      base.series = [{
        type: "pie",
        radius: narrow ? ["30%", "58%"] : ["35%", "65%"],
        center: ["50%", "45%"],
        data: spec.items,
        label: { formatter: narrow ? "{d}%" : "{b}\n{d}%" },
        avoidLabelOverlap: true
      }];
      return base;
    }
    var cats = spec.categories;
    var rotate = narrow && cats.length * longest(cats) > 14 ? 40 : 0;
    var categoryAxis = {
      type: "category",
      data: cats,
      axisLabel: { interval: narrow ? "auto" : 0, rotate: spec.horizontal ? 0 : rotate, hideOverlap: true }
    };
    var valueAxes = [{ type: "value", name: spec.unit || "", nameTextStyle: { align: "left" } }];
    var twoAxes = spec.series.some(function (s) { return s.axis === 1; });
    if (twoAxes) { valueAxes.push({ type: "value", name: spec.unit2 || "", splitLine: { show: false } }); }
    base.tooltip = { trigger: "axis", axisPointer: { type: "shadow" }, confine: true };
    base.grid = { left: 8, right: narrow ? 8 : 16, top: 36, bottom: 36, containLabel: true };
    base.xAxis = spec.horizontal ? valueAxes : categoryAxis;
    base.yAxis = spec.horizontal ? categoryAxis : valueAxes;
    base.series = spec.series.map(function (s) {
      var out = {
        name: s.name,
        type: s.type,
        data: s.data,
        barMaxWidth: 36,
        emphasis: { focus: "series" },
        tooltip: { valueFormatter: fmt(s.axis === 1 ? spec.unit2 : spec.unit) }
      };
      if (s.stack) { out.stack = s.stack; }
      if (s.axis === 1) { out.yAxisIndex = 1; }
      if (s.type === "line") { out.connectNulls = false; out.symbolSize = narrow ? 4 : 6; }
      return out;
    });
    return base;
  }

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source || typeof echarts === "undefined") { return; }
    var spec = JSON.parse(source.textContent);
    el.style.height = (spec.height || 320) + "px";
    var chart = echarts.init(el, null, { renderer: "svg", locale: "ZH" });
    var entry = { el: el, chart: chart, spec: spec, narrow: null };
    charts.push(entry);
    render(entry);
  }

  function render(entry) {
    var width = entry.el.clientWidth;
    var narrow = width < NARROW;
    if (entry.narrow !== narrow) {
      entry.chart.setOption(optionFor(entry.spec, width), true);
      entry.narrow = narrow;
    }
    entry.chart.resize();
  }

  function start() {
    var nodes = document.querySelectorAll(".chart-canvas[data-chart]");
    for (var i = 0; i < nodes.length; i++) { draw(nodes[i]); }
    if (typeof ResizeObserver !== "undefined") {
      var ro = new ResizeObserver(function () { charts.forEach(render); });
      charts.forEach(function (c) { ro.observe(c.el); });
    } else {
      window.addEventListener("resize", function () { charts.forEach(render); });
    }
    window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.chart.resize(); }); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
