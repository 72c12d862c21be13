//! Where each port's marker and code go on the map, in the map's kilometres. Ports closer than
//! a marker's width (Windsor's bridge and tunnel, Sarnia's, Montréal's airport and harbour) are
//! spread round their common centre, each with a leader line back to its true place; each
//! code is then put beside its marker where it covers no other code and no marker.

use super::projection::Point;

/// Half the width of a marker.
pub const MARKER_KM: f64 = 48.0;
/// The codes' font size; a three-letter code is about twice as wide as it is tall.
pub const LABEL_FONT_KM: f64 = 88.0;
const LABEL_WIDTH_KM: f64 = LABEL_FONT_KM * 2.5;
const LABEL_HEIGHT_KM: f64 = LABEL_FONT_KM * 1.2;
const GAP_KM: f64 = 10.0;

/// The ring round a marker that shows overdue work: wider as more work is overdue, up to a
/// point (a port with 400 late holds must not cover its neighbours).
pub fn overdue_ring(overdue: i64) -> Option<f64> {
    (overdue > 0).then(|| MARKER_KM + 12.0 + 4.0 * (overdue.min(100) as f64).sqrt())
}

/// How far a marker and its ring reach from its centre.
fn reach(overdue: i64) -> f64 {
    overdue_ring(overdue).unwrap_or(MARKER_KM)
}

/// One port to place: its true place and its overdue work.
#[derive(Debug, Clone, Copy)]
pub struct Place {
    pub at: Point,
    pub overdue: i64,
}

/// Where a port is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    /// The port's true place.
    pub at: Point,
    /// The marker's centre: the true place, or moved out of a cluster.
    pub marker: Point,
    /// The centre of the code's text.
    pub label: Point,
}

impl Placed {
    /// A marker moved from its place gets a line back to it.
    pub fn has_leader(&self) -> bool {
        (self.marker.x - self.at.x).hypot(self.marker.y - self.at.y) > 1.0
    }
}

