import { describe, expect, it } from "vitest";
import {
  channelConfigurationProblem,
  checkOutcome,
  destinationProblem,
  localTime,
  needsUsConsentReminder,
  newVerification,
  resendLabel,
  resendSecondsLeft,
  serviceForm,
  serviceFormProblems,
  serviceSettings,
  shortSid,
  statusAfterCheckError,
  statusWords,
  warnsOfLandline,
  type SendFields,
} from "./admin";
import type { DestinationHint, ServiceSettings } from "./bindings";

describe("resend cooldown", () => {
  const sentAt = 1_000_000;
  it("starts at thirty seconds", () => expect(resendSecondsLeft(sentAt, sentAt)).toBe(30));
  it("counts whole seconds down, rounding up", () => {
    expect(resendSecondsLeft(sentAt, sentAt + 3_200)).toBe(27);
    expect(resendSecondsLeft(sentAt, sentAt + 29_001)).toBe(1);
  });
  it("ends at zero and never goes below", () => {
    expect(resendSecondsLeft(sentAt, sentAt + 30_000)).toBe(0);
    expect(resendSecondsLeft(sentAt, sentAt + 45_000)).toBe(0);
  });
  it("waits no longer than one cooldown when the clock goes back", () =>
    expect(resendSecondsLeft(sentAt, sentAt - 60_000)).toBe(30));
  it("says how long to wait on the button", () => {
    expect(resendLabel(27)).toBe("Resend in 27 s");
    expect(resendLabel(0)).toBe("Resend");
  });
});

describe("status words", () => {
  it("names each status with a hint", () => {
    expect(statusWords("pending")).toEqual({ word: "Pending", hint: "waiting for the customer's code" });
    expect(statusWords("approved")).toEqual({ word: "Approved", hint: "the code was right" });
    expect(statusWords("max_attempts_reached").hint).toBe("too many wrong codes");
    expect(statusWords("canceled").word).toBe("Canceled");
    expect(statusWords("expired").word).toBe("Expired");
  });
  it("shows an unknown status as Twilio spelled it, without a hint", () =>
    expect(statusWords("deleted_by_admin")).toEqual({ word: "deleted by admin", hint: null }));
  it("says what a check's answer means", () => {
    expect(checkOutcome("approved", "sms")).toBe("Approved — the code was right");
    expect(checkOutcome("pending", "sms")).toBe("Still pending — that code is wrong");
    expect(checkOutcome("pending", "sna")).toBe("Still pending — the phone has not opened the link yet");
    expect(checkOutcome("max_attempts_reached", "sms")).toBe("Max attempts reached — too many wrong codes");
  });
  it("knows the sixth check closes the verification", () => {
    expect(statusAfterCheckError(60202)).toBe("max_attempts_reached");
    expect(statusAfterCheckError(20404)).toBeNull();
    expect(statusAfterCheckError(undefined)).toBeNull();
  });
});

describe("warnings before a send", () => {
  it("warns of a landline for SMS only", () => {
    expect(warnsOfLandline("landline", "sms")).toBe(true);
    expect(warnsOfLandline("landline", "call")).toBe(false);
    expect(warnsOfLandline("mobile", "sms")).toBe(false);
    expect(warnsOfLandline(null, "sms")).toBe(false);
  });
  it("reminds of US consent for SMS to +1 numbers", () => {
    expect(needsUsConsentReminder("+14155550123", "sms")).toBe(true);
    expect(needsUsConsentReminder(" +1 415 555 0123", "sms")).toBe(true);
    expect(needsUsConsentReminder("+14155550123", "call")).toBe(false);
    expect(needsUsConsentReminder("+447400123456", "sms")).toBe(false);
  });
  it("matches the destination to the channel", () => {
    const phone: DestinationHint = { e164: "+14155550123", international: "+1 415-555-0123", email: false, message: null };
    const email: DestinationHint = { e164: null, international: null, email: true, message: null };
    expect(destinationProblem(phone, "sms")).toBeNull();
    expect(destinationProblem(email, "email")).toBeNull();
    expect(destinationProblem(phone, "email")).toMatch(/needs an email address/);
    expect(destinationProblem(email, "sms")).toMatch(/only works with the email channel/);
  });
});

describe("channel configuration", () => {
  it("may be left blank", () => expect(channelConfigurationProblem("  ")).toBeNull());
  it("accepts a JSON object", () =>
    expect(channelConfigurationProblem('{"from": "codes@example.com", "substitutions": {"a": 1}}')).toBeNull());
  it("refuses text that is not JSON", () => expect(channelConfigurationProblem("{from: x}")).toMatch(/^That is not JSON/));
  it("refuses JSON that is not an object", () => {
    expect(channelConfigurationProblem("[1, 2]")).toMatch(/JSON object/);
    expect(channelConfigurationProblem('"text"')).toMatch(/JSON object/);
    expect(channelConfigurationProblem("null")).toMatch(/JSON object/);
  });
});

