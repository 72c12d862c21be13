//! The demo country: real Canadian ports of entry (codes are the board's own short codes),
//! and fictional carriers' traffic, traders and officers with believable shapes.

use crate::domain::{HoldReason, InspectionKind, Mode};

pub struct PortSpec {
    pub code: &'static str,
    pub name: &'static str,
    pub kind: Mode,
    pub province: &'static str,
    pub time_zone: &'static str,
    pub hours: &'static str,
    pub lanes: i64,
    /// Share of its mode's traffic.
    pub weight: u32,
    pub officers: usize,
    /// Where the crossing or the airport is, in degrees (WGS 84), set by `at`.
    pub latitude: f64,
    pub longitude: f64,
}

// One row of the port table below; positional so the table reads as a table.
#[allow(clippy::too_many_arguments)]
const fn port(
    code: &'static str,
    name: &'static str,
    kind: Mode,
    province: &'static str,
    time_zone: &'static str,
    hours: &'static str,
    lanes: i64,
    weight: u32,
    officers: usize,
) -> PortSpec {
    PortSpec {
        code,
        name,
        kind,
        province,
        time_zone,
        hours,
        lanes,
        weight,
        officers,
        latitude: f64::NAN,
        longitude: f64::NAN,
    }
}

impl PortSpec {
    /// The port's place: the crossing itself, or the airport.
    const fn at(self, latitude: f64, longitude: f64) -> PortSpec {
        PortSpec {
            latitude,
            longitude,
            ..self
        }
    }
}

const VAN: &str = "America/Vancouver";
const EDM: &str = "America/Edmonton";
const WPG: &str = "America/Winnipeg";
const TOR: &str = "America/Toronto";
const HFX: &str = "America/Halifax";
const NFL: &str = "America/St_Johns";
const ALL_DAY: &str = "24/7";

pub const PORTS: &[PortSpec] = &[
    port(
        "YYZ",
        "Toronto Pearson — cargo",
        Mode::Air,
        "ON",
        TOR,
        ALL_DAY,
        12,
        30,
        24,
    )
    .at(43.6777, -79.6248),
    port(
        "YVR",
        "Vancouver International — cargo",
        Mode::Air,
        "BC",
        VAN,
        ALL_DAY,
        10,
        22,
        20,
    )
    .at(49.1947, -123.1792),
    port(
        "YUL",
        "Montréal–Trudeau — cargo",
        Mode::Air,
        "QC",
        TOR,
        ALL_DAY,
        8,
        14,
        16,
    )
    .at(45.4706, -73.7408),
    port(
        "YYC",
        "Calgary International — cargo",
        Mode::Air,
        "AB",
        EDM,
        ALL_DAY,
        6,
        10,
        12,
    )
    .at(51.1315, -114.0106),
    port(
        "YEG",
        "Edmonton International — cargo",
        Mode::Air,
        "AB",
        EDM,
        ALL_DAY,
        5,
        7,
        9,
    )
    .at(53.3097, -113.5797),
    port(
        "YWG",
        "Winnipeg Richardson — cargo",
        Mode::Air,
        "MB",
        WPG,
        ALL_DAY,
        5,
        7,
        9,
    )
    .at(49.9100, -97.2399),
    port(
        "YHZ",
        "Halifax Stanfield — cargo",
        Mode::Air,
        "NS",
        HFX,
        ALL_DAY,
        4,
        6,
        8,
    )
    .at(44.8808, -63.5086),
    port(
        "YYT",
        "St. John's International — cargo",
        Mode::Air,
        "NL",
        NFL,
        "06:00–24:00",
        2,
        2,
        5,
    )
    .at(47.6186, -52.7519),
    port(
        "AMB",
        "Ambassador Bridge (Windsor)",
        Mode::Land,
        "ON",
        TOR,
        ALL_DAY,
        14,
        30,
        26,
    )
    .at(42.3118, -83.0741),
    port(
        "BWB",
        "Blue Water Bridge (Sarnia)",
        Mode::Land,
        "ON",
        TOR,
        ALL_DAY,
        10,
        15,
        16,
    )
    .at(42.9987, -82.4232),
    port(
        "PEA",
        "Peace Bridge (Fort Erie)",
        Mode::Land,
        "ON",
        TOR,
        ALL_DAY,
        10,
        13,
        14,
    )
    .at(42.9065, -78.9048),
    port(
        "PAC",
        "Pacific Highway (Surrey)",
        Mode::Land,
        "BC",
        VAN,
        ALL_DAY,
        10,
        14,
        15,
    )
    .at(49.0036, -122.7348),
    port(
        "LAC",
        "Lacolle (Saint-Bernard-de-Lacolle)",
        Mode::Land,
        "QC",
        TOR,
        ALL_DAY,
        10,
        12,
        14,
    )
    .at(45.0065, -73.4522),
    port("EMR", "Emerson", Mode::Land, "MB", WPG, ALL_DAY, 6, 8, 9).at(49.0005, -97.2375),
    port("CTS", "Coutts", Mode::Land, "AB", EDM, ALL_DAY, 6, 8, 9).at(49.0008, -111.9605),
    port(
        "PVN",
        "Port of Vancouver",
        Mode::Marine,
        "BC",
        VAN,
        ALL_DAY,
        8,
        40,
        18,
    )
    .at(49.2877, -123.0903),
    port(
        "PMT",
        "Port of Montréal",
        Mode::Marine,
        "QC",
        TOR,
        ALL_DAY,
        6,
        25,
        14,
    )
    .at(45.5565, -73.5293),
    port(
        "PHF",
        "Port of Halifax",
        Mode::Marine,
        "NS",
        HFX,
        ALL_DAY,
        4,
        15,
        10,
    )
    .at(44.6330, -63.5640),
    port(
        "PPR",
        "Port of Prince Rupert",
        Mode::Marine,
        "BC",
        VAN,
        ALL_DAY,
        3,
        10,
        7,
    )
    .at(54.2970, -130.3550),
    port(
        "RSA",
        "Sarnia rail tunnel (St. Clair)",
        Mode::Rail,
        "ON",
        TOR,
        ALL_DAY,
        2,
        60,
        6,
    )
    .at(42.9590, -82.4100),
    port(
        "RWI",
        "Windsor rail (Detroit River tunnel)",
        Mode::Rail,
        "ON",
        TOR,
        ALL_DAY,
        2,
        40,
        5,
    )
    .at(42.3180, -83.0520),
];

