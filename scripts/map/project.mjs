// Projects Natural Earth's outline of Canada (and, for context, the coasts of its neighbours)
// once into SVG path data, and writes it as Rust to app/src/map/outline.rs.
//
//   cd scripts/map && npm ci && node project.mjs           # writes app/src/map/outline.rs
//   cd scripts/map && npm ci && node project.mjs --check   # fails if the committed file differs
//
// The projection is Statistics Canada's Lambert conformal conic (standard parallels 49° and
// 77° N, origin 63.390675° N 91.866667° W), on a sphere of 6,371 km: x east and y south of the
// origin, in kilometres, as SVG draws them. d3-geo's geoConicConformalRaw computes it here;
// app/src/map/projection.rs computes the same in Rust to place the ports, and its tests check
// it against the reference points this script writes into the same file.
//
// Data: world-atlas 2 (ISC), a redistribution of Natural Earth 4.1.0's admin-0 countries at
// 1:50m (public domain). Natural Earth draws no provinces at this scale in world-atlas, so the
// map shows the country and its neighbours' coasts.

import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { geoConicConformalRaw } from "d3-geo";
import { feature } from "topojson-client";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const atlasPath = require.resolve("world-atlas/countries-50m.json");
const atlasVersion = JSON.parse(
  readFileSync(join(dirname(atlasPath), "package.json"), "utf8"),
).version;
const target = join(here, "../../app/src/map/outline.rs");

const RADIUS_KM = 6371;
const PARALLELS = [49, 77];
const ORIGIN = { lat: 63.390675, lon: -91.866667 };
// Douglas–Peucker tolerance and the smallest island kept, in km and km².
const TOLERANCE_KM = 3;
const SMALLEST_ISLAND_KM2 = 400;
// Room around Canada's outline, in km, inside which the neighbours are drawn.
const MARGIN_KM = 120;

const rad = Math.PI / 180;
const raw = geoConicConformalRaw(PARALLELS[0] * rad, PARALLELS[1] * rad);
const originY = raw(0, ORIGIN.lat * rad)[1];

/** [lon, lat] in degrees → [x, y] in km (x east, y south of the origin). */
function project([lon, lat]) {
  let lambda = lon - ORIGIN.lon;
  if (lambda > 180) lambda -= 360;
  if (lambda < -180) lambda += 360;
  const [x, y] = raw(lambda * rad, lat * rad);
  return [x * RADIUS_KM, -(y - originY) * RADIUS_KM];
}

function area(ring) {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    a += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  }
  return Math.abs(a / 2);
}

function simplify(points, tolerance) {
  if (points.length < 3) return points;
  const keep = new Uint8Array(points.length);
  keep[0] = keep[points.length - 1] = 1;
  const stack = [[0, points.length - 1]];
  while (stack.length) {
    const [first, last] = stack.pop();
    const [ax, ay] = points[first];
    const [bx, by] = points[last];
    const dx = bx - ax;
    const dy = by - ay;
    const len = Math.hypot(dx, dy);
    let worst = -1;
    let index = -1;
    for (let i = first + 1; i < last; i++) {
      const [px, py] = points[i];
      const d = len === 0 ? Math.hypot(px - ax, py - ay) : Math.abs(dy * px - dx * py + bx * ay - by * ax) / len;
      if (d > worst) {
        worst = d;
        index = i;
      }
    }
    if (worst > tolerance) {
      keep[index] = 1;
      stack.push([first, index], [index, last]);
    }
  }
  return points.filter((_, i) => keep[i]);
}

/** Sutherland–Hodgman: the part of a ring inside an axis-aligned box. */
function clip(ring, box) {
  const edges = [
    [(p) => p[0] >= box.x0, (a, b) => at(a, b, 0, box.x0)],
    [(p) => p[0] <= box.x1, (a, b) => at(a, b, 0, box.x1)],
    [(p) => p[1] >= box.y0, (a, b) => at(a, b, 1, box.y0)],
    [(p) => p[1] <= box.y1, (a, b) => at(a, b, 1, box.y1)],
  ];
  function at(a, b, axis, value) {
    const t = (value - a[axis]) / (b[axis] - a[axis]);
    return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
  }
  let out = ring;
  for (const [inside, cross] of edges) {
    const input = out;
    out = [];
    for (let i = 0; i < input.length; i++) {
      const current = input[i];
      const previous = input[(i + input.length - 1) % input.length];
      if (inside(current)) {
        if (!inside(previous)) out.push(cross(previous, current));
        out.push(current);
      } else if (inside(previous)) {
        out.push(cross(previous, current));
      }
    }
    if (!out.length) break;
  }
  return out;
}

function rings(geometry) {
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  return polygons.flat();
}

