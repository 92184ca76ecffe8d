// node build.js: writes ../../assets/vendor/plotly-article-<version>.min.js (see entry.js for what is in it).
// The esbuild options are those of plotly.js's own esbuild-config.js (iife, global Plotly, es2016), minified.
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');
const crypto = require('crypto');
const { environmentPlugin } = require('esbuild-plugin-environment');

const version = require('plotly.js/package.json').version;

// A style sheet a module imports becomes a script that adds it to the page once, as plotly.js's own build does
// (esbuild-plugin-inline-css), but with the <style> id taken from the file's path inside this folder, not from the
// absolute path, so that the bundle is the same byte for byte wherever the checkout lies.
const inlineCss = {
  name: 'inline-css',
  setup(build) {
    build.onLoad({ filter: /\.css$/ }, (args) => {
      const css = fs.readFileSync(args.path, 'utf8');
      const id = crypto.createHash('sha256').update(path.relative(__dirname, args.path).split(path.sep).join('/')).digest('hex');
      const contents = `(function(){if(!document.getElementById(${JSON.stringify(id)})){var e=document.createElement('style');` +
        `e.id=${JSON.stringify(id)};e.textContent=${JSON.stringify(css)};document.head.appendChild(e);}})();`;
      return { contents, loader: 'js' };
    });
  },
};
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
    plugins: [inlineCss, environmentPlugin({ NODE_DEBUG: false })],
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
