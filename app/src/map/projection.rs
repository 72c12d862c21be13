//! Statistics Canada's Lambert conformal conic, on a sphere: the projection the outline was
//! drawn in once (`scripts/map/project.mjs`), computed here to place the ports where they are.
//! The same formulas as d3-geo's `geoConicConformalRaw`, which the script used; the tests hold
//! this code to the points the script projected.

use std::f64::consts::FRAC_PI_4;

/// The sphere's radius: the map's units are kilometres.
pub const RADIUS_KM: f64 = 6371.0;
/// Standard parallels, degrees north.
pub const PARALLELS: (f64, f64) = (49.0, 77.0);
/// Latitude and longitude of the origin, degrees.
pub const ORIGIN: (f64, f64) = (63.390675, -91.866667);

fn tan_half(latitude: f64) -> f64 {
    (FRAC_PI_4 + latitude / 2.0).tan()
}

/// A place on the map: kilometres east (`x`) and south (`y`) of the origin, as SVG draws them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// The projection's constants, worked out once from its parallels and origin.
pub struct Lambert {
    n: f64,
    f: f64,
    rho_origin: f64,
}

impl Lambert {
    pub fn statistics_canada() -> Self {
        let (first, second) = (PARALLELS.0.to_radians(), PARALLELS.1.to_radians());
        let n = (first.cos() / second.cos()).ln() / (tan_half(second) / tan_half(first)).ln();
        let f = first.cos() * tan_half(first).powf(n) / n;
        let rho_origin = f / tan_half(ORIGIN.0.to_radians()).powf(n);
        Lambert { n, f, rho_origin }
    }

    /// Where a place (degrees of latitude and longitude) falls on the map.
    pub fn project(&self, latitude: f64, longitude: f64) -> Point {
        let lambda = (longitude - ORIGIN.1 + 540.0).rem_euclid(360.0) - 180.0;
        let rho = self.f / tan_half(latitude.to_radians()).powf(self.n);
        let theta = self.n * lambda.to_radians();
        Point {
            x: RADIUS_KM * rho * theta.sin(),
            y: RADIUS_KM * (rho * theta.cos() - self.rho_origin),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::outline::{REFERENCE_POINTS, VIEW_BOX};

    #[test]
    fn places_what_the_script_placed() {
        let lambert = Lambert::statistics_canada();
        assert!(REFERENCE_POINTS.len() >= 5);
        for (name, longitude, latitude, x, y) in REFERENCE_POINTS {
            let p = lambert.project(*latitude, *longitude);
            assert!(
                (p.x - x).abs() < 1e-3 && (p.y - y).abs() < 1e-3,
                "{name}: ({}, {}) here, ({x}, {y}) by the script",
                p.x,
                p.y
            );
        }
    }

    #[test]
    fn the_origin_is_the_centre_and_north_is_up() {
        let lambert = Lambert::statistics_canada();
        let origin = lambert.project(ORIGIN.0, ORIGIN.1);
        assert!(origin.x.abs() < 1e-9 && origin.y.abs() < 1e-9);
        let north = lambert.project(ORIGIN.0 + 1.0, ORIGIN.1);
        assert!(north.y < 0.0 && north.x.abs() < 1e-9);
        let east = lambert.project(ORIGIN.0, ORIGIN.1 + 1.0);
        assert!(east.x > 0.0);
        // A degree of latitude is about 111 km on the standard parallel.
        let (a, b) = (lambert.project(49.0, -90.0), lambert.project(50.0, -90.0));
        assert!(((a.y - b.y).hypot(a.x - b.x) - 111.2).abs() < 0.5);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn every_demo_port_falls_inside_the_drawing() {
        let lambert = Lambert::statistics_canada();
        let (x0, y0, w, h) = VIEW_BOX;
        for port in crate::demo::country::PORTS {
            let p = lambert.project(port.latitude, port.longitude);
            assert!(
                p.x > f64::from(x0)
                    && p.x < f64::from(x0 + w)
                    && p.y > f64::from(y0)
                    && p.y < f64::from(y0 + h),
                "{} at {p:?}",
                port.code
            );
        }
    }
}
