// Rules of the Admin room that need no window: status words, send and check
// requests, the resend cooldown, warnings before a send, the service form.

import type { DestinationHint, NewVerification, ServiceSettings, VerificationSummary } from "./bindings";

/** The channels Verify sends by, as the channel menu names them. */
export const CHANNEL_NAMES = {
  sms: "SMS",
  call: "Voice call",
  email: "Email",
  whatsapp: "WhatsApp",
  rcs: "RCS",
  sna: "Silent network auth (SNA)",
  auto: "Automatic",
} as const;
export type Channel = keyof typeof CHANNEL_NAMES;

/** A verification the room sent, with what acting on it again needs. */
export interface SentVerification {
  profile: string;
  service: string;
  verification: VerificationSummary;
  /** The request, as Resend repeats it. */
  request: NewVerification;
  /** `Date.now()` of the last send, for the resend cooldown. */
  sentAt: number;
}

/** Resend waits this long after a send, so that a customer whose message is merely slow does not get two. */
export const RESEND_COOLDOWN_SECONDS = 30;

/** Whole seconds before Resend may be pressed again, for a send at `sentAtMs`. */
export function resendSecondsLeft(sentAtMs: number, nowMs: number): number {
  const left = Math.ceil(RESEND_COOLDOWN_SECONDS - (nowMs - sentAtMs) / 1000);
  // A clock set back must not stretch the wait past one cooldown.
  return Math.min(RESEND_COOLDOWN_SECONDS, Math.max(0, left));
}

export function resendLabel(secondsLeft: number): string {
  return secondsLeft > 0 ? `Resend in ${secondsLeft} s` : "Resend";
}

export interface StatusWords {
  word: string;
  hint: string | null;
}

const STATUS_WORDS: Record<string, StatusWords> = {
  pending: { word: "Pending", hint: "waiting for the customer's code" },
  approved: { word: "Approved", hint: "the code was right" },
  canceled: { word: "Canceled", hint: "stopped by hand: a new send gets a new code" },
  expired: { word: "Expired", hint: "the code is no longer valid: send a new one" },
  max_attempts_reached: { word: "Max attempts reached", hint: "too many wrong codes" },
  failed: { word: "Failed", hint: "Twilio could not deliver it" },
};

/** A verification's status in plain words, with a short hint. */
export function statusWords(status: string): StatusWords {
  return STATUS_WORDS[status] ?? { word: status.replaceAll("_", " ") || "Unknown", hint: null };
}

/** What a check's answer means, in one line. */
export function checkOutcome(status: string, channel: string): string {
  if (status === "approved") return "Approved — the code was right";
  if (status === "pending") {
    return channel === "sna"
      ? "Still pending — the phone has not opened the link yet"
      : "Still pending — that code is wrong";
  }
  const { word, hint } = statusWords(status);
  return hint ? `${word} — ${hint}` : word;
}

/**
 * The status a verification is left in by a refused check, when the error
 * says it: Twilio closes it on the sixth check but does not send it back.
 */
export function statusAfterCheckError(errorCode: number | undefined): string | null {
  return errorCode === 60202 ? "max_attempts_reached" : null;
}

/** Whether to warn that an SMS will not reach the number Lookup described. */
export function warnsOfLandline(lineType: string | null | undefined, channel: string): boolean {
  return lineType === "landline" && channel === "sms";
}

/** Whether to remind that US carriers expect the person to have asked for the SMS. */
export function needsUsConsentReminder(destination: string, channel: string): boolean {
  return channel === "sms" && destination.trim().startsWith("+1");
}

/** What is wrong with the channel configuration text, or null when it can be sent (blank is fine). */
export function channelConfigurationProblem(text: string): string | null {
  if (text.trim() === "") return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `That is not JSON: ${(error as Error).message}`;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return 'Channel configuration is a JSON object, like {"from": "codes@example.com"}.';
  }
  return null;
}

/** Whether the destination can go by the channel, or what to change. */
export function destinationProblem(hint: DestinationHint, channel: string): string | null {
  if (channel === "email" && !hint.email) return "The email channel needs an email address.";
  if (channel !== "email" && hint.email) return "An email address only works with the email channel.";
  return null;
}

/** The send form as typed. */
export interface SendFields {
  to: string;
  channel: Channel;
  locale: string;
  customCode: string;
  customFriendlyName: string;
  amount: string;
  payee: string;
  channelConfiguration: string;
}

const blankToNull = (text: string): string | null => (text.trim() === "" ? null : text.trim());

/** The send request for the form; PSD2 amount and payee only go to a PSD2 service. */
export function newVerification(form: SendFields, psd2: boolean): NewVerification {
  return {
    to: form.to.trim(),
    channel: form.channel,
    locale: blankToNull(form.locale),
    customCode: blankToNull(form.customCode),
    customFriendlyName: blankToNull(form.customFriendlyName),
    amount: psd2 ? blankToNull(form.amount) : null,
    payee: psd2 ? blankToNull(form.payee) : null,
    channelConfiguration: blankToNull(form.channelConfiguration),
    deviceIp: null,
  };
}

