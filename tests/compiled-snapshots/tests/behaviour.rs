//! The compiled fixture snapshots behave as their conventions promise at run time, not only at
//! compile time.

use serde_json::json;
use stripe_api::{encode_form, Emptyable, HasId};
use stripegen_compiled_snapshots::{
    fixture_emptyable, fixture_expandable, fixture_names, fixture_polymorphic, fixture_recursive,
};

/// Reads `value` both ways a generated type meets JSON, and checks they agree: through the
/// runtime's reader (as the client reads a body: unions peek at the value first) and through
/// `serde_json::from_value` (another deserializer: unions buffer it).
fn read_both<T: serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(
    value: serde_json::Value,
) -> T {
    let by_reader = stripe_api::from_buffered::<T>(&value.to_string())
        .map_err(stripe_api::union_error::<serde_json::Error>)
        .unwrap_or_else(|e| panic!("{value}: {e}"));
    let by_serde_json = serde_json::from_value::<T>(value).unwrap();
    assert_eq!(by_reader, by_serde_json);
    by_reader
}

/// The error of reading `value` through the runtime's reader.
fn reader_error<T: serde::de::DeserializeOwned + std::fmt::Debug>(
    value: serde_json::Value,
) -> String {
    stripe_api::from_buffered::<T>(&value.to_string())
        .map_err(stripe_api::union_error::<serde_json::Error>)
        .unwrap_err()
        .to_string()
}

#[test]
fn object_unions_dispatch_on_object_and_keep_unknown_objects() {
    use fixture_polymorphic::payouts::{Payout, PayoutAmountDetail, PayoutDestination};
    let payout = |destination: serde_json::Value, amount: serde_json::Value| {
        read_both::<Payout>(json!({
            "id": "po_1", "object": "payout", "destination": destination, "amount_detail": amount,
        }))
    };
    let card = payout(
        json!({"id": "card_1", "object": "card", "brand": "visa"}),
        json!(5),
    );
    assert!(matches!(&card.destination, PayoutDestination::Card(c) if c.brand == "visa"));
    assert_eq!(card.amount_detail, PayoutAmountDetail::Integer(5));

    // `object` anywhere among the members, after nested values the peek skips.
    let bank = payout(
        json!({"id": "ba_1", "last4": "6789", "extra": {"object": "card", "x": [1, {"y": "}"}]}, "object": "bank_account"}),
        json!({"net": 90, "fee": 10}),
    );
    assert!(matches!(
        bank.destination,
        PayoutDestination::BankAccount(_)
    ));
    assert!(
        matches!(&bank.amount_detail, PayoutAmountDetail::AmountBreakdown(b) if b.net == Some(90))
    );

    let future = payout(json!({"id": "x_1", "object": "wallet"}), json!("soon"));
    assert!(matches!(
        future.destination,
        PayoutDestination::Unrecognized(_)
    ));
    assert_eq!(
        future.amount_detail,
        PayoutAmountDetail::Unrecognized(json!("soon"))
    );
    // Unknown shapes are written back unchanged.
    assert_eq!(
        serde_json::to_value(&future.destination).unwrap(),
        json!({"id": "x_1", "object": "wallet"})
    );
    // No `object`, or one that is not a string: the catch-all.
    for destination in [json!({"id": "x_2"}), json!({"object": 1}), json!([1])] {
        let read = payout(destination.clone(), json!(1));
        assert_eq!(
            read.destination,
            PayoutDestination::Unrecognized(destination)
        );
    }
}

#[test]
fn alternatives_of_one_kind_are_tried_in_order() {
    use fixture_polymorphic::payouts::{Payout, PayoutSchedule};
    let schedule = |schedule: serde_json::Value| {
        read_both::<Payout>(json!({
            "id": "po_1", "object": "payout", "amount_detail": 1,
            "destination": {"id": "card_1", "object": "card", "brand": "visa"},
            "schedule": schedule,
        }))
        .schedule
    };
    assert_eq!(
        schedule(json!("daily")),
        Some(PayoutSchedule::String("daily".into()))
    );
    assert!(matches!(
        schedule(json!({"weekday": "monday"})),
        Some(PayoutSchedule::Weekly(w)) if w.weekday == "monday"
    ));
    assert!(matches!(
        schedule(json!({"day": 3})),
        Some(PayoutSchedule::Monthly(m)) if m.day == 3
    ));
    assert_eq!(
        schedule(json!({"hour": 3})),
        Some(PayoutSchedule::Unrecognized(json!({"hour": 3})))
    );
    assert_eq!(
        schedule(json!(true)),
        Some(PayoutSchedule::Unrecognized(json!(true)))
    );
}

