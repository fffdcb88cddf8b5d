//! `ErrorCode::from_code` against three baselines built from the same codes:
//! a plain `match`, a `phf` map and a `std` `HashMap`.
//!
//! Each vendor is measured on three kinds of input, 256 strings each, drawn
//! with a fixed seed: hits (known codes), near misses (a known code with one
//! character changed) and foreign strings (random codes of a known code's
//! length). Criterion reports the time for all 256; divide by 256 for one lookup.
//!
//! The vendors:
//!
//! - `cert_ix_36`: the largest real vendor, `errcat::cert_ix` (36 codes).
//! - `synth_10` ... `synth_10000`: synthetic vendors of 10, 100, 1,000 and
//!   10,000 codes. Their lookups are real errcat output: `fixtures/synth_N.rs`
//!   holds the `ErrorCode` enum, `ALL` and `from_code` of the module that
//!   `cargo xtask codegen` generates for `cargo xtask synth --vendors 1
//!   --codes N` (see `fixtures/regenerate.sh`). Up to the generator's match
//!   limit (512 codes) `from_code` is a `match`; above it, a lookup in the
//!   slot table the generator laid out, through `errcat::lookup::find`.
//!
//! The contenders:
//!
//! - `errcat_from_code`: the generated `ErrorCode::from_code`. For an unknown
//!   string it returns `ErrorCode::Unknown(String)`, so every miss allocates.
//! - `errcat_find`: above the match limit, `errcat::lookup::find` alone on the
//!   generated `CODES` and `SLOTS`: the strategy without building an `ErrorCode`.
//! - `match`: a `match` of every code to its index (up to 1,000 codes: a
//!   10,000-arm string match takes minutes to compile in release).
//! - `phf`: a `phf::Map<&str, usize>`, laid out by phf_generator when the
//!   bench starts, as phf_codegen would lay it out.
//! - `hashmap`: a `std::collections::HashMap<&str, usize>` (SipHash-1-3).
//!
//! Every contender is called through a `&dyn Fn`, so none is inlined into the
//! measuring loop and each pays the same call.

use std::collections::{HashMap, HashSet};
use std::fmt::Debug;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

// The generated fixtures call `crate::lookup::find`, as they do inside errcat.
use errcat::lookup;

#[rustfmt::skip]
mod fixtures {
    pub mod cert_ix;
    pub mod synth_10;
    pub mod synth_100;
    pub mod synth_1000;
    pub mod synth_10000;
}

/// The number of strings of each kind per measurement.
const BATCH: usize = 256;

/// The characters codes are made of, and near misses and foreign strings too.
const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";

/// SplitMix64: a fixed, dependency-free source of input strings.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn letter(&mut self) -> u8 {
        ALPHABET[self.below(ALPHABET.len())]
    }
}

