//! With the `serde` feature, every `ErrorCode` serialises as its wire string and back (`cargo test -p errcat --features serde`).
#![cfg(feature = "serde")]

use errcat::pentify::ErrorCode;

#[test]
fn a_code_is_its_wire_string() {
    let json = serde_json::to_string(&ErrorCode::RateLimited).expect("serialises");
    assert_eq!(json, "\"rate_limited\"");
    let back: ErrorCode = serde_json::from_str(&json).expect("deserialises");
    assert_eq!(back, ErrorCode::RateLimited);
}

#[test]
fn unknown_and_escaped_codes_round_trip() {
    let unknown = ErrorCode::Unknown("brand_new \"quoted\" ✓".to_owned());
    let json = serde_json::to_string(&unknown).expect("serialises");
    assert_eq!(json, r#""brand_new \"quoted\" ✓""#);
    assert_eq!(
        serde_json::from_str::<ErrorCode>(&json).expect("deserialises"),
        unknown
    );
    // An escape forces an owned string; it is still the same code.
    let escaped: ErrorCode = serde_json::from_str(r#""rate_\u006cimited""#).expect("deserialises");
    assert_eq!(escaped, ErrorCode::RateLimited);
    let from_reader: ErrorCode =
        serde_json::from_reader(&b"\"server_error\""[..]).expect("deserialises");
    assert_eq!(from_reader, ErrorCode::ServerError);
}

#[test]
fn every_vendors_codes_round_trip() {
    macro_rules! round_trip {
        ($($m:ident),*) => {$(
            for c in errcat::$m::ErrorCode::ALL {
                let json = serde_json::to_value(c).expect("serialises");
                assert_eq!(json, serde_json::Value::String(c.as_str().to_owned()));
                let back: errcat::$m::ErrorCode = serde_json::from_value(json).expect("deserialises");
                assert_eq!(&back, c);
            }
        )*};
    }
    round_trip!(cert_ix, defendis, inkog, pentify, vantaprism);
}

#[test]
fn codes_inside_structures_and_non_strings() {
    let list: Vec<errcat::cert_ix::ErrorCode> =
        serde_json::from_str(r#"["QUOTA_EXCEEDED","NOT_IN_THE_CATALOG"]"#).expect("deserialises");
    assert_eq!(
        list,
        [
            errcat::cert_ix::ErrorCode::QuotaExceeded,
            errcat::cert_ix::ErrorCode::Unknown("NOT_IN_THE_CATALOG".to_owned()),
        ]
    );
    // Only strings are codes: a JSON number is not, even for Defendis, whose codes are statuses.
    assert!(serde_json::from_str::<errcat::defendis::ErrorCode>("429").is_err());
    assert!(serde_json::from_str::<ErrorCode>("null").is_err());
}