#[test]
fn a_known_object_with_a_bad_field_reports_where() {
    use fixture_polymorphic::payouts::Payout;
    let payout = json!({
        "id": "po_1", "object": "payout", "amount_detail": 1,
        "destination": {"id": "card_1", "object": "card", "brand": 7},
    });
    let err = serde_json::from_value::<Payout>(payout.clone()).unwrap_err();
    assert!(err.to_string().contains("at `brand`"), "{err}");
    // The reader reads the alternative straight from the text: the path is the whole one.
    let err = reader_error::<Payout>(payout);
    assert!(err.contains("at `destination.brand`"), "{err}");
}

#[test]
fn expandable_fields_take_an_id_or_the_object() {
    use fixture_expandable::orders::Order;
    let product = json!({"id": "prod_1", "object": "product", "name": "Tea"});
    let as_id: Order =
        serde_json::from_value(json!({"id": "or_1", "object": "order", "product": "prod_1"}))
            .unwrap();
    let expanded: Order =
        serde_json::from_value(json!({"id": "or_1", "object": "order", "product": product}))
            .unwrap();
    assert_eq!(as_id.product.id().as_str(), "prod_1");
    assert_eq!(expanded.product.id().as_str(), "prod_1");
    assert!(as_id.product.as_object().is_none());
    assert_eq!(expanded.product.as_object().unwrap().name, "Tea");
    assert_eq!(expanded.id().as_str(), "or_1");
}

#[test]
fn emptyable_params_send_an_empty_value() {
    use fixture_emptyable::hooks::{UpdateHook, UpdateHookOptions};
    let clear = UpdateHook {
        description: Some(Emptyable::Empty),
        metadata: Some(Emptyable::Empty),
        options: Some(Emptyable::Set(UpdateHookOptions { retries: Some(3) })),
    };
    assert_eq!(
        encode_form(&clear).unwrap(),
        "description=&metadata=&options[retries]=3"
    );
}

#[test]
fn renamed_and_keyword_fields_use_their_wire_names() {
    use fixture_names::odd::Thing as OddThing;
    let thing: OddThing = serde_json::from_value(json!({
        "id": "odd_1", "object": "odd.thing", "type": "t", "fn": "f", "3d_secure": true,
        "card-brand": "a", "card_brand": "b", "mode": "a.b", "unknown_field": [1],
    }))
    .unwrap();
    assert_eq!(thing.type_.as_deref(), Some("t"));
    assert_eq!(thing.fn_.as_deref(), Some("f"));
    assert_eq!(thing._3d_secure, Some(true));
    assert_eq!(
        (thing.card_brand.as_deref(), thing.card_brand_2.as_deref()),
        (Some("a"), Some("b"))
    );
    assert_eq!(thing.mode.as_ref().unwrap().as_str(), "a.b");
    let back = serde_json::to_value(&thing).unwrap();
    assert_eq!(back["3d_secure"], true);
    assert_eq!(back["card-brand"], "a");
}

#[test]
fn recursive_types_nest() {
    use fixture_recursive::folders::Folder;
    let folder: Folder = serde_json::from_value(json!({
        "id": "f_1", "object": "folder",
        "parent": {"folder": {"id": "f_0", "object": "folder", "children": []}},
        "children": [{"id": "f_2", "object": "folder"}],
    }))
    .unwrap();
    let parent = folder.parent.unwrap().folder.unwrap();
    assert_eq!(parent.id.as_str(), "f_0");
    assert_eq!(folder.children.unwrap()[0].id.as_str(), "f_2");
}

#[test]
fn a_missing_required_field_is_named() {
    use fixture_expandable::orders::Order;
    let err =
        serde_json::from_value::<Order>(json!({"id": "or_1", "object": "order"})).unwrap_err();
    assert_eq!(err.to_string(), "missing field `product`");
}
