/* policykg pages: graph drawing and search. Text from documents is only ever
   placed with textContent or as vis-network's plain-text tooltips, never as
   HTML, so markup in a name shows as the characters it is made of. */
"use strict";
(function () {
  function readData(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function legend(el, items) {
    if (!el) return;
    items.forEach(function (item) {
      var span = document.createElement("span");
      var sw = document.createElement("span");
      sw.className = "swatch";
      sw.style.background = item.color;
      span.appendChild(sw);
      span.appendChild(document.createTextNode(item.label + " (" + item.count + ")"));
      el.appendChild(span);
    });
  }

  function drawGraph(containerId, data) {
    var container = document.getElementById(containerId);
    var state = { network: null, nodes: null, edges: null, drawn: false, stabilized: false, count: data.nodes.length };
    window.policykg = state;
    if (!container || typeof vis === "undefined") return state;
    state.nodes = new vis.DataSet(data.nodes);
    state.edges = new vis.DataSet(data.edges);
    var network = new vis.Network(container, { nodes: state.nodes, edges: state.edges }, data.options);
    state.network = network;
    network.once("afterDrawing", function () {
      state.drawn = true;
      state.drawnMs = performance.now();  // since navigation start: what a reader waits
    });
    if (data.options.physics && data.options.physics.enabled !== false) {
      network.once("stabilizationIterationsDone", function () {
        state.stabilized = true;
        network.setOptions({ physics: false });
      });
    } else {
      state.stabilized = true;
    }
    network.on("doubleClick", function (params) {
      if (params.nodes.length) {
        var node = state.nodes.get(params.nodes[0]);
        if (node && node.href) window.location.href = node.href;
      }
    });
    return state;
  }

  function search(inputId, listId, index) {
    var input = document.getElementById(inputId);
    var list = document.getElementById(listId);
    if (!input || !list) return;
    function render() {
      var q = input.value.trim();
      list.textContent = "";
      if (!q) return;
      var hits = index.filter(function (e) { return e.name.indexOf(q) >= 0 || (e.aliases || []).some(function (a) { return a.indexOf(q) >= 0; }); });
      hits.slice(0, 50).forEach(function (e) {
        var li = document.createElement("li");
        var a = document.createElement(e.href ? "a" : "span");
        if (e.href) a.setAttribute("href", e.href);
        a.textContent = e.name;
        li.appendChild(a);
        var t = document.createElement("span");
        t.className = "type";
        t.textContent = " " + e.type + " · " + e.documents + " 文件";
        li.appendChild(t);
        list.appendChild(li);
      });
      var n = document.getElementById(listId + "-count");
      if (n) n.textContent = hits.length + " 个结果";
    }
    input.addEventListener("input", render);
    render();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var page = readData("policykg-data");
    if (!page) return;
    legend(document.getElementById("legend"), page.legend || []);
    if (page.graph) drawGraph("graph", page.graph);
    if (page.search) search("search", "results", page.search);
  });
})();
