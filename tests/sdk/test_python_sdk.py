"""twilio-python (the official SDK, pinned) runs real Verify and Lookups flows against
the running Sandbox. Every response it receives is written to $SDK_CAPTURE as JSON
lines; validate.mjs then judges each against the official spec."""

import base64
import hashlib
import hmac
import http.server
import json
import os
import random
import struct
import threading
import time
import unittest
import urllib.request
from urllib.parse import parse_qsl, quote

from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

BASE = os.environ.get("SANDBOX_URL", "http://127.0.0.1:7722")
ACCOUNT_SID = os.environ.get("SANDBOX_ACCOUNT_SID", "AC" + "0" * 32)
AUTH_TOKEN = os.environ.get("SANDBOX_AUTH_TOKEN", "sandbox-auth-token")
CAPTURE = os.environ.get("SDK_CAPTURE", "python-capture.jsonl")


class RecordingHttpClient(TwilioHttpClient):
    """twilio-python's own HTTP client, recording every exchange for the spec judge."""

    def request(self, method, url, *args, **kwargs):
        response = super().request(method, url, *args, **kwargs)
        body = json.loads(response.text) if response.text else None
        with open(CAPTURE, "a", encoding="utf-8") as f:
            f.write(json.dumps({"method": method, "url": url, "status": response.status_code, "body": body}) + "\n")
        return response


def sandbox_client(token=AUTH_TOKEN):
    """An official client pointed at the Sandbox, the way docs/sandbox.md tells QA to."""
    client = Client(ACCOUNT_SID, token, http_client=RecordingHttpClient())
    client.verify.base_url = BASE
    client.lookups.base_url = BASE
    return client


def admin(method, path, form=None):
    data = "&".join(f"{k}={quote(str(v))}" for k, v in (form or {}).items()).encode() if form else None
    req = urllib.request.Request(BASE + path, data=data, method=method)
    req.add_header("Authorization", "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode())
    with urllib.request.urlopen(req) as r:
        text = r.read()
    return json.loads(text) if text else None


def last_code(to):
    return admin("GET", f"/sandbox/outbox?To={quote(to)}&Wait=5")["messages"][-1]["code"]


def sandbox_now():
    now = admin("GET", "/sandbox/clock")["now"]
    return int(time.mktime(time.strptime(now, "%Y-%m-%dT%H:%M:%SZ")) - time.timezone)


def totp(secret, at, digits=6, step=30):
    """RFC 6238 TOTP (SHA-1): what the user's authenticator app would show."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", at // step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = (struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return str(value).zfill(digits)


def mobile_number():
    """A random US number; the Sandbox treats a final 0 as a landline."""
    return "+1415555" + str(random.randint(1000, 9999))[:3] + str(random.randint(1, 9))


class VerifyFlows(unittest.TestCase):
    def assertRestError(self, call, status, code):
        with self.assertRaises(TwilioRestException) as caught:
            call()
        self.assertEqual((caught.exception.status, caught.exception.code), (status, code), caught.exception.msg)

    def test_send_check_and_gone(self):
        client = sandbox_client()
        service = client.verify.v2.services.create(friendly_name="Python QA", code_length=6)
        to = mobile_number()
        v = client.verify.v2.services(service.sid).verifications.create(to=to, channel="sms")
        self.assertEqual(v.status, "pending")
        code = last_code(to)
        checks = client.verify.v2.services(service.sid).verification_checks
        self.assertEqual(checks.create(to=to, code="000000").status, "pending")
        approved = checks.create(to=to, code=code)
        self.assertEqual((approved.status, approved.valid), ("approved", True))
        self.assertRestError(lambda: checks.create(to=to, code=code), 404, 20404)
        attempts = client.verify.v2.verification_attempts.list(verification_sid=v.sid)
        self.assertEqual([a.conversion_status for a in attempts], ["converted"])

    def test_limits_cancel_and_errors(self):
        client = sandbox_client()
        service = client.verify.v2.services.create(friendly_name="Python limits")
        verifications = client.verify.v2.services(service.sid).verifications
        to = mobile_number()
        for _ in range(5):
            verifications.create(to=to, channel="sms")
        self.assertRestError(lambda: verifications.create(to=to, channel="sms"), 429, 60203)
        checks = client.verify.v2.services(service.sid).verification_checks
        for _ in range(5):
            self.assertEqual(checks.create(to=to, code="1234").status, "pending")
        self.assertRestError(lambda: checks.create(to=to, code="1234"), 429, 60202)
        other = verifications.create(to=mobile_number(), channel="sms")
        self.assertEqual(verifications(other.sid).update(status="canceled").status, "canceled")
        self.assertRestError(lambda: verifications(other.sid).fetch(), 404, 20404)
        self.assertRestError(lambda: verifications.create(to="+1415", channel="sms"), 400, 60200)
        stranger = sandbox_client("wrong").verify.v2.services(service.sid)
        self.assertRestError(stranger.fetch, 401, 20003)

    def test_totp_factor_challenge_and_signed_webhook(self):
        received = []

        class Hook(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                received.append((self.headers["X-Twilio-Signature"], dict(parse_qsl(body, keep_blank_values=True))))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        hook_url = f"http://127.0.0.1:{server.server_port}/verify-events"
        try:
            client = sandbox_client()
            service = client.verify.v2.services.create(friendly_name="Python TOTP", totp_issuer="PyQA")
            svc = client.verify.v2.services(service.sid)
            svc.webhooks.create(friendly_name="events", event_types=["factor.verified", "challenge.approved"], webhook_url=hook_url)
            entity = svc.entities("python-qa-0001")
            factor = entity.new_factors.create(friendly_name="py@example.com", factor_type="totp")
            self.assertEqual(factor.status, "unverified")
            secret = factor.binding["secret"]
            self.assertEqual(entity.factors(factor.sid).update(auth_payload=totp(secret, sandbox_now())).status, "verified")
            challenge = entity.challenges.create(factor_sid=factor.sid, auth_payload=totp(secret, sandbox_now()))
            self.assertEqual(challenge.status, "approved")
            self.assertEqual(len(entity.challenges.list()), 1)
            for _ in range(100):
                if len(received) >= 2:
                    break
                time.sleep(0.02)
            self.assertEqual([p["type"] for _, p in received], ["factor.verified", "challenge.approved"])
            validator = RequestValidator(AUTH_TOKEN)
            for signature, params in received:
                self.assertTrue(validator.validate(hook_url, params, signature), "X-Twilio-Signature validates")
        finally:
            server.shutdown()
            server.server_close()

    def test_lookups(self):
        client = sandbox_client()
        number = client.lookups.v2.phone_numbers("+14159929961").fetch(fields="line_type_intelligence,caller_name")
        self.assertTrue(number.valid)
        self.assertEqual(number.line_type_intelligence["type"], "mobile")
        self.assertEqual(number.caller_name["caller_type"], "CONSUMER")
        invalid = client.lookups.v2.phone_numbers("+1415").fetch()
        self.assertFalse(invalid.valid)
        self.assertEqual(invalid.validation_errors, ["TOO_SHORT"])

    def test_paging_follows_sandbox_links(self):
        client = sandbox_client()
        made = {client.verify.v2.services.create(friendly_name=f"Py page {i}").sid for i in range(5)}
        listed = {s.sid for s in client.verify.v2.services.list(page_size=2)}
        self.assertTrue(made <= listed)
        page = client.verify.v2.services.page(page_size=2)
        self.assertTrue(page.next_page_url.startswith(BASE))
        self.assertEqual(len(list(page.next_page())), 2)


if __name__ == "__main__":
    unittest.main()