/// The name CBSA's border wait times file gives each crossing's office (`ports.cbsa_office`),
/// by which an import of that file finds the port. Only land crossings are in that file.
pub const CBSA_OFFICES: &[(&str, &str)] = &[
    ("AMB", "Ambassador Bridge"),
    ("BWB", "Blue Water Bridge"),
    ("PEA", "Peace Bridge"),
    ("PAC", "Pacific Highway"),
    ("LAC", "St-Bernard-de-Lacolle"),
];

/// The office CBSA's wait times file names for a port, if it lists the port.
pub fn cbsa_office(code: &str) -> Option<&'static str> {
    CBSA_OFFICES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, office)| *office)
}

/// Share of shipments per mode, in percent: air cargo dominates.
pub const MODE_SHARE: &[(Mode, u32)] = &[
    (Mode::Air, 58),
    (Mode::Land, 28),
    (Mode::Marine, 11),
    (Mode::Rail, 3),
];

pub struct Airline {
    pub prefix: u16,
    pub name: &'static str,
    pub flight_code: &'static str,
}

pub const AIRLINES: &[Airline] = &[
    Airline {
        prefix: 14,
        name: "Air Canada Cargo",
        flight_code: "AC",
    },
    Airline {
        prefix: 489,
        name: "Cargojet",
        flight_code: "W8",
    },
    Airline {
        prefix: 838,
        name: "WestJet Cargo",
        flight_code: "WS",
    },
    Airline {
        prefix: 20,
        name: "Lufthansa Cargo",
        flight_code: "LH",
    },
    Airline {
        prefix: 160,
        name: "Cathay Cargo",
        flight_code: "CX",
    },
    Airline {
        prefix: 180,
        name: "Korean Air Cargo",
        flight_code: "KE",
    },
    Airline {
        prefix: 176,
        name: "Emirates SkyCargo",
        flight_code: "EK",
    },
    Airline {
        prefix: 57,
        name: "Air France Cargo",
        flight_code: "AF",
    },
    Airline {
        prefix: 784,
        name: "China Southern Cargo",
        flight_code: "CZ",
    },
    Airline {
        prefix: 157,
        name: "Qatar Airways Cargo",
        flight_code: "QR",
    },
    Airline {
        prefix: 235,
        name: "Turkish Cargo",
        flight_code: "TK",
    },
    Airline {
        prefix: 23,
        name: "FedEx Express",
        flight_code: "FX",
    },
    Airline {
        prefix: 406,
        name: "UPS Airlines",
        flight_code: "5X",
    },
];

