import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { CreateSignalingChannelCommand } from "@aws-sdk/client-kinesis-video";
import { GetIceServerConfigCommand, type IceServer } from "@aws-sdk/client-kinesis-video-signaling";
import { PATHS } from "@babelcast/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TURN_SETTINGS_SECTION } from "../../src/turn/turnSettings.js";
import { type KvsHarness, startKvsHarness } from "./kvsHarness.js";

/**
 * Runs coturn's own test client against a TURN entry: it allocates a relay with the
 * credentials, sends messages to itself through the relay and counts what comes back.
 */
function relayThrough(uri: string, username: string, password: string): Promise<{ code: number; output: string }> {
  const { hostname, port } = new URL(uri.replace(/^turn:/, "turn://").replace(/\?.*$/, ""));
  return new Promise((resolve) => {
    const client = spawn("turnutils_uclient", [
      "-y",
      "-n",
      "2",
      "-m",
      "1",
      "-u",
      username,
      "-w",
      password,
      "-p",
      port,
      hostname,
    ]);
    let output = "";
    client.stdout.on("data", (d: Buffer) => {
      output += d.toString();
    });
    client.stderr.on("data", (d: Buffer) => {
      output += d.toString();
    });
    const timer = setTimeout(() => client.kill("SIGKILL"), 20_000);
    client.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

/** Whether anything answers a STUN Binding request at host:port within `ms`. */
function answersStun(host: string, port: number, ms = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    const request = Buffer.alloc(20);
    request.writeUInt16BE(0x0001, 0);
    request.writeUInt32BE(0x2112a442, 4);
    let settled = false;
    const done = (answered: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close();
      resolve(answered);
    };
    const timer = setTimeout(() => done(false), ms);
    socket.on("message", (reply) => done(reply.readUInt16BE(0) === 0x0101));
    socket.send(request, port, host);
  });
}

describe("GetIceServerConfig answers TURN from a real TURN server", () => {
  let h: KvsHarness;
  let arn: string;
  let entry: IceServer;
  let askedAt: number;

  beforeAll(async () => {
    h = await startKvsHarness();
    arn = (await h.control.send(new CreateSignalingChannelCommand({ ChannelName: "turn" }))).ChannelARN ?? "";
    askedAt = Date.now();
    const out = await h
      .signaling(`${h.server.url}${PATHS.kinesisvideoSignaling}`)
      .send(new GetIceServerConfigCommand({ ChannelARN: arn, ClientId: "viewer-1", Service: "TURN" }));
    entry = out.IceServerList?.[0] ?? {};
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it("an entry has turn: URIs for UDP and TCP, credentials and KVS's 300 s TTL", () => {
    expect(entry.Uris).toEqual([
      expect.stringMatching(/^turn:127\.0\.0\.1:\d+\?transport=udp$/),
      expect.stringMatching(/^turn:127\.0\.0\.1:\d+\?transport=tcp$/),
    ]);
    expect(entry.Ttl).toBe(300);
    const [expiry, name] = (entry.Username ?? "").split(":");
    expect(name).toBe("viewer-1");
    expect(Number(expiry)).toBeGreaterThanOrEqual(Math.floor(askedAt / 1000) + 300);
    expect(Number(expiry)).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 301);
    expect(entry.Password).toMatch(/^[A-Za-z0-9+/]{27}=$/);
  });

  it("the credentials allocate a relay that carries data; a wrong password is refused", async () => {
    const uri = entry.Uris?.[0] ?? "";
    const good = await relayThrough(uri, entry.Username ?? "", entry.Password ?? "");
    expect(good.code, good.output).toBe(0);
    const received = Number(/tot_recv_msgs=(\d+)\n/.exec(good.output)?.[1] ?? 0);
    expect(received).toBeGreaterThan(0);
    expect(good.output).toMatch(/Total lost packets 0 /);
    const bad = await relayThrough(uri, entry.Username ?? "", "not-the-password");
    expect(bad.code).not.toBe(0);
    expect(bad.output).toMatch(/Cannot complete Allocation/);
  }, 60_000);

  it("the TURN server stops with the embedded server", async () => {
    const turn = await h.kvs.turnServer();
    expect(await answersStun(turn.host, turn.port)).toBe(true);
    await h.close();
    expect(await answersStun(turn.host, turn.port)).toBe(false);
  });
});

describe("without coturn", () => {
  it("GetIceServerConfig fails with an error that says what to install", async () => {
    const h = await startKvsHarness({}, { settings: { [TURN_SETTINGS_SECTION]: { command: "turnserver-not-here" } } });
    try {
      const arn = (await h.control.send(new CreateSignalingChannelCommand({ ChannelName: "noturn" }))).ChannelARN;
      const err = await h
        .signaling(`${h.server.url}${PATHS.kinesisvideoSignaling}`)
        .send(new GetIceServerConfigCommand({ ChannelARN: arn }))
        .catch((e) => e);
      expect(err).toMatchObject({ $metadata: { httpStatusCode: 500 } });
      expect(err.message).toMatch(/not installed: install Debian's coturn \(sudo apt-get install coturn\)/);
    } finally {
      await h.close();
    }
  });
});
