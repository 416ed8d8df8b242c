//! Reading a 1,000-entry Aegis plain export into a preview, against an
//! empty vault and against one already holding the same 1,000 accounts
//! (every entry then checked as a duplicate).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use twofold_authenticator::formats::{self, ExportFormat, Format};
use twofold_authenticator::{Account, Algorithm, OtpAuth, OtpKind, Secret};

fn accounts() -> Vec<Account> {
    (0u32..1000)
        .map(|i| {
            let key: Vec<u8> = (0..20)
                .map(|b| (i as u8).wrapping_mul(37).wrapping_add(b) ^ (i >> 8) as u8)
                .collect();
            let otp = OtpAuth::new(
                Some(format!("Issuer {i}")),
                format!("user{i}@example.com"),
                Secret::from_bytes(key),
                Algorithm::Sha1,
                6,
                OtpKind::Totp { period: 30 },
            )
            .expect("valid benchmark account");
            let mut account = Account::new(otp, 1_700_000_000);
            account.tags = vec![format!("group {}", i % 10)];
            account
        })
        .collect()
}

fn import_1000(c: &mut Criterion) {
    let accounts = accounts();
    let export = formats::export(ExportFormat::Aegis, &accounts, None).expect("plain Aegis export");
    let bytes = export[0].bytes.clone();
    let mut group = c.benchmark_group("import_aegis_1000");
    group.bench_function("into an empty vault", |b| {
        b.iter(|| formats::import(black_box(&bytes), Some(Format::Aegis), None, &[]))
    });
    group.bench_function("all duplicates", |b| {
        b.iter(|| {
            formats::import(
                black_box(&bytes),
                Some(Format::Aegis),
                None,
                black_box(&accounts),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, import_1000);
criterion_main!(benches);