/** Rings projected and simplified, the small islands and the far side of 180° left out. */
function outline(geometry) {
  return rings(geometry)
    .filter((ring) => ring.every(([lon]) => lon <= 0))
    .map((ring) => ring.map(project))
    .filter((ring) => area(ring) >= SMALLEST_ISLAND_KM2)
    .map((ring) => simplify(ring.slice(0, -1), TOLERANCE_KM))
    .filter((ring) => ring.length >= 3);
}

/** SVG path data in whole kilometres, relative moves, closed rings. */
function pathData(ringsOut) {
  const parts = [];
  for (const ring of ringsOut) {
    const points = ring.map(([x, y]) => [Math.round(x), Math.round(y)]);
    let [px, py] = points[0];
    let d = `M${px} ${py}`;
    let line = "";
    for (const [x, y] of points.slice(1)) {
      if (x === px && y === py) continue;
      line += `${line ? " " : "l"}${x - px} ${y - py}`;
      [px, py] = [x, y];
    }
    parts.push(`${d}${line}z`);
  }
  return parts.join("");
}

const atlas = JSON.parse(readFileSync(atlasPath, "utf8"));
const countries = feature(atlas, atlas.objects.countries).features;
const byName = (name) => countries.find((c) => c.properties.name === name);

const canada = outline(byName("Canada").geometry);
const points = canada.flat();
const box = {
  x0: Math.floor(Math.min(...points.map((p) => p[0])) - MARGIN_KM),
  x1: Math.ceil(Math.max(...points.map((p) => p[0])) + MARGIN_KM),
  y0: Math.floor(Math.min(...points.map((p) => p[1])) - MARGIN_KM),
  y1: Math.ceil(Math.max(...points.map((p) => p[1])) + MARGIN_KM),
};
const neighbours = ["United States of America", "Greenland"]
  .flatMap((name) => outline(byName(name).geometry))
  .map((ring) => clip(ring, box))
  .filter((ring) => ring.length >= 3);

// Places whose projection the Rust side must reproduce (degrees → km).
const references = [
  ["the origin", ORIGIN.lon, ORIGIN.lat],
  ["Ottawa", -75.6972, 45.4215],
  ["Victoria", -123.3656, 48.4284],
  ["St. John's", -52.7126, 47.5615],
  ["Alert", -62.3481, 82.5018],
  ["Windsor", -83.0364, 42.3149],
  ["Whitehorse", -135.0568, 60.7212],
  ["Point Pelee", -82.5101, 41.9081],
].map(([name, lon, lat]) => {
  const [x, y] = project([lon, lat]);
  return { name, lon, lat, x, y };
});

const rust = `//! The outline of Canada and its neighbours' coasts, projected once by
//! \`scripts/map/project.mjs\` (regenerate with \`cd scripts/map && npm ci && node project.mjs\`;
//! \`node project.mjs --check\` says whether this file is current). Do not edit by hand.
//!
//! Data: Natural Earth 4.1.0, admin-0 countries at 1:50m (public domain), through the npm
//! package world-atlas ${atlasVersion} (ISC licence, Copyright 2013-2019 Michael Bostock).
//! Projection: Lambert conformal conic, standard parallels ${PARALLELS[0]}° and ${PARALLELS[1]}° N,
//! origin ${ORIGIN.lat}° N ${-ORIGIN.lon}° W, sphere of ${RADIUS_KM} km; x east and y south of
//! the origin in km. Simplified to ${TOLERANCE_KM} km, islands under ${SMALLEST_ISLAND_KM2} km² left out.

/// The drawing's box: x, y, width, height in km.
pub const VIEW_BOX: (i32, i32, i32, i32) = (${box.x0}, ${box.y0}, ${box.x1 - box.x0}, ${box.y1 - box.y0});

/// Canada, as SVG path data.
pub const CANADA: &str = "${pathData(canada)}";

/// The United States and Greenland inside the box, as SVG path data.
pub const NEIGHBOURS: &str = "${pathData(neighbours)}";

/// Places projected by the script: name, longitude, latitude (degrees), x, y (km).
pub const REFERENCE_POINTS: &[(&str, f64, f64, f64, f64)] = &[
${references.map((r) => `    (${JSON.stringify(r.name)}, ${r.lon}, ${r.lat}, ${r.x.toFixed(6)}, ${r.y.toFixed(6)}),`).join("\n")}
];
`;

if (process.argv.includes("--check")) {
  const committed = readFileSync(target, "utf8");
  if (committed !== rust) {
    console.error(`${target} is not what the script makes: run node project.mjs`);
    process.exit(1);
  }
  console.log(`${target} is current`);
} else {
  writeFileSync(target, rust);
  for (const r of references) console.log(`${r.name}: (${r.lon}, ${r.lat}) -> x=${r.x.toFixed(6)} y=${r.y.toFixed(6)} km`);
  console.log(`wrote ${target}: ${Buffer.byteLength(rust)} bytes, viewBox ${JSON.stringify(box)}`);
}
