//! The demo country's history: goods held for reasons that fit them, on perishable goods for
//! no longer than a shift.

use crate::helpers::{Backend, fresh_db};
use app::demo::country::COMMODITIES;
use app::domain::{HoldReason, perishable};
use sqlx::Row;

pub async fn the_demos_goods_fit_their_holds(backend: Backend) {
    use border_ops::seed::{self, SeedOptions};
    let Some((db, _dir)) = fresh_db(backend).await else {
        return;
    };
    db.migrate().await.unwrap();
    let mut options = SeedOptions::new(7, chrono::Utc::now());
    options.shipments = 6_000;
    seed::demo(&db, &options).await.unwrap();
    let holds = sqlx::query(
        "select h.id, h.reason, h.placed_at, h.due_at, s.hs_code, s.mode \
         from holds h join shipments s on s.id = h.shipment_id",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let (mut counterfeit, mut perishables, mut do_not_load) = (0, 0, 0);
    for hold in &holds {
        let id: i64 = hold.get("id");
        let reason: String = hold.get("reason");
        let hs_code: String = hold.get("hs_code");
        let mode: String = hold.get("mode");
        let given = hold.get::<i64, _>("due_at") - hold.get::<i64, _>("placed_at");
        let goods = COMMODITIES
            .iter()
            .find(|c| c.hs_code == hs_code)
            .expect("the demo's goods");
        if reason == HoldReason::IntellectualProperty.code() {
            counterfeit += 1;
            assert!(
                goods.marked,
                "hold #{id}: {} held as counterfeit",
                goods.description
            );
        }
        if reason == HoldReason::DoNotLoad.code() {
            do_not_load += 1;
            assert_eq!(mode, "air", "hold #{id}: do not load on {mode} goods");
        }
        if perishable(&hs_code) {
            perishables += 1;
            assert!(
                given <= 8 * 3_600_000,
                "hold #{id}: {} due after {} h",
                goods.description,
                given / 3_600_000
            );
        } else {
            let reason = HoldReason::parse(&reason).expect("a reason");
            assert_eq!(
                given,
                reason.service_level().num_milliseconds(),
                "hold #{id}"
            );
        }
    }
    // Each rule was tested on goods it applies to.
    assert!(
        counterfeit > 0 && perishables > 0 && do_not_load > 0,
        "{counterfeit} counterfeit, {perishables} perishable, {do_not_load} do-not-load holds"
    );
}