/// Origin country and a gateway (airport or seaport) there.
pub const AIR_ORIGINS: &[(&str, &str)] = &[
    ("CN", "PVG"),
    ("CN", "CAN"),
    ("HK", "HKG"),
    ("KR", "ICN"),
    ("JP", "NRT"),
    ("DE", "FRA"),
    ("FR", "CDG"),
    ("GB", "LHR"),
    ("NL", "AMS"),
    ("AE", "DXB"),
    ("TR", "IST"),
    ("IN", "BOM"),
    ("MX", "MEX"),
    ("US", "ORD"),
    ("US", "LAX"),
    ("CO", "BOG"),
    ("VN", "SGN"),
    ("TH", "BKK"),
];
pub const AIR_TRANSITS: &[&str] = &["ANC", "DXB", "IST", "FRA", "ICN", "LEJ"];
pub const SEA_ORIGINS: &[(&str, &str)] = &[
    ("CN", "Shanghai"),
    ("CN", "Ningbo"),
    ("KR", "Busan"),
    ("JP", "Yokohama"),
    ("SG", "Singapore"),
    ("VN", "Hai Phong"),
    ("DE", "Hamburg"),
    ("BE", "Antwerp"),
    ("NL", "Rotterdam"),
    ("IN", "Nhava Sheva"),
    ("BR", "Santos"),
    ("MA", "Tanger Med"),
];
pub const SEA_CARRIERS: &[(&str, &str)] = &[
    ("MSCU", "MSC"),
    ("MAEU", "Maersk"),
    ("CMDU", "CMA CGM"),
    ("HLCU", "Hapag-Lloyd"),
    ("ONEY", "ONE"),
    ("COSU", "COSCO"),
    ("EGLV", "Evergreen"),
];
pub const LAND_ORIGINS: &[(&str, &str)] = &[
    ("US", "Detroit, MI"),
    ("US", "Chicago, IL"),
    ("US", "Buffalo, NY"),
    ("US", "Seattle, WA"),
    ("US", "Plattsburgh, NY"),
    ("US", "Fargo, ND"),
    ("US", "Great Falls, MT"),
    ("US", "Laredo, TX"),
    ("MX", "Monterrey"),
];
pub const TRUCKING: &[(&str, &str)] = &[
    ("8TRN", "Northway Freight"),
    ("2KQL", "Lakeshore Transport"),
    ("9CAS", "Cascade Carriers"),
    ("4BRN", "Borealis Trucking"),
    ("7FLX", "Frontier Logistics"),
];
pub const RAIL: &[(&str, &str)] = &[("CNRU", "CN Rail"), ("CPKC", "CPKC")];

pub struct Commodity {
    pub hs_code: &'static str,
    pub description: &'static str,
    /// Declared value per kilogram, in cents, low and high.
    pub value_per_kg: (i64, i64),
    pub weight_kg: (f64, f64),
    /// Extra chance, in per mille, that a shipment of this commodity is held.
    pub risk: u32,
    pub modes: &'static [Mode],
    /// Sold under trademarks that counterfeiters copy: only such goods are held as suspected
    /// counterfeits (no frozen shrimp or scrap metal on an intellectual property hold).
    pub marked: bool,
}

const A: &[Mode] = &[Mode::Air];
const AL: &[Mode] = &[Mode::Air, Mode::Land];
const LMR: &[Mode] = &[Mode::Land, Mode::Marine, Mode::Rail];
const ALM: &[Mode] = &[Mode::Air, Mode::Land, Mode::Marine];
const ALL: &[Mode] = &[Mode::Air, Mode::Land, Mode::Marine, Mode::Rail];

/// The brands some goods are declared under, by HS code: one in each list is registered in the
/// demo's requests for assistance (the toys' request has expired), the other is not.
pub const BRANDS: &[(&str, &[&str])] = &[
    ("640399", &["LAURENTIDE", "Kodiak Step"]),
    ("420221", &["BEAULIEU", "Atelier Roux"]),
    ("910221", &["VALMONT", "Helvetia Time"]),
    ("950300", &["NORTHERN BRICKS", "Playvale"]),
    ("851713", &["Aurora", "Nimbus"]),
];

