//! Opening and saving a 1,000-account vault (goal: ≤ 20 ms each, excluding
//! the KDF — the passphrase slot here uses the cheapest Argon2id costs), and
//! the default passphrase costs on their own (tuned to about 0.5 s).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use twofold_authenticator::{
    Account, KdfParams, OtpAuth, Passphrase, Protection, Unlock, Vault, VaultError,
};

const CHEAPEST: KdfParams = KdfParams {
    memory_kib: 8,
    iterations: 1,
    parallelism: 1,
};

fn vault_benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("vault.bin");
    let unlock = || Unlock::Passphrase(Passphrase::new("bench"));
    let mut vault = Vault::create(
        &path,
        Protection::Passphrase(Passphrase::new("bench").with_kdf(CHEAPEST)),
    )
    .expect("create");
    vault
        .transact(|accounts| {
            for i in 0..1000 {
                let uri = format!(
                    "otpauth://totp/Issuer%20{i}:user{i}@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Issuer%20{i}"
                );
                let mut account =
                    Account::new(OtpAuth::parse(&uri).expect("uri"), 1_700_000_000);
                account.tags = vec!["work".into()];
                account.note = "a short note".into();
                account.position = i;
                accounts.push(account);
            }
            Ok::<(), VaultError>(())
        })
        .expect("save");

    c.bench_function("vault: open 1,000 accounts", |b| {
        b.iter(|| black_box(Vault::open(&path, unlock()).expect("open")));
    });
    // A change as every writer makes it: lock, check the file for other
    // processes' saves, apply, save.
    let mut uses = 0;
    c.bench_function("vault: change and save 1,000 accounts", |b| {
        b.iter(|| {
            uses += 1;
            vault
                .transact(|accounts| {
                    accounts[0].last_used_at = Some(uses);
                    Ok::<(), VaultError>(())
                })
                .expect("save")
        });
    });

    let default_costs = dir.path().join("default.bin");
    Vault::create(
        &default_costs,
        Protection::Passphrase(Passphrase::new("bench")),
    )
    .expect("create");
    let mut group = c.benchmark_group("vault");
    group.sample_size(10);
    group.bench_function("unlock with the default Argon2id costs", |b| {
        b.iter(|| black_box(Vault::open(&default_costs, unlock()).expect("open")));
    });
    group.finish();
}

criterion_group!(benches, vault_benches);
criterion_main!(benches);
