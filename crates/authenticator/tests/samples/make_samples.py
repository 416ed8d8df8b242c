#!/usr/bin/env python3
"""Writes the import samples in this folder: the same five accounts in each
app's published export layout. Independent of Twofold's code on purpose
(the Google protobuf is encoded by hand here, the Aegis, 2FAS and andOTP
encryption uses Python's hashlib and the `cryptography` package, Ente's uses
libsodium through PyNaCl), so the importers are checked against a second
implementation, not against themselves.

Fixed salts and nonces keep the output stable: re-running gives the same
files. Run: python3 make_samples.py (needs `pip install cryptography pynacl
argon2-cffi`: `cryptography` 44 or later for AES-GCM and the Argon2id of
the encrypted Stratum sample, PyNaCl for Ente's libsodium, `argon2-cffi`
for Proton Authenticator's Argon2id).

Each `*-broken.*` sample must import nothing: its apply is refused (an
entry cannot be read) or the file is refused as a whole.
"""
import base64
import csv
import hashlib
import io
import json
import os
import urllib.parse

import struct

import nacl.bindings as sodium
import nacl.pwhash
from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

HERE = os.path.dirname(os.path.abspath(__file__))
AEGIS_PASSWORD = "correct horse battery staple"

# issuer, name, base32 secret, kind, algorithm, digits, period or counter, tags, note
ACCOUNTS = [
    ("GitHub", "alice@example.com", "JBSWY3DPEHPK3PXP", "totp", "SHA1", 6, 30, ["Work"], ""),
    ("Acme Corp", "bob", "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ", "totp", "SHA256", 8, 60, [], ""),
    ("Bank", "carol", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "hotp", "SHA1", 6, 42, [], "backup codes in the safe"),
    ("Steam", "dave", "MFRGGZDFMZTWQ2LK", "steam", "SHA1", 5, 30, [], ""),
    ("Ünicode Café", "eve", "ONSWG4TFOQYTEMZUGU3DOOBZ", "totp", "SHA512", 7, 30, [], ""),
]


def write(name, text):
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        f.write(text)


def uri(issuer, name, secret, kind, algo, digits, factor, extra=""):
    label = urllib.parse.quote(f"{issuer}:{name}", safe="@")
    kind_in_uri = "totp" if kind == "steam" else kind
    param = "counter" if kind == "hotp" else "period"
    steam = "&encoder=steam" if kind == "steam" else ""
    return (f"otpauth://{kind_in_uri}/{label}?secret={secret}&issuer={urllib.parse.quote(issuer)}"
            f"&algorithm={algo}&digits={digits}&{param}={factor}{steam}{extra}")


def otpauth_list():
    lines = ["# Twofold sample: one otpauth URI per line", ""]
    lines += [uri(*a[:7]) for a in ACCOUNTS]
    write("otpauth.txt", "\n".join(lines) + "\n")


# --- Google Authenticator migration: protobuf by hand ---------------------
def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field(number, wire, payload):
    key = varint(number << 3 | wire)
    if wire == 0:
        return key + varint(payload)
    return key + varint(len(payload)) + payload


def otp_parameters(issuer, name, secret, kind, algo, digits, factor):
    body = field(1, 2, base64.b32decode(secret + "=" * (-len(secret) % 8)))
    body += field(2, 2, f"{issuer}:{name}".encode())  # Google writes "Issuer:name"
    body += field(3, 2, issuer.encode())
    body += field(4, 0, {"SHA1": 1, "SHA256": 2, "SHA512": 3}[algo])
    body += field(5, 0, {6: 1, 8: 2}[digits])
    body += field(6, 0, 1 if kind == "hotp" else 2)
    if kind == "hotp":
        body += field(7, 0, factor)
    return body


