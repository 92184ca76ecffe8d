// The article's plotly.js: the core (scatter traces, axes, shapes, annotations, layout images, hover, modebar)
// plus heatmap, the only other trace type its figures use (tests/test_fig_hero.py checks this against every
// figure the page draws).  The published "cartesian" bundle adds bar, box, histogram*, contour, violin, pie,
// scatterternary and world calendars: ~0.3 s more script evaluation on a 2-core machine, for nothing drawn.
'use strict';
var Plotly = require('plotly.js/lib/core');
Plotly.register([require('plotly.js/lib/heatmap')]);
module.exports = Plotly;