#[derive(Debug, Clone, Copy)]
struct Box2 {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Box2 {
    fn around(c: Point, half_w: f64, half_h: f64) -> Self {
        Box2 {
            x0: c.x - half_w,
            y0: c.y - half_h,
            x1: c.x + half_w,
            y1: c.y + half_h,
        }
    }
    fn overlaps(&self, o: &Box2) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
}

/// Union–find over the ports' indexes.
struct Groups(Vec<usize>);

impl Groups {
    fn root(&mut self, mut i: usize) -> usize {
        while self.0[i] != i {
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }
    fn join(&mut self, i: usize, j: usize) -> bool {
        let (ri, rj) = (self.root(i), self.root(j));
        self.0[ri] = rj;
        ri != rj
    }
    fn members(&mut self) -> Vec<Vec<usize>> {
        let mut out: Vec<Vec<usize>> = vec![];
        let mut slot_of_root = std::collections::HashMap::new();
        for i in 0..self.0.len() {
            let r = self.root(i);
            let slot = *slot_of_root.entry(r).or_insert_with(|| {
                out.push(vec![]);
                out.len() - 1
            });
            out[slot].push(i);
        }
        out
    }
}

fn apart(a: Point, b: Point) -> f64 {
    (a.x - b.x).hypot(a.y - b.y)
}

/// The markers of one grouping: single ports where they are, the members of a group on a
/// circle round their centre, in the order they lie round it, far enough apart that their
/// rings do not touch.
fn spread(places: &[Place], groups: &mut Groups) -> Vec<Point> {
    let mut out: Vec<Point> = places.iter().map(|p| p.at).collect();
    for members in groups.members().into_iter().filter(|m| m.len() > 1) {
        let k = members.len() as f64;
        let centre = Point {
            x: members.iter().map(|&i| places[i].at.x).sum::<f64>() / k,
            y: members.iter().map(|&i| places[i].at.y).sum::<f64>() / k,
        };
        let widest = members
            .iter()
            .map(|&i| reach(places[i].overdue))
            .fold(0.0, f64::max);
        let radius = (widest + GAP_KM) / (std::f64::consts::PI / k).sin();
        let angle = |i: usize| (places[i].at.y - centre.y).atan2(places[i].at.x - centre.x);
        let mut around = members.clone();
        around.sort_by(|&a, &b| angle(a).total_cmp(&angle(b)));
        let start = angle(around[0]);
        for (n, &i) in around.iter().enumerate() {
            let a = start + std::f64::consts::TAU * n as f64 / k;
            out[i] = Point {
                x: centre.x + radius * a.cos(),
                y: centre.y + radius * a.sin(),
            };
        }
    }
    out
}

/// The markers: ports whose markers would touch are grouped and spread, and groups whose
/// spread markers touch another's are joined, until no two markers touch.
fn markers(places: &[Place]) -> Vec<Point> {
    let mut groups = Groups((0..places.len()).collect());
    let mut markers: Vec<Point> = places.iter().map(|p| p.at).collect();
    for _ in 0..places.len() {
        let mut joined = false;
        for i in 0..places.len() {
            for j in i + 1..places.len() {
                let room = reach(places[i].overdue) + reach(places[j].overdue) + GAP_KM;
                if apart(markers[i], markers[j]) < room {
                    joined |= groups.join(i, j);
                }
            }
        }
        if !joined {
            break;
        }
        markers = spread(places, &mut groups);
    }
    markers
}

/// The drawing's edges, in km: a code is never put outside them.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Bounds {
    fn holds(&self, b: &Box2) -> bool {
        b.x0 >= self.x0 && b.x1 <= self.x1 && b.y0 >= self.y0 && b.y1 <= self.y1
    }
}

/// Places every port's marker and code.
pub fn lay_out(places: &[Place], bounds: Bounds) -> Vec<Placed> {
    let markers = markers(places);
    let marker_boxes: Vec<Box2> = markers
        .iter()
        .zip(places)
        .map(|(m, p)| Box2::around(*m, reach(p.overdue), reach(p.overdue)))
        .collect();
    let (half_w, half_h) = (LABEL_WIDTH_KM / 2.0, LABEL_HEIGHT_KM / 2.0);
    let mut labels: Vec<Box2> = vec![];
    let mut out = vec![];
    for (i, (marker, place)) in markers.iter().zip(places).enumerate() {
        // First the side facing away from where the marker was moved from, then round the clock
        // from the right, then the same further out.
        let away = (marker.y - place.at.y).atan2(marker.x - place.at.x);
        let preferred = if markers[i] == place.at { 0.0 } else { away };
        let r = reach(place.overdue) + GAP_KM;
        let mut chosen = None;
        'search: for ring in 0..6 {
            for step in 0..16 {
                let a = preferred + std::f64::consts::TAU * f64::from(step) / 16.0;
                let (dx, dy) = (a.cos(), a.sin());
                let distance = r + f64::from(ring) * LABEL_HEIGHT_KM * 0.6;
                let centre = Point {
                    x: marker.x + dx * (distance + half_w * dx.abs()),
                    y: marker.y + dy * (distance + half_h * dy.abs()),
                };
                let b = Box2::around(centre, half_w, half_h);
                if bounds.holds(&b)
                    && labels.iter().all(|l| !l.overlaps(&b))
                    && marker_boxes.iter().all(|m| !m.overlaps(&b))
                {
                    chosen = Some((centre, b));
                    break 'search;
                }
            }
        }
        let (label, b) = chosen.unwrap_or_else(|| {
            let c = Point {
                x: marker.x + r + half_w,
                y: marker.y,
            };
            (c, Box2::around(c, half_w, half_h))
        });
        labels.push(b);
        out.push(Placed {
            at: place.at,
            marker: *marker,
            label,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "ssr")]
    fn demo(overdue: i64) -> Vec<Place> {
        let lambert = super::super::projection::Lambert::statistics_canada();
        crate::demo::country::PORTS
            .iter()
            .map(|p| Place {
                at: lambert.project(p.latitude, p.longitude),
                overdue,
            })
            .collect()
    }

    const WIDE: Bounds = Bounds {
        x0: -1e6,
        y0: -1e6,
        x1: 1e6,
        y1: 1e6,
    };

    #[cfg(feature = "ssr")]
    fn drawing() -> Bounds {
        let (x, y, w, h) = crate::map::outline::VIEW_BOX;
        Bounds {
            x0: f64::from(x),
            y0: f64::from(y),
            x1: f64::from(x + w),
            y1: f64::from(y + h),
        }
    }

    fn label_box(p: &Placed) -> Box2 {
        Box2::around(p.label, LABEL_WIDTH_KM / 2.0, LABEL_HEIGHT_KM / 2.0)
    }

    fn assert_readable(places: &[Place], bounds: Bounds) {
        let placed = lay_out(places, bounds);
        for (i, a) in placed.iter().enumerate() {
            let ra = reach(places[i].overdue);
            for (j, b) in placed.iter().enumerate().skip(i + 1) {
                let rb = reach(places[j].overdue);
                let d = (a.marker.x - b.marker.x).hypot(a.marker.y - b.marker.y);
                assert!(d >= ra + rb, "markers {i} and {j} overlap ({d} km apart)");
                assert!(
                    !label_box(a).overlaps(&label_box(b)),
                    "codes {i} and {j} overlap"
                );
            }
            assert!(
                bounds.holds(&label_box(a)),
                "code {i} is outside the drawing"
            );
            for (j, b) in placed.iter().enumerate() {
                let rb = reach(places[j].overdue);
                assert!(
                    !label_box(a).overlaps(&Box2::around(b.marker, rb, rb)),
                    "code {i} covers marker {j}"
                );
            }
            // Never far from home: a spread marker stays within a few widths of its place.
            let moved = apart(a.marker, a.at);
            assert!(moved < 5.0 * ra, "marker {i} moved {moved} km");
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_demo_ports_are_readable_with_and_without_overdue_work() {
        assert_readable(&demo(0), drawing());
        assert_readable(&demo(7), drawing());
        assert_readable(&demo(400), drawing());
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn windsor_and_montreal_are_spread_with_leader_lines() {
        let places = demo(0);
        let placed = lay_out(&places, drawing());
        let code_at = |code: &str| {
            crate::demo::country::PORTS
                .iter()
                .position(|p| p.code == code)
                .unwrap()
        };
        for code in ["AMB", "RWI", "BWB", "RSA", "YUL", "PMT", "YVR", "PVN"] {
            assert!(placed[code_at(code)].has_leader(), "{code} has no leader");
        }
        // A port alone stays where it is.
        let yyt = placed[code_at("YYT")];
        assert!(!yyt.has_leader());
        assert_eq!(yyt.marker, yyt.at);
    }

    #[test]
    fn ports_on_top_of_one_another_are_spread() {
        let at = Point { x: 0.0, y: 0.0 };
        let places = vec![Place { at, overdue: 0 }; 5];
        assert_readable(&places, WIDE);
    }

    #[test]
    fn the_ring_grows_with_overdue_work_up_to_a_point() {
        assert_eq!(overdue_ring(0), None);
        let one = overdue_ring(1).unwrap();
        let nine = overdue_ring(9).unwrap();
        assert!(one > MARKER_KM && nine > one);
        assert_eq!(overdue_ring(100), overdue_ring(5000));
    }
}
