#![allow(clippy::unwrap_used, clippy::panic)]
use serde_json::json;

use super::*;

fn check(p: Value, d: Dialect) -> String {
    match validate(&p, d) {
        Ok(_) => "ok".to_owned(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn explore() {
    let cases = vec![
        json!({"source": []}),
        json!({"source": "x"}),
        json!({"source": 5}),
        json!({"detail": {}}),
        json!({}),
        json!([]),
        json!({"a": [["x"]]}),
        json!({"a": [{"numeric": "5"}]}),
        json!({"a": [{"prefix": 5}]}),
        json!({"a": [{"exists": "yes"}]}),
        json!({"a": [{"prefx": "x"}]}),
        json!({"a": [{"foo": "x"}]}),
        json!({"a": [{}]}),
        json!({"a": [{"prefix": "x", "suffix": "y"}]}),
        json!({"a": [{"numeric": [">", 5, ">", 6]}]}),
        json!({"a": [{"numeric": [">", 6, "<", 5]}]}),
        json!({"a": [{"numeric": ["<", 6, ">", 5]}]}),
        json!({"a": [{"numeric": ["=", 6, "<", 5]}]}),
        json!({"a": [{"numeric": [">", "5"]}]}),
        json!({"a": [{"numeric": [5]}]}),
        json!({"a": [{"numeric": [">"]}]}),
        json!({"a": [{"numeric": []}]}),
        json!({"a": [{"numeric": ["!=", 5]}]}),
        json!({"a": [{"numeric": [">", 1, "<", 5, "<", 6]}]}),
        json!({"a": [{"cidr": "10.0.0.0"}]}),
        json!({"a": [{"cidr": "10.0.0.0/33"}]}),
        json!({"a": [{"cidr": "10.0.0.1/32"}]}),
        json!({"a": [{"cidr": "300.0.0.0/8"}]}),
        json!({"a": [{"cidr": "::ffff:1.2.3.4/64"}]}),
        json!({"a": [{"cidr": "2001:db8::/32"}]}),
        json!({"a": [{"wildcard": "a**b"}]}),
        json!({"a": [{"wildcard": "a\\b"}]}),
        json!({"a": [{"anything-but": true}]}),
        json!({"a": [{"anything-but": []}]}),
        json!({"a": [{"anything-but": ["a", 1]}]}),
        json!({"a": [{"anything-but": {"prefix": ""}}]}),
        json!({"a": [{"anything-but": {"prefx": "a"}}]}),
        json!({"a": [{"anything-but": {"numeric": [">", 1]}}]}),
        json!({"$or": []}),
        json!({"$or": [{"a": ["x"]}]}),
        json!({"$or": "x"}),
        json!({"$or": [{"a": ["x"]}, {"prefix": ["x"]}]}),
        json!({"$or": [{"a": ["x"]}, 5]}),
        json!({"a": [{"prefix": {"equals-ignore-case": 5}}]}),
        json!({"a": [{"prefix": {"foo": "x"}}]}),
        json!({"a": [{"equals-ignore-case": ["x"]}]}),
        json!({"a": [null, true, 1.5, "x", {"exists": false}]}),
    ];
    for c in cases {
        println!("{c} => {}", check(c.clone(), Dialect::Rule));
    }
    for c in [
        json!({"a": [{"cidr": "10.0.0.0/8"}]}),
        json!({"a": [{"wildcard": "*.png"}]}),
        json!({"a": {"b": [{"anything-but": {"prefix": "x"}}]}}),
        json!({"$or": [{"a": ["x"]}, {"b": [{"prefix": {"equals-ignore-case": "x"}}]}]}),
        json!({"a": [{"suffix": "x"}, {"equals-ignore-case": "x"}, {"anything-but": ["a"]}, {"numeric": [">", 1]}, {"exists": true}, {"prefix": "p"}]}),
    ] {
        println!("lambda {c} => {}", check(c.clone(), Dialect::LambdaFilter));
    }
}