pub const COMMODITIES: &[Commodity] = &[
    Commodity {
        hs_code: "851713",
        description: "Smartphones",
        value_per_kg: (20_000, 60_000),
        weight_kg: (40.0, 800.0),
        risk: 15,
        modes: A,
        marked: true,
    },
    Commodity {
        hs_code: "847130",
        description: "Laptop computers",
        value_per_kg: (15_000, 40_000),
        weight_kg: (60.0, 1200.0),
        risk: 8,
        modes: AL,
        marked: true,
    },
    Commodity {
        hs_code: "300490",
        description: "Medicaments, packaged for retail sale",
        value_per_kg: (5_000, 80_000),
        weight_kg: (10.0, 400.0),
        risk: 30,
        modes: A,
        marked: true,
    },
    Commodity {
        hs_code: "610910",
        description: "Cotton T-shirts",
        value_per_kg: (800, 3_000),
        weight_kg: (200.0, 6000.0),
        risk: 10,
        modes: ALM,
        marked: true,
    },
    Commodity {
        hs_code: "640399",
        description: "Leather footwear",
        value_per_kg: (2_000, 9_000),
        weight_kg: (150.0, 4000.0),
        risk: 20,
        modes: ALM,
        marked: true,
    },
    Commodity {
        hs_code: "950300",
        description: "Toys and puzzles",
        value_per_kg: (600, 2_500),
        weight_kg: (300.0, 9000.0),
        risk: 12,
        modes: ALM,
        marked: true,
    },
    Commodity {
        hs_code: "420221",
        description: "Handbags, leather outer surface",
        value_per_kg: (4_000, 40_000),
        weight_kg: (30.0, 900.0),
        risk: 60,
        modes: AL,
        marked: true,
    },
    Commodity {
        hs_code: "910221",
        description: "Wrist-watches, automatic",
        value_per_kg: (50_000, 400_000),
        weight_kg: (5.0, 120.0),
        risk: 70,
        modes: A,
        marked: true,
    },
    Commodity {
        hs_code: "870899",
        description: "Motor vehicle parts",
        value_per_kg: (500, 4_000),
        weight_kg: (500.0, 18000.0),
        risk: 4,
        modes: LMR,
        marked: true,
    },
    Commodity {
        hs_code: "030617",
        description: "Frozen shrimp",
        value_per_kg: (900, 2_200),
        weight_kg: (2000.0, 22000.0),
        risk: 20,
        modes: &[Mode::Air, Mode::Marine],
        marked: false,
    },
    Commodity {
        hs_code: "080390",
        description: "Fresh bananas",
        value_per_kg: (80, 200),
        weight_kg: (8000.0, 22000.0),
        risk: 5,
        modes: &[Mode::Land, Mode::Marine],
        marked: false,
    },
    Commodity {
        hs_code: "220421",
        description: "Wine in bottles",
        value_per_kg: (600, 5_000),
        weight_kg: (500.0, 15000.0),
        risk: 6,
        modes: LMR,
        marked: true,
    },
    Commodity {
        hs_code: "940360",
        description: "Wooden furniture",
        value_per_kg: (300, 1_500),
        weight_kg: (1000.0, 16000.0),
        risk: 5,
        modes: LMR,
        marked: false,
    },
    Commodity {
        hs_code: "854143",
        description: "Photovoltaic modules",
        value_per_kg: (300, 900),
        weight_kg: (3000.0, 20000.0),
        risk: 8,
        modes: LMR,
        marked: false,
    },
    Commodity {
        hs_code: "850760",
        description: "Lithium-ion batteries",
        value_per_kg: (1_500, 6_000),
        weight_kg: (100.0, 5000.0),
        risk: 18,
        modes: ALL,
        marked: true,
    },
    Commodity {
        hs_code: "330499",
        description: "Cosmetic preparations",
        value_per_kg: (1_500, 12_000),
        weight_kg: (50.0, 2500.0),
        risk: 25,
        modes: ALM,
        marked: true,
    },
    Commodity {
        hs_code: "090111",
        description: "Green coffee beans",
        value_per_kg: (400, 900),
        weight_kg: (5000.0, 20000.0),
        risk: 4,
        modes: &[Mode::Marine],
        marked: false,
    },
    Commodity {
        hs_code: "071320",
        description: "Dried chickpeas",
        value_per_kg: (100, 250),
        weight_kg: (10000.0, 24000.0),
        risk: 3,
        modes: &[Mode::Marine, Mode::Rail],
        marked: false,
    },
    Commodity {
        hs_code: "720449",
        description: "Ferrous scrap",
        value_per_kg: (20, 60),
        weight_kg: (20000.0, 90000.0),
        risk: 6,
        modes: &[Mode::Rail, Mode::Marine],
        marked: false,
    },
    Commodity {
        hs_code: "293349",
        description: "Heterocyclic compounds (chemical precursors)",
        value_per_kg: (2_000, 20_000),
        weight_kg: (25.0, 500.0),
        risk: 90,
        modes: A,
        marked: false,
    },
];

