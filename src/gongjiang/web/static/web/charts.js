/* Dashboard charts. Data comes from <script type="application/json"> blocks (Django json_script);
   each <div class="chart" data-chart="bar|hbar|pie" data-source="id" data-link="url?param=">
   becomes an ECharts chart. Clicking a bar opens the registry filtered to it, where a link is given. */
(function () {
  "use strict";

  var PALETTE = ["#b03a2e", "#1d5fa8", "#1f7a3f", "#c98a1a", "#6b4fa0", "#2b8a8a", "#a8553a", "#5b6b7a", "#d0675b", "#4a87c8"];

  function readData(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function optionFor(kind, data) {
    var base = { color: PALETTE, textStyle: { fontFamily: getComputedStyle(document.body).fontFamily }, tooltip: {} };
    if (kind === "pie") {
      base.tooltip = { trigger: "item", formatter: "{b}<br>{c}（{d}%）" };
      base.legend = { bottom: 0 };
      base.series = [{
        type: "pie", radius: ["45%", "70%"], avoidLabelOverlap: true, label: { formatter: "{b}\n{d}%" },
        data: data.labels.map(function (label, i) { return { name: label, value: data.values[i] }; })
      }];
      return base;
    }
    var horizontal = kind === "hbar";
    var categoryAxis = { type: "category", data: data.labels, axisTick: { alignWithLabel: true },
      axisLabel: horizontal ? { width: 130, overflow: "truncate" } : { interval: 0, rotate: data.labels.length > 6 ? 30 : 0 } };
    var valueAxis = { type: "value", minInterval: 1 };
    base.tooltip = { trigger: "axis", axisPointer: { type: "shadow" } };
    base.grid = { left: 8, right: 24, top: 16, bottom: 8, containLabel: true };
    base.xAxis = horizontal ? valueAxis : categoryAxis;
    base.yAxis = horizontal ? Object.assign({}, categoryAxis, { inverse: true }) : valueAxis;
    base.series = [{ type: "bar", data: data.values, barMaxWidth: 36, itemStyle: { borderRadius: horizontal ? [0, 4, 4, 0] : [4, 4, 0, 0] },
      label: { show: true, position: horizontal ? "right" : "top" } }];
    return base;
  }

  function render(node) {
    if (typeof window.echarts === "undefined") { return; }
    var data = readData(node.getAttribute("data-source"));
    if (!data || !data.values || !data.values.length) { return; }
    var chart = window.echarts.init(node, null, { renderer: "canvas" });
    chart.setOption(optionFor(node.getAttribute("data-chart"), data));
    var link = node.getAttribute("data-link");
    if (link && data.keys) {
      chart.on("click", function (params) {
        var key = data.keys[params.dataIndex];
        if (key) { window.location.href = link + encodeURIComponent(key); }
      });
    }
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll(".chart[data-chart]"), render);
  }

  if (document.readyState !== "loading") { start(); } else { document.addEventListener("DOMContentLoaded", start); }
})();
