#!/usr/bin/env python3
"""Writes the import samples in this folder: the same five accounts in each
app's published export layout. Independent of Twofold's code on purpose
(the Google protobuf is encoded by hand here, the Aegis encryption uses
Python's hashlib.scrypt and the `cryptography` package), so the importers
are checked against a second implementation, not against themselves.

Fixed salts and nonces keep the output stable: re-running gives the same
files. Run: python3 make_samples.py (needs `pip install cryptography
argon2-cffi`: `cryptography` for AES-GCM, `argon2-cffi` for Proton
Authenticator's Argon2id).
"""
import base64
import hashlib
import json
import os
import urllib.parse

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
def twofas():
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
    backup = {"services": services, "groups": [{"id": "group-work", "name": "Work", "isExpanded": True}],
              "updatedAt": 1700000000999, "schemaVersion": 4, "appVersionCode": 5000009,
              "appVersionName": "5.1.0", "appOrigin": "android"}
    write("2fas.2fas", json.dumps(backup, ensure_ascii=False))


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
def andotp():
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
    write("andotp.json", json.dumps(entries, ensure_ascii=False))


# --- Ente Auth -------------------------------------------------------------
def ente():
    lines = []
    for i, (issuer, name, secret, kind, algo, digits, factor, tags, note) in enumerate(ACCOUNTS):
        display = {"pinned": i == 0, "trashed": False, "lastUsedAt": 0, "tapCount": 0, "tags": tags, "note": note}
        extra = "&codeDisplay=" + urllib.parse.quote(json.dumps(display, separators=(",", ":")), safe="")
        lines.append(uri(issuer, name, secret, kind, algo, digits, factor, extra))
    trashed = {"pinned": False, "trashed": True, "lastUsedAt": 0, "tapCount": 0, "tags": []}
    lines.append(uri("Old", "gone", "MZXW6YTBOI", "totp", "SHA1", 6, 30,
                     "&codeDisplay=" + urllib.parse.quote(json.dumps(trashed, separators=(",", ":")), safe="")))
    write("ente.txt", "\n".join(lines) + "\n")


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


if __name__ == "__main__":
    otpauth_list()
    google_migration()
    aegis()
    twofas()
    bitwarden()
    andotp()
    ente()
    proton()