pub struct Trader {
    pub name: &'static str,
    pub address: &'static str,
    pub trusted: Option<&'static str>,
    /// No declarations before this demo: a risk indicator.
    pub first_time: bool,
}

const fn trader(
    name: &'static str,
    address: &'static str,
    trusted: Option<&'static str>,
    first_time: bool,
) -> Trader {
    Trader {
        name,
        address,
        trusted,
        first_time,
    }
}

pub const IMPORTERS: &[Trader] = &[
    trader(
        "Maple Leaf Electronics Inc.",
        "4400 Dixie Rd, Mississauga, ON",
        Some("PIP"),
        false,
    ),
    trader(
        "Great Lakes Auto Parts Ltd.",
        "1200 Walker Rd, Windsor, ON",
        Some("CTPAT"),
        false,
    ),
    trader(
        "Pacific Rim Apparel Co.",
        "8800 Bridgeport Rd, Richmond, BC",
        None,
        false,
    ),
    trader(
        "Laurentian Pharma Distribution",
        "2100 Boul. Marcel-Laurin, Montréal, QC",
        Some("PIP"),
        false,
    ),
    trader(
        "Prairie Farm Supply Co-op",
        "55 Industrial Ave, Regina, SK",
        None,
        false,
    ),
    trader(
        "Atlantic Seafood Traders",
        "12 Water St, Halifax, NS",
        None,
        false,
    ),
    trader(
        "Northern Lights Retail Group",
        "250 Front St W, Toronto, ON",
        Some("PIP"),
        false,
    ),
    trader(
        "Cascadia Outdoor Gear",
        "301 Marine Dr, North Vancouver, BC",
        None,
        false,
    ),
    trader(
        "Bluenose Imports",
        "77 Portland St, Dartmouth, NS",
        None,
        false,
    ),
    trader(
        "Rideau Home Furnishings",
        "900 Belfast Rd, Ottawa, ON",
        None,
        false,
    ),
    trader(
        "Fraser Valley Produce",
        "31000 Fraser Hwy, Abbotsford, BC",
        Some("PIP"),
        false,
    ),
    trader(
        "Boréal Cosmétiques",
        "450 Rue Saint-Paul, Québec, QC",
        None,
        false,
    ),
    trader(
        "Chinook Machinery Ltd.",
        "3400 12 St NE, Calgary, AB",
        Some("CTPAT"),
        false,
    ),
    trader(
        "Muskoka Timepieces",
        "18 Manitoba St, Bracebridge, ON",
        None,
        true,
    ),
    trader(
        "QuickShip Gadget Hub",
        "Unit 4, 77 Finch Ave W, Toronto, ON",
        None,
        true,
    ),
    trader(
        "Luxe Resale Boutique",
        "1450 Rue Sainte-Catherine O, Montréal, QC",
        None,
        true,
    ),
    trader(
        "Red River Grain Traders",
        "200 Portage Ave, Winnipeg, MB",
        None,
        false,
    ),
    trader(
        "Evergreen Solar Canada",
        "1100 Kingsway, Vancouver, BC",
        Some("PIP"),
        false,
    ),
    trader(
        "Niagara Wine Merchants",
        "40 Queen St, Niagara-on-the-Lake, ON",
        None,
        false,
    ),
    trader(
        "Harbourfront Chemicals Inc.",
        "5 Industrial Pkwy, Hamilton, ON",
        None,
        true,
    ),
];