def google_migration():
    # Google only carries 30 s TOTP and HOTP with 6 or 8 digits: GitHub,
    # Bank and a 8-digit SHA256 copy of bob's key, in two batches (QR codes).
    batches = [
        [("GitHub", "alice@example.com", "JBSWY3DPEHPK3PXP", "totp", "SHA1", 6, 30)],
        [("Bank", "carol", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "hotp", "SHA1", 6, 42),
         ("Acme Corp", "bob", "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ", "totp", "SHA256", 8, 30)],
    ]
    lines = []
    for index, batch in enumerate(batches):
        payload = b"".join(field(1, 2, otp_parameters(*a)) for a in batch)
        payload += field(2, 0, 1) + field(3, 0, len(batches)) + field(4, 0, index) + field(5, 0, 1234567)
        data = urllib.parse.quote(base64.b64encode(payload).decode(), safe="")
        lines.append(f"otpauth-migration://offline?data={data}")
    write("google-migration.txt", "\n".join(lines) + "\n")


# --- Aegis (docs/vault.md) -------------------------------------------------
WORK_GROUP = "5d5bd1b2-4bbd-4a55-b5f4-3a1f1b4a0a01"


def aegis_db():
    entries = []
    for i, (issuer, name, secret, kind, algo, digits, factor, tags, note) in enumerate(ACCOUNTS):
        info = {"secret": secret, "algo": algo, "digits": digits}
        info["counter" if kind == "hotp" else "period"] = factor
        entries.append({
            "type": kind, "uuid": f"00000000-0000-4000-8000-00000000000{i}", "name": name,
            "issuer": issuer, "note": note, "favorite": i == 0, "icon": None, "info": info,
            "groups": [WORK_GROUP] if "Work" in tags else [],
        })
    return {"version": 3, "entries": entries, "groups": [{"uuid": WORK_GROUP, "name": "Work"}]}


def aegis():
    plain = {"version": 1, "header": {"slots": None, "params": None}, "db": aegis_db()}
    write("aegis-plain.json", json.dumps(plain, indent=4, ensure_ascii=False) + "\n")

    master_key = bytes(range(32))
    salt = bytes(range(100, 132))
    slot_nonce, db_nonce = bytes(range(12)), bytes(range(12, 24))
    kek = hashlib.scrypt(AEGIS_PASSWORD.encode(), salt=salt, n=32768, r=8, p=1, maxmem=64 << 20, dklen=32)
    wrapped = AESGCM(kek).encrypt(slot_nonce, master_key, None)
    sealed = AESGCM(master_key).encrypt(db_nonce, json.dumps(aegis_db()).encode(), None)
    encrypted = {
        "version": 1,
        "header": {
            "slots": [{
                "type": 1, "uuid": "9b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9",
                "key": wrapped[:-16].hex(),
                "key_params": {"nonce": slot_nonce.hex(), "tag": wrapped[-16:].hex()},
                "n": 32768, "r": 8, "p": 1, "salt": salt.hex(), "repaired": True, "is_backup": False,
            }],
            "params": {"nonce": db_nonce.hex(), "tag": sealed[-16:].hex()},
        },
        "db": base64.b64encode(sealed[:-16]).decode(),
    }
    write("aegis-encrypted.json", json.dumps(encrypted, indent=4) + "\n")


# --- 2FAS ------------------------------------------------------------------
def twofas_services():
    services = []
    for i, (issuer, name, secret, kind, algo, digits, factor, tags, _note) in enumerate(ACCOUNTS):
        otp = {"label": name, "account": name, "issuer": issuer, "digits": digits,
               "algorithm": algo, "tokenType": kind.upper(), "source": "Link"}
        otp["counter" if kind == "hotp" else "period"] = factor
        service = {"name": issuer, "secret": secret, "updatedAt": 1700000000000 + i, "otp": otp,
                   "order": {"position": i},
                   "icon": {"selected": "Label", "label": {"text": issuer[:2].upper(), "backgroundColor": "Default"}}}
        if "Work" in tags:
            service["groupId"] = "group-work"
        services.append(service)
    return services


def twofas_backup(services):
    return {"services": services, "groups": [{"id": "group-work", "name": "Work", "isExpanded": True}],
            "updatedAt": 1700000000999, "schemaVersion": 4, "appVersionCode": 5000009,
            "appVersionName": "5.1.0", "appOrigin": "android"}


def twofas():
    write("2fas.2fas", json.dumps(twofas_backup(twofas_services()), ensure_ascii=False))


