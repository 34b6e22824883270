// The innovation map's drawing: cytoscape (vendored) over the page's JSON (#map-data).
// Colour by kind, size by links; a click shows the node's links in #map-detail.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var words = JSON.parse(document.getElementById("map-words").textContent);
  var unmet = new Set(data.unmet), unused = new Set(data.unused);
  var elements = data.nodes.map(function (n) {
    var classes = [n.kind];
    if (unmet.has(n.id)) classes.push("unmet");
    if (unused.has(n.id)) classes.push("unused");
    return {group: "nodes", classes: classes.join(" "),
            data: {id: n.id, label: n.label, kind: n.kind, community: n.community,
                   size: 14 + Math.round(60 * n.degree)}};
  }).concat(data.edges.map(function (e, i) {
    return {group: "edges", classes: e.kinds.join(" "),
            data: {id: "e" + i, source: e.source, target: e.target, kinds: e.kinds}};
  }));
  var cy = cytoscape({
    container: document.getElementById("map-canvas"),
    elements: elements,
    wheelSensitivity: 0.3,
    style: [
      {selector: "node", style: {
        "label": "data(label)", "width": "data(size)", "height": "data(size)",
        "font-size": 10, "text-valign": "bottom", "text-margin-y": 3, "color": "#243040",
        "text-max-width": 120, "text-wrap": "ellipsis", "min-zoomed-font-size": 7}},
      {selector: "node.Enterprise", style: {"background-color": "#1d4ed8", "shape": "round-rectangle"}},
      {selector: "node.Need", style: {"background-color": "#d97706", "shape": "diamond"}},
      {selector: "node.Expert", style: {"background-color": "#0b6e4f"}},
      {selector: "node.Institute", style: {"background-color": "#6d28d9", "shape": "hexagon"}},
      {selector: "node.unmet", style: {"border-width": 3, "border-color": "#dc2626"}},
      {selector: "node.unused", style: {"border-width": 3, "border-style": "dashed",
                                        "border-color": "#374151"}},
      {selector: "edge", style: {"width": 1.2, "line-color": "#b8c2cc", "curve-style": "haystack"}},
      {selector: "edge.can_serve", style: {"line-style": "dashed", "line-color": "#9ca3af"}},
      {selector: "edge.met", style: {"width": 2, "line-color": "#2563eb"}},
      {selector: "edge.signed", style: {"width": 3, "line-color": "#0b6e4f"}},
      {selector: "edge.collaborated_with", style: {"width": 2, "line-color": "#7c3aed"}},
      {selector: ".faded", style: {"opacity": 0.15}},
      {selector: "node:selected", style: {"border-width": 4, "border-color": "#111827"}}
    ],
    layout: {name: "cose", animate: false, randomize: false, nodeRepulsion: 9000,
             idealEdgeLength: 60, numIter: 1500, fit: true, padding: 20}
  });
  var detail = document.getElementById("map-detail");
  function show(node) {
    detail.textContent = "";
    var h = document.createElement("h3");
    h.textContent = node.data("label");
    var kind = document.createElement("p");
    kind.className = "sub";
    kind.textContent = words.kinds[node.data("kind")] + " · " + words.group + " " + node.data("community");
    var head = document.createElement("p");
    head.textContent = words.links + ":";
    var list = document.createElement("ul");
    node.connectedEdges().forEach(function (edge) {
      var other = edge.source().id() === node.id() ? edge.target() : edge.source();
      var li = document.createElement("li");
      li.textContent = other.data("label") + " — " + edge.data("kinds").map(function (k) {
        return words.edges[k] || k;
      }).join(", ");
      list.appendChild(li);
    });
    detail.append(h, kind, head, list);
  }
  cy.on("tap", "node", function (evt) {
    var node = evt.target;
    cy.elements().addClass("faded");
    node.closedNeighborhood().removeClass("faded");
    show(node);
  });
  cy.on("tap", function (evt) {
    if (evt.target === cy) cy.elements().removeClass("faded");
  });
  document.getElementById("map-canvas").dataset.drawn = String(cy.nodes().length);
  window.duijieMap = cy;
})();