pub const SHIPPERS: &[(&str, &str)] = &[
    (
        "Shenzhen Brightway Electronics Co.",
        "Bao'an District, Shenzhen, CN",
    ),
    (
        "Guangzhou Star Textiles Ltd.",
        "Haizhu District, Guangzhou, CN",
    ),
    ("Hamburg Präzision GmbH", "Billbrook, Hamburg, DE"),
    ("Lyon Pharma SA", "Gerland, Lyon, FR"),
    ("Seoul Mobile Components", "Guro-gu, Seoul, KR"),
    ("Istanbul Textile Export A.Ş.", "Esenyurt, Istanbul, TR"),
    (
        "Mumbai Generic Pharma Pvt. Ltd.",
        "Andheri East, Mumbai, IN",
    ),
    ("Saigon Footwear JSC", "Thu Duc, Ho Chi Minh City, VN"),
    ("Bangkok Gems & Jewellery Co.", "Bang Rak, Bangkok, TH"),
    (
        "Monterrey Autopartes S.A. de C.V.",
        "Apodaca, Nuevo León, MX",
    ),
    ("Detroit Axle Supply LLC", "Dearborn, MI, US"),
    ("Pacific Northwest Produce Inc.", "Wenatchee, WA, US"),
    ("Rotterdam Trading B.V.", "Waalhaven, Rotterdam, NL"),
    ("Dubai Free Zone General Trading", "Jebel Ali, Dubai, AE"),
    ("Hong Kong Luxury Sourcing Ltd.", "Kwun Tong, Hong Kong, HK"),
];

pub const FIRST_NAMES: &[&str] = &[
    "Julie",
    "Marc",
    "Amrit",
    "Chloé",
    "Daniel",
    "Fatima",
    "Guillaume",
    "Hannah",
    "Ibrahim",
    "Jasmine",
    "Kevin",
    "Leah",
    "Mathieu",
    "Nadia",
    "Owen",
    "Priya",
    "Raphaël",
    "Sarah",
    "Thomas",
    "Wei",
    "Yasmin",
    "Zoé",
    "Alexandre",
    "Brianna",
    "Connor",
    "Émilie",
    "Farid",
    "Gurpreet",
    "Isabelle",
    "Jonah",
];
pub const LAST_NAMES: &[&str] = &[
    "Tremblay",
    "Singh",
    "Gagnon",
    "MacDonald",
    "Roy",
    "Nguyen",
    "Côté",
    "Wilson",
    "Bouchard",
    "Chen",
    "Gauthier",
    "Campbell",
    "Morin",
    "Patel",
    "Lavoie",
    "Anderson",
    "Fortin",
    "Li",
    "Gill",
    "Pelletier",
    "Thompson",
    "Bélanger",
    "Ahmed",
    "Leblanc",
    "Martin",
    "Sandhu",
];

/// Why goods are held, weighted: risk targeting first, counterfeit goods close behind at
/// the air sheds.
pub const HOLD_REASONS: &[(HoldReason, u32)] = &[
    (HoldReason::RiskTarget, 34),
    (HoldReason::Documentation, 20),
    (HoldReason::Random, 14),
    (HoldReason::IntellectualProperty, 12),
    (HoldReason::OtherAgency, 10),
    (HoldReason::Intelligence, 6),
    (HoldReason::DoNotLoad, 4),
];

/// The first examination for each reason of hold.
pub fn first_inspection(reason: HoldReason, mode: Mode) -> InspectionKind {
    match (reason, mode) {
        (HoldReason::Documentation, _) => InspectionKind::DocumentReview,
        (HoldReason::IntellectualProperty, _) => InspectionKind::Physical,
        (HoldReason::OtherAgency, _) => InspectionKind::LabSample,
        (HoldReason::Intelligence, Mode::Air) => InspectionKind::DetectorDog,
        (HoldReason::Intelligence, _) => InspectionKind::Physical,
        (HoldReason::Random, Mode::Rail | Mode::Marine) => InspectionKind::Radiation,
        (HoldReason::Random | HoldReason::RiskTarget | HoldReason::DoNotLoad, _) => {
            InspectionKind::Xray
        }
    }
}

/// Agencies a hold may be referred to.
pub const AGENCIES: &[&str] = &[
    "Canadian Food Inspection Agency",
    "Health Canada",
    "Environment and Climate Change Canada",
    "Transport Canada",
];