def twofas_encrypted():
    # 2fas-android BackupCipherImpl: PBKDF2WithHmacSHA256, 10000 rounds, 256-bit key;
    # AES/GCM/NoPadding, 12-byte IV, tag after the ciphertext; "data:salt:iv" in base64.
    salt = bytes(range(200, 232))
    key = hashlib.pbkdf2_hmac("sha256", AEGIS_PASSWORD.encode(), salt, 10000, 32)
    b64 = lambda b: base64.b64encode(b).decode()

    def seal(iv, text):
        return f"{b64(AESGCM(key).encrypt(iv, text.encode(), None))}:{b64(salt)}:{b64(iv)}"

    backup = twofas_backup([])
    backup["servicesEncrypted"] = seal(bytes(range(40, 52)), json.dumps(twofas_services(), ensure_ascii=False))
    backup["reference"] = seal(bytes(range(52, 64)), "twofold sample reference text")
    write("2fas-encrypted.2fas", json.dumps(backup, ensure_ascii=False))
    # The same backup with the last byte of the GCM tag flipped.
    data, rest = backup["servicesEncrypted"].split(":", 1)
    sealed = bytearray(base64.b64decode(data))
    sealed[-1] ^= 0x01
    backup["servicesEncrypted"] = f"{b64(bytes(sealed))}:{rest}"
    write("2fas-encrypted-broken.2fas", json.dumps(backup, ensure_ascii=False))


# --- Bitwarden -------------------------------------------------------------
def bitwarden():
    items = []
    for i, (issuer, name, secret, kind, algo, digits, factor, tags, note) in enumerate(ACCOUNTS):
        totp = f"steam://{secret}" if kind == "steam" else uri(issuer, name, secret, kind, algo, digits, factor)
        items.append({
            "id": f"b0000000-0000-4000-8000-00000000000{i}", "organizationId": None,
            "folderId": "f-work" if "Work" in tags else None, "type": 1, "reprompt": 0,
            "name": issuer, "notes": note or None, "favorite": i == 0,
            "login": {"uris": [], "username": name, "password": "hunter2", "totp": totp},
            "collectionIds": None,
        })
    # Items that are not authenticator accounts: a login without a key, a note.
    items.append({"id": "b-plain", "folderId": None, "type": 1, "name": "Forum", "notes": None,
                  "favorite": False, "login": {"uris": [], "username": "frank", "password": "x", "totp": None}})
    items.append({"id": "b-note", "folderId": None, "type": 2, "name": "Wifi", "notes": "pass: y",
                  "favorite": False, "secureNote": {"type": 0}})
    export = {"encrypted": False, "folders": [{"id": "f-work", "name": "Work"}], "items": items}
    write("bitwarden.json", json.dumps(export, indent=2, ensure_ascii=False) + "\n")


# --- andOTP ----------------------------------------------------------------
def andotp_entries():
    entries = []
    for issuer, name, secret, kind, algo, digits, factor, tags, _note in ACCOUNTS:
        entry = {"secret": secret + "=" * (-len(secret) % 8), "issuer": issuer, "label": name,
                 "digits": digits, "type": kind.upper(), "algorithm": algo, "thumbnail": "Default",
                 "last_used": 1700000000000, "used_frequency": 0, "tags": tags}
        if kind == "hotp":
            entry["counter"] = factor
        else:
            entry["period"] = factor
        entries.append(entry)
    return json.dumps(entries, ensure_ascii=False)


def andotp():
    write("andotp.json", andotp_entries())


