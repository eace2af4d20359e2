/* Medal table charts: <div class="chart" data-medal-chart data-source="id"> with a json_script
   block {labels: [...], series: [{name, key, values}]} becomes a stacked ECharts bar chart. */
(function () {
  "use strict";
  var COLOURS = { gold: "#d4a017", silver: "#9aa4ae", bronze: "#b8733a", excellence: "#1d5fa8" };

  function render(node) {
    if (typeof window.echarts === "undefined") { return; }
    var source = document.getElementById(node.getAttribute("data-source"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    if (!data.labels || !data.labels.length) { return; }
    var chart = window.echarts.init(node, null, { renderer: "canvas" });
    chart.setOption({
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { bottom: 0 },
      grid: { left: 8, right: 24, top: 16, bottom: 36, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: data.labels, inverse: true, axisLabel: { width: 140, overflow: "truncate" } },
      series: data.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "medals", data: s.values, barMaxWidth: 28,
          itemStyle: { color: COLOURS[s.key] }, emphasis: { focus: "series" } };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll(".chart[data-medal-chart]"), render);
  }
  if (document.readyState !== "loading") { start(); } else { document.addEventListener("DOMContentLoaded", start); }
})();
