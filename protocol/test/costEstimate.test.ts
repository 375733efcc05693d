import { describe, expect, it } from "vitest";
import { type AwsPrices, estimateSessionCost, US_EAST_1_PRICES } from "../src/costEstimate.js";

const usd = (estimate: ReturnType<typeof estimateSessionCost>, service: string) =>
  estimate.lines.find((line) => line.service === service)?.usd ?? Number.NaN;

describe("session cost estimate", () => {
  const talk = estimateSessionCost({ minutes: 60, targetLanguages: 3, listeners: 100 });

  it("prices the worked example of docs/deploy.md: 1 h, 3 neural languages, 100 listeners", () => {
    expect(usd(talk, "Transcribe")).toBeCloseTo(1.44, 6);
    expect(usd(talk, "Translate")).toBeCloseTo(48_000 * 3 * 15e-6, 6);
    expect(usd(talk, "Polly")).toBeCloseTo(48_000 * 3 * 16e-6, 6);
    // 10 channels: 0.30 a channel-month, 110 connects x 24 messages, 20 relayed listeners x 60 min.
    expect(usd(talk, "Kinesis Video Streams")).toBeCloseTo(0.3 + 2640 * 2.25e-6 + 1200 * 0.12e-3, 6);
    // 200 connects and subscribes, 720 captions x 3 languages + 3,600 partials published,
    // 720 captions x 100 listeners + 3,600 partials x 20 source-language listeners delivered.
    expect(usd(talk, "AppSync Events")).toBeCloseTo((200 + 5760 + 144_000) * 1e-6 + 6000 * 0.08e-6, 9);
    expect(talk.totalUsd).toBeCloseTo(6.5315, 4);
    expect(talk.perHourUsd).toBeCloseTo(talk.totalUsd, 9);
  });

  it("is dominated by Transcribe, Translate and Polly, not by the serverless plumbing", () => {
    const engines = usd(talk, "Transcribe") + usd(talk, "Translate") + usd(talk, "Polly");
    expect(engines / talk.totalUsd).toBeGreaterThan(0.85);
  });

  it("delivers captions through the Event API, once per listener, not as API Gateway messages", () => {
    const small = estimateSessionCost({ minutes: 60, targetLanguages: 3, listeners: 100 });
    const large = estimateSessionCost({ minutes: 60, targetLanguages: 3, listeners: 10_000 });
    // WebSocket messages grow only by each listener's hello and language (2 per listener).
    expect(large.lines.find((l) => l.service === "API Gateway")?.detail).toMatch(/^32960 WebSocket messages/);
    // Deliveries grow linearly with listeners: 720 captions + 3,600 partials x 0.2 per listener.
    const perListener = (usd(large, "AppSync Events") - usd(small, "AppSync Events")) / 9_900;
    expect(perListener).toBeCloseTo((2 + 720 + 720) * 1e-6 + 60 * 0.08e-6, 9);
  });

  it("charges standard voices at the standard price", () => {
    const standard = estimateSessionCost({ minutes: 60, targetLanguages: 3, neuralLanguages: 1, listeners: 100 });
    expect(usd(standard, "Polly")).toBeCloseTo(48_000 * (16e-6 + 2 * 4e-6), 6);
  });

  it("uses measured characters and segments over the assumptions", () => {
    const measured = estimateSessionCost({
      minutes: 30,
      targetLanguages: 2,
      listeners: 10,
      sourceCharacters: 10_000,
      segments: 100,
    });
    expect(usd(measured, "Translate")).toBeCloseTo(10_000 * 2 * 15e-6, 9);
    expect(measured.perHourUsd).toBeCloseTo(measured.totalUsd * 2, 9);
  });

  it("stops WebRTC channels at the audio capacity while captions still reach everyone", () => {
    const capped = estimateSessionCost({ minutes: 60, targetLanguages: 1, listeners: 500, audioCapacity: 100 });
    const open = estimateSessionCost({ minutes: 60, targetLanguages: 1, listeners: 500, audioCapacity: 500 });
    expect(capped.lines.find((l) => l.service === "Kinesis Video Streams")?.detail).toMatch(/^10 channels/);
    expect(open.lines.find((l) => l.service === "Kinesis Video Streams")?.detail).toMatch(/^50 channels/);
    expect(usd(capped, "API Gateway")).toBeCloseTo(usd(open, "API Gateway"), 9);
  });

  it("grows linearly with languages for translation and speech", () => {
    const one = estimateSessionCost({ minutes: 60, targetLanguages: 1, listeners: 0 });
    const five = estimateSessionCost({ minutes: 60, targetLanguages: 5, listeners: 0 });
    expect(usd(five, "Translate")).toBeCloseTo(5 * usd(one, "Translate"), 9);
    expect(usd(five, "Polly")).toBeCloseTo(5 * usd(one, "Polly"), 9);
  });

  it("costs nothing for a session that has not started", () => {
    const idle = estimateSessionCost({ minutes: 0, targetLanguages: 3, listeners: 0 });
    expect(idle.totalUsd).toBe(0);
    expect(idle.perHourUsd).toBe(0);
  });

  it("takes other prices, such as another region's", () => {
    const doubled = Object.fromEntries(
      Object.entries(US_EAST_1_PRICES).map(([key, price]) => [key, price * 2]),
    ) as unknown as AwsPrices;
    expect(estimateSessionCost({ minutes: 60, targetLanguages: 3, listeners: 100 }, doubled).totalUsd).toBeCloseTo(
      talk.totalUsd * 2,
      9,
    );
  });

  it("rejects negative or non-finite usage with the field's name", () => {
    expect(() => estimateSessionCost({ minutes: -1, targetLanguages: 1, listeners: 1 })).toThrow(/minutes/);
    expect(() => estimateSessionCost({ minutes: 1, targetLanguages: 1, listeners: Number.NaN })).toThrow(/listeners/);
  });
});