/** The Verify Service form: text as typed, switches as set. */
export interface ServiceForm {
  friendlyName: string;
  codeLength: string;
  lookupEnabled: boolean;
  skipSmsToLandlines: boolean;
  dtmfInputRequired: boolean;
  ttsName: string;
  psd2Enabled: boolean;
  doNotShareWarningEnabled: boolean;
  customCodeEnabled: boolean;
  totpIssuer: string;
  totpTimeStep: string;
  totpCodeLength: string;
  totpSkew: string;
  defaultTemplateSid: string;
  whatsappMsgServiceSid: string;
  whatsappFrom: string;
  verifyEventSubscriptionEnabled: boolean;
}

/** The form for a service, or for a new one with Twilio's defaults switched as Twilio does. */
export function serviceForm(settings: ServiceSettings | null): ServiceForm {
  const text = (value: string | number | null | undefined) => (value == null ? "" : String(value));
  return {
    friendlyName: text(settings?.friendlyName),
    codeLength: text(settings?.codeLength),
    lookupEnabled: settings?.lookupEnabled ?? false,
    skipSmsToLandlines: settings?.skipSmsToLandlines ?? false,
    dtmfInputRequired: settings?.dtmfInputRequired ?? true,
    ttsName: text(settings?.ttsName),
    psd2Enabled: settings?.psd2Enabled ?? false,
    doNotShareWarningEnabled: settings?.doNotShareWarningEnabled ?? false,
    customCodeEnabled: settings?.customCodeEnabled ?? false,
    totpIssuer: text(settings?.totpIssuer),
    totpTimeStep: text(settings?.totpTimeStep),
    totpCodeLength: text(settings?.totpCodeLength),
    totpSkew: text(settings?.totpSkew),
    defaultTemplateSid: text(settings?.defaultTemplateSid),
    whatsappMsgServiceSid: text(settings?.whatsappMsgServiceSid),
    whatsappFrom: text(settings?.whatsappFrom),
    verifyEventSubscriptionEnabled: settings?.verifyEventSubscriptionEnabled ?? false,
  };
}

/** Twilio's limit on a service's name. */
export const FRIENDLY_NAME_MAX = 32;

const NUMBER_RANGES = {
  codeLength: [4, 10, "Code length"],
  totpTimeStep: [20, 60, "Time step"],
  totpCodeLength: [3, 8, "TOTP code length"],
  totpSkew: [0, 2, "Skew"],
} as const;

export type ServiceFormProblems = Partial<Record<keyof ServiceForm, string>>;

/** What is wrong with each field, in words to show next to it; empty when the form can be sent. */
export function serviceFormProblems(form: ServiceForm): ServiceFormProblems {
  const problems: ServiceFormProblems = {};
  const name = form.friendlyName.trim();
  if (name === "") problems.friendlyName = "Give the service a name: customers see it in their messages.";
  else if (name.length > FRIENDLY_NAME_MAX) problems.friendlyName = `At most ${FRIENDLY_NAME_MAX} characters.`;
  for (const [field, [low, high, label]] of Object.entries(NUMBER_RANGES) as [
    keyof typeof NUMBER_RANGES,
    (typeof NUMBER_RANGES)[keyof typeof NUMBER_RANGES],
  ][]) {
    const text = form[field].trim();
    if (text === "") continue;
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < low || value > high) {
      problems[field] = `${label} is a whole number from ${low} to ${high}.`;
    }
  }
  if (form.skipSmsToLandlines && !form.lookupEnabled) {
    problems.skipSmsToLandlines = "Skipping landlines needs Lookup: turn Lookup on too.";
  }
  return problems;
}

/** The settings to send for a form without problems; a blank field is sent as null. */
export function serviceSettings(form: ServiceForm): ServiceSettings {
  const number = (text: string) => (text.trim() === "" ? null : Number(text.trim()));
  return {
    friendlyName: blankToNull(form.friendlyName),
    codeLength: number(form.codeLength),
    lookupEnabled: form.lookupEnabled,
    skipSmsToLandlines: form.skipSmsToLandlines,
    dtmfInputRequired: form.dtmfInputRequired,
    ttsName: blankToNull(form.ttsName),
    psd2Enabled: form.psd2Enabled,
    doNotShareWarningEnabled: form.doNotShareWarningEnabled,
    customCodeEnabled: form.customCodeEnabled,
    totpIssuer: blankToNull(form.totpIssuer),
    totpTimeStep: number(form.totpTimeStep),
    totpCodeLength: number(form.totpCodeLength),
    totpSkew: number(form.totpSkew),
    defaultTemplateSid: blankToNull(form.defaultTemplateSid),
    whatsappMsgServiceSid: blankToNull(form.whatsappMsgServiceSid),
    whatsappFrom: blankToNull(form.whatsappFrom),
    verifyEventSubscriptionEnabled: form.verifyEventSubscriptionEnabled,
  };
}

/** A unix time as local `YYYY-MM-DD HH:MM:SS`, the way the history lists it. */
export function localTime(unixSeconds: number): string {
  const at = new Date(unixSeconds * 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  return (
    `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ` +
    `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`
  );
}

/** A long SID cut to its kind and its tail (`VA…3f9c1a`), for narrow columns; the title keeps it whole. */
export function shortSid(sid: string): string {
  return sid.length > 12 ? `${sid.slice(0, 2)}…${sid.slice(-6)}` : sid;
}
