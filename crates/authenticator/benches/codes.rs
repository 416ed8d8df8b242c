//! The app computes every visible code once per tick: 1,000 accounts must fit
//! comfortably in one.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use twofold_authenticator::{Algorithm, OtpAuth, OtpKind, Secret};

fn accounts() -> Vec<OtpAuth> {
    (0u32..1000)
        .map(|i| {
            let algorithm = [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512][i as usize % 3];
            let key: Vec<u8> = (0..20)
                .map(|b| (i as u8).wrapping_mul(31).wrapping_add(b))
                .collect();
            let kind = if i % 50 == 0 {
                OtpKind::Steam { period: 30 }
            } else {
                OtpKind::Totp { period: 30 }
            };
            OtpAuth::new(
                Some(format!("Issuer {i}")),
                format!("user{i}"),
                Secret::from_bytes(key),
                algorithm,
                6,
                kind,
            )
            .expect("valid benchmark account")
        })
        .collect()
}

fn codes_for_1000_accounts(c: &mut Criterion) {
    let accounts = accounts();
    c.bench_function("codes for 1,000 accounts", |b| {
        b.iter(|| {
            for otp in &accounts {
                black_box(otp.code_at(black_box(1_700_000_000)));
                black_box(otp.seconds_left(1_700_000_000));
            }
        });
    });
}

criterion_group!(benches, codes_for_1000_accounts);
criterion_main!(benches);
