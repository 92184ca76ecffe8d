// node build.js: writes ../../assets/vendor/plotly-article-<version>.min.js (see entry.js for what is in it).
// The esbuild options are those of plotly.js's own esbuild-config.js (iife, global Plotly, es2016), minified.
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');
const InlineCSSPlugin = require('esbuild-plugin-inline-css');
const { environmentPlugin } = require('esbuild-plugin-environment');

const version = require('plotly.js/package.json').version;
const vendor = path.join(__dirname, '..', '..', 'assets', 'vendor');
const outfile = path.join(vendor, `plotly-article-${version}.min.js`);
const banner = `/**
* plotly.js (article: core + heatmap - minified) v${version}
* Copyright 2012-2026, Plotly, Inc.
* All rights reserved.
* Licensed under the MIT license
* Built by scripts/plotly_bundle (npm ci && npm run build)
*/`;

esbuild
  .build({
    entryPoints: [path.join(__dirname, 'entry.js')],
    outfile,
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    banner: { js: banner },
    plugins: [InlineCSSPlugin(), environmentPlugin({ NODE_DEBUG: false })],
    alias: { stream: 'stream-browserify' },
    define: { global: 'window', 'define.amd': 'false' },
    target: 'es2016',
    logLevel: 'info',
  })
  .then(() => {
    for (const f of fs.readdirSync(vendor)) {
      if (/^plotly-.*\.min\.js$/.test(f) && path.join(vendor, f) !== outfile) fs.unlinkSync(path.join(vendor, f));
    }
  })
  .catch(() => process.exit(1));