/// The three kinds of input for one vendor.
struct Inputs {
    kinds: [(&'static str, Vec<String>); 3],
}

impl Inputs {
    fn new(codes: &[&str]) -> Inputs {
        let known: HashSet<&str> = codes.iter().copied().collect();
        let mut rng = Rng(codes.len() as u64);
        let hits = (0..BATCH)
            .map(|_| codes[rng.below(codes.len())].to_owned())
            .collect();
        let mut near_misses = Vec::with_capacity(BATCH);
        while near_misses.len() < BATCH {
            let mut bytes = codes[rng.below(codes.len())].as_bytes().to_vec();
            let at = rng.below(bytes.len());
            let letter = rng.letter();
            if bytes[at] == letter {
                continue;
            }
            bytes[at] = letter;
            let s = String::from_utf8(bytes).expect("codes are ASCII");
            if !known.contains(s.as_str()) {
                near_misses.push(s);
            }
        }
        let mut foreign = Vec::with_capacity(BATCH);
        while foreign.len() < BATCH {
            let len = codes[rng.below(codes.len())].len();
            let s: String = (0..len).map(|_| char::from(rng.letter())).collect();
            if !known.contains(s.as_str()) {
                foreign.push(s);
            }
        }
        Inputs {
            kinds: [
                ("hit", hits),
                ("near_miss", near_misses),
                ("foreign", foreign),
            ],
        }
    }
}

/// A `phf::Map` from each code to its index, laid out as phf_codegen lays it out.
fn phf_map(codes: &[&'static str]) -> phf::Map<&'static str, usize> {
    let state = phf_generator::generate_hash(codes);
    let entries: Vec<(&'static str, usize)> = state.map.iter().map(|&i| (codes[i], i)).collect();
    phf::Map {
        key: state.key,
        disps: state.disps.leak(),
        entries: entries.leak(),
    }
}

/// One vendor's lookups.
struct Vendor<C: 'static> {
    /// The group name: `cert_ix_36`, `synth_1000`, ...
    name: &'static str,
    /// The wire strings, `codes[i]` being `all[i]`.
    codes: &'static [&'static str],
    /// `ErrorCode::ALL`.
    all: &'static [C],
    /// `ErrorCode::from_code`.
    from_code: fn(&str) -> C,
    /// `errcat::lookup::find` on the generated tables, above the match limit.
    find: Option<fn(&str) -> Option<usize>>,
    /// The baseline `match`, when it is compiled.
    by_match: Option<fn(&str) -> Option<usize>>,
}

/// Measures `f` over every string of `input`.
fn measure<R>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    input: &[String],
    f: &dyn Fn(&str) -> R,
) {
    let f = black_box(f);
    group.bench_function(name, |b| {
        b.iter(|| {
            for s in input {
                black_box(f(black_box(s.as_str())));
            }
        })
    });
}

fn bench_vendor<C: PartialEq + Debug>(c: &mut Criterion, v: &Vendor<C>) {
    let phf = phf_map(v.codes);
    let hashmap: HashMap<&'static str, usize> =
        v.codes.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    let inputs = Inputs::new(v.codes);

    // Every contender gives the same answers before any is timed.
    assert_eq!(
        v.codes.len(),
        v.all.len(),
        "{}: CODES and ALL differ",
        v.name
    );
    for (i, code) in v.codes.iter().enumerate() {
        assert_eq!(
            (v.from_code)(code),
            v.all[i],
            "{}: from_code({code})",
            v.name
        );
        for f in v.find.iter().chain(&v.by_match) {
            assert_eq!(f(code), Some(i), "{}: lookup of {code}", v.name);
        }
        assert_eq!(phf.get(code), Some(&i), "{}: phf {code}", v.name);
        assert_eq!(hashmap.get(code), Some(&i), "{}: HashMap {code}", v.name);
    }
    for (_, input) in &inputs.kinds[1..] {
        for s in input {
            assert!(!v.all.contains(&(v.from_code)(s)), "{}: {s} found", v.name);
            for f in v.find.iter().chain(&v.by_match) {
                assert_eq!(f(s), None, "{}: {s} found", v.name);
            }
            assert_eq!(phf.get(s.as_str()), None);
            assert_eq!(hashmap.get(s.as_str()), None);
        }
    }

    for (kind, input) in &inputs.kinds {
        let mut group = c.benchmark_group(format!("from_code/{}/{kind}", v.name));
        group.throughput(Throughput::Elements(BATCH as u64));
        measure(&mut group, "errcat_from_code", input, &v.from_code);
        if let Some(find) = v.find {
            measure(&mut group, "errcat_find", input, &find);
        }
        if let Some(by_match) = v.by_match {
            measure(&mut group, "match", input, &by_match);
        }
        measure(&mut group, "phf", input, &|s: &str| phf.get(s).copied());
        measure(&mut group, "hashmap", input, &|s: &str| {
            hashmap.get(s).copied()
        });
        group.finish();
    }
}

fn from_code(c: &mut Criterion) {
    use fixtures::{cert_ix, synth_10, synth_100, synth_1000, synth_10000};

    let real: Vec<&str> = errcat::cert_ix::ErrorCode::ALL
        .iter()
        .map(errcat::cert_ix::ErrorCode::as_str)
        .collect();
    assert_eq!(
        real,
        cert_ix::CODES,
        "fixtures/cert_ix.rs is stale: run fixtures/regenerate.sh"
    );
    bench_vendor(
        c,
        &Vendor {
            name: "cert_ix_36",
            codes: &cert_ix::CODES,
            all: errcat::cert_ix::ErrorCode::ALL,
            from_code: errcat::cert_ix::ErrorCode::from_code,
            find: None,
            by_match: Some(cert_ix::by_match),
        },
    );
    bench_vendor(
        c,
        &Vendor {
            name: "synth_10",
            codes: &synth_10::CODES,
            all: synth_10::ErrorCode::ALL,
            from_code: synth_10::ErrorCode::from_code,
            find: None,
            by_match: Some(synth_10::by_match),
        },
    );
    bench_vendor(
        c,
        &Vendor {
            name: "synth_100",
            codes: &synth_100::CODES,
            all: synth_100::ErrorCode::ALL,
            from_code: synth_100::ErrorCode::from_code,
            find: None,
            by_match: Some(synth_100::by_match),
        },
    );
    bench_vendor(
        c,
        &Vendor {
            name: "synth_1000",
            codes: &synth_1000::CODES,
            all: synth_1000::ErrorCode::ALL,
            from_code: synth_1000::ErrorCode::from_code,
            find: Some(|s| lookup::find(synth_1000::SLOTS, &synth_1000::CODES, s)),
            by_match: Some(synth_1000::by_match),
        },
    );
    bench_vendor(
        c,
        &Vendor {
            name: "synth_10000",
            codes: &synth_10000::CODES,
            all: synth_10000::ErrorCode::ALL,
            from_code: synth_10000::ErrorCode::from_code,
            find: Some(|s| lookup::find(synth_10000::SLOTS, &synth_10000::CODES, s)),
            by_match: None,
        },
    );
}

criterion_group!(benches, from_code);
criterion_main!(benches);