def write_bytes(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def andotp_encrypted():
    # andOTP BackupHelper.backupToFile: iterations (4 bytes, big-endian, drawn from
    # 140000-160000), salt (12), then EncryptionHelper.encrypt: IV (12) + AES-GCM
    # ciphertext and tag, key PBKDF2WithHmacSHA1(password, salt, iterations, 256 bits).
    iterations, salt, iv = 140000, bytes(range(60, 72)), bytes(range(72, 84))
    key = hashlib.pbkdf2_hmac("sha1", AEGIS_PASSWORD.encode(), salt, iterations, 32)
    sealed = AESGCM(key).encrypt(iv, andotp_entries().encode(), None)
    data = struct.pack(">I", iterations) + salt + iv + sealed
    write_bytes("andotp-encrypted.json.aes", data)
    write_bytes("andotp-encrypted-broken.json.aes", data[:-10])  # cut short
    # Before 0.8 (EncryptionHelper.generateSymmetricKeyFromPassword): IV + sealed
    # under SHA-256(password), no iteration count or salt.
    old_key = hashlib.sha256(AEGIS_PASSWORD.encode()).digest()
    old_iv = bytes(range(84, 96))
    write_bytes("andotp-encrypted-old.json.aes", old_iv + AESGCM(old_key).encrypt(old_iv, andotp_entries().encode(), None))


# --- Ente Auth -------------------------------------------------------------
def ente_lines():
    # Ente writes its query parameters form-encoded (Dart's Uri.replace): `+` for spaces.
    def display(d):
        return "&codeDisplay=" + urllib.parse.quote_plus(json.dumps(d, separators=(",", ":")))
    lines = []
    for i, (issuer, name, secret, kind, algo, digits, factor, tags, note) in enumerate(ACCOUNTS):
        shown = {"pinned": i == 0, "trashed": False, "lastUsedAt": 0, "tapCount": 0, "tags": tags, "note": note}
        line = uri(issuer, name, secret, kind, algo, digits, factor, display(shown))
        if kind == "steam":  # Ente's Code model: the URI's type says Steam
            line = line.replace("otpauth://totp/", "otpauth://steam/").replace("&encoder=steam", "")
        lines.append(line)
    trashed = {"pinned": False, "trashed": True, "lastUsedAt": 0, "tapCount": 0, "tags": []}
    lines.append(uri("Old", "gone", "MZXW6YTBOI", "totp", "SHA1", 6, 30, display(trashed)))
    return "\n".join(lines) + "\n"


def ente():
    write("ente.txt", ente_lines())


def hchacha20(key, nonce16):
    """HChaCha20 (draft-irtf-cfrg-xchacha), to give libsodium's secretstream a fixed header."""
    def rotl(v, n):
        return ((v << n) & 0xFFFFFFFF) | (v >> (32 - n))

    def quarter(s, a, b, c, d):
        s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = rotl(s[d] ^ s[a], 16)
        s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = rotl(s[b] ^ s[c], 12)
        s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = rotl(s[d] ^ s[a], 8)
        s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = rotl(s[b] ^ s[c], 7)

    s = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
    s += list(struct.unpack("<8I", key)) + list(struct.unpack("<4I", nonce16))
    for _ in range(10):
        quarter(s, 0, 4, 8, 12); quarter(s, 1, 5, 9, 13); quarter(s, 2, 6, 10, 14); quarter(s, 3, 7, 11, 15)
        quarter(s, 0, 5, 10, 15); quarter(s, 1, 6, 11, 12); quarter(s, 2, 7, 8, 13); quarter(s, 3, 4, 9, 14)
    return struct.pack("<8I", *(s[0:4] + s[12:16]))


def secretstream_push(key, header, message, tag):
    """One message of libsodium's crypto_secretstream_xchacha20poly1305, sealed by
    libsodium itself; only the header is chosen here (libsodium draws it at random):
    its state, {key HChaCha20(key, header[:16]), nonce counter 1 + header[16:]}, is
    set to match. libsodium then opens it from the header alone, which checks that."""
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    sodium.crypto_secretstream_xchacha20poly1305_init_push(state, key)
    state.statebuf[0:44] = hchacha20(key, header[:16]) + struct.pack("<I", 1) + header[16:]
    sealed = sodium.crypto_secretstream_xchacha20poly1305_push(state, message, None, tag)
    pull = sodium.crypto_secretstream_xchacha20poly1305_state()
    sodium.crypto_secretstream_xchacha20poly1305_init_pull(pull, header, key)
    assert sodium.crypto_secretstream_xchacha20poly1305_pull(pull, sealed, None) == (message, tag)
    return sealed


def secretstream_vectors():
    final = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
    vectors = []
    for n, length in enumerate([0, 1, 15, 16, 17, 24, 63, 64, 100]):
        key, header = bytes((7 * n + i) % 256 for i in range(32)), bytes((11 * n + i + 3) % 256 for i in range(24))
        message = bytes((n + i * 13) % 256 for i in range(length))
        tag = final if n % 3 else sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
        sealed = secretstream_push(key, header, message, tag)
        vectors.append({"key": key.hex(), "header": header.hex(), "sealed": sealed.hex(),
                        "plaintext": message.hex(), "tag": tag})
    write("secretstream-vectors.json", json.dumps(vectors, indent=1) + "\n")


def ente_encrypted():
    # Ente export_widget.dart: Argon2id key (libsodium crypto_pwhash; small costs so the
    # tests are quick, Ente itself uses up to 1 GiB), the plain-text export as one final
    # secretstream message; ente.dart's field names, base64 throughout.
    ops_limit, mem_limit = 2, 16 << 20
    salt, header = bytes(range(120, 136)), bytes(range(136, 160))
    key = nacl.pwhash.argon2id.kdf(32, AEGIS_PASSWORD.encode(), salt, opslimit=ops_limit, memlimit=mem_limit)
    sealed = secretstream_push(key, header, ente_lines().encode(), sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL)
    b64 = lambda b: base64.b64encode(b).decode()
    export = {"version": 1, "kdfParams": {"memLimit": mem_limit, "opsLimit": ops_limit, "salt": b64(salt)},
              "encryptedData": b64(sealed), "encryptionNonce": b64(header)}
    write("ente-encrypted.json", json.dumps(export))
    broken = bytearray(sealed)
    broken[len(broken) // 2] ^= 0x01
    export["encryptedData"] = b64(bytes(broken))
    write("ente-encrypted-broken.json", json.dumps(export))


# --- Proton Authenticator --------------------------------------------------
# As proton-pass-common's proton-authenticator crate writes them
# (src/entry/exporter.rs, src/entry/password_exporter.rs, src/crypto.rs,
# proton-pass-totp/src/totp.rs). Proton has no HOTP, so Bank is left out; it
# has no tags or favourites. It keeps notes: dave's Steam entry has one.
PROTON_NOTES = {"dave": "moved from the Steam app"}


def proton_plain():
    entries = []
    for i, (issuer, name, secret, kind, algo, digits, factor, _tags, _note) in enumerate(ACCOUNTS):
        if kind == "hotp":
            continue
        if kind == "steam":
            content = {"uri": f"steam://{secret}", "entry_type": "Steam", "name": name}
        else:
            # TOTP::to_uri: the name alone in the path (urlencoding), the rest
            # form-encoded query pairs (the url crate), every parameter given.
            totp = (f"otpauth://totp/{urllib.parse.quote(name, safe='')}?secret={secret}"
                    f"&issuer={urllib.parse.quote_plus(issuer, safe='*')}"
                    f"&algorithm={algo}&digits={digits}&period={factor}")
            content = {"uri": totp, "entry_type": "Totp", "name": name}
        entries.append({"id": f"c0000000-0000-4000-8000-00000000000{i}", "content": content,
                        "note": PROTON_NOTES.get(name)})
    return json.dumps({"version": 1, "entries": entries}, separators=(",", ":"), ensure_ascii=False)


def proton_encrypted(plain, tamper=False):
    salt, nonce = bytes(range(200, 216)), bytes(range(40, 52))
    key = hash_secret_raw(AEGIS_PASSWORD.encode(), salt, time_cost=2, memory_cost=19 * 1024,
                          parallelism=1, hash_len=32, type=Type.ID, version=19)
    sealed = AESGCM(key).encrypt(nonce, plain.encode(), b"proton.authenticator.export.v1")
    if tamper:
        sealed = sealed[:-1] + bytes([sealed[-1] ^ 1])  # one bit of the tag flipped
    content = base64.b64encode(nonce + sealed).decode()
    return json.dumps({"version": 1, "salt": base64.b64encode(salt).decode(), "content": content},
                      separators=(",", ":"))


def proton():
    plain = proton_plain()
    write("proton.json", plain)
    write("proton-encrypted.json", proton_encrypted(plain))
    write("proton-tampered.json", proton_encrypted(plain, tamper=True))


# --- FreeOTP+ (helloworld1/FreeOTPPlus: SavedTokens.kt, Token.java, Gson) ---
def signed_bytes(secret):
    raw = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return [b - 256 if b > 127 else b for b in raw]


def freeotp_token(issuer, name, secret, kind, algo, digits, factor):
    # FreeOTP+ makes Steam codes for a TOTP token whose issuerExt is "Steam";
    # it stores the counter of the code last shown: the URI's counter - 1.
    return {"algo": algo, "counter": factor - 1 if kind == "hotp" else 0, "digits": digits,
            "issuerExt": issuer, "label": name, "period": 30 if kind == "hotp" else factor,
            "secret": signed_bytes(secret), "type": "HOTP" if kind == "hotp" else "TOTP"}


def freeotpplus():
    # FreeOTP+ keeps no tags, notes or favourites. The tokens are written in
    # reverse and tokenOrder gives the order shown, so following it matters.
    tokens = [freeotp_token(*a[:7]) for a in ACCOUNTS]
    order = [f"{a[0]}:{a[1]}" for a in ACCOUNTS]
    backup = {"tokenOrder": order, "tokens": list(reversed(tokens))}
    write("freeotpplus.json", json.dumps(backup, separators=(",", ":"), ensure_ascii=False))
    # Broken: a token whose secret is empty.
    bad = freeotp_token("Empty", "nobody", "", "totp", "SHA1", 6, 30)
    broken = {"tokenOrder": ["GitHub:alice@example.com", "Empty:nobody"],
              "tokens": [tokens[0], bad]}
    write("freeotpplus-broken.json", json.dumps(broken, separators=(",", ":")))


# --- Stratum / Authenticator Pro (Stratum.Core: Backup.cs, Authenticator.cs) --
STRATUM_TYPES = {"hotp": 1, "totp": 2, "steam": 4}  # AuthenticatorType; MobileOtp 3, YandexOtp 5
STRATUM_ALGORITHMS = {"SHA1": 0, "SHA256": 1, "SHA512": 2}  # HashAlgorithm


def stratum_authenticator(issuer, name, secret, kind, algo, digits, factor, ranking):
    return {"Type": STRATUM_TYPES[kind], "Icon": None, "Issuer": issuer, "Username": name,
            "Secret": secret, "Pin": None, "Algorithm": STRATUM_ALGORITHMS[algo], "Digits": digits,
            "Period": 30 if kind == "hotp" else factor, "Counter": factor if kind == "hotp" else 0,
            "CopyCount": 0, "Ranking": ranking}


def stratum_backup():
    # Stratum keeps categories (tags), no notes and no favourites.
    authenticators = [stratum_authenticator(*a[:7], i) for i, a in enumerate(ACCOUNTS)]
    bindings = [{"CategoryId": "c0ffee01", "AuthenticatorSecret": a[2], "Ranking": 0}
                for a in ACCOUNTS if "Work" in a[7]]
    return {"Authenticators": authenticators,
            "Categories": [{"Id": "c0ffee01", "Name": "Work", "Ranking": 0},
                           {"Id": "c0ffee02", "Name": "Unused", "Ranking": 1}],
            "AuthenticatorCategories": bindings, "CustomIcons": []}


def stratum():
    backup = stratum_backup()
    write("stratum.json", json.dumps(backup, separators=(",", ":"), ensure_ascii=False))
    # Broken: a mOTP entry (Type 3, a hex secret and a PIN), which Twofold cannot compute.
    motp = {"Type": 3, "Icon": None, "Issuer": "Mobile", "Username": "frank",
            "Secret": "0123456789abcdef", "Pin": "1234", "Algorithm": 0, "Digits": 6,
            "Period": 10, "Counter": 0, "CopyCount": 0, "Ranking": 1}
    broken = dict(backup, Authenticators=[backup["Authenticators"][0], motp])
    write("stratum-broken.json", json.dumps(broken, separators=(",", ":"), ensure_ascii=False))
    # A backup made with a password (StrongBackupEncryption.cs): header, 16-byte
    # salt, 12-byte IV, AES-256-GCM of the JSON with an Argon2id key (t=3,
    # m=64 MiB, p=4). Twofold recognises it and refuses it with advice.
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
    salt, iv = bytes(range(200, 216)), bytes(range(216, 228))
    key = Argon2id(salt=salt, length=32, iterations=3, lanes=4, memory_cost=65536).derive(
        AEGIS_PASSWORD.encode())
    sealed = AESGCM(key).encrypt(iv, json.dumps(backup).encode(), None)
    with open(os.path.join(HERE, "stratum-encrypted.bin"), "wb") as f:
        f.write(b"AUTHENTICATORPRO" + salt + iv + sealed)


# --- LastPass Authenticator (JSON export, version 3) -------------------------
def lastpass():
    # LastPass only makes TOTP codes: Bank (HOTP) and Steam cannot be in it.
    # It keeps favourites and folders (tags); no notes.
    accounts = []
    for i, (issuer, name, secret, kind, algo, digits, factor, tags, _note) in enumerate(ACCOUNTS):
        if kind != "totp":
            continue
        accounts.append({
            "accountID": f"acc-{i}", "issuerName": issuer, "originalIssuerName": issuer,
            "userName": name, "originalUserName": name, "pushNotification": False,
            "secret": secret, "timeStep": factor, "digits": digits,
            "creationTimestamp": 1700000000000 + i, "isFavorite": i == 0, "algorithm": algo,
            "folderData": {"folderId": 2 if "Work" in tags else 0, "position": i},
        })
    export = {"deviceId": "", "deviceSecret": "", "localDeviceId": "", "deviceName": "",
              "version": 3, "accounts": accounts,
              "folders": [{"id": 0, "name": "Favorites", "isOpened": True},
                          {"id": 1, "name": "Other Accounts", "isOpened": True},
                          {"id": 2, "name": "Work", "isOpened": True}]}
    text = json.dumps(export, ensure_ascii=False)
    write("lastpass.json", text)
    # Broken: the same export cut short.
    write("lastpass-broken.json", text[: len(text) // 2])


# --- Bitwarden CSV -----------------------------------------------------------
BITWARDEN_CSV_COLUMNS = ["folder", "favorite", "type", "name", "notes", "fields", "reprompt",
                         "login_uri", "login_username", "login_password", "login_totp"]


def bitwarden_csv_text(rows):
    out = io.StringIO()
    # Python's csv module quotes as RFC 4180 says (doubled quotes), an
    # implementation independent of Twofold's parser.
    # Rows end in CRLF, as papaparse (which Bitwarden uses) writes them.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(BITWARDEN_CSV_COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


def bitwarden_csv():
    rows = []
    for i, (issuer, name, secret, kind, algo, digits, factor, tags, note) in enumerate(ACCOUNTS):
        totp = f"steam://{secret}" if kind == "steam" else uri(issuer, name, secret, kind, algo, digits, factor)
        rows.append(["Work" if "Work" in tags else "", "1" if i == 0 else "", "login", issuer,
                     note, "", "0", "https://example.com/login", name,
                     'p,a"ss\nword', totp])
    # Not authenticator accounts: a login without a key and a note with
    # commas, quotes and a line break (quoted fields).
    rows.append(["", "", "login", "Forum", "", "", "0", "", "frank", "x", ""])
    rows.append(["", "", "note", "Wifi", 'pass: "y", and\nmore', "", "0", "", "", "", ""])
    write("bitwarden.csv", bitwarden_csv_text(rows))
    broken = [rows[0], ["", "", "login", "Broken", "", "", "0", "", "gina", "x", "NOT-BASE32!"]]
    write("bitwarden-broken.csv", bitwarden_csv_text(broken))


if __name__ == "__main__":
    otpauth_list()
    google_migration()
    aegis()
    twofas()
    twofas_encrypted()
    bitwarden()
    andotp()
    andotp_encrypted()
    ente()
    proton()
    ente_encrypted()
    secretstream_vectors()
    freeotpplus()
    stratum()
    lastpass()
    bitwarden_csv()