describe("send request", () => {
  const form: SendFields = {
    to: " +14155550123 ",
    channel: "sms",
    locale: "",
    customCode: " 4242 ",
    customFriendlyName: "",
    amount: "€12.00",
    payee: "Acme",
    channelConfiguration: "",
  };
  it("trims what was typed and sends blanks as null", () =>
    expect(newVerification(form, true)).toEqual({
      to: "+14155550123",
      channel: "sms",
      locale: null,
      customCode: "4242",
      customFriendlyName: null,
      amount: "€12.00",
      payee: "Acme",
      channelConfiguration: null,
      deviceIp: null,
    }));
  it("leaves amount and payee out when the service is not PSD2", () => {
    const request = newVerification(form, false);
    expect(request.amount).toBeNull();
    expect(request.payee).toBeNull();
  });
});

describe("service form", () => {
  const valid = { ...serviceForm(null), friendlyName: "Acme" };

  it("starts a new service with Twilio's defaults", () => {
    const form = serviceForm(null);
    expect(form.friendlyName).toBe("");
    expect(form.dtmfInputRequired).toBe(true);
    expect(form.lookupEnabled).toBe(false);
  });
  it("needs a name of at most 32 characters", () => {
    expect(serviceFormProblems(serviceForm(null)).friendlyName).toMatch(/Give the service a name/);
    expect(serviceFormProblems({ ...valid, friendlyName: "x".repeat(33) }).friendlyName).toMatch(/32/);
    expect(serviceFormProblems(valid)).toEqual({});
  });
  it("keeps numbers in Twilio's ranges", () => {
    expect(serviceFormProblems({ ...valid, codeLength: "3" }).codeLength).toMatch(/4 to 10/);
    expect(serviceFormProblems({ ...valid, codeLength: "11" }).codeLength).toMatch(/4 to 10/);
    expect(serviceFormProblems({ ...valid, codeLength: "6.5" }).codeLength).toMatch(/whole number/);
    expect(serviceFormProblems({ ...valid, codeLength: "4" })).toEqual({});
    expect(serviceFormProblems({ ...valid, totpTimeStep: "19" }).totpTimeStep).toMatch(/20 to 60/);
    expect(serviceFormProblems({ ...valid, totpCodeLength: "9" }).totpCodeLength).toMatch(/3 to 8/);
    expect(serviceFormProblems({ ...valid, totpSkew: "3" }).totpSkew).toMatch(/0 to 2/);
    expect(serviceFormProblems({ ...valid, totpSkew: "0" })).toEqual({});
  });
  it("skips landlines only with Lookup on", () => {
    expect(serviceFormProblems({ ...valid, skipSmsToLandlines: true }).skipSmsToLandlines).toMatch(/Lookup/);
    expect(serviceFormProblems({ ...valid, skipSmsToLandlines: true, lookupEnabled: true })).toEqual({});
  });
  it("sends blank fields as null and numbers as numbers", () => {
    const settings = serviceSettings({ ...valid, codeLength: "8", totpSkew: "0", ttsName: "  " });
    expect(settings.friendlyName).toBe("Acme");
    expect(settings.codeLength).toBe(8);
    expect(settings.totpSkew).toBe(0);
    expect(settings.ttsName).toBeNull();
    expect(settings.totpIssuer).toBeNull();
    expect(settings.dtmfInputRequired).toBe(true);
  });
  it("round-trips a service's settings through the edit form", () => {
    const saved: ServiceSettings = {
      friendlyName: "Acme",
      codeLength: 8,
      lookupEnabled: true,
      skipSmsToLandlines: true,
      dtmfInputRequired: false,
      ttsName: "Polly.Amy",
      psd2Enabled: true,
      doNotShareWarningEnabled: true,
      customCodeEnabled: true,
      totpIssuer: "Acme Inc",
      totpTimeStep: 30,
      totpCodeLength: 6,
      totpSkew: 1,
      defaultTemplateSid: "HJ0123",
      whatsappMsgServiceSid: "MG0123",
      whatsappFrom: "whatsapp:+14155550000",
      verifyEventSubscriptionEnabled: true,
    };
    expect(serviceSettings(serviceForm(saved))).toEqual(saved);
  });
});

describe("history cells", () => {
  it("writes the time in the local zone", () =>
    expect(localTime(new Date(2026, 0, 2, 3, 4, 5).getTime() / 1000)).toBe("2026-01-02 03:04:05"));
  it("shortens long SIDs and leaves short ones", () => {
    expect(shortSid("VA0123456789abcdef0123456789abcdef")).toBe("VA…abcdef");
    expect(shortSid("VA0123")).toBe("VA0123");
  });
});
