// redflags network page: draws the graph of ads and shared identifiers with the vendored
// cytoscape from the page's JSON data block (#graph-data).  Loaded as a file (CSP: no inline
// script).  The same links are a table on the page, so nothing depends on this script.
"use strict";
(function () {
  // risk-level colours of the UI (app.css --low .. --critical)
  var LEVEL = { low: "#2f6b3a", medium: "#7a5a00", high: "#a14a00", critical: "#a1262b" };

  function draw() {
    var box = document.getElementById("graph");
    var block = document.getElementById("graph-data");
    if (!box || !block || typeof window.cytoscape !== "function") return;
    var data = JSON.parse(block.textContent || "{}");
    var elements = [];
    (data.nodes || []).forEach(function (n) { elements.push({ group: "nodes", data: n }); });
    (data.edges || []).forEach(function (e) { elements.push({ group: "edges", data: e }); });
    var cy = window.cytoscape({
      container: box,
      elements: elements,
      // labels are drawn on the canvas as text (never parsed as HTML)
      style: [
        { selector: "node[type = 'ad']", style: {
          "shape": "ellipse", "width": 18, "height": 18, "label": "data(label)",
          "font-size": 9, "color": "#1d232b", "text-valign": "bottom", "text-margin-y": 3,
          "background-color": function (n) { return LEVEL[n.data("level")] || LEVEL.low; } } },
        { selector: "node[type = 'identifier']", style: {
          "shape": "round-rectangle", "width": 14, "height": 14, "label": "data(label)",
          "font-size": 8, "color": "#4f5a66", "background-color": "#ffffff",
          "border-width": 2, "border-color": "#1f5f99", "text-valign": "top",
          "text-margin-y": -3 } },
        { selector: "edge", style: { "width": 1, "line-color": "#8a96a3", "curve-style": "haystack" } },
        { selector: ":selected", style: { "border-width": 3, "border-color": "#b35900" } }
      ],
      layout: { name: elements.length > 400 ? "concentric" : "cose", animate: false,
                randomize: false, nodeDimensionsIncludeLabels: true, padding: 20 },
      minZoom: 0.2, maxZoom: 3, wheelSensitivity: 0.3
    });
    cy.on("tap", "node[type = 'ad']", function (ev) {
      var href = ev.target.data("href");
      if (href && href.charAt(0) === "/" && href.charAt(1) !== "/") window.location.href = href;
    });
    // for tests and for people: what was drawn
    box.setAttribute("data-nodes", String(cy.nodes().length));
    box.setAttribute("data-edges", String(cy.edges().length));
    box.setAttribute("data-rendered", "true");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
